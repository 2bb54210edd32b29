"""Bounded reading of a file the kit reads: a regular file, under a size cap, UTF-8.

Every refusal is a :class:`~labcore.errors.DataError` naming the file and,
when it helps, the line (the first line for a file over the cap, the line of
the first byte that is not UTF-8).
"""

from __future__ import annotations

import bisect
import os
import stat
from pathlib import Path

from labcore.errors import DataError

KIB = 1024
MIB = 1024 * KIB


def size_text(limit: int) -> str:
    """A byte count as people say it: 1 MiB, 256 KiB, 100 bytes."""
    if limit >= MIB and limit % MIB == 0:
        return f"{limit // MIB} MiB"
    if limit >= KIB and limit % KIB == 0:
        return f"{limit // KIB} KiB"
    return f"{limit} bytes"


def read_bytes(path: Path | str, *, limit: int, kind: str = "this file") -> bytes:
    """The bytes of ``path``, refused unless it is a regular file of at most ``limit`` bytes.

    ``kind`` names what the file should be (``"a records file"``), for the
    sentences about directories and sizes. A file over the cap is refused
    before it is opened; a device or pipe is refused without reading from it.
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataError(path, "the file does not exist") from None
    except OSError as exc:
        raise DataError(path, f"the file cannot be read ({exc.strerror})") from None
    _check_kind(path, st, kind)
    too_big = f"the file is over the {size_text(limit)} limit for {kind} ({st.st_size} bytes)"
    if st.st_size > limit:
        raise DataError(path, too_big, line=1)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DataError(path, f"the file cannot be read ({exc.strerror})") from None
    try:
        _check_kind(path, os.fstat(fd), kind)  # it may have been swapped since stat()
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, MIB))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise DataError(path, f"the file cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if size > limit:  # it grew after stat()
        raise DataError(path, too_big, line=1)
    return b"".join(chunks)


def _check_kind(path: Path, st: os.stat_result, kind: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise DataError(path, f"this is a directory, not {kind}")
    if not stat.S_ISREG(st.st_mode):
        raise DataError(path, "this is not a regular file")


def decode(path: Path | str, data: bytes) -> str:
    """``data`` as text: UTF-8 checked (naming the line of the first bad byte),
    without a byte-order mark, with every line ending turned into ``\\n``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        raise DataError(
            path,
            f"this line is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            line=before.count(b"\n") + 1,
        ) from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path | str, *, limit: int, kind: str = "this file") -> str:
    """:func:`read_bytes`, then :func:`decode`."""
    return decode(path, read_bytes(path, limit=limit, kind=kind))


class LineIndex:
    """File lines (1-based) of character offsets in a text taken from the file.

    ``first_line`` is the file line of the text's first character, for text
    taken from the middle of a file (a fenced block). Only ``\\n`` ends a line,
    so U+2028 and friends inside a value do not shift the count.
    """

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.first_line = first_line
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_at(self, index: int | None) -> int:
        if index is None or index < 0:
            return self.first_line
        index = min(index, len(self.text))
        return self.first_line + bisect.bisect_left(self._newlines, index)
