"""lab artifacts build|list|prune|previous, driven through the real CLI."""

from __future__ import annotations

import json
import os

from support import git, lab, lab_json


def test_build_writes_a_verifiable_artifact_with_its_manifest(miniapp):
    proc = lab("artifacts", "build", "1.0.0", "--ref", "v1.0.0", cwd=miniapp)
    assert proc.stdout.startswith("[release] image mini-1.0.0 built (")
    tar = miniapp / "artifacts" / "mini-1.0.0.tar"
    manifest = json.loads((miniapp / "artifacts" / "mini-1.0.0.manifest.json").read_text())
    assert tar.is_file()
    assert manifest["version"] == "1.0.0"
    assert manifest["commit"] == git("rev-parse", "v1.0.0^{commit}", cwd=miniapp)
    assert manifest["size"] == tar.stat().st_size
    assert manifest["build_seconds"] > 0
    import hashlib

    assert manifest["sha256"] == hashlib.sha256(tar.read_bytes()).hexdigest()
    import tarfile

    with tarfile.open(tar) as archive:
        names = archive.getnames()
    assert "VERSION" in names and "src/miniapp/__main__.py" in names
    assert any(n.startswith("site/six") for n in names), "pinned dependency not installed"
    events = [json.loads(line)["event"] for line in (miniapp / ".lab/journal.jsonl").open()]
    assert events == ["release.built"]


def test_build_from_unknown_ref_is_refused_in_one_sentence(miniapp):
    proc = lab("artifacts", "build", "9.9.9", "--ref", "v9.9.9", cwd=miniapp, check=False)
    assert proc.returncode == 1
    assert "git ref 'v9.9.9' does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (miniapp / "artifacts" / "mini-9.9.9.tar").exists()


def test_failed_build_stores_nothing_and_shows_the_recipe_output(miniapp):
    from support import base_env

    proc = lab("artifacts", "build", "1.0.0", "--ref", "v1.0.0", cwd=miniapp, check=False,
               env=base_env(MINIAPP_BREAK_BUILD="1"))
    assert proc.returncode == 1
    assert "the build of 1.0.0 from v1.0.0 failed" in proc.stderr
    assert "broken on purpose" in proc.stderr
    assert not list((miniapp / "artifacts").glob("*.tar")) if (miniapp / "artifacts").exists() else True


def test_bad_version_is_refused(miniapp):
    proc = lab("artifacts", "build", "../evil", cwd=miniapp, check=False)
    assert proc.returncode == 2
    assert "is not a release version" in proc.stderr


def test_list_reports_verification_serving_and_rollback_target(built):
    lab("deploy", "1.0.1", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    data = lab_json("artifacts", "list", cwd=built)
    rows = {row["version"]: row for row in data["artifacts"]}
    assert list(rows) == ["1.0.0", "1.0.1", "1.0.2"]
    assert all(row["verified"] for row in rows.values())
    assert rows["1.0.2"]["serving"] and not rows["1.0.1"]["serving"]
    assert rows["1.0.1"]["rollback_target"]
    assert data["rollback_available"] is True
    # A flipped byte makes it unverified.
    tar = built / "artifacts" / "mini-1.0.0.tar"
    blob = bytearray(tar.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    tar.write_bytes(bytes(blob))
    rows = {r["version"]: r for r in lab_json("artifacts", "list", cwd=built)["artifacts"]}
    assert rows["1.0.0"]["verified"] is False
    assert "corrupt" in rows["1.0.0"]["problem"]
    human = lab("artifacts", "list", cwd=built).stdout
    assert "serving" in human and "rollback target" in human


def test_prune_goes_by_release_history_not_file_time(built):
    lab("deploy", "1.0.2", cwd=built)
    # Make the oldest release look newest on disk: prune must not care.
    old = built / "artifacts" / "mini-1.0.0.tar"
    os.utime(old, (4_000_000_000, 4_000_000_000))
    proc = lab("artifacts", "prune", "--keep", "2", cwd=built)
    assert proc.stdout.strip().splitlines() == ["[release] removed mini-1.0.0.tar"]
    assert sorted(p.name for p in (built / "artifacts").glob("*.tar")) == [
        "mini-1.0.1.tar", "mini-1.0.2.tar"]
    assert not (built / "artifacts" / "mini-1.0.0.manifest.json").exists()


def test_prune_never_removes_the_serving_release(built):
    lab("deploy", "1.0.0", cwd=built)  # the oldest one serves
    proc = lab("artifacts", "prune", "--keep", "1", cwd=built)
    removed = proc.stdout.strip().splitlines()
    assert removed == ["[release] removed mini-1.0.1.tar"]
    assert sorted(p.name for p in (built / "artifacts").glob("*.tar")) == [
        "mini-1.0.0.tar", "mini-1.0.2.tar"]
    entry = [json.loads(line) for line in (built / ".lab/journal.jsonl").open()][-1]
    assert entry["event"] == "artifacts.pruned" and entry["data"]["removed"] == ["1.0.1"]


def test_prune_refuses_zero_and_negative(built):
    for n in ("0", "-3"):
        proc = lab("artifacts", "prune", "--keep", n, cwd=built, check=False)
        assert proc.returncode == 2
        assert f"--keep {n} would leave nothing" in proc.stderr
    assert len(list((built / "artifacts").glob("*.tar"))) == 3


def test_previous_reads_history_and_exits_3_without_artifact(built):
    proc = lab("artifacts", "previous", cwd=built, check=False)
    assert proc.returncode == 3  # nothing served yet
    lab("deploy", "1.0.0", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    assert lab("artifacts", "previous", cwd=built).stdout.strip() == "1.0.0"
    (built / "artifacts" / "mini-1.0.0.tar").unlink()
    proc = lab("artifacts", "previous", cwd=built, check=False)
    assert proc.returncode == 3
    assert "1.0.0" in proc.stderr and "gone" in proc.stderr


def test_workspace_option_and_outside_workspace(built, tmp_path):
    data = lab_json("artifacts", "list", "--workspace", str(built), cwd=tmp_path)
    assert len(data["artifacts"]) == 3
    proc = lab("artifacts", "list", cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "is not inside a workspace" in proc.stderr


def test_a_remembered_digest_does_not_hide_a_corruption_that_keeps_size_and_mtime(built):
    lab("deploy", "1.0.0", cwd=built)
    rows = {r["version"]: r for r in lab_json("artifacts", "list", cwd=built)["artifacts"]}
    assert rows["1.0.1"]["verified"]  # hashed once, then remembered with the file's stat
    tar = built / "artifacts" / "mini-1.0.1.tar"
    before = tar.stat()
    blob = bytearray(tar.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    with open(tar, "r+b") as handle:  # in place: same inode, same size
        handle.write(bytes(blob))
    import os

    os.utime(tar, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime
    rows = {r["version"]: r for r in lab_json("artifacts", "list", cwd=built)["artifacts"]}
    assert rows["1.0.1"]["verified"] is False and "corrupt" in rows["1.0.1"]["problem"]
    proc = lab("deploy", "1.0.1", cwd=built, check=False)
    assert proc.returncode == 1 and "failed verification" in proc.stderr
