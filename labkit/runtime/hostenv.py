"""What the supervisor asks of the host: a line in its log, a free port on
127.0.0.1, and enough file descriptors for the router's connection cap."""

from __future__ import annotations

import contextlib
import resource
import socket
import time


def log(message: str) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{stamp} {message}", flush=True)


def raise_file_limit() -> None:
    """Let the router hold its connection cap open: soft limit of open files up to the hard."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
