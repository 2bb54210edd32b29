"""A records file judged for one lab: valid or not, with every finding as plain data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.records import FixVerdict, RecordRules, validate_file
from labcore.errors import DataError


@dataclass
class RecordVerdict:
    valid: bool
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "errors": self.errors, "warnings": self.warnings}


def judge_records(path: Path, rules: dict[str, RecordRules], *, bug_id: str | None = None,
                  verify_fix: Callable[[str], FixVerdict] | None = None) -> RecordVerdict:
    if not path.exists():
        lab = bug_id or "LAB"
        return RecordVerdict(False, [{"file": str(path), "line": None, "field": None,
                                      "message": "the file does not exist yet; start one "
                                                 f"with: lab record {lab}"}])
    try:
        report = validate_file(path, rules, bug_id=bug_id, verify_fix=verify_fix)
    except DataError as err:
        return RecordVerdict(False, [{"file": err.path, "line": err.line, "field": err.field,
                                      "message": err.detail}])
    strip = ("file", "line", "field", "message")
    return RecordVerdict(
        report.valid,
        [{k: f.as_dict()[k] for k in strip} for f in report.errors],
        [{k: f.as_dict()[k] for k in strip} for f in report.warnings],
    )
