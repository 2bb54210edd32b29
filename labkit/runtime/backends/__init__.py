"""Backends run a release behind the router. Callers only see :class:`Backend`."""

from __future__ import annotations

import os

from labkit.errors import UsageError
from labkit.runtime.backends.base import Backend, Running
from labkit.runtime.layout import Workspace

BACKEND_ENV = "LAB_BACKEND"


def get_backend(ws: Workspace, kind: str | None = None) -> Backend:
    kind = kind or os.environ.get(BACKEND_ENV) or "process"
    if kind == "process":
        from labkit.runtime.backends.process import ProcessBackend

        return ProcessBackend(ws)
    raise UsageError(f"unknown backend {kind!r} (known: process)")


__all__ = ["Backend", "Running", "get_backend"]
