"""labkit.labstate: a learner's progress through a lab, kept in `.lab/`."""

from __future__ import annotations

import json

from labkit import labstate
from labkit.runtime.prober import probe_flag


def _probing(root) -> bool:
    return json.loads(probe_flag(root / ".lab").read_text())["active"]


def test_nothing_recorded_yet(tmp_path):
    assert labstate.lab_info(tmp_path) is None
    assert labstate.break_info(tmp_path) is None
    assert labstate.hints_revealed(tmp_path, "38-01") == 0
    assert not probe_flag(tmp_path / ".lab").exists()


def test_lab_info_is_set_then_updated(tmp_path):
    labstate.set_lab_info(tmp_path, "38-01", "ana")
    info = labstate.lab_info(tmp_path)
    assert (info["lab"], info["learner"], info["schema_version"]) == ("38-01", "ana", 1)
    assert isinstance(info["started_at"], float)
    updated = labstate.update_lab_info(tmp_path, stage="ready")
    assert updated == labstate.lab_info(tmp_path) and updated["stage"] == "ready"
    assert updated["lab"] == "38-01"


def test_update_without_lab_info_starts_a_new_record(tmp_path):
    assert labstate.update_lab_info(tmp_path, stage="baseline") == {
        "schema_version": 1, "stage": "baseline"}


def test_setting_a_break_turns_probing_on_and_resolving_turns_it_off(tmp_path):
    state = labstate.set_break(tmp_path, lab="38-01", stage="injected", release="1.2.3")
    assert state["stage"] == "injected" and _probing(tmp_path)
    state = labstate.set_break(tmp_path, stage="released", released_at=1.0)
    assert state["lab"] == "38-01" and state["release"] == "1.2.3" and _probing(tmp_path)
    state = labstate.set_break(tmp_path, resolved_at=2.0)
    assert state["stage"] == "released" and not _probing(tmp_path)
    assert labstate.break_info(tmp_path)["resolved_at"] == 2.0


def test_a_break_that_is_not_injected_yet_does_not_probe(tmp_path):
    labstate.set_break(tmp_path, lab="38-01", stage="planned")
    assert not _probing(tmp_path)


def test_hints_are_counted_per_lab(tmp_path):
    labstate.set_hints_revealed(tmp_path, "38-01", 2)
    labstate.set_hints_revealed(tmp_path, "38-02", 1)
    assert labstate.hints_revealed(tmp_path, "38-01") == 2
    assert labstate.hints_revealed(tmp_path, "38-02") == 1
    assert labstate.hints_revealed(tmp_path, "38-03") == 0
    assert json.loads((tmp_path / ".lab" / "hints.json").read_text()) == {"38-01": 2, "38-02": 1}
