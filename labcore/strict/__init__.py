"""Strict reading of every YAML or JSON file the kit reads.

- :mod:`.files`: a bounded read (regular file only, size cap, UTF-8 checked
  with the line of the first bad byte) and file lines of text offsets;
- :mod:`.yamldoc`: one YAML document composed to a node tree, refusing
  anchors, aliases, tags, merge keys, duplicated keys, deep nesting, too many
  values and a second document, with a line for every node;
- :mod:`.document`: a YAML file as plain data that knows its lines, the
  ``schema_version`` check and pydantic validation naming the field's line;
- :mod:`.jsondoc`: JSON and JSON lines, as strict.
"""

from labcore.strict.document import (
    YamlDoc,
    load_yaml,
    parse_yaml,
    require_mapping,
    schema_version,
    validate,
)
from labcore.strict.files import KIB, MIB, LineIndex, decode, read_bytes, read_text
from labcore.strict.jsondoc import load_json, load_jsonl, load_jsonl_lines, parse_json
from labcore.strict.yamldoc import Budget, Refused, Rules, compose, compose_strict, plain

__all__ = [
    "Budget",
    "KIB",
    "MIB",
    "LineIndex",
    "Refused",
    "Rules",
    "YamlDoc",
    "compose",
    "compose_strict",
    "decode",
    "load_json",
    "load_jsonl",
    "load_jsonl_lines",
    "load_yaml",
    "parse_json",
    "parse_yaml",
    "plain",
    "read_bytes",
    "read_text",
    "require_mapping",
    "schema_version",
    "validate",
]
