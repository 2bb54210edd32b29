"""The Docker daemon, reached only through the docker SDK, and the labels the kit
puts on everything it makes there (kit, workspace, app, version)."""

from __future__ import annotations

import hashlib
from functools import cache

from labkit.errors import UsageError
from labkit.i18n import t

KIT_LABEL = "org.labkit.kit"
WORKSPACE_LABEL = "org.labkit.workspace"
APP_LABEL = "org.labkit.app"
VERSION_LABEL = "org.labkit.version"
KIT = "labkit"
PORT = 8000  # the port the service listens on inside its container


class DaemonUnavailable(UsageError):
    """No Docker daemon answers: nothing was changed."""


@cache
def client():
    """A client of a daemon that answered a ping; DaemonUnavailable otherwise."""
    import docker
    from docker.errors import DockerException

    try:
        api = docker.from_env(timeout=120)
        api.ping()
    except (DockerException, OSError) as err:
        raise DaemonUnavailable(t("docker.unavailable"), hint=str(err).strip() or None) from None
    return api


def workspace_id(root) -> str:
    """A short stable name for a workspace path (image repositories must be short)."""
    return hashlib.sha256(str(root).encode()).hexdigest()[:12]


def labels(ws, version: str | None = None) -> dict[str, str]:
    out = {KIT_LABEL: KIT, WORKSPACE_LABEL: str(ws.root), APP_LABEL: ws.spec.app}
    if version is not None:
        out[VERSION_LABEL] = version
    return out


def label_filter(ws) -> list[str]:
    return [f"{KIT_LABEL}={KIT}", f"{WORKSPACE_LABEL}={ws.root}"]


def repository(ws) -> str:
    """The image repository of a workspace's releases: labkit/<app>-<workspace id>."""
    return f"labkit/{ws.spec.app}-{workspace_id(ws.root)}"


def workspace_containers(ws, *, all_states: bool = True) -> list:
    # sparse: no inspect per container, so one going away meanwhile breaks nothing
    return client().containers.list(all=all_states, sparse=True,
                                    filters={"label": label_filter(ws)})


def remove_workspace_containers(ws) -> list[str]:
    """Force-remove every container of the workspace; returns their short ids."""
    from docker.errors import NotFound

    removed = []
    for container in workspace_containers(ws):
        try:
            container.remove(force=True)
        except NotFound:
            continue
        removed.append(container.short_id)
    return removed
