"""A person's decisions on records in review: read, applied, and shown to the learner."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from checker.checks import CheckResult
from checker.journal import Verdict
from checker.record_verdict import judge_records
from checker.records import FixVerdict
from checker.reviews import apply_decisions, load_decisions
from checker.stopwatch import Stopwatch
from labcore.errors import DataError
from labkit.catalog import get
from labkit.console import THEME
from labkit.verdict import CheckReport, all_rules, reviews_path

REVIEW = Path(__file__).parent / "fixtures" / "records" / "corpus" / "review"
VAGUE = REVIEW / "es_unmatched_cause.md"  # 38-02, hidden_cause sent to review


def in_review():
    return judge_records(VAGUE, all_rules(), bug_id="38-02",
                         verify_fix=lambda d: FixVerdict(True, "fixed"))


def decisions_file(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "reviews.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return path


def entry(verdict, decision: str, comment: str = "", **over) -> dict:
    return {"v": 1, "at": 1.0, "learner": "ana", "lab": "38-02", "field": "hidden_cause",
            "record_hash": verdict.record_hash, "decision": decision, "comment": comment,
            **over}


def test_an_accepted_field_makes_the_record_valid(tmp_path: Path) -> None:
    verdict = in_review()
    assert verdict.status == "review" and not verdict.valid
    found = load_decisions(decisions_file(tmp_path, entry(verdict, "accept", "fine")))
    apply_decisions(verdict, "ana", "38-02", found)
    assert (verdict.status, verdict.valid, verdict.reviews) == ("valid", True, [])
    assert verdict.decisions == [{"field": "hidden_cause", "decision": "accept",
                                  "comment": "fine"}]


def test_the_latest_decision_wins_and_a_reject_is_an_error(tmp_path: Path) -> None:
    verdict = in_review()
    path = decisions_file(tmp_path, entry(verdict, "accept"),
                          entry(verdict, "reject", "say which window"))
    apply_decisions(verdict, "ana", "38-02", load_decisions(path))
    assert verdict.status == "invalid"
    assert verdict.errors[-1]["message"] == ("hidden_cause was rejected on review: "
                                             "say which window")


@pytest.mark.parametrize("other", [{"record_hash": "0" * 16}, {"learner": "bea"},
                                   {"lab": "38-01"}])
def test_a_decision_on_another_record_does_not_apply(tmp_path: Path, other: dict) -> None:
    verdict = in_review()
    path = decisions_file(tmp_path, entry(verdict, "accept", **other))
    apply_decisions(verdict, "ana", "38-02", load_decisions(path))
    assert verdict.status == "review" and verdict.decisions == []


@pytest.mark.parametrize(("line", "field"), [
    ('{"learner": "ana"}', "lab"),
    ('{"learner": "ana", "lab": "38-02", "field": "x", "record_hash": "h", '
     '"decision": "maybe"}', "decision"),
    ("not json", None),
])
def test_a_damaged_decision_file_names_line_and_field(tmp_path: Path, line, field) -> None:
    path = tmp_path / "reviews.jsonl"
    path.write_text('\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_decisions(path)
    assert caught.value.line == 2 and caught.value.field == field


def test_the_decision_file_sits_in_the_course_outside_the_learners(tmp_path: Path) -> None:
    ws = tmp_path / "course" / "learners" / "ana" / "phase-38"
    ws.mkdir(parents=True)
    assert reviews_path(ws) == (tmp_path / "course" / "reviews.jsonl").resolve()


@pytest.mark.parametrize(("lang", "words"), [("en", "your instructor accepted hidden_cause"),
                                             ("es", "tu instructor aceptó hidden_cause")])
def test_lab_check_shows_the_learner_the_decision_and_comment(tmp_path, monkeypatch, lang,
                                                              words) -> None:
    from labkit.cli import views

    verdict = in_review()
    path = decisions_file(tmp_path, entry(verdict, "accept", "the window, in other words"))
    apply_decisions(verdict, "ana", "38-02", load_decisions(path))
    report = CheckReport(get("38-02"), "ana", tmp_path, [CheckResult("portal", True, "")],
                         verdict, Verdict(True, 3), Stopwatch())
    assert report.resolved and report.as_dict()["record"]["status"] == "valid"
    out = io.StringIO()
    monkeypatch.setattr(views, "console", Console(file=out, width=200, color_system=None, theme=THEME))
    views.render_check(report, lang)
    assert f"{words}: the window, in other words" in out.getvalue()


def test_lab_check_says_a_record_waits_for_review(tmp_path, monkeypatch) -> None:
    from labkit.cli import views

    report = CheckReport(get("38-02"), "ana", tmp_path, [CheckResult("portal", True, "")],
                         in_review(), Verdict(True, 3), Stopwatch())
    assert not report.resolved and report.as_dict()["record"]["valid"] is False
    out = io.StringIO()
    monkeypatch.setattr(views, "console", Console(file=out, width=200, color_system=None, theme=THEME))
    views.render_check(report, "en")
    assert "record waiting for review: 1 field(s)" in out.getvalue()
    assert "review: hidden_cause: hidden_cause could not be matched" in out.getvalue()
