"""What a record is, what a lab expects of it, and what validation reports."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50
# A records file holds one record per break: a few, never thousands. These
# bound the work a file under MAX_BYTES can ask for.
MAX_RECORDS = 200
MAX_NODES = 10_000

REQUIRED_FIELDS: tuple[str, ...] = (
    "bug-id",
    "concept",
    "symptom",
    "hidden_cause",
    "hint_1",
    "hint_2",
    "hint_3",
    "fix_diff",
)
HINT_FIELDS: tuple[str, ...] = ("hint_1", "hint_2", "hint_3")

ERROR = "error"
WARNING = "warning"
REVIEW = "review"  # a free-text field a person should read: not matched, or contradicted
VALID, INVALID = "valid", "invalid"
PROSE_WARNING = "fix_diff is prose, so it cannot be verified mechanically"


@dataclass(frozen=True)
class Record:
    """One record as written: plain Python values and where each key sits."""

    file: str
    line: int
    fields: dict[str, object]
    field_lines: dict[str, int]

    def line_of(self, name: str | None) -> int:
        """The line of field ``name``, or of the record when it is absent."""
        if name is None:
            return self.line
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class Mention:
    """Something a field must mention: any one of its terms, in English or Spanish.

    Terms are matched on meaning (:mod:`checker.records.matching`): case,
    accents, endings and synonyms are ignored.
    """

    label: str
    any_of: tuple[str, ...]
    es: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(t for t in (*self.any_of, *self.es) if t.strip())


@dataclass(frozen=True)
class RecordRules:
    """What one lab expects of its record (built by the caller from lab.yaml)."""

    bug_id: str
    required: tuple[str, ...] = REQUIRED_FIELDS
    mentions: dict[str, tuple[Mention, ...]] = field(default_factory=dict)
    line_budget: int = 5
    fault_files: tuple[str, ...] = ()
    protected: tuple[str, ...] = ("tests/",)


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    field: str | None
    message: str
    severity: str  # "error" | "warning" | "review"
    text: str | None = None  # review: the field's text
    rule: str | None = None  # review: what it was expected to say

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }
        if self.severity == REVIEW:
            out.update(text=self.text, rule=self.rule)
        return out


@dataclass(frozen=True)
class FixVerdict:
    """The answer of a fix verifier (apply the diff, run the lab's checks)."""

    ok: bool
    message: str


@dataclass
class RecordsReport:
    records: list[Record]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def reviews(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == REVIEW]

    @property
    def valid(self) -> bool:
        """At least one record was checked, nothing is an error, nothing awaits review."""
        return bool(self.records) and not self.errors and not self.reviews

    @property
    def status(self) -> str:
        """``valid``, ``review`` (a person must read a field) or ``invalid``."""
        if not self.records or self.errors:
            return INVALID
        return REVIEW if self.reviews else VALID

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "valid": self.valid,
            "records": len(self.records),
            "findings": [f.as_dict() for f in self.findings],
        }


def describe(value: object) -> str:
    """What kind of value a learner wrote, in words: "a number", "a list"."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, _dt.date):
        return "a date"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "not text"
