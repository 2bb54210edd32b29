"""Reading one learner's files as evidence, never through a symlink out of them.

Every file is read through its real path only after that path was found to lie
inside the learner's own directory: a symlink that leads out of it is a
:class:`RowError`, and its target is never opened. Reads are bounded, regular
files only, UTF-8 checked.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from labcore.errors import LabError

JSON_LIMIT = 1024 * 1024


class RowError(LabError):
    """The workspace cannot be graded; ``str(err)`` is one sentence for the row."""


class LearnerFiles:
    """Reads files of one learner's directory, never through a symlink out of it."""

    def __init__(self, learner_dir: str) -> None:
        self.root = Path(learner_dir)
        self.real = Path(os.path.realpath(learner_dir))

    def name(self, path: Path) -> str:
        """``path`` as the instructor knows it: relative to the learner's directory."""
        for base in (self.root, self.real):
            try:
                return str(path.relative_to(base))
            except ValueError:
                continue
        return str(path)

    def resolve(self, path: Path) -> Path:
        """The real path of ``path``; a RowError when it resolves outside the learner."""
        real = Path(os.path.realpath(path))
        if real != self.real and self.real not in real.parents:
            raise RowError(f"{self.name(path)} is a symlink that leads outside the "
                           "learner's directory; it was not followed")
        return real

    def directory(self, path: Path, what: str) -> Path:
        real = self.resolve(path)
        try:
            st = os.stat(real)
        except FileNotFoundError:
            raise RowError(f"{self.name(path)} is missing: {what}") from None
        except OSError as err:
            raise RowError(f"{self.name(path)} cannot be read ({err.strerror})") from None
        if not stat.S_ISDIR(st.st_mode):
            raise RowError(f"{self.name(path)} is a file where a directory belongs")
        return real

    def read(self, path: Path, limit: int) -> bytes | None:
        """The bytes of a regular file inside the learner's directory; None when absent."""
        real = self.resolve(path)
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(real, flags)
        except FileNotFoundError:
            return None
        except OSError as err:
            raise RowError(f"{self.name(path)} cannot be read ({err.strerror})") from None
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise RowError(f"{self.name(path)} is a directory where a file belongs")
            if not stat.S_ISREG(st.st_mode):
                raise RowError(f"{self.name(path)} is not a regular file")
            if st.st_size > limit:
                raise RowError(f"{self.name(path)} is over the {limit // 1024 // 1024} MiB "
                               "limit for it")
            chunks, size = [], 0
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise RowError(f"{self.name(path)} grew over its size limit while read")
            return b"".join(chunks)
        except OSError as err:
            raise RowError(f"{self.name(path)} cannot be read ({err.strerror})") from None
        finally:
            os.close(fd)

    def text(self, path: Path, limit: int) -> str | None:
        data = self.read(path, limit)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise RowError(f"{self.name(path)} is not UTF-8 text (byte {err.start})") from None

    def json_object(self, path: Path) -> dict[str, Any] | None:
        text = self.text(path, JSON_LIMIT)
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError as err:
            raise RowError(f"{self.name(path)} is not valid JSON "
                           f"(line {getattr(err, 'lineno', '?')})") from None
        if not isinstance(data, dict):
            raise RowError(f"{self.name(path)} does not hold a JSON object")
        return data
