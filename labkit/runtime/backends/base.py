"""The interface every backend implements.

A backend has two halves. ``prepare``/``discard`` run in the CLI, under the
workspace lock, and make a verified artifact runnable (unpack a tarball, load an
image) or remove what that made. ``start`` runs inside the supervisor and brings
a prepared release up on a port, returning a :class:`Running` handle.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from labkit.runtime.layout import Workspace


class Running(ABC):
    version: str
    port: int
    ident: str  # pid, container id, ...

    @abstractmethod
    def alive(self) -> bool: ...

    @abstractmethod
    async def stop(self, timeout: float = 5.0) -> None: ...

    @abstractmethod
    def log_tail(self, lines: int = 20) -> str: ...


class Backend(ABC):
    kind: str
    adopts = False  # what runs outlives the supervisor, and a new one adopts it

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    @abstractmethod
    def prepare(self, version: str) -> None:
        """Make the verified artifact of ``version`` runnable (idempotent)."""

    @abstractmethod
    def prepared(self, version: str) -> bool: ...

    @abstractmethod
    def digest(self, version: str) -> str | None:
        """The sha256 of the artifact ``version`` is prepared from (None if it is not)."""

    @abstractmethod
    def discard(self, version: str) -> None:
        """Remove what prepare made (the artifact itself is the store's business)."""

    @abstractmethod
    async def start(self, version: str, port: int) -> Running: ...

    def check(self) -> None:  # noqa: B027 - most backends need nothing checked
        """Raise a LabError (changing nothing) when the backend cannot work here."""

    def sweep(self) -> list[str]:
        """Remove what an earlier supervisor left running (after a crash); returns what."""
        return []
