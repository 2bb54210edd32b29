"""Two labs of one phase share the phase's workspace; switching never loses evidence."""

from __future__ import annotations

import json

from support import lab, lab_json, shutdown_workspace


def test_switching_labs_sets_the_other_aside_and_brings_it_back(started_38_01):
    course, ws, env = started_38_01  # a copy of a course started once per session, serving
    home = ws.parent
    try:
        lab("smoke", cwd=ws, env=env)  # evidence of 38-01 in its journal
        (ws / "notes" / "breaks.md").write_text("notes of ana\n")
        journal = (ws / ".lab" / "journal.jsonl").read_text()

        out = lab("start", "38-02", cwd=course, env=env).stdout
        assert f"lab 38-01 is kept as it was in {home / 'phase-38.38-01'}" in out
        assert (home / "phase-38.38-01" / ".lab" / "journal.jsonl").read_text() == journal
        assert (ws / "notes" / "breaks.md").read_text() == "notes of ana\n"
        proc = lab("hint", "38-01", cwd=course, env=env, check=False)
        assert proc.returncode == 1 and "set aside in" in proc.stderr

        out = lab("start", "38-01", cwd=course, env=env).stdout
        assert "resumes where it was" in out
        assert (home / "phase-38.38-02").is_dir()
        assert lab_json("status", cwd=ws, env=env)["serving"] == "1.2.2"
        assert journal in (ws / ".lab" / "journal.jsonl").read_text()

        rows = json.loads(lab("grade", str(course / "learners"), "--format", "json",
                              cwd=course, env=env).stdout)
        assert sorted(r["lab"] for r in rows) == ["38-01", "38-02"]
        assert all(r["journal_intact"] and r["error"] is None for r in rows)
    finally:
        for path in (home / "phase-38.38-01", home / "phase-38.38-02"):
            assert not shutdown_workspace(path)
