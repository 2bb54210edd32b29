"""One plain sentence for a YAML syntax error, and the place to point at."""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.error import MarkedYAMLError


def explain(exc: MarkedYAMLError, *, noun: str, one_document: str) -> tuple[str, int | None]:
    """The sentence for ``exc`` and the character offset it is about.

    ``noun`` names what the file holds ("records"); ``one_document`` is the
    advice when a second document starts ("keep all records in one list").
    """
    message, mark = _explain(exc, noun, one_document)
    return message, getattr(mark, "index", None) if mark is not None else None


def _explain(exc: MarkedYAMLError, noun: str, one_document: str) -> tuple[str, Any]:
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    pm, cm = exc.problem_mark, exc.context_mark
    at = pm if pm is not None else cm
    if "quoted scalar" in context and "end of stream" in problem:
        return "this quoted value is never closed; add the closing quote", cm or pm
    if "simple key" in context and "expected ':'" in problem:
        return (
            "this line is not 'key: value' and not indented under the key above; "
            "indent it to continue the value, or add the missing ':'",
            cm or pm,
        )
    if problem.startswith("mapping values are not allowed"):
        return (
            "a ': ' here cannot start a key; put a value that contains ': ' in quotes, "
            "or fix the indentation of this line",
            at,
        )
    if "'\\t'" in problem or "tab character" in problem:
        return "a tab is used for indentation here; YAML indents with spaces", at
    m = re.search(r"found character '(.+?)' that cannot start any token", problem)
    if m:
        return f"a value cannot start with '{m.group(1)}'; put the value in quotes", at
    if "escape character" in problem:
        return (
            "a double-quoted value holds an unknown '\\' escape; use single quotes, "
            "or write '\\\\' for a backslash",
            at,
        )
    if "',' or ']'" in problem:
        return "a '[' list is not closed with ']' or misses a ','", at
    if "',' or '}'" in problem:
        return "a '{' mapping is not closed with '}' or misses a ','", at
    if "block scalar" in context:
        return (
            "after '|' or '>' the text must start on the next line, indented under its key",
            at,
        )
    if "document" in context or "document" in problem:
        return f"a second YAML document starts here ('---'); {one_document}", at
    if "sequence entries are not allowed" in problem or "'-' indicator" in problem:
        return "a list item ('- ') cannot start here; check the indentation", at
    if "directive" in problem or "directive" in context:
        return f"a '%' directive is not allowed in {noun}", at
    if "block end" in problem or "expected key" in problem or "block" in context:
        return "the indentation of this line does not fit the lines above", at
    return "this is not valid YAML; check the indentation and quoting", at
