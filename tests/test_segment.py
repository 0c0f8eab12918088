"""Sentence segmentation: the built-in rules in French and English, offsets and blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_pr.documents import read_document, read_text_string
from bilingual_pr.segment import (Sentence, looks_hard_wrapped, one_line, segment_document, segment_strings,
                                  segment_text)

FIX = Path(__file__).resolve().parent / "fixtures" / "segment"


def split(text: str, lang: str) -> list[str]:
    return segment_strings(text, lang)


# Each case: (language, text, expected sentences). One group per rule of the issue.
CASES = [
    # honorifics and titles
    ("fr", "M. Tedros a ouvert la séance. Mme Bachelet a répondu.",
     ["M. Tedros a ouvert la séance.", "Mme Bachelet a répondu."]),
    ("fr", "MM. Keller et Rossi sont arrivés. Mlle Favre aussi.",
     ["MM. Keller et Rossi sont arrivés.", "Mlle Favre aussi."]),
    ("fr", "Le Dr. Roth et le Prof. Ivanov ont signé. La séance est levée.",
     ["Le Dr. Roth et le Prof. Ivanov ont signé.", "La séance est levée."]),
    ("en", "Mr. Guterres spoke first. Mrs. Okafor and Ms. Lindqvist followed.",
     ["Mr. Guterres spoke first.", "Mrs. Okafor and Ms. Lindqvist followed."]),
    ("en", "Dr. Ahmed met Prof. Baker in St. Gallen. They agreed.",
     ["Dr. Ahmed met Prof. Baker in St. Gallen.", "They agreed."]),
    # abbreviations followed by numbers or capitals
    ("en", "See No. 5 and art. 12 of vol. 3, p. 45. The rest follows.",
     ["See No. 5 and art. 12 of vol. 3, p. 45.", "The rest follows."]),
    ("fr", "Voir l’art. 5, p. 12 du vol. 2. La suite est publiée.",
     ["Voir l’art. 5, p. 12 du vol. 2.", "La suite est publiée."]),
    ("en", "Fruit, e.g. Apples, or i.e. Pears. Nothing else.",
     ["Fruit, e.g. Apples, or i.e. Pears.", "Nothing else."]),
    ("en", "The U.S. Government agreed. So did the U.K. Mission.",
     ["The U.S. Government agreed.", "So did the U.K. Mission."]),
    ("en", "The meeting opens at 10 a.m. Geneva time and ends at 6 p.m. Monday. Lunch is served.",
     ["The meeting opens at 10 a.m. Geneva time and ends at 6 p.m. Monday.", "Lunch is served."]),
    # "etc." ends a sentence before a capital, not before a lower-case word
    ("fr", "Des pommes, des poires, etc. et des prunes. Des noix, etc. Le reste suit.",
     ["Des pommes, des poires, etc. et des prunes.", "Des noix, etc.", "Le reste suit."]),
    # initials
    ("en", "It was J. F. Kennedy who spoke. Then he left.", ["It was J. F. Kennedy who spoke.", "Then he left."]),
    ("fr", "C’est J. F. Kennedy qui parlait. Puis il partit.", ["C’est J. F. Kennedy qui parlait.", "Puis il partit."]),
    # numbers with points and commas
    ("fr", "Le taux est de 1,5 % sur 1 000,5 francs. Il monte.", ["Le taux est de 1,5 % sur 1 000,5 francs.", "Il monte."]),
    ("en", "Growth was 1.5 per cent on 1,000.5 francs. It rose.",
     ["Growth was 1.5 per cent on 1,000.5 francs.", "It rose."]),
    ("en", "The figure for 2024 was 12. 2025 will be higher.", ["The figure for 2024 was 12.", "2025 will be higher."]),
    # ellipses
    ("fr", "Il hésita… Puis il partit. Et puis… rien.", ["Il hésita…", "Puis il partit.", "Et puis… rien."]),
    ("en", "He waited... Then he left. And then... nothing.", ["He waited...", "Then he left.", "And then... nothing."]),
    ("fr", "Le texte dit […] Les autres suivent.", ["Le texte dit […] Les autres suivent."]),
    # sentence ends inside quotations, before closing quotes and parentheses
    ("fr", "Il a dit : « Je viens. Nous partons demain. » Puis il est sorti.",
     ["Il a dit : « Je viens.", "Nous partons demain. »", "Puis il est sorti."]),
    ("fr", "« Vraiment ? » demanda-t-elle. Oui.", ["« Vraiment ? » demanda-t-elle.", "Oui."]),
    ("en", "She said: “We are ready. We start now.” Then she left.",
     ["She said: “We are ready.", "We start now.”", "Then she left."]),
    ("en", "“Really?” he asked. Yes.", ["“Really?” he asked.", "Yes."]),
    ("en", "The text is final (see the annex.) Work goes on.", ["The text is final (see the annex.)", "Work goes on."]),
    ("fr", "Le texte est définitif (voir l’annexe.) Le travail continue.",
     ["Le texte est définitif (voir l’annexe.)", "Le travail continue."]),
    # French spacing before ; : ! ? and inside « » (normal and narrow no-break spaces)
    ("fr", "Vraiment\u202f? Oui\u00a0! Bien\u00a0; très\u00a0: non. Fin.",
     ["Vraiment\u202f?", "Oui\u00a0!", "Bien\u00a0; très\u00a0: non.", "Fin."]),
    ("fr", "Il dit\u00a0: «\u00a0Oui.\u00a0» Puis il part.", ["Il dit\u00a0: «\u00a0Oui.\u00a0»", "Puis il part."]),
    # list items
    ("fr", "1. Le Conseil prend note du rapport.", ["1. Le Conseil prend note du rapport."]),
    ("en", "iv. The Council takes note. It decides.", ["iv. The Council takes note.", "It decides."]),
    ("en", "Items:\n1. First point.\n2. Second point.", ["Items:", "1. First point.", "2. Second point."]),
    # document symbols
    ("en", "See A/HRC/55/1 and DG11/005F. Also E/CN.4/2005/L.10. Done.",
     ["See A/HRC/55/1 and DG11/005F.", "Also E/CN.4/2005/L.10.", "Done."]),
    ("fr", "Voir le document A/HRC/55/1. Il est paru.", ["Voir le document A/HRC/55/1.", "Il est paru."]),
    # URLs and e-mail addresses
    ("en", "Visit https://home.cern/news/Press.Releases?Id=5 today. Write to press@unog.ch. Thanks.",
     ["Visit https://home.cern/news/Press.Releases?Id=5 today.", "Write to press@unog.ch.", "Thanks."]),
    ("fr", "Voir www.ungeneva.org. Écrire à info@cern.ch. Merci.",
     ["Voir www.ungeneva.org.", "Écrire à info@cern.ch.", "Merci."]),
    # web text that lost its line breaks
    ("fr", "C’était ambitieux.Aujourd’hui, c’est fait.", ["C’était ambitieux.", "Aujourd’hui, c’est fait."]),
    # a line break inside a block (address lines, salutations)
    ("fr", "Monsieur le Président,\nExcellences,\nChers collègues,",
     ["Monsieur le Président,", "Excellences,", "Chers collègues,"]),
    # footnote calls after a sentence end, bullets and dates with abbreviated months
    ("en", "It was adopted in 2015.[3] The review follows.", ["It was adopted in 2015.[3]", "The review follows."]),
    ("fr", "Le texte est adopté. • Deuxième point. Fin.", ["Le texte est adopté.", "• Deuxième point.", "Fin."]),
    ("fr", "La séance du 5 déc. 2024 est close. Voir Art. 5 de la Charte.",
     ["La séance du 5 déc. 2024 est close.", "Voir Art. 5 de la Charte."]),
    ("en", "It opened on Sept. 11 and closed on Dec. 2. Then it moved.",
     ["It opened on Sept. 11 and closed on Dec. 2.", "Then it moved."]),
    ("fr", "Ils étaient sept. Le lendemain, huit.", ["Ils étaient sept.", "Le lendemain, huit."]),
    # smiley ending a sentence
    ("en", "Keep smiling :) Apologies to the others.", ["Keep smiling :)", "Apologies to the others."]),    # U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (Word's manual line break, pasted text) are line breaks
    ("fr", "La séance est levée.\u2028Le Conseil reprendra ses travaux demain.",
     ["La séance est levée.", "Le Conseil reprendra ses travaux demain."]),
    ("en", "The meeting rose.\u2029The Council resumes tomorrow.", ["The meeting rose.", "The Council resumes tomorrow."]),
    ("fr", "Genève, le 5 juin 2026\u2028Pour diffusion immédiate\u2028 1. Le Conseil s’est réuni.",
     ["Genève, le 5 juin 2026", "Pour diffusion immédiate", "1. Le Conseil s’est réuni."]),
]


@pytest.mark.parametrize("lang,text,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rules(lang: str, text: str, expected: list[str]) -> None:
    assert split(text, lang) == expected


def test_hard_wrapped_paragraph_is_not_split_at_line_ends() -> None:
    text = ("The Council met this week in Geneva and discussed the budget for the next\n"
            "five years. It also approved the accession of two new member States, which\n"
            "will join the Organization in January.")
    assert looks_hard_wrapped(text)
    out = split(text, "en")
    assert len(out) == 2
    assert out[0].endswith("five years.") and out[1].startswith("It also")


def test_lines_of_a_list_are_not_taken_as_wrapping() -> None:
    assert not looks_hard_wrapped("Monsieur le Président,\nExcellences,\nChers collègues,")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_release_fixture(lang: str) -> None:
    doc = read_document(FIX / f"release.{lang}.txt", lang)
    expected = (FIX / f"release.{lang}.sent").read_text(encoding="utf-8").splitlines()
    sentences = segment_document(doc, lang)
    assert [s.text for s in sentences] == expected
    for s in sentences:
        assert doc.text[s.start:s.end] == s.text
        block = doc.blocks[s.block]
        assert block.start <= s.start < s.end <= block.end


def test_heading_never_merges_with_next_block() -> None:
    doc = read_text_string("Réunion annuelle du Conseil\n\nLe Conseil s’est réuni. Il a décidé.\n")
    sentences = segment_document(doc, "fr")
    assert [(s.text, s.block) for s in sentences] == [
        ("Réunion annuelle du Conseil", 0), ("Le Conseil s’est réuni.", 1), ("Il a décidé.", 1)]
    assert all(isinstance(s, Sentence) for s in sentences)


def test_spans_are_trimmed_slices() -> None:
    text = "  First one.   Second one.  "
    spans = segment_text(text, "en")
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one."]


def test_empty_and_blank_text() -> None:
    assert segment_text("", "fr") == []
    assert segment_text("   \n ", "en") == []


def test_language_with_region_uses_the_same_rules() -> None:
    text = "M. Dupont est là. Il parle."
    assert split(text, "fr-CH") == split(text, "fr") == ["M. Dupont est là.", "Il parle."]


def test_one_line_turns_only_layout_into_a_space() -> None:
    # Line breaks (U+2028 and U+2029 too) and runs of ASCII whitespace are layout; no-break spaces are content.
    assert one_line("Il a déclaré\u00a0:\n«\u00a0Nous  agissons\u2028\t»\u2029 le 5\u202f000e jour\u2009!") == \
        "Il a déclaré\u00a0: «\u00a0Nous agissons » le 5\u202f000e jour\u2009!"
    assert one_line("\u00a0«\u00a0Oui\u00a0»\u00a0") == "\u00a0«\u00a0Oui\u00a0»\u00a0"
    assert one_line(" a\r\nb \x0c") == "a b"
