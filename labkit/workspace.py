"""Learner workspaces: where they live and how they are made from a template.

A workspace is ``<course>/learners/<learner>/phase-<phase>``: a copier
rendering of one of the kit's templates, with an answers file so that
copier's update (:mod:`labkit.template_update`) can bring it to a newer
template later, and a git repo of its own.

Copier updates need the template to be a git repo with version tags. The
kit's templates live in a subfolder of the kit's own tree, so this module
keeps a git snapshot of each under ``<cache>/templates/<name>`` and tags a
new version (v1, v2, ...) whenever the template's files change.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import uuid
import warnings
from pathlib import Path

from labcore import git
from labcore.locks import default_timeout, file_lock
from labcore.names import is_simple_name
from labkit.errors import UsageError, WorkspaceError
from labkit.paths import cache_dir, templates_dir

ANSWERS_FILE = ".copier-answers.yml"
_TAG = re.compile(r"^v(\d+)$")
_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".git", ".hypothesis", ".ruff_cache"}
_SKIP_SUFFIXES = (".pyc", ".pyo")
_DIGEST_FILE = "labkit-template-digest"  # inside the snapshot's .git/
# The snapshot's commits are the kit's, not a person's; never signed, no hooks.
_KIT_GIT = (
    "-c", "user.name=labkit",
    "-c", "user.email=labkit@kit.invalid",
    "-c", "commit.gpgsign=false",
    "-c", "tag.gpgsign=false",
    "-c", "core.hooksPath=/dev/null",
)


def workspace_dir(course: Path, learner: str, phase: int) -> Path:
    """Where a learner's workspace for a phase lives."""
    if not is_simple_name(learner):
        raise UsageError(f"learner name {learner!r} is not a simple name")
    return Path(course) / "learners" / learner / f"phase-{phase}"


# --- template snapshots -------------------------------------------------------


def template_source(name: str) -> Path:
    """A git snapshot of templates/<name>, tagged with its latest version.

    A new commit and tag are made only when the template's files changed.
    Safe when several processes call it at once: a lock serialises them, and
    a first snapshot is fully prepared aside and then renamed into place.
    """
    src = _template_dir(name)
    files = _template_files(src)
    digest = _digest(src, files)
    root = cache_dir() / "templates"
    root.mkdir(parents=True, exist_ok=True)
    snapshot = root / name
    with file_lock(root / f".{name}.lock", timeout=default_timeout(600),
                   what="another copy of the template snapshot"):
        if _read_digest(snapshot) == digest:
            return snapshot
        if (snapshot / ".git").is_dir():
            _refresh(snapshot, src, files, digest)
        else:
            _create(snapshot, src, files, digest)
    return snapshot


def latest_tag(snapshot: Path) -> str:
    """The newest version tag of a template snapshot (v1, v2, ...)."""
    tags = [t for t in _git(snapshot, "tag", "--list").split() if _TAG.match(t)]
    if not tags:
        raise WorkspaceError(f"template snapshot {snapshot} has no version tag")
    return max(tags, key=lambda t: int(t[1:]))


def _template_dir(name: str) -> Path:
    base = templates_dir()
    available = sorted(
        p.name for p in base.glob("*") if (p / "copier.yml").is_file()
    ) if base.is_dir() else []
    src = base / name
    if not is_simple_name(name) or not (src / "copier.yml").is_file():
        raise UsageError(
            f"there is no template named {name!r} in {base}",
            hint=f"available: {', '.join(available)}" if available else None,
        )
    return src


def _template_files(src: Path) -> list[Path]:
    """The template's files, relative to src, sorted; caches and bytecode left out."""
    found = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for filename in filenames:
            if not filename.endswith(_SKIP_SUFFIXES):
                found.append((Path(dirpath) / filename).relative_to(src))
    return sorted(found)


