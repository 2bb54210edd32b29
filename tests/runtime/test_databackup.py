"""The rollback guard of shared data, through the real CLI: a rollback across a
schema change is refused unless the backup taken before it is restored."""

from __future__ import annotations

import json
import sqlite3

from support import base_env, http_get, lab, lab_json, public_url


def served_version(ws) -> str:
    return json.loads(http_get(public_url(ws) + "/version")[1])["version"]


def make_record(db, schema: int) -> None:
    """A SQLite file the way a release leaves it: its migrations listed in schema_version."""
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE IF NOT EXISTS attempts (sentence TEXT)")
    conn.executemany("INSERT OR IGNORE INTO schema_version VALUES (?)",
                     [(n,) for n in range(1, schema + 1)])
    conn.execute("INSERT INTO attempts VALUES (?)", (f"written at schema {schema}",))
    conn.commit()
    conn.close()


def back_up(db, before: str) -> None:
    """What a release script does before deploying ``before``."""
    conn = sqlite3.connect(db)
    schema = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    dest = db.parent / "backups" / f"quiz.before-{before}.schema-{schema}.db"
    dest.parent.mkdir(exist_ok=True)
    conn.execute("VACUUM INTO ?", (str(dest),))
    conn.close()


def rows(db) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT sentence FROM attempts ORDER BY rowid")]
    finally:
        conn.close()


def release_migrating(ws, version: str, schema: int) -> None:
    """Back up, deploy ``version``, and let it take the data to ``schema``."""
    db = ws / ".lab" / "data" / "quiz.db"
    back_up(db, version)
    lab("deploy", version, cwd=ws)
    make_record(db, schema)


def test_a_rollback_across_a_schema_change_is_refused_until_the_backup_is_restored(built):
    db = built / ".lab" / "data" / "quiz.db"
    lab("deploy", "1.0.0", cwd=built)
    make_record(db, 1)
    release_migrating(built, "1.0.1", 2)

    refused = lab("rollback", cwd=built, check=False)
    assert refused.returncode == 3
    [sentence] = [line for line in refused.stderr.splitlines() if "ERROR" in line]
    assert ("refusing to roll back to 1.0.0: .lab/data/quiz.db is at schema 2, not at the "
            "schema 1 of the backup taken before 1.0.1") in sentence
    assert "lab rollback --restore-data" in sentence
    assert "Traceback" not in refused.stderr
    assert served_version(built) == "1.0.1"
    es = lab("rollback", cwd=built, check=False, env=base_env(LAB_LANG="es"))
    assert "no se vuelve a 1.0.0" in es.stderr and es.returncode == 3
    good = db.read_bytes()  # a live file that is not SQLite has no schema to compare
    db.write_bytes(b"not a database\n" * 8)
    unreadable = lab("rollback", cwd=built, check=False)
    assert unreadable.returncode == 3
    assert "is at schema unknown (missing or unreadable), not at the schema 1" in unreadable.stderr
    db.write_bytes(good)

    restored = lab("rollback", "--restore-data", cwd=built)
    assert "restored .lab/data/backups/quiz.before-1.0.1.schema-1.db" in restored.stdout
    assert served_version(built) == "1.0.0"
    assert rows(db) == ["written at schema 1"]
    kept = db.parent / "backups" / "quiz.replaced-by-rollback-to-1.0.0.db"
    assert rows(kept) == ["written at schema 1", "written at schema 2"]
    events = [json.loads(line) for line in (built / ".lab/journal.jsonl").open()]
    assert events[-1]["event"] == "rollback.finished"
    assert events[-1]["data"]["restored"] == "quiz.before-1.0.1.schema-1.db"


def test_a_rollback_with_the_schema_unchanged_or_unrecorded_is_a_plain_flip(built):
    db = built / ".lab" / "data" / "quiz.db"
    lab("deploy", "1.0.0", cwd=built)
    make_record(db, 1)
    release_migrating(built, "1.0.1", 1)  # backed up, schema unchanged
    assert lab_json("rollback", cwd=built)["version"] == "1.0.0"

    lab("deploy", "1.0.2", cwd=built)  # no backup before 1.0.2: the kit cannot tell
    make_record(db, 3)
    flipped = lab("rollback", cwd=built)
    assert "no backup was taken before the releases served since 1.0.0" in flipped.stdout
    assert served_version(built) == "1.0.0"
