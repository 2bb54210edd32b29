"""The YAML parts of a records file: its fenced ```yaml / ```yml blocks, or the whole file.

Fences are found the way Markdown finds them (markdown-it-py, CommonMark
rules) at the top level of the file; a block's text is taken from the file's
own lines, so every character the learner wrote reaches the YAML checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from checker.records.model import MAX_RECORDS
from labcore.errors import DataError
from labcore.strict import LineIndex

# Cheap test before any Markdown parsing: could there be a yaml fence at all?
_CANDIDATE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[ \t]*[{.]*y(?:a)?ml", re.M | re.I)


@dataclass(frozen=True)
class Block:
    """YAML text taken from the file; ``lines`` gives file lines of its offsets."""

    text: str
    first_line: int
    fenced: bool
    lines: LineIndex

    @classmethod
    def make(cls, text: str, first_line: int, fenced: bool) -> Block:
        return cls(text, first_line, fenced, LineIndex(text, first_line))

    def line_at(self, index: int | None) -> int:
        return self.lines.line_at(index)


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero").enable(["fence", "code"])
    md.core.ruler.enableOnly(["normalize", "block"])
    return md


def _closes(line: str, fence: str) -> bool:
    return re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", line) is not None


def _dedent(line: str, n: int) -> str:
    k = 0
    while k < n and k < len(line) and line[k] == " ":
        k += 1
    return line[k:]


def blocks(path: Path, text: str) -> list[Block]:
    """The fenced yaml blocks of ``text`` in order, or the whole text when it has none."""
    found: list[Block] = []
    for number, m in enumerate(_CANDIDATE.finditer(text), start=1):
        if number > MAX_RECORDS:  # refused before any Markdown parsing
            raise DataError(path, f"the file holds more than {MAX_RECORDS} ```yaml blocks; "
                            "keep the records in a few", line=text.count("\n", 0, m.start()) + 1)
    if _CANDIDATE.search(text):
        lines = text.split("\n")
        for token in _markdown().parse(text):
            if token.type != "fence" or token.map is None:
                continue
            words = token.info.strip().split()
            lang = words[0].strip("{}.").casefold() if words else ""
            if lang not in ("yaml", "yml"):
                continue
            start, end = token.map
            if len(found) >= MAX_RECORDS:
                raise DataError(path, f"the file holds more than {MAX_RECORDS} {token.markup}"
                                f"{lang} blocks; keep the records in a few", line=start + 1)
            fence = token.markup
            closed = end - 1 > start and end - 1 < len(lines) and _closes(lines[end - 1], fence)
            if not closed:
                raise DataError(
                    path, f"this {fence}{lang} block is never closed with {fence}", line=start + 1
                )
            indent = len(lines[start]) - len(lines[start].lstrip(" "))
            body = [_dedent(line, indent) for line in lines[start + 1 : end - 1]]
            found.append(Block.make("\n".join(body) + "\n", start + 2, True))
    return found or [Block.make(text, 1, False)]
