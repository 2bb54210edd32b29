"""checker.records: reading notes/breaks.md and judging its records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.records import (
    MAX_BYTES,
    Finding,
    FixVerdict,
    Mention,
    Record,
    RecordRules,
    RecordsReport,
    parse_records,
    template_record,
    validate_file,
    validate_record,
)
from labcore.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "records"
PASSES = FIXTURES / "passes"
FAILS_CHECK = FIXTURES / "fails_check"
BAD_YAML = FIXTURES / "bad_yaml"
SEED = PASSES / "seed_record.md"

PROSE_WARNING = "fix_diff is prose, so it cannot be verified mechanically"

RULES_38_01 = RecordRules(
    bug_id="38-01",
    mentions={
        "symptom": (Mention("the failed rollback", ("no prior release", "rollback")),),
        "hidden_cause": (
            Mention("the prune flag", ("--keep 1", "keep 1", "keep=1")),
            Mention("the missing previous release", ("previous", "prior", "older")),
        ),
    },
    line_budget=5,
    fault_files=("scripts/release.sh", "src/minitutor/agent.py"),
)
RULES = {
    "38-01": RULES_38_01,
    "38-02": RecordRules(bug_id="38-02", fault_files=("deploy.sh",)),
    "38-03": RecordRules(bug_id="38-03", fault_files=("cache.py",)),
}
KNOWN = set(RULES)


def write(tmp_path: Path, text: str, name: str = "breaks.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(report: RecordsReport) -> list[tuple[str | None, int]]:
    return [(f.field, f.line) for f in report.errors]


def never_called(diff: str) -> FixVerdict:  # pragma: no cover - must not run
    raise AssertionError("verify_fix must not be called here")


# -- the seed record -----------------------------------------------------------


def test_the_seed_record_is_valid_with_the_prose_warning() -> None:
    report = validate_file(SEED, RULES)
    assert report.valid
    assert report.errors == []
    assert report.warnings == [Finding(str(SEED), 17, "fix_diff", PROSE_WARNING, "warning")]


def test_the_seed_record_reads_as_plain_values_with_file_lines() -> None:
    (record,) = parse_records(SEED)
    assert record.file == str(SEED)
    assert record.line == 7
    assert record.field_lines == {
        "bug-id": 7,
        "concept": 8,
        "symptom": 9,
        "hidden_cause": 12,
        "hint_1": 14,
        "hint_2": 15,
        "hint_3": 16,
        "fix_diff": 17,
    }
    assert record.fields["bug-id"] == "38-01"
    assert all(type(value) is str for value in record.fields.values())
    assert record.fields["symptom"].startswith('just rollback errors out with "no prior release')
    assert "agent.py" in record.fields["fix_diff"]


@pytest.mark.parametrize("path", sorted(PASSES.glob("*.md")), ids=lambda p: p.name)
def test_every_passing_fixture_is_valid(path: Path) -> None:
    report = validate_file(path, RULES, verify_fix=lambda diff: FixVerdict(True, "fixed"))
    assert report.valid, report.findings
    assert report.records


# -- records in fenced blocks among prose ------------------------------------


def test_several_blocks_and_records_keep_their_file_lines() -> None:
    path = PASSES / "several_blocks.md"
    records = parse_records(path)
    assert [r.fields["bug-id"] for r in records] == ["38-01", "38-02", "38-03"]
    assert [r.line for r in records] == [6, 14, 32]
    assert records[1].field_lines["fix_diff"] == 21
    assert records[2].field_lines["fix_diff"] == 39  # a ~~~yml block after a python one


def test_blocks_are_joined_and_other_fences_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Intro.\n"  # 1
        "```yaml\n"  # 2
        "- bug-id: a\n"  # 3
        "```\n"  # 4
        "```sh\n"  # 5
        "- bug-id: not-yaml\n"  # 6
        "```\n"  # 7
        "  ```YML title\n"  # 8: indented fence, upper case, extra words
        "  - bug-id: b\n"  # 9
        "    concept: |\n"  # 10
        "      ```\n"  # 11: indented too far to close the block
        "      kept\n"  # 12
        "  ```\n"  # 13
        "```yaml\n"  # 14
        "- bug-id: c\n"  # 15
        "  n: 3\n"  # 16
        "```\n",
    )
    records = parse_records(path)
    assert [(r.fields["bug-id"], r.line) for r in records] == [("a", 3), ("b", 9), ("c", 15)]
    assert records[1].fields["concept"] == "```\nkept\n"
    assert records[2].field_lines == {"bug-id": 15, "n": 16}


def test_a_file_without_yaml_fences_is_bare_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "# heading\n\n- bug-id: 38-01\n  concept: x\n")
    (record,) = parse_records(path)
    assert (record.line, record.field_lines["concept"]) == (3, 4)


def test_values_are_plain_python(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "- bug-id: 38-01\n  n: 3\n  f: 1.5\n  b: true\n  none:\n  l: [1, two]\n"
        "  m: {k: v}\n  s: !!str 12\n  d: 2024-05-01\n  \"quoted\": 'x'\n",
    )
    (record,) = parse_records(path)
    fields = record.fields
    assert fields["bug-id"] == "38-01" and type(fields["bug-id"]) is str
    assert type(fields["n"]) is int and type(fields["f"]) is float and fields["b"] is True
    assert fields["none"] is None
    assert fields["l"] == [1, "two"] and type(fields["l"]) is list
    assert fields["m"] == {"k": "v"} and type(fields["m"]) is dict
    assert fields["s"] == "12" and type(fields["s"]) is str
    assert fields["quoted"] == "x" and type(fields["quoted"]) is str
    assert str(fields["d"]) == "2024-05-01"


def test_line_numbers_survive_crlf_and_unicode_separators(tmp_path: Path) -> None:
    path = tmp_path / "breaks.md"
    path.write_bytes("- bug-id: a\r\n  s: 'x\u2028y'\r\n  t: \"p\u2029q\"\r\n  u: 1\r\n".encode())
    (record,) = parse_records(path)
    assert record.field_lines == {"bug-id": 1, "s": 2, "t": 3, "u": 4}


# -- records that parse but do not pass --------------------------------------

# fixture -> the errors it must give: (field, line, words in the message)
FAILS: dict[str, list[tuple[str, int, str]]] = {
    "missing_field.md": [("hint_3", 2, "hint_3 is missing")],
    "empty_field.md": [("concept", 3, "concept is empty"), ("symptom", 4, "symptom is empty")],
    "unknown_bug_id.md": [("bug-id", 2, "unknown bug-id '38-99'")],
    "repeated_hints.md": [("hint_3", 12, "hint_3 repeats hint_1")],
    "prose_without_agent.md": [
        ("fix_diff", 9, "fix_diff does not name src/minitutor/agent.py"),
    ],
    "diff_touches_tests.md": [
        ("fix_diff", 9, "fix_diff changes tests/test_contract.py, which a fix may not touch")
    ],
    "diff_over_budget.md": [
        ("fix_diff", 9, "fix_diff changes 6 lines; a fix may change at most 5")
    ],
    "diff_malformed.md": [
        ("fix_diff", 9, "fix_diff is not a well-formed diff: the hunk ends early")
    ],
    "not_text.md": [("symptom", 4, "symptom must be text, not a mapping")],
}


def test_every_failing_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in FAILS_CHECK.glob("*.md")) == sorted(FAILS)


@pytest.mark.parametrize("name", sorted(FAILS))
def test_each_mistake_gets_its_verdict_field_and_line(name: str) -> None:
    report = validate_file(FAILS_CHECK / name, RULES, verify_fix=never_called)
    assert not report.valid
    assert errors_of(report) == [(field, line) for field, line, _ in FAILS[name]]
    for finding, (_, _, words) in zip(report.errors, FAILS[name], strict=True):
        assert words in finding.message
        assert finding.file == str(FAILS_CHECK / name)


def test_a_prose_fix_also_warns_that_it_cannot_be_verified() -> None:
    report = validate_file(FAILS_CHECK / "prose_without_agent.md", RULES)
    assert [w.message for w in report.warnings] == [PROSE_WARNING]


def test_verify_fix_gets_the_diff_and_its_refusal_is_an_error() -> None:
    path = PASSES / "bare_list.md"
    seen: list[str] = []

    def refuse(diff: str) -> FixVerdict:
        seen.append(diff)
        return FixVerdict(False, "the portal smoke test still fails with this fix applied")

    report = validate_file(path, RULES, verify_fix=refuse)
    assert not report.valid
    assert [(f.field, f.line, f.message) for f in report.errors] == [
        ("fix_diff", 15, "the portal smoke test still fails with this fix applied")
    ]
    assert len(seen) == 1 and seen[0].startswith("diff --git a/scripts/release.sh")
    assert report.warnings == []


def test_a_diff_fix_within_the_rules_is_valid_without_a_verifier() -> None:
    report = validate_file(PASSES / "bare_list.md", RULES)
    assert report.valid and report.findings == []


def test_bug_id_selects_the_records_checked(tmp_path: Path) -> None:
    path = PASSES / "several_blocks.md"
    report = validate_file(path, RULES, bug_id="38-02")
    assert [r.fields["bug-id"] for r in report.records] == ["38-02"]
    assert report.valid

    missing = validate_file(SEED, RULES, bug_id="38-02")
    assert not missing.valid
    assert [(f.field, f.line, f.message) for f in missing.errors] == [
        (None, 1, "no record for bug-id 38-02")
    ]


def test_a_record_for_an_unknown_lab_is_still_checked_for_form(tmp_path: Path) -> None:
    path = write(tmp_path, "- bug-id: 99-99\n  concept: x\n")
    report = validate_file(path, RULES)
    messages = {f.field: f.message for f in report.errors}
    assert messages["bug-id"] == "unknown bug-id '99-99' (known: 38-01, 38-02, 38-03)"
    assert {"symptom", "hint_1", "fix_diff"} <= set(messages)


def test_a_second_record_for_the_same_lab_is_a_warning(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index("```yaml") : text.index("```\n", text.index("```yaml") + 3) + 4]
    path = write(tmp_path, block + "\n" + block)
    report = validate_file(path, RULES)
    assert report.valid
    assert "another record for bug-id 38-01 is on line 2" in [w.message for w in report.warnings]


def test_report_and_finding_serialise() -> None:
    report = validate_file(FAILS_CHECK / "missing_field.md", RULES)
    data = report.as_dict()
    assert data["valid"] is False and data["records"] == 1
    assert data["findings"][0] == {
        "file": str(FAILS_CHECK / "missing_field.md"),
        "line": 2,
        "field": "hint_3",
        "message": "hint_3 is missing",
        "severity": "error",
    }
    json.dumps(data)


# -- validate_record on its own ------------------------------------------------


def make_record(**overrides: object) -> Record:
    fields: dict[str, object] = {
        "bug-id": "38-01",
        "concept": "rollback needs the previous artifact",
        "symptom": "rollback found no prior release",
        "hidden_cause": "release.sh pruned with --keep 1 and removed the previous build",
        "hint_1": "one",
        "hint_2": "two",
        "hint_3": "three",
        "fix_diff": "restore --keep 5 in release.sh and the key order in agent.py",
    }
    fields.update(overrides)
    fields = {k: v for k, v in fields.items() if v is not ...}
    lines = {name: 10 + i for i, name in enumerate(fields)}
    return Record(file="notes/breaks.md", line=10, fields=fields, field_lines=lines)


def check(record: Record, verify: Callable[[str], FixVerdict] | None = None) -> list[Finding]:
    """The errors and the fields sent to review (not the warnings)."""
    return [f for f in validate_record(record, RULES_38_01, KNOWN, verify)
            if f.severity in ("error", "review")]


def test_a_good_record_has_no_errors() -> None:
    assert check(make_record()) == []


@pytest.mark.parametrize(
    "cause",
    [
        "prune ran with KEEP 1, so the previous build went",
        "prune ran with --keep\n1 and the older build went",
        "prune(keep=1) dropped the prior release",
    ],
)
def test_mentions_ignore_case_and_spacing(cause: str) -> None:
    assert check(make_record(hidden_cause=cause)) == []


def test_each_missing_mention_goes_to_review_with_text_and_rule() -> None:
    found = check(make_record(hidden_cause="the script was changed"))
    assert {f.severity for f in found} == {"review"}
    assert [(f.field, f.text, f.rule) for f in found] == [
        ("hidden_cause", "the script was changed",
         "mention the prune flag (for example '--keep 1')"),
        ("hidden_cause", "the script was changed",
         "mention the missing previous release (for example 'previous')"),
    ]
    assert found[0].message == ("hidden_cause could not be matched to the prune flag; "
                                "a person will read it")


def test_hints_compare_without_case_or_spacing() -> None:
    errors = check(make_record(hint_2="  ONE ", hint_3="one"))
    assert [(f.field, f.line) for f in errors] == [("hint_2", 15), ("hint_3", 16)]
    assert errors[0].message == "hint_2 repeats hint_1; write three different hints"


@pytest.mark.parametrize(
    ("fix", "ok"),
    [
        ("Fixed scripts/release.sh and src/minitutor/agent.py.", True),
        ("Fixed RELEASE.SH and `agent.py`.", True),
        ("Fixed release.sh and myagent.py.", False),
        ("Fixed release.sh and agent.pyc.", False),
    ],
)
def test_prose_names_files_by_path_or_basename(fix: str, ok: bool) -> None:
    assert (check(make_record(fix_diff=fix)) == []) is ok


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"said": "no prior release"}, "symptom must be text, not a mapping"),
        (["rollback", "failed"], "symptom must be text, not a list"),
        (42, "symptom must be text, not a number; put the value in quotes"),
        (True, "symptom must be text, not true/false"),
        (None, "symptom is empty"),
        ("  \n ", "symptom is empty"),
        (..., "symptom is missing"),
    ],
)
def test_a_field_that_is_not_text(value: object, words: str) -> None:
    record = make_record(symptom=value)
    errors = check(record)
    assert [f.field for f in errors] == ["symptom"]
    assert errors[0].message.startswith(words)
    assert errors[0].line == (record.line if value is ... else record.field_lines["symptom"])


def test_a_bug_id_that_is_a_number_must_be_quoted() -> None:
    errors = check(make_record(**{"bug-id": 3801}))
    assert [(f.field, f.message) for f in errors] == [
        ("bug-id", "bug-id must be text, not a number; put the value in quotes")
    ]


def test_verify_fix_is_not_called_for_a_diff_outside_the_rules() -> None:
    diff = "--- a/tests/test_x.py\n+++ b/tests/test_x.py\n@@ -1 +1 @@\n-a\n+b\n"
    errors = check(make_record(fix_diff=diff), never_called)
    assert [f.message for f in errors] == [
        "fix_diff changes tests/test_x.py, which a fix may not touch"
    ]


# -- files that cannot be read as records ------------------------------------

# fixture -> (line, field, words in the message)
BAD: dict[str, tuple[int, str | None, str]] = {
    "syntax_in_second_block.md": (14, None, "put a value that contains ': ' in quotes"),
    "unindented_continuation.md": (4, None, "not indented under the key above"),
    "alias_bomb.md": (3, None, "the anchor '&a' is not allowed"),
    "list_of_strings.md": (2, None, "item 1 of the list is text, not a record"),
    "top_level_mapping.md": (2, None, "holds one mapping, not a list of records"),
    "duplicated_key.md": (7, "hint_2", "the key 'hint_2' appears twice in this record"),
    "tab_indent.md": (2, None, "tab"),
    "unclosed_quote.md": (2, None, "quoted value is never closed"),
    "unclosed_block.md": (3, None, "never closed"),
    "no_records.md": (3, None, "no records"),
    "two_documents.md": (2, None, "second YAML document"),
}


def test_every_bad_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD_YAML.glob("*.md")) == sorted(BAD)


def assert_plain(err: DataError) -> None:
    text = str(err)
    assert "\n" not in text
    for leak in ("ruamel", "Traceback", "<unicode string>", "MarkedYAMLError", "^"):
        assert leak not in text


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_names_its_line(name: str) -> None:
    path = BAD_YAML / name
    line, field, words = BAD[name]
    with pytest.raises(DataError) as info:
        parse_records(path)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert words in err.detail
    assert_plain(err)
    with pytest.raises(DataError):
        validate_file(path, RULES)


def test_prose_in_a_bare_file_suggests_a_yaml_block(tmp_path: Path) -> None:
    path = write(tmp_path, "Notes on the break.\n\n- bug-id: 38-01\n  concept: x\n")
    with pytest.raises(DataError, match="put the records in a ```yaml block") as info:
        parse_records(path)
    assert info.value.line == 3
    with pytest.raises(DataError) as info:
        parse_records(BAD_YAML / "unindented_continuation.md")
    assert "```yaml" not in info.value.detail


def test_the_alias_bomb_is_refused_before_anything_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ruamel.yaml

    def no_load(self: object, stream: object) -> None:  # pragma: no cover - must not run
        raise AssertionError("the loader must not see an alias")

    monkeypatch.setattr(ruamel.yaml.YAML, "load", no_load)
    with pytest.raises(DataError, match="anchor '&a' is not allowed"):
        parse_records(BAD_YAML / "alias_bomb.md")


def test_an_alias_without_anchor_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "- bug-id: 38-01\n  symptom: *nothing\n")
    with pytest.raises(DataError, match="alias") as info:
        parse_records(path)
    assert info.value.line == 2


def test_a_file_over_1_mib_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "breaks.md"
    path.write_bytes(b"- bug-id: 38-01\n" + b"#" * MAX_BYTES)

    def no_open(*args: object, **kwargs: object) -> None:  # pragma: no cover - must not run
        raise AssertionError("a file over the limit must not be opened")

    monkeypatch.setattr(Path, "open", no_open)
    monkeypatch.setattr(Path, "read_bytes", no_open)
    with pytest.raises(DataError, match="over the 1 MiB limit") as info:
        parse_records(path)
    assert (info.value.path, info.value.line) == (str(path), 1)
    assert_plain(info.value)


def test_a_file_of_exactly_1_mib_is_read(tmp_path: Path) -> None:
    head = SEED.read_bytes()
    path = tmp_path / "breaks.md"
    path.write_bytes(head + b"x" * (MAX_BYTES - len(head)))
    assert path.stat().st_size == MAX_BYTES
    assert len(parse_records(path)) == 1


def test_non_utf8_bytes_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "breaks.md"
    path.write_bytes(b"- bug-id: 38-01\r\n  concept: fine\r\n  symptom: caf\xe9 closed\r\n")
    with pytest.raises(DataError, match="not UTF-8") as info:
        parse_records(path)
    assert info.value.line == 3
    assert_plain(info.value)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "the file is empty"),
        ("# only a comment\n", 1, "no records"),
        ("- bug-id: 38-01\n  concept: &x here\n", 2, "anchor"),
        ("- bug-id: 38-01\n  concept: !!python/object:os.system x\n", 2, "tag '!!python"),
        ("- bug-id: 38-01\n  concept: 2023-02-30\n", 2, "cannot be read"),
        ("- bug-id: 38-01\n  <<: {concept: x}\n", 2, "merge keys"),
        ("- bug-id: 38-01\n  concept: " + "[" * 60 + "]" * 60 + "\n", 2, "nested"),
        ("- bug-id: 38-01\n  concept: ok\x07\n", 2, "control character U+0007"),
        ("- bug-id: 38-01\n- 42\n", 2, "item 2 of the list is a number"),
        ("- bug-id: 38-01\n-\n", 2, "item 2 of the list is empty"),
        ("Just some notes\nabout the break.\n", 1, "holds text, not a list"),
        ("```yaml\nbug-id: 38-01\n```\n", 2, "this yaml block holds one mapping"),
        ("- bug-id: 38-01\n  concept: |x\n", 2, "after '|' or '>'"),
        ('- bug-id: 38-01\n  concept: "a\\qb"\n', 2, "escape"),
        ("- bug-id: 38-01\n  concept: [a, b\n", 3, "'[' list is not closed"),
        ("- bug-id: 38-01\n  concept: @here\n", 2, "cannot start with '@'"),
        ("- bug-id: 38-01\n  concept: {a: 1, a: 2}\n", 2, "appears twice in the same mapping"),
    ],
)
def test_other_unreadable_inputs(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        parse_records(path)
    assert (info.value.path, info.value.line) == (str(path), line)
    assert words in info.value.detail
    assert_plain(info.value)


def test_a_missing_file_or_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        parse_records(tmp_path / "nope.md")
    with pytest.raises(DataError, match="directory"):
        parse_records(tmp_path)


# -- the template --------------------------------------------------------------


def fill(template: str) -> str:
    (seed,) = parse_records(SEED)
    for name, value in seed.fields.items():
        if name != "bug-id":
            template = template.replace(f'  {name}: ""', f"  {name}: {json.dumps(value)}")
    return template


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_template_parses_and_fails_until_filled(tmp_path: Path, lang: str) -> None:
    template = template_record(RULES_38_01, lang)
    assert template.startswith("```yaml\n") and template.endswith("```\n")
    assert "# " in template

    path = write(tmp_path, "# My breaks\n\n" + template)
    (record,) = parse_records(path)
    assert record.fields["bug-id"] == "38-01"
    report = validate_file(path, RULES)
    assert not report.valid
    empty = {f.field for f in report.errors}
    assert empty == set(RULES_38_01.required) - {"bug-id"}
    assert all(f.message.endswith("is empty") for f in report.errors)

    filled = write(tmp_path, "# My breaks\n\n" + fill(template), "filled.md")
    assert validate_file(filled, RULES).valid


def test_the_template_speaks_the_learners_language() -> None:
    assert "Fill in every field" in template_record(RULES_38_01, "en")
    assert "Rellena cada campo" in template_record(RULES_38_01, "es")
    assert template_record(RULES_38_01, "xx") == template_record(RULES_38_01)


# -- whatever the file holds: a result or an DataError ----------------------

SEED_FIELDS = parse_records(SEED)[0].fields
YAML_CHARS = list("-:#&*!|>'\"{}[]%@`,?~\\ \t\n") + ["- ", ": ", "  ", "\n  ", "```", "---"]

values = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
pieces = st.lists(st.one_of(st.sampled_from(YAML_CHARS), st.characters()), max_size=4).map("".join)
mutations = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), pieces),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 12)),
    st.tuples(st.just("replace"), st.floats(0, 1), pieces),
    st.tuples(st.just("dup_line"), st.floats(0, 1), st.just("")),
    st.tuples(st.just("drop_line"), st.floats(0, 1), st.just("")),
    st.tuples(st.just("insert_line"), st.floats(0, 1), pieces),
)


def mutate(text: str, op: str, where: float, arg: object) -> str:
    at = int(where * len(text))
    if op == "insert":
        return text[:at] + str(arg) + text[at:]
    if op == "delete":
        return text[:at] + text[at + int(arg) :]  # type: ignore[call-overload]
    if op == "replace":
        return text[:at] + str(arg) + text[at + 1 :]
    lines = text.split("\n")
    i = int(where * len(lines))
    if op == "dup_line" and i < len(lines):
        lines.insert(i, lines[i])
    elif op == "drop_line" and i < len(lines):
        del lines[i]
    elif op == "insert_line":
        lines.insert(i, str(arg))
    return "\n".join(lines)


@st.composite
def record_files(draw: st.DrawFn) -> bytes:
    fields: dict[str, object] = dict(SEED_FIELDS)
    for name in draw(st.lists(st.sampled_from([*fields, "extra", "ключ"]), max_size=4)):
        fields[name] = draw(values)
    rows = [f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in fields.items()]
    body = "- " + "\n  ".join(rows)
    if draw(st.booleans()):
        text = f"# Notes\n\nSome prose.\n\n```yaml\n{body}\n```\n\nMore prose.\n"
    else:
        text = body + "\n"
    for op, where, arg in draw(st.lists(mutations, max_size=6)):
        text = mutate(text, op, where, arg)
    data = text.encode("utf-8", "surrogatepass")
    for where, junk in draw(
        st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=3)), max_size=1)
    ):
        at = int(where * len(data))
        data = data[:at] + junk + data[at:]
    return data


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated") / "breaks.md"


def line_count(data: bytes) -> int:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=record_files())
def test_mutated_files_give_results_or_evidence_errors(scratch: Path, data: bytes) -> None:
    scratch.write_bytes(data)
    last = line_count(data)

    def judge(call: Callable[[], object]) -> object:
        try:
            return call()
        except DataError as err:
            assert err.path == str(scratch)
            assert err.line is None or 1 <= err.line <= last
            assert err.detail and "\n" not in str(err)
            return None

    records = judge(lambda: parse_records(scratch))
    if records is not None:
        assert isinstance(records, list) and records
        for record in records:
            assert 1 <= record.line <= last
            assert all(isinstance(k, str) for k in record.fields)
            assert all(1 <= n <= last for n in record.field_lines.values())

    report = judge(
        lambda: validate_file(scratch, RULES, verify_fix=lambda d: FixVerdict(False, "no"))
    )
    if report is not None:
        assert isinstance(report, RecordsReport)
        for finding in report.findings:
            assert 1 <= finding.line <= last
            assert finding.severity in ("error", "warning", "review")
            assert finding.message and "\n" not in finding.message
