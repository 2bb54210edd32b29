"""Strict YAML: one document composed to a node tree, with a line for every node.

The composer refuses, at the first one met and before anything is built:
anchors and aliases (so an alias bomb costs nothing), explicit tags other
than the plain ones, merge keys (``<<``), a key used twice in one mapping,
nesting deeper than ``max_depth`` collections, more than ``max_nodes``
values, and a second document. Each refusal and each syntax error is a
:class:`~labcore.errors.DataError` with the file's line.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from labcore.errors import DataError
from labcore.strict.files import LineIndex
from labcore.strict.rules import DEFAULT_RULES, Rules
from labcore.strict.yamlsyntax import explain

_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_ALLOWED_TAGS = {
    "scalar": {"tag:yaml.org,2002:str", "!"},
    "map": {"tag:yaml.org,2002:map", "!"},
    "seq": {"tag:yaml.org,2002:seq", "!"},
}
_STR = "tag:yaml.org,2002:str"


class Budget:
    """Values composed so far, shared by the documents of one file (its fenced blocks)."""

    def __init__(self) -> None:
        self.used = 0
        self.lines = 0


class Refused(Exception):
    """A refusal at character ``index``; ``path`` is where in the document, ``kinds``
    the collections enclosing it ("seq", "map"), outermost first."""

    def __init__(self, message: str, index: int | None, *, key: str | None = None,
                 first: int | None = None, path: tuple = (), kinds: tuple = (),
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.index = index
        self.key = key
        self.first = first
        self.path = path
        self.kinds = kinds


def shown(text: object, limit: int = 40) -> str:
    """Text fit for a one-line message: one line, not too long."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _tag_name(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _index(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return getattr(mark, "index", None)


class _StrictComposer(Composer):
    """ruamel's composer, refusing what strict documents may not hold as it goes."""

    rules: Rules = Rules()
    budget: Budget = Budget()

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._documents = 0
        self._path: list[Any] = []
        self._kinds: list[str] = []
        self._keys: dict[int, dict[str, int]] = {}

    def compose_document(self) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, DocumentStartEvent):
            self._documents += 1
            if self._documents > 1:
                raise Refused(
                    f"a second YAML document starts here ('---'); {self.rules.one_document}",
                    _index(event),
                )
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        rules = self.rules
        event = self.parser.peek_event()
        at = _index(event)
        is_key = isinstance(parent, MappingNode) and index is None
        part = "?" if is_key else index.value if isinstance(index, ScalarNode) else index
        here = dotted([*self._path, part]) or None
        if isinstance(event, AliasEvent):
            raise Refused(f"the alias '*{event.anchor}' is not allowed in {rules.noun}; "
                          "write the value out", at, field=here)
        if event.anchor is not None:
            raise Refused(f"the anchor '&{event.anchor}' is not allowed in {rules.noun}; "
                          "write the value out", at, field=here)
        kind = ("scalar" if isinstance(event, ScalarEvent) else
                "map" if isinstance(event, MappingStartEvent) else
                "seq" if isinstance(event, SequenceStartEvent) else None)
        tag = getattr(event, "tag", None)
        if kind is not None and tag is not None and str(tag) not in _ALLOWED_TAGS[kind]:
            raise Refused(f"the YAML tag '{_tag_name(str(tag))}' is not allowed in "
                          f"{rules.noun}; remove it", at, field=here)
        self.budget.used += 1
        if self.budget.used > rules.max_nodes:
            raise Refused(f"the file holds more than {rules.max_nodes} values, the most this "
                          f"kit reads in {rules.noun}; shorten it", at, field=here)
        if kind in ("map", "seq"):
            if len(self._kinds) + 1 > rules.max_depth:
                raise Refused(f"the values are nested more than {rules.max_depth} levels deep",
                              at, field=here)
            self._path.append(part)
            self._kinds.append(kind)
        try:
            node = super().compose_node(parent, index)
        finally:
            if kind in ("map", "seq"):
                self._path.pop()
                self._kinds.pop()
        if kind == "map":
            self._keys.pop(id(node), None)
        if is_key and isinstance(node, ScalarNode):
            self._check_key(parent, node, at)
        return node

    def _check_key(self, mapping: MappingNode, node: ScalarNode, at: int | None) -> None:
        key = node.value
        if key == "<<" and not node.style:
            raise Refused(f"merge keys ('<<') are not allowed in {self.rules.noun}", at,
                          field=dotted(self._path) or None)
        seen = self._keys.setdefault(id(mapping), {})
        if key in seen:
            raise Refused(f"the key '{shown(key)}' appears twice in the same mapping", at,
                          key=key, first=seen[key], path=tuple(self._path),
                          kinds=tuple(self._kinds))
        seen[key] = at if at is not None else 0


