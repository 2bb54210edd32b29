from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import (  # noqa: E402
    base_env,
    copy_workspace,
    course_env,
    course_workspace,
    lab,
    make_miniapp,
    shutdown_workspace,
)

E2E_DIR = Path(__file__).resolve().parent / "e2e"
# Fixtures that stand up real releases: a started or broken course, the runtime's test
# service built and served, the template's service built from its wheelhouse, a
# Docker daemon, or the site built by mkdocs.
# A test that uses one is end to end.
E2E_FIXTURES = frozenset({
    "started_38_01_snapshot", "broken_38_01_snapshot", "broken_38_02_snapshot",
    "built_miniapp_template", "miniapp", "wheelhouse", "docker_daemon", "built_site",
})


def pytest_collection_modifyitems(config, items):
    """Mark end-to-end tests, so that -m "not e2e" leaves the fast inner loop: everything
    under tests/e2e/, every test that needs a started course or a built service, and
    every test that drives a real browser. Files holding such tests run first."""
    heavy = set()
    for item in items:
        if (E2E_DIR in Path(item.path).parents or E2E_FIXTURES & set(item.fixturenames)
                or item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.e2e)
            heavy.add(item.path)
    # Files with end-to-end tests first (the order within a file kept): the workers take
    # the long tests, and the set-up they share, early, and the quick ones fill the end.
    items.sort(key=lambda item: item.path not in heavy)


# --- Docker tests on several workers ------------------------------------------------
# The workers run Docker tests side by side, but two kinds must not overlap: a test
# that removes an image every copy of a workspace shares (marked docker_exclusive)
# runs alone among the Docker tests, the others hold the images lock shared; and
# tests that make and leave a swarm (marked swarm) run one at a time.
LOCK_WAIT = 1800.0  # seconds: longer than any Docker test runs


@pytest.fixture(autouse=True)
def _docker_turns(request, tmp_path_factory):
    from labcore.locks import file_lock

    item = request.node
    if not item.get_closest_marker("docker"):
        yield
        return
    root = shared_root(tmp_path_factory)
    exclusive = item.get_closest_marker("docker_exclusive") is not None
    with contextlib.ExitStack() as held:
        # The turnstile makes a waiting exclusive test first in line: a test that would
        # share the images passes through it before taking its shared turn.
        with file_lock(root / "docker-turnstile.lock", timeout=LOCK_WAIT, what="the turnstile"):
            held.enter_context(file_lock(root / "docker-images.lock", timeout=LOCK_WAIT,
                                         what="the images lock", shared=not exclusive))
        if item.get_closest_marker("swarm"):
            held.enter_context(file_lock(root / "swarm.lock", timeout=LOCK_WAIT,
                                         what="the swarm lock"))
        yield


# --- set-up shared by the whole run ------------------------------------------------
# Under pytest-xdist (./run-tests runs the suite on several workers) each worker has
# its own session, so a session fixture would be made once per worker. What is
# expensive to make (a started course, built releases, the site) is made once per
# run instead, in the directory every worker shares, by whichever worker asks first;
# the others wait for it. Tests only ever copy it.


def shared_root(tmp_path_factory) -> Path:
    """The temporary directory every worker of this run shares (a run without
    workers uses its own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(tmp_path_factory, name: str, make: Callable[[Path], object]):
    """What ``make(directory)`` returns, made once per run in ``directory``: the
    first worker to ask makes it under a lock; later askers reuse the result (a
    JSON value, paths given as strings), or fail at once if making it failed."""
    from labcore.locks import file_lock

    root = shared_root(tmp_path_factory)
    target, done, failed = root / name, root / f"{name}.json", root / f"{name}.failed"
    with file_lock(root / f"{name}.lock", timeout=1800, what=f"the shared {name}"):
        if failed.exists():
            pytest.fail(f"making {name} failed in another worker:\n{failed.read_text()}",
                        pytrace=False)
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            try:
                result = make(target)
            except BaseException as err:
                failed.write_text(f"{type(err).__name__}: {err}")
                raise
            done.write_text(json.dumps(result, default=str))
    return json.loads(done.read_text())


@pytest.fixture
def miniapp(tmp_path):
    """A fresh workspace of the runtime's test service with tags v1.0.0..v1.0.2.

    Stops its supervisor afterwards and fails the test if any process is left.
    """
    ws = make_miniapp(tmp_path / "ws", ["1.0.0", "1.0.1", "1.0.2"])
    yield ws
    leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"


@pytest.fixture(scope="session")
def built_miniapp_template(tmp_path_factory):
    """A miniapp workspace with 1.0.0-1.0.2 built once per run (never served)."""

    def make(root: Path) -> Path:
        ws = make_miniapp(root / "ws", ["1.0.0", "1.0.1", "1.0.2"])
        for version in ("1.0.0", "1.0.1", "1.0.2"):
            lab("artifacts", "build", version, "--ref", f"v{version}", cwd=ws)
        return ws

    return Path(made_once(tmp_path_factory, "template", make))


@pytest.fixture
def built(built_miniapp_template, tmp_path):
    """A private copy of the built workspace; stopped and checked for leftovers after."""
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(built_miniapp_template, ws, symlinks=True)
    yield ws
    leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The kit's site, built once per run with ``mkdocs build --strict``."""
    from site_support import Site, build_site

    def make(root: Path) -> dict:
        site = build_site(root / "site")
        return {"root": site.root, "output": site.output, "labs_dir": site.labs_dir}

    made = made_once(tmp_path_factory, "site", make)
    return Site(Path(made["root"]), made["output"], Path(made["labs_dir"]))


