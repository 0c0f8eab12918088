"""French typography on the French side whichever its role: the source of an FR->EN memory is checked too."""

from __future__ import annotations

import pytest

import bilingual_pr.qa.families  # noqa: F401  (registers the check ids)
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.typography import check_typography

NB, NN = "\u00a0", "\u202f"


def _found(src: str, tgt: str, sl: str, tl: str, profile: str = "fr-FR") -> list[tuple[str, str, tuple, tuple]]:
    return [(f.check, f.severity, f.source_spans, f.target_spans)
            for f in check_typography(Segment(0, src, tgt, sl, tl), profile)]


def test_a_french_source_is_checked_and_the_finding_names_the_source() -> None:
    # (A no-break space elsewhere in the text: an ordinary space beside it is a slip, a warning.)
    src = f"Pourquoi est-ce important ? Parce que des vies sont en jeu{NN}!"
    (f,) = check_typography(Segment(0, src, "Why does it matter? Because lives are at stake.", "fr", "en"), "fr-FR")
    assert f.check == "typo-space-before" and f.severity == "warning"
    assert f.message.startswith("French source: ") and f.target_spans == ()
    assert src[slice(*f.source_spans[0])] == " "


def test_a_french_source_with_the_profile_spacing_passes() -> None:
    src = f"Le Haut-Commissaire a déclaré{NB}: «{NB}Pourquoi attendre{NN}?{NB}»"
    assert _found(src, 'The High Commissioner said: "Why wait?"', "fr", "en") == []


@pytest.mark.parametrize("profile,expected", [
    ("fr-FR", [("typo-space-before", "info")]),  # U+00A0 before "?" is the other no-break width
    ("fr-CH", [("typo-space-before", "warning")]),
    ("off", []),
])
def test_the_profiles_apply_to_the_source_as_to_a_target(profile: str, expected: list) -> None:
    src = f"Pourquoi{NB}?"
    assert [(c, s) for c, s, _, _ in _found(src, "Why?", "fr", "en", profile)] == expected
    # The same text as a French target gives the same verdict, on the target side.
    tgt = [(c, s, ss, ts) for c, s, ss, ts in _found("Why?", src, "en", "fr", profile)]
    assert [(c, s) for c, s, _, _ in tgt] == expected and all(ss == () for _, _, ss, _ in tgt)


def test_both_sides_of_a_fr_en_unit_are_reported_apart() -> None:
    found = _found("Attention : danger !", "Warning : danger!", "fr", "en")
    assert ("typo-en-space", "warning", (), ((7, 8),)) in found
    sources = [f for f in found if f[0] == "typo-space-before"]
    assert len(sources) == 1 and sources[0][3] == () and len(sources[0][2]) == 2


def test_an_english_source_is_not_checked_for_french_spacing() -> None:
    assert _found("Why ? Note : this.", f"Pourquoi{NN}? Note{NB}: ceci.", "en", "fr") == []


# Causes of the typography false alarms on published releases (bench/bench_qa_damaged.py), each with
# the defect next to it that must still be found.

def test_an_ordinary_space_in_a_text_without_no_break_spaces_is_only_info() -> None:
    # A text with no no-break space anywhere (pasted from a web page, flattened on export) cannot say
    # whether its spaces break: the space is in its place, only its width is the profile's business.
    tgt = "La Directrice a déclaré : « Nous agirons ensemble. »"
    found = _found("The Director said: “We will act together.”", tgt, "en", "fr")
    assert found and {s for _, s, _, _ in found} == {"info"}
    assert all("no no-break space" in f.message
               for f in check_typography(Segment(0, "x", tgt, "en", "fr"), "fr-FR"))


def test_an_ordinary_space_next_to_no_break_spaces_is_still_a_warning() -> None:
    # The author uses no-break spaces: an ordinary one beside them is a slip.
    tgt = f"La Directrice a déclaré{NB}: « Nous agirons ensemble.{NB}»"
    assert _found("x", tgt, "en", "fr") == [("typo-guillemets", "warning", (), ((27, 28),))]


@pytest.mark.parametrize("tgt", ["La Directrice a déclaré: nous agirons.", "Il a parlé de «solidarité».",
                                 "Pourquoi attendre? Agissons!"])
