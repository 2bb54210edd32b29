"""Optional parts of the supervisor plug in here (today: the prober).

An extension has a ``name`` and ``status()``, ``on_switch(version)``,
``begin()``, ``async end()`` and ``async handle(request)``.
"""

from __future__ import annotations

from typing import Any


def load_extensions(supervisor: Any) -> list[Any]:
    from labkit.runtime.prober import Prober

    return [Prober(supervisor)]
