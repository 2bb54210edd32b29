"""Watching what serves: a dead backend is noticed and brought back; a release is
known by its artifact's digest as well as its version."""

from __future__ import annotations

import json
import os
import signal

from support import base_env, git, http_get, lab, lab_json, pid_alive, public_url, wait_for


def backend_of(ws, version: str | None = None, env=None) -> dict:
    status = lab_json("status", cwd=ws, env=env)
    version = version or status["serving"]
    return next(b for b in status["supervisor"]["backends"] if b["version"] == version)


def router_answers(ws, path: str = "/version") -> bool:
    try:
        return http_get(public_url(ws) + path, timeout=2.0)[0] == 200
    except OSError:
        return False


def journal(ws) -> list[dict]:
    return [json.loads(line) for line in (ws / ".lab/journal.jsonl").open()]


def test_a_killed_serving_backend_is_restarted_from_the_same_artifact(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)
    before = backend_of(built)
    assert before["health"] == "healthy" and before["restarts"] == 0
    assert len(before["digest"]) == 12
    os.kill(int(before["ident"]), signal.SIGKILL)

    def restarted():
        now = backend_of(built, "1.0.1")
        return now if now["ident"] != before["ident"] and now["health"] == "healthy" else None

    after = wait_for(restarted, what="the serving backend to be restarted")
    assert after["restarts"] == 1 and after["digest"] == before["digest"]
    wait_for(lambda: router_answers(built), what="the router to answer again")
    code, body = http_get(public_url(built) + "/version")
    assert code == 200 and json.loads(body)["version"] == "1.0.1"
    assert lab_json("status", cwd=built)["serving"] == "1.0.1"

    entries = journal(built)
    down = [e for e in entries if e["event"] == "backend.down"]
    up = [e for e in entries if e["event"] == "backend.restarted"]
    assert len(down) == len(up) == 1 and down[0]["seq"] < up[0]["seq"]
    assert down[0]["data"]["version"] == "1.0.1" and down[0]["data"]["serving"] is True
    assert "exited" in down[0]["data"]["reason"]
    assert up[0]["data"]["version"] == "1.0.1" and up[0]["data"]["seconds"] > 0
    assert up[0]["data"]["reason"] == down[0]["data"]["reason"]
    human = lab("status", cwd=built).stdout
    assert "1.0.1" in human and "restarts 1" in human and "healthy" in human


def test_a_backend_that_stops_answering_is_replaced(built):
    lab("deploy", "1.0.0", cwd=built)
    hung = backend_of(built)
    os.kill(int(hung["ident"]), signal.SIGSTOP)  # alive, but answers nothing

    def replaced():
        now = backend_of(built, "1.0.0")
        return now if now["ident"] != hung["ident"] and now["health"] == "healthy" else None

    fresh = wait_for(replaced, what="the hung backend to be replaced")
    assert fresh["restarts"] == 1
    wait_for(lambda: not pid_alive(int(hung["ident"])), what="the hung backend to be killed")
    assert router_answers(built)
    down = [e["data"] for e in journal(built) if e["event"] == "backend.down"]
    assert len(down) == 1 and "3 health checks in a row failed" in down[0]["reason"]


def test_with_watching_off_status_deploy_and_serve_see_a_dead_backend(built):
    env = base_env(LAB_HEALTH_INTERVAL="0")
    lab("deploy", "1.0.0", cwd=built, env=env)
    first = backend_of(built, env=env)
    os.kill(int(first["ident"]), signal.SIGKILL)
    wait_for(lambda: backend_of(built, env=env)["health"] == "down", what="status to see it down")
    assert lab_json("status", cwd=built, env=env)["serving"] == "1.0.0"
    human = lab("status", cwd=built, env=env).stdout
    assert "1.0.0 is down" in human
    code, _ = http_get(public_url(built) + "/version")
    assert code == 502

    proc = lab("deploy", "1.0.0", cwd=built, env=env)
    assert "already serving" not in proc.stdout
    assert proc.stdout.strip() == "[release] 1.0.0 was down; restarted it from the same artifact"
    assert router_answers(built)
    second = backend_of(built, env=env)
    assert second["health"] == "healthy" and second["ident"] != first["ident"]
    assert second["restarts"] == 1
    assert lab("deploy", "1.0.0", cwd=built, env=env).stdout.strip() == \
        "[release] 1.0.0 is already serving"

    os.kill(int(second["ident"]), signal.SIGKILL)
    wait_for(lambda: backend_of(built, env=env)["health"] == "down", what="status to see it down")
    out = lab("serve", cwd=built, env=env).stdout
    assert "serving 1.0.0" in out and "restarted" in out
    assert router_answers(built)
    assert backend_of(built, env=env)["restarts"] == 2
    reasons = [e["data"]["reason"] for e in journal(built) if e["event"] == "backend.down"]
    assert len(reasons) == 2 and all("exited" in r for r in reasons)


