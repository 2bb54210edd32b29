"""The one error hierarchy of labkit.

Every exception a user can cause or fix derives from :class:`LabError`; the
CLI's boundary prints its message as one sentence and exits with its code.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from labcore.errors import (
    EXIT_FAIL,
    EXIT_LOCKED,
    EXIT_NO_ROLLBACK,
    EXIT_OK,
    EXIT_USAGE,
    DataError,
    LabError,
    LockTimeout,
    UsageError,
    located,
)

__all__ = [
    "EXIT_FAIL", "EXIT_LOCKED", "EXIT_NO_ROLLBACK", "EXIT_OK", "EXIT_USAGE", "ArtifactError",
    "BuildError", "DataError", "DeployError", "LabError", "LabNotFound", "LockTimeout",
    "NoRollbackPath", "SupervisorError", "UsageError", "WorkspaceError", "located",
]


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


class SupervisorError(LabError):
    """The workspace supervisor is not running or did not answer."""


class LabNotFound(LabError):
    exit_code = EXIT_USAGE
