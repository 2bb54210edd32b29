"""labkit.i18n: the learner's language and the one bilingual message catalog."""

from __future__ import annotations

import re
import string

import pytest

from labkit import i18n


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalog_key_has_english_and_spanish_text():
    catalog = i18n.catalog()
    assert len(catalog) > 20
    for key, texts in catalog.items():
        assert set(texts) == {"en", "es"}, key
        assert texts["en"].strip() and texts["es"].strip(), key
        words = re.sub(r"\{[^}]*\}|\[[a-z]+\]", "", texts["en"])  # placeholders and tags
        # a single word may be spelled alike ("error"); a sentence never is
        assert texts["en"] != texts["es"] or len(words.split()) < 2, key


def test_both_languages_take_the_same_parameters():
    for key, texts in i18n.catalog().items():
        assert _fields(texts["en"]) == _fields(texts["es"]), key


def test_t_fills_the_parameters_in_the_chosen_language():
    en = i18n.t("break.already", "en", lab="38-01", workspace="/w")
    es = i18n.t("break.already", "es", lab="38-01", workspace="/w")
    assert en.startswith("[break] 38-01 is already broken in /w;")
    assert es.startswith("[break] 38-01 ya está roto en /w;")
    assert i18n.t("smoke.pass", "es", version="1.2.2").startswith("[smoke] PASS: 1.2.2 cumple")


def test_t_without_a_parameter_it_needs_fails_loudly():
    with pytest.raises(KeyError):
        i18n.t("break.already", "en", lab="38-01")
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "en")


def test_lang_is_explicit_then_lab_lang_then_english(monkeypatch):
    monkeypatch.delenv("LAB_LANG", raising=False)
    assert i18n.lang() == "en"
    assert i18n.lang("es") == "es"
    monkeypatch.setenv("LAB_LANG", "es")
    assert i18n.lang() == "es"
    assert i18n.lang("en") == "en"
    assert i18n.t("hint.label") == "Pista"
    monkeypatch.setenv("LAB_LANG", "fr")
    assert i18n.lang() == "en"
    assert i18n.lang("de") == "en"
    assert i18n.t("hint.label", "xx") == "Hint"


def test_a_catalog_entry_missing_a_language_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "messages.yaml"
    bad.write_text('only.en:\n  en: "hello"\n')
    monkeypatch.setattr(i18n, "CATALOG", bad)
    i18n.catalog.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="only.en"):
            i18n.catalog()
    finally:
        monkeypatch.undo()
        i18n.catalog.cache_clear()
    assert "hint.label" in i18n.catalog()


def test_the_catalog_kept_as_json_is_the_catalog_read_from_yaml(tmp_path, monkeypatch):
    from ruamel.yaml import YAML

    from labkit import derived, i18n

    monkeypatch.setenv("LAB_CACHE_DIR", str(tmp_path))
    fresh = YAML(typ="safe", pure=True).load(i18n.CATALOG.read_text(encoding="utf-8"))
    for _ in range(2):  # a full read that stores, then one from the cache
        i18n.catalog.cache_clear()
        assert i18n.catalog() == fresh
    raw = i18n.CATALOG.read_bytes()
    reader = derived.code_digest("ruamel.yaml", "labkit.i18n")
    (entry,) = (tmp_path / "derived" / "messages.yaml").glob("*.json")
    entry.unlink()
    derived.store("messages.yaml", raw, reader, {**fresh, "smoke.pass": {"en": "forged"}})
    i18n.catalog.cache_clear()
    assert i18n.catalog() == fresh  # an entry that does not check is read again
    i18n.catalog.cache_clear()
