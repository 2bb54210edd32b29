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


# Every `--json` output is one envelope: {"schema_version", "command", "data"}.
JSON_SCHEMA_VERSION = 1
_command = {"name": ""}


def set_command(name: str) -> None:
    """The verb being run (e.g. "artifacts list"), named in the JSON envelope."""
    _command["name"] = name


def envelope(data: Any) -> dict[str, Any]:
    return {"schema_version": JSON_SCHEMA_VERSION, "command": _command["name"], "data": data}


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(envelope(data), indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()
