"""Deploys, rollbacks and rebuilds through the real CLI, checked over real HTTP."""

from __future__ import annotations

import json

from support import http_get, lab, lab_json, public_url


def served_version(ws) -> str:
    status, body = http_get(public_url(ws) + "/version")
    assert status == 200, body
    return json.loads(body)["version"]


def journal_events(ws) -> list[str]:
    return [json.loads(line)["event"] for line in (ws / ".lab/journal.jsonl").open()]


def test_deploy_then_rollback_is_a_pointer_flip(built):
    assert lab("deploy", "1.0.1", cwd=built).stdout.strip() == "[release] now serving 1.0.1"
    assert served_version(built) == "1.0.1"
    lab("deploy", "1.0.2", cwd=built)
    assert served_version(built) == "1.0.2"
    status = lab_json("status", cwd=built)
    assert status["serving"] == "1.0.2" and status["warm"] == "1.0.1"
    result = lab_json("rollback", cwd=built)
    assert result["version"] == "1.0.1" and result["mode"] == "flip"
    assert result["previous"] == "1.0.2"
    assert served_version(built) == "1.0.1"
    events = journal_events(built)
    assert events[-3:] == ["rollback.started", "release.deployed", "rollback.finished"]
    history = [json.loads(line) for line in (built / ".lab/releases.jsonl").open()]
    deployed = [(r["version"], r["mode"]) for r in history if r["kind"] == "deployed"]
    assert deployed == [("1.0.1", "deploy"), ("1.0.2", "deploy"), ("1.0.1", "flip")]


def test_deploying_the_serving_release_changes_nothing(built):
    lab("deploy", "1.0.0", cwd=built)
    assert lab("deploy", "1.0.0", cwd=built).stdout.strip() == "[release] 1.0.0 is already serving"


def test_missing_artifact_is_refused_and_old_release_keeps_serving(built):
    lab("deploy", "1.0.0", cwd=built)
    proc = lab("deploy", "7.7.7", cwd=built, check=False)
    assert proc.returncode == 1
    assert "no artifact for 7.7.7" in proc.stderr
    assert served_version(built) == "1.0.0"


def test_corrupt_artifact_is_refused_by_deploy_and_rollback(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)
    for version in ("1.0.0", "1.0.2"):
        tar = built / "artifacts" / f"mini-{version}.tar"
        blob = bytearray(tar.read_bytes())
        blob[1000] ^= 0x01
        tar.write_bytes(bytes(blob))
    proc = lab("deploy", "1.0.2", cwd=built, check=False)
    assert proc.returncode == 1 and "failed verification" in proc.stderr
    proc = lab("rollback", cwd=built, check=False)
    assert proc.returncode == 1 and "refusing 1.0.0" in proc.stderr
    assert served_version(built) == "1.0.1"
    assert journal_events(built)[-1] == "rollback.failed"


def test_rollback_without_artifact_exits_3_then_rebuild_recovers(built):
    lab("deploy", "1.0.1", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    lab("artifacts", "prune", "--keep", "1", cwd=built)
    proc = lab("rollback", cwd=built, check=False)
    assert proc.returncode == 3
    err = proc.stderr.splitlines()
    assert err[0] == ("[rollback] ERROR: no prior release tag found "
                      "(last available: mini-1.0.2.tar, current)")
    assert err[1].startswith("[rollback] rebuilding 1.0.1 from v1.0.1 would take about ")
    assert "measured builds" in err[1]
    assert served_version(built) == "1.0.2"
    assert journal_events(built)[-2:] == ["rollback.started", "rollback.failed"]

    proc = lab("rollback", "--rebuild", cwd=built)
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("[rollback] rebuilt 1.0.1 in ") and "now serving 1.0.1" in last
    assert served_version(built) == "1.0.1"
    finished = [json.loads(line) for line in (built / ".lab/journal.jsonl").open()][-1]
    assert finished["event"] == "rollback.finished"
    assert finished["data"]["mode"] == "rebuild" and finished["data"]["rebuild_seconds"] > 0
    assert (built / "artifacts" / "mini-1.0.1.tar").exists()


def test_rollback_to_a_named_version(built):
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.1", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    result = lab_json("rollback", "--to", "1.0.0", cwd=built)
    assert result["version"] == "1.0.0"
    assert served_version(built) == "1.0.0"


def test_rollback_with_no_history_says_so(built):
    lab("deploy", "1.0.0", cwd=built)
    proc = lab("rollback", cwd=built, check=False)
    assert proc.returncode == 3
    assert "no previous release" in proc.stderr


def test_rollback_to_a_pruned_release_says_it_was_pruned_and_how_to_rebuild(built):
    lab("deploy", "1.0.1", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    lab("artifacts", "prune", "--keep", "1", cwd=built)
    proc = lab("rollback", "--to", "1.0.0", cwd=built, check=False)
    assert proc.returncode == 3
    first, hint = proc.stderr.splitlines()[:2]
    assert first == ("[rollback] ERROR: the artifact of 1.0.0 (mini-1.0.0.tar) is no longer in "
                     "artifacts/: it was pruned, so going back to 1.0.0 is a rebuild, not a flip")
    assert hint.endswith("run: lab rollback --to 1.0.0 --rebuild")
    assert served_version(built) == "1.0.2"
