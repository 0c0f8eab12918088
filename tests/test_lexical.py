"""One set of lexical rules: what the aligner's anchors count as the same number, the QA accepts, and back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.align.anchors import extract_anchors
from bilingual_pr.lexical import (RELEASE_SYMBOL_NAME, RELEASE_SYMBOL_TEXT, Placeable, ascii_fold, fold,
                                  placeables)
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.numbers import check_numbers

# Same facts, written the French and the English way (own sentences, UNOG press-release style).
SAME = [
    ("Le Fonds a reçu 2 500 000 francs suisses.", "The Fund received 2,500,000 Swiss francs."),
    ("La session s'ouvre le 3 octobre 2016 à Genève.", "The session opens on 3 October 2016 in Geneva."),
    ("La conférence de presse aura lieu à 15 heures.", "The press conference will take place at 3 p.m."),
    ("Le Conseil reprendra ses travaux à 15 h 30.", "The Council will resume its work at 3.30 p.m."),
    ("Le mandat prend effet le 1er janvier.", "The mandate takes effect on 1 January."),
    ("Le chômage a reculé de 12,5 % en un an.", "Unemployment fell by 12.5 per cent in a year."),
    ("Le budget atteint 1,5 milliard de dollars.", "The budget reaches 1.5 billion dollars."),
    ("Voir le document A/HRC/55/1 et www.ungeneva.org.", "See document A/HRC/55/1 and www.ungeneva.org."),
]
# The same sentences with one fact changed on the English side.
CHANGED = [
    ("Le Fonds a reçu 2 500 000 francs suisses.", "The Fund received 2,600,000 Swiss francs."),
    ("La session s'ouvre le 3 octobre 2016 à Genève.", "The session opens on 3 November 2016 in Geneva."),
    ("La conférence de presse aura lieu à 15 heures.", "The press conference will take place at 4 p.m."),
    ("Le Conseil reprendra ses travaux à 15 h 30.", "The Council will resume its work at 3.45 p.m."),
    ("Le mandat prend effet le 1er janvier.", "The mandate takes effect on 2 January."),
    ("Le chômage a reculé de 12,5 % en un an.", "Unemployment fell by 12.6 per cent in a year."),
    ("Le budget atteint 1,5 milliard de dollars.", "The budget reaches 2.5 billion dollars."),
    ("Voir le document A/HRC/55/1 et www.ungeneva.org.", "See document A/HRC/55/2 and www.ungeneva.org."),
]
_FACTS = ("n:", "t:", "m:", "s:", "u:")


def _facts(text: str, lang: str | None) -> set[str]:
    """The aligner's anchor keys for numbers, times, months, symbols and addresses."""
    return {k for k in extract_anchors(text, lang=lang) if k.startswith(_FACTS)}


def _qa(fr: str, en: str) -> list[str]:
    return [f.check for f in check_numbers(Segment(0, fr, en, "fr", "en"))]


@pytest.mark.parametrize("lang", [("fr", "en"), (None, None)], ids=["locales", "any-locale"])
@pytest.mark.parametrize(("fr", "en"), SAME)
def test_the_same_facts_are_anchors_and_no_qa_finding(fr: str, en: str, lang: tuple) -> None:
    f, e = _facts(fr, lang[0]), _facts(en, lang[1])
    assert f and f == e
    assert _qa(fr, en) == []


@pytest.mark.parametrize("lang", [("fr", "en"), (None, None)], ids=["locales", "any-locale"])
@pytest.mark.parametrize(("fr", "en"), CHANGED)
def test_a_changed_fact_breaks_the_anchor_and_the_qa_says_so(fr: str, en: str, lang: tuple) -> None:
    assert _facts(fr, lang[0]) != _facts(en, lang[1])
    assert _qa(fr, en) != []


def _french(value: int, cents: int | None) -> str:
    text = f"{value:,}".replace(",", "\u202f")
    return text + (f",{cents:02d}" if cents is not None else "")


def _english(value: int, cents: int | None) -> str:
    return f"{value:,}" + (f".{cents:02d}" if cents is not None else "")


amounts = st.tuples(st.integers(0, 10**9), st.one_of(st.none(), st.integers(1, 99)))


