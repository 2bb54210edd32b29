"""Strict JSON: bounded, UTF-8, no duplicated keys, no NaN, bounded depth; and JSON lines.

Parsing is the standard library's; only when a file is refused is it scanned
again to find the line of the duplicated key or of the too-deep value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from labcore.errors import DataError
from labcore.strict.files import MIB, decode, read_bytes

MAX_DEPTH = 64


class _Duplicate(Exception):
    pass


class _Constant(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise _Constant(name)


def _advise(message: str, advice: str | None) -> str:
    return f"{message}; {advice}" if advice else message


def parse_json(text: str, path: Path | str, *, max_depth: int = MAX_DEPTH,
               advice: str | None = None, first_line: int = 1) -> Any:
    """The value of one JSON text; ``advice`` (what to do) ends every refusal."""
    def fail(message: str, line: int | None) -> DataError:
        return DataError(path, _advise(message, advice),
                         line=None if line is None else first_line + line - 1)

    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise fail(f"this is not valid JSON ({err.msg})", err.lineno) from None
    except _Duplicate as err:
        key, line, first = _locate_duplicate(text, str(err.args[0]))
        raise fail(f"the key '{key}' appears twice in the same object (first on line "
                   f"{first_line + first - 1})", line) from None
    except _Constant as err:
        raise fail(f"{err.args[0]} is not a JSON value", _line_of(text, str(err.args[0])))\
            from None
    except RecursionError:
        raise fail(f"the values are nested more than {max_depth} levels deep",
                   _locate_depth(text, max_depth)) from None
    if _depth(value) > max_depth:
        raise fail(f"the values are nested more than {max_depth} levels deep",
                   _locate_depth(text, max_depth))
    return value


def load_json(path: Path | str, *, limit: int = MIB, kind: str = "a JSON file",
              max_depth: int = MAX_DEPTH, advice: str | None = None) -> Any:
    """The value of the JSON file ``path``: a regular file of at most ``limit`` bytes."""
    text = decode(path, read_bytes(path, limit=limit, kind=kind))
    return parse_json(text, path, max_depth=max_depth, advice=advice)


def load_jsonl(path: Path | str, *, limit: int = 16 * MIB, kind: str = "a JSON lines file",
               max_depth: int = MAX_DEPTH, advice: str | None = None,
               torn_tail: bool = True) -> list[dict[str, Any]]:
    """One JSON object per line of ``path``; blank lines are skipped.

    With ``torn_tail``, a last line without its newline that does not parse
    is left out: an append cut short by a crash, not a damaged file.
    """
    return [value for _, value in load_jsonl_lines(path, limit=limit, kind=kind,
                                                   max_depth=max_depth, advice=advice,
                                                   torn_tail=torn_tail)]


def load_jsonl_lines(path: Path | str, *, limit: int = 16 * MIB, kind: str = "a JSON lines file",
                     max_depth: int = MAX_DEPTH, advice: str | None = None,
                     torn_tail: bool = True) -> list[tuple[int, dict[str, Any]]]:
    """As :func:`load_jsonl`, each object with its line number."""
    text = decode(path, read_bytes(path, limit=limit, kind=kind))
    lines = text.split("\n")
    out: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            value = parse_json(raw, path, max_depth=max_depth, advice=advice, first_line=number)
        except DataError:
            if torn_tail and number == len(lines):
                break
            raise
        if not isinstance(value, dict):
            raise DataError(path, _advise("this line is not a JSON object", advice), line=number)
        out.append((number, value))
    return out


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((v, depth) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"(?P<colon>\s*:)?|[\[\]{}]')


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _locate_depth(text: str, max_depth: int) -> int | None:
    depth = 0
    for m in _TOKENS.finditer(text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                return _line_at(text, m.start())
        elif ch in "]}":
            depth -= 1
    return None


def _locate_duplicate(text: str, wanted: str) -> tuple[str, int | None, int]:
    """The key as shown, the line of its second use and the line of its first."""
    stack: list[dict[str, int] | None] = []
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok == "{":
            stack.append({})
        elif tok == "[":
            stack.append(None)
        elif tok in "]}":
            if stack:
                stack.pop()
        elif m.group("colon") and stack and stack[-1] is not None:
            try:
                key = json.loads(tok[: tok.rindex('"') + 1])
            except ValueError:
                continue
            seen = stack[-1]
            line = _line_at(text, m.start())
            if key in seen and key == wanted:
                return _shown(key), line, seen[key]
            seen.setdefault(key, line)
    return _shown(wanted), None, 1


def _line_of(text: str, word: str) -> int | None:
    m = re.search(rf"(?<![\w\"]){re.escape(word)}(?![\w\"])", text)
    return _line_at(text, m.start()) if m else None


def _shown(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
