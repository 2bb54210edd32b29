"""The prober: while probing is on, the supervisor checks the contract a few
times a second through its own router and journals windows of pass/fail counts,
the impact users would have seen.

Probing is switched on and off through `.lab/probe.json` (:func:`set_probing`),
which the runtime owns; whoever knows that users are at risk (a lab's break)
turns it on, so the runtime knows nothing of labs."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from labcore import events
from labcore.errors import LabError
from labkit.runtime import aiotasks
from labkit.runtime.fsutil import atomic_write_json, read_json

INTERVAL = float(os.environ.get("LAB_PROBE_INTERVAL", "0.25"))
WINDOW = float(os.environ.get("LAB_PROBE_WINDOW", "2.0"))


def probe_flag(ws_state: Path) -> Path:
    return ws_state / "probe.json"


def set_probing(ws_state: Path, active: bool) -> None:
    """Turn the supervisor's probing of the serving release on or off."""
    atomic_write_json(probe_flag(ws_state), {"schema_version": 1, "active": bool(active)})


class Prober:
    def __init__(self, supervisor: Any) -> None:
        self.sup = supervisor
        self.task: asyncio.Task | None = None
        self.contract = None
        self.totals = {"pass": 0, "fail": 0, "windows": 0}
        self.active = False
        self._window: dict[str, Any] | None = None

    # -- what the supervisor calls -------------------------------------------
    def status(self) -> dict[str, Any]:
        return {"probe": {"active": self.active, "interval_s": INTERVAL, "window_s": WINDOW,
                          **self.totals}}

    async def on_switch(self, version: str) -> None:
        await self._flush()  # a window never mixes two releases

    def begin(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._loop())

    async def end(self) -> None:
        await aiotasks.cancel(self.task)
        await self._flush()

    # -- probing -------------------------------------------------------------
    def _wanted(self) -> bool:
        try:
            flag = read_json(probe_flag(self.sup.ws.state), None)
        except (ValueError, OSError, LabError):  # a damaged flag probes nothing
            return False
        return isinstance(flag, dict) and bool(flag.get("active"))

    async def _loop(self) -> None:
        from labkit.runtime.contract import check, load_contract

        while True:
            started = time.monotonic()
            active = self._wanted() and self.sup.router.active is not None
            if active != self.active:
                await self._flush()
                self.active = active
            if active:
                if self.contract is None:
                    try:
                        self.contract = load_contract(self.sup.ws)
                    except Exception:  # no usable contract: nothing to probe against
                        self.active = False
                        await asyncio.sleep(WINDOW)
                        continue
                version = self.sup.router.active.version
                findings = await asyncio.to_thread(check, self.sup.router.port, self.contract)
                await self._record(version, not findings, [f.code for f in findings])
            await asyncio.sleep(max(0.0, INTERVAL - (time.monotonic() - started)))

    async def _record(self, version: str, passed: bool, codes: list[str]) -> None:
        now = time.monotonic_ns()
        window = self._window
        if window is not None and (window["version"] != version
                                   or now - window["start_mono_ns"] >= WINDOW * 1e9):
            await self._flush()
            window = None
        if window is None:
            window = self._window = {"version": version, "pass": 0, "fail": 0,
                                     "start_mono_ns": now, "start_wall": time.time(),
                                     "first_pass_mono_ns": None, "first_fail_mono_ns": None,
                                     "findings": []}
        key = "pass" if passed else "fail"
        window[key] += 1
        self.totals[key] += 1
        first = f"first_{key}_mono_ns"
        if window[first] is None:
            window[first] = now
        for code in codes:
            if code not in window["findings"]:
                window["findings"].append(code)
        window["end_mono_ns"] = now

    async def _flush(self) -> None:
        window, self._window = self._window, None
        if window and (window["pass"] or window["fail"]):
            self.totals["windows"] += 1
            await self.sup.record(events.PROBE_WINDOW, window)
