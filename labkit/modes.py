"""Two ways to play a lab: guided (the break names the next steps) and challenge (the
goal and the symptoms only; the guidance moves into the hints, which are counted).

The instructor sets a course's default in ``<course>/course.yaml`` (``mode:
challenge``); a learner chooses per break with ``lab break LAB --challenge`` or
``--guided``. The mode is recorded with the break (journal and break.json).
"""

from __future__ import annotations

from pathlib import Path

from labkit.catalog import Lab
from labkit.errors import DataError

MODES = ("guided", "challenge")
COURSE_FILE = "course.yaml"
_LIMIT = 64 * 1024


def course_mode(course: Path) -> str:
    """The course's default mode: ``mode`` in course.yaml, else guided."""
    path = Path(course) / COURSE_FILE
    if not path.is_file():
        return "guided"
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    data = path.read_bytes()
    if len(data) > _LIMIT:
        raise DataError(path, f"the file is over the {_LIMIT // 1024} KiB limit for it")
    try:
        doc = YAML(typ="safe", pure=True).load(data.decode("utf-8"))
    except (UnicodeDecodeError, YAMLError) as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        raise DataError(path, "is not readable YAML", line=None if line is None else line + 1,
                        hint="write it as `mode: guided` or `mode: challenge`") from None
    mode = doc.get("mode", "guided") if isinstance(doc, dict) else None
    if mode not in MODES:
        raise DataError(path, f"must be one of {', '.join(MODES)}, not {mode!r}", field="mode")
    return mode


def briefing(lab: Lab, mode: str, lang: str) -> list[str]:
    """What the break prints after it ships: the next steps, or the goal and symptoms."""
    if mode == "challenge" and lab.spec.challenge is not None:
        return lab.spec.challenge.get(lang)
    return lab.spec.next_steps.get(lang)


def hints(lab: Lab, mode: str, lang: str) -> list[str]:
    """The hints of a mode: in challenge mode the guided steps come after the lab's hints."""
    extra = lab.spec.next_steps.get(lang) if mode == "challenge" else []
    return [*lab.spec.hints.get(lang), *extra]
