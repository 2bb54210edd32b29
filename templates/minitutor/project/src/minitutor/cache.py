"""The tutor's answer cache: every answer the API renders is kept on disk and
served again the next time the same sentence comes in.

The cache lives in ``$LAB_DATA_DIR/cache``, the directory the lab kit hands to
every release of the workspace, so it outlives each release. Without
``LAB_DATA_DIR`` (the service's tests, a bare ``python -m minitutor.app``)
nothing is cached.

Entries are grouped in namespaces. ``NAMESPACE`` in the cache directory names
the one every release reads and writes (``ns-0`` until it is first rotated);
``just cache-rotate`` writes a new name there, which moves every release to an
empty namespace in one step without deleting anything in place. Inside the
namespace an answer sits under its key (:func:`key`).

An answer that is served is stored again, so a sentence people keep asking
stays fresh; an entry nobody asked for in ``MAX_AGE`` seconds is rendered anew.
The cache is a shortcut: when the disk says no, the answer is rendered anyway.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

MAX_AGE = 24 * 3600  # seconds an entry nobody asked for is still trusted
DEFAULT_NAMESPACE = "ns-0"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")  # safe as one path segment


def directory() -> Path | None:
    """The cache directory, or None when the service runs without one."""
    data = os.environ.get("LAB_DATA_DIR")
    return Path(data) / "cache" if data else None


def namespace(root: Path) -> str:
    """The namespace in use: the name in ``root/NAMESPACE``."""
    try:
        name = (root / "NAMESPACE").read_text(encoding="utf-8").strip()
    except OSError:
        return DEFAULT_NAMESPACE
    return name if _NAME.fullmatch(name) else DEFAULT_NAMESPACE


def key(release: str, sentence: str) -> str:
    """Where, inside the namespace, the answer ``release`` renders for ``sentence`` is kept."""
    digest = hashlib.sha256(sentence.encode("utf-8")).hexdigest()
    return f"{release}/{digest}"


def encode(answer: dict) -> str:
    """An entry on disk: the answer as the API sends it."""
    return json.dumps(answer, ensure_ascii=False)


def decode(text: str) -> dict:
    return json.loads(text)


def answer(root: Path | None, release: str, sentence: str,
           render: Callable[[str], dict]) -> dict:
    """The answer to ``sentence``: the cached one when there is one, else ``render``'s."""
    if root is None:
        return render(sentence)
    release = release if _NAME.fullmatch(release) else "unknown"
    path = root / namespace(root) / key(release, sentence)
    found = _read(path)
    result = render(sentence) if found is None else found
    _write(path, result)  # stored again on every use: its age starts over
    return result


def _read(path: Path) -> dict | None:
    try:
        if time.time() - path.stat().st_mtime > MAX_AGE:
            return None
        return decode(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None


def _write(path: Path, result: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(encode(result), encoding="utf-8")
        os.replace(tmp, path)  # readers see the old entry or the new one, never half
    except OSError:
        tmp.unlink(missing_ok=True)
