"""Grading one learner's workspace from its evidence: one row per workspace.

Each workspace is graded from what it recorded, never from what it serves now:

- ``.lab/lab.json`` names the lab; ``.lab/hints.json`` and ``.lab/break.json``
  are cross-checked against the journal;
- ``.lab/journal.jsonl`` is verified (hash chain, head, HMAC when
  ``LAB_JOURNAL_KEY`` is set) and read by the stopwatch (detect, mitigate and
  resolve times, rollback mode, hints);
- ``notes/breaks.md`` is validated by the lab's record rules, without applying
  a diff fix;
- ``recovered`` is what the last ``check.run`` of the lab in the journal found,
  or, with ``run_checks``, what the lab's checks find now (in a subprocess with
  a timeout).

Nothing here starts a process of the workspace or talks to its supervisor.
Files are read through :class:`checker.learner_files.LearnerFiles`. A workspace
that cannot be read as evidence (no ``.lab``, garbage JSON, a journal that is
not UTF-8 text, a file where a directory belongs, permission denied, ...)
becomes a row with an ``error``. Points follow :mod:`checker.rubric`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.journal import Entry, Journal, Verdict
from checker.learner_files import JSON_LIMIT, LearnerFiles, RowError
from checker.record_verdict import judge_records
from checker.records import Evidence, RecordRules
from checker.reviews import Decisions, apply_decisions
from checker.rubric import Rubric, score
from checker.stopwatch import measure
from labcore import events

if TYPE_CHECKING:
    from checker.cohort import Target

GRADE_SCHEMA = 1
# phase-38 is the phase's workspace; phase-38.38-01 holds a lab of the phase set aside
# while another lab used the workspace.
PHASE_DIR = re.compile(r"phase-(\d{1,3})(?:\.\d{2}-\d{2}(?:\.\d+)?)?")
JOURNAL_LIMIT = 64 * 1024 * 1024
RECORDS = ("notes", "breaks.md")


@dataclass(frozen=True)
class LabPolicy:
    """What grading needs to know of one lab."""

    lab_id: str
    phase: int
    rubric: Rubric
    lab_dir: str  # for run_checks


@dataclass(frozen=True)
class Settings:
    labs: dict[str, LabPolicy]
    rules: dict[str, RecordRules]  # every lab's record rules (known bug-ids)
    run_checks: bool = False
    check_plugins: tuple[str, ...] = ()  # pytest plugins giving the checks fixtures
    check_timeout: float = 120.0
    decisions: Decisions = field(default_factory=dict)  # a person's, from <course>/reviews.jsonl


@dataclass
class Row:
    learner: str
    workspace: str | None = None
    lab: str | None = None
    recovered: bool | None = None
    recovered_from: str | None = None  # "check.run" (journal) | "checks" (run now)
    failed_checks: list[str] = field(default_factory=list)
    state: str | None = None  # the stopwatch's state
    mode: str | None = None  # guided | challenge, as the break recorded it
    detect_s: float | None = None  # monitoring's time (the smoke test or the probe)
    detected_by: str | None = None  # smoke | probe
    acknowledge_s: float | None = None  # the learner's first action after the impact
    mitigate_s: float | None = None
    resolve_s: float | None = None
    rollback_mode: str | None = None  # flip | rebuild
    rollback_s: float | None = None
    rollback_failures: int | None = None
    hints_used: int | None = None
    hints_revealed: list[int] = field(default_factory=list)
    record_valid: bool | None = None
    record_status: str | None = None  # valid | review | invalid
    record_errors: int | None = None
    record_findings: list[dict[str, Any]] = field(default_factory=list)
    review: int | None = None  # fields of the record waiting for a person's decision
    record_reviews: list[dict[str, Any]] = field(default_factory=list)  # field, text, rule
    record_decisions: list[dict[str, Any]] = field(default_factory=list)
    record_hash: str | None = None
    journal_intact: bool | None = None
    journal_entries: int | None = None
    journal_problem: str | None = None
    score: int | None = None
    score_max: int | None = None
    score_parts: dict[str, int] = field(default_factory=dict)
    score_note: str | None = None
    flags: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        """Learner, then lab; a row whose lab is unknown sits at its workspace's phase."""
        match = PHASE_DIR.fullmatch(self.workspace or "")
        phase = int(match.group(1)) if match else -1
        return (self.learner, phase, self.lab or "", self.workspace or "")

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def grade_target(target: Target, settings: Settings) -> Row:
    """The row of one target; never raises for a broken workspace."""
    if target.problem is not None:
        return Row(target.learner, target.workspace, error=target.problem)
    row = Row(target.learner, target.workspace)
    try:
        _grade(target, settings, row)
    except RowError as err:
        return Row(target.learner, target.workspace, lab=row.lab, error=str(err))
    except Exception as err:  # one odd workspace must not stop the cohort
        return Row(target.learner, target.workspace, lab=row.lab,
                   error=f"could not be graded ({type(err).__name__}: {err})")
    return row


