"""checker.checks: a lab's pytest checks run against a workspace in a subprocess."""

from __future__ import annotations

import textwrap

from checker.checks import CheckResult, run_checks

CHECKS = '''
import pytest


def test_workspace_is_the_one_under_check(workspace):
    assert (workspace / "VERSION").read_text() == "1.2.2\\n"


def test_release_script_keeps_at_least_five(workspace):
    assert False, "scripts/release.sh keeps only 1 release(s); keep 5\\nsecond line"


def test_plain_assert_is_cleaned(workspace):
    value = 1
    assert value == 2


@pytest.fixture
def broken():
    raise RuntimeError("the fixture broke")


def test_an_error_in_setup(broken):
    pass


def test_skipped_here():
    pytest.skip("needs docker")


@pytest.mark.parametrize("n", [1, 2])
def test_each_case(n):
    assert n == 1, f"case {n} fails"
'''


def _lab(tmp_path, text):
    lab_dir = tmp_path / "lab"
    (lab_dir / "checks").mkdir(parents=True)
    (lab_dir / "checks" / "test_recovery.py").write_text(textwrap.dedent(text))
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "VERSION").write_text("1.2.2\n")
    return lab_dir, ws


def test_each_test_becomes_a_named_result_with_the_first_line_of_why(tmp_path):
    lab_dir, ws = _lab(tmp_path, CHECKS)
    results = {r.name: r for r in run_checks(lab_dir, ws)}
    assert results["workspace is the one under check"] == CheckResult(
        "workspace is the one under check", True, "ok")
    keep = results["release script keeps at least five"]
    assert not keep.passed and keep.message == "scripts/release.sh keeps only 1 release(s); keep 5"
    assert results["plain assert is cleaned"].message == "1 == 2"
    setup = results["an error in setup"]
    assert not setup.passed and "the fixture broke" in setup.message
    assert results["skipped here"] == CheckResult("skipped here", False,
                                                  "skipped: needs docker")
    cases = [r for r in run_checks(lab_dir, ws) if r.name == "each case"]
    assert [c.passed for c in cases] == [True, False]
    assert cases[1].message == "case 2 fails"
    assert results["each case"].as_dict()["name"] == "each case"


def test_a_lab_without_checks_has_no_results(tmp_path):
    (tmp_path / "lab").mkdir()
    assert run_checks(tmp_path / "lab", tmp_path) == []


def test_a_check_file_that_does_not_import_is_one_failed_result(tmp_path):
    lab_dir, ws = _lab(tmp_path, "import no_such_module_anywhere\n\ndef test_x():\n    pass\n")
    [result] = run_checks(lab_dir, ws)
    assert result.name == "checks/test_recovery.py loads" and not result.passed
    assert "no_such_module_anywhere" in result.message  # the error itself, not "collection failure"


def test_checks_that_hang_are_stopped_at_the_timeout(tmp_path):
    lab_dir, ws = _lab(tmp_path, '''
        import threading

        def test_hangs():
            threading.Event().wait()
        ''')
    assert run_checks(lab_dir, ws, timeout=1.5) == [CheckResult(
        "checks finished in time", False, "the checks did not finish within 1.5 s")]


def test_the_lab_fixture_is_the_labs_spec(tmp_path):
    from support import KIT_ROOT

    lab_dir, ws = _lab(tmp_path, '''
        def test_lab_is_the_spec(lab):
            assert lab.id == "38-01" and lab.break_.release == "1.2.3"
        ''')
    source = KIT_ROOT / "labs" / "38-01-no-rollback-path" / "lab.yaml"
    (lab_dir / "lab.yaml").write_text(source.read_text())
    from labkit.check_fixtures import run_lab_checks

    assert run_lab_checks(lab_dir, ws) == [CheckResult("lab is the spec", True, "ok")]
