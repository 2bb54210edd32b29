"""Ending the supervisor's background tasks (probing, watching, following)."""

from __future__ import annotations

import asyncio
import contextlib


async def cancel(*tasks: asyncio.Task | None) -> None:
    """Cancel each task that exists and wait until it has ended."""
    for task in tasks:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
