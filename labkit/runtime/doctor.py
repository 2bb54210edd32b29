"""What is wrong with a workspace, and the command that repairs each problem.

:func:`examine` looks at the supervisor (running, stale pid or socket files),
the backends, the public port, every state file, leftovers of interrupted work
and the journal. :func:`fix` repairs what is derived (router.json, leftovers,
stale pid and socket files) and never the evidence: the journal and the
release history are only reported.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labcore.errors import DataError, LabError
from labcore.locks import try_lock
from labcore.procs import pid_alive
from labkit.runtime import routerstate, sweep
from labkit.runtime.layout import Workspace

FIX = "lab doctor --fix"


@dataclass
class Problem:
    code: str  # supervisor-down | stale-pid | stale-socket | ... (see messages: doctor.<code>)
    params: dict[str, Any]
    file: str | None = None
    line: int | None = None
    command: str | None = None  # None: evidence, repaired by hand only
    fixable: bool = False
    repair: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def as_dict(self, message: str) -> dict[str, Any]:
        return {"code": self.code, "message": message, "file": self.file, "line": self.line,
                "command": self.command, "fixable": self.fixable}


@dataclass
class Report:
    workspace: Path
    checks: dict[str, bool] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    fixed: list[Problem] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def add(self, check: str, problem: Problem | None = None) -> None:
        self.checks.setdefault(check, True)
        if problem is not None:
            self.checks[check] = False
            self.problems.append(problem)


def _rel(ws: Workspace, path: Path | str) -> str:
    path = Path(path)
    with contextlib.suppress(ValueError):
        return str(path.relative_to(ws.root))
    return str(path)


def _unlink(path: Path) -> Callable[[], None]:
    def run() -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return run


def _unlink_unlocked(ws: Workspace, path: Path) -> Callable[[], None]:
    """Remove ``path`` only while no supervisor holds the workspace's supervisor lock."""
    def run() -> None:
        fd = try_lock(ws.state / "supervisor.lock")
        if fd is None:
            return
        try:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        finally:
            os.close(fd)
    return run


def examine(ws: Workspace) -> Report:
    report = Report(ws.root)
    spec_ok = _check_service(ws, report)
    live = _check_supervisor(ws, report)
    _check_backends(ws, report, live)
    if spec_ok:
        _check_port(ws, report, live)
    _check_state_files(ws, report, spec_ok)
    _check_leftovers(ws, report)
    _check_journal(ws, report)
    return report


def fix(ws: Workspace) -> Report:
    """Repair what is derived, then examine again; ``fixed`` lists what was repaired."""
    before = examine(ws)
    repaired = []
    for problem in before.problems:
        if problem.fixable and problem.repair is not None:
            try:
                problem.repair()
            except (LabError, OSError):
                continue
            repaired.append(problem)
    after = examine(ws)
    remaining = {(p.code, p.file) for p in after.problems}
    after.fixed = [p for p in repaired if (p.code, p.file) not in remaining]
    return after


# -- the checks ----------------------------------------------------------------------------

def _check_service(ws: Workspace, report: Report) -> bool:
    try:
        ws.spec  # noqa: B018 - reading it is the check
    except DataError as err:
        report.add("state files", Problem("service", {"error": str(err)}, file=_rel(ws, err.path),
                                          line=err.line))
        return False
    return True


def _expected(ws: Workspace) -> str | None:
    """What should be serving: the saved state, else the release history."""
    saved, _ = routerstate.peek(ws)
    if saved.get("active"):
        return saved["active"]
    from labkit.runtime.history import History

    with contextlib.suppress(DataError):
        return History(ws.history_path).serving()
    return None


def _check_supervisor(ws: Workspace, report: Report) -> dict[str, Any] | None:
    from labkit.errors import SupervisorError
    from labkit.runtime.control import Control

    try:
        live = Control(ws).call("status", timeout=3.0)
    except SupervisorError:
        live = None
    report.add("supervisor")
    if live is not None:
        return live
    pid_file = ws.state / "supervisor.pid"
    pid = None
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text().strip())
    if pid_file.exists() and (pid is None or not pid_alive(pid)):
        report.add("supervisor", Problem("stale-pid", {"file": _rel(ws, pid_file), "pid": pid},
                                         file=_rel(ws, pid_file), command=FIX, fixable=True,
                                         repair=_unlink(pid_file)))
    elif pid is not None:
        report.add("supervisor", Problem("supervisor-silent", {"pid": pid,
                                                               "file": _rel(ws, ws.control_path)},
                                         command="lab stop && lab serve"))
        return None
    if ws.control_path.exists() or ws.control_path.is_symlink():
        fd = try_lock(ws.state / "supervisor.lock")
        if fd is not None:
            os.close(fd)
            report.add("supervisor", Problem(
                "stale-socket", {"file": _rel(ws, ws.control_path)},
                file=_rel(ws, ws.control_path), command=FIX, fixable=True,
                repair=_unlink_unlocked(ws, ws.control_path)))
    version = _expected(ws)
    if version:
        report.add("supervisor", Problem("supervisor-down", {"version": version},
                                         command="lab serve"))
    return None


