"""The tutor's record of quiz attempts: every sentence the API answers, with its answer.

The record is one SQLite file, ``$LAB_DATA_DIR/quiz.db``, in the directory the lab
kit hands to every release of the workspace, so one release reads what another
wrote. Without ``LAB_DATA_DIR`` (the service's tests, a bare ``python -m
minitutor.app``) nothing is recorded.

The schema grows by numbered migrations (:data:`MIGRATIONS`, the first is number
1). The ``schema_version`` table lists the ones applied; a release applies the
ones it knows and the file lacks, when it starts and before it writes, and leaves
alone a file a newer release has taken further. ``scripts/backup.sh`` copies the
file before a release, and the copy's name says which schema it holds.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

FILENAME = "quiz.db"

MIGRATIONS = [
    "CREATE TABLE attempts (id INTEGER PRIMARY KEY, sentence TEXT NOT NULL,"
    " correction TEXT NOT NULL, at REAL NOT NULL)",
    "ALTER TABLE attempts ADD COLUMN spanish TEXT",
]
COLUMNS = ("sentence", "correction", "spanish")  # what each attempt records


def path() -> Path | None:
    """The record's file, or None when the service runs without a data directory."""
    data = os.environ.get("LAB_DATA_DIR")
    return Path(data) / FILENAME if data else None


def schema(conn: sqlite3.Connection) -> int:
    """The highest migration applied to the file (0 for a new one)."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version"
                 " (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def connect(db: Path) -> sqlite3.Connection:
    """A connection to ``db``, with every migration this release knows applied."""
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db, timeout=10, isolation_level=None)
    try:
        if schema(conn) < len(MIGRATIONS):
            conn.execute("BEGIN IMMEDIATE")  # one writer migrates; the others wait, then see it done
            for number in range(schema(conn) + 1, len(MIGRATIONS) + 1):
                conn.execute(MIGRATIONS[number - 1])
                conn.execute("INSERT INTO schema_version VALUES (?, ?)", (number, time.time()))
            conn.execute("COMMIT")
    except BaseException:
        conn.close()
        raise
    return conn


def record(db: Path | None, sentence: str, answer: dict) -> None:
    """Keep one attempt: the sentence and the answer the API sent (an answer that is
    not an object, such as a cache entry in a format this release does not know, is
    served as it is and not recorded)."""
    if db is None or not isinstance(answer, dict):
        return
    values = {"sentence": sentence, **answer}
    conn = connect(db)
    try:
        conn.execute(f"INSERT INTO attempts ({', '.join(COLUMNS)}, at)"
                     f" VALUES ({', '.join('?' for _ in COLUMNS)}, ?)",
                     (*(values[c] for c in COLUMNS), time.time()))
    finally:
        conn.close()


def count(db: Path) -> int:
    conn = connect(db)
    try:
        return conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
    finally:
        conn.close()
