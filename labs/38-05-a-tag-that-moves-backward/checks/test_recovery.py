"""Checks of lab 38-05, run against the learner's workspace."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from labkit import labchecks
from labkit.labchecks import say
from labkit.labspec import version_key
from labkit.paths import lab_command
from labkit.runtime.layout import Workspace
from labkit.runtime.status import runtime_status


def test_smoke_is_green(workspace):
    labchecks.smoke_is_green(workspace)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    labchecks.serving_is_newer_than(workspace, lab.break_.release)


def test_the_updater_refuses_to_go_backward(workspace):
    serving = runtime_status(Workspace(workspace))["serving"]
    with tempfile.TemporaryDirectory() as tmp:
        channel = Path(tmp) / "channel.json"
        channel.write_text(json.dumps({"stable": "0.0.1"}) + "\n")
        env = {**os.environ, "LAB": lab_command(), "CHANNEL": str(channel)}
        proc = subprocess.run(["sh", "scripts/update.sh", "--dry-run"], cwd=workspace, env=env,
                              capture_output=True, text=True, timeout=60)
    said = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode != 0, say(
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
    assert stable and version_key(stable) >= version_key(floor), say(
        f"deploy/channel.json points stable at {stable or 'nothing'}, behind {floor}, which "
        "it named before: a channel never moves backward",
        f"deploy/channel.json apunta stable a {stable or 'nada'}, por detrás de {floor}, que "
        "es lo que nombraba antes: un canal nunca retrocede")
    tagged = subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/v{stable}"],
                            cwd=workspace, capture_output=True, text=True).returncode == 0
    assert tagged, say(
        f"stable names {stable}, which was never released (no tag v{stable}): promote a "
        "release that exists",
        f"stable nombra {stable}, que nunca se publicó (no hay etiqueta v{stable}): "
        "promociona una versión que exista")


def test_service_tests_are_untouched(workspace, lab):
    labchecks.service_tests_untouched(workspace, f"v{lab.baseline.releases[0]}")
