"""Verifying a record's fix_diff for real: apply it to the broken state in a scratch
copy of the workspace, release it twice (after the break's last release, each one
smoke-tested the way a learner would, so the scratch history holds its verdict),
and run the lab's checks there."""

from __future__ import annotations

import tempfile
from pathlib import Path

from checker.records import FixVerdict
from labcore import git
from labkit import labstate, smoke
from labkit.catalog import Lab
from labkit.errors import LabError
from labkit.lifecycle import run_release, stop_workspace
from labkit.runtime.layout import Workspace


def next_patch(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"


def broken_commit(lab: Lab, ws_root: Path) -> str | None:
    info = labstate.break_info(ws_root) or {}
    return info.get("commit") if info.get("lab") == lab.id else None


def verify_fix(lab: Lab, ws_root: Path, diff_text: str) -> FixVerdict:
    commit = broken_commit(lab, ws_root)
    if commit is None:
        return FixVerdict(False, "fix_diff cannot be verified: no break of this lab was "
                                 "injected in the workspace, so there is no broken state")
    with tempfile.TemporaryDirectory(prefix="lab-fixcheck-") as tmp:
        scratch = Path(tmp) / "ws"
        try:
            return _verify_in(lab, ws_root, scratch, commit, diff_text)
        finally:
            stop_workspace(scratch)


def _verify_in(lab: Lab, ws_root: Path, scratch: Path, commit: str, diff: str) -> FixVerdict:
    if git.run(ws_root.parent, "clone", "-q", "--no-hardlinks", str(ws_root), str(scratch)).returncode:
        return FixVerdict(False, "fix_diff cannot be verified: the workspace could not be copied")
    git.run(scratch, "checkout", "-q", "-B", "fix-check", commit)
    if lab.spec.backend:  # a lab that needs a backend is checked on it (a swarm service...)
        from labkit.runtime.backends import record_kind

        record_kind(Workspace(scratch), lab.spec.backend)
    git.run(scratch, "config", "user.name", "fix check")
    git.run(scratch, "config", "user.email", "fix-check@learners.invalid")
    keep = {f"v{v}" for v in lab.spec.baseline.releases}
    for tag in git.run(scratch, "tag", "--list").stdout.split():
        if tag not in keep:  # releases made after the break do not exist in the broken state
            git.run(scratch, "tag", "-d", tag)
    text = diff if diff.endswith("\n") else diff + "\n"
    applied = git.run(scratch, "apply", "--whitespace=nowarn", "-", input=text)
    if applied.returncode:
        reason = applied.stderr.strip().splitlines()[:1]
        return FixVerdict(False, "fix_diff does not apply to the broken state"
                                 + (f": {reason[0]}" if reason else ""))
    git.run(scratch, "add", "-A")
    git.run(scratch, "commit", "-q", "-m", "fix under check")
    version = lab.spec.break_.release  # the last broken release
    for _ in range(2):
        version = next_patch(version)
        try:
            run_release(scratch, version)
        except LabError as err:
            log = f"\n{err.hint}" if err.hint else ""
            return FixVerdict(False, f"with fix_diff applied, releasing {version} failed: "
                                     f"{err}{log}")
        ws = Workspace(scratch)
        if ws.spec.contract:
            try:
                smoke.run(ws)  # the verdict goes to the history; the checks judge the result
            except LabError as err:
                return FixVerdict(False, f"with fix_diff applied, the smoke test of {version} "
                                         f"could not run: {err}")
    from labkit.check_fixtures import run_lab_checks  # imports pytest: only when checking

    failing = [r for r in run_lab_checks(lab.dir, scratch) if not r.passed]
    if failing:
        return FixVerdict(False, "with fix_diff applied to the broken state these checks still "
                                 "fail: " + "; ".join(f"{r.name} ({r.message})" for r in failing))
    return FixVerdict(True, "fix_diff repairs the broken state")
