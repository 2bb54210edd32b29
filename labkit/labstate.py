"""A learner's progress through a lab, kept in the workspace's `.lab/`.

- `.lab/lab.json`: which lab this workspace belongs to, and when it started;
- `.lab/break.json`: the active break (stage ``injected`` then ``released``);
- `.lab/hints.json`: how many hints were revealed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from labkit.runtime.fsutil import atomic_write_json
from labkit.runtime.statefile import read_object

# What to do when a file cannot be read (the journal keeps the evidence of each).
REPAIR = {
    "lab": "it records which lab this workspace runs: move it away and run "
           "`lab start LAB` again",
    "break": "it records the active break (the journal keeps its evidence): restore it by hand "
             "or move it away; `lab doctor` lists every damaged state file",
    "hints": "it counts the hints revealed (the journal records each one): move it away",
}


def _path(ws_root: Path, name: str) -> Path:
    return ws_root / ".lab" / f"{name}.json"


def read(ws_root: Path, name: str) -> dict[str, Any] | None:
    return read_object(_path(ws_root, name), hint=REPAIR[name])


def lab_info(ws_root: Path) -> dict[str, Any] | None:
    return read(ws_root, "lab")


def set_lab_info(ws_root: Path, lab_id: str, learner: str) -> None:
    atomic_write_json(_path(ws_root, "lab"), {
        "schema_version": 1, "lab": lab_id, "learner": learner, "started_at": time.time(),
    })


def update_lab_info(ws_root: Path, **data: Any) -> dict[str, Any]:
    current = lab_info(ws_root) or {"schema_version": 1}
    current.update(data)
    atomic_write_json(_path(ws_root, "lab"), current)
    return current


def break_info(ws_root: Path) -> dict[str, Any] | None:
    return read(ws_root, "break")


def set_break(ws_root: Path, **data: Any) -> dict[str, Any]:
    """Update the active break; the supervisor probes while a break is unresolved."""
    current = break_info(ws_root) or {"schema_version": 1}
    current.update(data)
    atomic_write_json(_path(ws_root, "break"), current)
    from labkit.runtime.prober import set_probing  # asyncio: only when a break changes

    set_probing(ws_root / ".lab", current.get("stage") in ("injected", "released")
                and not current.get("resolved_at"))
    return current


def hints_revealed(ws_root: Path, lab_id: str) -> int:
    data = read(ws_root, "hints") or {}
    return int(data.get(lab_id, 0))


def set_hints_revealed(ws_root: Path, lab_id: str, count: int) -> None:
    data = read(ws_root, "hints") or {}
    data[lab_id] = count
    atomic_write_json(_path(ws_root, "hints"), data)