def _check_backends(ws: Workspace, report: Report, live: dict[str, Any] | None) -> None:
    report.add("backends")
    if live is None:
        return
    for backend in live.get("backends", []):
        if not backend.get("alive"):
            version = backend["version"]
            report.add("backends", Problem("backend-down",
                                           {"version": version, "ident": backend.get("ident")},
                                           command=f"lab deploy {version}"))
    expected = _expected(ws)
    if live.get("active") is None and expected:
        # On a swarm the service is made again by a new supervisor, not by a deploy.
        command = ("lab stop && lab serve" if live.get("backend") == "swarm"
                   else f"lab deploy {expected}")
        report.add("backends", Problem("not-serving", {"version": expected}, command=command))


def _check_port(ws: Workspace, report: Report, live: dict[str, Any] | None) -> None:
    import urllib.error
    import urllib.request

    report.add("public port")
    if live is None or not live.get("port"):
        return
    path = ws.spec.health if live.get("active") else "/"
    url = f"http://127.0.0.1:{live['port']}{path}"
    try:
        with urllib.request.urlopen(url, timeout=3.0) as resp:
            status, why = resp.status, f"HTTP {resp.status}"
    except urllib.error.HTTPError as err:
        status, why = err.code, f"HTTP {err.code}"
    except (OSError, ValueError) as err:
        status, why = None, str(getattr(err, "reason", err))
    healthy = status == 200 if live.get("active") else status is not None
    if not healthy:
        report.add("public port", Problem("port-silent",
                                          {"port": live["port"], "path": path, "why": why},
                                          command="lab stop && lab serve"))


def _state_problem(ws: Workspace, err: DataError, *, command: str | None,
                   repair: Callable[[], None] | None = None) -> Problem:
    located = DataError(_rel(ws, err.path), err.detail, line=err.line or 1, field=err.field)
    return Problem("state-file", {"error": str(located)},
                   file=_rel(ws, err.path), line=err.line or 1, command=command,
                   fixable=repair is not None, repair=repair)


def _check_state_files(ws: Workspace, report: Report, spec_ok: bool) -> None:
    from labkit import labstate
    from labkit.runtime.history import History

    report.add("state files")
    _, damaged = routerstate.peek(ws)
    if damaged is not None:
        report.add("state files", _state_problem(ws, damaged, command=FIX,
                                                 repair=lambda: routerstate.repair(ws)))
    for name in ("lab", "break", "hints"):
        try:
            labstate.read(ws.root, name)
        except DataError as err:
            rel = _rel(ws, err.path)
            command = f"mv {rel} {rel}.bad" + (f" && lab start {_lab_id(ws)}"
                                               if name == "lab" else "")
            report.add("state files", _state_problem(ws, err, command=command))
    try:
        History(ws.history_path).records()
    except DataError as err:
        report.add("state files", _state_problem(ws, err, command=None))
    if spec_ok:
        _check_manifests(ws, report)


def _check_manifests(ws: Workspace, report: Report) -> None:
    from labkit.runtime.artifacts import ArtifactStore

    store = ArtifactStore(ws)
    prefix, suffix = f"{ws.spec.app}-", ".manifest.json"
    if not ws.artifacts.is_dir():
        return
    for path in sorted(ws.artifacts.glob(f"{prefix}*{suffix}")):
        version = path.name[len(prefix):-len(suffix)]
        try:
            store.manifest(version)
        except DataError as err:
            report.add("state files", _state_problem(ws, err,
                                                     command=store.rebuild_command(version)))


def _lab_id(ws: Workspace) -> str:
    """The lab this workspace was started for, as the journal remembers it."""
    from labcore import events

    for entry in reversed(ws.journal.entries()):
        if entry.event == events.LAB_STARTED and isinstance(entry.data.get("lab"), str):
            return entry.data["lab"]
    return "LAB"


def _check_leftovers(ws: Workspace, report: Report) -> None:
    report.add("leftovers")
    for item in sweep.find(ws):
        report.add("leftovers", Problem(
            "leftover", {"file": _rel(ws, item.path), "why": item.why},
            file=_rel(ws, item.path), command=FIX, fixable=True,
            repair=lambda item=item: sweep.remove(ws, [item]) and None))


def _check_journal(ws: Workspace, report: Report) -> None:
    from checker.journal import JournalError

    report.add("journal")
    verdict = ws.journal.verify()
    if not verdict.intact:
        where = ws.journal.head_path if verdict.problem == "head" else ws.journal_path
        what = f"{where.name} {verdict.message}" if verdict.line else verdict.message
        report.add("journal", Problem("journal", {"detail": f"{what} ({verdict.problem})"},
                                      file=_rel(ws, where), line=verdict.line,
                                      command="lab journal verify"))
        return
    try:
        ws.journal.check_tail()
    except JournalError as err:
        report.add("journal", Problem("journal", {"detail": str(err)},
                                      file=_rel(ws, err.path), line=err.line,
                                      command="lab journal verify"))
