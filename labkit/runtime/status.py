"""What a workspace is doing right now, as data."""

from __future__ import annotations

from typing import Any

from labkit.errors import SupervisorError
from labkit.runtime import routerstate
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.backends import workspace_kind
from labkit.runtime.control import Control
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace


def runtime_status(ws: Workspace) -> dict[str, Any]:
    history = History(ws.history_path)
    store = ArtifactStore(ws)
    present = store.versions()
    saved, damaged = routerstate.peek(ws)
    out: dict[str, Any] = {
        "workspace": str(ws.root),
        "app": ws.spec.app,
        "supervisor": {"running": False},
        "serving": None,
        "warm": None,
        "previous": history.previous(),
        "artifacts": present,
        "backend": workspace_kind(ws),
    }
    try:
        live = Control(ws).call("status", timeout=3.0)
    except SupervisorError:
        live = None
    if live is None:
        out["supervisor"] = {"running": False, "was_serving": saved.get("active")}
        out["serving"] = None
    else:
        out["supervisor"] = {"running": True, "pid": live["pid"], "port": live["port"],
                             "url": live["url"], "uptime_s": live["uptime_s"],
                             "backend": live["backend"], "backends": live["backends"],
                             "last_switch_ns": live.get("last_switch_ns"),
                             "watching": live.get("health")}
        out["serving"] = live["active"]
        out["warm"] = live["warm"]
        for key in ("probe",):
            if key in live:
                out[key] = live[key]
    if damaged is not None:
        out["state_problems"] = [str(damaged)]
        if not out["supervisor"]["running"]:
            out["supervisor"]["was_serving"] = history.serving()
    out["rollback_available"] = out["previous"] in present if out["previous"] else False
    if out["backend"] == "swarm":
        out["swarm"] = _swarm(ws)
    return out


def _swarm(ws: Workspace) -> dict[str, Any]:
    """What the swarm says of the service: its spec's image, the running tasks' images
    and health, and the UpdateStatus (or why the daemon could not tell)."""
    from labkit.runtime import swarm

    try:
        info = swarm.status(ws)
    except Exception as err:  # noqa: BLE001 - the daemon's trouble is shown, not raised
        return {"service": swarm.service_name(ws), "error": str(err).strip()}
    return info or {"service": None}
