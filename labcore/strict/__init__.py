"""Strict reading of every YAML or JSON file the kit reads.

- :mod:`.files`: a bounded read (regular file only, size cap, UTF-8 checked
  with the line of the first bad byte) and file lines of text offsets;
- :mod:`.yamldoc`: one YAML document composed to a node tree, refusing
  anchors, aliases, tags, merge keys, duplicated keys, deep nesting, too many
  values and a second document, with a line for every node;
- :mod:`.document`: a YAML file as plain data that knows its lines;
- :mod:`.schema`: the ``schema_version`` check and pydantic validation naming
  the field's line;
- :mod:`.jsondoc`: JSON and JSON lines, as strict;
- :mod:`.rules`: what a strict YAML document may hold.

The names below are loaded on first use, so importing one of them does not
import the YAML reader (ruamel) unless it is needed.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each name, and the module that defines it.
_WHERE = {
    **dict.fromkeys(("YamlDoc", "load_yaml", "parse_yaml", "require_mapping"), "document"),
    **dict.fromkeys(("schema_version", "validate"), "schema"),
    **dict.fromkeys(("KIB", "MIB", "LineIndex", "decode", "read_bytes", "read_text"), "files"),
    **dict.fromkeys(("load_json", "load_jsonl", "load_jsonl_lines", "parse_json"), "jsondoc"),
    **dict.fromkeys(("Budget", "Refused", "compose", "compose_strict", "plain"), "yamldoc"),
    "Rules": "rules",
}

# The modules whose source decides what a YAML file reads as (labkit.derived keys
# what it keeps by their digest).
YAML_READER = ("labcore.strict.files", "labcore.strict.rules", "labcore.strict.yamldoc",
               "labcore.strict.yamlsyntax", "labcore.strict.document", "labcore.strict.schema",
               "ruamel.yaml")

__all__ = sorted([*_WHERE, "YAML_READER"])


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
