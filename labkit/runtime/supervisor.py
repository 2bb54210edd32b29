"""The workspace supervisor: owns the public port, the backends and the pointer.

Run as ``python -m labkit.runtime.supervisor WORKSPACE`` (``lab serve`` does it).
One per workspace (an exclusive lock on `.lab/supervisor.lock`). Its state
(`.lab/router.json`) survives a restart, so a new supervisor brings back the
release that was serving. Deploy records are written here, at the moment of the
switch, so the history never disagrees with what is serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from labcore import events
from labcore.locks import try_lock
from labkit.runtime.backends import get_backend
from labkit.runtime.backends.base import Running
from labkit.runtime.control import socket_address
from labkit.runtime.fsutil import atomic_write_json, read_json
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace
from labkit.runtime.prober import Prober
from labkit.runtime.router import Router, Target

HEALTH_TIMEOUT = float(os.environ.get("LAB_HEALTH_TIMEOUT", "30"))
DRAIN_TIMEOUT = float(os.environ.get("LAB_DRAIN_TIMEOUT", "10"))


def log(message: str) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{stamp} {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def http_get(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


class Supervisor:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.backend = get_backend(ws)
        self.router = Router()
        self.running: dict[str, Running] = {}
        self.targets: dict[str, Target] = {}
        self.warm: str | None = None
        self.started = time.time()
        self.stopping = asyncio.Event()
        self.ready = asyncio.Event()  # control answers only once the restore is done
        self.history = History(ws.history_path)
        self.last_switch_ns: int | None = None
        self.op_lock = asyncio.Lock()
        self.prober = Prober(self)

    # -- state ----------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return read_json(self.ws.router_path, {}) or {}

    def save(self) -> None:
        active = self.router.active.version if self.router.active else None
        atomic_write_json(self.ws.router_path, {
            "schema_version": 1,
            "port": self.router.port,
            "active": active,
            "warm": self.warm,
            "supervisor_pid": os.getpid(),
            "backends": {v: r.ident for v, r in self.running.items()},
        })

    # -- backends ---------------------------------------------------------------
    async def start_backend(self, version: str) -> Target:
        current = self.running.get(version)
        if current is not None and current.alive():
            return self.targets[version]
        if not self.backend.prepared(version):
            raise RuntimeError(f"release {version} is not prepared (its artifact is not unpacked)")
        port = free_port()
        running = await self.backend.start(version, port)
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while True:
            if not running.alive():
                tail = running.log_tail()
                await running.stop()
                raise RuntimeError(
                    f"release {version} exited before it was healthy:\n{tail}".rstrip()
                )
            try:
                status, _ = await http_get(port, self.ws.spec.health, timeout=1.0)
                if status == 200:
                    break
            except (OSError, asyncio.TimeoutError, ValueError, IndexError):
                pass
            if time.monotonic() > deadline:
                await running.stop()
                raise RuntimeError(
                    f"release {version} did not pass its health check "
                    f"({self.ws.spec.health}) within {HEALTH_TIMEOUT:g} s"
                )
            await asyncio.sleep(0.03)
        self.running[version] = running
        self.targets[version] = Target(version, port)
        log(f"backend {version} healthy on port {port} (pid {running.ident})")
        return self.targets[version]

    async def stop_backend(self, version: str, *, drain: bool) -> None:
        target = self.targets.get(version)
        if drain and target is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(target.idle.wait(), DRAIN_TIMEOUT)
        running = self.running.pop(version, None)
        self.targets.pop(version, None)
        if running is not None:
            await running.stop()
            log(f"backend {version} stopped")

    async def retire_others(self) -> None:
        """Drain and stop every backend that is neither serving nor the warm previous."""
        keep = {self.router.active.version if self.router.active else None, self.warm}
        for version in [v for v in self.running if v not in keep]:
            await self.stop_backend(version, drain=True)
        self.save()

    # -- control operations -------------------------------------------------------
    async def op_ping(self, req: dict) -> dict:
        return {"pid": os.getpid()}

    async def op_status(self, req: dict) -> dict:
        active = self.router.active
        return {
            "pid": os.getpid(),
            "port": self.router.port,
            "url": f"http://127.0.0.1:{self.router.port}/",
            "active": active.version if active else None,
            "warm": self.warm,
            "uptime_s": round(time.time() - self.started, 3),
            "last_switch_ns": self.last_switch_ns,
            "backend": self.backend.kind,
            "backends": [
                {"version": v, "port": self.targets[v].port, "ident": r.ident,
                 "alive": r.alive(), "connections": self.targets[v].connections}
                for v, r in self.running.items()
            ],
            **self.prober.status(),
        }

    async def op_start(self, req: dict) -> dict:
        async with self.op_lock:
            target = await self.start_backend(req["version"])
            return {"port": target.port}

    async def op_switch(self, req: dict) -> dict:
        version = req["version"]
        async with self.op_lock:
            target = self.targets.get(version)
            running = self.running.get(version)
            if target is None or running is None or not running.alive():
                target = await self.start_backend(version)
            old, switch_ns = self.router.switch(target)
            self.last_switch_ns = switch_ns
            previous = old.version if old else None
            if previous != version:
                self.warm = previous
            self.save()
            record = dict(req.get("record") or {})
            self.history.append("deployed", version, previous=previous, **record)
            self.ws.journal.append(events.RELEASE_DEPLOYED, {
                "version": version, "previous": previous, "switch_ns": switch_ns, **record,
            })
            log(f"now serving {version} (previous {previous}, switch {switch_ns} ns)")
            self.prober.on_switch(version)
        asyncio.get_running_loop().create_task(self.retire_others())
        return {"previous": previous, "switch_ns": switch_ns, "port": self.router.port}

    async def op_stop_backend(self, req: dict) -> dict:
        version = req["version"]
        async with self.op_lock:
            if self.router.active and self.router.active.version == version:
                raise RuntimeError(f"release {version} is serving; it cannot be stopped")
            if self.warm == version:
                self.warm = None
            await self.stop_backend(version, drain=bool(req.get("drain", True)))
            self.save()
        return {}

    async def op_shutdown(self, req: dict) -> dict:
        self.stopping.set()
        return {}

    async def _control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            req = json.loads(line)
            await self.ready.wait()
            handler = getattr(self, f"op_{req.get('op')}", None)
            if handler is None:
                reply = {"ok": False, "error": f"unknown operation {req.get('op')!r}"}
            else:
                try:
                    reply = {"ok": True, **(await handler(req))}
                except (RuntimeError, KeyError, OSError) as err:
                    reply = {"ok": False, "error": str(err)}
            writer.write(json.dumps(reply).encode() + b"\n")
            await writer.drain()
        except (ValueError, ConnectionError):
            pass
        finally:
            writer.close()

    # -- lifecycle --------------------------------------------------------------
    async def restore(self) -> None:
        active = self.state().get("active")
        if not active:
            return
        try:
            if not self.backend.prepared(active):
                await asyncio.to_thread(self.backend.prepare, active)
            target = await self.start_backend(active)
            self.router.switch(target)
            log(f"restored {active} as the serving release")
            self.ws.journal.append(events.SUPERVISOR_RESTORED, {"version": active})
        except Exception as err:  # keep running: status reports nothing serving
            log(f"could not restore {active}: {err}")

    async def main(self) -> int:
        self.ws.state.mkdir(parents=True, exist_ok=True)
        lock_fd = try_lock(self.ws.state / "supervisor.lock")
        if lock_fd is None:
            log("another supervisor already runs for this workspace")
            return 1
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ws.control_path)
        old_umask = os.umask(0o177)
        try:
            with socket_address(self.ws.control_path) as address:
                control = await asyncio.start_unix_server(self._control, path=address)
        finally:
            os.umask(old_umask)
        os.chmod(self.ws.control_path, 0o600)
        wanted = self.state().get("port") or 0
        try:
            port = await self.router.listen(wanted)
        except OSError:
            port = await self.router.listen(0)
            log(f"port {wanted} was taken; serving on {port} instead")
        for ident in await asyncio.to_thread(self.backend.sweep):
            log(f"removed {ident}, left running by an earlier supervisor")
        await self.restore()
        self.save()
        (self.ws.state / "supervisor.pid").write_text(f"{os.getpid()}\n")
        log(f"supervisor {os.getpid()} listening on http://127.0.0.1:{port}/")
        self.prober.begin()
        self.ready.set()
        await self.stopping.wait()
        log("shutting down")
        await self.prober.end()
        control.close()
        await self.router.close()
        for version in list(self.running):
            await self.stop_backend(version, drain=False)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ws.control_path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ws.state / "supervisor.pid")
        os.close(lock_fd)
        return 0


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m labkit.runtime.supervisor WORKSPACE", file=sys.stderr)
        return 2
    ws = Workspace(Path(args[0]))
    return asyncio.run(Supervisor(ws).main())


if __name__ == "__main__":
    raise SystemExit(main())
