"""Making a lab README's relative links work on the site."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)<?(\S+?)>?(\s+.*)?$")
_CODE_SPAN = re.compile(r"(`+).+?\1")


def rewrite_links(markdown: str, lab_dir: Path, docs_source: Path, page_dir: str) -> str:
    """Makes a README's relative links work on the site.

    A link into the kit's ``docs/`` becomes a link between site pages; a link
    to anything else in the lab (its checks, its fix) is not published, so it
    is reduced to its text. Absolute URLs and in-page anchors are kept.
    Fenced code blocks and code spans are left untouched. A link into docs/
    that names a missing page stays a link, so the strict build reports it.
    """
    docs_source = docs_source.resolve()
    lab_dir = lab_dir.resolve()

    def target_for(raw: str) -> str | None:
        if _SCHEME.match(raw) or raw.startswith(("#", "/")):
            return raw
        path, sep, fragment = raw.partition("#")
        resolved = (lab_dir / path).resolve()
        try:
            inside = resolved.relative_to(docs_source)
        except ValueError:
            return None
        rel = os.path.relpath(docs_source / inside, docs_source / page_dir)
        return rel.replace(os.sep, "/") + sep + fragment

    def inline(match: re.Match[str]) -> str:
        bang, text, raw, title = match.groups()
        target = target_for(raw)
        if target is None:
            return text
        return f"{bang}[{text}]({target}{title or ''})"

    out: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines():
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        ref = _REF_DEF.match(line)
        if ref:
            target = target_for(ref.group(2))
            if target is None:
                continue
            out.append(f"{ref.group(1)}{target}{ref.group(3) or ''}")
            continue
        out.append(_outside_code(line, lambda part: _INLINE_LINK.sub(inline, part)))
    return "\n".join(out)


def _outside_code(line: str, change: Callable[[str], str]) -> str:
    pieces: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(line):
        pieces.append(change(line[last : span.start()]))
        pieces.append(span.group(0))
        last = span.end()
    pieces.append(change(line[last:]))
    return "".join(pieces)
