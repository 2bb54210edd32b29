"""Building a release artifact from a git ref with the workspace's own build recipe."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from labcore import events, git
from labkit.errors import BuildError
from labkit.paths import bin_dir
from labkit.runtime import failpoints, wheelhouse
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.backends import get_backend, record_kind, workspace_kind
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace, check_version


@dataclass(frozen=True)
class BuildResult:
    version: str
    commit: str
    ref: str
    seconds: float
    manifest: dict


def resolve_commit(ws: Workspace, ref: str) -> str:
    proc = git.run(ws.root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if proc.returncode != 0:
        raise BuildError(f"git ref {ref!r} does not exist in {ws.root}")
    return proc.stdout.strip()


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for recipes: the kit's own tools (lab, just, python) first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir()}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    if extra:
        env.update(extra)
    return env


def build(ws: Workspace, version: str, ref: str = "HEAD", *,
          say=lambda line: None) -> BuildResult:
    """Build ``version`` from ``ref``. The caller holds the workspace lock."""
    check_version(version)
    ws.journal.check_tail()  # the build is journaled at the end: refuse before building
    commit = resolve_commit(ws, ref)
    kind = workspace_kind(ws)
    get_backend(ws, kind).check()  # no daemon: say so before anything changes
    record_kind(ws, kind)
    started = time.monotonic()
    scratch_root = ws.state / "tmp"
    shutil.rmtree(scratch_root, ignore_errors=True)  # leftovers of an interrupted build
    scratch_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"build-{version}-", dir=scratch_root) as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        src.mkdir()
        out.mkdir()
        _export(ws, commit, src)
        failpoints.hit("build.exported")
        if kind in ("docker", "swarm"):  # a release is an image on both
            from labkit.runtime.imagebuild import build_image

            tar, extra = build_image(ws, version, src, say)
            failpoints.hit("build.recipe_done")
            seconds = time.monotonic() - started
            manifest = ArtifactStore(ws).store_file(version, tar, commit=commit, ref=ref,
                                                    seconds=seconds, extra=extra)
            return _recorded(ws, version, commit, ref, manifest)
        house = wheelhouse.ensure(src / ws.spec.requirements)
        env = tool_env({
            "LAB_OUT": str(out),
            "LAB_WHEELHOUSE": str(house),
            "LAB_PYTHON": sys.executable,
            "LAB_VERSION": version,
        })
        proc = subprocess.run(
            list(ws.spec.build), cwd=src, env=env, capture_output=True, text=True
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
            raise BuildError(
                f"the build of {version} from {ref} failed (exit {proc.returncode}); "
                "no artifact was stored",
                hint=tail or None,
            )
        failpoints.hit("build.recipe_done")
        seconds = time.monotonic() - started
        manifest = ArtifactStore(ws).store(version, out, commit=commit, ref=ref, seconds=seconds)
    return _recorded(ws, version, commit, ref, manifest)


def _recorded(ws: Workspace, version: str, commit: str, ref: str, manifest: dict) -> BuildResult:
    History(ws.history_path).append("built", version, commit=commit, ref=ref,
                                    seconds=manifest["build_seconds"],
                                    backend=manifest.get("backend", "process"))
    ws.journal.append(events.RELEASE_BUILT, {
        "version": version, "commit": commit, "ref": ref,
        "seconds": manifest["build_seconds"], "sha256": manifest["sha256"],
    })
    return BuildResult(version, commit, ref, manifest["build_seconds"], manifest)


def _export(ws: Workspace, commit: str, dest: Path) -> None:
    """A plain tree of ``commit`` (no .git), like a fresh checkout on a build host."""
    proc = subprocess.Popen(
        ["git", "archive", "--format=tar", commit], cwd=ws.root, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)
    if proc.wait() != 0:
        raise BuildError(f"git archive of {commit[:12]} failed")
