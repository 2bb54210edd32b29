import json

from minitutor.app import MAX_SENTENCE


def submit(client, payload):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client("POST", "/quiz/submit", body)


def test_healthz(client):
    response = client("GET", "/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok"}


def test_version_from_file_then_env(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_VERSION", raising=False)
    assert client("GET", "/version").json() == {"version": "dev"}
    monkeypatch.setenv("LAB_VERSION", "1.2.3")
    assert client("GET", "/version").json() == {"version": "1.2.3"}
    (tmp_path / "VERSION").write_text("2.0.0\n")
    assert client("GET", "/version").json() == {"version": "2.0.0"}


def test_submit_answers_with_correction_and_gloss(client):
    response = submit(client, {"sentence": "she go to school yesterday"})
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "correction": "She went to school yesterday.",
        "spanish": "Ella fue a la escuela ayer.",
    }


def test_submit_fields_are_strings(client):
    data = submit(client, {"sentence": "i eat a apple"}).json()
    assert isinstance(data["correction"], str)
    assert isinstance(data["spanish"], str)


def test_contract_fields_match_the_response(client, contract):
    request = contract["request"]
    response = client(request["method"], request["path"], json.dumps(request["json"]).encode())
    assert response.status == 200
    names = {field["name"] for field in contract["response"]["fields"]}
    assert set(response.json()) == names


def test_bad_requests_get_json_errors(client):
    for body in (b"not json", b"[1, 2]", b"{}", json.dumps({"sentence": 3}).encode(),
                 json.dumps({"sentence": "   "}).encode(),
                 json.dumps({"sentence": "a" * (MAX_SENTENCE + 1)}).encode()):
        response = submit(client, body)
        assert response.status == 400, body
        assert "error" in response.json()


def test_unknown_path_and_wrong_method(client):
    assert client("GET", "/nope").status == 404
    response = client("GET", "/quiz/submit")
    assert response.status == 405
    assert response.headers["Allow"] == "POST"
    assert "error" in response.json()
