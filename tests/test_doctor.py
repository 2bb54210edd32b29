"""lab doctor: what is wrong with a workspace, the command that repairs each problem,
and --fix for what is derived (never the evidence)."""

from __future__ import annotations

import json
import os
import signal

from support import base_env, http_get, lab, pid_alive, public_url, unwrap, wait_for


def doctor(ws, *args: str, env=None, code: int | None = None):
    proc = lab("doctor", "--workspace", str(ws), *args, env=env, check=False)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    if code is not None:
        assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def report(ws, *args: str, code: int | None = None) -> dict:
    return unwrap(doctor(ws, "--json", *args, code=code).stdout)


def codes(data: dict) -> set[str]:
    return {p["code"] for p in data["problems"]}


def test_a_healthy_serving_workspace(built):
    lab("deploy", "1.0.0", cwd=built)
    data = report(built, code=0)
    assert data["healthy"] is True and data["problems"] == []
    names = {c["name"] for c in data["checks"]}
    assert {"supervisor", "backends", "public port", "state files", "leftovers",
            "journal"} <= names
    out = doctor(built, code=0).stdout
    assert "healthy" in out


def test_a_workspace_never_served_is_healthy(built):
    assert report(built, code=0)["healthy"] is True


def test_a_killed_supervisor_leaves_stale_files_that_fix_removes(built):
    lab("deploy", "1.0.0", cwd=built)
    pid = int((built / ".lab" / "supervisor.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not pid_alive(pid), what="supervisor exit")
    data = report(built, code=1)
    assert {"supervisor-down", "stale-pid", "stale-socket"} <= codes(data)
    down = next(p for p in data["problems"] if p["code"] == "supervisor-down")
    assert down["command"] == "lab serve" and "1.0.0" in down["message"]
    out = doctor(built, code=1).stdout
    assert "lab serve" in out and "supervisor.pid" in out

    fixed = report(built, "--fix", code=1)
    assert {"stale-pid", "stale-socket"} <= {p["code"] for p in fixed["fixed"]}
    assert codes(fixed) == {"supervisor-down"}
    assert not (built / ".lab" / "supervisor.pid").exists()
    assert not (built / ".lab" / "control.sock").exists()
    lab("serve", cwd=built)
    assert report(built, code=0)["healthy"]


def test_fix_rebuilds_router_json_and_sweeps_leftovers(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("stop", cwd=built)
    router = built / ".lab" / "router.json"
    router.write_text("{oops")
    tmp = built / "artifacts" / ".1.0.1.999999999.abcd.tar.tmp"
    tmp.write_bytes(b"half a tar")
    half = built / ".lab" / "unpacked" / ".1.0.1.999999999.abcd"
    half.mkdir(parents=True)
    (half / "app.py").write_text("half")

    data = report(built, code=1)
    problems = {p["code"]: p for p in data["problems"]}
    assert {"state-file", "leftover"} <= set(problems)
    state = next(p for p in data["problems"] if p["code"] == "state-file")
    assert state["file"].endswith("router.json") and state["line"] == 1 and state["fixable"]
    assert "lab doctor --fix" in state["command"]

    fixed = report(built, "--fix", code=1)  # the supervisor is still down
    assert codes(fixed) == {"supervisor-down"}
    assert json.loads(router.read_text())["active"] == "1.0.0"
    assert list((built / ".lab").glob("router.json.corrupt-*"))
    assert not tmp.exists() and not half.exists()
    lab("serve", cwd=built)
    code, _ = http_get(public_url(built) + "/version")
    assert code == 200
    assert report(built, code=0)["healthy"]


def test_evidence_is_reported_never_repaired(built):
    lab("deploy", "1.0.0", cwd=built)
    history = built / ".lab" / "releases.jsonl"
    with history.open("ab") as handle:
        handle.write(b'{"kind": "deployed"}\n')
    journal = built / ".lab" / "journal.jsonl"
    with journal.open("ab") as handle:
        handle.write(b"torn entry\n")
    before = (history.read_bytes(), journal.read_bytes())
    fixed = report(built, "--fix", code=1)
    files = {os.path.basename(p["file"]) for p in fixed["problems"] if p["file"]}
    assert {"releases.jsonl", "journal.jsonl"} <= files
    assert all(not p["fixable"] for p in fixed["problems"])
    assert fixed["fixed"] == []
    assert (history.read_bytes(), journal.read_bytes()) == before
    journal_problem = next(p for p in fixed["problems"] if p["code"] == "journal")
    assert journal_problem["command"] == "lab journal verify"


def test_state_files_of_the_lab_are_checked(built):
    state = built / ".lab"
    state.mkdir(exist_ok=True)
    (state / "hints.json").write_text('{"38-01": 1')
    (state / "break.json").write_bytes(b"\xff")
    (built / "artifacts" / "mini-1.0.2.manifest.json").write_text("")
    data = report(built, code=1)
    files = {os.path.basename(p["file"]) for p in data["problems"] if p["code"] == "state-file"}
    assert files == {"hints.json", "break.json", "mini-1.0.2.manifest.json"}
    manifest = next(p for p in data["problems"] if p["file"].endswith(".manifest.json"))
    assert manifest["command"] == "lab artifacts build 1.0.2 --ref v1.0.2"


def test_sentences_follow_the_language(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("stop", cwd=built)
    (built / ".lab" / "router.json").write_text("{")
    english = doctor(built, code=1).stdout
    spanish = doctor(built, env=base_env(LAB_LANG="es"), code=1).stdout
    explicit = doctor(built, "--lang", "es", code=1).stdout
    assert spanish == explicit and spanish != english
    assert "router.json" in spanish and "lab doctor --fix" in spanish
    assert "no está en marcha" in spanish and "is not running" in english
