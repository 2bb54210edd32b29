"""A workspace on disk: a git repo holding the app, `.lab/` (state) and `artifacts/`."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from checker.journal import Journal
from labcore.locks import default_timeout, file_lock
from labcore.names import is_version
from labkit.errors import UsageError, WorkspaceError
from labkit.runtime import service


def check_version(version: str) -> str:
    if not is_version(version):
        raise UsageError(
            f"{version!r} is not a release version: use letters, digits, '.', '-', '+' (e.g. 1.2.3)"
        )
    return version


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @classmethod
    def find(cls, explicit: str | None = None) -> Workspace:
        """The workspace named by --workspace, else the one containing the current directory."""
        if explicit:
            root = Path(explicit)
            if not (root / service.FILENAME).is_file():
                raise WorkspaceError(
                    f"{root} is not a workspace: it has no {service.FILENAME}"
                )
            return cls(root)
        here = Path.cwd().resolve()
        for candidate in (here, *here.parents):
            if (candidate / service.FILENAME).is_file() and (candidate / ".git").exists():
                return cls(candidate)
        raise WorkspaceError(
            f"{here} is not inside a workspace (no {service.FILENAME} above it)",
            hint="run this inside learners/<name>/phase-NN/, or pass --workspace DIR",
        )

    @cached_property
    def spec(self) -> service.ServiceSpec:
        return service.load(self.root)

    # -- paths ---------------------------------------------------------------
    @property
    def state(self) -> Path:
        return self.root / ".lab"

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    @property
    def unpacked(self) -> Path:
        return self.state / "unpacked"

    @property
    def data(self) -> Path:
        """State the releases keep across releases (a cache, say): every release of
        the workspace is handed this one directory, so it outlives each of them."""
        return self.state / "data"

    @property
    def history_path(self) -> Path:
        return self.state / "releases.jsonl"

    @property
    def journal_path(self) -> Path:
        return self.state / "journal.jsonl"

    @property
    def router_path(self) -> Path:
        return self.state / "router.json"

    @property
    def control_path(self) -> Path:
        return self.state / "control.sock"

    @property
    def supervisor_log(self) -> Path:
        return self.state / "supervisor.log"

    @cached_property
    def journal(self) -> Journal:
        return Journal(self.journal_path)

    def lock(self, what: str = "another release command"):
        return file_lock(self.state / "release.lock", timeout=default_timeout(), what=what)

    def artifact_name(self, version: str) -> str:
        return f"{self.spec.app}-{version}.tar"
