"""A workspace's service on a single-node Docker swarm, through the docker SDK.

The node: the kit joins a swarm only when the daemon is in none
(``docker swarm init --advertise-addr 127.0.0.1``) and marks the node with
:data:`CREATED_LABEL`; it leaves only a swarm it marked, once no service of the
kit is left on it. A swarm somebody else made is used as it is and never left.

The service: one per workspace, named and labelled after it, made from the
workspace's ``deploy/service.yaml`` (:mod:`labkit.runtime.swarmspec`). Its tasks
publish no port and join no network the kit talks to: each serves on a Unix
socket, ``/run/tutor/<task id>.sock`` inside its container, which is a short
host directory of this user (:func:`socket_dir`). The kit's router on 127.0.0.1
reaches healthy tasks through those sockets, as the swarm's routing mesh sends
traffic only to tasks that passed their health check.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from labkit.errors import LabError
from labkit.runtime import dockerapi, swarmspec
from labkit.runtime.layout import Workspace

CREATED_LABEL = "org.labkit.swarm-created"  # on the node: the kit made this swarm
TASK_SOCKETS = "/run/tutor"  # where a task sees its socket directory
DATA_DIR = "/data"
# UpdateStatus.State values that end an update (the rest are in flight)
SETTLED = ("completed", "rollback_completed", "paused", "rollback_paused")
SETTLE_TIMEOUT = 30.0  # seconds for a swarm just left to be gone


def _node_state(api) -> dict[str, Any]:
    return api.info().get("Swarm") or {}


def join() -> bool:
    """Make sure the daemon is a swarm manager; True when this call made the swarm."""
    api = dockerapi.client()
    swarm = _settled(api)
    state = swarm.get("LocalNodeState", "inactive")
    if state == "active":
        if not swarm.get("ControlAvailable"):
            raise LabError("this Docker daemon is a swarm worker, and the kit needs a manager "
                           "to create services", hint="run it on a manager node, or leave that "
                                                      "swarm: docker swarm leave")
        return False
    if state != "inactive":
        raise LabError(f"this Docker daemon's swarm is {state}; the kit waits for none or an "
                       "active one", hint="see docker info, or docker swarm leave --force")
    _init(api)
    node = api.nodes.get(_node_state(api)["NodeID"])
    spec = dict(node.attrs["Spec"])
    spec["Labels"] = {**(spec.get("Labels") or {}), CREATED_LABEL: dockerapi.KIT}
    node.update(spec)
    return True


def _settled(api) -> dict[str, Any]:
    """The node's swarm state once it is not in passing (pending: joining or leaving)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    swarm = _node_state(api)
    while swarm.get("LocalNodeState") == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
        swarm = _node_state(api)
    return swarm


def _init(api) -> None:
    """``docker swarm init`` on loopback, then wait until the node serves as a manager.
    A swarm left a moment ago may still be winding down: init then says the node is
    part of a swarm, or the new swarm goes away under it; both are tried again, within
    SETTLE_TIMEOUT seconds."""
    from docker.errors import APIError

    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        try:
            api.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
        except APIError as err:
            if "already part of a swarm" not in str(err) or time.monotonic() > deadline:
                raise LabError(f"the Docker daemon could not make a swarm: "
                               f"{err.explanation or err}") from None
        else:
            if _manager_ready(api, deadline):
                return
        if time.monotonic() > deadline:
            raise LabError(f"the swarm the kit made did not answer as a manager within "
                           f"{SETTLE_TIMEOUT:g} s", hint="see docker info")
        time.sleep(0.2)


def _manager_ready(api, deadline: float) -> bool:
    """True once the node answers as a manager; False if its swarm went away."""
    from docker.errors import APIError

    while time.monotonic() < deadline:
        swarm = _node_state(api)
        if swarm.get("LocalNodeState") == "inactive":
            return False
        if swarm.get("LocalNodeState") == "active" and swarm.get("ControlAvailable"):
            with contextlib.suppress(APIError):
                api.services.list()
                return True
        time.sleep(0.2)
    return False


def kit_services(api=None) -> list:
    api = api or dockerapi.client()
    return api.services.list(filters={"label": f"{dockerapi.KIT_LABEL}={dockerapi.KIT}"})


def leave_if_ours() -> bool:
    """Leave the swarm when the kit made it and none of its services is left on it."""
    api = dockerapi.client()
    swarm = _node_state(api)
    if swarm.get("LocalNodeState") != "active" or not swarm.get("ControlAvailable"):
        return False
    node = api.nodes.get(swarm["NodeID"])
    if (node.attrs["Spec"].get("Labels") or {}).get(CREATED_LABEL) != dockerapi.KIT:
        return False
    if kit_services(api):
        return False
    api.swarm.leave(force=True)
    _settled(api)
    return True


def service_name(ws: Workspace) -> str:
    return f"labkit-{ws.spec.app}-{dockerapi.workspace_id(ws.root)}"


def socket_dir(ws: Workspace) -> Path:
    """The host directory of the workspace's task sockets; short, as socket paths must be."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    return base / f"labkit-{os.getuid()}" / dockerapi.workspace_id(ws.root)


def find(ws: Workspace):
    """The workspace's service, or None."""
    found = dockerapi.client().services.list(
        filters={"label": dockerapi.label_filter(ws)})
    return found[0] if found else None


