"""Leftovers of interrupted work: temporary files and half-unpacked folders.

Every writer of the runtime works in a temporary name and renames when done,
so a crash leaves the temporary behind and nothing else. The names of tars
being packed (`artifacts/.<version>.<pid>.*.tar.tmp`) and of releases being
unpacked (`.lab/unpacked/.<version>.<pid>.*`) carry their writer's pid: they
are leftovers once that process is gone. Other temporaries (atomic JSON writes,
the journal's head) are leftovers once they are older than :data:`STALE_AGE`,
and the build scratch (`.lab/tmp/`) once no release command holds the lock.
The supervisor sweeps when it starts; `lab doctor --fix` sweeps too.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from labcore.locks import try_lock
from labkit.runtime.layout import Workspace

STALE_AGE = 600.0  # seconds; an atomic write takes milliseconds


@dataclass(frozen=True)
class Leftover:
    path: Path
    why: str  # "writer gone" | "stale" | "build scratch"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid(name: str) -> int | None:
    """The writer's pid in `.<version>.<pid>.<random>[.tar.tmp]`, if the name has one."""
    stem = name.removesuffix(".tar.tmp")
    parts = stem.split(".")
    if len(parts) >= 4 and parts[-2].isdigit():
        return int(parts[-2])
    return None


def _old(path: Path, now: float) -> bool:
    try:
        return now - path.lstat().st_mtime > STALE_AGE
    except FileNotFoundError:
        return False


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []


def _owned(path: Path, now: float) -> Leftover | None:
    pid = _pid(path.name)
    if pid is not None:
        return None if _alive(pid) else Leftover(path, "writer gone")
    return Leftover(path, "stale") if _old(path, now) else None


def find(ws: Workspace) -> list[Leftover]:
    """Every leftover in the workspace that is safe to remove now."""
    now = time.time()
    found: list[Leftover] = []
    for path in _entries(ws.artifacts):
        if path.name.startswith(".") and path.name.endswith(".tar.tmp"):
            found.extend(filter(None, [_owned(path, now)]))
        elif path.name.startswith(".") and path.name.endswith(".tmp") and _old(path, now):
            found.append(Leftover(path, "stale"))
    for path in _entries(ws.unpacked):
        if path.name.startswith("."):
            found.extend(filter(None, [_owned(path, now)]))
    for path in _entries(ws.state):
        stray = path.name.endswith(".tmp") and (path.name.startswith(".")
                                                or path.name.endswith(".head.tmp"))
        if stray and path.is_file() and _old(path, now):
            found.append(Leftover(path, "stale"))
    found.extend(_scratch(ws))
    return found


def _scratch(ws: Workspace) -> Iterator[Leftover]:
    entries = _entries(ws.state / "tmp")
    if not entries:
        return
    fd = try_lock(ws.state / "release.lock")
    if fd is None:  # a build may be using it
        return
    os.close(fd)
    for path in entries:
        yield Leftover(path, "build scratch")


def remove(ws: Workspace, leftovers: list[Leftover]) -> list[Path]:
    """Remove ``leftovers`` (the build scratch only under the release lock); what went."""
    gone = []
    lock = None
    if any(item.why == "build scratch" for item in leftovers):
        lock = try_lock(ws.state / "release.lock")
    try:
        for item in leftovers:
            if item.why == "build scratch" and lock is None:
                continue
            try:
                if item.path.is_dir() and not item.path.is_symlink():
                    shutil.rmtree(item.path)
                else:
                    item.path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                continue
            gone.append(item.path)
    finally:
        if lock is not None:
            os.close(lock)
    return gone


def sweep(ws: Workspace) -> list[Path]:
    return remove(ws, find(ws))
