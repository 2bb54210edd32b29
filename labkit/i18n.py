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
    """The messages, checked; what YAML made of the file is kept (labkit.derived)."""
    from labkit import derived

    raw = CATALOG.read_bytes()
    reader = derived.code_digest("ruamel.yaml", __name__)
    data = derived.lookup("messages.yaml", raw, reader)
    if data is None or _problem(data):
        from ruamel.yaml import YAML

        data = YAML(typ="safe", pure=True).load(raw.decode("utf-8"))
        problem = _problem(data)
        if problem:
            raise RuntimeError(f"{CATALOG}: {problem}")
        derived.store("messages.yaml", raw, reader, data)
    return data


def _problem(data: object) -> str | None:
    if not isinstance(data, dict):
        return "must be a mapping of message keys"
    for key, texts in data.items():
        if not isinstance(texts, dict) or set(texts) != set(LANGS) \
                or not all(isinstance(text, str) for text in texts.values()):
            return f"message {key!r} needs exactly {LANGS}"
    return None


def t(key: str, language: str | None = None, **params: object) -> str:
    """The message ``key`` in the learner's language, with ``params`` filled in."""
    return catalog()[key][lang(language)].format(**params)