def _yaml(rules: Rules, budget: Budget) -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = type("Composer", (_StrictComposer,), {"rules": rules, "budget": budget})
    yaml.max_depth = None
    return yaml


def compose(text: str, path: Path | str, *, lines: LineIndex | None = None,
            rules: Rules = DEFAULT_RULES, syntax_hint: str = "",
            budget: Budget | None = None, name_fields: bool = False) -> Node | None:
    """The node tree of the one document in ``text`` (None when it holds none).

    ``lines`` turns offsets in ``text`` into file lines (by default text is the
    whole file). ``syntax_hint`` is added to a syntax error's sentence.
    ``budget`` counts values against ``rules.max_nodes`` across several calls.
    With ``name_fields``, a refusal names the field (dotted path) it is in.
    Raises DataError, or :class:`Refused` for a duplicated key (so the caller
    can word it; :func:`compose_strict` words it for everyone else).
    """
    lines = lines or LineIndex(text)
    budget = budget or Budget()
    newlines = text.count("\n")
    if budget.lines + newlines > rules.max_lines:
        over = max(rules.max_lines - budget.lines, 0)
        raise DataError(path, f"the YAML runs past {rules.max_lines} lines, the most this kit "
                        f"reads in {rules.noun}; shorten it", line=lines.first_line + over)
    budget.lines += newlines
    bad = _NON_PRINTABLE.search(text)
    if bad:
        raise DataError(
            path, f"the control character U+{ord(bad.group()):04X} is not allowed in YAML; "
            "remove it", line=lines.line_at(bad.start()))
    yaml = _yaml(rules, budget)
    try:
        nodes = list(yaml.compose_all(text))
    except Refused as exc:
        if exc.key is not None:
            raise
        raise DataError(path, exc.message, line=lines.line_at(exc.index),
                        field=exc.field if name_fields else None) from None
    except MarkedYAMLError as exc:
        message, index = explain(exc, noun=rules.noun, one_document=rules.one_document)
        raise DataError(path, message + syntax_hint, line=lines.line_at(index)) from None
    except (YAMLError, RecursionError, ValueError) as exc:
        raise DataError(path, "this is not valid YAML; check the indentation and quoting",
                        line=lines.first_line) from exc
    return nodes[0] if nodes else None


def compose_strict(text: str, path: Path | str, *, lines: LineIndex | None = None,
                   rules: Rules = DEFAULT_RULES) -> Node | None:
    """:func:`compose`, a duplicated key worded with the dotted path of its mapping."""
    lines = lines or LineIndex(text)
    try:
        return compose(text, path, lines=lines, rules=rules, name_fields=True)
    except Refused as exc:
        where = dotted(exc.path)
        raise DataError(path, f"the key '{shown(exc.key)}' appears twice in "
                        f"{where or 'this mapping'} "
                        f"(first on line {lines.line_at(exc.first)})",
                        line=lines.line_at(exc.index),
                        field=".".join(filter(None, [where, shown(exc.key)]))) from None


def dotted(parts: Sequence[Any]) -> str:
    """A location in a document as people write it: ``faults.0.find``."""
    return ".".join(str(p) for p in parts if p is not None)


# --------------------------------------------------------------------------
# Plain values


class Unreadable(Exception):
    """A scalar the constructor cannot build (2023-02-30); ``node`` is where."""

    def __init__(self, node: Node) -> None:
        super().__init__("a value here cannot be read (an impossible date?); put it in quotes")
        self.node = node


_CONSTRUCTOR = YAML(typ="safe", pure=True).constructor


def plain(node: Node | None) -> Any:
    """The plain Python value of a node: dict, list, str, int, float, bool, None, date."""
    if node is None:
        return None
    if isinstance(node, MappingNode):
        return {_plain_key(plain(k)): plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [plain(v) for v in node.value]
    if str(node.tag) == _STR:
        return str(node.value)
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except Exception as exc:
        raise Unreadable(node) from exc
    return _plain_scalar(value)


def _plain_scalar(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day, value.hour, value.minute,
                            value.second, value.microsecond, value.tzinfo)
    if isinstance(value, _dt.date):
        return _dt.date(value.year, value.month, value.day)
    return str(value)


def _plain_key(key: Any) -> Any:
    return str(key) if isinstance(key, (dict, list)) else key