def _grade(target: Target, settings: Settings, row: Row) -> None:
    learner = LearnerFiles(target.learner_dir)
    ws = learner.root / (target.workspace or "")
    ws_real = learner.directory(ws, "the workspace is gone")
    state = learner.directory(ws_real / ".lab", "the lab was never started in this workspace")

    info = learner.json_object(state / "lab.json")
    if info is None:
        raise RowError(f"{target.workspace}/.lab/lab.json is missing: the lab was never "
                       "started in this workspace")
    lab_id = info.get("lab")
    if not isinstance(lab_id, str) or lab_id not in settings.labs:
        shown = json.dumps(lab_id)[:40]
        raise RowError(f"{target.workspace}/.lab/lab.json names lab {shown}, which this "
                       "course does not have")
    row.lab = lab_id
    policy = settings.labs[lab_id]
    hints_file = learner.json_object(state / "hints.json") or {}
    break_file = learner.json_object(state / "break.json")

    entries, verdict = _journal(learner, state)
    row.journal_intact = verdict.intact
    row.journal_entries = None if verdict.problem == "missing" else verdict.lines
    if verdict.problem == "missing":
        row.journal_problem = "the journal .lab/journal.jsonl is missing"
        row.flags.append("journal-missing: .lab/journal.jsonl does not exist")
    elif not verdict.intact:
        row.journal_problem = f"the journal was tampered with: {verdict.message}"
        row.flags.append(f"journal-tampered: {verdict.problem}: {verdict.message}")
    for note in verdict.notes:
        row.flags.append(f"journal-unchecked: {note}")

    watch = measure(entries, lab_id)
    row.state = watch.state
    row.detect_s, row.mitigate_s, row.resolve_s = watch.detect_s, watch.mitigate_s, watch.resolve_s
    row.detected_by, row.acknowledge_s = watch.detected_by, watch.acknowledge_s
    injected = next((e for e in entries if e.event == events.FAULT_INJECTED
                     and e.data.get("lab") == lab_id), None)
    if injected is not None:
        mode = injected.data.get("mode", "guided")
        row.mode = mode if mode in ("guided", "challenge") else None
    row.rollback_mode, row.rollback_s = watch.rollback_mode, watch.rollback_s
    row.rollback_failures = watch.rollback_failures
    row.hints_used = watch.hints_used
    row.hints_revealed = sorted({int(e.data["hint"]) for e in entries
                                 if e.event == events.HINT_REVEALED and e.data.get("lab") == lab_id
                                 and isinstance(e.data.get("hint"), int)})
    counted = hints_file.get(lab_id, 0)
    if counted != watch.hints_used:
        row.flags.append(f"hints-mismatch: .lab/hints.json counts {json.dumps(counted)[:20]} "
                         f"hint(s) but the journal records {watch.hints_used}")
    if watch.state == "no break":
        where = ("; .lab/break.json says it was" if break_file and break_file.get("lab") == lab_id
                 else "")
        row.flags.append(f"no-break: the journal records no break of lab {lab_id}{where}")

    _record(learner, ws_real, lab_id, settings, row,
            Evidence(tuple(e.event for e in entries), _released(learner, state)))

    if settings.run_checks:
        _scan_links(learner, ws_real)
        from checker.checks import run_checks

        results = run_checks(Path(policy.lab_dir), ws_real, timeout=settings.check_timeout,
                             plugins=settings.check_plugins)
        row.recovered = bool(results) and all(r.passed for r in results)
        row.recovered_from = "checks"
        row.failed_checks = [r.name for r in results if not r.passed]
    else:
        last = next((e for e in reversed(entries) if e.event == events.CHECK_RUN
                     and e.data.get("lab") == lab_id), None)
        if last is not None:
            row.recovered = bool(last.data.get("recovered"))
            row.recovered_from = "check.run"
            failed = last.data.get("failed_checks") or []
            row.failed_checks = [str(c) for c in failed] if isinstance(failed, list) else []

    result = score(policy.rubric, recovered=row.recovered, record_valid=row.record_valid,
                   journal_intact=row.journal_intact, mitigate_s=row.mitigate_s,
                   hints_used=row.hints_used or 0, journal_problem=row.journal_problem,
                   acknowledge_s=row.acknowledge_s)
    row.score, row.score_parts, row.score_note = result.points, result.parts, result.note
    row.score_max = policy.rubric.max_points


