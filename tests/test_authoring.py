"""Authoring: `lab new` scaffolds a lab, `lab dev check` proves labs break and repair."""

from __future__ import annotations

import re
import shutil

import pytest
from support import KIT_ROOT, base_env, lab, unwrap


@pytest.fixture
def labs_dir(tmp_path):
    path = tmp_path / "labs"
    path.mkdir()
    return path


def test_new_scaffolds_a_valid_lab_that_dev_check_sends_back_to_its_author(labs_dir, tmp_path):
    env = base_env(LAB_LABS_DIR=str(labs_dir))
    out = lab("new", "38-09", "--title", "Canary that lies", "--title-es", "El canario que miente",
              env=env, cwd=tmp_path).stdout
    created = labs_dir / "38-09-canary-that-lies"
    assert f"created {created}" in out
    for name in ("lab.yaml", "README.md", "README.es.md", "checks/test_recovery.py",
                 "fix/README.md"):
        assert (created / name).is_file(), name
    yaml_text = (created / "lab.yaml").read_text()
    assert "# Lab 38-09 as data" in yaml_text
    # Releases of its own (38-01 and 38-02 use 1.2.x and 1.3.x), figures as measured.
    assert 'releases: ["1.10.0", "1.10.1", "1.10.2"]' in yaml_text
    assert 'release: "1.10.3"' in yaml_text
    results = (KIT_ROOT / "benchmarks" / "RESULTS.md").read_text()
    flip = re.search(r"^\| `lab rollback` flip[^|]*\| ([0-9.]+) s", results, re.M).group(1)
    rebuild = re.search(r"^\| `lab rollback --rebuild`[^|]*\| ([0-9.]+) s", results,
                        re.M).group(1)
    assert f"flip_s: {flip}\n" in yaml_text and f"rebuild_s: {rebuild}\n" in yaml_text
    checks = (created / "checks" / "test_recovery.py").read_text()
    compile(checks, "test_recovery.py", "exec")
    for name in ("test_smoke_is_green", "test_serving_release_is_newer_than_the_broken_one",
                 "test_service_tests_are_untouched"):
        assert f"def {name}(" in checks
    clash = labs_dir / "38-03-uses-1-4"
    shutil.copytree(KIT_ROOT / "labs" / "38-01-no-rollback-path", clash)
    (clash / "lab.yaml").write_text((clash / "lab.yaml").read_text().replace(
        'id: "38-01"', 'id: "38-03"'))
    lab("new", "38-01", "--title", "Next door", env=env, cwd=tmp_path)
    assert 'releases: ["1.3.0", "1.3.1", "1.3.2"]' in (
        labs_dir / "38-01-next-door" / "lab.yaml").read_text()  # 1.2.x is 38-03's
    shutil.rmtree(clash)
    shutil.rmtree(labs_dir / "38-01-next-door")
    listed = unwrap(lab("list", "--json", env=env, cwd=tmp_path).stdout)
    assert [(e["id"], e["title"]) for e in listed] == [("38-09", "Canary that lies")]
    es = unwrap(lab("list", "--json", "--lang", "es", env=env, cwd=tmp_path).stdout)
    assert es[0]["title"] == "El canario que miente"

    again = lab("new", "38-09", "--title", "Other", env=env, cwd=tmp_path, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = lab("new", "3801", "--title", "X", env=env, cwd=tmp_path, check=False)
    assert bad.returncode == 2 and "is not a lab id" in bad.stderr

    proc = lab("dev", "check", "38-09", "--json", env=env, cwd=tmp_path, check=False)
    assert proc.returncode == 1
    steps = unwrap(proc.stdout)["steps"]
    assert steps[-1]["step"] == "no placeholders left" and not steps[-1]["ok"]
    assert "TODO still in lab.yaml, README.md, README.es.md" in steps[-1]["detail"]


def test_a_lab_with_a_broken_lab_yaml_is_named_with_its_line(labs_dir, tmp_path):
    env = base_env(LAB_LABS_DIR=str(labs_dir))
    shutil.copytree(KIT_ROOT / "labs" / "38-01-no-rollback-path", labs_dir / "38-05-broken")
    path = labs_dir / "38-05-broken" / "lab.yaml"
    path.write_text(path.read_text().replace("line_budget: 5", "line_budget: lots"))
    proc = lab("dev", "check", env=env, cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "lab.yaml, line" in proc.stdout + proc.stderr
    assert "record.line_budget" in proc.stdout + proc.stderr
    listed = lab("list", "--json", env=env, cwd=tmp_path, check=False)
    assert listed.returncode == 1
    assert unwrap(listed.stdout)[0]["error"]


@pytest.mark.e2e
def test_dev_check_catches_a_fault_that_does_not_apply_and_a_break_nobody_sees(labs_dir,
                                                                              tmp_path):
    env = base_env(LAB_LABS_DIR=str(labs_dir))
    source = KIT_ROOT / "labs" / "38-01-no-rollback-path"
    stale = labs_dir / "38-05-stale-fault"
    shutil.copytree(source, stale)
    text = (stale / "lab.yaml").read_text()
    (stale / "lab.yaml").write_text(text.replace('id: "38-01"', 'id: "38-05"').replace(
        'find: "just artifacts-prune --keep 5"', 'find: "just artifacts-prune --keep 7"'))
    silent = labs_dir / "38-06-silent-break"
    shutil.copytree(source, silent)
    text = (silent / "lab.yaml").read_text().replace('id: "38-01"', 'id: "38-06"')
    text = text.replace('replace: "just artifacts-prune --keep 1"',
                        'replace: "just artifacts-prune --keep 6"')
    text = text.replace('''replace: '    return {"spanish": fix_es, "correction": fix_en}\'''',
                        '''replace: '    return {"correction": fix_en, "spanish": fix_es}  # same\'''')
    (silent / "lab.yaml").write_text(text)
    proc = lab("dev", "check", "--json", env=env, cwd=tmp_path, check=False, timeout=600)
    assert proc.returncode == 1
    steps = unwrap(proc.stdout)["steps"]
    failed = {s["lab"]: s for s in steps if not s["ok"]}
    assert failed["38-05-stale-fault"]["step"] == "each fault applies cleanly"
    assert "scripts/release.sh" in failed["38-05-stale-fault"]["detail"]
    assert failed["38-06-silent-break"]["step"] == "the break is observable (checks fail)"
    assert "still passes after it" in failed["38-06-silent-break"]["detail"]


def test_dev_check_static_passes_for_every_lab_of_the_kit(tmp_path):
    """Every lab's data, texts and fix budget, without a workspace; each lab's whole
    story (its break observed, its reference fix released and checked) is an
    end-to-end test of its own in tests/e2e/."""
    proc = lab("dev", "check", "--static", "--json", cwd=tmp_path, check=False, timeout=120)
    data = unwrap(proc.stdout)
    failed = [s for s in data["steps"] if not s["ok"]]
    assert proc.returncode == 0 and not failed, failed
    kit_labs = {d.name for d in (KIT_ROOT / "labs").iterdir() if (d / "lab.yaml").is_file()}
    assert {s["lab"] for s in data["steps"]} == kit_labs and len(kit_labs) >= 4
    last_steps = {s["lab"]: s["step"] for s in data["steps"]}
    assert set(last_steps.values()) == {"reference fix fits the budget"}
    assert list(tmp_path.iterdir()) == []


@pytest.mark.e2e
def test_dev_check_passes_for_a_whole_lab(tmp_path):
    proc = lab("dev", "check", "38-06", "--json", cwd=tmp_path, check=False, timeout=900)
    data = unwrap(proc.stdout)
    failed = [s for s in data["steps"] if not s["ok"]]
    assert proc.returncode == 0 and not failed, failed
    assert {s["lab"] for s in data["steps"]} == {"38-06-a-cache-that-outlives-its-release"}
    assert data["steps"][-1]["step"] == "the reference fix repairs the lab"


@pytest.mark.e2e
def test_dev_check_names_an_error_in_a_check_and_shows_a_failed_build_log(labs_dir, tmp_path):
    env = base_env(LAB_LABS_DIR=str(labs_dir))
    source = KIT_ROOT / "labs" / "38-01-no-rollback-path"
    raising = labs_dir / "38-07-check-raises"
    shutil.copytree(source, raising)
    (raising / "lab.yaml").write_text(
        (raising / "lab.yaml").read_text().replace('id: "38-01"', 'id: "38-07"'))
    (raising / "checks" / "test_more.py").write_text(
        "from labkit.runtime.no_such_helper import serving\n\n\n"
        "def test_serving(workspace):\n    assert serving(workspace)\n")
    unbuildable = labs_dir / "38-08-fix-does-not-build"
    shutil.copytree(source, unbuildable)
    (unbuildable / "lab.yaml").write_text(
        (unbuildable / "lab.yaml").read_text().replace('id: "38-01"', 'id: "38-08"'))
    fix = unbuildable / "fix" / "fix.diff"
    fix.write_text(fix.read_text().replace(
        '+    return {"correction": fix_en, "spanish": fix_es}',
        '+    return {"correction": fix_en, "spanish": fix_es'))
    proc = lab("dev", "check", "--json", env=env, cwd=tmp_path, check=False, timeout=900)
    assert proc.returncode == 1
    failed = {s["lab"]: s for s in unwrap(proc.stdout)["steps"] if not s["ok"]}
    assert failed["38-07-check-raises"]["step"] == "the checks run without errors"
    assert failed["38-07-check-raises"]["detail"] == (
        "before the break: checks/test_more.py: ModuleNotFoundError: "
        "No module named 'labkit.runtime.no_such_helper'")
    assert failed["38-08-fix-does-not-build"]["step"] == "the reference fix repairs the lab"
    detail = failed["38-08-fix-does-not-build"]["detail"]
    assert "releasing 1.2.4 failed" in detail
    assert "SyntaxError" in detail  # the build's own log, not only its exit code
