import json
import sqlite3

import pytest

from minitutor import store

SENTENCE = {"sentence": "she go to school yesterday"}


def submit(client):
    return client("POST", "/quiz/submit", json.dumps(SENTENCE).encode())


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path))
    return tmp_path


def rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_without_a_data_directory_nothing_is_recorded(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert submit(client).status == 200
    assert list(tmp_path.iterdir()) == []


def test_every_answer_is_recorded_as_an_attempt(client, data):
    assert submit(client).status == 200
    assert submit(client).status == 200
    db = data / store.FILENAME
    assert rows(db, "SELECT sentence, correction FROM attempts") == [
        ("she go to school yesterday", "She went to school yesterday."),
    ] * 2


def test_migrations_run_once_in_order(data):
    db = data / store.FILENAME
    store.connect(db).close()
    store.connect(db).close()
    versions = [v for (v,) in rows(db, "SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, len(store.MIGRATIONS) + 1))


def test_a_record_a_newer_release_migrated_is_left_alone(client, data):
    db = data / store.FILENAME
    conn = store.connect(db)
    newer = len(store.MIGRATIONS) + 1
    conn.execute("ALTER TABLE attempts ADD COLUMN level TEXT")
    conn.execute("INSERT INTO schema_version VALUES (?, 0)", (newer,))
    conn.close()
    assert submit(client).status == 200
    assert rows(db, "SELECT max(version) FROM schema_version") == [(newer,)]
    assert store.count(db) == 1


def test_a_record_it_cannot_write_is_a_clear_error(client, data):
    db = data / store.FILENAME
    conn = store.connect(db)
    conn.execute("DROP TABLE attempts")
    conn.close()
    response = submit(client)
    assert response.status == 500
    assert "quiz.db" in response.json()["error"] and "attempts" in response.json()["error"]
