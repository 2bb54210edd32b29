"""Checks of lab 38-02, run against the learner's workspace."""

from __future__ import annotations

import re
import subprocess

from labkit.labspec import version_key
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.contract import check, load_contract
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace
from labkit.runtime.status import runtime_status

PRUNE = re.compile(r"^\s*just artifacts-prune\b(.*)$", flags=re.MULTILINE)


def test_smoke_is_green(workspace):
    ws = Workspace(workspace)
    status = runtime_status(ws)
    assert status["supervisor"]["running"], "nothing is serving: the supervisor is not running"
    findings = check(status["supervisor"]["port"], load_contract(ws))
    assert not findings, "smoke fails: " + "; ".join(f.message for f in findings)


def test_serving_release_is_newer_than_the_broken_ones(workspace, lab):
    serving = runtime_status(Workspace(workspace))["serving"]
    broken = lab.break_.versions
    assert serving, "nothing is serving"
    assert version_key(serving) > max(version_key(v) for v in broken), (
        f"{serving} is serving; release a fix newer than the broken {', '.join(broken)}"
    )


def test_release_script_protects_the_last_good_release(workspace):
    script = (workspace / "scripts" / "release.sh").read_text()
    prunes = [args.split() for args in PRUNE.findall(script)]
    assert prunes, "scripts/release.sh no longer prunes with `just artifacts-prune --keep N`"
    for args in prunes:
        line = " ".join(["just artifacts-prune", *args])
        assert "--protect-last-good" in args, (
            f"scripts/release.sh runs `{line}`, which can prune the last release that passed "
            "smoke; see `lab artifacts prune --help`"
        )
        keep = args[args.index("--keep") + 1] if "--keep" in args[:-1] else ""
        assert keep.isdigit() and int(keep) >= 3, (
            f"scripts/release.sh runs `{line}`; keep at least 3 releases, as before the break"
        )


def test_last_release_that_passed_smoke_still_has_its_artifact(workspace):
    ws = Workspace(workspace)
    history = History(ws.history_path)
    verdicts = history.smoke_verdicts()
    good = [v for v in history.release_order() if verdicts.get(v)]
    assert good, ("no release has passed its smoke test in the release history; "
                  "smoke-test the serving release with: just smoke-portal")
    store = ArtifactStore(ws)
    last_good = good[-1]
    assert store.has(last_good) and store.info(last_good).verified, (
        f"{last_good} is the last release that passed smoke, but its artifact "
        f"{ws.artifact_name(last_good)} is gone: nothing known to be good is left to roll back to"
    )


def test_service_tests_are_untouched(workspace, lab):
    first = f"v{lab.baseline.releases[0]}"
    changed = subprocess.run(["git", "diff", "--name-only", first, "--", "tests/"],
                             cwd=workspace, capture_output=True, text=True, check=True).stdout
    untracked = subprocess.run(["git", "status", "--porcelain", "--", "tests/"],
                               cwd=workspace, capture_output=True, text=True, check=True).stdout
    touched = sorted(set(changed.split()) | {line[3:] for line in untracked.splitlines()})
    assert not touched, f"the service's tests were modified: {', '.join(touched)}"