@settings(max_examples=300, deadline=None)
@given(amounts, amounts)
def test_aligner_and_qa_agree_on_amounts(a: tuple, b: tuple) -> None:
    fr = f"Le Fonds a versé {_french(*a)} francs le 3 mai."
    en = f"The Fund paid {_english(*b)} francs on 3 May."
    same_anchor = _facts(fr, "fr") == _facts(en, "en")
    assert same_anchor == (a == b)
    assert (_qa(fr, en) == []) == same_anchor


def test_placeables_carry_kind_span_and_normalised_value() -> None:
    text = "Le 1er janvier à 15 h 30, 1 200 personnes (voir www.un.org/fr, A/HRC/55/1) ; 2,5 millions."
    found = placeables(text, "fr")
    assert [(p.kind, p.text, p.value) for p in found] == [
        ("number", "1er", 1.0), ("time", "15 h 30", 930), ("number", "1 200", 1200.0),
        ("url", "www.un.org/fr", "www.un.org/fr"), ("symbol", "A/HRC/55/1", "A/HRC/55/1"),
        ("number", "2,5", 2500000.0)]
    assert all(text[p.start:p.end] == p.text and p.key in p.keys for p in found)
    # English reads the same characters its own way.
    assert [p.value for p in placeables("1,200 and 2.5", "en")] == [1200.0, 2.5]
    assert [p.value for p in placeables("1,200 et 2.5", "fr")] == [1.2, 2.5]
    assert isinstance(found[0], Placeable) and found[0].span == (3, 6)


def test_release_letters_and_french_billion() -> None:
    # DG11/005F and DG11/005E are the same release in two languages.
    assert placeables("DG11/005F", "fr")[0].key == placeables("DG11/005E", "en")[0].key == "s:DG11/005"
    # A French "billion" is an English "trillion"; "milliard" is the English "billion".
    assert placeables("1 billion", "fr")[0].key == placeables("1 trillion", "en")[0].key
    assert placeables("1 milliard", "fr")[0].key == placeables("1 billion", "en")[0].key


def test_release_symbol_patterns() -> None:
    m = RELEASE_SYMBOL_TEXT.search("DG26/014F\nGenève, le 3 mars")
    assert m is not None and m.groups() == ("DG26/014", "F")
    m = RELEASE_SYMBOL_NAME.search("dg11_005e.html")
    assert m is not None and m.groups() == ("dg11_005", "e")


def test_one_fold_for_every_comparison() -> None:
    assert fold("Genève, Œuvre’s ÉTATS\u2011MEMBRES") == "geneve, oeuvre's etats-membres"
    assert ascii_fold("Genève, Œuvre’s") == "geneve, oeuvre's"
    # Full-width and compatibility forms fold to their plain letters.
    assert fold("ＵＮＯＧ") == "unog"


@pytest.mark.parametrize(("text", "lang", "type_"), [
    ("Directeur général", "fr", "title"), ("Rapporteur spécial", "fr", "title"), ("travail décent", "fr", None),
    ("État membre", "fr", None), ("Secretary-General", "en", "title"), ("country office", "en", None),
    ("Haut-Commissaire", "fr", "title"),
])
def test_the_qa_loose_look_accepts_every_form_the_glossary_generates(text: str, lang: str, type_: str | None) -> None:
    from bilingual_pr.glossary.inflect import variants
    from bilingual_pr.glossary.model import Term
    from bilingual_pr.qa.terms import loosely_present

    forms = variants(Term(text, lang, "preferred", type=type_))
    assert len(forms) > 1
    for form in forms:
        assert loosely_present(text, f"Le texte cite « {form} » ici."), form


def test_a_decimal_comma_is_no_clock_time() -> None:
    # Found by test_numbers_property_locale_formats_agree: 0,01 franc was accepted for 12.01 because both
    # were read as a possible clock time (00:01 = 12.01 a.m.).
    assert _qa("Le budget est de 0,01 franc.", "The budget is CHF 12.01.") == ["number-mismatch"]
    assert _qa("Le budget est de 0,01 franc.", "The budget is CHF 0.01.") == []
    # A point between hour and minutes still is one: "10.30" for "10 h 30".
    assert _qa("La séance reprend à 10 h 30.", "The meeting resumes at 10.30.") == []
