"""The checks every lab carries, for a lab's checks/ to call.

Each function raises AssertionError with one sentence in the learner's language
(LAB_LANG), so a lab's test file keeps only its named tests and the checks of
its own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from labkit.i18n import lang
from labkit.labspec import version_key
from labkit.runtime.contract import check, load_contract
from labkit.runtime.layout import Workspace
from labkit.runtime.status import runtime_status


def say(en: str, es: str) -> str:
    """``en`` or ``es``, by the learner's language."""
    return es if lang() == "es" else en


def _require(ok: object, message: str) -> None:
    if not ok:
        raise AssertionError(message)


def smoke_is_green(workspace: Path) -> None:
    """The serving release answers as the workspace's contract says."""
    ws = Workspace(workspace)
    status = runtime_status(ws)
    _require(status["supervisor"]["running"], say("nothing is serving", "no sirve nada"))
    findings = check(status["supervisor"]["port"], load_contract(ws))
    _require(not findings, "smoke fails: " + "; ".join(f.message for f in findings))


def serving_is_newer_than(workspace: Path, broken: str) -> None:
    """The serving release is newer than the broken release ``broken``."""
    serving = runtime_status(Workspace(workspace))["serving"]
    _require(serving, say("nothing is serving", "no sirve nada"))
    _require(version_key(serving) > version_key(broken), say(
        f"{serving} is serving; release a fix newer than the broken {broken}",
        f"sirve {serving}; publica un arreglo posterior a la versión averiada {broken}"))


def service_tests_untouched(workspace: Path, since_tag: str) -> None:
    """Nothing under tests/ changed since ``since_tag`` (committed or not)."""
    changed = subprocess.run(["git", "diff", "--name-only", since_tag, "--", "tests/"],
                             cwd=workspace, capture_output=True, text=True, check=True).stdout
    untracked = subprocess.run(["git", "status", "--porcelain", "--", "tests/"],
                               cwd=workspace, capture_output=True, text=True, check=True).stdout
    touched = sorted(set(changed.split()) | {line[3:] for line in untracked.splitlines()})
    _require(not touched, say(f"the service's tests were modified: {', '.join(touched)}",
                              f"se modificaron las pruebas del servicio: {', '.join(touched)}"))
