"""What a strict YAML document may hold, and the words its refusals use.

Apart from :mod:`.yamldoc` so that a module declaring its rules (lab.yaml,
service.yaml) does not import the YAML reader until it reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DEPTH = 50
MAX_NODES = 20_000
MAX_LINES = 20_000


@dataclass(frozen=True)
class Rules:
    """What a strict document may hold, and the words its refusals use."""

    noun: str = "this file"  # "records", "lab.yaml": "... is not allowed in {noun}"
    one_document: str = "keep everything in one document"
    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES
    max_lines: int = MAX_LINES


DEFAULT_RULES = Rules()
