"""labkit.faults: text replacements (the default kind of edit), all or nothing."""

from __future__ import annotations

import pytest

from labkit import faults
from labkit.editspec import Edit
from labkit.errors import LabError

PRUNE = Edit(id="prune", file="scripts/release.sh", find="--keep 5", replace="--keep 1")
KEYS = Edit(id="keys", file="src/agent.py", find="return a, b", replace="return b, a")


@pytest.fixture
def root(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "scripts" / "release.sh").write_text("just artifacts-prune --keep 5\n")
    (tmp_path / "src" / "agent.py").write_text("def f(a, b):\n    return a, b\n")
    return tmp_path


def test_state_tells_original_from_applied(root):
    assert faults.state(root, PRUNE) == faults.FaultState("prune", "scripts/release.sh", False)
    (root / "scripts" / "release.sh").write_text("just artifacts-prune --keep 1\n")
    assert faults.state(root, PRUNE).applied


def test_apply_edits_each_file_once_and_is_idempotent(root):
    assert faults.apply(root, [PRUNE, KEYS]) == ["prune", "keys"]
    assert (root / "scripts" / "release.sh").read_text() == "just artifacts-prune --keep 1\n"
    assert (root / "src" / "agent.py").read_text() == "def f(a, b):\n    return b, a\n"
    assert faults.apply(root, [PRUNE, KEYS]) == []
    assert all(faults.state(root, f).applied for f in (PRUNE, KEYS))


def test_a_partly_applied_set_applies_only_the_rest(root):
    faults.apply(root, [PRUNE])
    assert faults.apply(root, [PRUNE, KEYS]) == ["keys"]


@pytest.mark.parametrize("text, counts", [
    ("nothing to find here\n", "0 time(s) and the faulty text 0"),
    ("--keep 5\n--keep 5\n", "2 time(s) and the faulty text 0"),
    ("--keep 5\n--keep 1\n", "1 time(s) and the faulty text 1"),
])
def test_an_ambiguous_file_is_refused_naming_the_fault_and_file(root, text, counts):
    (root / "scripts" / "release.sh").write_text(text)
    with pytest.raises(faults.FaultError) as caught:
        faults.state(root, PRUNE)
    message = str(caught.value)
    assert message.startswith("fault prune: scripts/release.sh holds the original text ")
    assert counts in message and isinstance(caught.value, LabError)


def test_nothing_is_touched_when_any_fault_does_not_fit(root):
    (root / "src" / "agent.py").write_text("rewritten by the learner\n")
    with pytest.raises(faults.FaultError, match="fault keys: src/agent.py"):
        faults.apply(root, [PRUNE, KEYS])
    assert (root / "scripts" / "release.sh").read_text() == "just artifacts-prune --keep 5\n"


def test_a_missing_file_is_named(root):
    (root / "src" / "agent.py").unlink()
    with pytest.raises(faults.FaultError,
                       match="fault keys: src/agent.py does not exist in the workspace"):
        faults.apply(root, [PRUNE, KEYS])


def test_the_kits_labs_apply_to_their_template(tmp_path):
    """Each lab's text faults fit the template (after the lab's own baseline edits)."""
    from labkit import workspace
    from labkit.catalog import all_labs

    source = workspace.templates_dir() / "minitutor" / "project"
    for lab in all_labs():
        for fault in lab.spec.faults:
            path = source / (fault.file + ".jinja")
            path = path if path.exists() else source / fault.file
            if fault.kind != "replace":
                continue
            made = [e.content for e in lab.spec.baseline.edits
                    if e.file == fault.file and e.kind == "create"]
            text = made[0] if made else path.read_text()  # a file the baseline creates
            for edit in lab.spec.baseline.edits:
                if edit.file == fault.file and edit.kind == "replace":
                    text = text.replace(edit.find, edit.replace, 1)
            assert text.count(fault.find) == 1, (lab.id, fault.id)
            assert fault.replace not in text, (lab.id, fault.id)
