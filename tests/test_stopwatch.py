"""The stopwatch's phases from journals written with the real journal writer."""

from __future__ import annotations

import json

from checker.journal import Journal
from checker.stopwatch import measure


def journal_of(tmp_path, events) -> Journal:
    journal = Journal(tmp_path / "journal.jsonl")
    for event, data in events:
        journal.append(event, data)
    return journal


def shift(journal, seconds_by_seq):
    """Move entries in time (monotonic and wall) to make durations deterministic."""
    rows = [json.loads(r) for r in journal.path.read_text().splitlines()]
    base = rows[0]["mono_ns"]
    for row in rows:
        offset = seconds_by_seq.get(row["seq"], 0)
        row["mono_ns"] = base + int(offset * 1e9)
        row["wall"] = 1_000_000 + offset
        for key in ("first_fail_mono_ns", "first_pass_mono_ns"):
            if row["data"].get(key) == "AT":
                row["data"][key] = row["mono_ns"]
    return [_entry(r) for r in rows]


def _entry(row):
    from checker.journal import _entry as make

    return make(row, row["seq"])


def story():
    return [
        ("lab.started", {"lab": "38-01"}),                                     # 1
        ("release.deployed", {"version": "1.2.2", "mode": "deploy"}),          # 2
        ("fault.injected", {"lab": "38-01", "release": "1.2.3"}),              # 3
        ("release.deployed", {"version": "1.2.3", "mode": "deploy"}),          # 4 impact
        ("probe.window", {"version": "1.2.3", "pass": 0, "fail": 8,
                          "first_fail_mono_ns": "AT"}),                        # 5
        ("smoke.failed", {"version": "1.2.3"}),                                # 6
        ("rollback.started", {"from": "1.2.3", "to": "1.2.2"}),                # 7
        ("rollback.failed", {"reason": "missing"}),                            # 8
        ("hint.revealed", {"lab": "38-01", "hint": 1}),                        # 9
        ("rollback.started", {"from": "1.2.3", "to": "1.2.2"}),                # 10
        ("release.deployed", {"version": "1.2.2", "mode": "rebuild"}),         # 11
        ("rollback.finished", {"mode": "rebuild", "seconds": 4.5}),            # 12
        ("probe.window", {"version": "1.2.2", "pass": 8, "fail": 0,
                          "first_pass_mono_ns": "AT"}),                        # 13 mitigated
        ("release.deployed", {"version": "1.2.4", "mode": "deploy"}),          # 14
        ("check.run", {"lab": "38-01", "resolved": False}),                    # 15
        ("check.run", {"lab": "38-01", "resolved": True}),                     # 16 resolved
    ]


def test_the_four_phases_in_order(tmp_path):
    journal = journal_of(tmp_path, story())
    times = {1: 0, 2: 1, 3: 10, 4: 12, 5: 12.5, 6: 40, 7: 60, 8: 61, 9: 70, 10: 80, 11: 86,
             12: 86.1, 13: 86.4, 14: 200, 15: 210, 16: 300}
    watch = measure(shift(journal, times), "38-01")
    assert watch.state == "resolved"
    assert watch.detect_s == 0.5 and watch.detected_by == "probe"
    assert watch.first_action_s == 28.0
    assert watch.mitigate_s == 74.4 and watch.mitigated_by == "probe"
    assert watch.mitigated_version == "1.2.2"
    assert watch.resolve_s == 288.0
    assert watch.rollback_mode == "rebuild" and watch.rollback_s == 4.5
    assert watch.rollback_failures == 1 and watch.hints_used == 1
    assert watch.probes_failed == 8 and watch.probes_passed == 8


def test_phases_stop_where_the_evidence_stops(tmp_path):
    events = story()
    journal = journal_of(tmp_path, events[:6])
    watch = measure(shift(journal, {4: 5, 5: 6, 6: 7}), "38-01")
    assert watch.state == "detected" and watch.mitigate_s is None and watch.resolve_s is None
    assert watch.detect_s == 1.0


def test_a_green_window_of_the_broken_release_is_not_mitigation(tmp_path):
    events = story()[:5] + [("probe.window", {"version": "1.2.3", "pass": 3, "fail": 0,
                                              "first_pass_mono_ns": "AT"})]
    watch = measure(shift(journal_of(tmp_path, events), {}), "38-01")
    assert watch.state == "detected"


