"""The one error hierarchy of the checker."""

from __future__ import annotations

from pathlib import Path


def located(path: Path | str, message: str, *, line: int | None = None,
            field: str | None = None) -> str:
    """One sentence naming the file, and the line and field when known."""
    where = str(path) if line is None else f"{path}, line {line}"
    what = f"field '{field}': " if field else ""
    return f"{where}: {what}{message}"


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
        super().__init__(located(path, message, line=line, field=field))
