import json

import pytest

SENTENCE = {"sentence": "she go to school yesterday"}
ANSWER = {"correction": "She went to school yesterday.", "spanish": "Ella fue a la escuela ayer."}


def submit(client):
    response = client("POST", "/quiz/submit", json.dumps(SENTENCE).encode())
    assert response.status == 200
    return response.json()


def entries(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path))
    return tmp_path


def test_without_a_data_directory_nothing_is_kept(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert submit(client) == ANSWER
    assert list(tmp_path.iterdir()) == []


def test_an_answer_is_kept_and_served_again(client, data):
    assert submit(client) == ANSWER
    kept = entries(data / "cache" / "ns-0")
    assert len(kept) == 1
    assert submit(client) == ANSWER
    assert entries(data / "cache" / "ns-0") == kept


def test_a_new_namespace_starts_empty_and_leaves_the_old_one_alone(client, data):
    submit(client)
    old = entries(data / "cache" / "ns-0")
    (data / "cache" / "NAMESPACE").write_text("ns-1\n")
    assert submit(client) == ANSWER
    assert len(entries(data / "cache" / "ns-1")) == 1
    assert entries(data / "cache" / "ns-0") == old


def test_an_unreadable_entry_is_rendered_again(client, data):
    submit(client)
    for entry in entries(data / "cache" / "ns-0"):
        entry.write_text("not an answer")
    assert submit(client) == ANSWER


def test_the_portal_renders_its_own_answer(client, data):
    page = client("GET", "/portal", query="sentence=she+go+to+school+yesterday").text
    assert ANSWER["correction"] in page
    assert not (data / "cache").exists()
