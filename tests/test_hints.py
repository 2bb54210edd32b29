"""labkit.hints: a lab's hints revealed one at a time, each counted as evidence."""

from __future__ import annotations

import pytest

from checker.journal import Journal
from labkit import labstate
from labkit.catalog import get
from labkit.hints import reveal_next
from labkit.runtime.layout import Workspace


def broken(tmp_path, lab_id="38-01", **extra):
    """A workspace state where the lab's break is active (as `lab break` leaves it)."""
    from labkit import labstate

    labstate.set_break(tmp_path, lab=lab_id, stage="released", **extra)
    return Workspace(tmp_path)


def test_hints_come_one_at_a_time_and_each_is_journaled(tmp_path):
    lab = get("38-01")
    ws = broken(tmp_path)
    first = reveal_next(ws, lab)
    assert (first.number, first.total) == (1, 3)
    assert first.text == lab.spec.hints.en[0] and first.shown == lab.spec.hints.en[:1]
    second = reveal_next(ws, lab, "es")
    assert second.number == 2 and second.text == lab.spec.hints.es[1]
    assert second.shown == lab.spec.hints.es[:2]
    assert labstate.hints_revealed(tmp_path, "38-01") == 2
    entries = Journal(ws.journal_path).entries()
    assert [(e.event, e.data) for e in entries] == [
        ("hint.revealed", {"lab": "38-01", "hint": 1, "lang": "en"}),
        ("hint.revealed", {"lab": "38-01", "hint": 2, "lang": "es"}),
    ]


def test_when_none_is_left_nothing_more_is_counted(tmp_path):
    lab = get("38-01")
    ws = broken(tmp_path)
    for _ in range(3):
        reveal_next(ws, lab)
    done = reveal_next(ws, lab)
    assert (done.number, done.total, done.text) == (0, 3, None)
    assert done.shown == lab.spec.hints.en
    assert labstate.hints_revealed(tmp_path, "38-01") == 3
    assert len(Journal(ws.journal_path).entries()) == 3


def test_before_the_break_nothing_is_shown_or_counted(tmp_path):
    from labkit import labstate
    from labkit.errors import WorkspaceError

    ws = Workspace(tmp_path)
    with pytest.raises(WorkspaceError, match="not broken yet"):
        reveal_next(ws, get("38-01"))
    assert labstate.hints_revealed(tmp_path, "38-01") == 0
    assert not ws.journal_path.exists()


def test_in_challenge_mode_the_guided_steps_follow_the_hints(tmp_path):
    lab = get("38-01")
    ws = broken(tmp_path, mode="challenge")
    shown = [reveal_next(ws, lab) for _ in range(4)]
    assert shown[0].total == 3 + len(lab.spec.next_steps.en)
    assert shown[3].text == lab.spec.next_steps.en[0]
