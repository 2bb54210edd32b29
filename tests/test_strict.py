"""labcore.strict: the one strict loader for every YAML or JSON file the kit reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labcore.errors import DataError
from labcore.strict import (
    Rules,
    load_json,
    load_jsonl,
    load_yaml,
    parse_json,
    parse_yaml,
    read_bytes,
    read_text,
    schema_version,
    validate,
)


def write(tmp_path: Path, text: str | bytes, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(call, *, line: int | None, words: str, field: str | None = "?") -> DataError:
    with pytest.raises(DataError) as info:
        call()
    err = info.value
    assert words in err.detail, err.detail
    assert err.line == line, str(err)
    if field != "?":
        assert err.field == field, str(err)
    assert "\n" not in str(err) and "Traceback" not in str(err)
    return err


# -- bounded reading -------------------------------------------------------------


def test_a_missing_file_a_directory_and_devices(tmp_path: Path) -> None:
    refused(lambda: read_bytes(tmp_path / "nope", limit=10), line=None, words="does not exist")
    refused(lambda: read_bytes(tmp_path, limit=10, kind="a lab.yaml file"), line=None,
            words="this is a directory, not a lab.yaml file")
    for device in ("/dev/zero", "/dev/null"):
        refused(lambda d=device: read_bytes(d, limit=10), line=None,
                words="this is not a regular file")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    refused(lambda: load_json(fifo), line=None, words="this is not a regular file")


def test_the_size_cap_is_checked_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, b"x" * 101)
    refused(lambda: read_bytes(path, limit=100, kind="a state file"), line=1,
            words="over the 100 bytes limit for a state file (101 bytes)")
    assert read_bytes(write(tmp_path, b"x" * 100), limit=100) == b"x" * 100
    big = write(tmp_path, b"a: 1\n" * (300 * 1024 // 5), "lab.yaml")
    refused(lambda: load_yaml(big), line=1, words="over the 256 KiB limit")


def test_bad_utf8_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = write(tmp_path, b"a: 1\r\nb: 2\r\nc: caf\xe9\n")
    refused(lambda: read_text(path, limit=100), line=3, words="not UTF-8 text (byte 0xe9)")
    refused(lambda: load_json(write(tmp_path, b'{\n"a": "\xff"}', "f.json")), line=2,
            words="not UTF-8")


def test_text_loses_its_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffa\r\nb\rc\n".encode())
    assert read_text(path, limit=100) == "a\nb\nc\n"


# -- strict YAML -------------------------------------------------------------------

YAML_REFUSALS = [
    ("a: 1\nb: &x 2\n", 2, "the anchor '&x' is not allowed in f.yaml", "b"),
    ("a: 1\nb: *x\n", 2, "the alias '*x' is not allowed", "b"),
    ("a:\n  b: !!python/object:os.system x\n", 2, "the YAML tag '!!python/object:os.system'",
     "a.b"),
    ("a: 1\nb: !!int 3\n", 2, "the YAML tag '!!int'", "b"),
    ("a: 1\n<<: {b: 2}\n", 2, "merge keys ('<<') are not allowed", None),
    ("a:\n  b: 1\n  c: 2\n  b: 3\n", 4, "the key 'b' appears twice in a (first on line 2)",
     "a.b"),
    ("a: 1\n---\nb: 2\n", 2, "a second YAML document starts here", None),
    ("a: " + "[" * 51 + "]" * 51 + "\n", 1, "nested more than 50 levels deep", None),
    ("a: 1\nb: x\x07\n", 2, "the control character U+0007", None),
    ("a: 1\nb: [1, 2\n", 3, "'[' list is not closed", None),
    ("a: 1\nb: 2023-02-30\n", 2, "cannot be read", None),
]


@pytest.mark.parametrize(("text", "line", "words", "field"), YAML_REFUSALS,
                         ids=[w[:30] for _, _, w, _ in YAML_REFUSALS])
def test_each_yaml_refusal_names_its_line(tmp_path: Path, text, line, words, field) -> None:
    path = write(tmp_path, text)
    refused(lambda: load_yaml(path), line=line, words=words,
            field=field if field is not None else "?")


def test_yaml_limits_on_values_lines_and_depth(tmp_path: Path) -> None:
    rules = Rules(noun="f.yaml", max_nodes=100, max_lines=50, max_depth=3)
    many = "a: [" + ", ".join(["x"] * 200) + "]\n"
    refused(lambda: parse_yaml(many, "f.yaml", rules=rules), line=1,
            words="more than 100 values", field="a.97")
    refused(lambda: parse_yaml("a: 1\n" * 60, "f.yaml", rules=rules), line=51,
            words="runs past 50 lines")
    refused(lambda: parse_yaml("a: {b: {c: {d: 1}}}\n", "f.yaml", rules=rules), line=1,
            words="nested more than 3 levels deep", field="a.b.c")
    assert parse_yaml("a: {b: {c: 1}}\n", "f.yaml", rules=rules).data == {"a": {"b": {"c": 1}}}


def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 9)}]\n" for c in "bcdefghij")
    refused(lambda: parse_yaml(bomb, "lab.yaml"), line=1, words="the anchor '&a'", field="a")


def test_every_node_has_a_line_and_values_are_plain(tmp_path: Path) -> None:
    doc = parse_yaml("# head\nname: x\nlist:\n  - one\n  - {k: 2, when: 2024-05-01}\n"
                     "flag: true\nnone:\ntext: !!str 12\n", "f.yaml")
    assert doc.data["list"][1]["k"] == 2 and doc.data["flag"] is True
    assert doc.data["none"] is None and doc.data["text"] == "12"
    assert str(doc.data["list"][1]["when"]) == "2024-05-01"
    assert doc.line_of(["name"]) == 2
    assert doc.line_of(["list", 1, "k"]) == 5
    assert doc.line_of(["list", 0]) == 4
    assert doc.line_of(["list", 7]) == 3  # the deepest part that exists
    assert doc.line_of(["text"]) == 8


# -- strict JSON -------------------------------------------------------------------


def test_json_refusals(tmp_path: Path) -> None:
    def load(text: str):
        return lambda: load_json(write(tmp_path, text, "s.json"), advice="repair it")

    refused(load('{"a": 1,\n "b": 2,\n "a": 3}'), line=3,
            words="the key 'a' appears twice in the same object (first on line 1); repair it")
    refused(load('{"a": 1,\n "b": [1,\n'), line=3, words="this is not valid JSON")
    refused(load('{"a": NaN}'), line=1, words="NaN is not a JSON value")
    refused(load('{"a":\n' + "[" * 100 + "]" * 100 + "}"), line=2,
            words="nested more than 64 levels deep")
    refused(load("[" * 100_000 + "]" * 100_000), line=1, words="nested more than 64")
    assert load_json(write(tmp_path, '{"a": [1, {"b": null}]}', "ok.json")) == {
        "a": [1, {"b": None}]}
    refused(lambda: parse_json('{"a": {"x": 1, "x": 2}}', "p.json"), line=1,
            words="the key 'x' appears twice")


def test_jsonl_names_the_bad_line_and_forgives_a_torn_tail(tmp_path: Path) -> None:
    path = write(tmp_path, '{"a": 1}\n\n{"a": 2}\n{"a": 3', "h.jsonl")
    assert load_jsonl(path) == [{"a": 1}, {"a": 2}]  # the last append was cut short
    path = write(tmp_path, '{"a": 1}\n{"a": \n{"a": 3}\n', "h.jsonl")
    refused(lambda: load_jsonl(path, advice="repair the line"), line=2,
            words="this is not valid JSON")
    path = write(tmp_path, '{"a": 1}\n[1, 2]\n', "h.jsonl")
    refused(lambda: load_jsonl(path), line=2, words="this line is not a JSON object")
    path = write(tmp_path, '{"a": 1}\n{"b": 1, "b": 2}\n', "h.jsonl")
    refused(lambda: load_jsonl(path), line=2, words="the key 'b' appears twice")


# -- versioned schemas and pydantic ---------------------------------------------------


def test_schema_version_is_read_and_checked(tmp_path: Path) -> None:
    doc = parse_yaml("app: x\nschema_version: 3\n", "s.yaml")
    refused(lambda: schema_version(doc.data, "s.yaml", {1, 2}, line_of=doc.line_of), line=2,
            words="3 is not a version this kit reads (it reads 1, 2)", field="schema_version")
    refused(lambda: schema_version({"app": 1}, "s.json", {1}), line=None,
            words="is missing; write schema_version: 1", field="schema_version")
    refused(lambda: schema_version({"schema_version": True}, "s.json", {1}), line=None,
            words="True is not a version")
    assert schema_version({"schema_version": 1}, "s.json", {1}) == 1


def test_pydantic_errors_name_the_field_and_its_line() -> None:
    from pydantic import BaseModel, ConfigDict

    class Inner(BaseModel):
        model_config = ConfigDict(extra="forbid")
        n: int

    class Outer(BaseModel):
        model_config = ConfigDict(extra="forbid")
        items: list[Inner]

    doc = parse_yaml("items:\n  - n: 1\n  - n: lots\n", "o.yaml")
    refused(lambda: validate(Outer, doc.data, "o.yaml", line_of=doc.line_of), line=3,
            words="input should be a valid integer", field="items.1.n")
    doc = parse_yaml("items: []\nextra: 1\n", "o.yaml")
    refused(lambda: validate(Outer, doc.data, "o.yaml", line_of=doc.line_of), line=2,
            words="is not a known setting", field="extra")
