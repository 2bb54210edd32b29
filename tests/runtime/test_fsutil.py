"""labkit.runtime.fsutil: atomic replacement, single-write appends, tolerant reads."""

from __future__ import annotations

import json
import threading

import pytest

from labcore.errors import DataError
from labkit.runtime import fsutil


def test_atomic_write_creates_parents_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "a" / "b" / "state.bin"
    fsutil.atomic_write_bytes(path, b"one", mode=0o600)
    assert path.read_bytes() == b"one" and oct(path.stat().st_mode & 0o777) == "0o600"
    fsutil.atomic_write_bytes(path, b"two")
    assert path.read_bytes() == b"two" and oct(path.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in path.parent.iterdir()] == ["state.bin"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    fsutil.atomic_write_json(path, {"a": 1})

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(fsutil.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        fsutil.atomic_write_json(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_json_is_written_sorted_and_read_back(tmp_path):
    path = tmp_path / "state.json"
    fsutil.atomic_write_json(path, {"b": 1, "a": [1, 2]})
    assert path.read_text() == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
    assert fsutil.read_json(path) == {"a": [1, 2], "b": 1}
    assert fsutil.read_json(tmp_path / "missing.json") is None
    assert fsutil.read_json(tmp_path / "missing.json", {}) == {}


def test_read_json_does_not_hide_a_broken_file(tmp_path):
    path = tmp_path / "state.json"
    path.write_text('{"a": ')
    with pytest.raises(DataError, match="line 1: this is not valid JSON") as caught:
        fsutil.read_json(path)
    assert "repair it, or move it aside" in str(caught.value)


def test_append_line_adds_exactly_one_newline(tmp_path):
    path = tmp_path / "d" / "log.jsonl"
    fsutil.append_line(path, "one")
    fsutil.append_line(path, "two\n")
    assert path.read_text() == "one\ntwo\n"


def test_concurrent_appends_never_interleave(tmp_path):
    path = tmp_path / "log.jsonl"
    line = json.dumps({"pad": "x" * 2000})

    def writer(n):
        for i in range(50):
            fsutil.append_line(path, json.dumps({"writer": n, "i": i, "pad": "x" * 2000}))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = fsutil.read_jsonl(path)
    assert len(rows) == 200 and len(line) < 4096
    assert {(r["writer"], r["i"]) for r in rows} == {(n, i) for n in range(4) for i in range(50)}


def test_read_jsonl_skips_blank_and_torn_lines_and_names_a_damaged_one(tmp_path):
    path = tmp_path / "log.jsonl"
    assert fsutil.read_jsonl(path) == []
    path.write_text('{"a": 1}\n\n   \n{"b": 2}\n{"c": ')
    assert fsutil.read_jsonl(path) == [{"a": 1}, {"b": 2}]
    path.write_text('{"a": 1}\nnot json\n{"b": 2}\n')
    with pytest.raises(DataError, match="line 2: this is not valid JSON"):
        fsutil.read_jsonl(path)
