"""labkit.runtime.service: service.yaml, every bad field named in one sentence."""

from __future__ import annotations

import pytest

from labkit.errors import DataError
from labkit.runtime import service

GOOD = "schema_version: 1\napp: tutor\nbuild: [sh, scripts/build.sh]\nrun: [python, -m, app]\n"


def _load(tmp_path, text):
    (tmp_path / service.FILENAME).write_text(text)
    return service.load(tmp_path)


def test_defaults_fill_what_is_not_declared(tmp_path):
    spec = _load(tmp_path, GOOD)
    assert spec.app == "tutor" and spec.build == ("sh", "scripts/build.sh")
    assert spec.run == ("python", "-m", "app") and spec.pythonpath == ()
    assert (spec.health, spec.contract, spec.requirements) == ("/healthz", None,
                                                                 "requirements.lock")
    assert spec.tag("1.2.3") == "v1.2.3"


@pytest.mark.parametrize("extra, field, words", [
    ("app: Tutor\n", "app", "lower-case name"),
    ('app: "tutor\\n"\n', "app", "lower-case name"),
    ("app: ''\n", "app", "non-empty string"),
    ("build: []\n", "build", "non-empty list of strings"),
    ("run: python\n", "run", "non-empty list of strings"),
    ("pythonpath: site\n", "pythonpath", "list of paths"),
    ("health: healthz\n", "health", "starting with '/'"),
    ("contract: [a]\n", "contract", "must be a path"),
    ("tag_format: release\n", "tag_format", "must contain {version}"),
    ("schema_version: 2\n", "schema_version", "is not a version this kit reads"),
])
def test_each_bad_field_is_named(tmp_path, extra, field, words):
    key = extra.split(":", 1)[0]
    text = "".join(line + "\n" for line in GOOD.splitlines() if not line.startswith(key + ":"))
    with pytest.raises(DataError) as caught:
        _load(tmp_path, text + extra)
    assert caught.value.field == field and words in caught.value.detail
    assert str(caught.value).startswith(str(tmp_path / service.FILENAME))


def test_missing_broken_and_non_mapping_files(tmp_path):
    with pytest.raises(DataError, match="is missing; a workspace declares its service there"):
        service.load(tmp_path)
    with pytest.raises(DataError, match="list is not closed") as caught:
        _load(tmp_path, "app: [tutor\n")
    assert caught.value.line is not None
    with pytest.raises(DataError, match="must be a mapping of settings"):
        _load(tmp_path, "- app\n")


def test_settings_read_again_come_from_the_cache_checked_again(tmp_path, monkeypatch):
    from labkit import derived

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path / "cache"))
    ws = tmp_path / "ws"
    ws.mkdir()
    first = _load(ws, GOOD + "contract: contract/api.json\n")
    assert service.load(ws) == first  # the second read comes from the cache
    (entry,) = (tmp_path / "cache" / "derived" / "service.yaml").glob("*.json")
    kept = service._restore
    good = {"schema_version": 1, "app": "tutor", "build": ["sh", "scripts/build.sh"],
            "run": ["python", "-m", "app"], "pythonpath": [], "health": "/healthz",
            "contract": "contract/api.json", "requirements": "requirements.lock",
            "tag_format": "v{version}", "dockerfile": "Dockerfile"}
    assert kept(good) == first
    for forged in ({**good, "app": "../x"}, {**good, "schema_version": True},
                   {**good, "requirements": None}, {**good, "extra": 1},
                   {k: v for k, v in good.items() if k != "run"}, [good]):
        assert kept(forged) is None, forged
    raw = (ws / service.FILENAME).read_bytes()
    entry.unlink()
    from labcore.strict import YAML_READER

    reader = derived.code_digest(*YAML_READER, "labkit.runtime.service",
                                 "labkit.runtime.service_model")
    derived.store("service.yaml", raw, reader, {**good, "app": "../x"})
    assert derived.lookup("service.yaml", raw, reader)["app"] == "../x"
    assert service.load(ws) == first  # the forged entry is refused, the file read again
