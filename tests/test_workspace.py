"""Scaffolding learner workspaces from a template, and updating them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from labkit import template_update, workspace
from labkit.errors import LabError, UsageError, WorkspaceError
from labkit.paths import KIT_ROOT

ANSWERS = {"learner": "borja", "lab_command": "/opt/kit/bin/lab"}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def read_answers(dest: Path) -> dict:
    return YAML(typ="safe").load((dest / ".copier-answers.yml").read_text())


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("LAB_CACHE_DIR", str(path))
    return path


@pytest.fixture
def templates(tmp_path, monkeypatch) -> Path:
    """An editable copy of the kit's templates/, used instead of the real one."""
    path = tmp_path / "templates"
    shutil.copytree(
        KIT_ROOT / "templates", path, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    monkeypatch.setenv("LAB_TEMPLATES_DIR", str(path))
    return path


def test_workspace_dir():
    assert workspace.workspace_dir(Path("/c"), "ana", 38) == Path("/c/learners/ana/phase-38")
    with pytest.raises(UsageError):
        workspace.workspace_dir(Path("/c"), "../ana", 38)


def test_scaffold_writes_answers_and_one_commit(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Someone Else")  # must not win over the learner
    dest = workspace.workspace_dir(tmp_path / "course", "borja", 38)
    dest.mkdir(parents=True)  # an existing empty directory is fine
    workspace.scaffold("minitutor", dest, ANSWERS)

    answers = read_answers(dest)
    assert answers["learner"] == "borja"
    assert answers["lab_command"] == "/opt/kit/bin/lab"
    assert answers["app_name"] == "tutor"
    assert answers["phase"] == 38
    assert answers["_commit"] == "v1"
    assert Path(answers["_src_path"]) == cache / "templates" / "minitutor"
    assert (dest / ".env").read_text().count('LAB="/opt/kit/bin/lab"') == 1

    assert git(dest, "rev-list", "--count", "HEAD") == "1"
    assert git(dest, "branch", "--show-current") == "main"
    assert git(dest, "log", "-1", "--format=%s|%an|%ae") == (
        "scaffold minitutor for borja|borja|borja@learners.invalid"
    )
    assert git(dest, "config", "--local", "user.name") == "borja"
    assert git(dest, "config", "--local", "user.email") == "borja@learners.invalid"
    assert git(dest, "status", "--porcelain") == ""  # .env is ignored, not left over
    assert ".copier-answers.yml" in git(dest, "ls-files").split()
    assert [p.name for p in dest.parent.iterdir()] == ["phase-38"]  # no staging left


def test_scaffold_refuses_a_non_empty_dest(tmp_path, cache):
    dest = tmp_path / "ws"
    dest.mkdir()
    (dest / "mine.txt").write_text("keep me")
    with pytest.raises(WorkspaceError, match="already exists"):
        workspace.scaffold("minitutor", dest, ANSWERS)
    assert [p.name for p in dest.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("name", ["no-such-template", "../templates", ""])
def test_bad_template_name_is_a_lab_error(tmp_path, cache, name):
    with pytest.raises(LabError, match="no template named"):
        workspace.scaffold(name, tmp_path / "ws", ANSWERS)
    assert not (tmp_path / "ws").exists()


def test_answers_need_a_learner(tmp_path, cache):
    with pytest.raises(LabError, match="learner"):
        workspace.scaffold("minitutor", tmp_path / "ws", {"lab_command": "lab"})


def test_failed_render_leaves_nothing_behind(tmp_path, cache, templates):
    readme = templates / "minitutor" / "project" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n{% if %}\n")  # a Jinja syntax error
    course = tmp_path / "course"
    with pytest.raises(WorkspaceError, match="could not render"):
        workspace.scaffold("minitutor", course / "ws", ANSWERS)
    assert list(course.iterdir()) == []


def test_snapshot_is_tagged_only_when_the_template_changes(cache, templates):
    snapshot = workspace.template_source("minitutor")
    assert workspace.template_source("minitutor") == snapshot
    assert git(snapshot, "tag", "--list").split() == ["v1"]

    (templates / "minitutor" / "project" / "notes" / "extra.md").write_text("new\n")
    workspace.template_source("minitutor")
    workspace.template_source("minitutor")
    assert sorted(git(snapshot, "tag", "--list").split()) == ["v1", "v2"]
    assert workspace.latest_tag(snapshot) == "v2"
    assert git(snapshot, "status", "--porcelain") == ""


def test_snapshot_survives_concurrent_callers(tmp_path, cache):
    code = (
        "from labkit.workspace import template_source, latest_tag\n"
        "print(latest_tag(template_source('minitutor')))\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outputs
    assert [out.strip() for out, _ in outputs] == ["v1", "v1", "v1"]
    snapshot = cache / "templates" / "minitutor"
    assert git(snapshot, "tag", "--list").split() == ["v1"]
    assert git(snapshot, "rev-list", "--count", "HEAD") == "1"
    leftovers = [p.name for p in (cache / "templates").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_copier_update_brings_a_new_template_version(tmp_path, cache, templates):
    dest = tmp_path / "ws"
    workspace.scaffold("minitutor", dest, ANSWERS)
    # The learner changes their workspace and commits...
    readme = dest / "README.md"
    readme.write_text(readme.read_text() + "\nMy own notes.\n")
    git(dest, "commit", "-qam", "my notes")
    # ...while the template gets a new file and a changed one.
    project = templates / "minitutor" / "project"
    (project / "CHANGELOG.md").write_text("# Changes\n\n- template v2\n")
    notes = project / "notes" / "README.md"
    notes.write_text(notes.read_text() + "\nA line from template v2.\n")

    template_update.update(dest)

    assert read_answers(dest)["_commit"] == "v2"
    assert (dest / "CHANGELOG.md").read_text() == "# Changes\n\n- template v2\n"
    assert "A line from template v2." in (dest / "notes" / "README.md").read_text()
    assert readme.read_text().endswith("\nMy own notes.\n")
    assert read_answers(dest)["learner"] == "borja"
    # The update is left for the learner to review and commit.
    assert "CHANGELOG.md" in git(dest, "status", "--porcelain")


def test_update_refuses_uncommitted_changes(tmp_path, cache):
    dest = tmp_path / "ws"
    workspace.scaffold("minitutor", dest, ANSWERS)
    (dest / "VERSION").write_text("9.9.9\n")
    with pytest.raises(WorkspaceError, match=r"uncommitted changes \(VERSION\); commit them"):
        template_update.update(dest)
    from labkit.i18n import use

    use("es")
    try:
        with pytest.raises(WorkspaceError, match=r"cambios sin confirmar \(VERSION\)"):
            template_update.update(dest)
    finally:
        use(None)


def test_update_needs_a_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="not a scaffolded workspace"):
        template_update.update(tmp_path)
