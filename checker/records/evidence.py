"""A record's claims held against the evidence: the journal and the release history.

The caller gives the evidence as plain data (:class:`Evidence`); nothing here
reads a workspace. A claim the evidence contradicts is a review finding: a
person decides, the record is not failed for it.

- a symptom (or cause) saying the rollback failed needs a ``rollback.failed``
  in the journal;
- a field saying a version was released or shipped needs that version in the
  release history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.records.matching import Lexicon, lexicon
from checker.records.model import REVIEW, Finding, Record
from labcore import events

VERSION = re.compile(r"\d+\.\d+\.\d+")
# Phrases that claim the rollback failed, in both orders a learner writes them.
ROLLBACK_FAILED_SAYS = ("rollback failed", "failed rollback", "rollback fallo",
                        "fallo el rollback", "could not roll back", "no pude volver")
CLAIM_FIELDS = ("symptom", "hidden_cause", "fix_diff")
RELEASE_GROUPS = ("<release>", "<ship>")
NEAR = 2  # a version at most this many words after "released", "publiqué", ...


@dataclass(frozen=True)
class Evidence:
    """What the workspace recorded: journal event names and released versions."""

    events: tuple[str, ...] = ()
    released: tuple[str, ...] = ()


def reconcile(record: Record, texts: dict[str, str], evidence: Evidence) -> list[Finding]:
    """Review findings for the claims of ``record`` the evidence does not bear out."""
    words = lexicon()
    found: list[Finding] = []
    for name in CLAIM_FIELDS:
        text = texts.get(name)
        if not text or (name == "fix_diff" and text.lstrip().startswith(("---", "diff "))):
            continue
        if _claims_rollback_failed(words, text) and events.ROLLBACK_FAILED not in evidence.events:
            found.append(_finding(record, name, text, "the journal records no failed rollback",
                                  "a failed rollback needs rollback.failed in the journal"))
        for version in _claimed_releases(words, text):
            if version not in evidence.released:
                found.append(_finding(
                    record, name, text, f"the release history has no release {version}",
                    f"a release named in the record ({version}) must be in .lab/releases.jsonl"))
    return found


def _finding(record: Record, name: str, text: str, problem: str, rule: str) -> Finding:
    return Finding(record.file, record.line_of(name), name,
                   f"{name} disagrees with the evidence: {problem}; a person will read it",
                   REVIEW, text, rule)


def _claims_rollback_failed(words: Lexicon, text: str) -> bool:
    return any(words.matches(claim, text) for claim in ROLLBACK_FAILED_SAYS)


def _claimed_releases(words: Lexicon, text: str) -> list[str]:
    """Versions said to be released: a version just after a word for releasing."""
    said = words.meanings(text)
    claimed: list[str] = []
    for i, word in enumerate(said):
        if word in RELEASE_GROUPS:
            for later in said[i + 1:i + 2 + NEAR]:
                if VERSION.fullmatch(later) and later not in claimed:
                    claimed.append(later)
    return claimed
