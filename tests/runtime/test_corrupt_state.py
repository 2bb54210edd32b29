"""Corrupt state: a damaged file gets one sentence naming it, its line and what to do;
what can be derived again is rebuilt; nothing is left half done."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time

import pytest
from support import LAB, base_env, http_get, lab, lab_json, pid_alive, public_url


def served(ws) -> str:
    code, body = http_get(public_url(ws) + "/version")
    assert code == 200, body
    return json.loads(body)["version"]


def refused(proc, *needles: str, code: int = 1) -> str:
    """The one sentence a refusal printed (stderr), after checking its shape."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)
    return proc.stderr


def journal(ws):
    return ws / ".lab" / "journal.jsonl"


def deploys(ws) -> list[str]:
    rows = [json.loads(r) for r in (ws / ".lab" / "releases.jsonl").read_text().splitlines()]
    return [r["version"] for r in rows if r["kind"] == "deployed"]


def line_count(path) -> int:
    return path.read_bytes().count(b"\n")


# -- finding 1: a malformed journal tail --------------------------------------------------

@pytest.mark.parametrize("tail", [b'{"seq": 9, "event": "torn\n', b"\x00\xff garbage\n",
                                  b'{"seq": "7", "prev": "x", "event": "e", "data": {}}\n',
                                  b'{"seq": 7'])
def test_a_malformed_journal_tail_refuses_deploy_and_rollback_before_anything_switches(
        built, tail):
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)
    with journal(built).open("ab") as handle:
        handle.write(tail)
    before = journal(built).read_bytes()
    line = line_count(journal(built)) + (0 if tail.endswith(b"\n") else 1)

    proc = lab("deploy", "1.0.2", cwd=built, check=False)
    err = refused(proc, "journal.jsonl", f"line {line}", "lab journal verify")
    assert "closed the connection" not in err
    assert served(built) == "1.0.1" and deploys(built) == ["1.0.0", "1.0.1"]

    proc = lab("rollback", cwd=built, check=False)
    refused(proc, "journal.jsonl", f"line {line}", "lab journal verify")
    assert served(built) == "1.0.1" and deploys(built) == ["1.0.0", "1.0.1"]
    assert journal(built).read_bytes() == before, "the evidence was rewritten"
    assert lab_json("status", cwd=built)["supervisor"]["running"] is True
    assert lab("journal", "verify", cwd=built, check=False).returncode == 1


def control(ws, payload: bytes) -> dict | None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect(str(ws / ".lab" / "control.sock"))
        sock.sendall(payload)
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data) if data else None


def test_the_supervisor_refuses_a_switch_it_could_not_journal_and_stays_whole(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)  # 1.0.0 stays warm
    with journal(built).open("ab") as handle:
        handle.write(b"not a journal entry\n")
    reply = control(built, b'{"op": "switch", "version": "1.0.0"}\n')
    assert reply["ok"] is False and "journal.jsonl" in reply["error"]
    assert served(built) == "1.0.1" and deploys(built) == ["1.0.0", "1.0.1"]
    status = lab_json("status", cwd=built)
    assert status["serving"] == "1.0.1" and status["supervisor"]["running"]
    assert "Traceback" not in (built / ".lab" / "supervisor.log").read_text()


# -- finding 2: the tail is found by a bounded read ----------------------------------------

def test_a_huge_last_line_is_a_malformed_tail_and_costs_no_full_read(built):
    lab("deploy", "1.0.0", cwd=built)
    entry = json.loads(journal(built).read_text().splitlines()[-1])
    entry.update(seq=entry["seq"] + 1, data={"pad": "x" * (10 << 20)})
    with journal(built).open("a") as handle:
        handle.write(json.dumps(entry) + "\n")
    line = line_count(journal(built))
    proc = lab("deploy", "1.0.1", cwd=built, check=False)
    refused(proc, "journal.jsonl", f"line {line}", "64 KiB", "lab journal verify")
    assert served(built) == "1.0.0"


