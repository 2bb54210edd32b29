"""`lab dev check`: prove each lab breaks and that its reference fix repairs it.

For every lab: its lab.yaml is valid; its texts exist in both languages with no
placeholders left; a fresh workspace scaffolds; every fault applies cleanly;
after the break the lab's checks fail and the service's tests are untouched;
the reference fix stays within the line budget and makes the checks pass.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from labcore import git
from labkit.catalog import LAB_FILE, Lab, lab_dirs, load
from labkit.errors import LabError

LEARNER = "devcheck"


@dataclass(frozen=True)
class Step:
    lab: str
    step: str
    ok: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class _Failed(Exception):
    pass


class _Run:
    def __init__(self, name: str, report: Callable[[Step], None]) -> None:
        self.name = name
        self.steps: list[Step] = []
        self.report = report

    def record(self, step: str, ok: bool, detail: str = "") -> None:
        result = Step(self.name, step, ok, detail)
        self.steps.append(result)
        self.report(result)
        if not ok:
            raise _Failed(step)


def check_labs(lab_id: str | None = None, *, report: Callable[[Step], None] = lambda s: None,
               keep: bool = False, static: bool = False) -> list[Step]:
    """Check every lab (or ``lab_id``); ``static``: only the steps that need no workspace."""
    dirs = lab_dirs()
    if lab_id:
        dirs = [d for d in dirs if d.name == lab_id or d.name.startswith(f"{lab_id}-")]
        if not dirs:
            raise LabError(f"there is no lab {lab_id!r} to check")
    steps: list[Step] = []
    for directory in dirs:
        steps += check_lab_dir(directory, report=report, keep=keep, static=static)
    return steps


def check_lab_dir(directory: Path, *, report: Callable[[Step], None] = lambda s: None,
                  keep: bool = False, static: bool = False) -> list[Step]:
    run = _Run(directory.name, report)
    try:
        _static(directory, run)
        if static:
            return run.steps
        lab = load(directory)
        course = Path(tempfile.mkdtemp(prefix=f"lab-devcheck-{lab.id}-"))
        try:
            _dynamic(lab, course, run)
        finally:
            from labkit.lifecycle import stop_workspace
            from labkit.workspace import workspace_dir

            stop_workspace(workspace_dir(course, LEARNER, lab.spec.phase))
            if keep:
                run.report(Step(run.name, "kept the scratch course", True, str(course)))
            else:
                shutil.rmtree(course, ignore_errors=True)
    except _Failed:
        pass
    return run.steps


def _static(directory: Path, run: _Run) -> None:
    from checker.diffs import DiffError, parse_unified_diff, touches

    try:
        lab = load(directory)
    except LabError as err:
        run.record("lab.yaml is valid", False, str(err))
    run.record("lab.yaml is valid", True, f"{directory.name}/{LAB_FILE}")
    spec = lab.spec
    missing = [name for name in ("README.md", "README.es.md")
               if not (directory / name).is_file() or not (directory / name).read_text().strip()]
    run.record("texts exist in English and Spanish", not missing,
               f"missing or empty: {', '.join(missing)}" if missing else
               "README.md, README.es.md, title, summary, 3 hints, next steps")
    placeholders = [name for name in (LAB_FILE, "README.md", "README.es.md")
                    if "TODO" in (directory / name).read_text()]
    run.record("no placeholders left", not placeholders,
               f"TODO still in {', '.join(placeholders)}" if placeholders else "")
    checks = sorted((directory / "checks").glob("test_*.py"))
    run.record("checks exist", bool(checks),
               ", ".join(p.name for p in checks) or "no checks/test_*.py")
    from labcore.protected import protected

    hit = protected(spec.fault_files, spec.record.protected)
    run.record("faults leave protected paths alone", not hit,
               f"faults edit {', '.join(hit)}" if hit else
               f"faults edit {', '.join(spec.fault_files)}")
    fix = directory / "fix" / "fix.diff"
    if not fix.is_file():
        run.record("reference fix fits the budget", False, "fix/fix.diff is missing")
    try:
        summary = parse_unified_diff(fix.read_text())
    except (DiffError, ValueError) as err:
        run.record("reference fix fits the budget", False, f"fix/fix.diff: {err}")
    blocked = touches(summary, spec.record.protected)
    within = summary.changed_lines <= spec.record.line_budget
    run.record("reference fix fits the budget", within and not blocked,
               f"{summary.changed_lines} changed line(s), budget {spec.record.line_budget}"
               + (f"; touches {', '.join(blocked)}" if blocked else ""))


def _dynamic(lab: Lab, course: Path, run: _Run) -> None:
    from labcore.protected import protected
    from labkit import faults
    from labkit.check_fixtures import run_lab_checks
    from labkit.fixcheck import verify_fix
    from labkit.lifecycle import break_lab, start
    from labkit.workspace import workspace_dir

    root = workspace_dir(course, LEARNER, lab.spec.phase)
    try:
        result = start(lab, root, LEARNER)
    except LabError as err:
        run.record("a fresh workspace scaffolds", False, with_log(err))
    run.record("a fresh workspace scaffolds", True,
               f"{result.serving} serving after {', '.join(lab.spec.baseline.releases)} "
               f"({result.seconds:.1f} s)")
    try:
        states = [faults.state(root, f) for f in lab.spec.faults]
    except LabError as err:
        run.record("each fault applies cleanly", False, str(err))
    applied = [s.id for s in states if s.applied]
    run.record("each fault applies cleanly", not applied,
               f"already applied before the break: {', '.join(applied)}" if applied else
               ", ".join(s.id for s in states))
    before = run_lab_checks(lab.dir, root)
    _no_errors(run, before, "before the break")
    passing_before = {r.name for r in before if r.passed}
    try:
        break_lab(lab, root)
    except LabError as err:
        run.record("the break ships", False, with_log(err))
    # Observable: some check that passed before the break fails after it.
    after = run_lab_checks(lab.dir, root)
    _no_errors(run, after, "after the break")
    failing = [r.name for r in after if not r.passed and r.name in passing_before]
    run.record("the break is observable (checks fail)", bool(failing),
               f"now failing: {', '.join(failing)}" if failing else
               "every check that passed before the break still passes after it")
    first_tag = f"v{lab.spec.baseline.releases[0]}"
    changed = git.run(root, "-c", "core.quotePath=false", "diff", "--name-only", "-z",
                      first_tag, "HEAD").stdout.split("\0")
    touched = protected(changed, lab.spec.record.protected)
    run.record("the service's tests are untouched", not touched,
               f"changed: {', '.join(touched)}" if touched else "")
    verdict = verify_fix(lab, root, (lab.dir / "fix" / "fix.diff").read_text())
    run.record("the reference fix repairs the lab", verdict.ok, verdict.message)


def _no_errors(run: _Run, results, when: str) -> None:
    """A check that raises (an import that fails, a fixture that breaks) is reported as
    that error, never read as a check that passes or fails."""
    errors = [r for r in results if getattr(r, "error", False)]
    if errors:
        run.record("the checks run without errors", False,
                   f"{when}: " + "; ".join(r.message for r in errors))


def with_log(err: LabError) -> str:
    """An error with the log it carries (a failed build's last lines), if any."""
    return str(err) + (f"\n{err.hint}" if err.hint else "")
