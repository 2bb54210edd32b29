"""labcore.git: one place that runs git, on the repository it names."""

from __future__ import annotations

import pytest
from support import GIT_ENV, git

from labcore import git as labgit
from labcore.errors import LabError


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "repo"
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    (path / "a.txt").write_text("one\n")
    git("add", "-A", cwd=path)
    git("commit", "-qm", "first", cwd=path)
    return path


def test_out_returns_stripped_stdout(repo):
    assert labgit.out(repo, "log", "--format=%s") == "first"
    assert labgit.out(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"


def test_a_failing_command_raises_git_error_naming_the_command_and_repo(repo):
    with pytest.raises(labgit.GitError) as caught:
        labgit.out(repo, "rev-parse", "--verify", "no-such-ref")
    message = str(caught.value)
    assert message.startswith(f"git rev-parse failed in {repo}: ")
    assert "no-such-ref" in message or "fatal" in message
    assert isinstance(caught.value, LabError)


def test_run_returns_the_result_whatever_the_status(repo):
    proc = labgit.run(repo, "rev-parse", "--verify", "nope")
    assert proc.returncode != 0 and proc.stderr


def test_ok_answers_yes_or_no(repo):
    assert labgit.ok(repo, "diff", "--quiet")
    (repo / "a.txt").write_text("two\n")
    assert not labgit.ok(repo, "diff", "--quiet")


def test_input_and_config_are_passed(repo):
    blob = labgit.out(repo, "hash-object", "--stdin", input="hello\n")
    assert blob == "ce013625030ba8dba906f756967f9e9ca394464a"
    assert labgit.out(repo, "config", "core.kitprobe", config=("-c", "core.kitprobe=yes")) == "yes"


def test_variables_pointing_at_another_repository_are_dropped(repo, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    git("init", "-q", "-b", "trunk", cwd=other)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    env = labgit.env()
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        assert name not in env
    assert env["GIT_AUTHOR_NAME"] == GIT_ENV["GIT_AUTHOR_NAME"]
    # The command acts on the repository it names, not on the one the variables point at.
    assert labgit.out(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert labgit.out(repo, "log", "--format=%s") == "first"


def test_own_identity_drops_the_callers_identity_too(repo, monkeypatch):
    env = labgit.env(own_identity=True)
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL"):
        assert name not in env
    (repo / "a.txt").write_text("two\n")
    labgit.out(repo, "commit", "-qam", "as the kit",
               config=("-c", "user.name=labkit", "-c", "user.email=kit@labkit.invalid"),
               own_identity=True)
    assert labgit.out(repo, "log", "-1", "--format=%an <%ae>") == "labkit <kit@labkit.invalid>"
