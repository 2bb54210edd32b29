"""Bringing a learner's workspace to the course's current template (copier update).

Copier replays the learner's changes on top of the newer template: their
commits and notes stay. Where both changed the same lines, copier writes
the two sides inline and records the file as unmerged in git's index; the
update reports those files and never drops either side.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from labcore import git
from labkit.errors import WorkspaceError
from labkit.i18n import t
from labkit.paths import templates_dir
from labkit.workspace import ANSWERS_FILE, latest_tag, template_source

_MAX_NAMED = 8  # files named in one sentence; the rest are counted


@dataclass
class UpdateResult:
    workspace: Path
    from_version: str
    to_version: str
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def updated(self) -> bool:
        return self.from_version != self.to_version

    def as_dict(self) -> dict:
        return {"workspace": str(self.workspace), "from": self.from_version,
                "to": self.to_version, "updated": self.updated, "changed": self.changed,
                "conflicts": self.conflicts}


def update(dest: Path) -> UpdateResult:
    """Update a workspace to its template's newest version.

    A workspace with uncommitted changes is refused, naming them. The update's
    own changes are left uncommitted for the learner to review; conflicts are
    listed in the result, with both sides kept inline in each file.
    """
    dest = Path(dest)
    answers = _answers(dest)
    src_path = str(answers.get("_src_path") or "")
    name = Path(src_path).name
    if name and (templates_dir() / name / "copier.yml").is_file():
        template_source(name)  # snapshot any change to the template first
    dirty = pending_changes(dest)
    if dirty:
        raise WorkspaceError(
            t("update.dirty", workspace=dest, files=named(dirty)),
            hint=t("update.dirty_hint"),
        )
    before = str(answers.get("_commit") or "")
    newest = latest_tag(Path(src_path)) if src_path and Path(src_path).is_dir() else None
    if newest is not None and newest == before:
        return UpdateResult(dest, before, before)
    _copier_update(dest)
    after = str(_answers(dest).get("_commit") or before)
    return UpdateResult(dest, before, after, changed=pending_changes(dest),
                        conflicts=unmerged(dest))


def pending_changes(repo: Path) -> list[str]:
    """Paths with uncommitted changes, untracked ones included (ignored ones not)."""
    proc = git.run(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    if proc.returncode != 0:
        raise WorkspaceError(f"{repo} is not a git repository: {proc.stderr.strip()}")
    paths, entries = [], iter(proc.stdout.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC":  # a rename or copy carries its source as the next entry
            next(entries, None)
    return sorted(dict.fromkeys(paths))


def unmerged(repo: Path) -> list[str]:
    """Files git's index holds as unmerged: both sides changed the same lines."""
    listed = git.out(repo, "diff", "--name-only", "--diff-filter=U")
    return sorted(dict.fromkeys(line for line in listed.splitlines() if line))


def named(paths: list[str]) -> str:
    shown = ", ".join(paths[:_MAX_NAMED])
    rest = len(paths) - _MAX_NAMED
    return shown + (t("update.more", count=rest) if rest > 0 else "")


def _answers(dest: Path) -> dict:
    from labcore.strict import load_yaml

    path = dest / ANSWERS_FILE
    if not path.is_file():
        raise WorkspaceError(f"{dest} is not a scaffolded workspace (no {ANSWERS_FILE})")
    data = load_yaml(path).data
    return data if isinstance(data, dict) else {}


def _copier_update(dest: Path) -> None:
    import copier
    from copier.errors import CopierError
    from jinja2 import TemplateError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            copier.run_update(dest, defaults=True, overwrite=True, quiet=True, unsafe=False,
                              conflict="inline")
        except (CopierError, TemplateError, ValueError) as err:
            raise WorkspaceError(f"copier could not update {dest}: {err}") from err
