"""A strict YAML file as plain data that still knows the line of every field
(the schema checks are in :mod:`.schema`)."""

from __future__ import annotations

from collections.abc import Sequence
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
