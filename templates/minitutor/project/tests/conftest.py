"""Helpers for the service's tests: call the WSGI app in-process, no sockets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from minitutor.app import application

ROOT = Path(__file__).resolve().parent.parent


class Response:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = int(status.split()[0])
        self.headers = dict(headers)
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.text)


def call(method: str, path: str, body: bytes = b"", query: str = "") -> Response:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(body),
    }
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, headers

    chunks = application(environ, start_response)
    return Response(seen["status"], seen["headers"], b"".join(chunks))


@pytest.fixture(autouse=True)
def no_cache_unless_asked(monkeypatch):
    """No answer cache unless a test gives the service a data directory."""
    monkeypatch.delenv("LAB_DATA_DIR", raising=False)


@pytest.fixture
def client():
    return call


@pytest.fixture
def contract() -> dict:
    return json.loads((ROOT / "contract" / "api.json").read_text(encoding="utf-8"))
