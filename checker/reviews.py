"""A person's decisions on records sent to review, and applying them to a verdict.

Decisions live in the instructor's file ``<course>/reviews.jsonl`` (outside
every learner's directory), one JSON object a line, appended and never
rewritten::

    {"v": 1, "at": 1764600000.0, "learner": "ana", "lab": "38-02",
     "field": "hidden_cause", "record_hash": "…", "decision": "accept",
     "comment": "the cause is right, in other words"}

A decision is keyed to the hash of the record it was made on: once the
learner edits the record, the decision no longer applies and the field is
pending again. The latest decision for a key wins. The person's decision wins
over the matcher: an accepted field is no longer a finding, a rejected one
becomes an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checker.record_verdict import RecordVerdict
from labcore.errors import DataError
from labcore.strict.jsondoc import load_jsonl_lines

REVIEWS_FILE = "reviews.jsonl"
DECISIONS = ("accept", "reject")
SCHEMA_VERSION = 1
_KEYS = ("learner", "lab", "field", "record_hash", "decision")


@dataclass(frozen=True)
class Decision:
    learner: str
    lab: str
    field: str
    record_hash: str
    decision: str  # accept | reject
    comment: str = ""
    at: float = 0.0

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.learner, self.lab, self.field, self.record_hash)


Decisions = dict[tuple[str, str, str, str], Decision]


def load_decisions(path: Path) -> Decisions:
    """The latest decision of each key; none when the file does not exist.

    Raises DataError naming the line and field of a damaged entry.
    """
    if not path.exists():
        return {}
    latest: Decisions = {}
    for number, raw in load_jsonl_lines(path, kind="a reviews file", torn_tail=False):
        decision = _decision(path, number, raw)
        latest[decision.key] = decision
    return latest


def _decision(path: Path, number: int, raw: dict) -> Decision:
    for key in _KEYS:
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise DataError(path, "is missing or not text", line=number, field=key)
    if raw["decision"] not in DECISIONS:
        raise DataError(path, "must be accept or reject", line=number, field="decision")
    comment = raw.get("comment", "")
    if not isinstance(comment, str):
        raise DataError(path, "must be text", line=number, field="comment")
    at = raw.get("at", 0.0)
    return Decision(*(raw[k] for k in _KEYS), comment=comment,
                    at=float(at) if isinstance(at, (int, float)) else 0.0)


def apply_decisions(verdict: RecordVerdict, learner: str | None, lab: str,
                    decisions: Decisions) -> RecordVerdict:
    """``verdict`` with a person's decisions on its review findings applied (in place)."""
    if not verdict.reviews or learner is None or verdict.record_hash is None:
        return verdict
    pending = []
    for review in verdict.reviews:
        found = decisions.get((learner, lab, str(review["field"]), verdict.record_hash))
        if found is None:
            pending.append(review)
            continue
        _note(verdict, found)
        if found.decision == "reject":
            reason = f": {found.comment}" if found.comment else ""
            verdict.errors.append({**{k: review[k] for k in ("file", "line", "field")},
                                   "message": f"{found.field} was rejected on review{reason}"})
    verdict.reviews = pending
    verdict.settle()
    return verdict


def _note(verdict: RecordVerdict, found: Decision) -> None:
    shown = {"field": found.field, "decision": found.decision, "comment": found.comment}
    if shown not in verdict.decisions:
        verdict.decisions.append(shown)
