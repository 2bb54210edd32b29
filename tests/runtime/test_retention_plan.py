"""labkit.runtime.retention: the prune plan read from release history, no process needed.

(tests/runtime/test_retention.py drives the same rules through the real CLI.)
"""

from __future__ import annotations

import pytest

from labkit.errors import UsageError
from labkit.runtime import retention
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace


@pytest.fixture
def ws(tmp_path):
    (tmp_path / "service.yaml").write_text(
        "schema_version: 1\napp: tutor\nbuild: [sh, b.sh]\nrun: [python, a]\n")
    (tmp_path / "artifacts").mkdir()
    return Workspace(tmp_path)


def released(ws, *versions, artifacts=None):
    """Build and deploy each version in order; artifacts present for ``artifacts``."""
    history = History(ws.history_path)
    for version in versions:
        history.append("built", version, seconds=1.0)
        history.append("deployed", version, mode="deploy")
    for version in versions if artifacts is None else artifacts:
        (ws.artifacts / f"tutor-{version}.tar").write_bytes(b"")


def smoke(ws, *pairs):
    history = History(ws.history_path)
    for version, passed in pairs:
        history.append("smoke", version, passed=passed)


def test_keeps_the_newest_by_history_not_by_name(ws):
    released(ws, "1.0.10", "1.0.9", "1.0.2", "1.0.11")
    plan = retention.plan(ws, 2)
    assert plan.kept == ["1.0.2", "1.0.11"]
    assert plan.removed == ["1.0.10", "1.0.9"]
    assert (plan.protected, plan.last_good, plan.note) == (None, None, None)


def test_artifacts_unknown_to_history_go_first(ws):
    released(ws, "1.0.0", "1.0.1")
    (ws.artifacts / "tutor-0.9.0.tar").write_bytes(b"")
    assert retention.plan(ws, 2).removed == ["0.9.0"]


def test_the_serving_release_is_always_kept(ws):
    released(ws, "1.0.0", "1.0.1", "1.0.2")
    History(ws.history_path).append("deployed", "1.0.0", mode="rollback")
    plan = retention.plan(ws, 1)
    assert plan.kept == ["1.0.2", "1.0.0"] and plan.removed == ["1.0.1"]


@pytest.mark.parametrize("keep", [0, -1])
def test_keep_below_one_is_refused(ws, keep):
    with pytest.raises(UsageError, match=f"--keep {keep} would leave nothing"):
        retention.plan(ws, keep)


def test_protect_last_good_keeps_the_last_release_that_passed_smoke(ws):
    released(ws, "1.3.0", "1.3.1", "1.3.2", "1.3.3", "1.3.4", "1.3.5")
    smoke(ws, ("1.3.2", True), ("1.3.3", False), ("1.3.4", False), ("1.3.5", False))
    plain = retention.plan(ws, 3)
    assert plain.removed == ["1.3.0", "1.3.1", "1.3.2"]
    plan = retention.plan(ws, 3, protect_last_good=True)
    assert plan.kept == ["1.3.3", "1.3.4", "1.3.5", "1.3.2"]
    assert plan.removed == ["1.3.0", "1.3.1"]
    assert (plan.protected, plan.last_good) == ("1.3.2", "1.3.2")
    assert plan.note == "protected 1.3.2: the last release that passed smoke"


def test_the_latest_verdict_counts_and_smoke_with_nothing_serving_is_ignored(ws):
    released(ws, "1.0.0", "1.0.1", "1.0.2")
    smoke(ws, ("-", True), ("1.0.1", True), ("1.0.1", False), ("1.0.0", True))
    good, protected, note = retention.last_good(ws, {"1.0.0", "1.0.1", "1.0.2"})
    assert (good, protected) == ("1.0.0", "1.0.0")


@pytest.mark.parametrize("verdicts, words", [
    ((), "no smoke verdict in the release history"),
    ((("1.0.0", False), ("1.0.1", False)), "no release has passed its smoke test yet"),
])
def test_nothing_extra_is_protected_without_a_good_release(ws, verdicts, words):
    released(ws, "1.0.0", "1.0.1", "1.0.2")
    smoke(ws, *verdicts)
    plan = retention.plan(ws, 1, protect_last_good=True)
    assert plan.kept == ["1.0.2"] and plan.protected is None and words in plan.note


def test_when_the_last_good_artifact_is_gone_the_newest_kept_good_one_is_protected(ws):
    released(ws, "1.0.0", "1.0.1", "1.0.2", "1.0.3", artifacts=["1.0.0", "1.0.2", "1.0.3"])
    smoke(ws, ("1.0.0", True), ("1.0.1", True), ("1.0.3", False))
    plan = retention.plan(ws, 1, protect_last_good=True)
    assert (plan.last_good, plan.protected) == ("1.0.1", "1.0.0")
    assert plan.kept == ["1.0.3", "1.0.0"] and plan.removed == ["1.0.2"]
    assert plan.note.startswith("protected 1.0.0: the newest release that passed smoke and "
                                "still has its artifact (the newer 1.0.1 passed too")


def test_when_no_good_artifact_is_left_it_says_so(ws):
    released(ws, "1.0.0", "1.0.1", artifacts=["1.0.1"])
    smoke(ws, ("1.0.0", True))
    plan = retention.plan(ws, 1, protect_last_good=True)
    assert plan.protected is None and plan.last_good == "1.0.0"
    assert plan.note == ("1.0.0 is the last release that passed smoke, but its artifact is "
                         "already gone: nothing extra protected")


def test_verdicts_of_versions_missing_from_history_sort_by_version(ws):
    released(ws, "1.0.5")
    smoke(ws, ("1.0.10", True), ("1.0.9", True))
    (ws.artifacts / "tutor-1.0.9.tar").write_bytes(b"")
    (ws.artifacts / "tutor-1.0.10.tar").write_bytes(b"")
    good, protected, _ = retention.last_good(ws, {"1.0.9", "1.0.10", "1.0.5"})
    assert good == protected == "1.0.10"


def test_a_last_good_among_the_newest_costs_no_extra_slot(ws):
    released(ws, "1.0.0", "1.0.1", "1.0.2")
    smoke(ws, ("1.0.2", True))
    plan = retention.plan(ws, 2, protect_last_good=True)
    assert plan.kept == ["1.0.1", "1.0.2"] and plan.removed == ["1.0.0"]
