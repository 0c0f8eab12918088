"""The misaligned family: a target that translates a neighbour's source, or none of this text."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import bilingual_pr.qa.families  # noqa: F401  (registers the check ids)
from bilingual_pr.cli import main
from bilingual_pr.qa.misaligned import MisalignmentPass, _Unit, judge
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.runner import run_checks

MEMORY = [
    ("Le Conseil des droits de l'homme a ouvert mardi à Genève sa 55e session, qui durera jusqu'au 5 avril.",
     "The Human Rights Council opened its 55th session in Geneva on Tuesday, which will run until 5 April."),
    ("Le Haut-Commissaire Volker Türk a présenté son rapport annuel sur 42 pays.",
     "High Commissioner Volker Türk presented his annual report covering 42 countries."),
    ("Quelque 1 200 délégués et 300 organisations non gouvernementales y participent.",
     "Some 1,200 delegates and 300 non-governmental organizations are taking part."),
    ("Le CERN a inauguré en 2008 le Grand collisionneur de hadrons (LHC), long de 27 kilomètres.",
     "In 2008 CERN inaugurated the Large Hadron Collider (LHC), which is 27 kilometres long."),
    ("La Directrice générale, Fabiola Gianotti, a salué la coopération avec l'UNESCO.",
     "Director-General Fabiola Gianotti welcomed the cooperation with UNESCO."),
    ("Le bureau de presse est ouvert de 9 heures à 17 heures.",
     "The press office is open from 9 a.m. to 5 p.m."),
]
UNRELATED_EN = "The World Meteorological Organization reported 17 cyclones in the South Pacific during 2019."


def _segments(targets: list[str] | None = None, doc: str | None = "DG24-001") -> list[Segment]:
    return [Segment(i, s, targets[i] if targets is not None else t, "fr", "en", None, doc)
            for i, (s, t) in enumerate(MEMORY)]


def _flagged(segs: list[Segment], **kw) -> dict[int, tuple[str, tuple[int, ...]]]:
    report = run_checks(lambda: iter(segs), families=["misaligned"], **kw)
    return {f.unit: (f.severity, f.related) for f in report.findings if f.check == "misaligned-target"}


def _targets() -> list[str]:
    return [t for _, t in MEMORY]


def test_a_clean_memory_gives_nothing() -> None:
    assert _flagged(_segments()) == {}


def test_swapped_neighbouring_targets_are_errors_pointing_at_each_other() -> None:
    targets = _targets()
    targets[1], targets[2] = targets[2], targets[1]
    assert _flagged(_segments(targets)) == {1: ("error", (2,)), 2: ("error", (1,))}


def test_a_target_copied_from_the_next_unit_is_reported_on_the_unit_it_does_not_fit() -> None:
    targets = _targets()
    targets[3] = targets[4]  # unit 3 carries unit 4's target (and unit 4 keeps it)
    report = run_checks(lambda: iter(_segments(targets)), families=["misaligned", "consistency"])
    found = [(f.check, f.unit, f.severity, f.related) for f in report.findings]
    assert ("misaligned-target", 3, "error", (4,)) in found
    # The consistency family's info on the same pair is not given as well: one fault, one finding.
    assert [f for f in found if f[0] == "inconsistent-source"] == []
    msg = next(f.message for f in report.findings if f.check == "misaligned-target")
    assert "next unit" in msg and "Gianotti" in msg


def test_the_same_target_far_apart_stays_an_inconsistent_source_info() -> None:
    targets = _targets()
    targets[0] = targets[5]
    report = run_checks(lambda: iter(_segments(targets)), families=["misaligned", "consistency"])
    assert ("inconsistent-source", "info") in {(f.check, f.severity) for f in report.findings}


def test_a_target_of_another_text_is_found() -> None:
    targets = _targets()
    targets[1] = UNRELATED_EN
    flagged = _flagged(_segments(targets))
    assert list(flagged) == [1] and flagged[1][1] == ()
    report = run_checks(lambda: iter(_segments(targets)), families=["misaligned"])
    assert "another text" in report.findings[0].message


def test_neighbours_are_only_compared_within_a_document() -> None:
    # Units 1 and 2 swapped, but each in a document of its own: nothing to compare with.
    targets = _targets()
    targets[1], targets[2] = targets[2], targets[1]
    segs = [Segment(i, s.source, s.target, "fr", "en", None, f"doc{i}") for i, s in enumerate(_segments(targets))]
    flagged = _flagged(segs)
    assert all(related == () for _, related in flagged.values())


def test_units_with_an_empty_side_break_the_chain() -> None:
    targets = _targets()
    targets[2] = ""
    assert _flagged(_segments(targets)) == {}


@pytest.mark.parametrize("batch", [1, 2, 3, 7])
def test_the_verdicts_do_not_depend_on_where_the_batches_end(monkeypatch, batch: int) -> None:
    from bilingual_pr.qa import runner

    targets = _targets()
    targets[2], targets[3] = targets[3], targets[2]
    targets[5] = UNRELATED_EN
    whole = _flagged(_segments(targets))
    assert set(whole) == {2, 3, 5}
    monkeypatch.setattr(runner, "_BATCH", batch)
    assert _flagged(_segments(targets)) == whole
    assert _flagged(_segments(targets), jobs=2) == whole


def test_the_judgement_needs_the_neighbour_to_fit_better_by_a_margin() -> None:
    assert judge(_Unit(0, own=2.0, next=(3.5, 3.0, -4.0, 1.0))) is None  # a neighbour barely better: no evidence
    assert judge(_Unit(0, own=-3.0, next=(6.0, 1.0, -4.0, 1.0))).severity == "error"  # type: ignore[union-attr]
    weak = judge(_Unit(0, own=1.0, next=(4.0, 2.0, -4.0, 1.0)))
    assert weak is not None and weak.severity == "warning" and weak.neighbour == 1
    # A small gain counts when the neighbour's target also fits this source better: a swap.
    assert judge(_Unit(0, own=2.0, next=(3.0, 3.0, -1.0, 1.0))) is None
    assert judge(_Unit(0, own=2.0, next=(3.0, 3.0, 1.0, 1.0))) is not None
    # Only the length favours the neighbour (a target cut short fits a shorter neighbour): not misaligned.
    assert judge(_Unit(0, own=-3.0, next=(6.0, 1.0, -4.0, -0.5))) is None
    # The neighbour's source has a target of its own that fits it much better: not this one's.
    assert judge(_Unit(0, own=-3.0, next=(6.0, 20.0, -4.0, 1.0))) is None
    assert judge(_Unit(5, own=-20.0, anchors=-0.3)).neighbour is None  # type: ignore[union-attr]
    assert judge(_Unit(5, own=-20.0, anchors=0.1)) is None  # a length alone: the omission family's
    assert judge(_Unit(5, own=-5.0)) is None
    assert judge(_Unit(5, own=-5.0, anchors=-0.45)) is not None  # many anchors, none shared


def _topic_encoder(texts: list[str]) -> np.ndarray:
    # A stand-in for e5: one axis per topic, whichever the language.
    topics = [("pluie", "rain"), ("blé", "wheat"), ("enfant", "child"), ("écol", "school")]
    out = np.full((len(texts), len(topics)), 0.05, np.float32)
    for k, text in enumerate(texts):
        for axis, words in enumerate(topics):
            if any(w in text.lower() for w in words):
                out[k, axis] = 1.0
    return out


def test_embeddings_when_given_find_a_swap_that_anchors_and_length_cannot() -> None:
    # No number, name or shared word stem tells these apart, and their lengths are alike.
    memory = [("Les pluies sont attendues dans le nord du pays.", "Rain is expected in the north of the land."),
              ("Le blé manque dans le nord du pays.", "Wheat is scarce in the north of the land."),
              ("Les enfants restent dans le nord du pays.", "Children stay in the north of the land."),
              ("Les écoles ferment dans le nord du pays.", "Schools shut in the north of the land.")]
    targets = [t for _, t in memory]
    targets[1], targets[2] = targets[2], targets[1]
    segs = [Segment(i, s, targets[i]) for i, (s, _) in enumerate(memory)]

    def flagged(embeddings) -> set[int]:
        whole = MisalignmentPass(embeddings)
        for seg in segs:
            whole.add(seg)
        whole.merge(whole.take(), 0)
        return {f.unit for f in whole.findings({s.index: s for s in segs})}

    assert flagged(False) == set()
    assert flagged(_topic_encoder) == {1, 2}
    # A target of another text (here on the first unit's topic, two units away): only embeddings tell.
    segs = [Segment(i, s, t) for i, (s, t) in enumerate(memory)]
    segs[3] = Segment(3, memory[3][0], "More rain is expected in the north of the land.")
    assert flagged(False) == set()
    assert flagged(_topic_encoder) == {3}


def test_the_cli_fails_on_a_swap(tmp_path) -> None:
    targets = _targets()
    targets[0], targets[1] = targets[1], targets[0]
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("fr\ten\n" + "".join(f"{s}\t{t}\n" for (s, _), t in zip(MEMORY, targets)), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tsv), "--checks", "misaligned"])
    assert result.exit_code == 1, result.output
    assert result.output.count("[misaligned-target]") == 2
