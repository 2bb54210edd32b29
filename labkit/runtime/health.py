"""Watching what serves: every backend the supervisor runs is probed on its
health path on an interval; one whose process is gone, or that fails
``LAB_HEALTH_FAILURES`` probes in a row, is started again from the same
unpacked artifact, with exponential backoff, and the router pointed at it.

A backend is one :class:`Served`: the running handle, the router's target and
the digest of the artifact it was started from, so a release is known by what
it runs and not only by its version. ``LAB_HEALTH_INTERVAL=0`` turns the
watching off (a deploy or ``lab serve`` still checks the serving backend)."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from typing import Any

from labcore import events
from labkit.runtime import aiotasks
from labkit.runtime.backends.base import Running
from labkit.runtime.router import Target

INTERVAL = float(os.environ.get("LAB_HEALTH_INTERVAL", "0.5"))
FAILURES = max(1, int(os.environ.get("LAB_HEALTH_FAILURES", "3")))
PROBE_TIMEOUT = float(os.environ.get("LAB_HEALTH_PROBE_TIMEOUT", "1.0"))
BACKOFF_BASE = 0.5
BACKOFF_MAX = float(os.environ.get("LAB_RESTART_BACKOFF_MAX", "8"))
STABLE = float(os.environ.get("LAB_HEALTH_STABLE", "3"))  # up this long: not a crash loop


def backoff(streak: int) -> float:
    """Seconds to wait before a restart after ``streak`` restarts that did not hold."""
    if streak <= 0:
        return 0.0
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (streak - 1))


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


async def wait_healthy(running: Running, path: str, timeout: float) -> None:
    """Return once a just started backend answers 200 on ``path``; RuntimeError (and
    the backend stopped) when it exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if not running.alive():
            tail = running.log_tail()
            await running.stop()
            raise RuntimeError(
                f"release {running.version} exited before it was healthy:\n{tail}".rstrip()
            )
        try:
            status, _ = await http_get(running.port, path, timeout=1.0)
            if status == 200:
                return
        except (OSError, asyncio.TimeoutError, ValueError, IndexError):
            pass
        if time.monotonic() > deadline:
            await running.stop()
            raise RuntimeError(
                f"release {running.version} did not pass its health check ({path}) "
                f"within {timeout:g} s"
            )
        await asyncio.sleep(0.03)


@dataclass(eq=False)
class Served:
    version: str
    running: Running
    target: Target
    digest: str | None
    started: float = field(default_factory=time.monotonic)
    failures: int = 0  # failed probes in a row
    restarts: int = 0  # how often this release's backend was brought back
    streak: int = 0  # restarts in a row that did not stay up
    reason: str | None = None  # why it is down, while it is
    attempts: int = 0  # restarts tried in this outage that did not come up

    def health(self) -> str:
        if not self.running.alive():
            return "down"
        if self.failures >= FAILURES:
            return "unhealthy"
        return "failing" if self.failures else "healthy"

    def status(self, role: str | None) -> dict[str, Any]:
        health = self.health()
        reason = self.reason or ("its process exited" if health == "down" else None)
        return {"version": self.version, "port": self.target.port, "ident": self.running.ident,
                "alive": self.running.alive(), "health": health, "reason": reason,
                "failures": self.failures, "restarts": self.restarts,
                "failed_attempts": self.attempts,
                "digest": (self.digest or "")[:12] or None, "role": role,
                "connections": self.target.connections}


class Watcher:
    def __init__(self, supervisor: Any) -> None:
        self.sup = supervisor
        self.task: asyncio.Task | None = None
        self.restarting: dict[Served, asyncio.Task] = {}

    def status(self) -> dict[str, Any]:
        return {"health": {"watching": INTERVAL > 0, "interval_s": INTERVAL,
                           "failures": FAILURES, "backoff_max_s": BACKOFF_MAX}}

    def begin(self) -> None:
        if INTERVAL > 0:
            self.task = asyncio.get_running_loop().create_task(self._loop())

    async def end(self) -> None:
        await aiotasks.cancel(self.task, *self.restarting.values())

    async def _loop(self) -> None:
        while True:
            started = time.monotonic()
            for served in list(self.sup.backends.values()):
                if served in self.restarting:
                    continue
                reason = await self.check(served)
                if reason is not None:
                    self.restart(served, reason)
            await asyncio.sleep(max(0.0, INTERVAL - (time.monotonic() - started)))

    async def check(self, served: Served, *, patience: int = FAILURES) -> str | None:
        """Why ``served`` needs a restart (None while it is fine): its process is gone, or
        ``patience`` probes in a row failed."""
        if not served.running.alive():
            return "its process exited"
        try:
            code, _ = await http_get(served.target.port, self.sup.ws.spec.health, PROBE_TIMEOUT)
            problem = None if code == 200 else f"its health check answered HTTP {code}"
        except (OSError, asyncio.TimeoutError, ValueError, IndexError):
            problem = f"its health check did not answer within {PROBE_TIMEOUT:g} s"
        if problem is None:
            served.failures = 0
            return None
        served.failures += 1
        if served.failures >= patience:
            return f"{served.failures} health checks in a row failed: {problem}"
        return None

    def restart(self, served: Served, reason: str, *, now: bool = False) -> asyncio.Task:
        """The one restart of ``served`` under way (started here if there is none)."""
        task = self.restarting.get(served)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._restart(served, reason, now))
            self.restarting[served] = task
            task.add_done_callback(lambda _: self.restarting.pop(served, None))
        return task

    async def _restart(self, served: Served, reason: str, now: bool) -> Served | None:
        sup = self.sup
        down_at = time.monotonic()
        served.reason = reason
        served.streak = served.streak + 1 if down_at - served.started < STABLE else 0
        serving = sup.router.active is served.target
        sup.log(f"backend {served.version} is down ({reason}); restarting it")
        noted = asyncio.get_running_loop().create_task(sup.record(events.BACKEND_DOWN, {
            "version": served.version, "reason": reason, "serving": serving,
            "digest": served.digest, "ident": served.running.ident,
            "down_mono_ns": time.monotonic_ns(),
        }))
        attempts = 0
        fresh = None
        try:
            while fresh is None:
                delay = 0.0 if now and attempts == 0 else backoff(served.streak)
                if delay:
                    await asyncio.sleep(delay)
                async with sup.op_lock:
                    if sup.backends.get(served.version) is not served:
                        return None  # a deploy replaced or retired it meanwhile
                    attempts += 1
                    try:
                        fresh = await sup.replace(served)
                    except (RuntimeError, OSError) as err:
                        served.streak += 1
                        served.attempts = attempts
                        sup.log(f"restart {attempts} of {served.version} failed: {err}")
        finally:
            await noted
        seconds = round(time.monotonic() - down_at, 3)
        await sup.record(events.BACKEND_RESTARTED, {
            "version": served.version, "reason": reason, "serving": serving,
            "seconds": seconds, "attempts": attempts, "digest": fresh.digest,
            "ident": fresh.running.ident, "up_mono_ns": time.monotonic_ns(),
        })
        sup.log(f"backend {served.version} restarted in {seconds} s (pid {fresh.running.ident})")
        return fresh
