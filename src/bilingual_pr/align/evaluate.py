"""Alignment evaluation: vecalign's strict/lax bead precision-recall, and character-link F1.

Bead scores follow vecalign's ``score.py`` definitions (re-implemented here):
strict = a predicted bead equals a gold bead; lax = it shares at least one
source-target sentence link with a gold bead. Precision runs over all predicted
beads (a predicted ``[3]:[]`` is right only if gold has it); recall runs over gold
beads with both sides non-empty, against predicted beads with both sides non-empty.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]

_BEAD = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def parse_beads(text: str) -> list[BeadPair]:
    """Parse vecalign bead lines such as ``[0]:[0]``, ``[1,2]:[3]``, ``[4]:[]``."""
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _BEAD.match(line)
        if not m:
            raise ValueError(f"line {lineno}: not a bead: {line!r}")
        src = tuple(int(x) for x in m.group(1).replace(" ", "").split(",") if x)
        tgt = tuple(int(x) for x in m.group(2).replace(" ", "").split(",") if x)
        out.append((src, tgt))
    return out


def format_beads(beads: Iterable[BeadPair]) -> str:
    """Bead lines in vecalign notation, one per line."""
    return "".join(f"[{','.join(map(str, s))}]:[{','.join(map(str, t))}]\n" for s, t in beads)


def _counts(gold: Sequence[BeadPair], test: Sequence[BeadPair]) -> np.ndarray:
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if s or t}
    test_set = {(tuple(s), tuple(t)) for s, t in test if s or t}
    links: dict[int, set[int]] = defaultdict(set)
    for s, t in gold_set:
        for x in s:
            links[x].update(t)
    tp_strict = fp_strict = tp_lax = fp_lax = 0
    for s, t in test_set:
        if (s, t) in gold_set:
            tp_strict += 1
            tp_lax += 1
            continue
        fp_strict += 1
        linked = set()
        for x in s:
            linked |= links[x]
        if linked.intersection(t):
            tp_lax += 1
        else:
            fp_lax += 1
    return np.array([tp_strict, fp_strict, tp_lax, fp_lax])


@dataclass(frozen=True, slots=True)
class Scores:
    """Strict and lax precision, recall and F1."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return float(2 * p * r / (p + r)) if p + r else 0.0


def document_counts(gold: Sequence[BeadPair], test: Sequence[BeadPair]) -> np.ndarray:
    """The eight counts of one document: precision (tp/fp strict, tp/fp lax) then recall (same four)."""
    p = _counts(gold, test)
    r = _counts([b for b in test if b[0] and b[1]], [b for b in gold if b[0] and b[1]])
    return np.concatenate([p, r])


def scores_from_counts(counts: np.ndarray) -> Scores:
    """Scores from summed :func:`document_counts`."""
    p, r = counts[:4], counts[4:]
    ps, pl = _ratio(p[0], p[0] + p[1]), _ratio(p[2], p[2] + p[3])
    rs, rl = _ratio(r[0], r[0] + r[1]), _ratio(r[2], r[2] + r[3])
    return Scores(float(ps), float(rs), _f1(ps, rs), float(pl), float(rl), _f1(pl, rl))


def score_alignments(gold_list: Sequence[Sequence[BeadPair]], test_list: Sequence[Sequence[BeadPair]]) -> Scores:
    """Micro-averaged strict/lax scores over several documents, as vecalign's score.py computes them."""
    total = np.zeros(8)
    for gold, test in zip(gold_list, test_list, strict=True):
        total += document_counts(gold, test)
    return scores_from_counts(total)


def char_link_scores(gold: Sequence[tuple[tuple[int, int] | None, tuple[int, int] | None]],
                     test: Sequence[tuple[tuple[int, int] | None, tuple[int, int] | None]],
                     src_text: str, tgt_text: str) -> tuple[float, float, float]:
    """Counts (common, predicted, gold) of character links: every non-space source char of a bead linked to every
    non-space target char of it; beads given as (source span, target span) in the two texts."""
    cs = np.concatenate([[0], np.cumsum([not c.isspace() for c in src_text])])
    ct = np.concatenate([[0], np.cumsum([not c.isspace() for c in tgt_text])])

    def size(prefix: np.ndarray, span: tuple[int, int] | None) -> int:
        return int(prefix[span[1]] - prefix[span[0]]) if span else 0

    def overlap(prefix: np.ndarray, x: tuple[int, int] | None, y: tuple[int, int] | None) -> int:
        if not x or not y:
            return 0
        lo, hi = max(x[0], y[0]), min(x[1], y[1])
        return int(prefix[hi] - prefix[lo]) if hi > lo else 0

    pred = sum(size(cs, s) * size(ct, t) for s, t in test)
    ref = sum(size(cs, s) * size(ct, t) for s, t in gold)
    common = 0
    for s1, t1 in test:
        if not s1 or not t1:
            continue
        for s2, t2 in gold:
            common += overlap(cs, s1, s2) * overlap(ct, t1, t2)
    return float(common), float(pred), float(ref)
