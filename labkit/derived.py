"""Derived state: what reading a kit file produced, kept as JSON for the next command.

The strict YAML reader is pure Python, and reading lab.yaml, service.yaml or the
message catalog with it costs more than the rest of a quick `lab` command; a
command that meets the same bytes again loads JSON instead.

- An entry is content-addressed: its name is a digest of its kind, of the code
  that reads such files (:func:`code_digest`: a changed reader misses) and of
  the file's bytes (an edited file misses). There is no clock in the key.
- An entry carries the digest of its own text and its key: a truncated,
  corrupt or misplaced entry is ignored, and rebuilt by the next read.
- Only what a file gave after passing every check is stored (a refused file
  never is), and only data JSON gives back unchanged.
- It lives in the kit's cache directory (LAB_CACHE_DIR), which the kit owns as
  it owns its code and its wheelhouse. It can be deleted at any time; where it
  cannot be written, nothing is cached and every read is a full one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, TypeVar

from labcore.errors import DataError
from labcore.strict.files import MIB, read_bytes

T = TypeVar("T")
MAX_ENTRY = 4 * MIB  # entries are derived from files of at most 256 KiB
KEEP = 256  # entries kept per kind, the most recently written


def root() -> Path:
    from labkit.paths import cache_dir

    return cache_dir() / "derived"


@cache
def code_digest(*modules: str) -> str | None:
    """A digest of the source of ``modules`` (found, not imported); None when one
    cannot be read, and then nothing is cached."""
    digest = hashlib.sha256()
    for name in modules:
        try:
            spec = find_spec(name)
            source = Path(spec.origin).read_bytes() if spec and spec.origin else None
        except (ImportError, OSError, ValueError):
            source = None
        if source is None:
            return None
        digest.update(f"{name}\0{len(source)}\0".encode() + source)
    return digest.hexdigest()


def _key(kind: str, source: bytes, reader: str) -> str:
    return hashlib.sha256(f"{kind}\0{reader}\0".encode() + source).hexdigest()


def _path(kind: str, key: str) -> Path:
    return root() / kind / f"{key}.json"


def lookup(kind: str, source: bytes, reader: str | None) -> Any | None:
    """What :func:`store` kept for these bytes read by ``reader``, else None."""
    if reader is None:
        return None
    key = _key(kind, source, reader)
    try:
        blob = read_bytes(_path(kind, key), limit=MAX_ENTRY, kind="a cache entry")
    except DataError:
        return None
    digest, _, text = blob.partition(b"\n")
    if hashlib.sha256(text).hexdigest().encode() != digest:
        return None
    try:
        entry = json.loads(text)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry.get("data")


def store(kind: str, source: bytes, reader: str | None, data: Any) -> None:
    """Keep ``data``, what ``reader`` made of ``source``, for :func:`lookup`."""
    if reader is None or data is None:
        return
    key = _key(kind, source, reader)
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode()
    except (TypeError, ValueError):  # a date, NaN, a key that is not text: not kept
        return
    if json.loads(text)["data"] != data:  # JSON would give back something else
        return
    blob = hashlib.sha256(text).hexdigest().encode() + b"\n" + text
    directory = _path(kind, key).parent
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")  # not *.json
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.replace(tmp, _path(kind, key))
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _trim(directory)


def _trim(directory: Path) -> None:
    entries = [(p.stat().st_mtime_ns, p) for p in directory.glob("*.json")]
    for _, old in sorted(entries, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def load_yaml(path: Path, *, kind: str, limit: int, rules: Any, code: tuple[str, ...] = (),
              read: Callable[[Any], tuple[T, Any]], restore: Callable[[Any], T | None]) -> T:
    """The strict YAML file ``path`` (``kind`` names it: "lab.yaml") turned into a value.

    The first read of some bytes is a full one: ``read(doc)`` gets the strict
    document (labcore.strict.YamlDoc) and returns the value and the plain data to
    keep. Later reads of the same bytes give that data to ``restore``, which checks
    it and returns the value again, or None to have the file read in full.
    ``code`` names the modules, beside the strict reader, whose source decides
    the value.
    """
    from labcore.strict import YAML_READER

    raw = read_bytes(path, limit=limit, kind=f"a {kind} file")
    reader = code_digest(*YAML_READER, *code)
    data = lookup(kind, raw, reader)
    if data is not None:
        value = restore(data)
        if value is not None:
            return value
    from labcore.strict import decode, parse_yaml

    value, data = read(parse_yaml(decode(path, raw), path, rules=rules))
    store(kind, raw, reader, data)
    return value
