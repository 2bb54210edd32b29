"""kill -9 of the CLI at every step leaves a serving release, verifiable artifacts,
and a next command that works, on both backends (the docker backend at fewer build
and prune steps, to keep the suite lean)."""

from __future__ import annotations

import contextlib
import json
import random
import signal
import subprocess

import pytest
from support import LAB, base_env, http_get, lab, lab_json, public_url, wait_for


def served(ws) -> str:
    code, body = http_get(public_url(ws) + "/version")
    assert code == 200, body
    return json.loads(body)["version"]


def assert_invariants(ws, serving_one_of: set[str]) -> None:
    assert served(ws) in serving_one_of
    listing = lab_json("artifacts", "list", cwd=ws)
    bad = [a for a in listing["artifacts"] if not a["verified"]]
    assert not bad, f"unverifiable artifacts after the crash: {bad}"
    assert listing["serving"] == served(ws)
    assert lab("journal", "verify", cwd=ws, check=False).returncode == 0


def crash(ws, failpoint: str, *args: str) -> None:
    proc = subprocess.run([*LAB, *args], cwd=ws, env=base_env(LAB_FAILPOINT=failpoint),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr)


BUILD_POINTS = ["build.exported", "build.recipe_done", "store.packed", "store.announced",
                "store.swapped"]
DOCKER = pytest.mark.docker
# Every test here builds or serves releases (`ws` picks its fixture by backend).
pytestmark = pytest.mark.e2e


def on_backends(name: str, points: list[str], docker_points: list[str],
                drops_image: tuple[str, ...] = ()):
    """Parametrize ``name`` over the points, on the process backend and on docker (where
    a point in ``drops_image`` removes a shared image, so runs alone)."""
    cases = [pytest.param("process", p, id=f"process-{p}") for p in points]
    cases += [pytest.param("docker", p, id=f"docker-{p}",
                           marks=[DOCKER, pytest.mark.docker_exclusive] if p in drops_image
                           else DOCKER)
              for p in docker_points]
    return pytest.mark.parametrize(("backend", name), cases)


@pytest.fixture
def ws(request, backend):
    return request.getfixturevalue("built" if backend == "process" else "docker_built")


def drop_image(ws, version: str) -> None:
    """Remove the image of ``version`` so that a deploy loads it from its archive."""
    import docker

    api = docker.from_env()
    manifest = json.loads((ws / "artifacts" / f"mini-{version}.manifest.json").read_text())
    for tag in api.images.get(manifest["image_id"]).tags:
        api.images.remove(tag)


@on_backends("point", BUILD_POINTS, BUILD_POINTS)
def test_killed_rebuild_of_an_existing_artifact(ws, point):
    built = ws
    lab("deploy", "1.0.1", cwd=built)
    crash(built, point, "artifacts", "build", "1.0.1", "--ref", "v1.0.1")
    assert_invariants(built, {"1.0.1"})
    assert (built / "artifacts" / "mini-1.0.1.tar").exists()
    lab("artifacts", "build", "1.0.1", "--ref", "v1.0.1", cwd=built)
    lab("rollback", "--to", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)
    assert served(built) == "1.0.1"


DEPLOY_POINTS = ["unpack.extracted", "deploy.prepared", "deploy.started", "deploy.switched"]


@on_backends("point", DEPLOY_POINTS, DEPLOY_POINTS, drops_image=("unpack.extracted",))
def test_killed_deploy(ws, backend, point):
    built = ws
    lab("deploy", "1.0.0", cwd=built)
    if backend == "docker" and point == "unpack.extracted":
        drop_image(built, "1.0.2")
    crash(built, point, "deploy", "1.0.2")
    expected = {"1.0.2"} if point == "deploy.switched" else {"1.0.0"}
    assert_invariants(built, expected)
    lab("deploy", "1.0.2", cwd=built)
    assert served(built) == "1.0.2"


@on_backends("point", ["rollback.started"], ["rollback.started"])
def test_killed_rollback(ws, point):
    built = ws
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)
    crash(built, point, "rollback")
    assert_invariants(built, {"1.0.1"})
    assert lab_json("rollback", cwd=built)["version"] == "1.0.0"


@on_backends("point", ["store.removing", "prune.removed"], ["store.removing", "prune.removed"])
def test_killed_prune(ws, point):
    built = ws
    lab("deploy", "1.0.2", cwd=built)
    crash(built, point, "artifacts", "prune", "--keep", "1")
    assert_invariants(built, {"1.0.2"})
    lab("artifacts", "prune", "--keep", "1", cwd=built)
    assert [p.name for p in (built / "artifacts").glob("*.tar")] == ["mini-1.0.2.tar"]


def test_kill_at_random_moments_of_deploys_and_rollbacks(built):
    rng = random.Random(3801)
    lab("deploy", "1.0.0", cwd=built)
    for round_ in range(6):
        args = ["deploy", rng.choice(["1.0.1", "1.0.2"])] if round_ % 2 == 0 else ["rollback"]
        proc = subprocess.Popen([*LAB, *args], cwd=built, env=base_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with contextlib.suppress(subprocess.TimeoutExpired):  # let it run a random while
            proc.wait(timeout=rng.uniform(0.05, 0.6))
        proc.kill()
        proc.wait()
        wait_for(lambda: lab("status", "--json", cwd=built, check=False).returncode == 0,
                 what="status to answer")
        assert_invariants(built, {"1.0.0", "1.0.1", "1.0.2"})
    lab("deploy", "1.0.2", cwd=built, check=False)
    assert served(built) == "1.0.2"
