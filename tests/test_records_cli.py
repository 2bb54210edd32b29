"""`lab records validate` through the real CLI: verdicts, lines, and no tracebacks."""

from __future__ import annotations

import pytest
from support import FIXTURES, lab, unwrap

RECORDS = FIXTURES / "records"


# several_blocks.md names labs the kit does not ship; the library tests judge it.
@pytest.mark.parametrize("path", [RECORDS / "passes" / "seed_record.md",
                                  RECORDS / "passes" / "bare_list.md"], ids=lambda p: p.name)
def test_valid_files_exit_0(path, tmp_path):
    proc = lab("records", "validate", str(path), "--json", cwd=tmp_path, check=False)
    data = unwrap(proc.stdout)
    assert proc.returncode == 0 and data["valid"] is True and data["errors"] == []


@pytest.mark.parametrize("path", sorted((RECORDS / "fails_check").glob("*.md")),
                         ids=lambda p: p.name)
def test_invalid_records_exit_1_with_file_line_field(path, tmp_path):
    proc = lab("records", "validate", str(path), "--json", cwd=tmp_path, check=False)
    data = unwrap(proc.stdout)
    assert proc.returncode == 1 and data["valid"] is False and data["errors"]
    for error in data["errors"]:
        assert set(error) == {"file", "line", "field", "message"}
        assert error["file"] == str(path) and isinstance(error["line"], int)
    human = lab("records", "validate", str(path), cwd=tmp_path, check=False)
    assert human.returncode == 1 and f"{path}, line " in human.stdout


@pytest.mark.parametrize("path", sorted((RECORDS / "bad_yaml").glob("*.md")), ids=lambda p: p.name)
def test_unreadable_files_get_one_sentence_with_a_line(path, tmp_path):
    proc = lab("records", "validate", str(path), "--json", cwd=tmp_path, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (error,) = unwrap(proc.stdout)["errors"]
    assert error["line"] is not None and error["message"]


def test_missing_file_is_a_usage_error(tmp_path):
    proc = lab("records", "validate", str(tmp_path / "nope.md"), cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "is not a records file" in proc.stderr


CORPUS = RECORDS / "corpus"


@pytest.mark.parametrize(("kind", "code"), [("valid", 0), ("invalid", 1), ("review", 3)])
def test_each_outcome_has_its_exit_code_and_status(kind, code, tmp_path):
    for path in sorted((CORPUS / kind).glob("*.md")):
        proc = lab("records", "validate", str(path), "--json", cwd=tmp_path, check=False)
        data = unwrap(proc.stdout)
        assert (proc.returncode, data["status"]) == (code, kind), (path.name, data)
        assert data["valid"] is (kind == "valid")
        assert "Traceback" not in proc.stderr


def test_a_review_lists_field_text_and_rule(tmp_path):
    path = CORPUS / "review" / "es_unmatched_cause.md"
    data = unwrap(lab("records", "validate", str(path), "--json", cwd=tmp_path,
                      check=False).stdout)
    assert data["errors"] == [] and data["reviews"]
    review = data["reviews"][0]
    assert review["field"] == "hidden_cause"
    assert review["text"] == "el script de publicación estaba mal configurado"
    assert review["rule"].startswith("mention the retention window")
    human = lab("records", "validate", str(path), cwd=tmp_path, check=False)
    assert human.returncode == 3 and "wanted: mention the retention window" in human.stdout
    assert human.stdout.rstrip().endswith("review")
