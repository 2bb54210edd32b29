"""The tutor's own health check, for a container's HEALTHCHECK: asks the service
running beside it for /healthz, over $SOCKET when set (a swarm task), else on
127.0.0.1:$PORT. Exit 0 when it answers 200 within the timeout, 1 otherwise,
with one line saying why.

Run it with ``python -m minitutor.healthcheck``.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys

TIMEOUT = 2.0  # seconds


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(self.path)


def check(environ: dict | None = None) -> tuple[bool, str]:
    """(healthy, why): the service's answer to GET /healthz."""
    env = os.environ if environ is None else environ
    path = env.get("SOCKET")
    if path:
        conn: http.client.HTTPConnection = _UnixConnection(path)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", int(env.get("PORT", "8080")),
                                          timeout=TIMEOUT)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        body = response.read(512).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException) as err:
        return False, f"no answer from the service: {err}"
    finally:
        conn.close()
    if response.status != 200:
        return False, f"/healthz answered {response.status}: {body}"
    return True, "healthy"


def main() -> int:
    healthy, why = check()
    print(f"[healthcheck] {why}", file=sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
