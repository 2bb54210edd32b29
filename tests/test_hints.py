"""labkit.hints: a lab's hints revealed one at a time, each counted as evidence."""

from __future__ import annotations

from checker.journal import Journal
from labkit import labstate
from labkit.catalog import get
from labkit.hints import reveal_next
from labkit.runtime.layout import Workspace


def test_hints_come_one_at_a_time_and_each_is_journaled(tmp_path):
    lab = get("38-01")
    ws = Workspace(tmp_path)
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
    ws = Workspace(tmp_path)
    for _ in range(3):
        reveal_next(ws, lab)
    done = reveal_next(ws, lab)
    assert (done.number, done.total, done.text) == (0, 3, None)
    assert done.shown == lab.spec.hints.en
    assert labstate.hints_revealed(tmp_path, "38-01") == 3
    assert len(Journal(ws.journal_path).entries()) == 3
