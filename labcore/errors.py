"""The one error hierarchy of the kit, and its named exit codes.

Every exception a user can cause or fix derives from :class:`LabError`; the
CLI's boundary prints its message as one sentence and exits with its code.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

# Named exit codes, used by every verb.
EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_NO_ROLLBACK = 3  # lab rollback, just rollback
EXIT_REVIEW = 3  # lab records validate: a person must read a field (same value, other verbs)
EXIT_LOCKED = 4
EXIT_INTERRUPTED = 130


def located(path: Path | str, message: str, *, line: int | None = None,
            field: str | None = None) -> str:
    """One sentence naming the file, and the line and field when known."""
    where = str(path) if line is None else f"{path}, line {line}"
    what = f"field '{field}': " if field else ""
    return f"{where}: {what}{message}"


class LabError(Exception):
    """A problem the user can act on; ``str(err)`` is one plain sentence."""

    exit_code = EXIT_FAIL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class UsageError(LabError):
    exit_code = EXIT_USAGE


class DataError(LabError):
    """Bad content in a file the kit reads (a record, a lab, a state file).

    Carries where: the file, and when known the line and field.
    """

    def __init__(self, path: Path | str, message: str, *, line: int | None = None,
                 field: str | None = None, hint: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.detail = message
        super().__init__(located(path, message, line=line, field=field), hint=hint)


class LockTimeout(LabError):
    exit_code = EXIT_LOCKED
