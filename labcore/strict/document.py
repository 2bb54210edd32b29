"""A strict YAML file as plain data that still knows the line of every field,
a versioned-schema check, and pydantic validation that names the field's line."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from labcore.errors import DataError
from labcore.strict.files import KIB, LineIndex, read_text
from labcore.strict.rules import DEFAULT_RULES, Rules
from labcore.strict.yamldoc import Unreadable, compose_strict, plain


@dataclass(frozen=True)
class YamlDoc:
    """One strict YAML document: ``data`` as plain values, ``root`` its node tree."""

    path: str
    root: Node | None
    data: Any
    lines: LineIndex

    def line(self, node: Node) -> int:
        return self.lines.line_at(node.start_mark.index)

    def line_of(self, loc: Sequence[Any]) -> int:
        """The line of the deepest node along ``loc`` (keys and list indexes) that exists."""
        node, line = self.root, 1 if self.root is None else self.line(self.root)
        for part in loc:
            if isinstance(node, MappingNode):
                found = next(((k, v) for k, v in node.value
                              if getattr(k, "value", None) == str(part)), None)
                if found is None:
                    break
                line, node = self.line(found[0]), found[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) \
                    and 0 <= part < len(node.value):
                node = node.value[part]
                line = self.line(node)
            else:
                break
        return line


def parse_yaml(text: str, path: Path | str, *, rules: Rules = DEFAULT_RULES) -> YamlDoc:
    lines = LineIndex(text)
    root = compose_strict(text, path, lines=lines, rules=rules)
    try:
        data = plain(root)
    except Unreadable as exc:
        raise DataError(path, str(exc), line=lines.line_at(exc.node.start_mark.index)) from None
    return YamlDoc(str(path), root, data, lines)


def load_yaml(path: Path | str, *, limit: int = 256 * KIB, kind: str | None = None,
              rules: Rules | None = None) -> YamlDoc:
    """The strict YAML file ``path`` (a regular file of at most ``limit`` bytes)."""
    name = Path(path).name
    rules = rules or Rules(noun=name)
    text = read_text(path, limit=limit, kind=kind or f"a {name} file")
    return parse_yaml(text, path, rules=rules)


def require_mapping(doc: YamlDoc, what: str) -> dict[str, Any]:
    """The document's data when it is a mapping, refused in one sentence otherwise."""
    if not isinstance(doc.data, dict):
        raise DataError(doc.path, f"must be a mapping of {what}", line=1)
    return doc.data


def schema_version(data: Any, path: Path | str, known: Iterable[int], *,
                   line_of: Callable[[Sequence[Any]], int | None] | None = None) -> int:
    """The ``schema_version`` of ``data``, refused unless it is one of ``known``."""
    versions = sorted(known)
    listed = ", ".join(str(v) for v in versions)
    line = line_of(["schema_version"]) if line_of else None
    if not isinstance(data, dict):
        raise DataError(path, "must be a mapping with a schema_version", line=line)
    if "schema_version" not in data:
        raise DataError(path, f"is missing; write schema_version: {versions[-1]}", line=line,
                        field="schema_version")
    value = data["schema_version"]
    if isinstance(value, bool) or not isinstance(value, int) or value not in versions:
        raise DataError(path, f"{value!r} is not a version this kit reads (it reads {listed}); "
                        "update the kit or write the file for a version it reads",
                        line=line, field="schema_version")
    return value


def validate(model: Any, data: Any, path: Path | str, *,
             line_of: Callable[[Sequence[Any]], int | None] | None = None,
             aliases: dict[str, str] | None = None) -> Any:
    """``model.model_validate(data)``; the first error becomes one DataError naming
    the field (dotted) and, with ``line_of``, its line. ``aliases`` maps a model's
    field names to the names written in the file."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = [(aliases or {}).get(p, p) if isinstance(p, str) else p
               for p in first["loc"] if p != "__root__"]
        field = ".".join(str(p) for p in loc) or None
        line = line_of(loc) if line_of else None
        raise DataError(path, pydantic_message(first), line=line, field=field) from None


def pydantic_message(error: dict) -> str:
    msg = error.get("msg", "is invalid")
    if error.get("type") == "missing":
        return "is required"
    if error.get("type") == "extra_forbidden":
        return "is not a known setting"
    if error.get("type") == "value_error" and error.get("ctx", {}).get("error") is not None:
        return str(error["ctx"]["error"])  # the validator's own sentence
    return msg[0].lower() + msg[1:] if msg else "is invalid"
