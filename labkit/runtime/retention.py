"""Pruning old artifacts by release history (never by file time), optionally keeping
the last release that passed its smoke test as well."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field

from labcore import events
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
    protect_last_good: bool = False
    protected: str | None = None  # kept because it is the last good release
    last_good: str | None = None  # the newest release whose latest smoke verdict passed
    note: str | None = None  # what --protect-last-good did, in one sentence

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    kept: list[str]
    removed: list[str]
    protected: str | None = None
    last_good: str | None = None
    note: str | None = None


def _order(ws: Workspace, present: set[str]) -> list[str]:
    """Present versions, oldest first by release history (unknown ones oldest of all)."""
    order = [v for v in History(ws.history_path).release_order() if v in present]
    return sorted(present - set(order)) + order


def last_good(ws: Workspace, present: set[str]) -> tuple[str | None, str | None, str]:
    """(last good, protected, note) from the smoke verdicts in the release history.

    The last good release is the newest one (by release history) whose latest
    smoke verdict passed. The protected one is the newest such release that
    still has an artifact, usually the same.
    """
    history = History(ws.history_path)
    verdicts = history.smoke_verdicts()
    verdicts.pop("-", None)  # smoke tests run while nothing was serving
    if not verdicts:
        return None, None, ("no smoke verdict in the release history, so no release is known "
                            "to be good: nothing extra protected")
    order = history.release_order()
    order = sorted(set(verdicts) - set(order), key=_version_key) + order
    good = [v for v in order if verdicts.get(v)]
    if not good:
        return None, None, ("no release has passed its smoke test yet: nothing extra "
                            "protected")
    newest = good[-1]
    kept = [v for v in good if v in present]
    if not kept:
        return newest, None, (f"{newest} is the last release that passed smoke, but its "
                              "artifact is already gone: nothing extra protected")
    if kept[-1] == newest:
        return newest, newest, f"protected {newest}: the last release that passed smoke"
    return newest, kept[-1], (f"protected {kept[-1]}: the newest release that passed smoke "
                              f"and still has its artifact (the newer {newest} passed too, but "
                              "its artifact is gone)")


def _version_key(version: str) -> tuple:
    try:
        return (0, tuple(int(p) for p in version.split(".")))
    except ValueError:
        return (1, version)


def plan(ws: Workspace, keep: int, *, protect_last_good: bool = False) -> Plan:
    """The ``keep`` newest by release history, plus the serving one, plus (when asked)
    the last release that passed its smoke test; everything else goes."""
    if keep < 1:
        raise UsageError(
            f"--keep {keep} would leave nothing to serve or roll back to; keep at least 1 "
            "(5 or more leaves room for rollbacks)"
        )
    present = set(ArtifactStore(ws).versions())
    order = _order(ws, present)
    kept = order[-keep:]
    current = serving(ws)
    if current in present and current not in kept:
        kept.append(current)
    good = protected = note = None
    if protect_last_good:
        good, protected, note = last_good(ws, present)
        if protected is not None and protected not in kept:
            kept.append(protected)
    removed = [v for v in order if v not in kept]
    return Plan(kept, removed, protected, good, note)


def prune(ws: Workspace, keep: int, *, protect_last_good: bool = False,
          say=lambda line: None) -> PruneResult:
    with ws.lock("another deploy, rollback or prune"):
        planned = plan(ws, keep, protect_last_good=protect_last_good)
        store = ArtifactStore(ws)
        backend = get_backend(ws)
        control = Control(ws)
        result = PruneResult(keep=keep, kept=planned.kept, protect_last_good=protect_last_good,
                             protected=planned.protected, last_good=planned.last_good,
                             note=planned.note)
        if planned.note:
            say(f"[release] {planned.note}")
        for version in planned.removed:
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
        data = {"keep": keep, "removed": planned.removed, "kept": planned.kept}
        if protect_last_good:
            data["protected"] = planned.protected
        ws.journal.append(events.ARTIFACTS_PRUNED, data)
        return result
