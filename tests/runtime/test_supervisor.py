"""The supervisor: lifecycle, control socket, ports, crash recovery."""

from __future__ import annotations

import json
import os
import signal
import stat
from pathlib import Path

from support import base_env, http_get, lab, lab_json, pid_alive, public_url, wait_for


def listening_tcp_ports(pid: int) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket the process listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state == "0A" and inode in inodes:  # LISTEN
                addr, port = local.split(":")
                found.append((addr, int(port, 16)))
    return found


def test_serve_status_stop_lifecycle(built):
    status = lab_json("status", cwd=built)
    assert status["supervisor"]["running"] is False
    out = lab("serve", cwd=built).stdout
    assert "serving nothing yet" in out
    status = lab_json("status", cwd=built)
    assert status["supervisor"]["running"] is True
    pid = status["supervisor"]["pid"]
    code, body = http_get(public_url(built) + "/")
    assert code == 503 and "no release is serving" in body
    lab("stop", cwd=built)
    wait_for(lambda: not pid_alive(pid), what="supervisor exit")
    assert lab_json("status", cwd=built)["supervisor"]["running"] is False


def test_stop_kills_a_supervisor_that_does_not_finish_stopping_and_its_backends(built):
    lab("deploy", "1.0.0", cwd=built)
    (built / ".lab/unpacked/1.0.1/IGNORE_TERM").parent.mkdir(parents=True, exist_ok=True)
    lab("deploy", "1.0.1", cwd=built)
    (built / ".lab/unpacked/1.0.1/IGNORE_TERM").write_text("")
    lab("stop", cwd=built)  # a fresh start, so that 1.0.1 reads IGNORE_TERM as it starts
    lab("serve", cwd=built)
    status = lab_json("status", cwd=built)
    backends = [int(b["ident"]) for b in status["supervisor"]["backends"]]
    assert status["serving"] == "1.0.1" and backends
    # 1.0.1 ignores SIGTERM, so the supervisor needs its 5 s of grace to stop it: more
    # than the second `lab stop` is told to wait here.
    result = lab_json("stop", cwd=built, env=base_env(LAB_STOP_TIMEOUT="0.5"))
    assert result["was_running"] and result["killed"] and result["stopped"]
    assert result["timeout_s"] == 0.5
    wait_for(lambda: not any(pid_alive(p) for p in backends), what="backends to exit")
    assert lab_json("status", cwd=built)["supervisor"]["running"] is False


def test_control_is_a_private_unix_socket_and_the_only_tcp_port_is_public(built):
    lab("deploy", "1.0.0", cwd=built)
    sock = built / ".lab" / "control.sock"
    mode = sock.stat().st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    status = lab_json("status", cwd=built)
    ports = listening_tcp_ports(status["supervisor"]["pid"])
    assert ports == [("0100007F", status["supervisor"]["port"])]  # 127.0.0.1 only


def test_killed_supervisor_is_reported_and_serve_brings_back_the_release(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    status = lab_json("status", cwd=built)
    sup = status["supervisor"]["pid"]
    backends = [int(b["ident"]) for b in status["supervisor"]["backends"]]
    os.kill(sup, signal.SIGKILL)
    wait_for(lambda: not pid_alive(sup), what="supervisor death")
    # Its backends die with it rather than linger on their ports.
    wait_for(lambda: not any(pid_alive(p) for p in backends), what="backends to exit")
    status = lab_json("status", cwd=built)
    assert status["supervisor"] == {"running": False, "was_serving": "1.0.2"}
    human = lab("status", cwd=built).stdout
    assert "not running" in human and "1.0.2" in human
    lab("serve", cwd=built)
    code, body = http_get(public_url(built) + "/version")
    assert code == 200 and json.loads(body)["version"] == "1.0.2"
    assert lab_json("status", cwd=built)["serving"] == "1.0.2"


def test_one_supervisor_per_workspace(built):
    import subprocess
    import sys

    lab("serve", cwd=built)
    proc = subprocess.run([sys.executable, "-m", "labkit.runtime.supervisor", str(built)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "already runs" in proc.stdout
