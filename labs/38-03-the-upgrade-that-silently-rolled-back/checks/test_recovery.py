"""Checks of lab 38-03, run against the learner's workspace.

The gate check plays the trap the lab is about: it asks the swarm for an update
that can never turn healthy (the serving release with a quiz level no release
accepts), runs the learner's own scripts/upgrade-gate.sh the moment the update
command returns, as `just upgrade` does, and expects the gate to fail. The swarm
rolls that update back by itself; the check waits until it has.
"""

from __future__ import annotations

import os
import subprocess

from labkit import labchecks
from labkit.labchecks import say
from labkit.paths import lab_command
from labkit.runtime import swarm
from labkit.runtime.layout import Workspace
from labkit.runtime.status import runtime_status

GATE_TIMEOUT = 180  # seconds: a gate may wait for the swarm's monitor and rollback


def test_smoke_is_green(workspace):
    labchecks.smoke_is_green(workspace)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    labchecks.serving_is_newer_than(workspace, lab.break_.release)


def test_service_tests_untouched(workspace, lab):
    labchecks.service_tests_untouched(workspace, f"v{lab.baseline.releases[0]}")


def test_the_gate_fails_an_upgrade_the_swarm_rolls_back(workspace):
    ws = Workspace(workspace)
    serving = runtime_status(ws)["serving"]
    service = swarm.service_name(ws) if swarm.find(ws) is not None else None
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
        swarm.wait_settled(ws, GATE_TIMEOUT)  # the swarm rolls that update back by itself
    said = (gate.stdout + gate.stderr).strip().splitlines()
    assert gate.returncode != 0, say(
        f"scripts/upgrade-gate.sh {serving} passed an update that never turned healthy and "
        f"that the swarm rolled back (it said: {said[-1] if said else 'nothing'}); a gate must "
        "insist that the update converged",
        f"scripts/upgrade-gate.sh {serving} dio por buena una actualización que nunca llegó a "
        f"estar sana y que el swarm deshizo (dijo: {said[-1] if said else 'nada'}); una "
        "compuerta tiene que exigir que la actualización haya convergido")


def _run(args, workspace, **kw):
    env = {**os.environ, "LAB": lab_command()}
    return subprocess.run(args, cwd=workspace, env=env, capture_output=True, text=True, **kw)
