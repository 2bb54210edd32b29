"""A records file judged for one lab, with every finding as plain data.

The status is ``valid``, ``review`` (structure and fix verified, but a
free-text field could not be matched or disagrees with the evidence: a person
reads it) or ``invalid``. ``valid`` stays a boolean, true only for ``valid``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.records import Evidence, FixVerdict, Record, RecordRules, validate_file
from checker.records.model import INVALID, REVIEW, VALID
from labcore.errors import DataError

_SHOWN = ("file", "line", "field", "message")


@dataclass
class RecordVerdict:
    valid: bool
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)  # + "text", "rule"
    record_hash: str | None = None  # of the lab's record, the key of a person's decision
    decisions: list[dict[str, Any]] = field(default_factory=list)  # applied: field, decision, comment

    @property
    def status(self) -> str:
        if self.errors or (not self.valid and not self.reviews):
            return INVALID
        return REVIEW if self.reviews else VALID

    def settle(self) -> None:
        """Recompute ``valid`` after reviews were decided."""
        self.valid = not self.errors and not self.reviews and self.record_hash is not None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "valid": self.valid, "errors": self.errors,
                "warnings": self.warnings, "reviews": self.reviews,
                "decisions": self.decisions, "record_hash": self.record_hash}


def record_hash(records: list[Record]) -> str | None:
    """A digest of what the records say (not where they sit in the file)."""
    if not records:
        return None
    said = [r.fields for r in records]
    text = json.dumps(said, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def judge_records(path: Path, rules: dict[str, RecordRules], *, bug_id: str | None = None,
                  verify_fix: Callable[[str], FixVerdict] | None = None,
                  evidence: Evidence | None = None) -> RecordVerdict:
    if not path.exists():
        lab = bug_id or "LAB"
        return RecordVerdict(False, [{"file": str(path), "line": None, "field": None,
                                      "message": "the file does not exist yet; start one "
                                                 f"with: lab record {lab}"}])
    try:
        report = validate_file(path, rules, bug_id=bug_id, verify_fix=verify_fix,
                               evidence=evidence)
    except DataError as err:
        return RecordVerdict(False, [{"file": err.path, "line": err.line, "field": err.field,
                                      "message": err.detail}])
    return RecordVerdict(
        report.valid,
        [{k: f.as_dict()[k] for k in _SHOWN} for f in report.errors],
        [{k: f.as_dict()[k] for k in _SHOWN} for f in report.warnings],
        [{k: f.as_dict()[k] for k in (*_SHOWN, "text", "rule")} for f in report.reviews],
        record_hash(report.records),
    )
