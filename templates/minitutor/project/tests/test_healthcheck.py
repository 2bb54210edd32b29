"""The container health check against a real server on a Unix socket, as a swarm
task runs it."""

import os
import select
import subprocess
import sys
import time

from minitutor import healthcheck


def serve(tmp_path, **env):
    """A real server on a socket, once it says it is serving (read with a deadline)."""
    sock = tmp_path / "task.sock"
    proc = subprocess.Popen(
        [sys.executable, "-m", "minitutor.app"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
             "SOCKET": str(sock), **env},
        cwd=tmp_path, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    said = b""
    while b"serving on" not in said:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([proc.stderr], [], [], max(left, 0))
        assert ready and proc.poll() is None, f"the server did not start: {said!r}"
        said += proc.stderr.readline()
    return proc, sock


def test_healthy_service_on_a_socket(tmp_path):
    proc, sock = serve(tmp_path)
    try:
        healthy, why = healthcheck.check({"SOCKET": str(sock)})
        assert (healthy, why) == (True, "healthy")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_no_service_is_unhealthy_with_a_reason(tmp_path):
    healthy, why = healthcheck.check({"SOCKET": str(tmp_path / "none.sock")})
    assert not healthy
    assert why.startswith("no answer from the service")
