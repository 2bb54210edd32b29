"""The API contract (contract/api.json) and the check of a live service against it.

Generic over the contract: send the contract's sample request, compare the
response's fields, their order and types with the contract, then render the
sample in the portal and check that each field's slot shows that field's value.
A contract may also list ``routes``: other GET paths the service must answer
with 200 and a JSON object holding the named fields (a feature a release adds).
Used by the smoke test and by the supervisor's prober.
"""

from __future__ import annotations

import html
import http.client
import json
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from labcore.strict import KIB, load_json, schema_version
from labkit.errors import DataError, LabError
from labkit.i18n import t
from labkit.runtime.layout import Workspace

SCHEMA_VERSIONS = (1,)
MAX_BYTES = 256 * KIB
TYPES = {"string": str, "number": (int, float), "integer": int, "boolean": bool,
         "object": dict, "array": list}


@dataclass(frozen=True)
class Finding:
    """One way the service departs from its contract: ``code`` for evidence, the
    catalog message ``smoke.<key>`` with ``params`` for people (``localized``
    holds parameters that differ by language, such as a slot's role)."""

    code: str
    key: str
    params: dict = field(default_factory=dict)
    detail: str | None = None
    localized: dict = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return t(f"smoke.{self.key}", lang, **{**self.params, **self.localized.get(lang, {})})

    @property
    def message(self) -> str:
        return self.text("en")


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
    routes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (path, field names)


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
            routes=tuple(_route(r) for r in doc.get("routes") or ()),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise DataError(path, f"lacks a required contract entry ({err})") from None


def _route(entry: dict) -> tuple[str, tuple[str, ...]]:
    path = entry["path"]
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("a route's path starts with '/'")
    return path, tuple(str(f["name"]) for f in entry.get("fields") or ())


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
        return [Finding("unreachable", "unreachable", {"path": contract.path, "error": err})]
    if status != 200:
        return [Finding("status", "status", {"path": contract.path, "status": status}, text[:200])]
    try:
        pairs = json.loads(text, object_pairs_hook=list)
    except json.JSONDecodeError:
        return [Finding("not-json", "not-json", {"path": contract.path}, text[:200])]
    if not isinstance(pairs, list) or not all(isinstance(p, tuple) for p in pairs):
        return [Finding("not-object", "not-object", {"path": contract.path})]
    got = [k for k, _ in pairs]
    values = dict(pairs)
    expected = [f.name for f in contract.fields]
    if set(got) != set(expected):
        missing = [n for n in expected if n not in got]
        extra = [n for n in got if n not in expected]
        findings.append(Finding("fields", "fields", {},
                                f"missing: {', '.join(missing) or '-'}; "
                                f"unexpected: {', '.join(extra) or '-'}"))
    elif got != expected:
        findings.append(Finding("order", "order", {},
                                f"contract: {', '.join(expected)}; response: {', '.join(got)}"))
    for f in contract.fields:
        wanted = TYPES.get(f.type)
        if f.name in values and wanted and not isinstance(values[f.name], wanted):
            findings.append(Finding("type", "type", {"field": f.name, "type": f.type}))
    if contract.portal_path and contract.portal_param and set(got) == set(expected):
        findings += _check_portal(port, contract, values)
    for path, names in contract.routes:
        findings += _check_route(port, path, names)
    return findings


def _check_route(port: int, path: str, names: tuple[str, ...]) -> list[Finding]:
    try:
        status, text = _request(port, "GET", path)
    except OSError as err:
        return [Finding("unreachable", "unreachable", {"path": path, "error": err})]
    if status != 200:
        return [Finding("route-status", "status", {"path": path, "status": status}, text[:200])]
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [Finding("not-json", "not-json", {"path": path}, text[:200])]
    if not isinstance(data, dict):
        return [Finding("not-object", "not-object", {"path": path})]
    missing = [n for n in names if n not in data]
    if missing:
        return [Finding("route-fields", "route-fields", {"path": path,
                                                         "fields": ", ".join(missing)})]
    return []


def _check_portal(port: int, contract: Contract, values: dict) -> list[Finding]:
    sample = next((v for v in contract.body.values() if isinstance(v, str)), "")
    query = urllib.parse.urlencode({contract.portal_param: sample})
    try:
        status, page = _request(port, "GET", f"{contract.portal_path}?{query}")
    except OSError as err:
        return [Finding("portal", "portal-down", {"error": err})]
    if status != 200:
        return [Finding("portal", "portal-status", {"status": status})]
    parser = _Slots(contract.slot_attribute)
    parser.feed(page)
    by_value = {_norm(str(values[f.name])): f for f in contract.fields}
    for f in contract.fields:
        shown = parser.slots.get(f.name)
        if shown is None:
            return [Finding("portal-slot", "portal-no-slot", {"field": f.name})]
        if _norm(shown) == _norm(str(values[f.name])):
            continue
        # The first wrong slot tells the story; the others follow from it.
        other = by_value.get(_norm(shown))
        shown_en = other.role if other is not None else t("smoke.something-else", "en")
        shown_es = other.role_es if other is not None else t("smoke.something-else", "es")
        return [Finding("portal-slot", "portal-slot", {"shown": shown_en, "slot": f.role},
                        f"slot '{f.name}' shows: {_norm(shown)[:120]}",
                        {"es": {"shown": shown_es, "slot": f.role_es}})]
    return []