# --- courses: a whole lab started (or broken) once per session, copied per test ------


class Course(NamedTuple):
    """A course directory with one learner's workspace, and that learner's environment."""

    root: Path
    ws: Path
    env: dict


def _snapshot(course: Path, *commands: tuple[str, ...], source: Path | None = None) -> Path:
    """Run ``lab`` commands in ``course`` (optionally from a copy of ``source``), then stop
    the supervisor: the stopped workspace is the snapshot."""
    ws = copy_workspace(source, course) if source else course_workspace(course)
    env = course_env(course)
    try:
        for args in commands:
            lab(*args, cwd=course, env=env)
    finally:
        leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"
    return ws


@pytest.fixture(scope="session")
def started_38_01_snapshot(tmp_path_factory) -> Path:
    """Lab 38-01 after `lab start` (three baseline releases, 1.2.2 serving), made once."""
    return Path(made_once(tmp_path_factory, "started-38-01",
                          lambda course: _snapshot(course, ("start", "38-01"))))


@pytest.fixture(scope="session")
def broken_38_01_snapshot(started_38_01_snapshot, tmp_path_factory) -> Path:
    """Lab 38-01 after `lab break` (1.2.3 serving, the older artifacts pruned), made once."""
    return Path(made_once(tmp_path_factory, "broken-38-01", lambda course: _snapshot(
        course, ("break", "38-01"), source=started_38_01_snapshot)))


@pytest.fixture(scope="session")
def broken_38_02_snapshot(tmp_path_factory) -> Path:
    """Lab 38-02 after `lab break` (three broken releases, 1.3.2 pruned), made once."""
    return Path(made_once(tmp_path_factory, "broken-38-02",
                          lambda course: _snapshot(course, ("break", "38-02"))))


def _private_course(snapshot: Path, tmp_path: Path, *, serve: bool = True):
    """A copy of ``snapshot`` in tmp_path/course with its supervisor started (`lab serve`
    brings back the release that was serving); stopped and checked for leftovers after."""
    root = tmp_path / "course"
    ws = copy_workspace(snapshot, root)
    env = course_env(root)
    try:
        if serve:
            lab("serve", cwd=ws, env=env)
        yield Course(root, ws, env)
    finally:
        leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"


@pytest.fixture
def started_38_01(started_38_01_snapshot, tmp_path):
    """A private course where lab 38-01 is started and serving 1.2.2 (learner ana)."""
    yield from _private_course(started_38_01_snapshot, tmp_path)


@pytest.fixture
def broken_38_01(broken_38_01_snapshot, tmp_path):
    """A private course where lab 38-01 is broken and serving 1.2.3 (learner ana)."""
    yield from _private_course(broken_38_01_snapshot, tmp_path)


@pytest.fixture
def broken_38_02(broken_38_02_snapshot, tmp_path):
    """A private course where lab 38-02 is broken and serving 1.3.5 (learner ana)."""
    yield from _private_course(broken_38_02_snapshot, tmp_path)


# Fixture projects carry tests of their own; they run inside their builds.
collect_ignore = ["fixtures"]


# -- the docker backend -------------------------------------------------------------


