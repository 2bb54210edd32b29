"""The docker backend through the real CLI: images built by the workspace's own
Dockerfile, `docker save` archives as artifacts, containers on 127.0.0.1 only."""

from __future__ import annotations

import json

import pytest
from conftest import docker_containers
from support import http_get, lab, lab_json, public_url, wait_for

pytestmark = pytest.mark.docker


def repository(ws) -> str:
    from labkit.runtime.dockerapi import workspace_id

    return f"labkit/mini-{workspace_id(ws.resolve())}"


def served(ws) -> str:
    code, body = http_get(public_url(ws) + "/version")
    assert code == 200, body
    return json.loads(body)["version"]


def manifest(ws, version: str) -> dict:
    return json.loads((ws / "artifacts" / f"mini-{version}.manifest.json").read_text())


def test_build_saves_a_labelled_image_with_its_id_and_digest(docker_built, docker_daemon):
    data = manifest(docker_built, "1.0.1")
    assert data["backend"] == "docker"
    assert data["image_id"].startswith("sha256:") and data["image_digest"].startswith("sha256:")
    listing = lab_json("artifacts", "list", cwd=docker_built)
    assert all(a["verified"] for a in listing["artifacts"])
    image = docker_daemon.images.get(data["image_id"])
    assert image.labels["org.labkit.kit"] == "labkit"
    assert image.labels["org.labkit.version"] == "1.0.1"
    assert image.labels["org.labkit.workspace"].endswith("/ws")
    # The archive is what `docker save` wrote: it names the image's config.
    import tarfile

    with tarfile.open(docker_built / "artifacts" / "mini-1.0.1.tar") as tar:
        index = json.load(tar.extractfile("manifest.json"))
    assert index[0]["Config"].split(".")[0].removeprefix("blobs/sha256/") in data["image_id"]


def test_deploy_runs_a_container_published_on_loopback_only(docker_built, docker_daemon):
    assert lab("deploy", "1.0.1", cwd=docker_built).stdout.strip() == "[release] now serving 1.0.1"
    lab("deploy", "1.0.2", cwd=docker_built)
    assert served(docker_built) == "1.0.2"
    status = lab_json("status", cwd=docker_built)
    assert status["backend"] == "docker" and status["supervisor"]["backend"] == "docker"
    assert status["serving"] == "1.0.2" and status["warm"] == "1.0.1"
    containers = wait_for(lambda: [c for c in docker_containers(docker_daemon, docker_built)
                                   if c.status == "running"], what="containers")
    for container in containers:
        bindings = container.attrs["HostConfig"]["PortBindings"]["8000/tcp"]
        assert [b["HostIp"] for b in bindings] == ["127.0.0.1"]
        assert container.labels["org.labkit.kit"] == "labkit"
        assert container.labels["org.labkit.version"] in ("1.0.1", "1.0.2")
    result = lab_json("rollback", cwd=docker_built)
    assert result["version"] == "1.0.1" and result["mode"] == "flip"
    assert served(docker_built) == "1.0.1"
    lab("stop", cwd=docker_built)
    assert docker_containers(docker_daemon, docker_built) == []


def test_prune_removes_archive_and_image_then_rebuild_recovers(docker_built, docker_daemon):
    lab("deploy", "1.0.1", cwd=docker_built)
    lab("deploy", "1.0.2", cwd=docker_built)
    old = manifest(docker_built, "1.0.1")
    tag = f"{repository(docker_built)}:1.0.1"
    assert docker_daemon.images.get(tag).id == old["image_id"]
    lab("artifacts", "prune", "--keep", "1", cwd=docker_built)
    assert not (docker_built / "artifacts" / "mini-1.0.1.tar").exists()
    from docker.errors import ImageNotFound

    with pytest.raises(ImageNotFound):
        docker_daemon.images.get(tag)
    proc = lab("rollback", cwd=docker_built, check=False)
    assert proc.returncode == 3, proc.stderr
    assert "measured build" in proc.stderr
    result = lab_json("rollback", "--rebuild", cwd=docker_built, timeout=600)
    assert result["mode"] == "rebuild" and result["rebuild_seconds"] > 0
    assert served(docker_built) == "1.0.1"
    assert manifest(docker_built, "1.0.1")["image_id"] != old["image_id"]  # a new build


@pytest.mark.docker_exclusive  # it removes an image every copy of the workspace shares
def test_deploy_loads_the_archive_when_the_image_is_gone(docker_built, docker_daemon):
    data = manifest(docker_built, "1.0.0")
    for tag in docker_daemon.images.get(data["image_id"]).tags:
        docker_daemon.images.remove(tag)
    lab("deploy", "1.0.0", cwd=docker_built)
    assert served(docker_built) == "1.0.0"
    assert docker_daemon.images.get(data["image_id"]).id == data["image_id"]


def test_serve_removes_containers_a_killed_supervisor_left(docker_built, docker_daemon):
    import os
    import signal

    lab("deploy", "1.0.2", cwd=docker_built)
    pid = int((docker_built / ".lab" / "supervisor.pid").read_text())
    before = {c.id for c in docker_containers(docker_daemon, docker_built)}
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: lab("status", "--json", cwd=docker_built, check=False).returncode == 0
             and not lab_json("status", cwd=docker_built)["supervisor"]["running"],
             what="the supervisor to be gone")
    lab("serve", cwd=docker_built)
    assert served(docker_built) == "1.0.2"
    after = {c.id for c in docker_containers(docker_daemon, docker_built)}
    assert before and not before & after


def test_containers_share_the_workspace_data_directory_as_its_owner(docker_built, docker_daemon):
    import os

    seen = {}
    for version in ("1.0.0", "1.0.1"):
        lab("deploy", version, cwd=docker_built)
        code, body = http_get(public_url(docker_built) + "/data")
        assert code == 200, body
        seen[json.loads(body)["version"]] = json.loads(body)["data"]
    assert seen == {"1.0.0": "/data", "1.0.1": "/data"}
    data = str((docker_built / ".lab" / "data").resolve())
    for container in docker_containers(docker_daemon, docker_built):
        mounts = {m["Destination"]: m["Source"] for m in container.attrs["Mounts"]}
        assert mounts == {"/data": data}
        assert container.attrs["Config"]["User"] == f"{os.getuid()}:{os.getgid()}"
