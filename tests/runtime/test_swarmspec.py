"""deploy/service.yaml, the spec of a workspace's swarm service: read strictly, every
problem one sentence naming the file, the line and the field."""

from __future__ import annotations

import pytest

from labkit.errors import DataError
from labkit.runtime import swarmspec

GOOD = """\
schema_version: 1
replicas: 1
env:
  TUTOR_LEVEL: B1
healthcheck:
  test: [python3, -m, minitutor.healthcheck]
  interval_s: 1
  retries: 2
update_config:
  order: start-first
  failure_action: rollback
  monitor_s: 3
rollback_config:
  order: start-first
"""


def write(tmp_path, text: str):
    (tmp_path / "deploy").mkdir(exist_ok=True)
    (tmp_path / "deploy" / "service.yaml").write_text(text)
    return tmp_path


def test_a_good_spec_becomes_the_daemon_s_settings(tmp_path):
    spec = swarmspec.load(write(tmp_path, GOOD))
    args = swarmspec.create_args(spec)
    assert args["update_config"]["Order"] == "start-first"
    assert args["update_config"]["FailureAction"] == "rollback"
    assert args["update_config"]["Monitor"] == 3 * swarmspec.SECOND
    assert args["rollback_config"]["Order"] == "start-first"
    assert args["healthcheck"]["Test"] == ["CMD", "python3", "-m", "minitutor.healthcheck"]
    assert args["healthcheck"]["Retries"] == 2
    assert args["mode"].mode == "replicated" and args["mode"]["replicated"]["Replicas"] == 1
    assert spec.env == {"TUTOR_LEVEL": "B1"}


@pytest.mark.parametrize("old, new, line, field", [
    ("order: start-first\n  failure", "order: first-start\n  failure", 10, "update_config.order"),
    ("monitor_s: 3", "monitor_s: -1", 12, "update_config.monitor_s"),
    ("  TUTOR_LEVEL: B1", "  tutor level: B1", 3, "env"),
    ("replicas: 1", "replicas: 1\nreplica: 2", 3, "replica"),
])
def test_a_bad_field_is_named_with_its_line(tmp_path, old, new, line, field):
    assert old in GOOD
    with pytest.raises(DataError) as err:
        swarmspec.load(write(tmp_path, GOOD.replace(old, new, 1)))
    message = str(err.value)
    assert f"deploy/service.yaml, line {line}" in message, message
    assert field in message, message


def test_a_missing_spec_and_a_missing_healthcheck_are_sentences(tmp_path):
    with pytest.raises(DataError, match="is missing; a workspace that runs on a swarm"):
        swarmspec.load(tmp_path)
    with pytest.raises(DataError, match="healthcheck"):
        swarmspec.load(write(tmp_path, "schema_version: 1\n"))
    with pytest.raises(DataError, match="anchor|alias"):
        swarmspec.load(write(tmp_path, GOOD + "x: &a 1\ny: *a\n"))