def test_a_rebuilt_release_is_served_from_its_new_artifact(built):
    lab("deploy", "1.0.1", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    old = backend_of(built)
    code, body = http_get(public_url(built) + "/")
    assert code == 200 and json.loads(body)["hello"] == "mini"

    main = built / "src/miniapp/__main__.py"
    main.write_text(main.read_text().replace('"hello": "mini"', '"hello": "rebuilt"'))
    git("commit", "-q", "-am", "a new greeting", cwd=built)
    built_info = lab_json("artifacts", "build", "1.0.2", "--ref", "HEAD", cwd=built)
    manifest = json.loads((built / "artifacts/mini-1.0.2.manifest.json").read_text())
    assert manifest["sha256"][:12] != old["digest"], built_info

    proc = lab("deploy", "1.0.2", cwd=built)
    assert proc.stdout.strip() == "[release] now serving 1.0.2"
    code, body = http_get(public_url(built) + "/")
    assert code == 200 and json.loads(body)["hello"] == "rebuilt"
    new = backend_of(built)
    assert new["digest"] == manifest["sha256"][:12] and new["ident"] != old["ident"]
    wait_for(lambda: not pid_alive(int(old["ident"])), what="the old backend to be retired")
    status = lab_json("status", cwd=built)
    assert status["serving"] == "1.0.2" and status["warm"] == "1.0.1"
    assert sorted(b["version"] for b in status["supervisor"]["backends"]) == ["1.0.1", "1.0.2"]
    assert lab("deploy", "1.0.2", cwd=built).stdout.strip() == "[release] 1.0.2 is already serving"


def test_a_backend_that_cannot_come_back_is_retried_with_backoff_until_it_can(built):
    env = base_env(LAB_RESTART_BACKOFF_MAX="0.5")
    lab("deploy", "1.0.0", cwd=built, env=env)
    first = backend_of(built, env=env)
    crash = built / ".lab/unpacked/1.0.0/CRASH"
    crash.write_text("")
    os.kill(int(first["ident"]), signal.SIGKILL)
    failing = wait_for(lambda: (b := backend_of(built, env=env))["failed_attempts"] >= 3 and b,
                       what="several failed restarts")
    assert failing["health"] == "down" and failing["ident"] == first["ident"]
    assert "is down" in lab("status", cwd=built, env=env).stdout
    assert http_get(public_url(built) + "/version")[0] == 502

    crash.unlink()
    wait_for(lambda: router_answers(built), what="the router to answer again")
    back = backend_of(built, env=env)
    assert back["health"] == "healthy" and back["restarts"] == 1 and back["failed_attempts"] == 0
    restarted = [e["data"] for e in journal(built) if e["event"] == "backend.restarted"]
    assert len(restarted) == 1 and restarted[0]["attempts"] >= 4
    log = (built / ".lab/supervisor.log").read_text()
    assert "restart 1 of 1.0.0 failed" in log and "crashing at start on purpose" in log


def test_restart_backoff_doubles_up_to_its_cap():
    from labkit.runtime.health import BACKOFF_MAX, backoff

    delays = [backoff(streak) for streak in range(12)]
    assert delays[:4] == [0.0, 0.5, 1.0, 2.0]
    assert delays == sorted(delays) and max(delays) == BACKOFF_MAX == delays[-1]
