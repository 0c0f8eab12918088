"""Gale–Church length evidence: translated spans have proportional lengths in characters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Sequence

import numpy as np

from bilingual_pr.align.base import Band

# Abramowitz & Stegun 7.1.26: erfc(x) ~ poly(t) * exp(-x^2), t = 1 / (1 + p x), x >= 0.
_P = 0.3275911
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def log_erfc(x: np.ndarray) -> np.ndarray:
    """log(erfc(x)) for x >= 0, stable for large x (no scipy needed)."""
    t = 1.0 / (1.0 + _P * x)
    poly = t * (_A[0] + t * (_A[1] + t * (_A[2] + t * (_A[3] + t * _A[4]))))
    return np.log(poly) - x * x


def sentence_lengths(sents: Sequence[str]) -> np.ndarray:
    """Character lengths with runs of whitespace counted once (layout must not matter)."""
    return np.fromiter((len(" ".join(s.split())) for s in sents), dtype=np.float64, count=len(sents))


#: Usual target/source character ratio of translations (measured on the dev set's aligned pairs: 0.67-0.98, median 0.86).
PAIR_RATIOS = {("fr", "en"): 0.86, ("en", "fr"): 1 / 0.86}


def length_deviation(src_len: float, tgt_len: float, ratio: float, variance: float) -> float:
    """Signed Gale–Church deviation of one bead: (target - ratio x source) over its standard deviation.

    The same model as :meth:`PreparedLength.score` (which gives log erfc(|this| / sqrt 2) for every
    band cell): negative when the target is shorter than the source predicts, positive when longer.
    """
    return (tgt_len - ratio * src_len) / math.sqrt(variance * ((src_len + tgt_len / ratio) / 2.0 + 1.0))


@dataclass(frozen=True, slots=True)
class LengthScorer:
    """Log-probability of the length ratio of a bead under Gale–Church's normal model."""

    #: variance of the length difference per character (Gale & Church found 6.8 for EN/FR/DE)
    variance: float = 6.8
    #: expected target/source length ratio of the language pair (None: trust the document totals)
    prior_ratio: float | None = None
    #: how far (as a factor) the document's total ratio may move away from ``prior_ratio``
    tolerance: float = 1.2
    # The Scorer contract's read-only attributes: class constants, not fields.
    name: ClassVar[str] = "length"
    default_weight: ClassVar[float] = 1.0
    coarse: ClassVar[bool] = True

    @classmethod
    def for_languages(cls, src_lang: str, tgt_lang: str) -> "LengthScorer":
        """A length scorer with the usual length ratio of this language pair (1.0 for the same language)."""
        key = (src_lang[:2].lower(), tgt_lang[:2].lower())
        return cls(prior_ratio=1.0 if key[0] == key[1] else PAIR_RATIOS.get(key))

    def prepare(self, src: Sequence[str], tgt: Sequence[str]) -> "PreparedLength":
        """Compute prefix sums of lengths and this document pair's length ratio."""
        ls, lt = sentence_lengths(src), sentence_lengths(tgt)
        total_s, total_t = float(ls.sum()), float(lt.sum())
        # The ratio of this document pair, not a fixed constant: style makes it vary
        # between releases. But material only one version has (site chrome, an extra
        # paragraph) skews the totals, so the language pair's usual ratio bounds it.
        ratio = total_t / total_s if total_s > 0 and total_t > 0 else (self.prior_ratio or 1.0)
        if self.prior_ratio:
            ratio = min(max(ratio, self.prior_ratio / self.tolerance), self.prior_ratio * self.tolerance)
        ratio = min(max(ratio, 0.6), 1.6)
        cs = np.concatenate([[0.0], np.cumsum(ls)])
        ct = np.concatenate([[0.0], np.cumsum(lt)])
        return PreparedLength(cs, ct, ratio, self.variance)


@dataclass(frozen=True, slots=True)
class PreparedLength:
    """Length prefix sums of one document pair."""

    cs: np.ndarray
    ct: np.ndarray
    ratio: float
    variance: float

    def coarsen(self, k: int) -> "PreparedLength":
        """The same lengths for groups of k consecutive sentences (for the coarse pass)."""
        n, m = len(self.cs) - 1, len(self.ct) - 1
        cs = self.cs[np.minimum(np.arange(-(-n // k) + 1) * k, n)]
        ct = self.ct[np.minimum(np.arange(-(-m // k) + 1) * k, m)]
        return PreparedLength(cs, ct, self.ratio, self.variance)

    def score(self, band: Band, a: int, b: int, out: np.ndarray | None = None) -> np.ndarray:
        """Two-sided tail log-probability of each bead's length difference (0 = perfect)."""
        # The same arithmetic as log_erfc(|lt - r ls| / sqrt(2 v mean)), written into the band's scratch
        # arrays: the search calls this for every bead shape on a band of a million cells.
        ok, bad, i0, j0 = band.starts(a, b)
        out = np.empty(band.size) if out is None else out
        ls, lt, tmp = band.work("scorer0"), band.work("scorer1"), band.work("scorer2")
        np.subtract(np.take(self.cs, band.rows, out=ls), np.take(self.cs, i0, out=tmp), out=ls)
        np.subtract(np.take(self.ct, band.cols, out=lt), np.take(self.ct, j0, out=tmp), out=lt)
        mean = np.divide(lt, self.ratio, out=tmp)
        mean += ls
        mean /= 2.0
        mean += 1.0
        mean *= self.variance
        scale = np.sqrt(mean, out=mean)
        ls *= self.ratio
        delta = np.subtract(lt, ls, out=lt)
        np.abs(delta, out=delta)
        delta /= scale
        x = np.divide(delta, np.sqrt(2.0), out=delta)
        t = np.multiply(x, _P, out=tmp)
        t += 1.0
        np.divide(1.0, t, out=t)
        poly = np.multiply(t, _A[4], out=ls)
        for coef in _A[3::-1]:
            poly += coef
            poly *= t
        np.log(poly, out=out)
        out -= np.multiply(x, x, out=tmp)
        np.maximum(out, -30.0, out=out)
        np.copyto(out, 0.0, where=bad)
        return out
