"""Matching a lab's terms against a learner's words, on meaning rather than spelling.

Text and terms go through the same steps, so a record in English or Spanish is
judged the same:

1. :func:`fold`: case and accents ignored (``Versión`` reads as ``version``);
2. :func:`tokens`: words, numbers and versions (``1.3.2`` stays one token);
3. :func:`stem`: common English and Spanish endings removed
   (``deleting``/``deleted``/``deletes`` all read ``delet``);
4. :meth:`Lexicon.meanings`: stopwords dropped and each word or phrase of a
   synonym group (``checker/records/synonyms.yaml``) replaced by its group.

A term matches when its meanings appear in the text in order, with at most
:data:`MAX_GAP` other words between two of them ("keep 1" matches "retain a
single release").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from labcore.strict.document import load_yaml, require_mapping

SYNONYMS = Path(__file__).with_name("synonyms.yaml")
MAX_GAP = 2
MIN_STEM = 3
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")
# Longest first; an ending is removed only when MIN_STEM letters remain.
SUFFIXES: tuple[str, ...] = tuple(sorted((
    # English
    "ations", "ation", "ings", "ing", "edly", "ed", "ies", "ied", "es", "ly", "s", "er",
    "ments", "ment", "ness",
    # Spanish
    "aciones", "acion", "amientos", "amiento", "imientos", "imiento", "mente",
    "ando", "iendo", "ados", "adas", "idos", "idas", "ado", "ada", "ido", "ida",
    "aron", "ieron", "amos", "imos", "emos", "aba", "ia", "io", "ar", "ir",
    "os", "as", "o", "a", "e", "i",
), key=len, reverse=True))


def fold(text: str) -> str:
    """Lower case without accents: ``Última Versión`` -> ``ultima version``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The words, numbers and dotted versions of ``text``, folded."""
    return _TOKEN.findall(fold(text))


def stem(word: str) -> str:
    """``word`` without its longest common ending (numbers and versions are kept)."""
    if not word.isalpha():
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> list[str]:
    return [stem(w) for w in tokens(text)]


@dataclass(frozen=True)
class Lexicon:
    """Synonym groups (phrases as stem tuples, to their group) and stopwords (stems)."""

    phrases: dict[tuple[str, ...], str]
    stopwords: frozenset[str]

    @property
    def longest(self) -> int:
        return max((len(p) for p in self.phrases), default=1)

    def meanings(self, text: str) -> list[str]:
        """The text as a list of meanings: a group's name, or a word's stem."""
        words = [w for w in stems(text) if w not in self.stopwords]
        out: list[str] = []
        i = 0
        while i < len(words):
            size, group = self._phrase_at(words, i)
            out.append(f"<{group}>" if group else words[i])
            i += size
        return out

    def _phrase_at(self, words: list[str], i: int) -> tuple[int, str | None]:
        for size in range(min(self.longest, len(words) - i), 0, -1):
            group = self.phrases.get(tuple(words[i:i + size]))
            if group is not None:
                return size, group
        return 1, None

    def matches(self, term: str, text: str) -> bool:
        """Whether ``text`` says what ``term`` says (see the module's notes)."""
        wanted = self.meanings(term)
        return bool(wanted) and in_order(wanted, self.meanings(text))


def in_order(wanted: list[str], said: list[str], gap: int = MAX_GAP) -> bool:
    """Whether ``wanted`` appears in ``said`` in order, at most ``gap`` words apart."""
    for start, word in enumerate(said):
        if word == wanted[0] and _rest_follows(wanted[1:], said, start, gap):
            return True
    return False


def _rest_follows(rest: list[str], said: list[str], at: int, gap: int) -> bool:
    if not rest:
        return True
    for nxt in range(at + 1, min(len(said), at + gap + 2)):
        if said[nxt] == rest[0] and _rest_follows(rest[1:], said, nxt, gap):
            return True
    return False


def build_lexicon(groups: dict[str, list[str]], stopwords: list[str]) -> Lexicon:
    """A lexicon from plain data; raises ValueError when a phrase has two meanings."""
    phrases: dict[tuple[str, ...], str] = {}
    for group, words in groups.items():
        for word in words:
            key = tuple(stems(str(word)))
            if key and phrases.setdefault(key, group) != group:
                raise ValueError(f"'{word}' of group {group} reads the same as a word "
                                 f"of group {phrases[key]}")
    return Lexicon(phrases, frozenset(stem(w) for w in map(fold, stopwords)))


@cache
def lexicon(path: Path = SYNONYMS) -> Lexicon:
    """The kit's lexicon, read once from ``synonyms.yaml`` with the strict loader."""
    data = require_mapping(load_yaml(path, kind="a synonyms file"), "a synonyms file")
    groups = data.get("groups") or {}
    if not isinstance(groups, dict) or not all(isinstance(v, list) for v in groups.values()):
        raise ValueError(f"{path}: groups must map each name to a list of words")
    return build_lexicon(groups, list(data.get("stopwords") or []))
