"""Strict reading through the real CLI: hostile lab.yaml, service.yaml and state files
are refused in one sentence naming file, line and field, and quickly (no hang)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import KIT_ROOT, base_env, lab, unwrap

SOURCE = KIT_ROOT / "labs" / "38-01-no-rollback-path"

BOMB = ('  en: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(f'  x{c}: &{c} [{", ".join(["*" + chr(ord(c) - 1)] * 9)}]\n'
                  for c in "bcdefghij"))


def hostile_lab(labs: Path, name: str, text: str) -> Path:
    directory = labs / name
    directory.mkdir(parents=True)
    path = directory / "lab.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def labs(tmp_path: Path) -> Path:
    path = tmp_path / "labs"
    shutil.copytree(SOURCE, path / SOURCE.name)
    return path


CASES = {
    "alias-bomb": ("schema_version: 1\nid: '38-07'\nhints:\n" + BOMB, 4, "hints.en",
                   "the anchor '&a' is not allowed in lab.yaml"),
    "deep": ("schema_version: 1\nid: '38-07'\nrecord:\n  mentions: "
             + "[" * 5000 + "]" * 5000 + "\n", 4, "record.mentions" + ".0" * 48,
             "nested more than 50 levels deep"),
    "many-keys": ("schema_version: 1\nsummary: {" + ", ".join(f"k{i}: v" for i in range(12000))
                  + "}\n", 2, "summary.k9997", "more than 20000 values"),
    "duplicate": ("schema_version: 1\nid: '38-07'\nrecord:\n  line_budget: 5\n"
                  "  line_budget: 9\n", 5, "record.line_budget", "appears twice"),
    "bad-field": (SOURCE.joinpath("lab.yaml").read_text().replace(
        "line_budget: 5", "line_budget: lots"), None, "record.line_budget", "valid integer"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_lab_list_refuses_a_hostile_lab_yaml_in_one_sentence(labs: Path, tmp_path: Path,
                                                            case: str) -> None:
    text, line, field, words = CASES[case]
    path = hostile_lab(labs, f"38-07-{case}", text)
    if line is None:
        line = next(i for i, row in enumerate(text.splitlines(), 1) if "line_budget" in row)
    env = base_env(LAB_LABS_DIR=str(labs))
    proc = lab("list", "--json", env=env, cwd=tmp_path, check=False, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    rows = {row["dir"]: row for row in unwrap(proc.stdout)}
    assert rows[SOURCE.name]["error"] is None  # the good lab is still listed
    error = rows[path.parent.name]["error"]
    assert error.startswith(f"{path}, line {line}: field '{field}': "), error
    assert words in error and "\n" not in error

    human = lab("list", env=env, cwd=tmp_path, check=False, timeout=60)
    assert human.returncode == 1 and "Traceback" not in human.stderr
    assert f"{path}, line {line}: field '{field}'" in " ".join(human.stderr.split())


def test_a_50_mb_lab_yaml_is_refused_before_it_is_read(labs: Path, tmp_path: Path) -> None:
    path = hostile_lab(labs, "38-08-huge", "schema_version: 1\n")
    os.truncate(path, 50 * 1024 * 1024)  # sparse: nothing is written
    proc = lab("list", "--json", env=base_env(LAB_LABS_DIR=str(labs)), cwd=tmp_path,
               check=False, timeout=60)
    rows = {row["dir"]: row for row in unwrap(proc.stdout)}
    assert proc.returncode == 1
    assert rows["38-08-huge"]["error"] == (
        f"{path}, line 1: the file is over the 256 KiB limit for a lab.yaml file "
        f"({50 * 1024 * 1024} bytes)")


def test_a_lab_yaml_of_an_unknown_schema_version(labs: Path, tmp_path: Path) -> None:
    text = SOURCE.joinpath("lab.yaml").read_text()
    assert "schema_version: 1" in text
    path = hostile_lab(labs, "38-09-future", text.replace("schema_version: 1",
                                                          "schema_version: 7"))
    proc = lab("show", "38-09", env=base_env(LAB_LABS_DIR=str(labs)), cwd=tmp_path,
               check=False, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "schema_version" in row)
    assert (f"{path}, line {line}: field 'schema_version': 7 is not a version this kit reads"
            in " ".join(proc.stderr.split()))


def _workspace(root: Path, run: str) -> Path:
    root.mkdir()
    (root / ".git").mkdir()  # enough for the kit to know the workspace
    (root / "service.yaml").write_text(
        f"schema_version: 1\napp: tutor\nbuild: [sh, scripts/build.sh]\nrun: {run}\n")
    return root


def test_a_deeply_nested_service_yaml_is_one_sentence(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", "[" * 10000 + "]" * 10000)
    proc = lab("artifacts", "list", cwd=ws, check=False, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert (f"{ws / 'service.yaml'}, line 4: field 'run" in proc.stderr
            and "nested more than 8 levels deep" in " ".join(proc.stderr.split()))


def test_a_service_yaml_field_of_the_wrong_type_names_its_line(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", "[python, 3]")
    proc = lab("artifacts", "list", cwd=ws, check=False, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{ws / 'service.yaml'}, line 4: field 'run': must be a non-empty list of strings" in " ".join(proc.stderr.split())


def test_a_damaged_release_history_names_its_line(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", "[python, -m, app]")
    (ws / ".lab").mkdir()
    (ws / ".lab" / "releases.jsonl").write_text(
        '{"kind": "deployed", "version": "1.0.0", "at": 1}\n{"kind": "dep\n'
        '{"kind": "deployed", "version": "1.0.1", "at": 2}\n')
    proc = lab("artifacts", "prune", "--keep", "1", cwd=ws, check=False, timeout=60)
    out = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert f"{ws / '.lab' / 'releases.jsonl'}, line 2: this is not valid JSON" in out
    assert "repair or delete the line" in out
