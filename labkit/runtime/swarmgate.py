"""A workspace's upgrade gate gives its verdict; the kit journals it beside what
was true at that moment (the version users got, the version the service's spec
names, the update's state), so a gate that passed while another release served
is evidence, not a matter of opinion."""

from __future__ import annotations

from typing import Any

from labcore import events
from labkit.errors import UsageError
from labkit.runtime import swarm
from labkit.runtime.control import Control
from labkit.runtime.layout import Workspace, check_version

VERDICTS = ("pass", "fail")


def record(ws: Workspace, version: str, verdict: str) -> dict[str, Any]:
    check_version(version)
    if verdict not in VERDICTS:
        raise UsageError(f"a gate's verdict is pass or fail, not {verdict!r}")
    control = Control(ws)
    serving = control.call("status").get("active") if control.alive() else None
    info = swarm.status(ws) or {}
    entry = {
        "version": version, "verdict": verdict, "serving": serving,
        "spec_version": info.get("version"),
        "update_state": (info.get("update") or {}).get("state"),
        "tasks": [t["version"] for t in info.get("tasks") or []],
    }
    # Was the verdict right? A pass is true when the service converged on ``version``
    # and users get it; a fail, when it did not. Unknown without a service.
    done = bool(info) and serving == version and swarm.converged(info, version)
    entry["true"] = ((verdict == "pass") == done) if info else None
    ws.journal.append(events.UPGRADE_GATE, entry)
    return entry
