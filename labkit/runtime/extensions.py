"""Optional parts of the supervisor (the prober) plug in here."""

from __future__ import annotations

from typing import Any


def load_extensions(supervisor: Any) -> list[Any]:
    return []
