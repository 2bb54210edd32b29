"""labkit.runtime.history: the release history and what it says about "previous"."""

from __future__ import annotations

import json

import pytest

from labcore.errors import DataError
from labkit.runtime.history import History


def test_append_writes_one_versioned_sorted_json_line(tmp_path):
    history = History(tmp_path / ".lab" / "releases.jsonl")
    record = history.append("built", "1.0.0", seconds=2.5, ref="v1.0.0")
    line = (tmp_path / ".lab" / "releases.jsonl").read_text()
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == record
    assert list(json.loads(line)) == sorted(record)
    assert record["v"] == 1 and record["kind"] == "built" and record["version"] == "1.0.0"
    assert isinstance(record["at"], float)


def test_an_empty_or_missing_history_knows_nothing(tmp_path):
    history = History(tmp_path / "releases.jsonl")
    assert history.records() == [] and history.served() == []
    assert history.serving() is None and history.previous() is None
    assert history.release_order() == [] and history.build_times() is None
    assert history.smoke_verdicts() == {}


def test_previous_is_the_release_served_before_the_current_one(tmp_path):
    history = History(tmp_path / "releases.jsonl")
    for version in ("1.0.0", "1.0.1", "1.0.2"):
        history.append("deployed", version)
    assert history.serving() == "1.0.2" and history.previous() == "1.0.1"
    history.append("deployed", "1.0.0")  # a rollback is a deploy of an older release
    assert history.serving() == "1.0.0" and history.previous() == "1.0.2"
    history.append("deployed", "1.0.0")  # redeploying the same release is not a step back
    assert history.previous() == "1.0.2"
    assert history.served() == ["1.0.0", "1.0.1", "1.0.2", "1.0.0", "1.0.0"]


def test_a_single_release_has_no_previous(tmp_path):
    history = History(tmp_path / "releases.jsonl")
    history.append("deployed", "1.0.0")
    history.append("deployed", "1.0.0")
    assert history.previous() is None


def test_release_order_is_first_built_or_deployed_never_smoke(tmp_path):
    history = History(tmp_path / "releases.jsonl")
    history.append("smoke", "0.9.9", passed=True)
    history.append("built", "1.0.1")
    history.append("deployed", "1.0.0")
    history.append("built", "1.0.0")
    history.append("deployed", "1.0.1")
    assert history.release_order() == ["1.0.1", "1.0.0"]


def test_build_times_summarise_measured_builds(tmp_path):
    history = History(tmp_path / "releases.jsonl")
    for seconds in (3.0, 1.0, 2.0):
        history.append("built", "x", seconds=seconds)
    history.append("built", "y")  # not measured
    history.append("built", "z", seconds="fast")  # not a number
    times = history.build_times()
    assert (times.count, times.median, times.low, times.high) == (3, 2.0, 1.0, 3.0)


def test_the_latest_smoke_verdict_of_each_version_counts(tmp_path):
    history = History(tmp_path / "releases.jsonl")
    history.append("smoke", "1.0.0", passed=True)
    history.append("smoke", "1.0.1", passed=True)
    history.append("smoke", "1.0.1", passed=False)
    history.append("smoke", "1.0.2")
    assert history.smoke_verdicts() == {"1.0.0": True, "1.0.1": False, "1.0.2": False}


def test_a_torn_last_line_is_skipped_and_a_foreign_one_is_named(tmp_path):
    path = tmp_path / "releases.jsonl"
    history = History(path)
    history.append("deployed", "1.0.0")
    with path.open("a") as handle:
        handle.write('\n{"kind": "deployed", "vers')  # a crash cut this append short
    assert [r["version"] for r in history.records()] == ["1.0.0"]
    assert history.serving() == "1.0.0"
    path.write_text(path.read_text().rsplit("\n", 1)[0] + '\n["not", "a", "record"]\n')
    with pytest.raises(DataError, match="line 3: this line is not a JSON object"):
        history.records()
