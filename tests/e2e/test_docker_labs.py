"""Labs 38-01 and 38-02 on the docker backend: the learner's story with images,
containers and `docker save` archives, from the break to a checked fix. Leaner
than the process backend's stories in what they assert along the way (each
build is a real, uncached image build); the steps are the same."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import copy_linking_archives, docker_containers, made_once
from support import KIT_ROOT, base_env, just, lab, lab_json, shutdown_workspace, unwrap

pytestmark = [pytest.mark.e2e, pytest.mark.docker]


def tars(ws):
    return sorted(p.name for p in (ws / "artifacts").glob("*.tar"))


@pytest.fixture(scope="session")
def started_docker_course(docker_daemon, tmp_path_factory):
    """`lab start 38-01 --backend docker` once per run, stopped: a snapshot to copy."""

    def make(root: Path) -> dict:
        course = root / "course"
        course.mkdir()
        env = base_env(LAB_COURSE=str(course), LAB_LEARNER="ana")
        out = lab("start", "38-01", "--backend", "docker", cwd=course, env=env,
                  timeout=900).stdout
        leftovers = shutdown_workspace(course / "learners" / "ana" / "phase-38")
        assert not leftovers, f"processes left behind: {leftovers}"
        return {"course": course, "out": out}

    made = made_once(tmp_path_factory, "dcourse", make)
    return Path(made["course"]), made["out"]


@pytest.fixture
def docker_course(started_docker_course, docker_daemon, tmp_path):
    snapshot, out = started_docker_course
    course = tmp_path / "course"
    copy_linking_archives(snapshot, course)
    env = base_env(LAB_COURSE=str(course), LAB_LEARNER="ana")
    ws = course / "learners" / "ana" / "phase-38"
    lab("serve", cwd=ws, env=env)
    yield course, ws, env, out
    leftovers = shutdown_workspace(ws)
    containers = docker_containers(docker_daemon, ws)
    for container in containers:
        container.remove(force=True)
    assert not leftovers and not containers


def test_lab_38_01_on_docker(docker_course, docker_daemon):
    course, ws, env, start_out = docker_course
    assert "1.2.2 is serving on the docker backend" in start_out
    assert tars(ws) == ["tutor-1.2.0.tar", "tutor-1.2.1.tar", "tutor-1.2.2.tar"]
    status = lab_json("status", cwd=ws, env=env)
    assert status["backend"] == "docker" and status["serving"] == "1.2.2"
    assert (ws / "Dockerfile").is_file()
    manifest = json.loads((ws / "artifacts" / "tutor-1.2.2.manifest.json").read_text())
    image = docker_daemon.images.get(manifest["image_id"])
    assert image.labels["org.labkit.version"] == "1.2.2"

    # Break: the keep-1 prune removes the archives and this workspace's images.
    out = lab("break", "38-01", cwd=course, env=env, timeout=600).stdout
    assert "now serving 1.2.3" in out and tars(ws) == ["tutor-1.2.3.tar"]
    assert "[build] Step " in out  # the release shows the image build's progress
    from labkit.runtime.dockerapi import workspace_id

    mine = f"labkit/tutor-{workspace_id(ws.resolve())}"
    tags = {t for i in docker_daemon.images.list(name=mine) for t in i.tags}
    assert tags == {f"{mine}:1.2.3"}
    smoke = just("smoke-portal", cwd=ws, env=env)
    assert "[smoke] FAIL: response field order differs from contract" in smoke.stdout

    # The fast way back is gone; the estimate comes from this workspace's image builds.
    rollback = just("rollback", cwd=ws, env=env)
    assert rollback.returncode != 0 and "no prior release tag found" in rollback.stderr
    assert "measured builds" in rollback.stderr
    out = lab("rollback", "--rebuild", cwd=ws, env=env, timeout=600).stdout
    assert "now serving 1.2.2" in out
    assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS")

    # Fix and release: five kept again, and the check sees a recovery by rebuild.
    lab_dir = KIT_ROOT / "labs" / "38-01-no-rollback-path"
    subprocess.run(["git", "apply", str(lab_dir / "fix" / "fix.diff")], cwd=ws, check=True)
    subprocess.run(["git", "commit", "-qam", "keep five, restore the key order"], cwd=ws,
                   check=True, env=env)
    release = just("release", "1.2.4", cwd=ws, env=env)
    assert release.returncode == 0, release.stdout + release.stderr
    report = unwrap(lab("check", "38-01", "--json", cwd=ws, env=env, check=False).stdout)
    assert report["recovered"] is True
    assert report["stopwatch"]["rollback_mode"] == "rebuild"
    assert report["reference"]["backend"] == "docker"
    running = [c for c in docker_containers(docker_daemon, ws) if c.status == "running"]
    assert running and all(
        b["HostIp"] == "127.0.0.1"
        for c in running for b in c.attrs["HostConfig"]["PortBindings"]["8000/tcp"])


def test_lab_38_02_on_docker(docker_daemon, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    env = base_env(LAB_COURSE=str(course), LAB_LEARNER="ana", LAB_BACKEND="docker")
    ws = course / "learners" / "ana" / "phase-38"
    try:
        # Three broken releases in a row push 1.3.2, the last good image, out.
        out = lab("break", "38-02", cwd=course, env=env, timeout=1200).stdout
        assert "now serving 1.3.5" in out
        assert tars(ws) == ["tutor-1.3.3.tar", "tutor-1.3.4.tar", "tutor-1.3.5.tar"]
        assert lab_json("status", cwd=ws, env=env)["backend"] == "docker"
        # The fast way back is a flip between containers, onto another broken release.
        rollback = just("rollback", cwd=ws, env=env)
        assert rollback.returncode == 0 and "flipped back to 1.3.4" in rollback.stdout
        assert just("smoke-portal", cwd=ws, env=env).returncode != 0
        out = lab("rollback", "--to", "1.3.2", "--rebuild", cwd=ws, env=env, timeout=600).stdout
        assert "rebuilt 1.3.2" in out and "now serving 1.3.2" in out
        assert lab("smoke", cwd=ws, env=env).stdout.startswith("[smoke] PASS: 1.3.2")

        # Fix and release 1.3.6 (another image build): the prune now protects 1.3.2.
        lab_dir = KIT_ROOT / "labs" / "38-02-failed-releases-eat-retention"
        subprocess.run(["git", "apply", str(lab_dir / "fix" / "fix.diff")], cwd=ws, check=True)
        subprocess.run(["git", "commit", "-qam", "protect the last good release"], cwd=ws,
                       check=True, env=env)
        release = just("release", "1.3.6", cwd=ws, env=env)
        assert release.returncode == 0, release.stdout + release.stderr
        assert "[release] protected 1.3.2: the last release that passed smoke" in release.stdout
        assert "tutor-1.3.2.tar" in tars(ws)
        report = unwrap(lab("check", "38-02", "--json", cwd=ws, env=env, check=False).stdout)
        assert report["recovered"] is True and report["reference"]["backend"] == "docker"
        assert all(c["passed"] for c in report["checks"]), report["checks"]
    finally:
        leftovers = shutdown_workspace(ws)
        containers = docker_containers(docker_daemon, ws)
        for container in containers:
            container.remove(force=True)
    assert not leftovers and not containers
