"""The prober: while a break is active, the supervisor checks the contract a few
times a second through its own router and journals windows of pass/fail counts,
the impact users would have seen."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from typing import Any

from labkit.runtime.fsutil import read_json

INTERVAL = float(os.environ.get("LAB_PROBE_INTERVAL", "0.25"))
WINDOW = float(os.environ.get("LAB_PROBE_WINDOW", "2.0"))


class Prober:
    name = "probe"

    def __init__(self, supervisor: Any) -> None:
        self.sup = supervisor
        self.task: asyncio.Task | None = None
        self.contract = None
        self.totals = {"pass": 0, "fail": 0, "windows": 0}
        self.active = False
        self._window: dict[str, Any] | None = None

    # -- the extension interface ---------------------------------------------
    def status(self) -> dict[str, Any]:
        return {"probe": {"active": self.active, "interval_s": INTERVAL, "window_s": WINDOW,
                          **self.totals}}

    def on_switch(self, version: str) -> None:
        self._flush()  # a window never mixes two releases

    def begin(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._loop())

    async def end(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self._flush()

    async def handle(self, req: dict) -> dict:
        return self.status()

    # -- probing -------------------------------------------------------------
    def _break_active(self) -> bool:
        from labkit.errors import DataError

        try:
            info = read_json(self.sup.ws.state / "break.json", None) or {}
        except DataError:  # a damaged break.json: the CLI names it; probing just waits
            return False
        if not isinstance(info, dict):
            return False
        return info.get("stage") in ("injected", "released") and not info.get("resolved_at")

    async def _loop(self) -> None:
        from labkit.runtime.contract import check, load_contract

        while True:
            started = time.monotonic()
            active = self._break_active() and self.sup.router.active is not None
            if active != self.active:
                self._flush()
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
                self._record(version, not findings, [f.code for f in findings])
            await asyncio.sleep(max(0.0, INTERVAL - (time.monotonic() - started)))

    def _record(self, version: str, passed: bool, codes: list[str]) -> None:
        now = time.monotonic_ns()
        window = self._window
        if window is not None and (window["version"] != version
                                   or now - window["start_mono_ns"] >= WINDOW * 1e9):
            self._flush()
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

    def _flush(self) -> None:
        window, self._window = self._window, None
        if window and (window["pass"] or window["fail"]):
            self.totals["windows"] += 1
            self.sup.ws.journal.append("probe.window", window)
