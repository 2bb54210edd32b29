"""labkit.runtime.layout: where a workspace keeps its state, found from anywhere inside."""

from __future__ import annotations

import pytest

from labkit.errors import UsageError, WorkspaceError
from labkit.runtime.layout import Workspace, check_version

SERVICE = "schema_version: 1\napp: tutor\nbuild: [sh, b.sh]\nrun: [python, a]\n"


@pytest.fixture
def root(tmp_path):
    ws = tmp_path / "phase-38"
    (ws / "src" / "deep").mkdir(parents=True)
    (ws / ".git").mkdir()
    (ws / "service.yaml").write_text(SERVICE)
    return ws


def test_check_version_passes_versions_and_refuses_the_rest():
    assert check_version("1.2.3") == "1.2.3"
    for bad in ("1.2.3\n", "../1", "a/b", ""):
        with pytest.raises(UsageError, match="is not a release version"):
            check_version(bad)


def test_paths_live_under_the_root(root):
    ws = Workspace(root)
    assert ws.state == root / ".lab" and ws.artifacts == root / "artifacts"
    assert ws.history_path == root / ".lab" / "releases.jsonl"
    assert ws.journal_path == root / ".lab" / "journal.jsonl"
    assert ws.router_path.name == "router.json" and ws.control_path.name == "control.sock"
    assert ws.data == root / ".lab" / "data"
    assert ws.artifact_name("1.2.3") == "tutor-1.2.3.tar"


def test_find_walks_up_from_the_current_directory(root, monkeypatch):
    monkeypatch.chdir(root / "src" / "deep")
    assert Workspace.find().root == root.resolve()
    assert Workspace.find(str(root)).root == root.resolve()


def test_find_outside_a_workspace_says_where_to_go(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError) as caught:
        Workspace.find()
    assert f"{tmp_path.resolve()} is not inside a workspace" in str(caught.value)
    assert "--workspace" in caught.value.hint
    with pytest.raises(WorkspaceError, match="is not a workspace: it has no service.yaml"):
        Workspace.find(str(tmp_path))


def test_the_release_lock_names_its_holder(root, monkeypatch):
    import os

    from labcore.errors import LockTimeout

    monkeypatch.setenv("LAB_LOCK_TIMEOUT", "0")
    ws = Workspace(root)
    with ws.lock("a deploy"):
        assert (root / ".lab" / "release.lock").read_text() == f"{os.getpid()}\n"
        with pytest.raises(LockTimeout, match=f"waiting for a prune .*held by process {os.getpid()}"), \
                Workspace(root).lock("a prune"):
            pass
