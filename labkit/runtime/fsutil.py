"""Crash-safe file operations: atomic replacement and appends."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from labcore.strict import MIB, load_json, load_jsonl


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data``: readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


STATE_LIMIT = 16 * MIB
STATE_ADVICE = ("the kit's state file is damaged; repair it, or move it aside and run the "
                "command again")


def read_json(path: Path, default: Any = None, *, advice: str = STATE_ADVICE) -> Any:
    """The JSON state file ``path``, or ``default`` when there is none.

    Read strictly (a regular file under 16 MiB, UTF-8, no duplicated keys,
    bounded depth); a damaged file is one DataError naming the file, the line
    and what to do.
    """
    if not path.exists() and not path.is_symlink():
        return default
    return load_json(path, limit=STATE_LIMIT, kind="a state file", advice=advice)


def append_line(path: Path, line: str) -> None:
    """Append one line with a single write (O_APPEND), so concurrent writers never interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (line.rstrip("\n") + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


JSONL_ADVICE = ("the kit's log is damaged at this line; repair or delete the line, keeping "
                "the lines before and after it")


def read_jsonl(path: Path, *, advice: str = JSONL_ADVICE) -> list[dict]:
    """One JSON object per line, strictly; none when the file does not exist.

    A torn last line (a crash mid-write leaves it without its newline) is
    left out; any other bad line is one DataError naming the file and line.
    """
    if not path.exists() and not path.is_symlink():
        return []
    return load_jsonl(path, limit=STATE_LIMIT, kind="a state file", advice=advice)
