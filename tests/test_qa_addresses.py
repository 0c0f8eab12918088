"""The addresses family: web and e-mail addresses and slash-less release symbols carried over unchanged."""

from __future__ import annotations

import pytest

import bilingual_pr.qa.families  # noqa: F401  (registers the check ids)
from bilingual_pr.qa.addresses import addresses, check_addresses
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.numbers import check_numbers


def _checks(src: str, tgt: str, sl: str = "fr", tl: str = "en") -> list[str]:
    return [f.check for f in check_addresses(Segment(0, src, tgt, sl, tl))]


CLEAN = [
    ("Pour en savoir plus : www.ungeneva.org/fr/news-media.", "For more information: www.ungeneva.org/en/news-media."),
    ("Accréditation : press-geneva@un.org.", "Accreditation: press-geneva@un.org."),
    ("Voir https://home.cern/fr/news.", "See https://home.cern/news/."),
    ("Voir HTTPS://WWW.UNOG.CH/rapport.", "See https://www.unog.ch/rapport"),
    ("Communiqué DG11-005F", "Press release DG11-005E"),
    ("Voir https://www.ohchr.org/FR/News/Pages/Display.aspx?NewsID=123&LangID=F",
     "See https://www.ohchr.org/EN/News/Pages/Display.aspx?NewsID=123&LangID=E"),
    ("Le rapport A/HRC/55/1 est publié.", "Report A/HRC/55/1 is out."),
    ("La COVID-19 et le G-20.", "COVID-19 and the G-20."),
]
DAMAGED = [
    ("Voir www.ungeneva.org/fr/news-media.", "See www.ungeneva.org/en/news.", "address-mismatch"),
    ("Accréditation : press-geneva@un.org.", "Accreditation: press-genva@un.org.", "address-mismatch"),
    ("Accréditation : press-geneva@un.org.", "Accreditation: write to the press office.", "address-mismatch"),
    ("Voir le site.", "See https://home.cern/news.", "address-mismatch"),
    ("Voir www.fr.ch/e-services.", "See www.ch/e-services.", "address-mismatch"),
    ("Communiqué DG11-005F", "Press release DG11-006E", "release-symbol-mismatch"),
    ("Communiqué PR_24_003F", "Press release", "release-symbol-mismatch"),
]


@pytest.mark.parametrize("src,tgt", CLEAN)
def test_clean_look_alikes_pass(src: str, tgt: str) -> None:
    assert _checks(src, tgt) == []


@pytest.mark.parametrize("src,tgt,check", DAMAGED)
def test_damaged_units_give_one_finding(src: str, tgt: str, check: str) -> None:
    assert _checks(src, tgt) == [check]


def test_the_finding_names_both_addresses_and_marks_their_spans() -> None:
    seg = Segment(3, "Écrire à presse@unog.ch.", "Write to press@unog.ch.")
    (f,) = check_addresses(seg)
    assert f.unit == 3 and f.severity == "error"
    assert "presse@unog.ch" in f.message and "press@unog.ch" in f.message
    assert seg.source[slice(*f.source_spans[0])] == "presse@unog.ch"
    assert seg.target[slice(*f.target_spans[0])] == "press@unog.ch"


def test_a_slashed_symbol_is_left_to_the_numbers_family_and_reported_once() -> None:
    seg = Segment(0, "Le communiqué DG26/014F.", "Press release DG26/015E.")
    assert check_addresses(seg) == []
    assert [f.check for f in check_numbers(seg)] == ["symbol-mismatch"]
    # The language letter may differ.
    assert check_numbers(Segment(0, "Le communiqué DG26/014F.", "Press release DG26/014E.")) == []


def test_addresses_reads_the_lexical_addresses() -> None:
    assert [k for k, _, _ in addresses("Voir www.un.org ou écrire à info@un.org.", "fr")] == ["url", "email"]
    assert addresses("Pas d'adresse ici.", "fr") == []
