"""The two ways to play a lab, through the real CLI: a learner picks challenge for one
break with `lab break LAB --challenge` (over the course's guided default), the break
names `lab shell`, the journal records the mode and `lab grade` shows it; and a Spanish
brief, like the English one, loses no word at any terminal width."""

from __future__ import annotations

import json
import re

import pytest
from support import KIT_ROOT, base_env, lab, lab_json


@pytest.mark.e2e
def test_challenge_chosen_per_break_is_recorded_and_shown_in_grading(started_38_01):
    course, ws, env = started_38_01
    (course / "course.yaml").write_text("mode: guided\n")

    broke = lab("break", "38-01", "--challenge", cwd=course, env=env).stdout
    assert "Challenge: the goal and what users see" in broke
    assert "What to try next:" not in broke
    assert "lab rollback --rebuild" not in broke  # the guidance is in the hints now
    assert "lab shell 38-01" in broke

    events = [json.loads(line) for line in (ws / ".lab" / "journal.jsonl").open()]
    injected = next(e for e in events if e["event"] == "fault.injected")
    assert injected["data"]["mode"] == "challenge"

    graded = lab("grade", str(course / "learners"), "--format", "json", cwd=course,
                 env=base_env())
    rows = [row for row in json.loads(graded.stdout) if row["lab"] == "38-01"]
    assert [(row["learner"], row["mode"]) for row in rows] == [("ana", "challenge")]
    table = lab("grade", str(course / "learners"), cwd=course, env=base_env()).stdout
    ana = next(line for line in table.splitlines() if "ana" in line and "38-01" in line)
    assert "challenge" in ana


def test_a_spanish_brief_loses_no_word_at_any_width(tmp_path):
    readme = (KIT_ROOT / "labs" / "38-01-no-rollback-path" / "README.es.md").read_text()
    word = re.compile(r"[^\W\d_]{4,}")
    words = set(word.findall(readme))
    for width in ("40", "60", "100"):
        shown = lab("show", "38-01", cwd=tmp_path,
                    env=base_env(COLUMNS=width, LAB_LANG="es")).stdout
        missing = words - set(word.findall(shown))
        assert not missing, f"at {width} columns these words were cut: {sorted(missing)[:10]}"


@pytest.mark.e2e
def test_guided_chosen_per_break_overrides_a_challenge_course(started_38_01):
    course, ws, env = started_38_01
    (course / "course.yaml").write_text("mode: challenge\n")

    broke = lab("break", "38-01", "--guided", cwd=course, env=env).stdout
    assert "What to try next:" in broke and "Challenge:" not in broke

    events = [json.loads(line) for line in (ws / ".lab" / "journal.jsonl").open()]
    injected = next(e for e in events if e["event"] == "fault.injected")
    assert injected["data"]["mode"] == "guided"
    # Guided: the lab's own hints only; the next steps were printed, not moved into them.
    assert lab_json("hint", "38-01", cwd=ws, env=env)["total"] == 3
