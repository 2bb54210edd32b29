"""The process backend: a release is an unpacked tarball run as a child process."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.backends.base import Backend, Running

if TYPE_CHECKING:
    import asyncio

_PR_SET_PDEATHSIG = 1


def release_python() -> str:
    """The base interpreter (not the kit's virtual environment) that runs releases."""
    base = Path(sys.base_prefix) / "bin"
    for name in (f"python{sys.version_info[0]}.{sys.version_info[1]}", "python3", "python"):
        if (base / name).is_file():
            return str(base / name)
    return sys.executable


# -S: no site module, so neither the kit's packages nor the system's are importable;
# the release sees its own payload (PYTHONPATH) and the standard library only.
ISOLATED = ("-S",)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    # A supervisor that dies without stopping its backends (kill -9, or `lab stop` giving
    # up on it) takes them along: SIGKILL, since nothing routes to them any more.
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class ProcessRunning(Running):
    def __init__(self, version: str, port: int, proc: asyncio.subprocess.Process, log) -> None:
        self.version = version
        self.port = port
        self.proc = proc
        self.ident = str(proc.pid)
        self.log = log

    def alive(self) -> bool:
        return self.proc.returncode is None

    async def stop(self, timeout: float = 5.0) -> None:
        import asyncio

        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()
        with contextlib.suppress(Exception):
            self.log.close()

    def log_tail(self, lines: int = 20) -> str:
        try:
            with open(self.log.name, errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except OSError:
            return ""


class ProcessBackend(Backend):
    kind = "process"

    def release_dir(self, version: str):
        return self.ws.unpacked / version

    def prepare(self, version: str) -> None:
        ArtifactStore(self.ws).unpack(version, self.release_dir(version))

    def prepared(self, version: str) -> bool:
        return (self.release_dir(version) / ".artifact-sha256").is_file()

    def digest(self, version: str) -> str | None:
        try:
            return (self.release_dir(version) / ".artifact-sha256").read_text().strip() or None
        except OSError:
            return None

    def discard(self, version: str) -> None:
        shutil.rmtree(self.release_dir(version), ignore_errors=True)

    async def start(self, version: str, port: int) -> Running:
        import asyncio

        spec = self.ws.spec
        root = self.release_dir(version)
        argv = list(spec.run)
        if argv[0] in ("python", "python3"):
            argv = [release_python(), *ISOLATED, *argv[1:]]
        env = {
            key: value
            for key, value in os.environ.items()
            if key in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER")
        }
        self.ws.data.mkdir(parents=True, exist_ok=True)
        env.update({
            "PORT": str(port),
            "LAB_VERSION": version,
            "LAB_DATA_DIR": str(self.ws.data),
            "PYTHONPATH": os.pathsep.join(str(root / p) for p in spec.pythonpath),
            "PYTHONUNBUFFERED": "1",
        })
        logs = self.ws.state / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = open(logs / f"{spec.app}-{version}.log", "ab")  # noqa: SIM115 (kept by the handle)
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=root, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=log, stderr=asyncio.subprocess.STDOUT, preexec_fn=_die_with_parent,
        )
        return ProcessRunning(version, port, proc, log)
