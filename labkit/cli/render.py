"""Turning results into terminal output or JSON."""

from __future__ import annotations

import json
import sys
from typing import Any


def error(err: Exception) -> None:
    from labkit.console import err_console

    text = str(err)
    # Messages that carry their own [tag] prefix are printed as they are.
    err_console.print(text if text.startswith("[") else f"error: {text}", style="lab.fail",
                      markup=False)
    if getattr(err, "hint", None):
        err_console.print(err.hint, style="lab.hint", markup=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()