def _digest(src: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for rel in files:
        path = src / rel
        h.update(rel.as_posix().encode() + b"\0")
        h.update(b"x" if os.access(path, os.X_OK) else b"-")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _read_digest(snapshot: Path) -> str | None:
    try:
        return (snapshot / ".git" / _DIGEST_FILE).read_text().strip()
    except OSError:
        return None


def _create(snapshot: Path, src: Path, files: list[Path], digest: str) -> None:
    staging = _staging_dir(snapshot)
    try:
        _git(staging, "init", "-q", "-b", "main")
        _sync(staging, src, files)
        _commit_and_tag(staging, digest)
        if snapshot.exists():  # left half-made by a crash before the rename
            shutil.rmtree(snapshot)
        os.rename(staging, snapshot)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _refresh(snapshot: Path, src: Path, files: list[Path], digest: str) -> None:
    # Readers clone by tag from the object store, never the working tree, and
    # git writes objects before the refs that name them; so an in-place update
    # under the lock never shows a reader a half-made version.
    with contextlib.suppress(FileNotFoundError):
        (snapshot / ".git" / "index.lock").unlink()  # stale: we hold the lock
    _sync(snapshot, src, files)
    _commit_and_tag(snapshot, digest)


def _sync(repo: Path, src: Path, files: list[Path]) -> None:
    """Make the working tree of repo exactly the template's files."""
    for entry in repo.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for rel in files:
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / rel, target)


def _commit_and_tag(repo: Path, digest: str) -> None:
    _git(repo, "add", "-A", "-f", ".")
    changed = not git.ok(repo, "diff", "--cached", "--quiet", config=_KIT_GIT)
    has_head = git.ok(repo, "rev-parse", "-q", "--verify", "HEAD")
    if changed or not has_head:
        _git(repo, "commit", "-q", "--allow-empty", "-m", f"template snapshot {digest[:12]}")
    if not [t for t in _git(repo, "tag", "--points-at", "HEAD").split() if _TAG.match(t)]:
        numbers = [int(m.group(1)) for t in _git(repo, "tag", "--list").split()
                   if (m := _TAG.match(t))]
        version = f"v{max(numbers, default=0) + 1}"
        _git(repo, "tag", "-a", version, "-m", f"template {version}")
    (repo / ".git" / _DIGEST_FILE).write_text(digest + "\n")


def _git(repo: Path, *args: str) -> str:
    """git in the template snapshot: the kit's own identity, never the caller's."""
    return git.out(repo, *args, config=_KIT_GIT, own_identity=True)


# --- workspaces ---------------------------------------------------------------


def scaffold(template: str, dest: Path, answers: dict) -> None:
    """Render a template into dest and make it a git repo with one commit.

    dest must not exist or be empty. Everything is prepared in a hidden sibling
    directory and renamed into place at the end, so a failure leaves nothing
    half-made behind.
    """
    dest = Path(dest)
    learner = answers.get("learner")
    if not is_simple_name(learner):
        raise UsageError(f"the answers need a simple learner name, got {learner!r}")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise WorkspaceError(
            f"{dest} already exists and is not empty; it is not scaffolded again",
            hint="use the existing workspace, or move it away to start over",
        )
    snapshot = template_source(template)
    tag = latest_tag(snapshot)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging_dir(dest)
    try:
        _copier_copy(snapshot, staging, answers, tag)
        _learner_git(staging, "init", "-q", "-b", "main")
        _learner_git(staging, "config", "user.name", learner)
        _learner_git(staging, "config", "user.email", f"{learner}@learners.invalid")
        _learner_git(staging, "add", "-A")
        _learner_git(staging, "commit", "-q", "-m", f"scaffold {template} for {learner}")
        try:
            os.rename(staging, dest)  # replaces an empty dest; fails on a full one
        except OSError as err:
            raise WorkspaceError(f"{dest} was created by someone else meanwhile") from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copier_copy(snapshot: Path, dest: Path, answers: dict, tag: str) -> None:
    import copier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            copier.run_copy(
                str(snapshot), dest, data=dict(answers), defaults=True,
                unsafe=False, quiet=True, vcs_ref=tag,
            )
        except _template_errors() as err:
            raise WorkspaceError(
                f"copier could not render the template {snapshot.name} ({tag}): {err}"
            ) from err


def _template_errors() -> tuple[type[Exception], ...]:
    """What copier raises for a bad template or bad answers."""
    from copier.errors import CopierError
    from jinja2 import TemplateError

    return CopierError, TemplateError, ValueError


def _staging_dir(final: Path) -> Path:
    """A new hidden sibling of final (same filesystem, so a rename moves it)."""
    staging = final.parent / f".{final.name}.{uuid.uuid4().hex[:12]}.tmp"
    staging.mkdir()  # the usual umask applies, unlike mkdtemp's 0700
    return staging


def _learner_git(repo: Path, *args: str) -> str:
    """git in a learner's new repository, which has its own local identity."""
    return git.out(repo, *args, config=("-c", "commit.gpgsign=false"), own_identity=True)
