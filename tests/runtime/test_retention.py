"""lab artifacts prune --protect-last-good, driven through the real CLI.

The smoke verdicts a prune reads are written with the release history's own
API: the runtime's test service has no contract to smoke-test against.
"""

from __future__ import annotations

import json

from support import lab, lab_json

from labkit.runtime.history import History


def verdicts(ws, *pairs: tuple[str, bool]) -> None:
    history = History(ws / ".lab" / "releases.jsonl")
    for version, passed in pairs:
        history.append("smoke", version, passed=passed, findings=[] if passed else ["portal"])


def tars(ws) -> list[str]:
    return sorted(p.name for p in (ws / "artifacts").glob("*.tar"))


def last_journal_entry(ws) -> dict:
    return [json.loads(line) for line in (ws / ".lab/journal.jsonl").open()][-1]


def test_protects_the_last_release_that_passed_smoke(built):
    verdicts(built, ("1.0.0", True), ("1.0.1", False), ("1.0.2", False))
    proc = lab("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    assert proc.stdout.strip().splitlines() == [
        "[release] protected 1.0.0: the last release that passed smoke",
        "[release] removed mini-1.0.1.tar",
    ]
    assert tars(built) == ["mini-1.0.0.tar", "mini-1.0.2.tar"]
    entry = last_journal_entry(built)
    assert entry["event"] == "artifacts.pruned"
    assert entry["data"] == {"keep": 1, "removed": ["1.0.1"], "kept": ["1.0.2", "1.0.0"],
                             "protected": "1.0.0"}


def test_the_latest_verdict_of_a_release_is_the_one_that_counts(built):
    # 1.0.1 passed once, then failed: the last good release is 1.0.0.
    verdicts(built, ("1.0.0", True), ("1.0.1", True), ("1.0.1", False))
    result = lab_json("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    assert result["protected"] == "1.0.0" and result["last_good"] == "1.0.0"
    assert result["removed"] == ["1.0.1"]


def test_without_the_option_verdicts_are_ignored(built):
    verdicts(built, ("1.0.0", True))
    proc = lab("artifacts", "prune", "--keep", "1", cwd=built)
    assert "protected" not in proc.stdout
    assert tars(built) == ["mini-1.0.2.tar"]
    assert "protected" not in last_journal_entry(built)["data"]


def test_no_verdicts_means_nothing_extra_is_protected(built):
    proc = lab("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == ("[release] no smoke verdict in the release history, so no release is "
                        "known to be good: nothing extra protected")
    assert lines[1:] == ["[release] removed mini-1.0.0.tar", "[release] removed mini-1.0.1.tar"]
    assert tars(built) == ["mini-1.0.2.tar"]
    assert last_journal_entry(built)["data"]["protected"] is None


def test_only_failed_verdicts_protect_nothing(built):
    verdicts(built, ("1.0.0", False), ("1.0.1", False))
    result = lab_json("artifacts", "prune", "--keep", "2", "--protect-last-good", cwd=built)
    assert result["protected"] is None and result["last_good"] is None
    assert result["note"] == "no release has passed its smoke test yet: nothing extra protected"
    assert result["removed"] == ["1.0.0"]


def test_serving_and_last_good_are_both_kept_beside_the_newest(built):
    lab("deploy", "1.0.0", cwd=built)  # the oldest one serves
    verdicts(built, ("1.0.0", False), ("1.0.1", True))
    result = lab_json("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    assert result["removed"] == []
    assert result["kept"] == ["1.0.2", "1.0.0", "1.0.1"]
    assert result["protected"] == "1.0.1"
    assert tars(built) == ["mini-1.0.0.tar", "mini-1.0.1.tar", "mini-1.0.2.tar"]


def test_a_last_good_release_among_the_newest_costs_no_extra_slot(built):
    lab("deploy", "1.0.2", cwd=built)
    verdicts(built, ("1.0.0", True), ("1.0.2", True))
    result = lab_json("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    assert result["protected"] == "1.0.2" and result["kept"] == ["1.0.2"]
    assert result["removed"] == ["1.0.0", "1.0.1"]


def test_json_output_of_a_protecting_prune(built):
    verdicts(built, ("1.0.0", True), ("1.0.1", False))
    result = lab_json("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    assert result == {
        "keep": 1,
        "removed": ["1.0.1"],
        "kept": ["1.0.2", "1.0.0"],
        "files": ["mini-1.0.1.tar"],
        "protect_last_good": True,
        "protected": "1.0.0",
        "last_good": "1.0.0",
        "note": "protected 1.0.0: the last release that passed smoke",
    }


def test_when_the_last_good_artifact_is_gone_the_newest_kept_good_one_is_protected(built):
    verdicts(built, ("1.0.0", True), ("1.0.1", True), ("1.0.2", False))
    (built / "artifacts" / "mini-1.0.1.tar").unlink()
    (built / "artifacts" / "mini-1.0.1.manifest.json").unlink()
    result = lab_json("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    assert result["last_good"] == "1.0.1" and result["protected"] == "1.0.0"
    assert "the newer 1.0.1 passed too, but its artifact is gone" in result["note"]
    assert tars(built) == ["mini-1.0.0.tar", "mini-1.0.2.tar"]


def test_when_no_good_artifact_is_left_it_says_so(built):
    verdicts(built, ("1.0.0", True), ("1.0.2", False))
    (built / "artifacts" / "mini-1.0.0.tar").unlink()
    (built / "artifacts" / "mini-1.0.0.manifest.json").unlink()
    proc = lab("artifacts", "prune", "--keep", "1", "--protect-last-good", cwd=built)
    assert proc.stdout.splitlines()[0] == (
        "[release] 1.0.0 is the last release that passed smoke, but its artifact is already "
        "gone: nothing extra protected")
    assert tars(built) == ["mini-1.0.2.tar"]


def test_help_describes_the_option(built):
    out = lab("artifacts", "prune", "--help", cwd=built).stdout
    assert "--protect-last-good" in out and "smoke" in out
