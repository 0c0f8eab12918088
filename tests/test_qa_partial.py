"""Source-language phrases left inside a translated target (partly-untranslated), and what targets keep."""

from __future__ import annotations

import pytest

import bilingual_pr.qa.families  # noqa: F401  (registers the families)
from bilingual_pr.glossary.files import parse_glossary
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.runner import run_checks
from bilingual_pr.qa.untranslated import check_partly_untranslated, check_unit


def _marked(src: str, tgt: str, sl: str = "fr", tl: str = "en") -> list[str]:
    found = check_partly_untranslated(Segment(0, src, tgt, sl, tl))
    return [tgt[s:e] for f in found for s, e in f.target_spans]


@pytest.mark.parametrize("src,tgt,phrase", [
    ("Le Conseil des droits de l'homme (CDH) a ouvert sa session.",
     "The Conseil des droits de l'homme (HRC) opened its session.", "Conseil des droits de l'homme"),
    ("Le Conseil du CERN s'est réuni cette semaine.", "The Conseil du CERN met this week.", "Conseil du CERN"),
    ("Ces données suffisent pour explorer le potentiel de physique du collisionneur.",
     "These data are enough to explore the potentiel de physique of the collider.", "potentiel de physique"),
    ("L'Organisation mondiale de la santé a publié son rapport.",
     "The Organisation mondiale de la santé published its report.", "Organisation mondiale de la santé"),
    ("La délégation a rencontré les experts, notamment pour les questions de sécurité.",
     "The delegation met the experts, notamment pour les questions de sécurité.", "notamment pour les questions de sécurité"),
])
def test_a_french_phrase_in_an_english_target_is_found(src: str, tgt: str, phrase: str) -> None:
    assert _marked(src, tgt) == [phrase]


def test_an_english_phrase_in_a_french_target_is_found() -> None:
    src = "The Council adopted the report of the Working Group yesterday."
    tgt = "Le Conseil a adopté the report of the Working Group hier."
    assert _marked(src, tgt, "en", "fr") == ["the report of the Working Group"]


@pytest.mark.parametrize("src,tgt", [
    ("La réunion a eu lieu au Palais des Nations.", "The meeting took place at the Palais des Nations."),
    ("Rendez-vous à la Maison de la paix, près de la place des Nations.",
     "Meet at the Maison de la paix, near the Place des Nations."),
    ("Le Jet d'eau et le Parc des Bastions seront illuminés.", "The Jet d'eau and the Parc des Bastions will be lit."),
    ("Staffan de Mistura s'est rendu en Côte d'Ivoire.", "Staffan de Mistura travelled to Côte d'Ivoire."),
    ("Jean-Pierre de la Fontaine a pris la parole.", "Jean-Pierre de la Fontaine took the floor."),
    ("Le cessez-le-feu est de facto en vigueur (Martin et al.).", "The ceasefire is de facto in force (Martin et al.)."),
    ("Le slogan « Ensemble pour la paix » a été adopté.", "The slogan « Ensemble pour la paix » was adopted."),
    ("Voir www.ohchr.org/fr/droits-de-l-homme.", "See www.ohchr.org/fr/droits-de-l-homme."),
    ("Médecins Sans Frontières et la Tribune de Genève.", "Médecins Sans Frontières and the Tribune de Genève."),
    ("Le café de la délégation.", "The delegation's café was a rendez-vous for the press."),
])
def test_names_premises_loans_and_quotations_kept_in_french_are_not_found(src: str, tgt: str) -> None:
    assert _marked(src, tgt) == []


@pytest.mark.parametrize("src,tgt", [
    ("The Bank of America report was published.", "Le rapport de la Bank of America a été publié."),
    ("The theme is “Winning with global innovation”.",
     "Le thème est la réussite par l'innovation mondiale (Winning with global innovation)."),
    ("Human Rights Watch will meet over the weekend.", "Human Rights Watch se réunira pendant le week-end."),
    ("The report is published in extenso.", "Le rapport est publié in extenso."),
])
def test_english_names_glosses_and_loans_in_french_are_not_found(src: str, tgt: str) -> None:
    assert _marked(src, tgt, "en", "fr") == []


def test_the_glossary_spares_a_french_name_english_keeps() -> None:
    csv = ("id,lang,term,status\noif,fr,Organisation internationale de la Francophonie,preferred\n"
           "oif,en,Organisation internationale de la Francophonie,preferred\n").encode()
    glossary = parse_glossary(csv, "g.csv", "fr", "en")
    seg = Segment(0, "L'Organisation internationale de la Francophonie a tenu son sommet.",
                  "The Organisation internationale de la Francophonie held its summit.", "fr", "en")
    without = run_checks(lambda: iter([seg]), families=["untranslated"])
    assert [f.check for f in without.findings] == ["partly-untranslated"]
    with_glossary = run_checks(lambda: iter([seg]), glossary=glossary, families=["untranslated"])
    assert with_glossary.findings == []


def test_a_whole_untranslated_target_is_one_finding() -> None:
    text = "Le Conseil des droits de l'homme a ouvert sa session à Genève."
    assert [f.check for f in check_unit(Segment(0, text, text, "fr", "en"))] == ["untranslated"]


def test_the_finding_quotes_the_phrase_and_is_a_warning() -> None:
    (f,) = check_partly_untranslated(Segment(3, "Le Conseil des droits de l'homme.",
                                             "The Conseil des droits de l'homme met.", "fr", "en"))
    assert f.severity == "warning" and f.unit == 3 and "“Conseil des droits de l'homme”" in f.message


def test_the_probe_sees_every_function_word_the_tokens_give() -> None:
    import random

    from bilingual_pr.qa import mixedlang

    rng = random.Random(7)
    glue = [" ", "  ", "\u00a0", ", ", ".", "(", ")", "« ", " »", "«", "»", "“", "”", "'", "’", "-", "–", "/", "2",
            "…", ":", "_", "\u2011"]
    for lang in ("fr", "en"):
        fws = sorted(mixedlang._FOREIGN_FUNCTION_WORDS[lang])
        for _ in range(3000):
            words = [rng.choice(fws + ["Genève", "homme", "Council", "données", "the", "l", "d"]) for _ in range(4)]
            text = "".join(w + rng.choice(glue) for w in words)
            text = text if rng.random() < 0.5 else text.capitalize()
            tokens = [m.group() for m in mixedlang._TOKEN.finditer(text)]
            has = any(mixedlang._norm(t) in mixedlang._FOREIGN_FUNCTION_WORDS[lang] for t in tokens)
            assert mixedlang._probe(text, lang) or not has, (lang, text)


@pytest.mark.parametrize("src,tgt,phrase", [
    # A name with a French-only word is French, function words and all.
    ("Il a rencontré des agences de l'Organisation des Nations Unies.",
     "He met agencies of the Organisation des Nations Unies.", "Organisation des Nations Unies"),
    # A premises name ends where its name ends: what follows it is looked at.
    ("Sa déclaration au Comité exécutif du HCR au Palais des Nations.",
     "His statement at the Palais des Nations exécutif du HCR on the outcome.", "exécutif du HCR"),
])
def test_names_stop_where_the_kept_name_stops(src: str, tgt: str, phrase: str) -> None:
    assert _marked(src, tgt) == [phrase]
