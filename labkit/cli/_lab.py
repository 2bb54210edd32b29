"""Shared by the learner's verbs: which lab, which learner, which workspace."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Target:
    lab: object  # labkit.catalog.Lab
    course: Path
    learner: str
    root: Path


def resolve(args) -> Target:
    from labkit.catalog import get
    from labkit.paths import course_root, learner_name
    from labkit.workspace import workspace_dir

    lab = get(args.lab)
    course = course_root(getattr(args, "course", None))
    learner = learner_name(getattr(args, "learner", None), course)
    return Target(lab, course, learner, workspace_dir(course, learner, lab.spec.phase))


def require_started(target: Target):
    from labkit.errors import WorkspaceError
    from labkit.lifecycle import is_ready, shelf
    from labkit.runtime.layout import Workspace

    if not is_ready(target.root, target.lab):
        shelved = shelf(target.root, target.lab.id)
        where = (f"it is set aside in {shelved} while another lab uses the workspace"
                 if shelved.exists() else f"{target.root}")
        raise WorkspaceError(
            f"lab {target.lab.id} is not started for {target.learner} ({where})",
            hint=f"start it (or bring it back) with: lab start {target.lab.id} "
                 f"--learner {target.learner}",
        )
    return Workspace(target.root)


def add_lab_arguments(parser, common, *, lang: bool = False) -> None:
    parser.add_argument("lab", metavar="LAB", help="lab id, e.g. 38-01")
    if lang:
        parser.add_argument("--lang", choices=("en", "es"), default=None,
                            help="language of the text (default: $LAB_LANG, else en)")
