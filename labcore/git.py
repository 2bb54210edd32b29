"""Running git for the kit: one place that builds the command and its environment.

Variables that would point git at another repository (a hook's GIT_DIR, a
harness's GIT_WORK_TREE) are always dropped, so a command acts on the
repository it names. The kit's own repositories pass their identity as
``config`` and drop the caller's identity variables too (``own_identity``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from labcore.errors import LabError

_REPO_VARS = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
)
_IDENTITY_VARS = (
    "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
)


class GitError(LabError):
    """A git command the kit needed failed."""


def env(*, own_identity: bool = False) -> dict[str, str]:
    dropped = _REPO_VARS + (_IDENTITY_VARS if own_identity else ())
    return {k: v for k, v in os.environ.items() if k not in dropped}


def run(repo: Path, *args: str, config: tuple[str, ...] = (), own_identity: bool = False,
        input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``git args`` in ``repo``; the result whatever the exit status."""
    return subprocess.run(["git", *config, *args], cwd=repo, input=input, capture_output=True,
                          text=True, env=env(own_identity=own_identity))


def out(repo: Path, *args: str, config: tuple[str, ...] = (), own_identity: bool = False,
        input: str | None = None) -> str:
    """The stdout of ``git args`` (stripped); GitError naming the command when it fails."""
    proc = run(repo, *args, config=config, own_identity=own_identity, input=input)
    if proc.returncode != 0:
        why = proc.stderr.strip() or proc.stdout.strip()
        raise GitError(f"git {args[0]} failed in {repo}: {why}")
    return proc.stdout.strip()


def ok(repo: Path, *args: str, config: tuple[str, ...] = ()) -> bool:
    """Whether ``git args`` exits 0 (for questions such as `diff --quiet`)."""
    return run(repo, *args, config=config).returncode == 0
