"""labkit.runtime.contract: a live service checked against its API contract.

A small HTTP server on 127.0.0.1 plays the service; each test sets how it answers.
"""

from __future__ import annotations

import html
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from support import KIT_ROOT

from labkit.errors import DataError, LabError
from labkit.runtime import contract
from labkit.runtime.layout import Workspace

TEMPLATE = KIT_ROOT / "templates" / "minitutor" / "project"
ENGLISH, SPANISH = "She went to school yesterday.", "Ella fue a la escuela ayer."


class Fake:
    """What the fake service answers; tests change it."""

    def __init__(self) -> None:
        self.status = 200
        self.body = json.dumps({"correction": ENGLISH, "spanish": SPANISH})
        self.portal_status = 200
        self.slots = {"correction": ENGLISH, "spanish": SPANISH}
        self.routes: dict[str, tuple[int, str]] = {}  # other GET paths: status, JSON text
        self.requests: list[tuple[str, str, bytes]] = []

    def portal(self) -> str:
        cells = "".join(f'<p data-slot="{name}"><b>{html.escape(text)}</b><br></p>'
                        for name, text in self.slots.items())
        return f"<html><body>{cells}</body></html>"


@pytest.fixture
def service():
    fake = Fake()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, text: str, kind: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 - the handler's API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            fake.requests.append(("POST", self.path, body))
            self._send(fake.status, fake.body, "application/json")

        def do_GET(self):  # noqa: N802
            fake.requests.append(("GET", self.path, b""))
            if self.path in fake.routes:
                self._send(*fake.routes[self.path], "application/json")
            else:
                self._send(fake.portal_status, fake.portal(), "text/html")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield fake, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def ws(tmp_path):
    shutil.copytree(TEMPLATE / "contract", tmp_path / "contract")
    (tmp_path / "service.yaml").write_text(
        "schema_version: 1\napp: tutor\nbuild: [sh, build.sh]\nrun: [python, -m, app]\n"
        "contract: contract/api.json\n")
    return Workspace(tmp_path)


def _check(ws, service):
    fake, port = service
    return contract.check(port, contract.load_contract(ws))


def test_the_template_contract_loads(ws):
    c = contract.load_contract(ws)
    assert (c.method, c.path, c.body) == ("POST", "/quiz/submit",
                                          {"sentence": "she go to school yesterday"})
    assert [f.name for f in c.fields] == ["correction", "spanish"]
    assert c.fields[1].role == "Spanish gloss" and c.fields[1].role_es == "la glosa en español"
    assert (c.portal_path, c.portal_param, c.slot_attribute) == ("/portal", "sentence",
                                                                 "data-slot")


def test_a_service_that_keeps_the_contract_has_no_findings(ws, service):
    assert _check(ws, service) == []
    fake, _ = service
    (post, path, body), (get, portal, _) = fake.requests
    assert (post, path, json.loads(body)) == ("POST", "/quiz/submit",
                                              {"sentence": "she go to school yesterday"})
    assert get == "GET" and parse_qs(urlparse(portal).query) == {
        "sentence": ["she go to school yesterday"]}


def test_swapped_keys_are_an_order_finding_in_both_languages(ws, service):
    fake, _ = service
    fake.body = json.dumps({"spanish": SPANISH, "correction": ENGLISH})
    [finding] = _check(ws, service)
    assert finding.code == "order"
    assert finding.detail == "contract: correction, spanish; response: spanish, correction"
    assert finding.text("en") == finding.message == "response field order differs from contract"
    assert finding.text("es") == ("el orden de los campos de la respuesta no coincide con el "
                                  "contrato")


def test_a_swapped_portal_names_the_slots_in_each_language(ws, service):
    fake, _ = service
    fake.slots = {"correction": SPANISH, "spanish": ENGLISH}
    [finding] = _check(ws, service)
    assert finding.code == "portal-slot"
    assert finding.text("en") == ("portal renderer shows Spanish gloss in the English "
                                  "correction slot")
    assert finding.text("es") == ("el portal muestra la glosa en español en el hueco de la "
                                  "corrección en inglés")
    assert finding.detail == f"slot 'correction' shows: {SPANISH}"


def test_a_slot_showing_neither_value_is_something_else(ws, service):
    fake, _ = service
    fake.slots = {"correction": "???", "spanish": SPANISH}
    [finding] = _check(ws, service)
    assert finding.text("en") == "portal renderer shows something else in the English correction slot"
    assert finding.text("es").startswith("el portal muestra otra cosa en el hueco de")


