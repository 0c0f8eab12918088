"""Monotone bead search: banded dynamic programming, coarse-to-fine on long documents.

Cost model: a bead's score is the weighted sum of its scorers' features plus a
log-prior of its shape and paragraph penalties; 1-0 and 0-1 beads score a fixed
deletion value. The best path maximises the sum. Rows are processed with numpy
slices (one vector operation per bead shape and row), and 0-1 moves within a row
become a running maximum, so the time is linear in the number of band cells.

Small inputs use the full grid. When (n+1)(m+1) exceeds ``FULL_CELLS``, groups
of k <= ``MAX_GROUP`` consecutive sentences are aligned first with the cheap
scorers (recursively, so a pyramid of levels), and the finer search runs in a
band of ``band_width`` cells around that coarse path: time and memory grow
linearly with document length.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Protocol, Sequence, cast

import numpy as np

from bilingual_pr.align.base import BEAD_TYPES, MATCH_TYPES, AlignParams, Band, PreparedScorer, Scorer, coarsened

FULL_CELLS = 250_000
#: at most this many sentences per group at each coarse level (levels recurse: 20k sentences -> 2,500 -> 313)
MAX_GROUP = 8
NEG = -np.inf


@dataclass(frozen=True, slots=True)
class PathBead:
    """A bead of the best path with its raw score and margin over the best path avoiding it."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    margin: float


def shape_prior(a: int, b: int, params: AlignParams) -> float:
    """Log-prior of a bead shape relative to 1-1."""
    if a == 0 or b == 0:
        return params.deletion
    extra = a + b - 2
    return -extra * params.merge_penalty - (params.big_bead_penalty if a + b >= 4 else 0.0)


def _block_starts(blocks: np.ndarray) -> np.ndarray:
    starts = np.ones(len(blocks) + 1, dtype=bool)
    if len(blocks) > 1:
        starts[1:-1] = blocks[1:] != blocks[:-1]
    return starts


class _ScoresInto(Protocol):
    """A prepared scorer whose ``score`` also writes into ``out=`` (the built-in ones; see PreparedScorer)."""

    def score(self, band: Band, a: int, b: int, out: np.ndarray) -> np.ndarray: ...


def _scores_into(scorer: PreparedScorer) -> _ScoresInto | None:
    """The scorer as one that takes ``out=``, or None when its ``score`` has no such parameter."""
    try:
        takes_out = "out" in inspect.signature(scorer.score).parameters
    except (TypeError, ValueError):
        return None
    return cast(_ScoresInto, scorer) if takes_out else None


def bead_scores(band: Band, prepared: Sequence[tuple[PreparedScorer, float]], params: AlignParams,
                blocks: tuple[np.ndarray, np.ndarray] | None) -> dict[tuple[int, int], np.ndarray]:
    """Score every match-bead shape at every band cell (``-inf`` where the bead does not fit)."""
    # Every band-sized temporary lives in the band's scratch arrays, reused from shape to shape.
    out: dict[tuple[int, int], np.ndarray] = {}
    total, feature, weighted = band.work("total"), band.work("feature"), band.work("weighted")
    writes_out = [_scores_into(scorer) for scorer, _ in prepared]
    if blocks is not None and len(blocks[0]) and len(blocks[1]):
        # Per row (column): the block of its last sentence and of each sentence, and block starts.
        bs, bt = blocks
        last_s = bs[np.minimum(np.maximum(np.arange(band.n + 1) - 1, 0), len(bs) - 1)]
        last_t = bt[np.minimum(np.maximum(np.arange(band.m + 1) - 1, 0), len(bt) - 1)]
        first_s = bs[np.minimum(np.arange(band.n + 1), len(bs) - 1)]
        first_t = bt[np.minimum(np.arange(band.m + 1), len(bt) - 1)]
        ss, st = _block_starts(bs), _block_starts(bt)
    else:
        blocks = None
    for a, b in MATCH_TYPES:
        total.fill(shape_prior(a, b, params))
        for (scorer, weight), into in zip(prepared, writes_out):
            if weight:
                value = into.score(band, a, b, out=feature) if into is not None else scorer.score(band, a, b)
                total += np.multiply(value, weight, out=weighted)
        ok, bad, i0, j0 = band.starts(a, b)
        if blocks is not None:
            # The scorers are done with their scratch arrays for this shape.
            end, start = band.work("scorer_int", np.int64), band.work("shift_tmp", np.int64)
            differ, flag = band.work("scorer_bool", np.bool_), band.work("shift_in", np.bool_)
            cross = band.work("scorer0")
            np.take(last_s, band.rows, out=end)
            np.copyto(cross, np.not_equal(end, np.take(first_s, i0, out=start), out=differ))
            np.take(last_t, band.cols, out=end)
            cross += np.not_equal(end, np.take(first_t, j0, out=start), out=differ)
            cross *= params.cross_block
            total -= cross
            np.not_equal(np.take(ss, i0, out=differ), np.take(st, j0, out=flag), out=differ)
            total -= np.multiply(differ, params.block_start_mismatch, out=weighted)
        np.copyto(total, NEG, where=bad)
        out[(a, b)] = total.astype(np.float32)
    band.release_work()  # the margins need fewer scratch arrays: do not hold these through the search
    return out


