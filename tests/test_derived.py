"""labkit.derived: what a read produced, kept as JSON; never trusted when it does not check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labkit import derived
from labkit.catalog import LAB_FILE, _read, _restore, lab_dirs, load
from labkit.errors import DataError

KIT_LABS = Path(__file__).resolve().parent.parent / "labs"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "derived"


def entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / kind).glob("*.json"))


def test_a_stored_value_comes_back_for_the_same_bytes_and_reader_only():
    derived.store("k", b"bytes", "r1", {"a": [1, 2.5, True, None, "é"]})
    assert derived.lookup("k", b"bytes", "r1") == {"a": [1, 2.5, True, None, "é"]}
    assert derived.lookup("k", b"bytes!", "r1") is None
    assert derived.lookup("k", b"bytes", "r2") is None
    assert derived.lookup("other", b"bytes", "r1") is None
    assert derived.lookup("k", b"bytes", None) is None


def test_what_json_would_change_is_not_kept(cache):
    import datetime

    for data in ({1: "a"}, {"d": datetime.date(2024, 1, 1)}, {"x": float("nan")}, (1, 2), None):
        derived.store("k", repr(data).encode(), "r", data)
    assert entries(cache, "k") == []


@pytest.mark.parametrize("damage", [
    lambda b: b[:-3],                                  # truncated
    lambda b: b.replace(b'"a"', b'"b"'),               # edited after writing
    lambda b: b"not an entry",
    lambda b: b"",
])
def test_a_damaged_entry_is_ignored_and_rebuilt(cache, damage):
    derived.store("k", b"src", "r", {"a": 1})
    (entry,) = entries(cache, "k")
    entry.write_bytes(damage(entry.read_bytes()))
    assert derived.lookup("k", b"src", "r") is None
    derived.store("k", b"src", "r", {"a": 1})
    assert derived.lookup("k", b"src", "r") == {"a": 1}


def test_an_entry_under_another_name_is_not_used(cache):
    derived.store("k", b"one", "r", {"v": 1})
    derived.store("k", b"two", "r", {"v": 2})
    first, second = entries(cache, "k")
    shutil.copyfile(first, second)  # self-consistent, but not the entry for these bytes
    values = [derived.lookup("k", b"one", "r"), derived.lookup("k", b"two", "r")]
    assert None in values and {"v": 2} not in values[:1] and {"v": 1} not in values[1:]


def test_a_cache_that_cannot_be_written_or_read_is_no_cache(cache):
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the directory would be")
    derived.store("k", b"src", "r", {"a": 1})
    assert derived.lookup("k", b"src", "r") is None


def test_old_entries_are_trimmed(cache, monkeypatch):
    monkeypatch.setattr(derived, "KEEP", 3)
    for n in range(6):
        derived.store("k", str(n).encode(), "r", n + 1)
    assert len(entries(cache, "k")) == 3


def test_code_digest_follows_the_source_and_gives_up_on_what_it_cannot_find():
    assert derived.code_digest("labkit.derived") == derived.code_digest("labkit.derived")
    assert derived.code_digest("labkit.derived") != derived.code_digest("labkit.catalog")
    assert derived.code_digest("labkit.no_such_module") is None


# --- lab.yaml ------------------------------------------------------------------------


@pytest.mark.parametrize("directory", lab_dirs(KIT_LABS), ids=lambda d: d.name[:5])
def test_a_lab_restored_from_the_cache_is_the_lab_read_in_full(directory):
    from labcore.strict import load_yaml
    from labkit.labspec import LAB_YAML_RULES

    spec, data = _read(load_yaml(directory / LAB_FILE, rules=LAB_YAML_RULES))
    again = _restore(data)
    assert again == spec and again.model_fields_set == spec.model_fields_set
    assert again.model_dump() == spec.model_dump()
    first, second = load(directory), load(directory)  # a full read, then a cached one
    assert first == second and second.spec == spec


def test_a_forged_lab_entry_is_checked_like_the_file(cache, tmp_path):
    lab = tmp_path / "labs" / "38-01-x"
    shutil.copytree(sorted(KIT_LABS.iterdir())[0], lab)
    load(lab)
    (entry,) = entries(cache, "lab.yaml")
    raw = (lab / LAB_FILE).read_bytes()
    from labcore.strict import YAML_READER

    reader = derived.code_digest(*YAML_READER)
    data = derived.lookup("lab.yaml", raw, reader)
    forged = {**data, "phase": 0}
    entry.unlink()
    derived.store("lab.yaml", raw, reader, forged)  # a self-consistent entry, bad data
    assert derived.lookup("lab.yaml", raw, reader) == forged
    assert load(lab).spec.phase == 38  # refused on restore, the file read again
    assert _restore({**data, "schema_version": True}) is None


def test_a_refused_lab_is_never_kept(cache, tmp_path):
    lab = tmp_path / "labs" / "38-01-x"
    shutil.copytree(sorted(KIT_LABS.iterdir())[0], lab)
    text = (lab / LAB_FILE).read_text()
    (lab / LAB_FILE).write_text(text.replace("phase: 38", "phase: 0", 1))
    for _ in range(2):
        with pytest.raises(DataError, match="phase"):
            load(lab)
    assert entries(cache, "lab.yaml") == []
