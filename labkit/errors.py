"""The one error hierarchy of labkit.

Every exception a user can cause or fix derives from :class:`LabError`; the
CLI's boundary prints its message as one sentence and exits with its code.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

from checker.errors import located

# Named exit codes.
EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_NO_ROLLBACK = 3
EXIT_LOCKED = 4


class LabError(Exception):
    """A problem the user can act on; ``str(err)`` is one plain sentence."""

    exit_code = EXIT_FAIL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class UsageError(LabError):
    exit_code = EXIT_USAGE


class DataError(LabError):
    """Bad content in a file the user or an author wrote."""

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


class WorkspaceError(LabError):
    """No workspace here, or it is not in a usable state."""


class ArtifactError(LabError):
    """An artifact is missing, unverified or corrupt."""


class BuildError(LabError):
    """A build recipe failed."""


class DeployError(LabError):
    """A deploy could not bring the new release up; the old one keeps serving."""


class NoRollbackPath(LabError):
    """Rollback has nothing to flip back to."""

    exit_code = EXIT_NO_ROLLBACK


class LockTimeout(LabError):
    exit_code = EXIT_LOCKED


class SupervisorError(LabError):
    """The workspace supervisor is not running or did not answer."""


class LabNotFound(LabError):
    exit_code = EXIT_USAGE
