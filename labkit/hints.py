"""Revealing a lab's hints one at a time, counted as evidence."""

from __future__ import annotations

from dataclasses import dataclass

from labcore import events
from labkit import labstate, modes
from labkit.catalog import Lab
from labkit.errors import WorkspaceError
from labkit.i18n import t
from labkit.runtime.layout import Workspace


@dataclass
class HintResult:
    number: int  # the hint revealed now, or 0 when none was left
    total: int
    text: str | None
    shown: list[str]  # every hint revealed so far, in the requested language


def reveal_next(ws: Workspace, lab: Lab, lang: str = "en") -> HintResult:
    """The next hint, counted; before the lab's break nothing is shown or counted."""
    info = labstate.break_info(ws.root) or {}
    if info.get("lab") != lab.id:
        raise WorkspaceError(t("hint.before_break", lang, lab=lab.id))
    hints = modes.hints(lab, info.get("mode", "guided"), lang)
    count = labstate.hints_revealed(ws.root, lab.id)
    if count >= len(hints):
        return HintResult(0, len(hints), None, hints[:count])
    count += 1
    labstate.set_hints_revealed(ws.root, lab.id, count)
    ws.journal.append(events.HINT_REVEALED, {"lab": lab.id, "hint": count, "lang": lang})
    return HintResult(count, len(hints), hints[count - 1], hints[:count])
