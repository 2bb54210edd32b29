"""Backends run a release behind the router. Callers only see :class:`Backend`.

A workspace runs on one backend, recorded in `.lab/backend.json` when it is first
chosen (`lab start --backend`, or LAB_BACKEND at the first build); the process
backend is the default.
"""

from __future__ import annotations

import os

from labkit.errors import UsageError
from labkit.runtime.backends.base import Backend, Running
from labkit.runtime.fsutil import atomic_write_json, read_json
from labkit.runtime.layout import Workspace

BACKEND_ENV = "LAB_BACKEND"
KINDS = ("process", "docker", "swarm")
DEFAULT = "process"


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UsageError(f"unknown backend {kind!r} (known: {', '.join(KINDS)})")
    return kind


def recorded_kind(ws: Workspace) -> str | None:
    data = read_json(ws.state / "backend.json", {}) or {}
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind if kind in KINDS else None


def workspace_kind(ws: Workspace) -> str:
    """The workspace's backend: the recorded one, else LAB_BACKEND, else process."""
    return recorded_kind(ws) or check_kind(os.environ.get(BACKEND_ENV) or DEFAULT)


def record_kind(ws: Workspace, kind: str) -> None:
    check_kind(kind)
    if recorded_kind(ws) != kind:
        ws.state.mkdir(parents=True, exist_ok=True)
        atomic_write_json(ws.state / "backend.json", {"schema_version": 1, "kind": kind})


def get_backend(ws: Workspace, kind: str | None = None) -> Backend:
    kind = check_kind(kind) if kind else workspace_kind(ws)
    if kind == "docker":
        from labkit.runtime.backends.docker import DockerBackend

        return DockerBackend(ws)
    if kind == "swarm":
        from labkit.runtime.backends.swarm import SwarmBackend

        return SwarmBackend(ws)
    from labkit.runtime.backends.process import ProcessBackend

    return ProcessBackend(ws)


__all__ = ["KINDS", "Backend", "Running", "get_backend", "record_kind", "workspace_kind"]