# -- finding 3: one sentence for each corrupt state file ----------------------------------

@pytest.mark.parametrize("content", [b"{not json", b"\x89PNG\r\n\x1a\n\x00\xff", b"[1, 2]"])
def test_a_corrupt_manifest_is_one_sentence_naming_it_and_the_rebuild(built, content):
    manifest = built / "artifacts" / "mini-1.0.1.manifest.json"
    manifest.write_bytes(content)
    proc = lab("deploy", "1.0.1", cwd=built, check=False)
    refused(proc, "mini-1.0.1.manifest.json", "line ", "lab artifacts build 1.0.1")
    listing = lab_json("artifacts", "list", cwd=built)
    row = next(a for a in listing["artifacts"] if a["version"] == "1.0.1")
    assert row["verified"] is False and "mini-1.0.1.manifest.json" in row["problem"]


@pytest.mark.parametrize("bad,field", [(b'{"v": 1, "kind": "deployed", "at": 1}\n', "version"),
                                       (b"\xff\xfe not utf-8\n", None),
                                       (b'{"v": 1, "kind": "deployed", "version": 7}\n', "version")])
def test_a_bad_release_history_line_is_named_and_never_rewritten(built, bad, field):
    lab("deploy", "1.0.0", cwd=built)
    history = built / ".lab" / "releases.jsonl"
    with history.open("ab") as handle:
        handle.write(bad)
    before = history.read_bytes()
    line = line_count(history)
    for args in (("status",), ("rollback",), ("artifacts", "list")):
        proc = lab(*args, cwd=built, check=False)
        needles = ["releases.jsonl", f"line {line}"] + ([f"'{field}'"] if field else [])
        refused(proc, *needles)
    assert history.read_bytes() == before


def test_a_corrupt_lab_json_is_one_sentence(built):
    (built / ".lab").mkdir(exist_ok=True)
    (built / ".lab" / "lab.json").write_text('{"lab": "38-01",\n  oops\n')
    proc = lab("status", cwd=built, check=False)
    refused(proc, "lab.json", "line 2", "lab start")


