"""Checks of lab 38-05, run against the learner's workspace."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from labkit.i18n import lang
from labkit.labspec import version_key
from labkit.paths import lab_command
from labkit.runtime.contract import check, load_contract
from labkit.runtime.layout import Workspace
from labkit.runtime.status import runtime_status


def _say(en: str, es: str) -> str:
    return es if lang() == "es" else en


def test_smoke_is_green(workspace):
    ws = Workspace(workspace)
    status = runtime_status(ws)
    assert status["supervisor"]["running"], _say("nothing is serving", "no sirve nada")
    findings = check(status["supervisor"]["port"], load_contract(ws))
    assert not findings, "smoke fails: " + "; ".join(f.message for f in findings)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    serving = runtime_status(Workspace(workspace))["serving"]
    broken = lab.break_.release
    assert serving, _say("nothing is serving", "no sirve nada")
    assert version_key(serving) > version_key(broken), _say(
        f"{serving} is serving; release a fix newer than the broken {broken}",
        f"sirve {serving}; publica un arreglo posterior a la versión averiada {broken}")


def test_the_updater_refuses_to_go_backward(workspace):
    serving = runtime_status(Workspace(workspace))["serving"]
    with tempfile.TemporaryDirectory() as tmp:
        channel = Path(tmp) / "channel.json"
        channel.write_text(json.dumps({"stable": "0.0.1"}) + "\n")
        env = {**os.environ, "LAB": lab_command(), "CHANNEL": str(channel)}
        proc = subprocess.run(["sh", "scripts/update.sh", "--dry-run"], cwd=workspace, env=env,
                              capture_output=True, text=True, timeout=60)
    said = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode != 0, _say(
        f"with stable at 0.0.1 and {serving} serving, scripts/update.sh would go ahead "
        f"({said[-1] if said else 'no output'}): it must refuse a version older than the "
        "serving one",
        f"con stable en 0.0.1 y {serving} sirviendo, scripts/update.sh seguiría adelante "
        f"({said[-1] if said else 'sin salida'}): tiene que rechazar una versión más antigua "
        "que la que sirve")


def test_stable_names_the_last_good_release_or_a_newer_one(workspace, lab):
    data = json.loads((workspace / "deploy" / "channel.json").read_text())
    stable = str(data.get("stable", ""))
    floor = lab.baseline.releases[-1]  # what stable named before the break
    assert stable and version_key(stable) >= version_key(floor), _say(
        f"deploy/channel.json points stable at {stable or 'nothing'}, behind {floor}, which "
        "it named before: a channel never moves backward",
        f"deploy/channel.json apunta stable a {stable or 'nada'}, por detrás de {floor}, que "
        "es lo que nombraba antes: un canal nunca retrocede")
    tagged = subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/v{stable}"],
                            cwd=workspace, capture_output=True, text=True).returncode == 0
    assert tagged, _say(
        f"stable names {stable}, which was never released (no tag v{stable}): promote a "
        "release that exists",
        f"stable nombra {stable}, que nunca se publicó (no hay etiqueta v{stable}): "
        "promociona una versión que exista")


def test_service_tests_are_untouched(workspace, lab):
    first = f"v{lab.baseline.releases[0]}"
    changed = subprocess.run(["git", "diff", "--name-only", first, "--", "tests/"],
                             cwd=workspace, capture_output=True, text=True, check=True).stdout
    untracked = subprocess.run(["git", "status", "--porcelain", "--", "tests/"],
                               cwd=workspace, capture_output=True, text=True, check=True).stdout
    touched = sorted(set(changed.split()) | {line[3:] for line in untracked.splitlines()})
    assert not touched, _say(f"the service's tests were modified: {', '.join(touched)}",
                             f"se modificaron las pruebas del servicio: {', '.join(touched)}")
