"""What a learner reads of the evidence: the stopwatch table and the timeline, in both
languages, rendered to a plain console."""

from __future__ import annotations

import io

from rich.console import Console

from labkit.cli.views import render_stopwatch

WATCH = {
    "lab": "38-01", "state": "mitigated", "impact_at": 1000.0,
    "detect_s": 0.2, "detected_by": "probe", "acknowledge_s": 28.0,
    "mitigate_s": 74.4, "mitigated_by": "smoke", "resolve_s": None,
    "rollback_mode": "rebuild", "rollback_s": 4.5, "rollback_failures": 1,
    "rollbacks_to_broken": 0, "hints_used": 1,
    "timeline": [
        {"what": "impact", "at_s": 0.0},
        {"what": "detected", "at_s": 0.2, "by": "probe"},
        {"what": "acknowledged", "at_s": 28.0},
        {"what": "rollback", "at_s": 49.0, "outcome": "failed", "to": "1.2.2"},
        {"what": "rollback", "at_s": 74.1, "outcome": "ok", "to": "1.2.2", "mode": "rebuild"},
        {"what": "mitigated", "at_s": 74.4, "by": "smoke"},
    ],
}


def rendered(watch, lang, reference=None) -> str:
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(
        render_stopwatch(watch, reference, lang))
    return out.getvalue()


def test_detection_is_credited_to_the_probe_in_its_own_column_not_the_reference():
    text = rendered(WATCH, "en", {"flip_s": 0.34, "rebuild_s": 3.0})
    line = next(row for row in text.splitlines() if "time to detect" in row)
    assert "0.2 s (by the probe)" in line and "flip" not in line
    assert "time to acknowledge (your first action)" in text and "28.0 s" in text


def test_the_timeline_lists_every_mark_with_its_time():
    text = rendered(WATCH, "en")
    assert "timeline (seconds after the impact)" in text
    for expected in ("impact: a broken release serves users", "detected by the probe",
                     "acknowledged: your first action", "rollback failed",
                     "rollback to 1.2.2 (rebuild)", "mitigated: a good release serves again"):
        assert expected in text
    strip = next(row for row in text.splitlines() if row.strip().startswith("|"))
    assert strip.strip().startswith("|I") and "M" in strip and "R" in strip


def test_spanish_learners_read_the_same_in_spanish():
    text = rendered(WATCH, "es", {"flip_s": 0.34, "rebuild_s": 3.0})
    for expected in ("cronómetro del incidente", "tiempo hasta detectar", "(por la sonda)",
                     "línea temporal", "vuelta atrás fallida", "mitigado"):
        assert expected in text
    assert "time to" not in text


def test_an_unmeasured_mitigation_says_why_instead_of_a_dash():
    watch = dict(WATCH, state="detected", mitigate_s=None, mitigated_by=None,
                 timeline=WATCH["timeline"][:3])
    text = rendered(watch, "en")
    assert "not measured: no passing smoke test or probe on a good release" in text


def test_before_a_break_the_view_says_how_to_start_one():
    text = rendered({"lab": "38-01", "state": "no break"}, "en")
    assert "no break yet" in text and "lab break 38-01" in text


def test_a_missing_record_names_its_file_once(tmp_path):
    from checker.record_verdict import judge_records

    verdict = judge_records(tmp_path / "notes" / "breaks.md", {}, bug_id="38-01")
    (error,) = verdict.errors
    line = f"{error['file']} {error['message']}"
    assert line.count("breaks.md") == 1 and "lab record 38-01" in line
