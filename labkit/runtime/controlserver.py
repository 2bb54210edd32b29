"""The supervisor's side of the control socket: one JSON request a connection,
``{"op": NAME, ...}``, answered by the owner's ``op_NAME`` coroutine with
``{"ok": true, ...}``, or ``{"ok": false, "error": ...}`` for anything else (the
client's side is :mod:`labkit.runtime.control`)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from labcore.errors import LabError


async def answer(owner: Any, ready: asyncio.Event, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
    """Read one request, wait until ``owner`` is ready, run its handler, reply once."""
    try:
        line = await reader.readline()
        try:
            req = json.loads(line)
        except ValueError:
            req = None
        await ready.wait()
        op = req.get("op") if isinstance(req, dict) else None
        handler = getattr(owner, f"op_{op}", None) if isinstance(op, str) else None
        if not isinstance(op, str):
            reply = {"ok": False, "error": "a request is a JSON object with an 'op' string"}
        elif handler is None:
            reply = {"ok": False, "error": f"unknown operation {op!r}"}
        else:
            try:
                reply = {"ok": True, **(await handler(req))}
            except (RuntimeError, KeyError, OSError, ValueError, LabError) as err:
                reply = {"ok": False, "error": str(err)}
        writer.write(json.dumps(reply).encode() + b"\n")
        await writer.drain()
    except (ValueError, ConnectionError):
        pass
    finally:
        writer.close()
