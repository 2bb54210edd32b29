"""Grading a cohort from its evidence: one row per learner and lab.

A cohort directory holds ``<learner>/phase-<NN>/`` workspaces. Each workspace
is graded from what it recorded, never from what it serves now:

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
Every file is read through its real path only after that path was found to lie
inside the learner's own directory: a symlink that leads out of it makes the
row an error, and its target is never opened. A workspace that cannot be read
as evidence (no ``.lab``, garbage JSON, a journal that is not UTF-8 text, a
file where a directory belongs, permission denied, ...) becomes a row with an
``error``; it never stops the rest of the cohort.

Scoring (:func:`score`), with the lab's ``rubric`` from lab.yaml::

    points = recovered        if the lab was recovered
           + record_valid     if the record is valid
           + journal_intact   if the journal is intact
           + mitigate_points  if mitigated within mitigate_within_s of the impact
           + no_hint_bonus    if no hint was revealed
           - hint_penalty     for each hint revealed
    score  = max(points, 0)

A row whose journal was tampered with (or is missing) is not scored: its
``score`` is None and ``score_note`` says why, because every other term is read
from that journal. An invalid or missing record is scored (without the
record's points) and flagged.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import EvidenceError
from checker.journal import Entry, Journal, Verdict
from checker.records import RecordRules
from checker.stopwatch import measure
from labcore import events

GRADE_SCHEMA = 1
# phase-38 is the phase's workspace; phase-38.38-01 holds a lab of the phase set aside
# while another lab used the workspace (see labkit.lifecycle.shelf).
PHASE_DIR = re.compile(r"^phase-(\d{1,3})(?:\.\d{2}-\d{2}(?:\.\d+)?)?$")
JSON_LIMIT = 1024 * 1024
JOURNAL_LIMIT = 64 * 1024 * 1024
RECORDS = ("notes", "breaks.md")


# --------------------------------------------------------------------------
# The rubric and the score


@dataclass(frozen=True)
class Rubric:
    """Points of a lab (lab.yaml ``rubric``)."""

    recovered: int = 40
    record_valid: int = 20
    journal_intact: int = 10
    mitigate_within_s: float = 900.0
    mitigate_points: int = 20
    hint_penalty: int = 2
    no_hint_bonus: int = 10

    @classmethod
    def of(cls, spec: Any) -> Rubric:
        """From a lab spec's rubric (any object with the same attributes)."""
        return cls(**{name: getattr(spec, name) for name in cls.__dataclass_fields__})

    @property
    def max_points(self) -> int:
        return (self.recovered + self.record_valid + self.journal_intact
                + self.mitigate_points + self.no_hint_bonus)


@dataclass
class Score:
    points: int | None
    parts: dict[str, int] = field(default_factory=dict)
    note: str | None = None  # why it was not scored


def score(rubric: Rubric, *, recovered: bool | None, record_valid: bool | None,
          journal_intact: bool | None, mitigate_s: float | None, hints_used: int,
          journal_problem: str | None = None) -> Score:
    """The points of one row by the rubric (see the module's docstring)."""
    if not journal_intact:
        return Score(None, {}, f"not scored: {journal_problem or 'the journal is not intact'}")
    parts = {
        "recovered": rubric.recovered if recovered else 0,
        "record_valid": rubric.record_valid if record_valid else 0,
        "journal_intact": rubric.journal_intact,
        "mitigated_in_time": rubric.mitigate_points
        if mitigate_s is not None and mitigate_s <= rubric.mitigate_within_s else 0,
        "no_hint_bonus": rubric.no_hint_bonus if hints_used == 0 else 0,
        "hint_penalty": -rubric.hint_penalty * hints_used,
    }
    return Score(max(sum(parts.values()), 0), parts)


# --------------------------------------------------------------------------
# What is graded, and how


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
    check_timeout: float = 120.0


@dataclass(frozen=True)
class Target:
    """One workspace to grade (or a learner directory that holds none)."""

    learner: str
    learner_dir: str
    workspace: str | None = None  # "phase-38"
    phase: int | None = None
    problem: str | None = None  # found while looking: the row is an error

    @property
    def key(self) -> tuple[str, str]:
        return (self.learner, self.workspace or "")


@dataclass
class Row:
    learner: str
    workspace: str | None = None
    lab: str | None = None
    recovered: bool | None = None
    recovered_from: str | None = None  # "check.run" (journal) | "checks" (run now)
    failed_checks: list[str] = field(default_factory=list)
    state: str | None = None  # the stopwatch's state
    detect_s: float | None = None
    mitigate_s: float | None = None
    resolve_s: float | None = None
    rollback_mode: str | None = None  # flip | rebuild
    rollback_s: float | None = None
    rollback_failures: int | None = None
    hints_used: int | None = None
    hints_revealed: list[int] = field(default_factory=list)
    record_valid: bool | None = None
    record_errors: int | None = None
    record_findings: list[dict[str, Any]] = field(default_factory=list)
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
        match = PHASE_DIR.match(self.workspace or "")
        phase = int(match.group(1)) if match else -1
        return (self.learner, phase, self.lab or "", self.workspace or "")

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RowError(Exception):
    """The workspace cannot be graded; ``str(err)`` is one sentence for the row."""


