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
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from labcore import events
from labcore.errors import LabError
from labcore.locks import try_lock
from labcore.names import is_version
from labkit.runtime import controlserver, routerstate, sweep
from labkit.runtime.backends import get_backend
from labkit.runtime.control import socket_address
from labkit.runtime.fsutil import atomic_write_json
from labkit.runtime.health import FAILURES, Served, Watcher, wait_healthy
from labkit.runtime.history import History
from labkit.runtime.hostenv import free_port, log, raise_file_limit
from labkit.runtime.layout import Workspace
from labkit.runtime.prober import Prober
from labkit.runtime.router import Router, Target

HEALTH_TIMEOUT = float(os.environ.get("LAB_HEALTH_TIMEOUT", "30"))
DRAIN_TIMEOUT = float(os.environ.get("LAB_DRAIN_TIMEOUT", "10"))
ROUTER_IDLE_TIMEOUT = float(os.environ.get("LAB_ROUTER_IDLE_TIMEOUT", "15"))
ROUTER_MAX_CONNECTIONS = int(os.environ.get("LAB_ROUTER_MAX_CONNECTIONS", "1024"))
REVIVE_TIMEOUT = float(os.environ.get("LAB_REVIVE_TIMEOUT", "60"))


class Supervisor:
    log = staticmethod(log)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.backend = get_backend(ws)
        self.router = Router(idle_timeout=ROUTER_IDLE_TIMEOUT,
                             max_connections=ROUTER_MAX_CONNECTIONS)
        self.backends: dict[str, Served] = {}
        self.retiring: list[Served] = []  # replaced while serving; stopped after the switch
        self.warm: str | None = None
        self.started = time.time()
        self.stopping = asyncio.Event()
        self.ready = asyncio.Event()  # control answers only once the restore is done
        self.history = History(ws.history_path)
        self.last_switch_ns: int | None = None
        self.op_lock = asyncio.Lock()
        self.prober = Prober(self)
        self.watcher = Watcher(self)
        self.follower = None  # on the swarm backend, what follows the service
        if self.backend.adopts:
            from labkit.runtime.swarmfollow import Follower

            self.follower = Follower(self)

    # -- state ----------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        try:
            state, repaired = routerstate.repair(self.ws)
        except (LabError, OSError) as err:
            log(f"cannot read the saved state: {err}")
            return {}
        if repaired:
            log(repaired)
        return state

    async def record(self, event: str, data: dict[str, Any]) -> bool:
        """Journal ``event`` off the event loop (an append locks, writes and fsyncs); a
        journal that cannot take it is logged, never fatal."""
        try:
            await asyncio.to_thread(self.ws.journal.append, event, data)
            return True
        except (LabError, OSError) as err:
            log(f"could not journal {event}: {err}")
            return False

    def save(self) -> None:
        active = self.router.active.version if self.router.active else None
        atomic_write_json(self.ws.router_path, {
            "schema_version": 1,
            "port": self.router.port,
            "active": active,
            "warm": self.warm,
            "supervisor_pid": os.getpid(),
            "backends": {v: s.running.ident for v, s in self.backends.items()},
            "digests": {v: s.digest for v, s in self.backends.items()},
        })

    def serving(self) -> Served | None:
        """The backend the router points at (a replaced one until the switch)."""
        for served in [*self.backends.values(), *self.retiring]:
            if served.target is self.router.active:
                return served
        return None

    # -- backends ---------------------------------------------------------------
    async def spawn(self, version: str) -> Served:
        """Start the prepared release ``version`` on a fresh port and wait for its health."""
        if not self.backend.prepared(version):
            raise RuntimeError(f"release {version} is not prepared (its artifact is not unpacked)")
        digest = self.backend.digest(version)
        port = free_port()
        running = await self.backend.start(version, port)
        try:
            await wait_healthy(running, self.ws.spec.health, HEALTH_TIMEOUT)
        except asyncio.CancelledError:  # shutting down mid-start: leave nothing behind
            await running.stop(timeout=2.0)
            raise
        log(f"backend {version} healthy on port {port} (pid {running.ident}, "
            f"digest {(digest or '?')[:12]})")
        return Served(version, running, Target(version, port), digest)

    async def start_backend(self, version: str) -> Target:
        """The target of a live, healthy backend of ``version`` started from the artifact
        prepared now; a dead one, or one started from another digest, is replaced."""
        current = self.backends.get(version)
        if (current is not None and current.running.alive() and current.failures < FAILURES
                and current.digest == self.backend.digest(version)):
            return current.target
        fresh = await self.spawn(version)
        if current is not None:
            self.retire(current)
        self.backends[version] = fresh
        return fresh.target

    async def replace(self, served: Served) -> Served:
        """Bring ``served`` back from the same artifact (under the op lock); the router
        follows when it was serving."""
        with contextlib.suppress(Exception):
            await served.running.stop(timeout=2.0)
        if not self.backend.prepared(served.version):
            await asyncio.to_thread(self.backend.prepare, served.version)
        fresh = await self.spawn(served.version)
        fresh.restarts, fresh.streak = served.restarts + 1, served.streak
        self.backends[served.version] = fresh
        if self.router.active is served.target:
            self.router.switch(fresh.target)
        self.save()
        return fresh

    def retire(self, served: Served) -> None:
        if self.router.active is served.target:
            self.retiring.append(served)
        else:
            asyncio.get_running_loop().create_task(self.stop_served(served, drain=True))

    async def stop_served(self, served: Served, *, drain: bool) -> None:
        if drain and served.running.alive():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(served.target.idle.wait(), DRAIN_TIMEOUT)
        if self.backends.get(served.version) is served:
            del self.backends[served.version]
        await served.running.stop()
        log(f"backend {served.version} (pid {served.running.ident}) stopped")

    async def stop_backend(self, version: str, *, drain: bool) -> None:
        served = self.backends.get(version)
        if served is not None:
            await self.stop_served(served, drain=drain)

    async def retire_others(self) -> None:
        """Drain and stop every backend that is neither serving nor the warm previous."""
        keep = {self.router.active.version if self.router.active else None, self.warm}
        for version in [v for v in self.backends if v not in keep]:
            await self.stop_backend(version, drain=True)
        for served in [s for s in self.retiring if s.target is not self.router.active]:
            self.retiring.remove(served)
            await self.stop_served(served, drain=True)
        self.save()

    # -- control operations -------------------------------------------------------
    async def op_ping(self, req: dict) -> dict:
        return {"pid": os.getpid()}

    async def op_status(self, req: dict) -> dict:
        active = self.router.active

        def role(served: Served) -> str | None:
            if served.target is active:
                return "serving"
            if served in self.retiring:
                return "retiring"
            return "warm" if served.version == self.warm else None

        serving = self.serving()
        return {
            "pid": os.getpid(),
            "port": self.router.port,
            "url": f"http://127.0.0.1:{self.router.port}/",
            "active": active.version if active else None,
            "active_health": serving.health() if serving else None,
            "warm": self.warm,
            "uptime_s": round(time.time() - self.started, 3),
            "last_switch_ns": self.last_switch_ns,
            "backend": self.backend.kind,
            "backends": [s.status(role(s)) for s in [*self.backends.values(), *self.retiring]],
            **self.prober.status(),
            **self.watcher.status(),
            **(self.follower.status() if self.follower else {}),
        }

    async def op_start(self, req: dict) -> dict:
        self._not_followed()
        async with self.op_lock:
            target = await self.start_backend(_version(req))
            return {"port": target.port}

    async def op_revive(self, req: dict) -> dict:
        """Check the serving backend of ``version`` now; restart it when it is down.

        ``state``: healthy, restarted, or differs (it runs another digest than
        ``digest``), other (``version`` is not what serves)."""
        served = self.serving()
        if served is None or served.version != req["version"]:
            return {"state": "other"}
        if req.get("digest") and served.digest != req["digest"]:
            return {"state": "differs"}
        reason = None
        if served not in self.watcher.restarting:
            reason = await self.watcher.check(served, patience=1)
            if reason is None:
                return {"state": "healthy", "ident": served.running.ident}
        task = self.watcher.restart(served, reason or "", now=True)
        try:
            fresh = await asyncio.wait_for(asyncio.shield(task), REVIVE_TIMEOUT)
        except asyncio.TimeoutError:
            raise RuntimeError(f"release {served.version} is down ({served.reason}) and did not "
                               f"come back within {REVIVE_TIMEOUT:g} s") from None
        if fresh is None:
            return {"state": "other"}
        return {"state": "restarted", "ident": fresh.running.ident, "reason": served.reason}

    async def op_switch(self, req: dict) -> dict:
        version = _version(req)
        self._not_followed()
        async with self.op_lock:
            self.ws.journal.check_tail()  # never switch what the journal cannot record
            target = await self.start_backend(version)
            old, switch_ns = self.router.switch(target)
            self.last_switch_ns = switch_ns
            previous = old.version if old else None
            if previous != version:
                self.warm = previous
            self.save()
            record = dict(req.get("record") or {})
            await asyncio.to_thread(self.history.append, "deployed", version,
                                    previous=previous, **record)
            await self.record(events.RELEASE_DEPLOYED, {
                "version": version, "previous": previous, "switch_ns": switch_ns,
                "digest": self.backends[version].digest, **record,
            })
            log(f"now serving {version} (previous {previous}, switch {switch_ns} ns)")
            await self.prober.on_switch(version)
        asyncio.get_running_loop().create_task(self.retire_others())
        return {"previous": previous, "switch_ns": switch_ns, "port": self.router.port}

    def _not_followed(self) -> None:
        if self.follower is not None:
            raise RuntimeError("this workspace's releases run as a swarm service: the swarm "
                               "switches them, and the supervisor follows")

    async def op_stop_backend(self, req: dict) -> dict:
        version = _version(req)
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
        await controlserver.answer(self, self.ready, reader, writer)

    # -- lifecycle --------------------------------------------------------------
    async def restore(self) -> None:
        active = self.state().get("active")
        if self.follower is not None:
            await self.follower.adopt(active)
            return
        if not active:
            return
        try:
            if not self.backend.prepared(active):
                await asyncio.to_thread(self.backend.prepare, active)
            target = await self.start_backend(active)
            self.router.switch(target)
            log(f"restored {active} as the serving release")
            await self.record(events.SUPERVISOR_RESTORED, {"version": active})
        except Exception as err:  # keep running: status reports nothing serving
            log(f"could not restore {active}: {err}")

    async def main(self) -> int:
        self.ws.state.mkdir(parents=True, exist_ok=True)
        lock_fd = try_lock(self.ws.state / "supervisor.lock")
        if lock_fd is None:
            log("another supervisor already runs for this workspace")
            return 1
        try:
            swept = sweep.sweep(self.ws)
        except OSError as err:
            swept = []
            log(f"could not sweep leftovers: {err}")
        for path in swept:
            log(f"removed the leftover {path.relative_to(self.ws.root)}")
        raise_file_limit()
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
        if not self.backend.adopts:
            for ident in await asyncio.to_thread(self.backend.sweep):
                log(f"removed {ident}, left running by an earlier supervisor")
        await self.restore()
        self.save()
        (self.ws.state / "supervisor.pid").write_text(f"{os.getpid()}\n")
        log(f"supervisor {os.getpid()} listening on http://127.0.0.1:{port}/")
        self.prober.begin()
        self.watcher.begin()
        self.ready.set()
        await self.stopping.wait()
        log("shutting down")
        if self.follower is not None:
            await self.follower.end()
        await self.watcher.end()
        await self.prober.end()
        control.close()
        await self.router.close()
        await asyncio.gather(*(self.stop_served(served, drain=False)
                               for served in [*self.backends.values(), *self.retiring]))
        # A restart that shutdown cancelled may still be starting a backend in a worker
        # thread: wait for every such thread, then remove whatever it started.
        await asyncio.get_running_loop().shutdown_default_executor()
        for ident in self.backend.sweep():
            log(f"removed {ident}, started while shutting down")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ws.control_path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ws.state / "supervisor.pid")
        os.close(lock_fd)
        return 0


def _version(req: dict) -> str:
    version = req.get("version")
    if not is_version(version):
        raise ValueError(f"{version!r} is not a release version")
    return version


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m labkit.runtime.supervisor WORKSPACE", file=sys.stderr)
        return 2
    ws = Workspace(Path(args[0]))
    return asyncio.run(Supervisor(ws).main())


if __name__ == "__main__":
    raise SystemExit(main())
