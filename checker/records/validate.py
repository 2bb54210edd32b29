"""Judging records: what is wrong with each, by its lab's rules.

Validation never raises: it returns :class:`~checker.records.model.Finding` s,
each with the line of the field concerned, or of the record when the field
is missing. Only reading the file (:func:`~checker.records.tree.parse_records`)
raises.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from checker.diffs import DiffError, looks_like_diff, parse_unified_diff, touches
from checker.records.evidence import Evidence, reconcile
from checker.records.matching import lexicon
from checker.records.model import (
    ERROR,
    HINT_FIELDS,
    PROSE_WARNING,
    REVIEW,
    WARNING,
    Finding,
    FixVerdict,
    Mention,
    Record,
    RecordRules,
    RecordsReport,
    describe,
)
from checker.records.tree import parse_records
from labcore.strict.yamldoc import shown


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _names_file(prose: str, path: str) -> bool:
    """Whether ``prose`` names ``path`` by its path or its basename."""
    base = posixpath.basename(path.rstrip("/")) or path
    pattern = rf"(?<![\w\-]){re.escape(base.casefold())}(?![\w\-])"
    return re.search(pattern, prose.casefold()) is not None


def says(text: str, mention: Mention) -> bool:
    """Whether ``text`` says any term of ``mention``, on meaning (or as written)."""
    terms = mention.terms
    if not terms:
        return True
    words = lexicon()
    haystack = _norm(text)
    return any(_norm(t) in haystack or words.matches(t, text) for t in terms)


def _not_text(name: str, value: object) -> str:
    kind = describe(value)
    if kind == "a mapping":
        return f"{name} must be text, not a mapping; if the text holds ': ', put it in quotes"
    if kind == "a list":
        return f"{name} must be text, not a list"
    return f"{name} must be text, not {kind}; put the value in quotes"


def validate_record(
    record: Record,
    rules: RecordRules,
    known_labs: set[str],
    verify_fix: Callable[[str], FixVerdict] | None = None,
    evidence: Evidence | None = None,
) -> list[Finding]:
    """What is wrong with one record, judged by its lab's rules.

    ``verify_fix`` is called with the diff when ``fix_diff`` is a well-formed
    diff inside the rules (no protected path, within the line budget).
    """
    findings: list[Finding] = []

    def add(name: str | None, message: str, severity: str = ERROR) -> None:
        message = " ".join(message.split())
        findings.append(Finding(record.file, record.line_of(name), name, message, severity))

    texts: dict[str, str] = {}
    wanted = dict.fromkeys((*rules.required, "bug-id", *HINT_FIELDS, "fix_diff", *rules.mentions))
    for name in wanted:
        required = name in rules.required or name in rules.mentions
        if name not in record.fields:
            if required:
                add(name, f"{name} is missing")
            continue
        value = record.fields[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                add(name, f"{name} is empty")
        elif not isinstance(value, str):
            add(name, _not_text(name, value))
        else:
            texts[name] = value

    bug_id = texts.get("bug-id", "").strip()
    if bug_id:
        if bug_id not in known_labs:
            known = sorted(known_labs)
            also = f" (known: {', '.join(known)})" if 0 < len(known) <= 8 else ""
            add("bug-id", f"unknown bug-id '{shown(bug_id)}'{also}")
        elif rules.bug_id and bug_id != rules.bug_id:
            add("bug-id", f"bug-id '{shown(bug_id)}' is not lab {rules.bug_id}")

    seen: dict[str, str] = {}
    for name in HINT_FIELDS:
        if name not in texts:
            continue
        key = _norm(texts[name])
        if key in seen:
            add(name, f"{name} repeats {seen[key]}; write three different hints")
        else:
            seen[key] = name

    for name, mentions in rules.mentions.items():
        if name not in texts:
            continue
        for mention in mentions:
            if not says(texts[name], mention):
                rule = f"mention {mention.label} (for example '{mention.terms[0]}')"
                findings.append(Finding(
                    record.file, record.line_of(name), name,
                    f"{name} could not be matched to {mention.label}; a person will read it",
                    REVIEW, texts[name], rule))

    fix = texts.get("fix_diff")
    if fix is not None:
        _check_fix(fix, rules, verify_fix, add)
    if evidence is not None:
        findings.extend(reconcile(record, texts, evidence))

    findings.sort(key=lambda f: f.line)
    return findings


def _check_fix(
    fix: str,
    rules: RecordRules,
    verify_fix: Callable[[str], FixVerdict] | None,
    add: Callable[..., None],
) -> None:
    if not looks_like_diff(fix):
        for path in rules.fault_files:
            if not _names_file(fix, path):
                add("fix_diff", f"fix_diff does not name {path}, a file the break changed")
        add("fix_diff", PROSE_WARNING, WARNING)
        return
    try:
        summary = parse_unified_diff(fix)
    except DiffError as exc:
        add(
            "fix_diff",
            f"fix_diff is not a well-formed diff: {exc.reason} (line {exc.line} of the diff)",
        )
        return
    except ValueError as exc:
        add("fix_diff", f"fix_diff is not a well-formed diff: {exc}")
        return
    blocked = touches(summary, rules.protected)
    for path in blocked:
        add("fix_diff", f"fix_diff changes {path}, which a fix may not touch")
    over = summary.changed_lines > rules.line_budget
    if over:
        add(
            "fix_diff",
            f"fix_diff changes {summary.changed_lines} lines; "
            f"a fix may change at most {rules.line_budget}",
        )
    if verify_fix is not None and not blocked and not over:
        verdict = verify_fix(fix)
        if not verdict.ok:
            add("fix_diff", verdict.message.strip() or "fix_diff does not repair the lab")


def _bug_id_of(record: Record) -> str | None:
    value = record.fields.get("bug-id")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def validate_file(
    path: Path | str,
    rules_by_lab: dict[str, RecordRules],
    *,
    bug_id: str | None = None,
    verify_fix: Callable[[str], FixVerdict] | Mapping[str, Callable[[str], FixVerdict]] | None = None,
    evidence: Evidence | None = None,
) -> RecordsReport:
    """Parse a records file and judge its records.

    With ``bug_id``, only the records of that lab are judged, and having none
    is an error. Records of an unknown lab are judged on their form only, plus
    an error on their bug-id. Raises DataError when the file cannot be
    parsed (see :func:`parse_records`).
    """
    records = parse_records(path)
    known = set(rules_by_lab)
    findings: list[Finding] = []
    if bug_id is not None:
        wanted = bug_id.strip()
        selected = [r for r in records if _bug_id_of(r) == wanted]
        if not selected:
            findings.append(Finding(str(path), 1, None, f"no record for bug-id {wanted}", ERROR))
    else:
        selected = records
    first_of: dict[str, int] = {}
    for record in selected:
        rid = _bug_id_of(record)
        rules = rules_by_lab.get(rid) if rid is not None else None
        if isinstance(verify_fix, Mapping):  # one verifier per lab
            check = verify_fix.get(rid) if rules is not None else None
        else:
            check = verify_fix if rules is not None else None
        findings.extend(
            validate_record(record, rules or RecordRules(bug_id=rid or ""), known, check,
                            evidence if rules is not None else None)
        )
        if rid is not None:
            if rid in first_of:
                findings.append(
                    Finding(
                        record.file,
                        record.line_of("bug-id"),
                        "bug-id",
                        f"another record for bug-id {shown(rid)} is on line {first_of[rid]}",
                        WARNING,
                    )
                )
            else:
                first_of[rid] = record.line
    return RecordsReport(records=selected, findings=findings)