# --------------------------------------------------------------------------
# Finding workspaces


def _display(name: str) -> str:
    """A file name as text that always encodes (a non-UTF-8 name keeps its escapes)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def discover(root: Path) -> list[Target]:
    """Every ``<learner>/phase-NN`` under ``root``, and every learner directory
    that cannot hold one (a file, a symlink, unreadable, empty), sorted."""
    targets: list[Target] = []
    try:
        with os.scandir(root) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError as err:
        raise EvidenceError(root, f"the directory of learners cannot be read "
                                  f"({err.strerror})") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        learner = _display(entry.name)
        here = str(Path(root) / entry.name)
        if entry.is_symlink():
            targets.append(Target(learner, here, problem=(
                "the learner's directory is a symlink; grading reads only real directories")))
            continue
        if not entry.is_dir(follow_symlinks=False):
            targets.append(Target(learner, here, problem=(
                "this is a file, not a learner's directory")))
            continue
        try:
            with os.scandir(here) as inside:
                names = sorted(e.name for e in inside)
        except OSError as err:
            targets.append(Target(learner, here, problem=(
                f"the learner's directory cannot be read ({err.strerror})")))
            continue
        phases = [(n, int(m.group(1))) for n in names if (m := PHASE_DIR.match(n))]
        if not phases:
            targets.append(Target(learner, here, problem=(
                "the learner's directory holds no workspace (no phase-NN directory)")))
        for name, phase in phases:
            targets.append(Target(learner, here, name, phase))
    return targets


# --------------------------------------------------------------------------
# Reading evidence safely


class _Learner:
    """Reads files of one learner's directory, never through a symlink out of it."""

    def __init__(self, learner_dir: str) -> None:
        self.root = Path(learner_dir)
        self.real = Path(os.path.realpath(learner_dir))

    def name(self, path: Path) -> str:
        """``path`` as the instructor knows it: relative to the learner's directory."""
        for base in (self.root, self.real):
            try:
                return str(path.relative_to(base))
            except ValueError:
                continue
        return str(path)

    def resolve(self, path: Path) -> Path:
        """The real path of ``path``; a RowError when it resolves outside the learner."""
        real = Path(os.path.realpath(path))
        if real != self.real and self.real not in real.parents:
            raise RowError(f"{self.name(path)} is a symlink that leads outside the "
                           "learner's directory; it was not followed")
        return real

    def directory(self, path: Path, what: str) -> Path:
        real = self.resolve(path)
        try:
            st = os.stat(real)
        except FileNotFoundError:
            raise RowError(f"{self.name(path)} is missing: {what}") from None
        except OSError as err:
            raise RowError(f"{self.name(path)} cannot be read ({err.strerror})") from None
        if not stat.S_ISDIR(st.st_mode):
            raise RowError(f"{self.name(path)} is a file where a directory belongs")
        return real

    def read(self, path: Path, limit: int) -> bytes | None:
        """The bytes of a regular file inside the learner's directory; None when absent."""
        real = self.resolve(path)
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(real, flags)
        except FileNotFoundError:
            return None
        except OSError as err:
            raise RowError(f"{self.name(path)} cannot be read ({err.strerror})") from None
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise RowError(f"{self.name(path)} is a directory where a file belongs")
            if not stat.S_ISREG(st.st_mode):
                raise RowError(f"{self.name(path)} is not a regular file")
            if st.st_size > limit:
                raise RowError(f"{self.name(path)} is over the {limit // 1024 // 1024} MiB "
                               "limit for it")
            chunks, size = [], 0
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise RowError(f"{self.name(path)} grew over its size limit while read")
            return b"".join(chunks)
        except OSError as err:
            raise RowError(f"{self.name(path)} cannot be read ({err.strerror})") from None
        finally:
            os.close(fd)

    def text(self, path: Path, limit: int) -> str | None:
        data = self.read(path, limit)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise RowError(f"{self.name(path)} is not UTF-8 text (byte {err.start})") from None

    def json_object(self, path: Path) -> dict[str, Any] | None:
        text = self.text(path, JSON_LIMIT)
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError as err:
            raise RowError(f"{self.name(path)} is not valid JSON "
                           f"(line {getattr(err, 'lineno', '?')})") from None
        if not isinstance(data, dict):
            raise RowError(f"{self.name(path)} does not hold a JSON object")
        return data


# --------------------------------------------------------------------------
# Grading one workspace


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
    learner = _Learner(target.learner_dir)
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

    _record(learner, ws_real, lab_id, settings, row)

    if settings.run_checks:
        _scan_links(learner, ws_real)
        from checker.checks import run_checks

        results = run_checks(Path(policy.lab_dir), ws_real, timeout=settings.check_timeout)
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
                   hints_used=row.hints_used or 0, journal_problem=row.journal_problem)
    row.score, row.score_parts, row.score_note = result.points, result.parts, result.note
    row.score_max = policy.rubric.max_points


