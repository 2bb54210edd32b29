"""Every `--json` output is one envelope naming the verb; exit codes are the named ones."""

from __future__ import annotations

import json

import pytest
from support import FIXTURES, lab

from labcore import errors
from labkit.cli.parser import build_parser, command_path

SEED = FIXTURES / "records" / "passes" / "seed_record.md"


@pytest.mark.parametrize(("argv", "command"), [
    (["list", "--json"], "list"),
    (["records", "validate", str(SEED), "--json"], "records validate"),
])
def test_json_output_is_one_envelope_naming_the_verb(argv, command, tmp_path):
    proc = lab(*argv, cwd=tmp_path)
    doc = json.loads(proc.stdout)
    assert list(doc) == ["schema_version", "command", "data"]
    assert doc["schema_version"] == 1 and doc["command"] == command


@pytest.mark.parametrize(("argv", "path"), [
    (["artifacts", "list", "--json"], "artifacts list"),
    (["--version"], ""),
    (["stopwatch", "--json", "38-01"], "stopwatch"),
    (["journal", "verify"], "journal verify"),
    (["nonsense"], ""),
])
def test_command_path_names_the_verb_whatever_the_options(argv, path):
    assert command_path(build_parser(), argv) == path


def test_a_usage_error_exits_with_the_named_code(tmp_path):
    proc = lab("show", "99-99", cwd=tmp_path, check=False)
    assert proc.returncode == errors.EXIT_USAGE
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") <= 2
