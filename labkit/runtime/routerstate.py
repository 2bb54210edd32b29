"""The router's saved state, `.lab/router.json`: port, serving release, backends.

It is derived state. When it cannot be read it is set aside as
`router.json.corrupt-<timestamp>` (kept for a person to look at) and rebuilt
from the release history, which says what was serving; the port is chosen anew.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from labcore.errors import DataError
from labkit.runtime.fsutil import atomic_write_json
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace
from labkit.runtime.statefile import read_object

SCHEMA_VERSION = 1
REPAIR_HINT = "`lab serve` or `lab doctor --fix` sets it aside and rebuilds it from the release history"


def read(ws: Workspace) -> dict[str, Any]:
    """The saved state ({} when there is none); a DataError when it cannot be read."""
    return read_object(ws.router_path, hint=REPAIR_HINT) or {}


def peek(ws: Workspace) -> tuple[dict[str, Any], DataError | None]:
    """The saved state and the problem reading it, never raising for a damaged file."""
    try:
        return read(ws), None
    except DataError as err:
        return {}, err


def rebuilt(ws: Workspace) -> dict[str, Any]:
    """The state the release history implies: what was serving, on a port chosen anew."""
    try:
        active = History(ws.history_path).serving()
    except DataError:  # a damaged history is reported by whoever reads it next
        active = None
    return {"schema_version": SCHEMA_VERSION, "port": None, "active": active, "warm": None,
            "supervisor_pid": None, "backends": {}}


def set_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, aside)
    return aside


def repair(ws: Workspace) -> tuple[dict[str, Any], str | None]:
    """The saved state, rebuilt when damaged; the second value says what was done."""
    state, problem = peek(ws)
    if problem is None:
        return state, None
    from labkit.i18n import t

    state = rebuilt(ws)
    aside = set_aside(ws.router_path)
    atomic_write_json(ws.router_path, state)
    return state, t("state.router_rebuilt", problem=problem.detail, file=problem.path,
                    line=problem.line or 1, aside=aside.name,
                    serving=state["active"] or t("rollback.nothing"))
