"""Two labs of one phase share the phase's workspace; switching never loses evidence."""

from __future__ import annotations

import json

import pytest
from support import base_env, lab, lab_json, shutdown_workspace


@pytest.mark.e2e
def test_switching_labs_sets_the_other_aside_and_brings_it_back(tmp_path):
    env = base_env(LAB_COURSE=str(tmp_path), LAB_LEARNER="eva")
    home = tmp_path / "learners" / "eva"
    ws = home / "phase-38"
    try:
        lab("start", "38-01", cwd=tmp_path, env=env)
        lab("smoke", cwd=ws, env=env)  # evidence of 38-01 in its journal
        (ws / "notes" / "breaks.md").write_text("notes of eva\n")
        journal = (ws / ".lab" / "journal.jsonl").read_text()

        out = lab("start", "38-02", cwd=tmp_path, env=env).stdout
        assert f"lab 38-01 is kept as it was in {home / 'phase-38.38-01'}" in out
        assert (home / "phase-38.38-01" / ".lab" / "journal.jsonl").read_text() == journal
        assert (ws / "notes" / "breaks.md").read_text() == "notes of eva\n"
        proc = lab("hint", "38-01", cwd=tmp_path, env=env, check=False)
        assert proc.returncode == 1 and "set aside in" in proc.stderr

        out = lab("start", "38-01", cwd=tmp_path, env=env).stdout
        assert "resumes where it was" in out
        assert (home / "phase-38.38-02").is_dir()
        assert lab_json("status", cwd=ws, env=env)["serving"] == "1.2.2"
        assert journal in (ws / ".lab" / "journal.jsonl").read_text()

        rows = json.loads(lab("grade", str(tmp_path / "learners"), "--format", "json",
                              cwd=tmp_path, env=env).stdout)
        assert sorted(r["lab"] for r in rows) == ["38-01", "38-02"]
        assert all(r["journal_intact"] and r["error"] is None for r in rows)
    finally:
        for path in (ws, home / "phase-38.38-01", home / "phase-38.38-02"):
            assert not shutdown_workspace(path)