def deletion_scores(lengths: np.ndarray, params: AlignParams) -> np.ndarray:
    """Score of leaving each sentence unaligned: short lines (site chrome, datelines) cost less than long ones."""
    if not params.deletion_length:
        return np.full(len(lengths), params.deletion)
    rel = np.log1p(np.asarray(lengths, dtype=np.float64)) - math.log1p(40.0)
    return np.minimum(params.deletion - params.deletion_length * rel, -0.05)


def _forward(band: Band, scores: dict, del_s: np.ndarray, del_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    F = np.full(band.size, NEG)
    bp = np.full(band.size, -1, dtype=np.int8)
    lo, hi, off = band.lo, band.hi, band.row_off
    vertical = [(t, a, b) for t, (a, b) in enumerate(BEAD_TYPES) if a >= 1]
    t01 = BEAD_TYPES.index((0, 1))
    pt = np.concatenate([[0.0], np.cumsum(del_t)])
    for i in range(band.n + 1):
        l, h, o = int(lo[i]), int(hi[i]), int(off[i])
        w = h - l + 1
        X = np.full(w, NEG)
        arg = np.full(w, -1, dtype=np.int8)
        if i == 0 and l == 0:
            X[0] = 0.0
        for t, a, b in vertical:
            p = i - a
            if p < 0:
                continue
            pl, ph, po = int(lo[p]), int(hi[p]), int(off[p])
            js, je = max(l, pl + b), min(h, ph + b)
            if js > je:
                continue
            cand = F[po + js - b - pl : po + je - b - pl + 1]
            if b and a:
                cand = cand + scores[(a, b)][o + js - l : o + je - l + 1]
            else:
                cand = cand + del_s[i - 1]
            seg = X[js - l : je - l + 1]
            better = cand > seg
            seg[better] = cand[better]
            arg[js - l : je - l + 1][better] = t
        # 0-1 moves inside the row: V[j] = max_{q<=j} X[q] + (pt[j] - pt[q])
        ramp = pt[l : h + 1]
        Y = X - ramp
        R = np.maximum.accumulate(Y)
        moved = R > Y
        arg[moved] = t01
        F[o : o + w] = R + ramp
        bp[o : o + w] = arg
    return F, bp


def _backward(band: Band, scores: dict, del_s: np.ndarray, del_t: np.ndarray) -> np.ndarray:
    B = np.full(band.size, NEG)
    lo, hi, off = band.lo, band.hi, band.row_off
    vertical = [(a, b) for a, b in BEAD_TYPES if a >= 1]
    n, m = band.n, band.m
    pt = np.concatenate([[0.0], np.cumsum(del_t)])
    for i in range(n, -1, -1):
        l, h, o = int(lo[i]), int(hi[i]), int(off[i])
        w = h - l + 1
        Y = np.full(w, NEG)
        if i == n and h == m:
            Y[w - 1] = 0.0
        for a, b in vertical:
            q = i + a
            if q > n:
                continue
            ql, qh, qo = int(lo[q]), int(hi[q]), int(off[q])
            js, je = max(l, ql - b), min(h, qh - b)
            if js > je:
                continue
            sl = slice(qo + js + b - ql, qo + je + b - ql + 1)
            cand = B[sl] + (scores[(a, b)][sl] if b else del_s[q - 1])
            seg = Y[js - l : je - l + 1]
            np.maximum(seg, cand, out=seg)
        ramp = pt[l : h + 1]
        R = np.maximum.accumulate((Y + ramp)[::-1])[::-1]
        B[o : o + w] = R - ramp
    return B


def _traceback(band: Band, bp: np.ndarray) -> list[tuple[int, int, int]]:
    i, j = band.n, band.m
    path: list[tuple[int, int, int]] = []
    while i > 0 or j > 0:
        c = int(band.row_off[i] + j - band.lo[i])
        t = int(bp[c])
        if t < 0:
            raise RuntimeError("alignment search found no path")  # cannot happen with deletions allowed
        path.append((i, j, t))
        a, b = BEAD_TYPES[t]
        i, j = i - a, j - b
    path.reverse()
    return path


def _column_max(band: Band, values: np.ndarray, m: int) -> np.ndarray:
    """Maximum of ``values`` over every band column (sorting once beats ``np.maximum.at``)."""
    if band._col_order is None:
        order = np.argsort(band.cols, kind="stable")
        counts = np.bincount(band.cols, minlength=m + 1)
        band._col_order = (order, np.concatenate([[0], np.cumsum(counts)[:-1]]), counts > 0)
    order, starts, present = band._col_order
    if present.all():
        return np.maximum.reduceat(np.take(values, order, out=band.work("weighted")), starts)
    out = np.full(m + 1, NEG)
    np.maximum.at(out, band.cols, values)
    return out


def _margins(band: Band, scores: dict, del_s: np.ndarray, del_t: np.ndarray, F: np.ndarray, B: np.ndarray,
             path: list[tuple[int, int, int]]) -> np.ndarray:
    """For each path bead, best total score minus the best total of any path without that bead.

    Every path covers a given sentence with exactly one bead, so the best path
    avoiding bead e is the best max-marginal among the other beads covering any
    one sentence of e.
    """
    best = float(F[-1])
    n, m = band.n, band.m
    rowmax = {}
    colmax = {}
    need_cols = any(BEAD_TYPES[t][0] == 0 for _, _, t in path)
    by_type: dict[int, list[int]] = {}
    for i, j, t in path:
        by_type.setdefault(t, []).append(int(band.row_off[i] + j - band.lo[i]))
    # A few scratch arrays for all bead types (bead_scores dropped its own).
    mm, tmp = band.work("total"), band.work("feature")
    pos, outside = band.work("scorer_int", np.int64), band.work("scorer_bool", np.bool_)
    for t, (a, b) in enumerate(BEAD_TYPES):
        pred = band.shift_index(a, b)
        np.take(F, np.maximum(pred, 0, out=pos), out=mm)
        mm += B
        np.copyto(mm, NEG, where=np.less(pred, 0, out=outside))
        if a and b:
            mm += scores[(a, b)]
        elif a:
            mm += np.take(np.concatenate([[0.0], del_s]), band.rows, out=tmp)  # row i deletes source sentence i-1
        else:
            mm += np.take(np.concatenate([[0.0], del_t]), band.cols, out=tmp)
        if t in by_type:
            mm[by_type[t]] = NEG
        if a:
            rowmax[t] = np.maximum.reduceat(mm, band.row_off[: n + 1])
        if b and need_cols:
            colmax[t] = _column_max(band, mm, m)
    out = np.empty(len(path))
    for k, (i, j, t) in enumerate(path):
        a, b = BEAD_TYPES[t]
        alt = NEG
        # "Sentence s has no counterpart" is one bead whatever the other side's position:
        # for a deletion, other deletions of the same sentence are not alternatives.
        same = t if not (a and b) else -1
        if a:
            s = i - a  # first source sentence of the bead
            for u, (ua, _) in enumerate(BEAD_TYPES):
                if ua and u != same:
                    rows = rowmax[u][s + 1 : min(s + ua, n) + 1]
                    if len(rows):
                        alt = max(alt, float(rows.max()))
        else:
            s = j - b
            for u, (_, ub) in enumerate(BEAD_TYPES):
                if ub and u != same:
                    cols = colmax[u][s + 1 : min(s + ub, m) + 1]
                    if len(cols):
                        alt = max(alt, float(cols.max()))
        out[k] = best - alt if alt > NEG else math.inf
    return np.maximum(out, 0.0)


def search_band(band: Band, prepared: Sequence[tuple[PreparedScorer, float]], params: AlignParams,
                blocks: tuple[np.ndarray, np.ndarray] | None = None, margins: bool = True,
                lengths: tuple[np.ndarray, np.ndarray] | None = None) -> list[PathBead]:
    """Best monotone bead path through ``band`` with per-bead margins (``lengths``: sentence lengths, for deletions)."""
    scores = bead_scores(band, prepared, params, blocks)
    if lengths is None:
        del_s, del_t = np.full(band.n, params.deletion), np.full(band.m, params.deletion)
    else:
        del_s, del_t = deletion_scores(lengths[0], params), deletion_scores(lengths[1], params)
    F, bp = _forward(band, scores, del_s, del_t)
    path = _traceback(band, bp)
    if margins:
        B = _backward(band, scores, del_s, del_t)
        marg = _margins(band, scores, del_s, del_t, F, B, path)
    else:
        marg = np.full(len(path), math.nan)
    band.release_work()
    beads = []
    for (i, j, t), mg in zip(path, marg):
        a, b = BEAD_TYPES[t]
        c = int(band.row_off[i] + j - band.lo[i])
        sc = float(scores[(a, b)][c]) if a and b else float(del_s[i - 1] if a else del_t[j - 1])
        beads.append(PathBead(tuple(range(i - a, i)), tuple(range(j - b, j)), sc, float(mg)))
    return beads


def band_around(path: Sequence[PathBead], n: int, m: int, scale: int, width: int) -> Band:
    """A band of half-width ``width`` around a coarse path whose units are ``scale`` sentences."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    x0 = y0 = 0
    for bead in path:
        x1 = min(x0 + len(bead.src) * scale, n)
        y1 = min(y0 + len(bead.tgt) * scale, m)
        lo[x0 : x1 + 1] = np.minimum(lo[x0 : x1 + 1], y0)
        hi[x0 : x1 + 1] = np.maximum(hi[x0 : x1 + 1], y1)
        x0, y0 = x1, y1
    lo[n] = min(lo[n], m)
    hi[n] = m
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    # The coarse beads' rectangles already span a whole group in both directions: widen columns only.
    lo = np.clip(lo - width, 0, m)
    hi = np.clip(hi + width, 0, m)
    lo[0] = 0
    return Band(n, m, lo, hi)


def _join(sents: Sequence[str], k: int) -> list[str]:
    return [" ".join(sents[x : x + k]) for x in range(0, len(sents), k)]


def plan_band(src: Sequence[str], tgt: Sequence[str], scorers: Sequence[Scorer], params: AlignParams,
              band_width: int | None = None, full_cells: int = FULL_CELLS,
              prepared: Sequence[PreparedScorer] | None = None) -> Band:
    """The full grid for small inputs, else a band around a coarse alignment of sentence groups.

    The coarse pass uses the scorers marked ``coarse``; a prepared scorer that is a
    ``CoarsePrepared`` supplies group-level evidence without re-reading the
    text, others are prepared again on the joined groups.
    """
    n, m = len(src), len(tgt)
    if (n + 1) * (m + 1) <= full_cells:
        return Band.full(n, m)
    k = min(MAX_GROUP, max(2, math.ceil(math.sqrt((n + 1) * (m + 1) / full_cells))))
    cs, ct = _join(src, k), _join(tgt, k)
    cheap: list[Scorer] = []
    coarse: list[PreparedScorer] = []
    for idx, scorer in enumerate(scorers):
        if not scorer.coarse:
            continue
        grouped = coarsened(prepared[idx], k) if prepared is not None else None
        cheap.append(scorer)
        coarse.append(grouped if grouped is not None else scorer.prepare(cs, ct))
    coarse_band = plan_band(cs, ct, cheap, params, band_width, full_cells, coarse)
    weighted = [(p, params.weight(s.name, s.default_weight)) for s, p in zip(cheap, coarse)]
    path = search_band(coarse_band, weighted, params, None, margins=False)  # group deletions: flat score
    return band_around(path, n, m, k, band_width if band_width is not None else max(6, k))
