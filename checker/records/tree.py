"""Reading a records file: from its YAML node tree to records with file lines.

Reading raises :class:`~labcore.errors.DataError` for problems with the file
as a whole (not YAML, not a list, a duplicated key, ...), always with the
file's line. The strict loader (:mod:`labcore.strict`) does the bounded read
and composes each block to a node tree, refusing anchors, aliases, tags,
merge keys, duplicated keys, deep nesting, too many values and a second
document; the lines of records and fields come from the nodes' offsets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from checker.records.fences import Block, blocks
from checker.records.model import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_RECORDS, Record, describe
from labcore.errors import DataError
from labcore.strict import Budget, Refused, Rules, compose, plain, read_text
from labcore.strict.yamldoc import Unreadable, shown

RULES = Rules(
    noun="records",
    one_document="keep all records in one list",
    max_depth=MAX_DEPTH,
    max_nodes=MAX_NODES,
)

# A paragraph starting at the left margin (after a blank line or at the top)
# with no ':' and no sign of YAML: prose in a file read as bare YAML.
_PROSE_LINE = re.compile(r"(?:\A|\n[ \t]*\n)[^\s#\-\[\]{}'\"|>][^:\n]*(?:\n|\Z)")
_PROSE_HINT = "; if the file mixes prose and records, put the records in a ```yaml block"


def key_name(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _compose(path: Path, block: Block, budget: Budget) -> Node | None:
    hint = _PROSE_HINT if not block.fenced and _PROSE_LINE.search(block.text) else ""
    try:
        return compose(block.text, path, lines=block.lines, rules=RULES, syntax_hint=hint,
                       budget=budget)
    except Refused as exc:  # a duplicated key
        in_record = exc.kinds == ("seq", "map")
        where = "this record" if in_record else "the same mapping"
        raise DataError(
            path,
            f"the key '{shown(exc.key)}' appears twice in {where} "
            f"(first on line {block.line_at(exc.first)})",
            line=block.line_at(exc.index),
            field=shown(exc.key) if in_record else None,
        ) from None


def _value(path: Path, block: Block, node: Node) -> Any:
    try:
        return plain(node)
    except Unreadable as exc:
        raise DataError(path, str(exc), line=block.line_at(exc.node.start_mark.index)) from None


def _block_records(path: Path, block: Block, count: int, budget: Budget) -> list[Record]:
    root = _compose(path, block, budget)
    if root is None:
        return []
    where = "the file" if not block.fenced else "this yaml block"
    root_line = block.line_at(root.start_mark.index)
    if isinstance(root, MappingNode):
        raise DataError(
            path,
            f"{where} holds one mapping, not a list of records; start each record with '- '",
            line=root_line,
        )
    if not isinstance(root, SequenceNode):
        hint = (
            "; write the records as a YAML list, or put them in a ```yaml block"
            if not block.fenced
            else "; start each record with '- '"
        )
        raise DataError(path, f"{where} holds text, not a list of records{hint}", line=root_line)
    records: list[Record] = []
    for number, item in enumerate(root.value, start=1):
        item_line = block.line_at(item.start_mark.index)
        if not isinstance(item, MappingNode):
            raise DataError(
                path,
                f"item {number} of the list is {describe(_value(path, block, item))}, "
                "not a record; a record is a set of 'key: value' lines such as 'bug-id: 38-01'",
                line=item_line,
            )
        if count + len(records) >= MAX_RECORDS:
            raise DataError(
                path,
                f"the file holds more than {MAX_RECORDS} records; keep one record per break",
                line=item_line,
            )
        fields: dict[str, object] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in item.value:
            name = key_name(_value(path, block, key_node))
            key_line = block.line_at(key_node.start_mark.index)
            if name in fields:  # keys written differently, read the same (1 and '1')
                raise DataError(
                    path,
                    f"the key '{shown(name)}' appears twice in this record "
                    f"(first on line {lines[name]})",
                    line=key_line,
                    field=shown(name),
                )
            fields[name] = _value(path, block, value_node)
            lines[name] = key_line
        first = next(iter(lines.values()), item_line)
        records.append(Record(file=str(path), line=first, fields=fields, field_lines=lines))
    return records


def parse_records(path: Path | str) -> list[Record]:
    """Every record of a records file, in order.

    Raises DataError (with the file and a line) when the file cannot be read
    as records: too big, not a regular file, not UTF-8, not YAML, not a list
    of mappings, a duplicated key, aliases, too many records, or no records.
    """
    path = Path(path)
    text = read_text(path, limit=MAX_BYTES, kind="a records file")
    if not text.strip():
        raise DataError(path, "the file is empty; it should hold a YAML list of records", line=1)
    found = blocks(path, text)
    records: list[Record] = []
    budget = Budget()  # one count of values for the whole file
    for block in found:
        records.extend(_block_records(path, block, len(records), budget))
    if not records:
        first = found[0]
        where = "its ```yaml blocks are empty" if first.fenced else "it holds only comments"
        line = first.first_line - 1 if first.fenced else 1
        raise DataError(path, f"the file holds no records ({where})", line=line)
    return records
