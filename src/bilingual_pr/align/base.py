"""Shared types of the aligner: beads, the search band, and the scorer interface.

A scorer turns one kind of evidence (lengths, anchors, embeddings, MT...) into
a number per candidate bead. The search never looks inside a scorer: it asks a
prepared scorer for one array per bead shape over all cells of its band, and
adds the arrays up with the weights in :class:`AlignParams`. A new source of
evidence is one new class with ``prepare``; nothing in ``search.py`` changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from bilingual_pr import __version__

#: Bead shapes the search considers, as (source sentences, target sentences).
BEAD_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1))
#: Shapes scored by the scorers (both sides non-empty); 1-0 and 0-1 use the deletion score.
MATCH_TYPES: tuple[tuple[int, int], ...] = tuple(t for t in BEAD_TYPES if t[0] and t[1])


@dataclass(frozen=True, slots=True)
class Bead:
    """One alignment unit: source and target sentence indices (either may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    confidence: float

    @property
    def kind(self) -> str:
        """The bead type as ``"a-b"`` (e.g. ``"1-2"``, ``"1-0"``)."""
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass(frozen=True, slots=True)
class AlignParams:
    """Weights and penalties of the search (defaults tuned on the dev set without embeddings; docs/alignment.md)."""

    #: weight of each scorer's feature, by scorer name; a scorer not listed uses its ``default_weight``
    weights: tuple[tuple[str, float], ...] = (("length", 1.0), ("anchors", 8.0), ("position", 1.0),
                                              ("embeddings", 20.0))
    #: additive score of each multi-sentence bead shape relative to 1-1 (log-prior), per extra sentence
    merge_penalty: float = 4.0
    #: extra penalty for beads of four sentences or more (1-3, 3-1, 2-2)
    big_bead_penalty: float = 0.0
    #: score of leaving one sentence without counterpart (1-0 or 0-1)
    deletion: float = -5.0
    #: how much cheaper a short sentence is to leave unaligned, per unit of log length below 40 characters
    deletion_length: float = 0.0
    #: penalty for a bead whose span crosses a block (paragraph) boundary, per crossing
    cross_block: float = 5.0
    #: penalty when one side of a bead starts a block and the other does not
    block_start_mismatch: float = 2.0

    def weight(self, name: str, default: float) -> float:
        """The weight of scorer ``name``."""
        for key, value in self.weights:
            if key == name:
                return value
        return default

    def with_weight(self, name: str, value: float) -> "AlignParams":
        """A copy with one scorer weight changed."""
        rest = tuple((k, v) for k, v in self.weights if k != name)
        return replace(self, weights=rest + ((name, value),))


@dataclass(slots=True)
class Band:
    """The cells (i, j) the search visits: for every row i (source prefix) a column range [lo[i], hi[i]].

    Cell (i, j) stands for "the first i source and first j target sentences are
    aligned"; a bead of shape (a, b) ends at its cell, covering ``src[i-a:i]``
    and ``tgt[j-b:j]``. Rows are stored one after the other in flat arrays.
    """

    n: int
    m: int
    lo: np.ndarray
    hi: np.ndarray
    row_off: np.ndarray = field(init=False)
    size: int = field(init=False)
    _rows: np.ndarray | None = field(init=False, default=None)
    _cols: np.ndarray | None = field(init=False, default=None)
    _shifts: dict = field(init=False, default_factory=dict)
    _col_order: tuple | None = field(init=False, default=None)
    _work: dict = field(init=False, default_factory=dict)
    _starts_key: tuple[int, int] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.lo = np.asarray(self.lo, dtype=np.int64)
        self.hi = np.asarray(self.hi, dtype=np.int64)
        widths = self.hi - self.lo + 1
        self.row_off = np.zeros(self.n + 2, dtype=np.int64)
        np.cumsum(widths, out=self.row_off[1 : self.n + 2])
        self.size = int(self.row_off[self.n + 1])

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        """Every cell of the (n+1) x (m+1) grid."""
        return cls(n, m, np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64))

    @property
    def rows(self) -> np.ndarray:
        """Row index i of every cell."""
        if self._rows is None:
            self._rows = np.repeat(np.arange(self.n + 1, dtype=np.int64), self.hi - self.lo + 1)
        return self._rows

    @property
    def cols(self) -> np.ndarray:
        """Column index j of every cell."""
        if self._cols is None:
            rows = self.rows
            self._cols = self.lo[rows] + (np.arange(self.size, dtype=np.int64) - self.row_off[rows])
        return self._cols

    def index(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Flat index of cells (i, j), or -1 where the cell is outside the band."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        ok = (i >= 0) & (i <= self.n)
        ic = np.where(ok, i, 0)
        ok &= (j >= self.lo[ic]) & (j <= self.hi[ic])
        return np.where(ok, self.row_off[ic] + j - self.lo[ic], -1)

    def work(self, key: str, dtype: type = np.float64) -> np.ndarray:
        """A scratch array of one value per cell, allocated once per band and then reused.

        The search needs the same few band-sized arrays for every bead shape;
        allocating them afresh each time makes the kernel zero new pages again
        and again. Names are shared by phase: the search keeps "total", "feature"
        and "weighted" during a shape, :meth:`starts` and :meth:`shift_index` own
        theirs, a scorer uses "scorer0".."scorer4", "scorer_int", "scorer_bool"
        only during one ``score`` call.
        """
        buf = self._work.get((key, dtype))
        if buf is None:
            buf = self._work[(key, dtype)] = np.empty(self.size, dtype)
        return buf

    def release_work(self) -> None:
        """Drop the scratch arrays (the band's own index arrays stay)."""
        self._work.clear()
        self._shifts.clear()
        self._starts_key = None

    def starts(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For every cell (i, j): whether a bead (a, b) ending there fits (i >= a and j >= b), the opposite,
        and the bead's first row i - a and column j - b (0 where it does not fit).

        Scratch arrays of the band: a call for another shape overwrites them.
        """
        ok, bad = self.work("ok", np.bool_), self.work("bad", np.bool_)
        i0, j0 = self.work("i0", np.int64), self.work("j0", np.int64)
        if self._starts_key != (a, b):
            self._starts_key = None
            np.greater_equal(self.rows, a, out=ok)
            ok &= np.greater_equal(self.cols, b, out=bad)
            np.logical_not(ok, out=bad)
            np.multiply(np.subtract(self.rows, a, out=i0), ok, out=i0)
            np.multiply(np.subtract(self.cols, b, out=j0), ok, out=j0)
            self._starts_key = (a, b)
        return ok, bad, i0, j0

    def shift_index(self, a: int, b: int) -> np.ndarray:
        """For every cell (i, j), the flat index of (i - a, j - b), or -1 outside the band.

        A scratch array of the band: the next call with another shift overwrites it.
        """
        if (a, b) not in self._shifts:
            self._shifts.clear()
            # Row by row, (i - a, j - b) is in the band when lo[p] + b <= j <= hi[p] + b (p = i - a >= 0),
            # at flat index row_off[p] - lo[p] - b + j: per-row numbers, spread over the cells once.
            p = np.arange(self.n + 1, dtype=np.int64) - a
            pc = np.maximum(p, 0)
            base = self.row_off[pc] - self.lo[pc] - b
            first = np.where(p >= 0, self.lo[pc] + b, self.m + 1)
            last = self.hi[pc] + b
            out = np.take(base, self.rows, out=self.work("shift", np.int64))
            out += self.cols
            tmp, inside, outside = self.work("shift_tmp", np.int64), self.work("shift_in", np.bool_), \
                self.work("shift_out", np.bool_)
            np.greater_equal(self.cols, np.take(first, self.rows, out=tmp), out=inside)
            inside &= np.less_equal(self.cols, np.take(last, self.rows, out=tmp), out=outside)
            np.copyto(out, -1, where=np.logical_not(inside, out=outside))
            self._shifts[(a, b)] = out
        return self._shifts[(a, b)]


@runtime_checkable
class PreparedScorer(Protocol):
    """A scorer bound to one pair of documents."""

    def score(self, band: Band, a: int, b: int) -> np.ndarray:
        """One float per band cell: evidence that src[i-a:i] and tgt[j-b:j] translate each other (NaN-free).

        The built-in scorers also take ``out=`` (a float64 array of ``band.size``) and write into it, so the
        search reuses one array for every shape.
        """
        ...


@runtime_checkable
class CoarsePrepared(PreparedScorer, Protocol):
    """An optional capability: a prepared scorer that can score groups of k consecutive sentences itself.

    The coarse pass on long documents uses ``coarsen(k)`` where a prepared scorer
    offers it (no re-reading of the joined text); other coarse scorers are
    prepared again on the joined groups.
    """

    def coarsen(self, k: int) -> PreparedScorer:
        """The same evidence for groups of k consecutive sentences."""
        ...


def coarsened(prepared: PreparedScorer, k: int) -> PreparedScorer | None:
    """``prepared.coarsen(k)`` when the prepared scorer has that capability, else None."""
    return prepared.coarsen(k) if isinstance(prepared, CoarsePrepared) else None


@runtime_checkable
class Scorer(Protocol):
    """One source of alignment evidence (the contract every scorer module implements).

    ``name`` keys the weight in :class:`AlignParams` and the calibration table;
    ``default_weight`` is the weight when the parameters name none; ``coarse``
    says whether the scorer also works on pseudo-sentences made by joining
    consecutive sentences (used by the coarse pass on long documents: it must be
    cheap). The three are read-only: a scorer's identity does not change after
    it is made. Higher scores mean "more likely a translation"; a feature near 0
    means "no evidence either way".
    """

    @property
    def name(self) -> str:
        """The scorer's name (weights, calibrations and signatures refer to it)."""
        ...

    @property
    def default_weight(self) -> float:
        """The weight of the scorer's feature when :class:`AlignParams` names none."""
        ...

    @property
    def coarse(self) -> bool:
        """True when the coarse pass on long documents may use this scorer."""
        ...

    def prepare(self, src: Sequence[str], tgt: Sequence[str]) -> PreparedScorer:
        """Precompute what scoring needs for these two sentence lists."""
        ...


@dataclass(frozen=True, slots=True)
class AlignSignature:
    """What produced an alignment's scores and confidences, as sacrebleu's signatures record a metric's setup."""

    #: the scorers in use with the weight each had, in order
    scorers: tuple[tuple[str, float], ...]
    #: the calibration's id, or ``confidence.UNCALIBRATED`` when none was fitted for these scorers
    calibration: str
    version: str = __version__

    @property
    def calibrated(self) -> bool:
        """False when the confidences come from no fitted calibration."""
        from bilingual_pr.align.confidence import UNCALIBRATED

        return self.calibration != UNCALIBRATED

    def __str__(self) -> str:
        """``bilingual-pr 0.1.0|scorers=length:1.0+anchors:8.0|calibration=<id>``."""
        scorers = "+".join(f"{name}:{float(weight)!r}" for name, weight in self.scorers)
        return f"bilingual-pr {self.version}|scorers={scorers}|calibration={self.calibration}"
