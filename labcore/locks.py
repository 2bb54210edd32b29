"""File locks (flock), exclusive or shared, always with a timeout.

A lock is waited for by polling a non-blocking flock until a deadline, so no
caller can hang forever behind a stuck holder; the error names what holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from labcore.errors import LockTimeout

LOCK_TIMEOUT_ENV = "LAB_LOCK_TIMEOUT"
_POLL = 0.02


def default_timeout(fallback: float = 120.0) -> float:
    """Seconds to wait for a lock: $LAB_LOCK_TIMEOUT, else ``fallback``."""
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV, fallback))
    except ValueError:
        return fallback


def acquire(fd: int, *, timeout: float, what: str, path: Path | None = None,
            shared: bool = False) -> None:
    """Take an exclusive (or ``shared``) flock on ``fd``; raise LockTimeout after
    ``timeout`` seconds."""
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _holder(path) if path is not None else ""
                raise LockTimeout(
                    f"gave up after {timeout:g} s waiting for {what} to finish{holder}; "
                    "try again when it is done"
                ) from None
            time.sleep(_POLL)


def try_lock(path: Path) -> int | None:
    """An fd holding an exclusive lock on ``path``, or None when another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float, what: str, shared: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (which records the holder's pid), or a shared
    one (which records nothing: several hold it at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        acquire(fd, timeout=timeout, what=what, path=path, shared=shared)
        if not shared:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (held by process {pid})" if pid.isdigit() else ""
