"""Turning results into terminal output or JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

def error(err: Exception) -> None:
    from labkit.console import err_console

    err_console.print(f"error: {err}", style="lab.fail", markup=False)
    if getattr(err, "hint", None):
        err_console.print(err.hint, style="lab.hint", markup=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()
