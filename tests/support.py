"""Helpers the tests share: running the real CLI, making git repos, polling."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from labcore.procs import pid_alive  # noqa: F401 - tests import it from here

KIT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = KIT_ROOT / "tests" / "fixtures"
BIN = Path(sys.executable).parent
LAB = [str(BIN / "lab")]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@tests.invalid",
    "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@tests.invalid",
}


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAB_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(GIT_ENV)
    env.update(extra)
    return env


def lab(*args: str, cwd: Path | None = None, env: dict | None = None, check: bool = True,
        timeout: float = 180) -> subprocess.CompletedProcess:
    proc = subprocess.run([*LAB, *args], cwd=cwd, env=env or base_env(), capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"lab {' '.join(args)} exited {proc.returncode}\n--- stdout\n{proc.stdout}"
            f"\n--- stderr\n{proc.stderr}"
        )
    return proc


def unwrap(stdout: str):
    """The data of a `--json` output, after checking its envelope."""
    doc = json.loads(stdout)
    assert set(doc) == {"schema_version", "command", "data"}, doc
    assert doc["schema_version"] == 1 and doc["command"], doc
    return doc["data"]


def lab_json(*args: str, **kw) -> dict:
    return unwrap(lab(*args, "--json", **kw).stdout)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env=base_env()).stdout.strip()


def wait_for(predicate, *, timeout: float = 20.0, what: str = "condition", interval=0.02):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def workspace_pids(ws: Path) -> list[int]:
    """Every process whose working directory is inside the workspace."""
    pids = []
    root = str(ws.resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd == root or cwd.startswith(root + os.sep):
            pids.append(int(entry.name))
    return pids


def shutdown_workspace(ws: Path) -> list[int]:
    """Stop the supervisor the proper way, then kill anything left; returns leftovers."""
    if (ws / "service.yaml").exists():
        subprocess.run([*LAB, "stop", "--workspace", str(ws)], env=base_env(),
                       capture_output=True, timeout=60)
    def alive() -> list[int]:
        return [p for p in workspace_pids(ws) if pid_alive(p) and p != os.getpid()]

    # A process already on its way out (its parent was killed, PDEATHSIG is in flight)
    # gets a short grace; whatever outlives it is a leftover.
    with contextlib.suppress(AssertionError):
        wait_for(lambda: not alive(), timeout=5, what="the workspace's processes to exit")
    leftovers = alive()
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return leftovers


def make_miniapp(dest: Path, versions: list[str]) -> Path:
    """A workspace of the runtime's test service with a commit and tag per version."""
    shutil.copytree(FIXTURES / "miniapp", dest)
    (dest / ".gitignore").write_text(".lab/\nartifacts/\n")
    git("init", "-q", "-b", "main", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "scaffold", cwd=dest)
    for version in versions:
        (dest / "VERSION").write_text(version + "\n")
        git("commit", "-q", "-am", f"release {version}", cwd=dest)
        git("tag", f"v{version}", cwd=dest)
    return dest


LEARNER = "ana"


def course_env(course: Path, learner: str = LEARNER, **extra: str) -> dict[str, str]:
    """The environment of a learner working in ``course``."""
    return base_env(LAB_COURSE=str(course), LAB_LEARNER=learner, **extra)


def course_workspace(course: Path, learner: str = LEARNER, phase: int = 38) -> Path:
    """Where `lab start` puts a learner's workspace: <course>/learners/<name>/phase-NN."""
    return course / "learners" / learner / f"phase-{phase}"


def copy_workspace(snapshot: Path, course: Path, learner: str = LEARNER) -> Path:
    """A private copy of a stopped workspace at the same layout in another course.

    A workspace keeps no absolute path to itself (its state files, journal,
    history and git repo are relative or path-free), so a copy works where it lands.
    """
    dest = course_workspace(course, learner)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(snapshot, dest, symlinks=True)
    return dest


def public_url(ws: Path) -> str:
    state = json.loads((ws / ".lab" / "router.json").read_text())
    return f"http://127.0.0.1:{state['port']}"


def just(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Run one of the workspace's just recipes with the kit's `just`."""
    return subprocess.run([str(BIN / "just"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


# A valid record of lab 38-01 whose fix is prose, as a learner would write it.
RECORD_38_01 = """# My breaks

```yaml
- bug-id: "38-01"
  concept: a rollback is a deploy of an older artifact, so that artifact must still exist
  symptom: >-
    the portal showed the Spanish gloss where the correction belongs, and just
    rollback stopped with "no prior release tag found", so the way back was a rebuild
  hidden_cause: >-
    release.sh pruned with --keep 1, deleting the previous release's artifact
    before anyone needed it; agent.py returned the keys in swapped order
  hint_1: "Which artifacts are left after the release? Count them."
  hint_2: "What does a rollback need in order to be a flip?"
  hint_3: "Look at the prune flag in the last commit."
  fix_diff: restore --keep 5 in scripts/release.sh and the key order in src/minitutor/agent.py
```
"""
