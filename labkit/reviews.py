"""The review queue: records a person must read, and their decisions.

The queue is what grading finds: every row whose record waits on a field
(``Row.record_reviews``). Decisions go to the instructor's file
``reviews.jsonl`` beside the directory of learners (the course directory by
default), appended one line at a time and keyed to the hash of the record
they were made on (see :mod:`checker.reviews`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from checker.grading import Row
from checker.reviews import DECISIONS, REVIEWS_FILE, SCHEMA_VERSION, Decisions, load_decisions
from labkit.errors import UsageError
from labkit.runtime.fsutil import append_line


def reviews_file(learners: Path) -> Path:
    """The decisions of the cohort under ``learners``: beside it, never inside it."""
    return learners.resolve().parent / REVIEWS_FILE


def decisions_for(learners: Path) -> Decisions:
    return load_decisions(reviews_file(learners))


def pending(rows: list[Row]) -> list[dict[str, Any]]:
    """One item per field waiting for a decision: learner, lab, field, text, rule."""
    return [{"learner": r.learner, "lab": r.lab, "workspace": r.workspace,
             "record_hash": r.record_hash, **item}
            for r in rows for item in r.record_reviews]


def find_field(rows: list[Row], learner: str, lab: str, field: str) -> Row:
    """The row whose record sends ``field`` to review; a UsageError naming what is unknown."""
    mine = [r for r in rows if r.learner == learner]
    if not mine:
        raise UsageError(f"there is no learner '{learner}' in this cohort")
    row = next((r for r in mine if r.lab == lab), None)
    if row is None:
        raise UsageError(f"learner '{learner}' has no workspace of lab '{lab}'")
    if not any(item["field"] == field for item in row.record_reviews):
        waiting = sorted({item["field"] for item in row.record_reviews})
        also = f" (waiting: {', '.join(waiting)})" if waiting else " (none is waiting)"
        raise UsageError(f"field '{field}' of {learner}'s record for {lab} is not waiting "
                         f"for review{also}")
    return row


def decide(learners: Path, row: Row, field: str, decision: str,
           comment: str = "") -> dict[str, Any]:
    """Append a person's decision on ``field`` of ``row``'s record; returns the entry."""
    if decision not in DECISIONS:
        raise UsageError(f"the decision must be accept or reject, not '{decision}'")
    entry = {"v": SCHEMA_VERSION, "at": round(time.time(), 3), "learner": row.learner,
             "lab": row.lab, "field": field, "record_hash": row.record_hash,
             "decision": decision, "comment": comment}
    append_line(reviews_file(learners), json.dumps(entry, sort_keys=True, ensure_ascii=False))
    return entry
