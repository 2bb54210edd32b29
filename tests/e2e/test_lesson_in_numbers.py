"""The numbers that carry a lab's lesson are in `lab check`'s human output, not only in
--json: a flip that landed on another broken release (lab 38-02) is counted there,
with the learner's own first action."""

from __future__ import annotations

import re

import pytest
from support import just, lab, lab_json


@pytest.mark.e2e
def test_a_flip_onto_a_broken_release_is_counted_in_the_human_check(broken_38_02):
    course, ws, env = broken_38_02
    assert just("smoke-portal", cwd=ws, env=env).returncode != 0
    flip = just("rollback", cwd=ws, env=env)
    assert flip.returncode == 0 and "flipped back to 1.3.4" in flip.stdout
    assert just("smoke-portal", cwd=ws, env=env).returncode != 0

    watch = lab_json("stopwatch", "--once", cwd=ws, env=env)
    assert watch["rollbacks_to_broken"] == 1

    check = lab("check", "38-02", cwd=ws, env=env, check=False)
    assert check.returncode == 1
    said = " ".join(check.stdout.split())
    assert "the lesson in numbers: 1 rollback(s) landed on a broken release" in said
    assert re.search(r"your first action came (\d+m)?[\d.]+ ?s after the impact", said), said
