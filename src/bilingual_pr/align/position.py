"""Relative-position evidence: translated sentences sit at similar relative places in their documents.

A weak tie-breaker (identical headings repeated in one version, chrome lines
that look alike): the feature is 0 on the proportional diagonal and falls to -1
at a distance of ``cap`` (a share of the document) from it, staying there. The
distance is relative, so in a long document a drift of a few sentences costs
almost nothing; only short releases, where one sentence is several per cent of
the text, feel it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Sequence

import numpy as np

from bilingual_pr.align.base import Band


@dataclass(frozen=True, slots=True)
class PositionScorer:
    """Distance (as a share of the documents, capped) between a bead and the proportional diagonal."""

    cap: float = 0.2
    # The Scorer contract's read-only attributes: class constants, not fields.
    name: ClassVar[str] = "position"
    default_weight: ClassVar[float] = 1.0
    coarse: ClassVar[bool] = False

    def prepare(self, src: Sequence[str], tgt: Sequence[str]) -> "PreparedPosition":
        """Remember the two document lengths."""
        return PreparedPosition(len(src), len(tgt), self.cap)


@dataclass(frozen=True, slots=True)
class PreparedPosition:
    """Document lengths of one pair."""

    n: int
    m: int
    cap: float

    def score(self, band: Band, a: int, b: int, out: np.ndarray | None = None) -> np.ndarray:
        """Minus the capped relative distance of the bead's centre from the diagonal, scaled to [-1, 0]."""
        out = np.empty(band.size) if out is None else out
        if self.n == 0 or self.m == 0:
            out.fill(0.0)
            return out
        # |(i - a/2)/n - (j - b/2)/m|, computed in place (no band-sized temporaries).
        np.subtract(band.rows, a / 2.0, out=out)
        out /= self.n
        col = np.subtract(band.cols, b / 2.0, out=band.work("scorer0"))
        col /= self.m
        out -= col
        np.abs(out, out=out)
        np.minimum(out, self.cap, out=out)
        np.negative(out, out=out)
        out /= self.cap
        return out
