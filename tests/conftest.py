from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import make_miniapp, shutdown_workspace  # noqa: E402


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
    """A miniapp workspace with 1.0.0-1.0.2 built once per session (never served)."""
    from support import lab

    ws = make_miniapp(tmp_path_factory.mktemp("template") / "ws", ["1.0.0", "1.0.1", "1.0.2"])
    for version in ("1.0.0", "1.0.1", "1.0.2"):
        lab("artifacts", "build", version, "--ref", f"v{version}", cwd=ws)
    return ws


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
    """The kit's site, built once per session with ``mkdocs build --strict``."""
    from site_support import build_site

    return build_site(tmp_path_factory.mktemp("site") / "site")


# Fixture projects carry tests of their own; they run inside their builds.
collect_ignore = ["fixtures"]