def create(ws: Workspace, image: str):
    """Create the workspace's service running ``image``, from its deploy/service.yaml."""
    spec = swarmspec.load(ws.root)
    sockets = socket_dir(ws)
    sockets.mkdir(parents=True, exist_ok=True, mode=0o700)
    ws.data.mkdir(parents=True, exist_ok=True)
    from docker.types import Mount

    env = {**spec.env, "SOCKET": f"{TASK_SOCKETS}/{{{{.Task.ID}}}}.sock",
           "LAB_DATA_DIR": DATA_DIR}
    return dockerapi.client().services.create(
        image, name=service_name(ws),
        env=[f"{k}={v}" for k, v in env.items()],
        mounts=[Mount(TASK_SOCKETS, str(sockets), type="bind"),
                Mount(DATA_DIR, str(ws.data.resolve()), type="bind")],
        user=f"{os.getuid()}:{os.getgid()}",
        labels=dockerapi.labels(ws), container_labels=dockerapi.labels(ws),
        **swarmspec.create_args(spec))


def remove(ws: Workspace) -> list[str]:
    """Remove the workspace's service (only services labelled with it) and the socket
    directory its tasks were given; returns the services' names."""
    import shutil

    from docker.errors import NotFound

    removed = []
    for service in dockerapi.client().services.list(
            filters={"label": dockerapi.label_filter(ws)}):
        with contextlib.suppress(NotFound):
            sockets = _socket_source(service.attrs)
            service.remove()
            removed.append(service.name)
            if sockets is not None:
                shutil.rmtree(sockets, ignore_errors=True)
    return removed


def _socket_source(attrs: dict) -> Path | None:
    """The host directory mounted at the tasks' socket directory, when it is one the kit
    made (under this user's base directory), else None."""
    mounts = attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("Mounts") or []
    for mount in mounts:
        source = Path(mount.get("Source") or "/")
        if mount.get("Target") == TASK_SOCKETS and source.parent.name == f"labkit-{os.getuid()}":
            return source
    return None


def version_of(image: str | None) -> str | None:
    """The release an image reference names: its tag (``repo:1.2.3@sha256:...``)."""
    if not image:
        return None
    name = image.split("@", 1)[0]
    tail = name.rsplit("/", 1)[-1]
    return tail.split(":", 1)[1] if ":" in tail else None


def _image(spec: dict | None) -> str | None:
    return ((spec or {}).get("TaskTemplate") or {}).get("ContainerSpec", {}).get("Image")


def status(ws: Workspace) -> dict[str, Any] | None:
    """What the swarm says of the workspace's service: the image its spec names (and
    the previous spec's), its UpdateStatus, and its running tasks with their images and
    health. None when there is no service."""
    service = find(ws)
    if service is None:
        return None
    attrs = service.attrs
    update = attrs.get("UpdateStatus") or {}
    image, previous = _image(attrs.get("Spec")), _image(attrs.get("PreviousSpec"))
    return {
        "service": service.name,
        "image": image, "version": version_of(image),
        "previous_image": previous, "previous_version": version_of(previous),
        "update": {"state": update.get("State"), "message": update.get("Message"),
                   "started_at": update.get("StartedAt"),
                   "completed_at": update.get("CompletedAt")},
        "tasks": running_tasks(ws, service),
    }


def running_tasks(ws: Workspace, service=None) -> list[dict[str, Any]]:
    """The service's tasks that run, newest first: id, image, version, health, socket."""
    from docker.errors import DockerException

    service = service or find(ws)
    if service is None:
        return []
    api = dockerapi.client()
    out = []
    for task in service.tasks(filters={"desired-state": "running"}):
        st = task.get("Status") or {}
        if st.get("State") != "running":
            continue
        image = task["Spec"]["ContainerSpec"].get("Image")
        container_id = (st.get("ContainerStatus") or {}).get("ContainerID")
        health = None
        if container_id:
            with contextlib.suppress(DockerException):
                state = api.api.inspect_container(container_id).get("State") or {}
                health = (state.get("Health") or {}).get("Status")
        out.append({"id": task["ID"], "image": image, "version": version_of(image),
                    "health": health, "created_at": task.get("CreatedAt"),
                    "socket": str(socket_dir(ws) / f"{task['ID']}.sock")})
    out.sort(key=lambda t: t["created_at"] or "", reverse=True)
    return out


def wait_settled(ws: Workspace, timeout: float) -> dict[str, Any] | None:
    """The service's status once its last update has settled (or none was ever made),
    else as it is after ``timeout`` seconds; None when there is no service."""
    deadline = time.monotonic() + timeout
    while True:
        info = status(ws)
        if info is None or info["update"]["state"] in (None, *SETTLED) \
                or time.monotonic() > deadline:
            return info
        time.sleep(0.5)


def converged(info: dict[str, Any], version: str) -> bool:
    """The service runs ``version`` as asked: its update completed (or none was ever
    made) and every running task runs that image."""
    state = info["update"]["state"]
    tasks = info["tasks"]
    return (info["version"] == version and state in (None, "completed") and bool(tasks)
            and all(t["version"] == version for t in tasks))
