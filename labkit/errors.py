"""The errors of the doing half; every one derives from the kit's one root,
:class:`labcore.errors.LabError` (re-exported here with the exit codes)."""

from __future__ import annotations

from labcore.errors import (  # noqa: F401 - re-exported for the doing half
    EXIT_FAIL,
    EXIT_LOCKED,
    EXIT_NO_ROLLBACK,
    EXIT_OK,
    EXIT_USAGE,
    DataError,
    LabError,
    LockTimeout,
    UsageError,
)


class WorkspaceError(LabError):
    """No workspace here, or it is not in a usable state."""


class ArtifactError(LabError):
    """An artifact is missing, unverified or corrupt."""


class BuildError(LabError):
    """A build recipe failed."""


class NoRollbackPath(LabError):
    """Rollback has nothing to flip back to."""

    exit_code = EXIT_NO_ROLLBACK


class SupervisorError(LabError):
    """The workspace supervisor is not running or did not answer."""


class LabNotFound(LabError):
    exit_code = EXIT_USAGE