def test_smoke_pass_on_a_good_release_mitigates_without_probes(tmp_path):
    events = story()[:4] + [("smoke.failed", {"version": "1.2.3"}),
                            ("release.deployed", {"version": "1.2.2", "mode": "flip"}),
                            ("rollback.finished", {"mode": "flip", "seconds": 0.4}),
                            ("smoke.passed", {"version": "1.2.2"})]
    watch = measure(shift(journal_of(tmp_path, events), {4: 0, 5: 3, 6: 5, 7: 5, 8: 9}), "38-01")
    assert watch.state == "mitigated" and watch.mitigated_by == "smoke"
    assert watch.detect_s == 3 and watch.mitigate_s == 9 and watch.rollback_mode == "flip"


def test_no_break_no_phases(tmp_path):
    watch = measure(shift(journal_of(tmp_path, story()[:2]), {}), "38-01")
    assert watch.state == "no break" and watch.impact_at is None


def test_every_release_of_a_break_that_ships_several_counts_as_broken(tmp_path):
    broken = ["1.3.3", "1.3.4", "1.3.5"]
    events = [
        ("release.deployed", {"version": "1.3.2", "mode": "deploy"}),          # 1
        ("fault.injected", {"lab": "38-02", "release": "1.3.5",
                            "releases": broken}),                              # 2
        ("release.deployed", {"version": "1.3.3", "mode": "deploy"}),          # 3 impact
        ("release.deployed", {"version": "1.3.4", "mode": "deploy"}),          # 4
        ("release.deployed", {"version": "1.3.5", "mode": "deploy"}),          # 5
        ("smoke.failed", {"version": "1.3.5"}),                                # 6 detected
        ("release.deployed", {"version": "1.3.4", "mode": "flip"}),            # 7
        ("rollback.finished", {"to": "1.3.4", "mode": "flip", "seconds": 0.1}),  # 8
        ("probe.window", {"version": "1.3.4", "pass": 4, "fail": 0,
                          "first_pass_mono_ns": "AT"}),                        # 9 not green
        ("smoke.failed", {"version": "1.3.4"}),                                # 10
        ("release.deployed", {"version": "1.3.2", "mode": "rebuild"}),         # 11
        ("rollback.finished", {"to": "1.3.2", "mode": "rebuild", "seconds": 3}),  # 12
        ("smoke.passed", {"version": "1.3.2"}),                                # 13 mitigated
    ]
    times = {3: 10, 4: 20, 5: 30, 6: 40, 7: 50, 8: 50, 9: 51, 10: 55, 11: 70, 12: 70, 13: 75}
    watch = measure(shift(journal_of(tmp_path, events), times), "38-02")
    assert watch.broken_release == "1.3.5" and watch.broken_releases == broken
    assert watch.state == "mitigated" and watch.mitigated_version == "1.3.2"
    assert watch.detect_s == 30 and watch.mitigate_s == 65
    assert watch.rollback_mode == "rebuild" and watch.rollback_s == 3
    assert watch.rollbacks_to_broken == 1


def test_a_break_of_one_release_lists_it_as_its_only_broken_release(tmp_path):
    watch = measure(shift(journal_of(tmp_path, story()[:4]), {}), "38-01")
    assert watch.broken_release == "1.2.3" and watch.broken_releases == ["1.2.3"]
    assert watch.state == "impact" and watch.rollbacks_to_broken == 0


def test_the_timeline_marks_every_phase_and_rollback_attempt_in_order(tmp_path):
    journal = journal_of(tmp_path, story())
    times = {1: 0, 2: 1, 3: 10, 4: 12, 5: 12.5, 6: 40, 7: 60, 8: 61, 9: 70, 10: 80, 11: 86,
             12: 86.1, 13: 86.4, 14: 200, 15: 210, 16: 300}
    watch = measure(shift(journal, times), "38-01")
    assert watch.acknowledge_s == watch.first_action_s == 28.0
    assert [(m["what"], m["at_s"]) for m in watch.timeline] == [
        ("impact", 0.0), ("detected", 0.5), ("acknowledged", 28.0), ("rollback", 49.0),
        ("rollback", 74.1), ("mitigated", 74.4), ("resolved", 288.0)]
    failed, done = (m for m in watch.timeline if m["what"] == "rollback")
    assert failed["outcome"] == "failed" and done["outcome"] == "ok"
    assert done["mode"] == "rebuild"


