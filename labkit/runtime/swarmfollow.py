"""The supervisor's half of the swarm backend: it follows the workspace's service.

A few times a second it reads the service from the daemon (off the event loop)
and then:

- points the router at the newest task that passed its health check, as the
  swarm's routing mesh sends traffic only to healthy tasks: while an update runs
  start-first, the old task keeps answering until the new one is healthy;
- journals what the swarm did: every change of the service's UpdateStatus
  (``swarm.update``: updating, completed, rollback_started, rollback_completed,
  paused...) with the version its spec names, and ``release.deployed`` when the
  version answering users changes, as on the other backends.
"""

from __future__ import annotations

import asyncio
from typing import Any

from labcore import events
from labkit.runtime import aiotasks, swarm
from labkit.runtime.router import Target

INTERVAL = 0.25  # seconds between two reads of the service


class Follower:
    def __init__(self, supervisor: Any) -> None:
        self.sup = supervisor
        self.task: asyncio.Task | None = None
        self.info: dict[str, Any] | None = None
        self.error: str | None = None
        self.update_seen: tuple | None = None
        self.serving: str | None = None  # the version users get, as last journaled

    def status(self) -> dict[str, Any]:
        return {"swarm": self.info, "swarm_error": self.error}

    async def adopt(self, active: str | None) -> None:
        """Follow the workspace's service, made again from ``active`` (the version last
        served) when `lab stop` removed it."""
        sup = self.sup
        try:
            if active and await asyncio.to_thread(swarm.find, sup.ws) is None:
                await asyncio.to_thread(sup.backend.prepare, active)
                await asyncio.to_thread(swarm.join)
                await asyncio.to_thread(swarm.create, sup.ws, sup.backend.tag(active))
                sup.log(f"made the swarm service again, running {active}")
                await sup.record(events.SUPERVISOR_RESTORED, {"version": active})
        except Exception as err:  # noqa: BLE001 - keep running: status says what the swarm says
            sup.log(f"could not make the swarm service again for {active}: {err}")
        self.serving = active
        self.task = asyncio.get_running_loop().create_task(self._loop())

    async def end(self) -> None:
        await aiotasks.cancel(self.task)

    async def _loop(self) -> None:
        while True:
            try:
                info = await asyncio.to_thread(swarm.status, self.sup.ws)
            except Exception as err:  # noqa: BLE001 - a daemon hiccup: say it, keep following
                if str(err) != self.error:
                    self.sup.log(f"cannot read the swarm service: {err}")
                self.error = str(err)
            else:
                self.error = None
                self.info = info
                if info is not None:
                    await self.follow(info)
            await asyncio.sleep(INTERVAL)

    async def follow(self, info: dict[str, Any]) -> None:
        update = info["update"]
        seen = (update["state"], update["started_at"])
        if update["state"] and seen != self.update_seen:
            self.update_seen = seen
            await self.sup.record(events.SWARM_UPDATE, {
                "state": update["state"], "version": info["version"],
                "previous_version": info["previous_version"], "message": update["message"],
                "tasks": [t["version"] for t in info["tasks"]]})
            self.sup.log(f"swarm update {update['state']} (spec {info['version']})")
        healthy = [t for t in info["tasks"] if t["health"] == "healthy"]
        if not healthy:
            return
        task = healthy[0]
        active = self.sup.router.active
        if active is not None and active.socket_path == task["socket"]:
            return
        old, switch_ns = self.sup.router.switch(Target(task["version"], 0,
                                                       socket_path=task["socket"]))
        self.sup.last_switch_ns = switch_ns
        if task["version"] != self.serving:
            previous, self.serving = self.serving, task["version"]
            self.sup.warm = previous
            await asyncio.to_thread(self.sup.history.append, "deployed", task["version"],
                                    previous=previous, mode="swarm")
            await self.sup.record(events.RELEASE_DEPLOYED, {
                "version": task["version"], "previous": previous, "switch_ns": switch_ns,
                "mode": "swarm", "task": task["id"]})
            self.sup.log(f"now serving {task['version']} (task {task['id'][:12]})")
            await self.sup.prober.on_switch(task["version"])
        self.sup.save()
