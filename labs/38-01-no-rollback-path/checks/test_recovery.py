"""Checks of lab 38-01, run against the learner's workspace."""

from __future__ import annotations

import re
import subprocess

from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.contract import check, load_contract
from labkit.runtime.layout import Workspace
from labkit.runtime.status import runtime_status


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_smoke_is_green(workspace):
    ws = Workspace(workspace)
    status = runtime_status(ws)
    assert status["supervisor"]["running"], "nothing is serving: the supervisor is not running"
    findings = check(status["supervisor"]["port"], load_contract(ws))
    assert not findings, "smoke fails: " + "; ".join(f.message for f in findings)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    serving = runtime_status(Workspace(workspace))["serving"]
    broken = lab.break_.release
    assert serving, "nothing is serving"
    assert _version(serving) > _version(broken), (
        f"{serving} is serving; release a fix newer than the broken {broken}"
    )


def test_release_script_keeps_at_least_five(workspace):
    script = (workspace / "scripts" / "release.sh").read_text()
    keeps = [int(n) for n in re.findall(r"^\s*just artifacts-prune\s+--keep\s+(\d+)", script,
                                        flags=re.MULTILINE)]
    assert keeps, "scripts/release.sh no longer prunes with `just artifacts-prune --keep N`"
    assert min(keeps) >= 5, f"scripts/release.sh keeps only {min(keeps)} release(s); keep 5"


def test_at_least_two_artifacts_are_kept(workspace):
    store = ArtifactStore(Workspace(workspace))
    verified = [v for v in store.versions() if store.info(v).verified]
    assert len(verified) >= 2, (
        f"only {len(verified)} verified artifact(s) kept ({', '.join(verified) or 'none'}): "
        "a rollback needs the previous one"
    )


def test_service_tests_are_untouched(workspace, lab):
    first = f"v{lab.baseline.releases[0]}"
    changed = subprocess.run(["git", "diff", "--name-only", first, "--", "tests/"],
                             cwd=workspace, capture_output=True, text=True, check=True).stdout
    untracked = subprocess.run(["git", "status", "--porcelain", "--", "tests/"],
                               cwd=workspace, capture_output=True, text=True, check=True).stdout
    touched = sorted(set(changed.split()) | {line[3:] for line in untracked.splitlines()})
    assert not touched, f"the service's tests were modified: {', '.join(touched)}"
