"""The repetition family: doubled words and phrases, the grammatical doublings of each language allowed."""

from __future__ import annotations

import pytest

import bilingual_pr.qa.families  # noqa: F401  (registers the check ids)
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.repetition import _REPEAT, _maybe_repeated, check_repetition, repeats

DAMAGED_EN = [
    ("The the Human Rights Council opened its session.", "The the"),
    ("The Council adopted the the resolution.", "the the"),
    ("The experts met in Geneva in Geneva on Monday.", "in Geneva in Geneva"),
    ("He welcomed the report of the of the Special Rapporteur.", "of the of the"),
    ("CERN (the the laboratory) published results.", "the the"),
]
DAMAGED_FR = [
    ("Le Conseil a a adopté la résolution.", "a a"),
    ("Les experts ont visité les les camps.", "les les"),
    ("Le rapport de la de la Rapporteuse spéciale.", "de la de la"),
    ("Il a dit que que la séance était levée.", "que que"),
    ("Il a parlé de de la situation.", "de de"),
    ("L'ONU L'ONU a salué l'accord.", "L'ONU L'ONU"),
]
CLEAN_EN = [
    "He said that that decision had had serious effects.",
    "The Prime Minister of Bora Bora met the Mayor of Pago Pago.",
    "The UN UN-Habitat office.",
    "The fund received 1 000 000 francs in 2020 and 2 2 2 is a code.",
    "Paris, Paris and again Paris: the city hosted the talks.",
    "What it is is a question of rights.",
    "A very very good year for his great great-grandfather.",
    "Progress was made step by step by the delegations.",
    "And more and more States joined.",
    "It is the way to tell you you should act.",
    "The right to the highest attainable standard of health.",
]
CLEAN_FR = [
    "Nous nous réjouissons de cette décision.",
    "Vous vous engagez à respecter la Charte.",
    "Les efforts commencent peu à peu à porter leurs fruits.",
    "Il a reçu le prix Nobel aux côtés de de Klerk.",
    "Un très très bon résultat, oh là là.",
    "Ils se sont fait faire des badges, de plus en plus en ligne.",
    "Il a exploré le film en en découvrant les secrets.",
    "Le Conseil des droits de l'homme, le Conseil tout entier, a salué l'accord.",
    "Les États membres et les organisations non gouvernementales.",
    "L'Office des Nations Unies à Genève accueille les pourparlers.",
]


@pytest.mark.parametrize("text,shown", DAMAGED_EN)
def test_english_repetitions_are_found(text: str, shown: str) -> None:
    found = repeats(text, "en")
    assert len(found) == 1
    (a, b) = found[0][1]
    assert text[a:b] == shown


@pytest.mark.parametrize("text,shown", DAMAGED_FR)
def test_french_repetitions_are_found(text: str, shown: str) -> None:
    found = repeats(text, "fr")
    assert len(found) == 1 and text[slice(*found[0][1])] == shown


@pytest.mark.parametrize("text", CLEAN_EN)
def test_english_look_alikes_pass(text: str) -> None:
    assert repeats(text, "en") == []


@pytest.mark.parametrize("text", CLEAN_FR)
def test_french_look_alikes_pass(text: str) -> None:
    assert repeats(text, "fr") == []


def test_the_french_allowance_is_french_only() -> None:
    assert repeats("We we will see.", "en") and repeats("nous nous", "fr") == []
    assert repeats("vous vous", "en")
    assert repeats("The UN UN office.", "en")


def test_the_target_and_a_french_source_are_checked_and_named() -> None:
    seg = Segment(5, "Le Conseil a a adopté la résolution.", "The the Council adopted the resolution.", "fr", "en")
    found = check_repetition(seg)
    assert [f.check for f in found] == ["repeated-word", "repeated-word"]
    tgt, src = found
    assert tgt.target_spans == ((0, 7),) and tgt.source_spans == () and "target" in tgt.message
    assert src.source_spans == ((11, 14),) and src.target_spans == () and "French source" in src.message
    # An English source is not checked: only the target and the French side.
    seg = Segment(0, "The the Council.", "Le Conseil.", "en", "fr")
    assert check_repetition(seg) == []


def test_the_probe_never_misses_what_the_pattern_finds() -> None:
    # The probe is a fast pre-filter: whenever it says no, the full pattern must find nothing.
    texts = [t for t, _ in DAMAGED_EN + DAMAGED_FR] + CLEAN_EN + CLEAN_FR + [
        "a\u00a0a", "x\u202fy x\u202fy", "les\u2009les", "de\tla de\nla", "(la la)", "«les les»", "of the, of the", "Rights rights"]
    found = 0
    for text in texts:
        if _REPEAT.search(text) is not None:
            found += 1
            assert _maybe_repeated(text), text
    assert found >= len(DAMAGED_EN + DAMAGED_FR)