def test_a_missing_space_is_still_a_warning_in_a_text_without_no_break_spaces(tgt: str) -> None:
    assert "warning" in {s for _, s, _, _ in _found("x", tgt, "en", "fr")}


@pytest.mark.parametrize("tgt", ["Bravo à toute l'équipe :)", "Bonnes vacances à tous ;-) et à bientôt.",
                                 f"Merci{NN}! :-("])
def test_an_emoticon_is_not_punctuation(tgt: str) -> None:
    assert _found("x", tgt, "en", "fr") == []


def test_a_colon_glued_to_a_word_before_an_emoticon_is_still_checked() -> None:
    assert [c for c, _, _, _ in _found("x", "Attention: danger", "en", "fr")] == ["typo-space-before"]


# A document's own house style: the same mark written without its space throughout the document is one
# info note for the document; a missing space where the document otherwise spaces that mark is a slip.

def _run(targets: list[tuple[str | None, str]], profile: str = "fr-FR", jobs: int = 1) -> list[tuple]:
    from bilingual_pr.qa.runner import run_checks

    segs = [Segment(i, "x", tgt, "en", "fr", None, doc) for i, (doc, tgt) in enumerate(targets)]
    report = run_checks(lambda: iter(segs), profile=profile, families=["typography"], jobs=jobs)
    return sorted((f.unit, f.check, f.severity, f.target_spans) for f in report.findings)


TIGHT = ["Elle a parlé de «solidarité».", "Le thème était «Agir ensemble».", "Il a cité le «Pacte».",
         "Rien à signaler."]


def test_guillemets_written_tight_throughout_a_document_are_one_info_note() -> None:
    found = _run([(None, t) for t in TIGHT])
    assert [(u, c, s) for u, c, s, _ in found] == [(0, "typo-guillemets", "info")]


def test_a_tight_mark_in_a_document_that_spaces_it_is_a_warning() -> None:
    spaced = [f"Elle a parlé de «{NB}solidarité{NB}».", f"Le thème était «{NB}Agir ensemble{NB}».",
              "Il a cité le «Pacte»."]
    found = _run([(None, t) for t in spaced])
    assert found == [(2, "typo-guillemets", "warning", ((14, 14), (19, 19)))]


def test_one_tight_mark_alone_is_still_a_warning() -> None:
    assert [(u, s) for u, _, s, _ in _run([(None, "La Directrice a déclaré: nous agirons.")])] == [(0, "warning")]


def test_the_house_style_is_per_document() -> None:
    docs = [("a", t) for t in TIGHT] + [("b", f"Elle a parlé de «{NB}solidarité{NB}»."), ("b", "Il a cité le «Pacte».")]
    found = _run(docs)
    assert [(u, s) for u, _, s, _ in found] == [(0, "info"), (5, "warning")]


def test_the_house_style_is_the_same_with_worker_processes() -> None:
    docs = [("a", t) for t in TIGHT] + [("b", f"Elle a parlé de «{NB}solidarité{NB}»."), ("b", "Il a cité le «Pacte».")]
    assert _run(docs * 3, jobs=2) == _run(docs * 3)


def test_an_ordinary_space_is_a_slip_in_a_document_that_uses_no_break_spaces() -> None:
    assert _run([(None, f"Il a dit{NB}: oui."), (None, "Elle a dit : non.")]) == [
        (1, "typo-space-before", "warning", ((10, 11),))]
    # The same unit in a document that never uses a no-break space: its width is only noted.
    assert [(u, s) for u, _, s, _ in _run([(None, "Il a dit : oui."), (None, "Elle a dit : non.")])] == [
        (0, "info"), (1, "info")]
    # Per document: the other document's no-break spaces say nothing about this one.
    assert [(u, s) for u, _, s, _ in _run([("a", f"Il a dit{NB}: oui."), ("b", "Elle a dit : non.")])] == [
        (1, "info")]


def test_labels_and_running_text_have_their_own_house_style_for_the_colon() -> None:
    # "NOTE:", "Photo:" written tight throughout is the document's style for labels; a colon glued
    # to a word inside a sentence is not covered by it.
    docs = [(None, "NOTE: la séance est publique."), (None, "Photo: CERN"),
            (None, "La Directrice a déclaré: nous agirons.")]
    assert [(u, s) for u, _, s, _ in _run(docs)] == [(0, "info"), (2, "warning")]
