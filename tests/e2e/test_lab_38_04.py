"""Lab 38-04 end to end: a migration drops a column the previous release still
writes, no backup was taken before it, and the rollback hands the old code data
it cannot write."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import urllib.error
import urllib.request

import pytest
from support import KIT_ROOT, git, just, lab, lab_json, public_url, unwrap

LAB_DIR = KIT_ROOT / "labs" / "38-04-a-migration-that-does-not-roll-back"
SENTENCE = "she go to school yesterday"

RECORD = """# My breaks

```yaml
- bug-id: "38-04"
  concept: a migration must leave data the previous release can still write; back up before it
  symptom: >-
    1.4.3 passed smoke, but after just rollback 1.4.2 answered every quiz with a 500:
    table attempts has no column named spanish
  hidden_cause: >-
    migration 3 in src/minitutor/store.py dropped the spanish column that 1.4.2 still
    writes, and scripts/release.sh no longer ran scripts/backup.sh, so there was no copy
    of quiz.db from before 1.4.3 and the rollback could not bring the data back
  hint_1: "What does the rollback say it could not check?"
  hint_2: "Which migrations has quiz.db seen, and which ones does 1.4.2 know?"
  hint_3: "Which release has no backup in .lab/data/backups?"
  fix_diff: >-
    removed the DROP COLUMN migration from src/minitutor/store.py (expand now,
    contract later) and put sh scripts/backup.sh back before the deploy in
    scripts/release.sh
```
"""


def serving(ws, env) -> str:
    return lab_json("status", cwd=ws, env=env)["serving"]


def submit(ws) -> tuple[int, dict]:
    request = urllib.request.Request(public_url(ws) + "/quiz/submit",
                                     data=json.dumps({"sentence": SENTENCE}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def schema(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    finally:
        conn.close()


def smoke_passes(ws, env) -> bool:
    return lab("smoke", cwd=ws, env=env, check=False).returncode == 0


@pytest.mark.e2e
def test_the_whole_story(course):
    course, ws, env = course
    data = ws / ".lab" / "data"

    # Start: three good releases; every release after the first was backed up first.
    lab("start", "38-04", cwd=course, env=env)
    assert serving(ws, env) == "1.4.2" and schema(data / "quiz.db") == 2
    assert sorted(p.name for p in (data / "backups").iterdir()) == [
        "quiz.before-1.4.1.schema-2.db", "quiz.before-1.4.2.schema-2.db"]

    # Break: 1.4.3 drops a column and was deployed without a backup; it passes smoke.
    lab("break", "38-04", cwd=course, env=env)
    assert serving(ws, env) == "1.4.3" and smoke_passes(ws, env)
    assert schema(data / "quiz.db") == 3
    assert not list((data / "backups").glob("*before-1.4.3*"))
    from labkit.check_fixtures import run_lab_checks

    results = {r.name: r for r in run_lab_checks(LAB_DIR, ws)}
    writable = results["the last good release can still write what the code migrated"]
    assert not writable.passed and "no column named spanish" in writable.message
    backup = results["the release script backs the data up before it deploys"]
    assert not backup.passed and "deployed without a backup" in backup.message
    assert results["service tests are untouched"].passed
    assert not any(r.error for r in results.values())
    es = unwrap(lab("check", "38-04", "--json", "--lang", "es", cwd=ws, env=env,
                    check=False).stdout)
    messages = {c["name"]: c["message"] for c in es["checks"]}
    assert "desplegó sin copiar .lab/data/quiz.db" in messages[backup.name]

    # Detect: the rehearsed rollback flips, unchecked, and the old code cannot write.
    rollback = just("rollback", cwd=ws, env=env)
    assert rollback.returncode == 0 and "now serving 1.4.2" in rollback.stdout
    assert "no backup was taken before the releases served since 1.4.2" in rollback.stdout
    assert not smoke_passes(ws, env)
    status, body = submit(ws)
    assert status == 500 and "no column named spanish" in body["error"]

    # Mitigate: the kit refuses to go further back until the matching backup is restored.
    refused = just("rollback", "--to", "1.4.1", cwd=ws, env=env)
    assert refused.returncode != 0 and serving(ws, env) == "1.4.2"
    assert ("refusing to roll back to 1.4.1: .lab/data/quiz.db is at schema 3, not at the "
            "schema 2 of the backup taken before 1.4.2") in refused.stderr
    restored = just("rollback", "--to", "1.4.1", "--restore-data", cwd=ws, env=env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restored .lab/data/backups/quiz.before-1.4.2.schema-2.db" in restored.stdout
    assert serving(ws, env) == "1.4.1" and smoke_passes(ws, env)
    assert schema(data / "quiz.db") == 2
    assert (data / "backups" / "quiz.replaced-by-rollback-to-1.4.1.db").is_file()

    # Fix: expand without contracting, the backup back in; 1.4.4 rolls back cleanly.
    subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws, check=True)
    git("commit", "-qam", "store: keep the gloss column for now; back up before every deploy",
        cwd=ws)
    release = just("release", "1.4.4", cwd=ws, env=env)
    assert release.returncode == 0, release.stdout + release.stderr
    assert (data / "backups" / "quiz.before-1.4.4.schema-2.db").is_file()
    assert submit(ws)[0] == 200 and smoke_passes(ws, env)
    back = just("rollback", cwd=ws, env=env)
    assert back.returncode == 0 and "no backup" not in back.stdout
    assert smoke_passes(ws, env)
    lab("rollback", "--to", "1.4.4", cwd=ws, env=env)

    # Record and check: recovered, record valid, the stopwatch resolved.
    (ws / "notes" / "breaks.md").write_text(RECORD)
    report = unwrap(lab("check", "38-04", "--json", cwd=ws, env=env).stdout)
    assert report["recovered"] and report["record"]["valid"] and report["journal_intact"]
    assert all(c["passed"] for c in report["checks"]), report["checks"]
    assert report["stopwatch"]["state"] == "resolved"
