"""labkit.paths: where the kit, the course and the learner are."""

from __future__ import annotations

import getpass

import pytest

from labkit import paths
from labkit.errors import UsageError


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("LAB_LABS_DIR", "LAB_TEMPLATES_DIR", "LAB_CACHE_DIR", "LAB_WHEELHOUSE",
                 "LAB_COURSE", "LAB_LEARNER"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_kit_directories_default_to_the_kit_and_follow_the_environment(clean_env, tmp_path):
    assert paths.labs_dir() == paths.KIT_ROOT / "labs"
    assert paths.templates_dir() == paths.KIT_ROOT / "templates"
    assert paths.cache_dir() == paths.KIT_ROOT / ".cache"
    assert paths.wheelhouse_dir() == paths.KIT_ROOT / ".cache" / "wheelhouse"
    clean_env.setenv("LAB_CACHE_DIR", str(tmp_path / "c"))
    assert paths.wheelhouse_dir() == tmp_path / "c" / "wheelhouse"
    clean_env.setenv("LAB_WHEELHOUSE", str(tmp_path / "w"))
    clean_env.setenv("LAB_LABS_DIR", str(tmp_path / "l"))
    clean_env.setenv("LAB_TEMPLATES_DIR", str(tmp_path / "t"))
    assert paths.wheelhouse_dir() == tmp_path / "w"
    assert paths.labs_dir() == tmp_path / "l" and paths.templates_dir() == tmp_path / "t"


def test_lab_command_is_an_absolute_runnable_command():
    command = paths.lab_command()
    assert command.endswith("/lab") or command.endswith(" -m labkit")
    assert command.startswith("/")


def test_course_root_option_then_env_then_nearest_learners_then_here(clean_env, tmp_path):
    deep = tmp_path / "course" / "learners" / "ana" / "phase-38" / "src"
    deep.mkdir(parents=True)
    clean_env.chdir(deep)
    assert paths.course_root() == tmp_path / "course"
    clean_env.setenv("LAB_COURSE", str(tmp_path / "elsewhere"))
    assert paths.course_root() == tmp_path / "elsewhere"
    assert paths.course_root(str(tmp_path / "given")) == tmp_path / "given"
    clean_env.delenv("LAB_COURSE")
    clean_env.chdir(tmp_path)
    assert paths.course_root() == tmp_path


def test_learner_option_then_current_directory_then_env(clean_env, tmp_path):
    course = tmp_path / "course"
    inside = course / "learners" / "bea" / "phase-38"
    inside.mkdir(parents=True)
    clean_env.setenv("LAB_LEARNER", "carl")
    clean_env.chdir(tmp_path)
    assert paths.learner_name(course=course) == "carl"
    clean_env.chdir(inside)
    assert paths.learner_name(course=course) == "bea"
    assert paths.learner_name("dora", course=course) == "dora"


def test_without_anything_the_system_user_is_made_a_simple_name(clean_env, tmp_path):
    clean_env.setattr(getpass, "getuser", lambda: "Ana María.Ruiz")
    assert paths.learner_name() == "ana-mar-a-ruiz"
    clean_env.setattr(getpass, "getuser", lambda: "...")
    assert paths.learner_name() == "learner"

    def no_user():
        raise KeyError("no passwd entry")

    clean_env.setattr(getpass, "getuser", no_user)
    assert paths.learner_name() == "learner"


@pytest.mark.parametrize("bad, source", [("../evil", "--learner"), ("a/b", "--learner"),
                                         ("", "--learner"), ("ana\n", "--learner")])
def test_a_bad_learner_name_is_one_sentence_naming_its_source(clean_env, bad, source):
    with pytest.raises(UsageError) as caught:
        paths.learner_name(bad)
    assert f"learner name {bad!r} from {source} is not a simple name" in str(caught.value)


def test_a_bad_learner_in_the_environment_names_the_variable(clean_env):
    clean_env.setenv("LAB_LEARNER", "Bad Name")
    with pytest.raises(UsageError, match="from LAB_LEARNER is not a simple name"):
        paths.learner_name()