def test_no_impact_no_timeline(tmp_path):
    watch = measure(shift(journal_of(tmp_path, story()[:3]), {}), "38-01")
    assert watch.timeline == [] and watch.acknowledge_s is None


def test_the_serving_backend_down_and_restarted_is_counted_as_impact(tmp_path):
    events = story()[:5] + [
        ("backend.down", {"version": "1.2.3", "reason": "its process exited", "serving": True}),
        ("backend.restarted", {"version": "1.2.3", "reason": "its process exited",
                               "serving": True, "seconds": 1.25}),
        ("backend.down", {"version": "1.2.2", "reason": "its process exited",
                          "serving": False}),
        ("backend.restarted", {"version": "1.2.2", "serving": False, "seconds": 9.0}),
        ("backend.down", {"version": "1.2.3", "reason": "3 health checks in a row failed",
                          "serving": True}),
    ]
    watch = measure(shift(journal_of(tmp_path, events), {4: 1, 5: 2}), "38-01")
    assert watch.state == "detected" and watch.detect_s == 1.0  # no phase moves
    assert watch.backend_outages == 1 and watch.backend_down_s == 1.25
    assert watch.notes == ["the backend serving 1.2.3 went down and the journal shows no restart"]


def test_a_backend_restart_before_the_impact_is_not_the_incident(tmp_path):
    events = [("backend.down", {"version": "1.2.2", "serving": True}),
              ("backend.restarted", {"version": "1.2.2", "serving": True, "seconds": 2.0}),
              *story()[2:4]]
    watch = measure(shift(journal_of(tmp_path, events), {}), "38-01")
    assert watch.state == "impact" and watch.backend_outages == 0
    assert watch.backend_down_s is None


def test_a_deploy_ends_an_outage_of_the_serving_backend(tmp_path):
    events = story()[:5] + [
        ("backend.down", {"version": "1.2.3", "reason": "its process exited", "serving": True}),
        ("release.deployed", {"version": "1.2.2", "mode": "flip"}),
    ]
    watch = measure(shift(journal_of(tmp_path, events), {4: 1, 5: 2, 6: 3, 7: 7.5}), "38-01")
    assert watch.backend_outages == 1 and watch.backend_down_s == 4.5 and not watch.notes


def test_a_gate_that_passes_a_broken_release_starts_the_impact(tmp_path):
    """On a swarm the broken release may never serve: the swarm rolls it back while the
    upgrade gate reports it done. The impact is that false pass."""
    journal = journal_of(tmp_path, [
        ("lab.started", {"lab": "38-03"}),                                         # 1
        ("upgrade.gate", {"version": "1.2.1", "verdict": "pass", "serving": "1.2.1"}),  # 2
        ("fault.injected", {"lab": "38-03", "release": "1.3.0"}),                  # 3
        ("swarm.update", {"state": "updating", "version": "1.3.0"}),               # 4
        ("upgrade.gate", {"version": "1.3.0", "verdict": "fail", "serving": "1.2.1"}),  # 5
        ("upgrade.gate", {"version": "1.3.0", "verdict": "pass", "serving": "1.2.1"}),  # 6
        ("swarm.update", {"state": "rollback_completed", "version": "1.2.1"}),     # 7
        ("smoke.failed", {"version": "1.2.1"}),                                    # 8
        ("release.deployed", {"version": "1.3.1", "mode": "swarm"}),               # 9
        ("smoke.passed", {"version": "1.3.1"}),                                    # 10
    ])
    entries = shift(journal, {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 7: 14, 8: 30, 9: 90, 10: 95})
    watch = measure(entries, "38-03")
    assert watch.impact_by == "gate" and watch.impact_at == 1_000_005
    assert (watch.detect_s, watch.detected_by) == (25.0, "smoke")
    assert (watch.mitigate_s, watch.mitigated_version) == (90.0, "1.3.1")
    assert watch.timeline[0] == {"what": "impact", "at_s": 0.0, "by": "gate"}