def docker_reason() -> str | None:
    """None when a Docker daemon answers, else why the docker tests cannot run."""
    try:
        import docker

        docker.from_env(timeout=10).ping()
    except Exception as err:  # noqa: BLE001 - any failure means: no daemon here
        return f"no Docker daemon answers ({type(err).__name__}); start dockerd to run them"
    return None


@pytest.fixture(scope="session")
def docker_daemon(tmp_path_factory):
    """A reachable daemon (skip without one; under CI=true a missing daemon fails).

    What the tests make there (containers and images labelled with a workspace under
    this run's temporary directory) is removed when the run ends.
    """
    reason = docker_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    import docker

    (shared_root(tmp_path_factory) / "docker-used").touch()
    return docker.from_env(timeout=120)


def pytest_sessionfinish(session):
    """At the end of the run (in the process that started the workers, if any): remove
    the containers and images the docker tests made."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    base = session.config._tmp_path_factory.getbasetemp()
    if not (base / "docker-used").exists():
        return
    import docker

    api = docker.from_env(timeout=120)
    label = "org.labkit.workspace"
    with contextlib.suppress(docker.errors.DockerException):  # services, then a swarm we made
        for service in api.services.list(filters={"label": "org.labkit.kit=labkit"}):
            if service.attrs["Spec"].get("Labels", {}).get(label, "").startswith(str(base)):
                service.remove()
        from labkit.runtime import swarm

        swarm.leave_if_ours()
    for container in api.containers.list(all=True, filters={"label": "org.labkit.kit=labkit"}):
        if container.labels.get(label, "").startswith(str(base)):
            with contextlib.suppress(docker.errors.DockerException):
                container.remove(force=True)
    for image in api.images.list(filters={"label": "org.labkit.kit=labkit"}):
        if image.labels.get(label, "").startswith(str(base)):
            for tag in image.tags or [image.id]:
                with contextlib.suppress(docker.errors.DockerException):
                    api.images.remove(tag, force=True)


def copy_linking_archives(src: Path, dest: Path) -> None:
    """Copy a workspace or course, hard-linking the image archives (never written in
    place: a new build replaces the file), so a copy costs no image-sized writes."""
    import os
    import shutil

    def copy(source, target):
        if source.endswith(".tar") and Path(source).parent.name == "artifacts":
            os.link(source, target)
        else:
            shutil.copy2(source, target)

    shutil.copytree(src, dest, symlinks=True, copy_function=copy)


def docker_containers(api, ws: Path) -> list:
    return api.containers.list(all=True, filters={"label": f"org.labkit.workspace={ws.resolve()}"})


@pytest.fixture(scope="session")
def docker_built_template(docker_daemon, tmp_path_factory):
    """A miniapp workspace on the docker backend with 1.0.0-1.0.2 built once per run."""

    def make(root: Path) -> Path:
        ws = make_miniapp(root / "ws", ["1.0.0", "1.0.1", "1.0.2"])
        env = base_env(LAB_BACKEND="docker")
        for version in ("1.0.0", "1.0.1", "1.0.2"):
            lab("artifacts", "build", version, "--ref", f"v{version}", cwd=ws, env=env,
                timeout=600)
        return ws

    return Path(made_once(tmp_path_factory, "dtemplate", make))


@pytest.fixture
def docker_built(docker_built_template, docker_daemon, tmp_path):
    """A private copy of the docker workspace; afterwards no process and no container is left."""
    ws = tmp_path / "ws"
    copy_linking_archives(docker_built_template, ws)
    yield ws
    leftovers = shutdown_workspace(ws)
    containers = docker_containers(docker_daemon, ws)
    for container in containers:
        container.remove(force=True)
    assert not leftovers, f"processes left behind: {leftovers}"
    assert not containers, f"containers left behind: {[c.short_id for c in containers]}"


@pytest.fixture(params=["process", pytest.param("docker", marks=pytest.mark.docker)])
def any_built(request):
    """The built miniapp workspace on each backend."""
    return request.getfixturevalue("built" if request.param == "process" else "docker_built")


@pytest.fixture
def course(tmp_path):
    """A fresh, empty course: (course dir, the learner ana's phase-38 workspace, her
    environment); afterwards the workspace is stopped and no process may be left."""
    root = tmp_path / "course"
    root.mkdir()
    env = base_env(LAB_COURSE=str(root), LAB_LEARNER="ana")
    ws = root / "learners" / "ana" / "phase-38"
    yield root, ws, env
    leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"

