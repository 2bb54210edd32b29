"""Checks of lab 38-03, run against the learner's workspace.

The gate check plays the trap the lab is about: it asks the swarm for an update
that can never turn healthy (the serving release with a quiz level no release
accepts), runs the learner's own scripts/upgrade-gate.sh the moment the update
command returns, as `just upgrade` does, and expects the gate to fail. The swarm
rolls that update back by itself; the check waits until it has.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

from labkit import labchecks
from labkit.labchecks import say
from labkit.paths import lab_command

GATE_TIMEOUT = 180  # seconds: a gate may wait for the swarm's monitor and rollback
SETTLED = ("completed", "rollback_completed", "paused", "rollback_paused", "")


def test_smoke_is_green(workspace):
    labchecks.smoke_is_green(workspace)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    labchecks.serving_is_newer_than(workspace, lab.break_.release)


def test_service_tests_untouched(workspace, lab):
    labchecks.service_tests_untouched(workspace, f"v{lab.baseline.releases[0]}")


def _run(args, workspace, **kw):
    env = {**os.environ, "LAB": lab_command()}
    return subprocess.run(args, cwd=workspace, env=env, capture_output=True, text=True, **kw)


def _update_state(service: str, workspace) -> str:
    proc = _run(["docker", "service", "inspect", "--format",
                 "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", service], workspace,
                timeout=30)
    return proc.stdout.strip()


def test_the_gate_fails_an_upgrade_the_swarm_rolls_back(workspace):
    status = json.loads(_run([*lab_command().split(), "status", "--json"], workspace,
                             timeout=60).stdout)["data"]
    serving = status["serving"]
    service = _run([*lab_command().split(), "swarm", "service"], workspace,
                   timeout=60).stdout.strip()
    assert serving and service, say("no swarm service serves; start it with lab serve",
                                    "ningún servicio de swarm está sirviendo; arráncalo con "
                                    "lab serve")
    update = _run(["docker", "service", "update", "--detach", "--quiet", "--no-resolve-image",
                   "--env-add", "TUTOR_QUIZ_LEVEL=Z9", "--env-add", "TUTOR_LEVEL=Z9", service],
                  workspace, timeout=60)
    assert update.returncode == 0, f"docker service update failed: {update.stderr.strip()}"
    try:
        gate = _run(["sh", "scripts/upgrade-gate.sh", serving], workspace, timeout=GATE_TIMEOUT)
    finally:
        deadline = time.monotonic() + GATE_TIMEOUT
        while _update_state(service, workspace) not in SETTLED and time.monotonic() < deadline:
            time.sleep(0.5)
    said = (gate.stdout + gate.stderr).strip().splitlines()
    assert gate.returncode != 0, say(
        f"scripts/upgrade-gate.sh {serving} passed an update that never turned healthy and "
        f"that the swarm rolled back (it said: {said[-1] if said else 'nothing'}); a gate must "
        "insist that the update converged",
        f"scripts/upgrade-gate.sh {serving} dio por buena una actualización que nunca llegó a "
        f"estar sana y que el swarm deshizo (dijo: {said[-1] if said else 'nada'}); una "
        "compuerta tiene que exigir que la actualización haya convergido")
