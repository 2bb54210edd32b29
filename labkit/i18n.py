"""The learner's language for key messages: `--lang`, else LAB_LANG, else English.

Evidence (journal, history, JSON) stays in English; only what a learner reads
on the terminal follows the language.
"""

from __future__ import annotations

import os

LANGS = ("en", "es")


def lang(explicit: str | None = None) -> str:
    chosen = explicit or os.environ.get("LAB_LANG", "en")
    return chosen if chosen in LANGS else "en"


def pick(en: str, es: str, explicit: str | None = None) -> str:
    return es if lang(explicit) == "es" else en
