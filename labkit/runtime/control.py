"""The supervisor's control channel: JSON lines over a unix socket in `.lab/` (mode 0600).

There is no TCP admin port. Paths longer than a socket address allows are
reached through ``/proc/self/fd`` of the `.lab/` directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from labcore.procs import pid_alive
from labkit.errors import SupervisorError
from labkit.runtime.layout import Workspace

_MAX_SUN_PATH = 100
STOP_TIMEOUT_ENV = "LAB_STOP_TIMEOUT"


@contextlib.contextmanager
def socket_address(path: Path) -> Iterator[str]:
    """A path usable with bind/connect for ``path``, however deep it lies."""
    if len(str(path)) <= _MAX_SUN_PATH:
        yield str(path)
        return
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)


class Control:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def call(self, op: str, *, timeout: float = 10.0, **args: Any) -> dict[str, Any]:
        request = json.dumps({"op": op, **args}).encode() + b"\n"
        try:
            with socket_address(self.ws.control_path) as address, \
                    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(address)
                sock.sendall(request)
                chunks = []
                while not chunks or not chunks[-1].endswith(b"\n"):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
        except (FileNotFoundError, ConnectionRefusedError):
            raise SupervisorError(
                f"the supervisor of {self.ws.root} is not running",
                hint="start it with: lab serve",
            ) from None
        except TimeoutError:
            raise SupervisorError(
                f"the supervisor did not answer '{op}' within {timeout:g} s"
            ) from None
        except OSError as err:
            raise SupervisorError(f"cannot reach the supervisor: {err.strerror or err}") from None
        raw = b"".join(chunks)
        if not raw:
            raise SupervisorError(f"the supervisor closed the connection during '{op}'")
        try:
            reply = json.loads(raw)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            raise SupervisorError(f"the supervisor's answer to '{op}' is not a JSON object")
        if not reply.get("ok"):
            raise SupervisorError(reply.get("error") or f"the supervisor refused '{op}'")
        return reply

    def alive(self) -> bool:
        try:
            self.call("ping", timeout=2.0)
            return True
        except SupervisorError:
            return False


def ensure_running(ws: Workspace, *, timeout: float = 20.0) -> Control:
    """Return a control client, starting the workspace's supervisor if needed."""
    control = Control(ws)
    if control.alive():
        return control
    ws.state.mkdir(parents=True, exist_ok=True)
    from labkit.runtime import routerstate

    _, repaired = routerstate.repair(ws)  # derived state: rebuilt before it is read
    if repaired:
        from labkit.console import warn

        warn(repaired)
    with open(ws.supervisor_log, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "labkit.runtime.supervisor", str(ws.root)],
            cwd=ws.root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, close_fds=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if control.alive():
            return control
        if proc.poll() is not None and not control.alive():
            # Another supervisor may have won the race; it is fine if it answers.
            if control.alive():
                return control
            raise SupervisorError(
                f"the supervisor exited at start (code {proc.returncode})",
                hint=_tail(ws.supervisor_log),
            )
        time.sleep(0.02)
    raise SupervisorError(f"the supervisor did not come up within {timeout:g} s",
                          hint=_tail(ws.supervisor_log))


def stop_supervisor(ws: Workspace) -> dict[str, Any]:
    """Stop the workspace's supervisor and everything it runs.

    It gets stop_timeout() seconds to stop its backends; one still running then is
    killed (its process backends die with it). Either way the backend's leftovers
    (containers) are removed after.
    """
    from labkit.runtime.backends import get_backend

    control = Control(ws)
    if not control.alive():  # containers a crashed supervisor left
        return {"stopped": False, "was_running": False, "pid": None, "killed": False,
                "removed": get_backend(ws).sweep()}
    pid = control.call("status")["pid"]
    control.call("shutdown")
    timeout = stop_timeout()
    killed = not _wait_exit(pid, timeout)
    if killed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_exit(pid, 5)
    return {"stopped": not pid_alive(pid), "was_running": True, "pid": pid, "killed": killed,
            "timeout_s": timeout, "removed": get_backend(ws).sweep()}


def stop_timeout() -> float:
    """Seconds a supervisor gets to stop its backends: $LAB_STOP_TIMEOUT, else 30."""
    try:
        return max(0.1, float(os.environ.get(STOP_TIMEOUT_ENV, "30")))
    except ValueError:
        return 30.0


def _wait_exit(pid: int, timeout: float) -> bool:
    """Whether ``pid`` exited within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def _tail(path: Path, lines: int = 15) -> str | None:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) or None
    except OSError:
        return None
