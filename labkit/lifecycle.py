"""A learner's lab lifecycle: start, break, reset. The lab's content is data."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from labcore import events, git
from labkit import faults, labstate
from labkit.catalog import Lab
from labkit.errors import LabError, UsageError, WorkspaceError
from labkit.i18n import t
from labkit.paths import bin_dir, lab_command
from labkit.runtime.build import tool_env
from labkit.runtime.layout import Workspace


@dataclass
class StartResult:
    workspace: Path
    created: bool
    serving: str | None
    artifacts: list[str]
    seconds: float
    backend: str = "process"


def recipe_env() -> dict[str, str]:
    """What the workspace's just recipes run with: the kit's tools and CLI."""
    return tool_env({"LAB": lab_command()})


def run_release(root: Path, version: str, *, stream=None) -> None:
    """Run the workspace's own `just release VERSION`."""
    just = str(bin_dir() / "just") if (bin_dir() / "just").exists() else "just"
    proc = subprocess.Popen([just, "release", version], cwd=root, env=recipe_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    output = []
    for line in proc.stdout:
        output.append(line.rstrip("\n"))
        if stream is not None:
            stream(line.rstrip("\n"))
    if proc.wait() != 0:
        tail = "\n".join(output[-20:]) if stream is None else None
        raise LabError(f"`just release {version}` failed in {root} (exit {proc.returncode})",
                       hint=tail)


def is_ready(root: Path, lab: Lab) -> bool:
    info = labstate.lab_info(root)
    return bool(info and info.get("lab") == lab.id and info.get("stage") == "ready")


def start(lab: Lab, root: Path, learner: str, *, backend: str | None = None,
          progress=lambda line: None) -> StartResult:
    """Scaffold the workspace and release the lab's baseline; does nothing if done before.

    ``backend`` (else LAB_BACKEND, else process) is recorded in the new workspace.
    """
    from labkit.runtime.artifacts import ArtifactStore
    from labkit.runtime.backends import get_backend, record_kind, workspace_kind
    from labkit.runtime.deploy import serving
    from labkit.runtime.dockerapi import DaemonUnavailable
    from labkit.workspace import scaffold

    started = time.monotonic()

    def result(created: bool) -> StartResult:
        ws = Workspace(root)
        return StartResult(root, created, serving(ws), ArtifactStore(ws).versions(),
                           time.monotonic() - started, workspace_kind(ws))

    if is_ready(root, lab):
        return result(False)
    kind = _backend_for(lab, backend)
    try:
        get_backend(Workspace(root), kind).check()  # no daemon: say so before any change
    except DaemonUnavailable as err:
        if lab.spec.backend is None:
            raise
        raise UsageError(t("lab.needs_docker", lab=lab.id, kind=kind), hint=err.hint) from None
    kept_notes = _set_aside_notes(root)
    try:
        _shelve(root, lab, progress)
        if _unshelve(root, lab, kept_notes, progress):
            return result(False)
        if root.exists():  # a start that was interrupted: begin again
            stop_workspace(root)
            shutil.rmtree(root)
        progress(f"[start] scaffolding {lab.spec.template} for {learner} in {root}")
        scaffold(lab.spec.template, root, {
            "learner": learner, "lab_command": lab_command(), "phase": lab.spec.phase,
        })
        _restore_notes(root, kept_notes)
        record_kind(Workspace(root), kind)
        labstate.set_lab_info(root, lab.id, learner)
        labstate.update_lab_info(root, stage="baseline")
        baseline = lab.spec.baseline
        if baseline.edits:
            progress(f"[start] committing the baseline's edits: {baseline.message}")
            faults.apply(root, baseline.edits)
            files = list(dict.fromkeys(path for e in baseline.edits for path in e.files))
            git.out(root, "add", "--", *files)
            git.out(root, "commit", "-q", "-m", baseline.message)
        for version in baseline.releases:
            progress(f"[start] releasing {version} (tag, build, deploy)")
            run_release(root, version)
            if baseline.smoke:
                _smoke_baseline(root, version, progress)
        labstate.update_lab_info(root, stage="ready")
    finally:
        if kept_notes is not None and kept_notes.exists():
            shutil.rmtree(kept_notes, ignore_errors=True)
    ws = Workspace(root)
    ws.journal.append(events.LAB_STARTED, {"lab": lab.id, "learner": learner,
                                      "baseline": lab.spec.baseline.releases})
    return result(True)


def _backend_for(lab: Lab, asked: str | None) -> str:
    """The backend a new workspace runs on: the lab's own when it names one (asking for
    another is refused), else ``asked``, else LAB_BACKEND, else process."""
    from labkit.runtime.backends import check_kind

    needed = lab.spec.backend
    if needed and asked and asked != needed:
        raise UsageError(f"lab {lab.id} runs on the {needed} backend only, not on {asked}")
    return check_kind(needed or asked or os.environ.get("LAB_BACKEND") or "process")


def shelf(root: Path, lab_id: str) -> Path:
    """Where a phase's workspace waits while another lab of the phase uses it."""
    return root.with_name(f"{root.name}.{lab_id}")


def _shelve(root: Path, lab: Lab, progress) -> None:
    """Another lab of this phase holds the workspace: move it aside, evidence intact."""
    other = (labstate.lab_info(root) or {}).get("lab") if root.exists() else None
    if not other or other == lab.id:
        return
    stop_workspace(root)
    dest = shelf(root, other)
    if dest.exists():
        dest = dest.with_name(f"{dest.name}.{int(time.time())}")
    root.rename(dest)
    progress(f"[start] lab {other} is kept as it was in {dest}")


def _unshelve(root: Path, lab: Lab, notes: Path | None, progress) -> bool:
    """Bring back this lab's shelved workspace, if there is a finished start of it."""
    from labkit.runtime.control import ensure_running

    kept = shelf(root, lab.id)
    if root.exists() or not is_ready(kept, lab):
        return False
    kept.rename(root)
    _restore_notes(root, notes)  # notes follow the learner from lab to lab
    ensure_running(Workspace(root))
    Workspace(root).journal.append(events.LAB_RESUMED, {"lab": lab.id})
    progress(f"[start] lab {lab.id} resumes where it was, in {root}")
    return True


def _smoke_baseline(root: Path, version: str, progress) -> None:
    """Smoke-test a baseline release so the release history holds its verdict."""
    from labkit import smoke

    result = smoke.run(Workspace(root))
    if not result.passed:
        raise LabError(f"baseline release {version} fails its smoke test: "
                       + "; ".join(f.message for f in result.findings),
                       hint="the lab's baseline must be good; check its baseline edits")
    progress(f"[start] {version} passed its smoke test")


@dataclass
class BreakResult:
    workspace: Path
    injected: list[str]
    already: bool
    release: str
    commit: str | None
    since: float | None
    releases: list[str] = field(default_factory=list)  # every broken release, in order
    mode: str = "guided"  # guided | challenge


def break_lab(lab: Lab, root: Path, *, stream=None, mode: str = "guided") -> BreakResult:
    """Apply the lab's faults, commit them, and ship them with the workspace's own release:
    one ``just release`` per broken release of the lab, in order. ``mode`` (guided or
    challenge) is recorded with the break."""
    info = labstate.break_info(root) or {}
    release = lab.spec.break_.release
    versions = lab.spec.break_.versions
    if info.get("lab") == lab.id and info.get("stage") == "released":
        return BreakResult(root, [], True, release, info.get("commit"), info.get("injected_at"),
                           versions, info.get("mode", "guided"))
    ws = Workspace(root)
    injected: list[str] = []
    resuming = info.get("lab") == lab.id and info.get("stage") == "injected"
    if not resuming:
        injected = faults.apply(root, lab.spec.faults)
        git.out(root, "add", "--", *lab.spec.fault_files)
        if git.out(root, "status", "--porcelain", "--", *lab.spec.fault_files):
            git.out(root, "commit", "-q", "-m", lab.spec.break_.message)
        commit = git.out(root, "rev-parse", "HEAD")
        info = labstate.set_break(root, lab=lab.id, stage="injected", release=release,
                                  releases=versions, shipped=[], commit=commit,
                                  faults=[f.id for f in lab.spec.faults],
                                  injected_at=time.time(), mode=mode)
        ws.journal.append(events.FAULT_INJECTED, {
            "lab": lab.id, "faults": [f.id for f in lab.spec.faults], "applied_now": injected,
            "files": lab.spec.fault_files, "commit": commit, "release": release,
            "releases": versions, "mode": mode,
        })
    shipped = list(info.get("shipped") or [])
    for number, version in enumerate(versions, start=1):
        if version in shipped:
            continue
        if resuming:  # a break interrupted during this release: release it again
            git.run(root, "tag", "-d", ws.spec.tag(version))
        if stream is not None and len(versions) > 1:
            stream(f"[break] shipping {version} ({number} of {len(versions)})")
        run_release(root, version, stream=stream)
        shipped.append(version)
        labstate.set_break(root, shipped=shipped)
    info = labstate.set_break(root, stage="released", released_at=time.time())
    return BreakResult(root, injected, False, release, info.get("commit"),
                       info.get("injected_at"), versions, info.get("mode", "guided"))


def reset(lab: Lab, root: Path, learner: str, *, progress=lambda line: None) -> StartResult:
    """Back to the state right after `lab start`, keeping notes/."""
    if not root.exists():
        raise WorkspaceError(f"{root} does not exist; nothing to reset (start with: lab start {lab.id})")
    stop_workspace(root)
    labstate.update_lab_info(root, stage="resetting")
    return start(lab, root, learner, progress=progress)


def stop_workspace(root: Path) -> None:
    from labkit.runtime.control import Control

    if (root / "service.yaml").exists():
        control = Control(Workspace(root))
        if control.alive():
            pid = control.call("status")["pid"]
            control.call("shutdown")
            _wait_gone(pid)
        from labkit.runtime.backends import get_backend

        get_backend(Workspace(root)).sweep()  # containers a crashed supervisor left


def _wait_gone(pid: int, timeout: float = 30.0) -> None:
    import os

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().split(") ", 1)[1][0] == "Z":
                    return
        except OSError:
            return
        time.sleep(0.02)


def _set_aside_notes(root: Path) -> Path | None:
    notes = root / "notes"
    keep = root.parent / f".{root.name}.notes-kept"
    if not notes.is_dir():  # an earlier reset may have been cut off after setting them aside
        return keep if keep.is_dir() else None
    if keep.exists():
        shutil.rmtree(keep)
    shutil.copytree(notes, keep)
    return keep


def _restore_notes(root: Path, kept: Path | None) -> None:
    if kept is None:
        return
    target = root / "notes"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(kept, target)
