"""Deploy on the swarm backend: the first release of a workspace creates its swarm
service from deploy/service.yaml; every later one is the workspace's own upgrade
(`docker service update`, then its gate), which the kit does not do for it."""

from __future__ import annotations

import time

from labkit.errors import LabError, UsageError
from labkit.runtime import swarm
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.backends import get_backend
from labkit.runtime.control import ensure_running
from labkit.runtime.layout import Workspace

FIRST_SERVE_TIMEOUT = 120.0  # seconds for the first task to pass its health check


def refuse(ws: Workspace, what: str) -> UsageError:
    return UsageError(f"{what}: the releases of {ws.root.name} run as the swarm service "
                      f"{swarm.service_name(ws)}, and the swarm switches them",
                      hint="upgrade with `just upgrade VERSION`; the swarm rolls a failed "
                           "update back by itself (docker service rollback does it by hand)")


def first_deploy(ws: Workspace, version: str, started: float):
    """Create the service running ``version`` and wait until it answers users."""
    from labkit.runtime.deploy import DeployResult

    ArtifactStore(ws).verify(version)
    backend = get_backend(ws)
    backend.prepare(version)
    swarm.join()
    if swarm.find(ws) is not None:
        raise refuse(ws, f"lab deploy {version}")
    control = ensure_running(ws)
    swarm.create(ws, backend.tag(version))
    deadline = time.monotonic() + FIRST_SERVE_TIMEOUT
    while (status := control.call("status")).get("active") != version:
        if time.monotonic() > deadline:
            raise LabError(f"the swarm service {swarm.service_name(ws)} did not serve {version} "
                           f"within {FIRST_SERVE_TIMEOUT:g} s",
                           hint="see docker service ps " + swarm.service_name(ws))
        time.sleep(0.2)  # the follower reads the service a few times a second
    return DeployResult(version, None, "deploy", time.monotonic() - started,
                        status.get("last_switch_ns"), url=status.get("url"))
