"""Pruning old artifacts by release history (never by file time)."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field

from labkit.errors import SupervisorError, UsageError
from labkit.runtime import failpoints
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.backends import get_backend
from labkit.runtime.control import Control
from labkit.runtime.deploy import serving
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace


@dataclass
class PruneResult:
    keep: int
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def plan(ws: Workspace, keep: int) -> tuple[list[str], list[str]]:
    """(kept, removed): the ``keep`` newest by release history, plus the serving one."""
    if keep < 1:
        raise UsageError(
            f"--keep {keep} would leave nothing to serve or roll back to; keep at least 1 "
            "(5 or more leaves room for rollbacks)"
        )
    present = set(ArtifactStore(ws).versions())
    order = [v for v in History(ws.history_path).release_order() if v in present]
    # Artifacts the history never saw are the oldest of all.
    order = sorted(present - set(order)) + order
    kept = order[-keep:]
    current = serving(ws)
    if current in present and current not in kept:
        kept.append(current)
    removed = [v for v in order if v not in kept]
    return kept, removed


def prune(ws: Workspace, keep: int, *, say=lambda line: None) -> PruneResult:
    with ws.lock("another deploy, rollback or prune"):
        kept, removed = plan(ws, keep)
        store = ArtifactStore(ws)
        backend = get_backend(ws)
        control = Control(ws)
        result = PruneResult(keep=keep, kept=kept)
        for version in removed:
            name = ws.artifact_name(version)
            store.remove(version)
            failpoints.hit("prune.removed")
            backend.discard(version)
            # Not running, or nothing warm for this version: nothing to stop.
            with contextlib.suppress(SupervisorError):
                control.call("stop_backend", version=version, drain=True, timeout=30)
            result.removed.append(version)
            result.files.append(name)
            say(f"[release] removed {name}")
        ws.journal.append("artifacts.pruned", {"keep": keep, "removed": removed, "kept": kept})
        return result
