"""A shell in a learner's workspace, with the kit's tools first on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from labkit.i18n import t
from labkit.lifecycle import recipe_env


def shell_program() -> str:
    """The learner's own shell ($SHELL), else bash, else sh."""
    for candidate in (os.environ.get("SHELL"), "bash", "sh"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate) or candidate
    return "/bin/sh"


def run_shell(root: Path, command: str | None = None, *,
              announce: Callable[[str], None] = lambda line: None) -> int:
    """Run ``command`` (or an interactive shell) in ``root``; its exit status."""
    env = recipe_env()
    env["LAB_WORKSPACE"] = str(root)
    program = shell_program()
    if command is not None:
        return subprocess.run([program, "-c", command], cwd=root, env=env).returncode
    announce(t("shell.enter", workspace=root))
    status = subprocess.run([program], cwd=root, env=env).returncode
    announce(t("shell.leave"))
    return status
