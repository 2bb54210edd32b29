"""Lab 38-03 end to end, on a real single-node swarm: the upgrade to 1.3.0 says OK
while the swarm rolls it back and 1.2.1 keeps serving; the fixed gate insists on
convergence and 1.3.1 goes out through it."""

from __future__ import annotations

import json
import subprocess

import pytest
from support import KIT_ROOT, git, just, lab, lab_json, unwrap, wait_for

pytestmark = [pytest.mark.docker, pytest.mark.e2e, pytest.mark.swarm]

LAB_DIR = KIT_ROOT / "labs" / "38-03-the-upgrade-that-silently-rolled-back"

RECORD = """# My breaks

```yaml
- bug-id: "38-03"
  concept: an update command that returns has not converged; the gate must check what serves
  symptom: >-
    just upgrade 1.3.0 reported OK, but /quiz/level answered 404: the smoke test failed and
    1.2.1 was still serving, because the swarm had rolled the update back
  hidden_cause: >-
    1.3.0 read the setting under a renamed key, TUTOR_LEVEL, which deploy/service.yaml does
    not set, so its task failed its health check and failure_action rollback undid it; the
    gate ran right after a detached update and read the image from the spec instead of
    checking that the update converged
  hint_1: "Which version do users get, and which one does the swarm's spec name?"
  hint_2: "Why did the new task never turn healthy?"
  hint_3: "When does the gate look, and what does it look at?"
  fix_diff: >-
    src/minitutor/settings.py reads TUTOR_QUIZ_LEVEL again; scripts/upgrade-gate.sh waits for
    the update to settle and requires UpdateStatus completed with every running task on the new
    image; scripts/upgrade.sh keeps --detach
```
"""


def status(ws, env) -> dict:
    return lab_json("status", cwd=ws, env=env)


def journal(ws) -> list[dict]:
    return [json.loads(line) for line in (ws / ".lab" / "journal.jsonl").read_text().splitlines()]


def test_the_whole_story_on_a_swarm(docker_daemon, course):
    if docker_daemon.info()["Swarm"]["LocalNodeState"] != "inactive":
        pytest.skip("the daemon is already in a swarm the test did not make")
    course, ws, env = course
    try:
        # Start: the kit makes a loopback swarm; 1.2.0 then 1.2.1 go out as a service.
        lab("start", "38-03", cwd=course, env=env, timeout=900)
        assert docker_daemon.info()["Swarm"]["NodeAddr"] == "127.0.0.1"
        now = status(ws, env)
        assert (now["backend"], now["serving"]) == ("swarm", "1.2.1")
        assert now["swarm"]["version"] == "1.2.1" and now["swarm"]["update"]["state"] == "completed"
        assert lab("smoke", cwd=ws, env=env).returncode == 0

        # Break: the upgrade to 1.3.0 says OK; the swarm undoes it, 1.2.1 keeps serving.
        out = lab("break", "38-03", cwd=course, env=env, timeout=900).stdout
        assert "[upgrade] upgrade to 1.3.0 OK" in out
        now = wait_for(lambda: (s := status(ws, env))["swarm"]["update"]["state"]
                       == "rollback_completed" and s, timeout=120, interval=0.5,
                       what="the swarm to roll 1.3.0 back")
        assert now["serving"] == "1.2.1" and now["swarm"]["version"] == "1.2.1"
        assert {t["version"] for t in now["swarm"]["tasks"]} == {"1.2.1"}
        shown = lab("status", cwd=ws, env=env).stdout
        assert "last update: rollback_completed" in shown and "1.2.1 (healthy)" in shown
        smoke = lab("smoke", cwd=ws, env=env, check=False)
        assert smoke.returncode == 1 and "/quiz/level answered HTTP 404" in smoke.stdout
        events = journal(ws)
        baseline, gate = [e["data"] for e in events if e["event"] == "upgrade.gate"]
        assert (baseline["version"], baseline["verdict"], baseline["true"]) == ("1.2.1", "pass",
                                                                              True)
        assert (gate["version"], gate["verdict"], gate["serving"]) == ("1.3.0", "pass", "1.2.1")
        assert gate["true"] is False  # the gate passed while another release served
        states = [e["data"]["state"] for e in events if e["event"] == "swarm.update"]
        assert states[-1] == "rollback_completed" and "updating" in states
        watch = lab("stopwatch", "--once", cwd=ws, env=env, check=False).stdout
        assert "impact: the upgrade gate passed a broken release" in watch
        refused = lab("rollback", cwd=ws, env=env, check=False)
        assert refused.returncode == 2 and "the swarm switches them" in refused.stderr
        report = unwrap(lab("check", "38-03", "--json", cwd=ws, env=env, check=False).stdout)
        checks = {c["name"]: c for c in report["checks"]}
        assert not checks["the gate fails an upgrade the swarm rolls back"]["passed"]
        assert report["stopwatch"]["state"] == "detected"

        # Fix: the reference fix; 1.3.1 goes out through the fixed gate.
        subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws, check=True)
        git("commit", "-qam", "gate: insist on convergence; settings: the key the spec sets",
            cwd=ws)
        upgrade = just("upgrade", "1.3.1", cwd=ws, env=env)
        assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
        assert "[upgrade] upgrade to 1.3.1 OK" in upgrade.stdout
        now = status(ws, env)
        assert now["serving"] == "1.3.1" and now["swarm"]["update"]["state"] == "completed"
        assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS: 1.3.1")

        # Record and check: every check passes (the gate fails a failing upgrade), resolved.
        (ws / "notes" / "breaks.md").write_text(RECORD)
        report = unwrap(lab("check", "38-03", "--json", cwd=ws, env=env, timeout=600).stdout)
        assert all(c["passed"] for c in report["checks"]), report["checks"]
        assert report["recovered"] and report["record"]["valid"], report["record"]
        assert report["stopwatch"]["state"] == "resolved"
        assert report["reference"]["backend"] == "swarm"
    finally:
        lab("stop", cwd=ws, env=env, check=False)
    # lab stop removed the workspace's service, its tasks' sockets, and left the swarm
    # the kit made.
    assert docker_daemon.info()["Swarm"]["LocalNodeState"] == "inactive"
    from labkit.runtime import swarm
    from labkit.runtime.layout import Workspace

    assert not swarm.socket_dir(Workspace(ws)).exists()
