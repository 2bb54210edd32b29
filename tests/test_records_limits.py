"""Hostile records files under the 1 MiB cap are refused, or read, with bounded work.

What is asserted is the outcome (refused in one sentence with a line, or
read); how long each takes is measured by benchmarks/records.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import CAP, HOSTILE
from support import lab

from checker.records import MAX_RECORDS, RecordRules, parse_records, validate_file
from labcore.errors import DataError

RULES = {"38-01": RecordRules(bug_id="38-01")}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, (build, _) in HOSTILE.items():
        path = root / f"{name}.md"
        path.write_text(build(), encoding="utf-8")  # type: ignore[operator]
        assert path.stat().st_size <= CAP
        out[name] = path
    return out


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_under_the_cap_is_refused_or_read(files, name: str) -> None:
    path = files[name]
    kind, expected = HOSTILE[name][1]
    if kind == "refused":
        with pytest.raises(DataError) as info:
            validate_file(path, RULES)
        err = info.value
        assert err.path == str(path) and err.line is not None and err.line >= 1
        assert str(expected) in err.detail
        assert "\n" not in str(err)
    else:
        report = validate_file(path, RULES)
        assert len(report.records) == expected
        assert all("\n" not in f.message for f in report.findings)


def test_the_record_cap_names_the_first_record_over_it(tmp_path: Path) -> None:
    record = "- bug-id: 38-01\n  concept: x\n"
    path = tmp_path / "breaks.md"
    path.write_text(record * MAX_RECORDS, encoding="utf-8")
    assert len(parse_records(path)) == MAX_RECORDS
    path.write_text(record * (MAX_RECORDS + 1), encoding="utf-8")
    with pytest.raises(DataError, match=f"more than {MAX_RECORDS} records") as info:
        parse_records(path)
    assert info.value.line == 2 * MAX_RECORDS + 1


def test_the_value_budget_is_shared_by_every_block(tmp_path: Path) -> None:
    block = "```yaml\n- bug-id: 38-01\n  concept: [" + ", ".join(["a"] * 100) + "]\n```\n"
    path = tmp_path / "breaks.md"
    path.write_text(block * 150, encoding="utf-8")  # 150 records, over 15000 values
    with pytest.raises(DataError, match="more than 10000 values"):
        parse_records(path)


def test_a_nul_byte_in_a_fenced_block_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "breaks.md"
    path.write_text("# Notes\n\n```yaml\n- bug-id: 38-01\n  concept: a\0b\n```\n")
    with pytest.raises(DataError, match="control character U\\+0000") as info:
        parse_records(path)
    assert info.value.line == 5


def test_a_fence_inside_an_html_block_or_quoted_value_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "breaks.md"
    path.write_text("<details>\n```yaml\n- bug-id: a\n  fix_diff: |\n    ```yaml\n"
                    "    not: a fence\n    ```\n```\n</details>\n")
    (record,) = parse_records(path)
    assert record.fields["fix_diff"] == "```yaml\nnot: a fence\n```\n"
    assert record.field_lines == {"bug-id": 3, "fix_diff": 4}


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_not_a_regular_file(device: str) -> None:
    with pytest.raises(DataError, match="this is not a regular file"):
        parse_records(device)


def test_the_cli_says_dev_zero_is_not_a_regular_file(tmp_path: Path) -> None:
    proc = lab("records", "validate", "/dev/zero", cwd=tmp_path, check=False, timeout=60)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    out = proc.stdout + proc.stderr
    assert "/dev/zero: this is not a regular file" in out
    assert "does not exist" not in out