def test_a_missing_slot_is_named(ws, service):
    fake, _ = service
    fake.slots = {"correction": ENGLISH}
    [finding] = _check(ws, service)
    assert finding.text("en") == "portal has no slot for 'spanish'"
    assert finding.text("es") == "el portal no tiene hueco para 'spanish'"


@pytest.mark.parametrize("body, code, en", [
    ('{"correction": "x"}', "fields", "response fields differ from contract"),
    ('{"correction": 1, "spanish": "y"}', "type", "response field 'correction' is not a string"),
    ("<html>oops</html>", "not-json", "/quiz/submit did not answer JSON"),
    ('["correction", "spanish"]', "not-object", "/quiz/submit did not answer a JSON object"),
])
def test_bad_answers_each_give_one_finding(ws, service, body, code, en):
    fake, _ = service
    fake.body = body
    findings = _check(ws, service)
    assert findings[0].code == code
    assert findings[0].text("en") == en
    assert findings[0].text("es") != en


def test_a_missing_field_names_what_is_missing_and_skips_the_portal(ws, service):
    fake, _ = service
    fake.body = json.dumps({"correction": ENGLISH, "extra": 1})
    [finding] = _check(ws, service)
    assert finding.detail == "missing: spanish; unexpected: extra"
    assert all(method == "POST" for method, _, _ in fake.requests)


def test_http_errors_of_the_api_and_the_portal(ws, service):
    fake, _ = service
    fake.portal_status = 502
    [finding] = _check(ws, service)
    assert finding.text("en") == "portal answered HTTP 502"
    assert finding.text("es") == "el portal respondió HTTP 502"
    fake.status = 500
    [finding] = _check(ws, service)
    assert finding.code == "status" and finding.text("en") == "/quiz/submit answered HTTP 500"


def test_a_port_nobody_answers_is_unreachable(ws, service):
    _, port = service
    spec = contract.load_contract(ws)
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    [finding] = contract.check(free, spec)
    assert finding.code == "unreachable"
    assert finding.text("en").startswith("/quiz/submit is not answering (")
    assert finding.text("es").startswith("/quiz/submit no responde (")


def test_contract_files_that_cannot_be_used(ws):
    path = ws.root / "contract" / "api.json"
    path.write_text('{"request": {"path": "/x"},\n "response": ')
    with pytest.raises(DataError) as caught:
        contract.load_contract(ws)
    assert caught.value.line == 2 and "is not valid JSON" in str(caught.value)
    path.write_text('{"schema_version": 1, "request": {"method": "get"}}')
    with pytest.raises(DataError, match="lacks a required contract entry"):
        contract.load_contract(ws)
    path.unlink()
    with pytest.raises(DataError, match="api.json: is missing"):
        contract.load_contract(ws)
    (ws.root / "service.yaml").write_text(
        "schema_version: 1\napp: tutor\nbuild: [sh, b.sh]\nrun: [python, a]\n")
    fresh = Workspace(ws.root)
    with pytest.raises(LabError, match="declares no contract to smoke-test against"):
        contract.load_contract(fresh)


def test_routes_a_release_adds_are_checked_in_both_languages(ws, service):
    doc = json.loads((ws.root / "contract" / "api.json").read_text())
    doc["routes"] = [{"path": "/quiz/level", "fields": [{"name": "level", "type": "string"}]}]
    (ws.root / "contract" / "api.json").write_text(json.dumps(doc))
    fake, _ = service
    [missing] = _check(ws, service)  # the release before the feature: the portal's 200 page
    assert missing.code == "not-json"
    fake.routes["/quiz/level"] = (404, '{"error": "no such path: /quiz/level"}')
    [absent] = _check(ws, service)
    assert (absent.code, absent.text("en")) == ("route-status", "/quiz/level answered HTTP 404")
    assert absent.text("es") == "/quiz/level respondió HTTP 404"
    fake.routes["/quiz/level"] = (200, '{"levels": "B1"}')
    [wrong] = _check(ws, service)
    assert (wrong.code, wrong.text("es")) == ("route-fields", "/quiz/level respondió sin level")
    fake.routes["/quiz/level"] = (200, '{"level": "B1"}')
    assert _check(ws, service) == []


def test_a_route_without_a_path_is_a_contract_error(ws):
    doc = json.loads((ws.root / "contract" / "api.json").read_text())
    doc["routes"] = [{"fields": []}]
    (ws.root / "contract" / "api.json").write_text(json.dumps(doc))
    with pytest.raises(DataError, match="lacks a required contract entry"):
        contract.load_contract(ws)
