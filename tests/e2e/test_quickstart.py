"""The README's quickstart: exactly two commands, the first runs the main job."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from support import KIT_ROOT, base_env, shutdown_workspace


def quickstart() -> list[str]:
    text = (KIT_ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, flags=re.S)
    assert block and text.index(block.group(0)) < text.index("\n## "), "quickstart comes first"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_quickstart_is_two_commands_and_ci_runs_the_second_verbatim():
    first, second = quickstart()
    assert first == "./lab break 38-01"
    ci = (KIT_ROOT / ".ci" / "run").read_text()
    assert second in ci.splitlines()


@pytest.mark.e2e
def test_the_first_command_breaks_38_01_for_the_default_learner(tmp_path):
    first = quickstart()[0]
    env = base_env(LAB_COURSE=str(tmp_path))
    proc = subprocess.run(first, shell=True, cwd=KIT_ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    workspaces = list((tmp_path / "learners").glob("*/phase-38"))
    try:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "now serving 1.2.3" in proc.stdout
        assert len(workspaces) == 1
        state = json.loads((workspaces[0] / ".lab" / "break.json").read_text())
        assert state["lab"] == "38-01" and state["stage"] == "released"
    finally:
        for ws in workspaces:
            assert not shutdown_workspace(ws)
