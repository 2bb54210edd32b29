"""The swarm backend: a release is an image, as on the docker backend (same build,
same archive, same load), but what runs it is the workspace's swarm service
(:mod:`labkit.runtime.swarm`): the swarm starts, checks, replaces and rolls back
its tasks, and the supervisor only follows it (:mod:`labkit.runtime.swarmfollow`).

The service outlives its supervisor: a restarted supervisor adopts it, and only
`lab stop` removes it (and leaves the swarm when the kit made it).
"""

from __future__ import annotations

from labkit.runtime import dockerapi, swarm
from labkit.runtime.backends.base import Running
from labkit.runtime.backends.docker import DockerBackend


class SwarmBackend(DockerBackend):
    kind = "swarm"
    adopts = True

    async def start(self, version: str, port: int) -> Running:
        raise RuntimeError(f"on a swarm the service's tasks serve {version}; the kit does not "
                           "start releases itself (upgrade with `just upgrade VERSION`)")

    def sweep(self) -> list[str]:
        import shutil

        from docker.errors import DockerException

        shutil.rmtree(swarm.socket_dir(self.ws), ignore_errors=True)  # the tasks' sockets
        try:
            removed = swarm.remove(self.ws)
            if swarm.leave_if_ours():
                removed.append("the swarm the kit made")
            return removed
        except (DockerException, dockerapi.DaemonUnavailable):
            return []