def _journal(learner: _Learner, state: Path) -> tuple[list[Entry], Verdict]:
    """The entries of the workspace's journal and its verdict (problem "missing" when absent)."""
    path = state / "journal.jsonl"
    if learner.text(path, JOURNAL_LIMIT) is None:  # checks it: inside, regular, UTF-8
        return [], Verdict(False, 0, "missing", None, "the journal does not exist")
    real = learner.resolve(path)
    learner.read(real.with_name(real.name + ".head"), JSON_LIMIT)  # the same for its head
    journal = Journal(real)
    return journal.entries(), journal.verify()


def _record(learner: _Learner, ws_real: Path, lab_id: str, settings: Settings,
            row: Row) -> None:
    from labkit.verdict import judge_records

    path = ws_real.joinpath(*RECORDS)
    real = learner.resolve(path)
    shown = "/".join(RECORDS)
    if not os.path.lexists(real):
        row.record_valid, row.record_errors = False, 1
        row.record_findings = [{"line": None, "field": None,
                                "message": f"{shown} does not exist"}]
        row.flags.append(f"record-missing: {shown} does not exist")
        return
    verdict = judge_records(real, settings.rules, bug_id=lab_id, verify_fix=None)
    row.record_valid = verdict.valid
    row.record_errors = len(verdict.errors)
    row.record_findings = [{"line": e.get("line"), "field": e.get("field"),
                            "message": e.get("message")} for e in verdict.errors]
    if not verdict.valid:
        first = verdict.errors[0] if verdict.errors else {"message": "no record"}
        where = f"line {first['line']} " if first.get("line") else ""
        row.flags.append(f"record-invalid: {len(verdict.errors)} error(s), first: "
                         f"{where}{first['message']}")


def _scan_links(learner: _Learner, ws_real: Path) -> None:
    """Before running checks (which read the workspace freely): no symlink may lead out."""
    for top, dirs, files in os.walk(ws_real, followlinks=False):
        for name in (*dirs, *files):
            path = Path(top) / name
            if path.is_symlink():
                learner.resolve(path)


# --------------------------------------------------------------------------
# The cohort


_SETTINGS: Settings | None = None


def _init_worker(settings: Settings) -> None:
    global _SETTINGS
    _SETTINGS = settings


def _grade_in_worker(target: Target) -> Row:
    assert _SETTINGS is not None
    return grade_target(target, _SETTINGS)


def grade_cohort(root: Path, settings: Settings, *, lab: str | None = None, jobs: int = 1,
                 progress: Callable[[int, int], None] | None = None) -> list[Row]:
    """Grade every workspace under ``root`` (of lab ``lab`` when given).

    Rows come back sorted by learner, lab and workspace, whatever ``jobs`` is.
    ``progress(done, total)`` is called as rows are graded.
    """
    targets = discover(Path(root))
    if lab is not None:
        phase = settings.labs[lab].phase
        targets = [t for t in targets if t.phase is None or t.phase == phase]
    rows = _run(targets, settings, jobs, progress)
    if lab is not None:
        rows = [r for r in rows if r.lab is None or r.lab == lab]
    return sorted(rows, key=lambda r: r.sort_key)


def _run(targets: list[Target], settings: Settings, jobs: int,
         progress: Callable[[int, int], None] | None) -> list[Row]:
    total = len(targets)
    tick = progress or (lambda done, total: None)
    tick(0, total)
    if jobs <= 1 or total <= 1:
        rows = []
        for target in targets:
            rows.append(grade_target(target, settings))
            tick(len(rows), total)
        return rows
    done: dict[tuple[str, str], Row] = {}
    with ProcessPoolExecutor(max_workers=min(jobs, total), initializer=_init_worker,
                             initargs=(settings,)) as pool:
        futures = {pool.submit(_grade_in_worker, t): t for t in targets}
        try:
            for future in as_completed(futures):
                target = futures[future]
                try:
                    done[target.key] = future.result()
                except BrokenProcessPool:
                    done[target.key] = Row(target.learner, target.workspace,
                                           error="the grading process died on this workspace")
                except Exception as err:  # the row could not come back from its process
                    done[target.key] = Row(target.learner, target.workspace,
                                           error=f"could not be graded ({type(err).__name__})")
                tick(len(done), total)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [done[t.key] for t in targets]


def count(rows: Iterable[Row]) -> dict[str, int]:
    """How many rows are scored, flagged, not scored and in error."""
    rows = list(rows)
    return {
        "rows": len(rows),
        "scored": sum(1 for r in rows if r.score is not None),
        "flagged": sum(1 for r in rows if r.error is None and r.flags),
        "not_scored": sum(1 for r in rows if r.error is None and r.score is None),
        "errors": sum(1 for r in rows if r.error is not None),
    }
