"""`lab check`: a lab's checks, the learner's record and the stopwatch, in one report."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.journal import JournalError, Verdict
from checker.record_verdict import RecordVerdict, judge_records
from checker.records import Evidence, Mention, RecordRules
from checker.reviews import REVIEWS_FILE, apply_decisions, load_decisions
from checker.rubric import Score, score
from checker.stopwatch import Stopwatch, measure
from labcore import events
from labkit import labstate
from labkit.catalog import Lab, all_labs
from labkit.errors import LabError, WorkspaceError
from labkit.i18n import t

if TYPE_CHECKING:
    from checker.checks import CheckResult
from labkit.runtime.backends import workspace_kind
from labkit.runtime.layout import Workspace

RECORDS_FILE = Path("notes") / "breaks.md"


def rules_for(lab: Lab) -> RecordRules:
    spec = lab.spec
    return RecordRules(
        bug_id=spec.id,
        mentions={name: tuple(Mention(m.label, tuple(m.any_of), tuple(m.es)) for m in items)
                  for name, items in spec.record.mentions.items()},
        line_budget=spec.record.line_budget,
        fault_files=tuple(spec.taught_files),
        protected=tuple(spec.record.protected),
    )


def all_rules() -> dict[str, RecordRules]:
    return {lab.id: rules_for(lab) for lab in all_labs()}


def reviews_path(workspace: Path) -> Path:
    """The instructor's decisions for the course holding ``workspace``
    (``<course>/learners/<learner>/phase-NN``), else for the current course."""
    from labkit.paths import course_root

    parents = workspace.resolve().parents
    if len(parents) > 2 and parents[1].name == "learners":
        return parents[2] / REVIEWS_FILE
    return course_root() / REVIEWS_FILE


def evidence_of(ws: Workspace) -> Evidence:
    """What the workspace recorded, as data for the checker: journal events, releases.

    A journal or history that cannot be read gives no evidence of its kind (the
    journal's own verdict reports the damage).
    """
    from labkit.runtime.history import History

    names: tuple[str, ...] = ()
    released: tuple[str, ...] = ()
    with contextlib.suppress(JournalError, LabError, OSError):
        names = tuple(e.event for e in ws.journal.entries())
    with contextlib.suppress(LabError, OSError):
        released = tuple(History(ws.history_path).release_order())
    return Evidence(events=names, released=released)


@dataclass
class CheckReport:
    lab: Lab
    learner: str | None
    workspace: Path
    checks: list[CheckResult]
    record: RecordVerdict
    journal: Verdict
    stopwatch: Stopwatch

    @property
    def recovered(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def resolved(self) -> bool:
        return self.recovered and self.record.valid and self.journal.intact

    def score(self) -> Score:
        """The points the rubric gives this recovery, as grading would."""
        return score(self.lab.spec.rubric, recovered=self.recovered,
                     record_valid=self.record.valid, journal_intact=self.journal.intact,
                     mitigate_s=self.stopwatch.mitigate_s, hints_used=self.stopwatch.hints_used,
                     journal_problem=None if self.journal.intact else self.journal.message,
                     acknowledge_s=self.stopwatch.acknowledge_s)

    def as_dict(self) -> dict[str, Any]:
        ref = self.lab.spec.reference
        points = self.score()
        return {
            "lab": self.lab.id,
            "learner": self.learner,
            "workspace": str(self.workspace),
            "recovered": self.recovered,
            "resolved": self.resolved,
            "checks": [c.as_dict() for c in self.checks],
            "record": self.record.as_dict(),
            "stopwatch": self.stopwatch.as_dict(),
            "hints_used": self.stopwatch.hints_used,
            "journal_intact": self.journal.intact,
            "journal": self.journal.as_dict(),
            "reference": ref.on(workspace_kind(Workspace(self.workspace))),
            "score": {"points": points.points, "max": self.lab.spec.rubric.max_points,
                      "parts": points.parts, "note": points.note},
        }


def check_lab(lab: Lab, ws: Workspace, *, verify_diff: bool = True,
              timeout: float = 180.0) -> CheckReport:
    from labkit.fixcheck import verify_fix
    from labkit.runtime.control import Control

    info = labstate.break_info(ws.root) or {}
    if info.get("lab") != lab.id:
        raise WorkspaceError(t("check.before_break", lab=lab.id))
    if not Control(ws).alive():
        raise WorkspaceError(t("check.not_serving", workspace=ws.root))
    from labkit.check_fixtures import run_lab_checks  # imports pytest: only when checking

    checks = run_lab_checks(lab.dir, ws.root, timeout=timeout)
    learner = (labstate.lab_info(ws.root) or {}).get("learner")
    # Only this lab's records are judged: the other labs need not be read.
    record = judge_records(ws.root / RECORDS_FILE, {lab.id: rules_for(lab)}, bug_id=lab.id,
                           verify_fix=partial(verify_fix, lab, ws.root) if verify_diff else None,
                           evidence=evidence_of(ws))
    apply_decisions(record, learner, lab.id, load_decisions(reviews_path(ws.root)))
    journal = ws.journal.verify()
    report = CheckReport(lab, learner, ws.root, checks, record, journal, Stopwatch())
    with contextlib.suppress(JournalError):  # a damaged journal is reported, not crashed on
        ws.journal.append(events.CHECK_RUN, {
            "lab": lab.id, "recovered": report.recovered, "record_valid": record.valid,
            "journal_intact": journal.intact, "resolved": report.resolved,
            "failed_checks": [c.name for c in checks if not c.passed],
        })
    if report.resolved and not info.get("resolved_at"):
        labstate.set_break(ws.root, resolved_at=time.time())
    report.stopwatch = measure(ws.journal.entries(), lab.id)
    return report