def _journal(learner: LearnerFiles, state: Path) -> tuple[list[Entry], Verdict]:
    """The entries of the workspace's journal and its verdict (problem "missing" when absent)."""
    path = state / "journal.jsonl"
    if learner.text(path, JOURNAL_LIMIT) is None:  # checks it: inside, regular, UTF-8
        return [], Verdict(False, 0, "missing", None, "the journal does not exist")
    real = learner.resolve(path)
    learner.read(real.with_name(real.name + ".head"), JSON_LIMIT)  # the same for its head
    journal = Journal(real)
    return journal.entries(), journal.verify()


def _released(learner: LearnerFiles, state: Path) -> tuple[str, ...]:
    """Versions the release history (``.lab/releases.jsonl``) built or deployed.

    A line that does not parse is skipped: the history is evidence for a
    person to weigh here, not a reason to refuse the row.
    """
    text = learner.text(state / "releases.jsonl", JOURNAL_LIMIT) or ""
    versions: list[str] = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("kind") in ("built", "deployed") \
                and isinstance(record.get("version"), str):
            versions.append(record["version"])
    return tuple(dict.fromkeys(versions))


def _record(learner: LearnerFiles, ws_real: Path, lab_id: str, settings: Settings,
            row: Row, evidence: Evidence) -> None:
    path = ws_real.joinpath(*RECORDS)
    real = learner.resolve(path)
    shown = "/".join(RECORDS)
    if not os.path.lexists(real):
        row.record_valid, row.record_status, row.record_errors = False, "invalid", 1
        row.record_findings = [{"line": None, "field": None,
                                "message": f"{shown} does not exist"}]
        row.flags.append(f"record-missing: {shown} does not exist")
        return
    verdict = judge_records(real, settings.rules, bug_id=lab_id, verify_fix=None,
                            evidence=evidence)
    apply_decisions(verdict, row.learner, lab_id, settings.decisions)
    row.record_valid, row.record_status = verdict.valid, verdict.status
    row.record_hash, row.record_decisions = verdict.record_hash, verdict.decisions
    row.review = len({r["field"] for r in verdict.reviews})  # fields, not findings
    row.record_reviews = [{k: r[k] for k in ("line", "field", "text", "rule", "message")}
                          for r in verdict.reviews]
    row.record_errors = len(verdict.errors)
    row.record_findings = [{"line": e.get("line"), "field": e.get("field"),
                            "message": e.get("message")} for e in verdict.errors]
    if verdict.status == "invalid":
        first = verdict.errors[0] if verdict.errors else {"message": "no record"}
        where = f"line {first['line']} " if first.get("line") else ""
        row.flags.append(f"record-invalid: {len(verdict.errors)} error(s), first: "
                         f"{where}{first['message']}")


def _scan_links(learner: LearnerFiles, ws_real: Path) -> None:
    """Before running checks (which read the workspace freely): no symlink may lead out."""
    for top, dirs, files in os.walk(ws_real, followlinks=False):
        for name in (*dirs, *files):
            path = Path(top) / name
            if path.is_symlink():
                learner.resolve(path)
