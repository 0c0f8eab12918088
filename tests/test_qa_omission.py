"""The omission family: a target much shorter or longer than its source would be, by the aligner's length model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

import bilingual_pr.qa.families  # noqa: F401  (registers the check ids)
from bilingual_pr.align.base import Band
from bilingual_pr.align.length import LengthScorer, length_deviation
from bilingual_pr.cli import main
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.omission import FAMILY, check_omission, sentence_count
from bilingual_pr.qa.runner import run_checks

RATIO, VARIANCE = 0.86, 6.8

LONG_FR = ("Le Haut-Commissaire des Nations Unies aux droits de l'homme a présenté mardi à Genève son rapport "
           "annuel sur la situation au Myanmar, en appelant les États membres à garantir l'accès humanitaire.")
LONG_EN = ("The UN High Commissioner for Human Rights on Tuesday presented in Geneva his annual report on the "
           "situation in Myanmar, calling on Member States to ensure humanitarian access.")
CUT_EN = "The UN High Commissioner for Human Rights on Tuesday presented."
NEXT_EN = "The Council will hold an interactive dialogue on the report on Wednesday morning at 10 a.m."

CLEAN = [
    (LONG_FR, LONG_EN),
    # Concise official English: the French spells out what English abbreviates or leaves implicit.
    ("Le Secrétaire général de l'Organisation des Nations Unies, M. António Guterres, s'est rendu au CERN.",
     "UN Secretary-General António Guterres visited CERN."),
    ("L'Organisation européenne pour la recherche nucléaire (CERN) a célébré jeudi son 70e anniversaire.",
     "CERN celebrated its 70th anniversary on Thursday."),
    ("Genève, le 12 mars 2024", "Geneva, 12 March 2024"),
    ("Communiqué de presse", "Press release"),
    ("Le Conseil des droits de l'homme a adopté sans vote une résolution sur le droit à l'alimentation.",
     "The Human Rights Council adopted without a vote a resolution on the right to food."),
]


def _checks(src: str, tgt: str, sl: str = "fr", tl: str = "en") -> list[str]:
    return [f.check for f in FAMILY.unit(None)(Segment(0, src, tgt, sl, tl))]  # type: ignore[arg-type,misc]


@pytest.mark.parametrize("src,tgt", CLEAN)
def test_translations_of_usual_length_and_concise_english_pass(src: str, tgt: str) -> None:
    assert _checks(src, tgt) == []


@pytest.mark.parametrize("src,tgt", [CLEAN[0], CLEAN[3], CLEAN[5]])
def test_usual_translations_pass_in_the_other_direction_too(src: str, tgt: str) -> None:
    assert _checks(tgt, src, "en", "fr") == []


def test_a_target_cut_to_a_third_is_an_omission_error() -> None:
    assert 180 <= len(LONG_FR) <= 240 and len(CUT_EN) < 80
    found = check_omission(Segment(3, LONG_FR, CUT_EN), RATIO, VARIANCE)
    assert [(f.check, f.severity, f.unit) for f in found] == [("omission", "error", 3)]
    assert found[0].source_spans == ((0, len(LONG_FR)),) and found[0].target_spans == ()
    assert "shorter" in found[0].message and "usual" in found[0].message


def test_a_target_extended_with_the_next_sentence_is_an_addition() -> None:
    found = check_omission(Segment(0, LONG_FR, LONG_EN + " " + NEXT_EN), RATIO, VARIANCE)
    assert [f.check for f in found] == ["addition"]
    assert found[0].target_spans == ((0, len(LONG_EN) + 1 + len(NEXT_EN)),)
    assert "longer" in found[0].message


def test_a_dropped_second_sentence_is_found_by_the_sentence_count() -> None:
    src = ("M. Türk a salué l'accord. Il a appelé les parties à le mettre en œuvre sans délai et de bonne foi.")
    assert sentence_count(src, "fr") == 2
    assert _checks(src, "Mr. Türk welcomed the agreement.") == ["omission"]


def test_the_other_direction_uses_the_inverse_ratio() -> None:
    assert _checks(LONG_EN, LONG_FR, "en", "fr") == []
    assert _checks(LONG_EN, "Le Haut-Commissaire a présenté mardi.", "en", "fr") == ["omission"]


def test_short_units_empty_sides_and_pairs_without_a_length_model_are_left_alone() -> None:
    assert _checks("Déclaration", "Statement by the Director-General") == []
    assert _checks(LONG_FR, "") == []
    assert _checks("", LONG_EN) == []
    assert _checks(LONG_FR, CUT_EN, "fr", "de") == []  # no usual ratio for fr/de
    assert _checks(LONG_FR, LONG_FR[:40], "fr", "fr") == []


def test_the_sentence_count_leaves_titles_and_initials_alone() -> None:
    assert sentence_count("M. Guterres et Mme Bachelet ont rencontré J. Smith.") == 1
    assert sentence_count("Les pourparlers ont pris fin. « Nous continuerons », a-t-il dit.") == 2
    assert sentence_count("Dr. Gianotti spoke. Then Mr. Türk replied!", "en") == 2


def test_the_deviation_is_the_aligner_length_model_of_a_one_to_one_bead() -> None:
    # One home for the model: align.length scores every band cell with log erfc(|deviation| / sqrt 2).
    src = ["a" * 220, "b" * 40, "c" * 120]
    tgt = ["x" * 70, "y" * 41, "z" * 150]
    prepared = LengthScorer.for_languages("fr", "en").prepare(src, tgt)
    band = Band.full(3, 3)
    scores = prepared.score(band, 1, 1)
    for k in range(3):
        cell = int(band.index(np.array([k + 1]), np.array([k + 1]))[0])
        dev = length_deviation(len(src[k]), len(tgt[k]), prepared.ratio, prepared.variance)
        assert scores[cell] == pytest.approx(math.log(math.erfc(abs(dev) / math.sqrt(2))), abs=2e-3)


def test_the_runner_and_the_cli_report_it(tmp_path) -> None:
    segs = [Segment(0, CLEAN[1][0], CLEAN[1][1]), Segment(1, LONG_FR, CUT_EN)]
    report = run_checks(lambda: iter(segs), families=["omission"])
    assert [(f.check, f.unit) for f in report.findings] == [("omission", 1)]
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"fr\ten\n{CLEAN[1][0]}\t{CLEAN[1][1]}\n{LONG_FR}\t{CUT_EN}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tsv), "--checks", "omission"])
    assert result.exit_code == 1, result.output
    assert "[omission]" in result.output
