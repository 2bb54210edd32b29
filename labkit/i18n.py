"""The learner's language, and the one catalog of learner-facing messages.

The language is `--lang`, else LAB_LANG, else English. Messages live in
``messages.yaml`` beside this module (English and Spanish for every key), so no
module of the kit holds a sentence pair of its own. Evidence (journal,
history, JSON) stays in English; only what a learner reads follows the language.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

LANGS = ("en", "es")
CATALOG = Path(__file__).with_name("messages.yaml")


_chosen: dict[str, str | None] = {"lang": None}


def use(language: str | None) -> None:
    """The language of this run (`--lang`), for every message that names none."""
    _chosen["lang"] = language if language in LANGS else None


def lang(explicit: str | None = None) -> str:
    chosen = explicit or _chosen["lang"] or os.environ.get("LAB_LANG", "en")
    return chosen if chosen in LANGS else "en"


@cache
def catalog() -> dict[str, dict[str, str]]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(CATALOG.read_text(encoding="utf-8"))
    for key, texts in data.items():
        if set(texts) != set(LANGS):
            raise RuntimeError(f"{CATALOG}: message {key!r} needs exactly {LANGS}")
    return data


def t(key: str, language: str | None = None, **params: object) -> str:
    """The message ``key`` in the learner's language, with ``params`` filled in."""
    return catalog()[key][lang(language)].format(**params)
