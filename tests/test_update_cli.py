"""`lab update`: a started workspace brought to the course's current template."""

from __future__ import annotations

import shutil

import pytest
from ruamel.yaml import YAML
from support import KIT_ROOT, base_env, git, lab, lab_json, shutdown_workspace

pytestmark = pytest.mark.e2e  # a lab started in a course of its own


def answers(ws):
    return YAML(typ="safe").load((ws / ".copier-answers.yml").read_text())


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """Lab 38-01 started once for ana, with a template and snapshot cache of its own."""
    root = tmp_path_factory.mktemp("update")
    templates = root / "templates"
    shutil.copytree(KIT_ROOT / "templates", templates,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    course = root / "course"
    course.mkdir()
    env = base_env(LAB_COURSE=str(course), LAB_LEARNER="ana",
                   LAB_TEMPLATES_DIR=str(templates), LAB_CACHE_DIR=str(root / "cache"),
                   LAB_WHEELHOUSE=str(KIT_ROOT / ".cache" / "wheelhouse"))
    ws = course / "learners" / "ana" / "phase-38"
    lab("start", "38-01", cwd=course, env=env)
    yield ws, templates / "minitutor" / "project", env
    leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"


def test_update_keeps_work_refuses_dirt_and_reports_conflicts(started):
    ws, project, env = started
    assert answers(ws)["_commit"] == "v1"
    # Nothing new in the template yet.
    assert "already follows" in lab("update", "38-01", cwd=ws, env=env).stdout

    # A dirty workspace is refused, and the sentence names what to commit.
    (ws / "notes" / "mine.md").write_text("# What I saw\n\nThe rollback was slow.\n")
    readme = ws / "README.md"
    readme.write_text(readme.read_text().replace("(phase 38)", "(phase 38, Ana's copy)", 1))
    (project / "CHANGELOG.md").write_text("# Changes\n\n- template v2\n")
    refused = lab("update", "38-01", cwd=ws, env=env, check=False)
    assert refused.returncode == 1, refused.stdout
    assert "uncommitted changes (README.md, notes/mine.md); commit them first" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert answers(ws)["_commit"] == "v1" and not (ws / "CHANGELOG.md").exists()

    # Committed, the same work survives the update to v2.
    git("add", "-A", cwd=ws)
    git("commit", "-qm", "my notes", cwd=ws)
    mine = git("rev-parse", "HEAD", cwd=ws)
    done = lab_json("update", "--learner", "ana", "38-01", cwd=ws.parent, env=env)
    assert done["from"] == "v1" and done["to"] == "v2" and done["conflicts"] == []
    assert "CHANGELOG.md" in done["changed"]
    assert answers(ws)["_commit"] == "v2"
    assert (ws / "CHANGELOG.md").read_text() == "# Changes\n\n- template v2\n"
    assert (ws / "notes" / "mine.md").read_text().endswith("The rollback was slow.\n")
    assert "(phase 38, Ana's copy)" in readme.read_text()
    assert git("rev-parse", "HEAD", cwd=ws) == mine  # left for the learner to review
    assert git("tag", "--list", cwd=ws).split() == ["v1.2.0", "v1.2.1", "v1.2.2"]
    git("add", "-A", cwd=ws)
    git("commit", "-qm", "template v2", cwd=ws)
    reviewed = git("rev-parse", "HEAD", cwd=ws)

    # The template changes the line the learner changed: both sides kept, files named.
    template_readme = project / "README.md.jinja"
    template_readme.write_text(template_readme.read_text().replace(
        "(phase {{ phase }})", "(course phase {{ phase }})", 1))
    clash = lab("update", cwd=ws, env=env, check=False)
    assert clash.returncode == 1, clash.stdout + clash.stderr
    assert "v2 → v3 left conflicts in README.md" in clash.stdout
    text = readme.read_text()
    assert "<<<<<<<" in text and ">>>>>>>" in text
    assert "(phase 38, Ana's copy)" in text and "(course phase 38)" in text
    assert git("diff", "--name-only", "--diff-filter=U", cwd=ws) == "README.md"
    assert git("rev-parse", "HEAD", cwd=ws) == reviewed
    assert "my notes" in git("log", "--format=%s", cwd=ws).splitlines()


def test_update_names_a_missing_workspace(tmp_path):
    env = base_env(LAB_COURSE=str(tmp_path), LAB_LEARNER="bea")
    proc = lab("update", "38-01", cwd=tmp_path, env=env, check=False)
    assert proc.returncode == 1
    assert "lab 38-01 has no workspace for bea" in proc.stderr
    assert "Traceback" not in proc.stderr
