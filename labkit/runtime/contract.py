"""The API contract (contract/api.json) and the check of a live service against it.

Generic over the contract: send the contract's sample request, compare the
response's fields, their order and types with the contract, then render the
sample in the portal and check that each field's slot shows that field's value.
Used by the smoke test and by the supervisor's prober.
"""

from __future__ import annotations

import html
import http.client
import json
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

from labcore.strict import KIB, load_json, schema_version
from labkit.errors import DataError, LabError
from labkit.runtime.layout import Workspace

SCHEMA_VERSIONS = (1,)
MAX_BYTES = 256 * KIB
TYPES = {"string": str, "number": (int, float), "integer": int, "boolean": bool,
         "object": dict, "array": list}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    detail: str | None = None
    message_es: str | None = None  # the same finding for a Spanish-speaking learner

    def text(self, lang: str = "en") -> str:
        return self.message_es if lang == "es" and self.message_es else self.message


@dataclass(frozen=True)
class ContractField:
    name: str
    type: str
    lang: str | None
    role: str
    role_es: str


@dataclass(frozen=True)
class Contract:
    method: str
    path: str
    body: dict
    fields: tuple[ContractField, ...]
    portal_path: str | None
    portal_param: str | None
    slot_attribute: str


def load_contract(ws: Workspace) -> Contract:
    if not ws.spec.contract:
        raise LabError(f"{ws.root / 'service.yaml'} declares no contract to smoke-test against")
    path = ws.root / ws.spec.contract
    if not path.exists() and not path.is_symlink():
        raise DataError(path, "is missing")
    doc = load_json(path, limit=MAX_BYTES, kind="a contract file", max_depth=16)
    schema_version(doc, path, SCHEMA_VERSIONS)
    try:
        request = doc["request"]
        fields = tuple(
            ContractField(f["name"], f.get("type", "string"), f.get("lang"),
                          f.get("role") or f["name"], f.get("role_es") or f.get("role") or f["name"])
            for f in doc["response"]["fields"]
        )
        portal = doc.get("portal") or {}
        return Contract(
            method=request.get("method", "POST").upper(), path=request["path"],
            body=request.get("json") or {}, fields=fields,
            portal_path=portal.get("path"), portal_param=portal.get("param"),
            slot_attribute=portal.get("slot_attribute", "data-slot"),
        )
    except (KeyError, TypeError, AttributeError) as err:
        raise DataError(path, f"lacks a required contract entry ({err})") from None


class _Slots(HTMLParser):
    def __init__(self, attribute: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attribute = attribute
        self.stack: list[str | None] = []
        self.slots: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr"):
            return
        self.stack.append(dict(attrs).get(self.attribute))
        name = self.stack[-1]
        if name is not None:
            self.slots.setdefault(name, "")

    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "img", "input", "meta", "link", "hr"):
            self.stack.pop()

    def handle_data(self, data):
        for name in reversed(self.stack):
            if name is not None:
                self.slots[name] += data
                break


def _norm(text: str) -> str:
    return " ".join(html.unescape(text).split())


def _request(port: int, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", errors="replace")
    finally:
        conn.close()


def check(port: int, contract: Contract) -> list[Finding]:
    """Every way the service on ``port`` departs from ``contract``."""
    findings: list[Finding] = []
    payload = json.dumps(contract.body).encode()
    try:
        status, text = _request(port, contract.method, contract.path, payload,
                                {"Content-Type": "application/json"})
    except OSError as err:
        return [Finding("unreachable", f"{contract.path} is not answering ({err})",
                        message_es=f"{contract.path} no responde ({err})")]
    if status != 200:
        return [Finding("status", f"{contract.path} answered HTTP {status}", text[:200],
                        f"{contract.path} respondió HTTP {status}")]
    try:
        pairs = json.loads(text, object_pairs_hook=list)
    except json.JSONDecodeError:
        return [Finding("not-json", f"{contract.path} did not answer JSON", text[:200],
                        f"{contract.path} no respondió JSON")]
    if not isinstance(pairs, list) or not all(isinstance(p, tuple) for p in pairs):
        return [Finding("not-object", f"{contract.path} did not answer a JSON object",
                        message_es=f"{contract.path} no respondió un objeto JSON")]
    got = [k for k, _ in pairs]
    values = dict(pairs)
    expected = [f.name for f in contract.fields]
    if set(got) != set(expected):
        missing = [n for n in expected if n not in got]
        extra = [n for n in got if n not in expected]
        findings.append(Finding("fields", "response fields differ from contract",
                                f"missing: {', '.join(missing) or '-'}; "
                                f"unexpected: {', '.join(extra) or '-'}",
                                "los campos de la respuesta no coinciden con el contrato"))
    elif got != expected:
        findings.append(Finding("order", "response field order differs from contract",
                                f"contract: {', '.join(expected)}; response: {', '.join(got)}",
                                "el orden de los campos de la respuesta no coincide con el "
                                "contrato"))
    for f in contract.fields:
        wanted = TYPES.get(f.type)
        if f.name in values and wanted and not isinstance(values[f.name], wanted):
            findings.append(Finding("type", f"response field '{f.name}' is not a {f.type}",
                                    message_es=f"el campo '{f.name}' de la respuesta no es "
                                    f"de tipo {f.type}"))
    if contract.portal_path and contract.portal_param and set(got) == set(expected):
        findings += _check_portal(port, contract, values)
    return findings


def _check_portal(port: int, contract: Contract, values: dict) -> list[Finding]:
    sample = next((v for v in contract.body.values() if isinstance(v, str)), "")
    query = urllib.parse.urlencode({contract.portal_param: sample})
    try:
        status, page = _request(port, "GET", f"{contract.portal_path}?{query}")
    except OSError as err:
        return [Finding("portal", f"portal is not answering ({err})",
                        message_es=f"el portal no responde ({err})")]
    if status != 200:
        return [Finding("portal", f"portal answered HTTP {status}",
                        message_es=f"el portal respondió HTTP {status}")]
    parser = _Slots(contract.slot_attribute)
    parser.feed(page)
    by_value = {_norm(str(values[f.name])): f for f in contract.fields}
    for f in contract.fields:
        shown = parser.slots.get(f.name)
        if shown is None:
            return [Finding("portal-slot", f"portal has no slot for '{f.name}'",
                            message_es=f"el portal no tiene hueco para '{f.name}'")]
        if _norm(shown) == _norm(str(values[f.name])):
            continue
        # The first wrong slot tells the story; the others follow from it.
        other = by_value.get(_norm(shown))
        what = other.role if other is not None else "something else"
        what_es = other.role_es if other is not None else "otra cosa"
        return [Finding("portal-slot", f"portal renderer shows {what} in the {f.role} slot",
                        f"slot '{f.name}' shows: {_norm(shown)[:120]}",
                        f"el portal muestra {what_es} en el hueco de {f.role_es}")]
    return []
