"""Faults as data: each kind of edit applies, knows whether it is applied, and a bad
one is refused in one sentence naming lab.yaml, the line and the field."""

from __future__ import annotations

import shutil

import pytest

from labcore.errors import DataError
from labkit import faults
from labkit.catalog import load
from labkit.editspec import Edit
from labkit.faults import FaultError
from labkit.paths import KIT_ROOT

DIFF = """\
--- a/app.txt
+++ b/app.txt
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
"""


@pytest.fixture
def root(tmp_path):
    (tmp_path / "app.txt").write_text("one\ntwo\nthree\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "guard.sh").write_text("exit 0\n")
    return tmp_path


def edit(**fields) -> Edit:
    return Edit.model_validate({"id": "e", **fields})


def applies_once(root, fault) -> None:
    assert faults.state(root, fault).applied is False
    assert faults.apply(root, [fault]) == ["e"]
    assert faults.state(root, fault).applied is True
    assert faults.apply(root, [fault]) == []  # applied already: nothing done again


def test_replace_is_the_default_kind(root):
    fault = edit(file="app.txt", find="two", replace="2")
    assert fault.kind == "replace" and fault.files == ["app.txt"]
    applies_once(root, fault)
    assert (root / "app.txt").read_text() == "one\n2\nthree\n"


def test_create(root):
    fault = edit(kind="create", file="deploy/channel.json", content='{"stable": "1.0.0"}\n')
    applies_once(root, fault)
    assert (root / "deploy" / "channel.json").read_text() == '{"stable": "1.0.0"}\n'
    (root / "deploy" / "channel.json").write_text("mine\n")
    with pytest.raises(FaultError, match="already exists with other content"):
        faults.state(root, fault)


def test_delete(root):
    fault = edit(kind="delete", file="scripts/guard.sh")
    applies_once(root, fault)
    assert not (root / "scripts" / "guard.sh").exists()


def test_rename(root):
    fault = edit(kind="rename", file="scripts/guard.sh", to="scripts/old/guard.sh")
    assert fault.files == ["scripts/guard.sh", "scripts/old/guard.sh"]
    applies_once(root, fault)
    assert (root / "scripts" / "old" / "guard.sh").read_text() == "exit 0\n"
    (root / "scripts" / "guard.sh").write_text("again\n")
    with pytest.raises(FaultError, match="both exist"):
        faults.state(root, fault)


def test_patch(root):
    fault = edit(kind="patch", diff=DIFF)
    assert fault.files == ["app.txt"]
    applies_once(root, fault)
    assert (root / "app.txt").read_text() == "one\nTWO\nthree\n"
    (root / "app.txt").write_text("something else\n")
    with pytest.raises(FaultError, match="neither applies to app.txt nor is applied"):
        faults.state(root, fault)


def test_apply_is_all_or_nothing(root):
    good = edit(kind="delete", file="scripts/guard.sh")
    bad = Edit.model_validate({"id": "b", "file": "app.txt", "find": "nine", "replace": "9"})
    with pytest.raises(FaultError, match="fault b: app.txt holds the original text 0 time"):
        faults.apply(root, [good, bad])
    assert (root / "scripts" / "guard.sh").exists()


@pytest.fixture
def lab_copy(tmp_path):
    dest = tmp_path / "38-01-copy"
    shutil.copytree(KIT_ROOT / "labs" / "38-01-no-rollback-path", dest)
    return dest


def set_first_fault(lab_dir, text: str) -> int:
    """Replace the first fault's fields with text; returns the line of '- id:'."""
    path = lab_dir / "lab.yaml"
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  - id: aggressive"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("    concept:"))
    lines[start:end] = [text]
    path.write_text("".join(lines))
    return start + 1


@pytest.mark.parametrize(("fields", "field", "offset", "says"), [
    ("    kind: rename\n    file: scripts/release.sh\n", "faults.0.to", 0,
     "is required for an edit of kind 'rename'"),
    ("    kind: delete\n    file: scripts/release.sh\n    find: x\n", "faults.0.find", 3,
     "is not used by an edit of kind 'delete'"),
    ("    kind: move\n    file: scripts/release.sh\n", "faults.0.kind", 1,
     "input should be 'replace', 'create', 'delete', 'rename' or 'patch'"),
    ("    kind: patch\n    diff: |\n      --- a/x\n      +++ b/x\n      @@ -1 +1 @@\n", "faults.0.diff",
     2, "is not a unified diff git can apply"),
    ("    kind: create\n    file: ../outside\n    content: x\n", "faults.0.file", 2,
     "must be a path inside the workspace"),
])
def test_a_bad_fault_names_file_line_and_field(lab_copy, fields, field, offset, says):
    line = set_first_fault(lab_copy, "  - id: aggressive-prune\n" + fields)
    with pytest.raises(DataError) as caught:
        load(lab_copy)
    err = caught.value
    assert err.field == field
    assert err.line == line + offset
    assert says in str(err)
    assert str(err).startswith(f"{lab_copy / 'lab.yaml'}, line {line + offset}: field '{field}'")


def test_lab_dev_check_names_a_bad_fault(lab_copy):
    import sys

    sys.path.insert(0, str(KIT_ROOT / "tests"))
    from support import base_env, lab

    line = set_first_fault(lab_copy, "  - id: aggressive-prune\n    kind: rename\n"
                                     "    file: scripts/release.sh\n")
    env = base_env(LAB_LABS_DIR=str(lab_copy.parent))
    proc = lab("dev", "check", "38-01", env=env, check=False)
    assert proc.returncode != 0
    assert (f"lab.yaml, line {line}: field 'faults.0.to': is required for an edit of kind "
            "'rename'") in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_lab_written_before_kinds_still_loads():
    from labkit.catalog import get

    spec = get("38-01").spec
    assert [f.kind for f in spec.faults] == ["replace", "replace"]
    assert spec.fault_files == ["scripts/release.sh", "src/minitutor/agent.py"]
