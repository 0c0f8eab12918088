"""The search's scratch arrays change nothing: every score equals the plain numpy formula, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from bilingual_pr.align.anchors import AnchorScorer
from bilingual_pr.align.base import MATCH_TYPES, AlignParams, Band
from bilingual_pr.align.length import LengthScorer, log_erfc
from bilingual_pr.align.position import PositionScorer
from bilingual_pr.align.search import NEG, bead_scores, shape_prior

FR = ["Le Conseil des droits de l’homme a ouvert sa 58e session à Genève le 24 février 2025.",
      "Le Haut-Commissaire a présenté son rapport annuel.", "Il a appelé à un cessez-le-feu immédiat.",
      "La session se terminera le 4 avril.", "Le CERN a annoncé la mise en service du LHC à 15 heures.",
      "Les États membres ont adopté la résolution A/HRC/58/L.3 sans vote.", "Contact : info@unog.ch."]
EN = ["The Human Rights Council opened its 58th session in Geneva on 24 February 2025.",
      "The High Commissioner presented his annual report.", "He called for an immediate ceasefire.",
      "The session will end on 4 April.", "CERN announced the LHC start-up at 3 p.m.",
      "Member States adopted resolution A/HRC/58/L.3 without a vote.", "Contact: info@unog.ch.",
      "Follow us online."]


def block_starts(blocks) -> np.ndarray:
    """For each gap 0..n between sentences: does a block start there (the two ends always do)?"""
    n = len(blocks)
    return np.array([k in (0, n) or blocks[k] != blocks[k - 1] for k in range(n + 1)])


def bands() -> list[Band]:
    n, m = len(FR), len(EN)
    lo = np.array([max(0, i - 2) for i in range(n + 1)])
    hi = np.array([min(m, i + 3) for i in range(n + 1)])
    hi[-1] = m
    return [Band.full(n, m), Band(n, m, lo, np.maximum.accumulate(hi))]


def plain_length(p, band: Band, a: int, b: int) -> np.ndarray:
    i, j = band.rows, band.cols
    ok = (i >= a) & (j >= b)
    ls = p.cs[i] - p.cs[np.where(ok, i - a, 0)]
    lt = p.ct[j] - p.ct[np.where(ok, j - b, 0)]
    mean = (ls + lt / p.ratio) / 2.0 + 1.0
    delta = np.abs(lt - ls * p.ratio) / np.sqrt(p.variance * mean)
    return np.where(ok, np.maximum(log_erfc(delta / np.sqrt(2.0)), -30.0), 0.0)


def plain_anchors(p, band: Band, a: int, b: int) -> np.ndarray:
    pair = p.pair_matches(band)
    i, j = band.rows, band.cols
    ok = (i >= a) & (j >= b)
    matched = np.zeros(band.size)
    for da in range(a):
        for db in range(b):
            idx = band.index(band.rows - da, band.cols - db)
            matched += np.where(idx >= 0, pair[np.maximum(idx, 0)], 0.0)
    mass_s = p.cs[i] - p.cs[np.where(ok, i - a, 0)]
    mass_t = p.ct[j] - p.ct[np.where(ok, j - b, 0)]
    matched = np.minimum(matched, np.minimum(mass_s, mass_t))
    unmatched = mass_s + mass_t - 2.0 * matched
    out = (2.0 * matched - p.mismatch * unmatched) / (mass_s + mass_t + p.smoothing)
    return np.where(ok, out, 0.0)


def plain_position(p, band: Band, a: int, b: int) -> np.ndarray:
    offset = np.abs((band.rows - a / 2.0) / p.n - (band.cols - b / 2.0) / p.m)
    return -np.minimum(offset, p.cap) / p.cap


@pytest.mark.parametrize("band", bands(), ids=["full", "band"])
def test_scorers_with_scratch_arrays_equal_the_plain_formulas(band: Band) -> None:
    cases = [(LengthScorer.for_languages("fr", "en"), plain_length), (AnchorScorer(), plain_anchors),
             (PositionScorer(), plain_position)]
    for scorer, plain in cases:
        prep = scorer.prepare(FR, EN)
        # Shapes in an order that reuses every scratch array with another shape's leftovers.
        for a, b in list(MATCH_TYPES) + list(reversed(MATCH_TYPES)):
            expected = plain(prep, band, a, b)
            assert np.array_equal(prep.score(band, a, b), expected), (scorer.name, a, b)
            out = np.full(band.size, 7.0)
            assert prep.score(band, a, b, out=out) is out and np.array_equal(out, expected), (scorer.name, a, b)


@pytest.mark.parametrize("band", bands(), ids=["full", "band"])
def test_shift_index_equals_index_of_shifted_cells(band: Band) -> None:
    for a in range(4):
        for b in range(4):
            got = band.shift_index(a, b).copy()
            assert np.array_equal(got, band.index(band.rows - a, band.cols - b)), (a, b)


@pytest.mark.parametrize("band", bands(), ids=["full", "band"])
def test_bead_scores_equal_the_plain_sum(band: Band) -> None:
    params = AlignParams()
    scorers = [LengthScorer.for_languages("fr", "en"), AnchorScorer(), PositionScorer()]
    prepared = [(s.prepare(FR, EN), params.weight(s.name, s.default_weight)) for s in scorers]
    bs, bt = np.array([0, 0, 1, 1, 1, 2, 3]), np.array([0, 0, 1, 1, 1, 2, 3, 4])
    got = bead_scores(band, prepared, params, (bs, bt))
    i, j = band.rows, band.cols
    plain = {"length": plain_length, "anchors": plain_anchors, "position": plain_position}
    for a, b in MATCH_TYPES:
        ok = (i >= a) & (j >= b)
        total = np.full(band.size, shape_prior(a, b, params))
        for s, (p, w) in zip(scorers, prepared):
            total += w * plain[s.name](p, band, a, b)
        i0, j0 = np.where(ok, i - a, 0), np.where(ok, j - b, 0)
        ie, je = np.maximum(i - 1, 0), np.maximum(j - 1, 0)
        cross = (bs[np.minimum(ie, len(bs) - 1)] != bs[np.minimum(i0, len(bs) - 1)]).astype(np.float64)
        cross += bt[np.minimum(je, len(bt) - 1)] != bt[np.minimum(j0, len(bt) - 1)]
        total -= params.cross_block * cross
        total -= params.block_start_mismatch * (block_starts(bs)[i0] != block_starts(bt)[j0])
        expected = np.where(ok, total, NEG).astype(np.float32)
        assert np.array_equal(got[(a, b)], expected), (a, b)
