"""A cohort: every learner's workspace under a directory, graded into rows.

A cohort directory holds ``<learner>/phase-<NN>/`` workspaces (and
``phase-<NN>.<lab>`` ones set aside while another lab of the phase ran). A
learner directory that cannot hold one (a file, a symlink, unreadable, empty)
becomes a row with an ``error``; it never stops the rest of the cohort.
Rows come back sorted by learner, lab and workspace, whatever ``jobs`` is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from checker.grading import PHASE_DIR, Row, Settings, grade_target
from labcore.errors import DataError


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
        raise DataError(root, f"the directory of learners cannot be read "
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
        phases = [(n, int(m.group(1))) for n in names if (m := PHASE_DIR.fullmatch(n))]
        if not phases:
            targets.append(Target(learner, here, problem=(
                "the learner's directory holds no workspace (no phase-NN directory)")))
        for name, phase in phases:
            targets.append(Target(learner, here, name, phase))
    return targets


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