def test_a_corrupt_router_json_is_set_aside_and_rebuilt_from_history(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)
    lab("stop", cwd=built)
    router = built / ".lab" / "router.json"
    router.write_bytes(b'{"active": "1.0.1", \xff')

    status = lab("status", cwd=built)
    assert "router.json" in status.stderr and "lab serve" in status.stderr
    assert "Traceback" not in status.stderr
    assert lab_json("status", cwd=built)["supervisor"]["was_serving"] == "1.0.1"

    proc = lab("serve", cwd=built)
    assert "router.json" in proc.stderr and "router.json.corrupt-" in proc.stderr
    assert served(built) == "1.0.1"
    aside = list((built / ".lab").glob("router.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b'{"active": "1.0.1", \xff'
    assert json.loads(router.read_text())["active"] == "1.0.1"
    lab("deploy", "1.0.2", cwd=built)
    assert served(built) == "1.0.2"


def test_deploy_rebuilds_a_corrupt_router_json_when_it_starts_the_supervisor(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("stop", cwd=built)
    (built / ".lab" / "router.json").write_text("[]")
    proc = lab("deploy", "1.0.1", cwd=built)
    assert "router.json" in proc.stderr and "Traceback" not in proc.stderr
    assert served(built) == "1.0.1"


# -- finding 4: names ending in a newline -------------------------------------------------

def test_a_learner_name_ending_in_a_newline_is_refused(tmp_path):
    proc = lab("start", "38-01", "--learner", "eve\n", cwd=tmp_path, check=False)
    err = refused(proc, "eve\\n", code=2)
    assert len(err.strip().splitlines()) <= 2
    assert not (tmp_path / "learners").exists()


def test_a_version_ending_in_a_newline_is_refused(built):
    for args in (("artifacts", "build", "9.9.9\n", "--ref", "v1.0.0"), ("deploy", "9.9.9\n")):
        proc = lab(*args, cwd=built, check=False)
        refused(proc, "9.9.9\\n", code=2)
    assert not [p for p in (built / "artifacts").iterdir() if "9.9.9" in p.name]


# -- finding 5: leftovers, the head file, the control socket ---------------------------------

def crash(ws, failpoint: str, *args: str) -> None:
    proc = subprocess.run([*LAB, *args], cwd=ws, env=base_env(LAB_FAILPOINT=failpoint),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr)


def halves(ws) -> list:
    return [p for p in (ws / ".lab" / "unpacked").iterdir() if p.name.startswith(".")]


def test_leftovers_of_crashes_are_swept_when_the_supervisor_starts(built):
    crash(built, "store.packed", "artifacts", "build", "1.0.1", "--ref", "v1.0.1")
    assert list((built / "artifacts").glob(".*.tar.tmp")), "the crash left no tar behind"
    crash(built, "unpack.extracted", "deploy", "1.0.2")  # its supervisor swept the tar
    assert not list((built / "artifacts").glob(".*.tar.tmp"))
    assert halves(built), "the crash left no half-unpacked release behind"
    lab("stop", cwd=built)
    stray = built / ".lab" / ".router.json.abc123.tmp"
    stray.write_text("{")
    old = time.time() - 3600
    os.utime(stray, (old, old))
    lab("serve", cwd=built)
    assert not halves(built) and not stray.exists()
    assert "removed the leftover" in (built / ".lab" / "supervisor.log").read_text()
    lab("deploy", "1.0.2", cwd=built)
    assert served(built) == "1.0.2"


def test_a_garbled_head_file_is_reported_by_verify(built):
    lab("deploy", "1.0.0", cwd=built)
    head = built / ".lab" / "journal.jsonl.head"
    head.write_text("garbage")
    proc = lab("journal", "verify", cwd=built, check=False)
    assert proc.returncode == 1 and "journal.jsonl.head" in proc.stdout
    data = json.loads(lab("journal", "verify", "--json", cwd=built, check=False).stdout)["data"]
    assert data["intact"] is False and data["problem"] == "head"
    proc = lab("deploy", "1.0.1", cwd=built, check=False)
    refused(proc, "journal.jsonl.head", "lab journal verify")
    assert head.read_text() == "garbage" and served(built) == "1.0.0"


@pytest.mark.parametrize("payload", [b"[1, 2]\n", b'"switch"\n', b"42\n", b"null\n",
                                     b'{"op": 5}\n', b'{"op": "start", "version": ["x"]}\n',
                                     b"\xff\xfe\n"])
def test_the_control_socket_answers_a_request_that_is_not_an_object(built, payload):
    lab("serve", cwd=built)
    pid = lab_json("status", cwd=built)["supervisor"]["pid"]
    reply = control(built, payload)
    assert reply is not None and reply["ok"] is False and reply["error"]
    assert pid_alive(pid) and lab_json("status", cwd=built)["supervisor"]["pid"] == pid
    log = (built / ".lab" / "supervisor.log").read_text()
    assert "Traceback" not in log and "exception" not in log.lower()


@pytest.mark.e2e
def test_a_started_lab_with_a_journal_of_random_bytes_is_checked_not_crashed(tmp_path):
    from support import shutdown_workspace

    course = tmp_path / "course"
    course.mkdir()
    env = base_env(LAB_COURSE=str(course), LAB_LEARNER="ana")
    ws = course / "learners" / "ana" / "phase-38"
    try:
        lab("break", "38-01", cwd=course, env=env)  # a check needs the break
        journal(ws).write_bytes(os.urandom(4096))
        proc = lab("check", "38-01", cwd=ws, env=env, check=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
        assert "tampered" in proc.stdout
        (ws / ".lab" / "lab.json").write_bytes(b"\x00\x01")
        proc = lab("check", "38-01", cwd=ws, env=env, check=False)
        refused(proc, "lab.json", "line 1")
    finally:
        leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"
