"""Where things live: the kit's own tree, the course directory, learners."""

from __future__ import annotations

import getpass
import os
import re
import sys
from pathlib import Path

from labcore.names import is_simple_name
from labkit.errors import UsageError

KIT_ROOT = Path(__file__).resolve().parent.parent


def labs_dir() -> Path:
    return Path(os.environ.get("LAB_LABS_DIR") or KIT_ROOT / "labs")


def templates_dir() -> Path:
    return Path(os.environ.get("LAB_TEMPLATES_DIR") or KIT_ROOT / "templates")


def cache_dir() -> Path:
    return Path(os.environ.get("LAB_CACHE_DIR") or KIT_ROOT / ".cache")


def wheelhouse_dir() -> Path:
    return Path(os.environ.get("LAB_WHEELHOUSE") or cache_dir() / "wheelhouse")


def bin_dir() -> Path:
    """The directory holding the kit's console scripts (lab, just, pytest)."""
    return Path(sys.executable).parent


def lab_command() -> str:
    """An absolute command that runs this kit's CLI from anywhere."""
    script = bin_dir() / "lab"
    return str(script) if script.exists() else f"{sys.executable} -m labkit"


def course_root(explicit: str | None = None) -> Path:
    """The course directory: --course, LAB_COURSE, the nearest ancestor of the
    current directory holding learners/, else the current directory."""
    chosen = explicit or os.environ.get("LAB_COURSE")
    if chosen:
        return Path(chosen).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "learners").is_dir():
            return candidate
    return here


def learner_name(explicit: str | None = None, course: Path | None = None) -> str:
    """The learner: --learner, the learner whose workspace holds the current
    directory, LAB_LEARNER, else the system user; must be a simple name."""
    name = explicit if explicit is not None else os.environ.get("LAB_LEARNER")
    source = "--learner" if explicit is not None else "LAB_LEARNER"
    if explicit is None and course is not None:
        here = Path.cwd().resolve()
        learners = (course / "learners").resolve()
        if learners in here.parents:
            name = here.relative_to(learners).parts[0]
            source = "the current directory"
    if name is None:
        try:
            name = getpass.getuser()
        except Exception:  # no user database entry (some containers)
            name = "learner"
        name = re.sub(r"[^a-z0-9_-]", "-", name.lower()).strip("-") or "learner"
        source = "the system user name"
    if not is_simple_name(name):
        raise UsageError(
            f"learner name {name!r} from {source} is not a simple name: use lower-case "
            "letters, digits, '-' and '_' (no path separators, no '..', not empty)"
        )
    return name
