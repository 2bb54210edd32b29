"""The one error hierarchy of the checker."""

from __future__ import annotations

from pathlib import Path


class CheckerError(Exception):
    """A problem with evidence the user can act on; ``str(err)`` is one sentence."""

    exit_code = 1


class EvidenceError(CheckerError):
    """A file of evidence (journal, records) cannot be read as such.

    Carries where: the file, and when known the line and field.
    """

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.detail = message
        where = self.path if line is None else f"{self.path}, line {line}"
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}: {what}{message}")
