"""The one rule for "does this path fall under a protected pattern" (e.g. ``tests/``).

Used wherever the kit decides that a change touches what a fix may not: a
record's fix diff, a lab's faults, the files a break changed.

A pattern with ``*``, ``?`` or ``[`` is a glob (``*`` also crosses ``/``);
otherwise it is a path or directory prefix (``tests/`` or ``tests``). Both
ignore case and a leading ``./``, and ``\\`` is read as ``/``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable


def _norm(text: str) -> str:
    text = text.replace("\\", "/").casefold()
    return text[2:] if text.startswith("./") else text


def matches(path: str, pattern: str) -> bool:
    """Whether ``path`` falls under ``pattern``."""
    p, pat = _norm(path), _norm(pattern)
    if not pat:
        return False
    if any(ch in pat for ch in "*?["):
        return fnmatch.fnmatchcase(p, pat) or fnmatch.fnmatchcase(p, pat.rstrip("/") + "/*")
    if pat.endswith("/"):
        return p.startswith(pat) or p == pat.rstrip("/")
    return p == pat or p.startswith(pat + "/")


def protected(paths: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """The paths (each once, in order) that fall under any of ``patterns``."""
    pats = [p for p in patterns if p]
    hits: list[str] = []
    for path in paths:
        if path and path not in hits and any(matches(path, pat) for pat in pats):
            hits.append(path)
    return hits
