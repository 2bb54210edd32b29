"""`lab check`: a lab's checks, the learner's record and the stopwatch, in one report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from checker.checks import CheckResult
from checker.journal import Verdict
from checker.record_verdict import RecordVerdict, judge_records
from checker.records import Mention, RecordRules
from checker.stopwatch import Stopwatch, measure
from labcore import events
from labkit import labstate
from labkit.catalog import Lab, all_labs
from labkit.check_fixtures import run_lab_checks
from labkit.runtime.backends import workspace_kind
from labkit.runtime.layout import Workspace

RECORDS_FILE = Path("notes") / "breaks.md"


def rules_for(lab: Lab) -> RecordRules:
    spec = lab.spec
    return RecordRules(
        bug_id=spec.id,
        mentions={name: tuple(Mention(m.label, tuple(m.any_of)) for m in items)
                  for name, items in spec.record.mentions.items()},
        line_budget=spec.record.line_budget,
        fault_files=tuple(spec.fault_files),
        protected=tuple(spec.record.protected),
    )


def all_rules() -> dict[str, RecordRules]:
    return {lab.id: rules_for(lab) for lab in all_labs()}


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

    def as_dict(self) -> dict[str, Any]:
        ref = self.lab.spec.reference
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
        }


def check_lab(lab: Lab, ws: Workspace, *, verify_diff: bool = True,
              timeout: float = 180.0) -> CheckReport:
    from labkit.fixcheck import verify_fix

    checks = run_lab_checks(lab.dir, ws.root, timeout=timeout)
    record = judge_records(ws.root / RECORDS_FILE, all_rules(), bug_id=lab.id,
                           verify_fix=partial(verify_fix, lab, ws.root) if verify_diff else None)
    journal = ws.journal.verify()
    report = CheckReport(lab, (labstate.lab_info(ws.root) or {}).get("learner"), ws.root,
                         checks, record, journal, Stopwatch())
    ws.journal.append(events.CHECK_RUN, {
        "lab": lab.id, "recovered": report.recovered, "record_valid": record.valid,
        "journal_intact": journal.intact, "resolved": report.resolved,
        "failed_checks": [c.name for c in checks if not c.passed],
    })
    info = labstate.break_info(ws.root) or {}
    if report.resolved and info.get("lab") == lab.id and not info.get("resolved_at"):
        labstate.set_break(ws.root, resolved_at=time.time())
    report.stopwatch = measure(ws.journal.entries(), lab.id)
    return report
