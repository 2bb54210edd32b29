"""A lab's reference figures name the backend they were measured on; the learner
sees those of the backend in use."""

from __future__ import annotations

import pytest

from labkit import catalog


@pytest.mark.parametrize("lab_id", ["38-01", "38-02"])
def test_each_lab_has_figures_for_both_backends(lab_id):
    ref = catalog.get(lab_id).spec.reference
    process, docker = ref.on("process"), ref.on("docker")
    assert process["backend"] == "process" and docker["backend"] == "docker"
    assert process["flip_s"] > 0 and process["rebuild_s"] > process["flip_s"]
    assert docker["flip_s"] > 0 and docker["rebuild_s"] > docker["flip_s"]
    assert docker["rebuild_s"] > process["rebuild_s"]  # an image build costs more


def test_a_backend_without_figures_shows_none():
    from labkit.labspec import Reference

    ref = Reference(flip_s=0.3, rebuild_s=3.0)
    assert ref.on("docker") == {"backend": "docker", "flip_s": None, "rebuild_s": None}
    assert ref.on("process")["flip_s"] == 0.3
