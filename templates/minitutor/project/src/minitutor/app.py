"""The tutor's HTTP service: a WSGI app served by waitress on 127.0.0.1:$PORT (or,
as a swarm task, on the Unix socket $SOCKET).

Routes:

- ``GET /healthz``: 200 ``{"status": "ok"}`` once the server answers;
- ``GET /version``: the release's version (the ``VERSION`` file in the current
  directory, else ``$LAB_VERSION``, else ``dev``);
- ``POST /quiz/submit`` with ``{"sentence": "..."}``: the tutor's answer, its
  keys on the wire in the order the tutor returns them (kept in the answer
  cache, ``cache``, and recorded as an attempt, ``store``, when the kit hands
  the release a data directory);
- ``GET /portal?sentence=...``: the learner-facing page for one sentence;
- ``GET /``: a small form that opens the portal.

Run it with ``python -m minitutor.app``; SIGTERM stops it cleanly.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
from pathlib import Path
from urllib.parse import parse_qs

from minitutor import agent, cache, portal, store

MAX_SENTENCE = 500  # characters
MAX_BODY = 16 * 1024  # bytes
REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
}


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def version() -> str:
    try:
        text = Path("VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or os.environ.get("LAB_VERSION") or "dev"


def check_sentence(value: object) -> str:
    """The sentence to correct, or HTTPError(400) saying what is wrong with it."""
    if value is None:
        raise HTTPError(400, "missing field 'sentence'")
    if not isinstance(value, str):
        raise HTTPError(400, "field 'sentence' must be a string")
    if not value.strip():
        raise HTTPError(400, "field 'sentence' is empty")
    if len(value) > MAX_SENTENCE:
        raise HTTPError(400, f"field 'sentence' is longer than {MAX_SENTENCE} characters")
    return value


def _json(status: int, value: object) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(value).encode("utf-8")


def _healthz(environ: dict) -> tuple[int, str, bytes]:
    return _json(200, {"status": "ok"})


def _version(environ: dict) -> tuple[int, str, bytes]:
    return _json(200, {"version": version()})


def _submit(environ: dict) -> tuple[int, str, bytes]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HTTPError(400, "bad Content-Length") from None
    if length > MAX_BODY:
        raise HTTPError(413, f"request body is larger than {MAX_BODY} bytes")
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HTTPError(400, "request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise HTTPError(400, "request body must be a JSON object")
    sentence = check_sentence(payload.get("sentence"))
    answer = cache.answer(cache.directory(), version(), sentence, agent.tutor)
    try:
        store.record(store.path(), sentence, answer)
    except sqlite3.Error as err:
        raise HTTPError(500, f"the quiz record in {store.FILENAME} failed: {err}") from None
    # No sort_keys: the key order on the wire is the tutor's own.
    body = agent.to_json(answer)
    return 200, "application/json", body.encode("utf-8")


def _portal(environ: dict) -> tuple[int, str, bytes]:
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    sentence = (query.get("sentence") or [""])[0]
    status = 200
    error = None
    if sentence.strip():
        try:
            check_sentence(sentence)
        except HTTPError as err:
            status, error, sentence = err.status, err.message, ""
    html = portal.render_page(sentence.strip() or None, error=error, version=version())
    return status, "text/html; charset=utf-8", html.encode("utf-8")


def _index(environ: dict) -> tuple[int, str, bytes]:
    html = portal.render_page(None, version=version())
    return 200, "text/html; charset=utf-8", html.encode("utf-8")


ROUTES = {
    "/healthz": ("GET", _healthz),
    "/version": ("GET", _version),
    "/quiz/submit": ("POST", _submit),
    "/portal": ("GET", _portal),
    "/": ("GET", _index),
}


def application(environ: dict, start_response):
    """The WSGI entry point."""
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO") or "/"
    extra_headers: list[tuple[str, str]] = []
    try:
        if path not in ROUTES:
            raise HTTPError(404, f"no such path: {path}")
        allowed, handler = ROUTES[path]
        if method not in (allowed, "HEAD" if allowed == "GET" else allowed):
            extra_headers.append(("Allow", allowed))
            raise HTTPError(405, f"{method} is not allowed on {path}; use {allowed}")
        status, content_type, body = handler(environ)
    except HTTPError as err:
        status, content_type, body = _json(err.status, {"error": err.message})
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        *extra_headers,
    ]
    start_response(f"{status} {REASONS.get(status, 'Error')}", headers)
    return [b"" if method == "HEAD" else body]


def main() -> int:
    from waitress.server import create_server

    port = int(os.environ.get("PORT", "8080"))
    bind = os.environ.get("BIND", "127.0.0.1")
    socket_path = os.environ.get("SOCKET")
    if socket_path:  # a swarm task: reached only through this Unix socket, no network
        server = create_server(application, unix_socket=socket_path,
                               unix_socket_perms="600", threads=4)
    elif bind == "*":  # every interface of a container's own network (published on loopback)
        server = create_server(application, listen=f"*:{port}", ipv6=False, threads=4)
    else:
        server = create_server(application, host=bind, port=port, threads=4)

    def stop(signum, frame):  # SIGTERM: stop accepting, finish, exit 0
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    if store.path() is not None:  # migrate the quiz record before the first request
        store.connect(store.path()).close()
    where = f"socket {socket_path}" if socket_path else f"port {port}"
    print(f"[tutor] {version()} serving on {where}", file=sys.stderr, flush=True)
    try:
        server.run()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.close()
    print("[tutor] stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
