"""labcore.errors: the one error root, its exit codes and located messages."""

from __future__ import annotations

from labcore import errors


def test_located_names_file_line_and_field():
    assert errors.located("lab.yaml", "is required") == "lab.yaml: is required"
    assert errors.located("lab.yaml", "is required", line=4) == "lab.yaml, line 4: is required"
    assert (errors.located("notes/breaks.md", "is empty", line=9, field="symptom")
            == "notes/breaks.md, line 9: field 'symptom': is empty")


def test_data_error_keeps_where_and_what():
    err = errors.DataError("x.json", "is not JSON", line=2, field="port", hint="fix it")
    assert str(err) == "x.json, line 2: field 'port': is not JSON"
    assert (err.path, err.line, err.field, err.detail, err.hint) == (
        "x.json", 2, "port", "is not JSON", "fix it")
    assert err.exit_code == errors.EXIT_FAIL


def test_every_error_derives_from_the_root_with_its_exit_code():
    assert errors.UsageError("x").exit_code == errors.EXIT_USAGE == 2
    assert errors.LockTimeout("x").exit_code == errors.EXIT_LOCKED == 4
    assert errors.LabError("x").exit_code == errors.EXIT_FAIL == 1
    for cls in (errors.UsageError, errors.DataError, errors.LockTimeout):
        assert issubclass(cls, errors.LabError)
    assert errors.LabError("one sentence", hint="try this").hint == "try this"
