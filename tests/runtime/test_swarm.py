"""A workspace's service on a real single-node swarm: the kit joins a swarm only
when the daemon is in none and leaves only its own; tasks serve on Unix sockets;
a failing update is rolled back by the swarm, and the status says so."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess

import pytest
from support import wait_for

from labkit.runtime import swarm
from labkit.runtime.backends.docker import DockerBackend
from labkit.runtime.layout import Workspace

pytestmark = [pytest.mark.docker, pytest.mark.swarm]

SPEC = """\
schema_version: 1
healthcheck: {test: [python3, -S, -m, miniapp.healthcheck], interval_s: 0.5, retries: 2,
              start_period_s: 0}
update_config: {order: start-first, failure_action: rollback, monitor_s: 2}
rollback_config: {order: start-first, monitor_s: 1}
"""


def node_state(api) -> str:
    return api.info()["Swarm"]["LocalNodeState"]


@pytest.fixture
def in_no_swarm(docker_daemon):
    """The daemon in no swarm, as on a fresh machine (a test needing one makes it)."""
    if node_state(docker_daemon) != "inactive":
        pytest.skip("the daemon is already in a swarm this test did not make")
    yield docker_daemon
    if node_state(docker_daemon) != "inactive":
        docker_daemon.swarm.leave(force=True)
        wait_for(lambda: node_state(docker_daemon) == "inactive", timeout=30,
                 what="the daemon to leave the swarm")


@pytest.fixture
def swarm_ws(docker_built, in_no_swarm):
    (docker_built / "deploy").mkdir(exist_ok=True)
    (docker_built / "deploy" / "service.yaml").write_text(SPEC)
    ws = Workspace(docker_built)
    for version in ("1.0.1", "1.0.2"):
        DockerBackend(ws).prepare(version)
    assert swarm.join() is True
    yield ws
    swarm.remove(ws)
    # The low-level list: it inspects nothing, so a container going away meanwhile is fine.
    wait_for(lambda: not in_no_swarm.api.containers(
        all=True, filters={"label": f"com.docker.swarm.service.name={swarm.service_name(ws)}"}),
        timeout=60, what="the service's containers to go")
    assert swarm.leave_if_ours() is True


class UnixConnection(http.client.HTTPConnection):
    """HTTP over a task's Unix socket, the way the kit's router reaches it."""

    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=5)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(self.path)


def unix_get(path: str, url: str) -> dict:
    conn = UnixConnection(path)
    try:
        conn.request("GET", url)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def settled(ws):
    info = swarm.status(ws)
    return info if info and info["update"]["state"] in swarm.SETTLED else None


def healthy(ws, version):
    tasks = swarm.running_tasks(ws)
    return tasks if tasks and all(t["health"] == "healthy" and t["version"] == version
                                  for t in tasks) else None


def test_join_makes_a_loopback_swarm_and_leaves_only_its_own(in_no_swarm):
    api = in_no_swarm
    assert swarm.join() is True
    assert api.info()["Swarm"]["NodeAddr"] == "127.0.0.1"
    assert swarm.join() is False  # already a manager: nothing changes
    assert swarm.leave_if_ours() is True
    assert node_state(api) == "inactive"
    # A swarm somebody else made is used as it is, and never left.
    api.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    assert swarm.join() is False
    assert swarm.leave_if_ours() is False
    assert node_state(api) == "active"


def test_a_failing_update_is_rolled_back_and_the_status_says_so(swarm_ws, docker_daemon):
    ws = swarm_ws
    tag = DockerBackend(ws).tag
    swarm.create(ws, tag("1.0.1"))
    [task] = wait_for(lambda: healthy(ws, "1.0.1"), timeout=60, what="a healthy 1.0.1 task")
    assert unix_get(task["socket"], "/version")["version"] == "1.0.1"
    info = swarm.status(ws)
    assert swarm.converged(info, "1.0.1") and not swarm.converged(info, "1.0.2")

    # The upgrade a workspace makes: the CLI, detached; 1.0.2 is told to be unhealthy.
    subprocess.run(["docker", "service", "update", "--detach", "--no-resolve-image",
                    "--image", tag("1.0.2"), "--env-add", "MINI_UNHEALTHY=1",
                    swarm.service_name(ws)], check=True, capture_output=True, timeout=60)
    during = swarm.status(ws)
    assert (during["version"], during["previous_version"]) == ("1.0.2", "1.0.1")
    # The spec says 1.0.2 at once, while the old task serves:
    assert [t["version"] for t in during["tasks"]][-1] == "1.0.1"
    assert not swarm.converged(during, "1.0.2")

    info = wait_for(lambda: settled(ws), timeout=90, what="the update to settle")
    assert info["update"]["state"] == "rollback_completed"
    assert info["version"] == "1.0.1"  # the swarm put the previous spec back
    assert {t["version"] for t in info["tasks"]} == {"1.0.1"}
    assert not swarm.converged(info, "1.0.2")
    [task] = wait_for(lambda: healthy(ws, "1.0.1"), timeout=60, what="1.0.1 serving again")
    assert unix_get(task["socket"], "/version")["version"] == "1.0.1"


def test_remove_takes_only_the_workspace_s_service(swarm_ws, docker_daemon):
    other = docker_daemon.services.create(DockerBackend(swarm_ws).tag("1.0.1"),
                                          name="not-the-kits", command=["sleep", "60"])
    try:
        swarm.create(swarm_ws, DockerBackend(swarm_ws).tag("1.0.1"))
        sockets = swarm.socket_dir(swarm_ws)
        assert sockets.is_dir()
        assert swarm.remove(swarm_ws) == [swarm.service_name(swarm_ws)]
        assert not sockets.exists()  # the tasks' socket directory goes with the service
        assert [s.name for s in docker_daemon.services.list()] == ["not-the-kits"]
    finally:
        other.remove()
