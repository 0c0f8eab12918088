"""Property tests: whatever the input, beads cover every sentence exactly once, in order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.align import AlignParams, align_sentences
from bilingual_pr.align.anchors import AnchorScorer
from bilingual_pr.align.length import LengthScorer
from bilingual_pr.align.position import PositionScorer
from bilingual_pr.align.search import plan_band, search_band

WORDS = ["Genève", "le", "Conseil", "2025", "A/HRC/1", "rapport", "report", "UNOG", "«", "»", "x", "é", "12,5",
         "www.un.org", "the", "Council", "ONUG", "", "  "]
sentence = st.lists(st.sampled_from(WORDS), min_size=0, max_size=8).map(" ".join)
side = st.lists(sentence, min_size=0, max_size=14)


def check_cover(beads, n: int, m: int) -> None:
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    assert src == list(range(n))
    assert tgt == list(range(m))
    for b in beads:
        assert (len(b.src), len(b.tgt)) in {(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1)}
        if hasattr(b, "confidence"):
            assert 0.0 <= b.confidence <= 1.0
        else:
            assert b.margin >= 0.0
        assert np.isfinite(b.score)


@settings(max_examples=60, deadline=None)
@given(side, side, st.data())
def test_beads_cover_every_sentence_once_in_order(src: list[str], tgt: list[str], data) -> None:
    blocks = None
    if data.draw(st.booleans()):
        bs = sorted(data.draw(st.lists(st.integers(0, 3), min_size=len(src), max_size=len(src))))
        bt = sorted(data.draw(st.lists(st.integers(0, 3), min_size=len(tgt), max_size=len(tgt))))
        blocks = (bs, bt)
    beads = align_sentences(src, tgt, scorers=[LengthScorer(), AnchorScorer(), PositionScorer()], blocks=blocks)
    check_cover(beads, len(src), len(tgt))


@settings(max_examples=25, deadline=None)
@given(st.lists(sentence, min_size=5, max_size=60), st.lists(sentence, min_size=5, max_size=60),
       st.integers(1, 6))
def test_banded_search_covers_too(src: list[str], tgt: list[str], width: int) -> None:
    # A tiny full-grid budget forces the coarse-to-fine path even on short inputs.
    scorers = [LengthScorer(), AnchorScorer()]
    params = AlignParams()
    band = plan_band(src, tgt, scorers, params, band_width=width, full_cells=30)
    assert band.lo[0] == 0 and band.hi[-1] == len(tgt)
    beads = search_band(band, [(s.prepare(src, tgt), 1.0) for s in scorers], params)
    check_cover(beads, len(src), len(tgt))
