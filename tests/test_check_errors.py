"""A lab's checks: an error inside one is reported as that error, and checks word
their messages in the learner's language."""

from __future__ import annotations

from labkit.check_fixtures import run_lab_checks
from labkit.i18n import use


def write_check(lab_dir, name: str, text: str) -> None:
    (lab_dir / "checks").mkdir(parents=True, exist_ok=True)
    (lab_dir / "checks" / name).write_text(text)


def test_an_import_error_is_named_with_its_module(tmp_path):
    write_check(tmp_path / "lab", "test_a.py",
                "from labkit.nowhere import thing\n\n\ndef test_x(workspace):\n    assert thing\n")
    [result] = run_lab_checks(tmp_path / "lab", tmp_path)
    assert result.error and not result.passed
    assert result.name == "checks/test_a.py loads"
    assert result.message == ("checks/test_a.py: ModuleNotFoundError: "
                              "No module named 'labkit.nowhere'")
    assert result.as_dict()["error"] is True


def test_a_fixture_error_is_an_error_and_a_failed_assert_is_not(tmp_path):
    write_check(tmp_path / "lab", "test_b.py", (
        "import pytest\n\n\n@pytest.fixture\ndef served():\n    raise KeyError('serving')\n\n\n"
        "def test_served(served):\n    assert served\n\n\n"
        "def test_plain(workspace):\n    assert False, 'the workspace is wrong'\n"))
    results = {r.name: r for r in run_lab_checks(tmp_path / "lab", tmp_path)}
    assert results["served"].error and results["served"].message == (
        "checks/test_b.py: KeyError: 'serving'")
    assert not results["plain"].error and results["plain"].message == "the workspace is wrong"
    assert "error" not in results["plain"].as_dict()


def test_checks_speak_the_learners_language(tmp_path):
    write_check(tmp_path / "lab", "test_c.py", (
        "from labkit.i18n import lang\n\n\ndef test_msg(workspace):\n"
        "    assert False, {'en': 'keep five', 'es': 'conserva cinco'}[lang()]\n"))
    use("es")
    try:
        [result] = run_lab_checks(tmp_path / "lab", tmp_path)
    finally:
        use(None)
    assert result.message == "conserva cinco"
