"""Concurrent release commands on one workspace serialize on a lock."""

from __future__ import annotations

import fcntl
import os
import subprocess

from support import LAB, base_env, lab, lab_json


def hold_lock(ws):
    (ws / ".lab").mkdir(exist_ok=True)
    fd = os.open(ws / ".lab" / "release.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def test_a_waiter_that_times_out_says_so(built):
    fd = hold_lock(built)
    try:
        proc = lab("deploy", "1.0.1", cwd=built, check=False,
                   env=base_env(LAB_LOCK_TIMEOUT="0.3"))
    finally:
        os.close(fd)
    assert proc.returncode == 4
    assert "gave up after 0.3 s waiting for another deploy, rollback or prune to finish" in proc.stderr
    assert f"held by process {os.getpid()}" in proc.stderr


def test_concurrent_deploy_and_prune_serialize(built):
    lab("deploy", "1.0.0", cwd=built)
    fd = hold_lock(built)
    procs = [
        subprocess.Popen([*LAB, "deploy", "1.0.2"], cwd=built, env=base_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([*LAB, "artifacts", "prune", "--keep", "1"], cwd=built, env=base_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([*LAB, "deploy", "1.0.1"], cwd=built, env=base_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    ]
    os.close(fd)  # let them go, one at a time
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in results:
        # A deploy may find its artifact pruned by the prune that went first: refused cleanly.
        assert code == 0 or "no artifact for" in err, (code, out, err)
    status = lab_json("status", cwd=built)
    listing = lab_json("artifacts", "list", cwd=built)
    assert status["serving"] in {a["version"] for a in listing["artifacts"]}
    assert all(a["verified"] for a in listing["artifacts"])
