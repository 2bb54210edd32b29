"""Records judged on meaning: folding, stems, synonyms, the corpus, and the evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.record_verdict import judge_records
from checker.records import Evidence, FixVerdict, Mention, validate_file
from checker.records.matching import build_lexicon, fold, in_order, lexicon, stem, tokens
from labkit.verdict import all_rules

CORPUS = Path(__file__).parent / "fixtures" / "records" / "corpus"


def fixed(diff: str) -> FixVerdict:
    return FixVerdict(True, "fixed")


# -- the pieces ----------------------------------------------------------------


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Última VERSIÓN, vuelta atrás") == "ultima version, vuelta atras"


def test_tokens_keep_versions_and_split_flags() -> None:
    assert tokens("--keep=1 then 1.3.2 (known-good)") == ["keep", "1", "then", "1.3.2",
                                                          "known", "good"]


@pytest.mark.parametrize(("words", "root"), [
    (["delete", "deleted", "deleting", "deletes"], "delet"),
    (["release", "released", "releases", "releasing"], "releas"),
    (["borrar", "borrado", "borró", "borra"], "borr"),
    (["versión", "versiones"], "version"),
    (["anterior", "anteriores"], "anterior"),
    (["volver", "volví", "volvió"], "volv"),
])
def test_inflections_share_a_stem(words: list[str], root: str) -> None:
    assert {stem(fold(w)) for w in words} == {root}


def test_short_words_and_numbers_keep_their_shape() -> None:
    assert [stem(w) for w in ("one", "uno", "3", "1.3.2", "keep")] == ["one", "uno", "3",
                                                                        "1.3.2", "keep"]


def test_in_order_allows_small_gaps_only() -> None:
    assert in_order(["a", "b"], ["a", "x", "y", "b"])
    assert not in_order(["a", "b"], ["a", "x", "y", "z", "b"])
    assert not in_order(["a", "b"], ["b", "a"])


def test_the_kit_synonyms_give_each_phrase_one_meaning() -> None:
    words = lexicon()
    assert words.meanings("vuelta atrás") == words.meanings("rolled back") == ["<rollback>"]


def test_a_phrase_in_two_groups_is_refused() -> None:
    with pytest.raises(ValueError, match="reads the same"):
        build_lexicon({"keep": ["kept"], "other": ["keeping", "kept"]}, [])


@pytest.mark.parametrize(("term", "text"), [
    ("previous", "…deleting every earlier tarball"),
    ("previous", "borró la versión anterior"),
    ("keep 1", "the cleanup was changed to retain a single release"),
    ("retention", "la ventana de retención se llenó"),
    ("keep 3", "la política de retención conserva tres artefactos"),
    ("rollback", "hice vuelta atrás"),
    ("rollback", "volví a la versión anterior"),
    ("last good", "expulsó la última versión buena"),
    ("passed smoke", "the one that passed the smoke test"),
])
def test_paraphrases_say_the_term(term: str, text: str) -> None:
    assert lexicon().matches(term, text)


@pytest.mark.parametrize(("term", "text"), [
    ("keep 1", "the cleanup keeps five releases"),
    ("previous", "the new build was fine"),
    ("rollback", "I restarted the service"),
    ("last good", "the good news is the last step was easy"),
])
def test_other_words_do_not_say_the_term(term: str, text: str) -> None:
    assert not lexicon().matches(term, text)


def test_a_mention_with_spanish_terms_uses_both_lists() -> None:
    mention = Mention("the window", ("window",), ("ventana",))
    assert mention.terms == ("window", "ventana")


# -- the corpus ----------------------------------------------------------------


def corpus(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).glob("*.md"))


@pytest.mark.parametrize("path", corpus("valid"), ids=lambda p: p.name)
def test_paraphrased_records_in_either_language_are_valid(path: Path) -> None:
    report = validate_file(path, all_rules(), verify_fix=fixed)
    assert report.status == "valid", report.findings


@pytest.mark.parametrize("path", corpus("review"), ids=lambda p: p.name)
def test_records_a_person_must_read_go_to_review(path: Path) -> None:
    report = validate_file(path, all_rules(), verify_fix=fixed)
    assert report.status == "review" and report.errors == []
    for finding in report.reviews:
        assert finding.field and finding.text and finding.rule
        assert finding.text == report.records[0].fields[finding.field]


@pytest.mark.parametrize("path", corpus("invalid"), ids=lambda p: p.name)
def test_wrong_or_hostile_records_are_invalid(path: Path) -> None:
    report = validate_file(path, all_rules(), verify_fix=fixed)
    assert report.status == "invalid" and report.errors


def test_the_corpus_has_each_outcome() -> None:
    assert all(len(corpus(kind)) >= 2 for kind in ("valid", "review", "invalid"))


# -- the evidence --------------------------------------------------------------

SAYS_FAILED = CORPUS / "valid" / "es_version_anterior.md"  # "la vuelta atrás falló"


def test_a_failed_rollback_without_its_journal_event_goes_to_review() -> None:
    verdict = judge_records(SAYS_FAILED, all_rules(), bug_id="38-01", verify_fix=fixed,
                            evidence=Evidence(events=("fault.injected",), released=()))
    assert verdict.status == "review" and verdict.valid is False
    (finding,) = verdict.reviews
    assert finding["field"] == "symptom"
    assert "rollback.failed" in finding["rule"]


def test_the_same_claim_with_its_evidence_is_valid() -> None:
    verdict = judge_records(SAYS_FAILED, all_rules(), bug_id="38-01", verify_fix=fixed,
                            evidence=Evidence(events=("rollback.failed",), released=()))
    assert verdict.status == "valid" and verdict.valid is True


def test_a_release_missing_from_the_history_goes_to_review(tmp_path: Path) -> None:
    path = tmp_path / "breaks.md"
    text = (CORPUS / "valid" / "en_rolled_back.md").read_text(encoding="utf-8")
    path.write_text(text.replace("Undo the sorted()", "Released 1.3.6 after undoing the "
                                 "sorted()"), encoding="utf-8")
    verdict = judge_records(path, all_rules(), bug_id="38-02", verify_fix=fixed,
                            evidence=Evidence(released=("1.3.2", "1.3.5")))
    assert verdict.status == "review"
    assert "1.3.6" in verdict.reviews[0]["message"]
    verdict = judge_records(path, all_rules(), bug_id="38-02", verify_fix=fixed,
                            evidence=Evidence(released=("1.3.2", "1.3.6")))
    assert verdict.status == "valid"
