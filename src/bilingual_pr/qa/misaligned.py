"""Misaligned targets: a target that translates another sentence (a neighbour's, or one of another text).

Judged with the aligner's own evidence (``align``: the length model, the anchors
(numbers, names, acronyms, word stems) and, when asked for and installed, the e5
embeddings), weighted as the aligner weighs them (``align.core.params_for``). Each
unit's target is scored against its own source and against the sources of the
units before and after it in the same document; a target that fits a
neighbour's source clearly better than its own, about as well as that source's
own target does, is misaligned (an error when the gap is large), and so is a
target whose own evidence is strongly against its source (a target taken from
another text). Two neighbouring units with the same target (a target copied or
moved from the next unit, which the consistency family would call
``inconsistent-source``, info) are judged here: the one whose source the target
fits worse is reported.

The scores are per pair, independent of the rest of the input (the length model
at the language pair's usual ratio, anchors without the document-frequency cut),
so the check gives the same verdicts whatever the batches or pieces the runner
cuts the input into. Units are scored by runs with numpy (the aligner's band
scorers over a band one cell wide on each side of the diagonal); the runs' edge
units are handed to the main process and scored there with their neighbours.

Thresholds were set on the dev pairs (``bench/bench_qa_length_alignment.py
--family misaligned``); figures in docs/qa.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from bilingual_pr.qa.consistency import _clip, _label, loose_key
from bilingual_pr.qa.model import CheckSetup, Family, Finding, Segment, finding

if TYPE_CHECKING:
    import numpy as np

    from bilingual_pr.align.base import Scorer

# The aligner's scorers and numpy are imported when units are judged, not when the QA families are
# registered: `check --checks` without this family, on a release-sized memory, starts without them.

#: A neighbour's source must beat the unit's own by this much (weighted aligner score) to be reported...
MARGIN = 2.5
#: ...or by this much when the neighbour's target also fits this unit's source better than its own (a swap)...
SWAP_MARGIN = 0.5
#: ...and by this much to be an error (the clean dev units' largest gap is 2.6, a swap's median 6.5).
STRONG_MARGIN = 5.0
#: The neighbour's source must fit this target at least as well as its own target, less this much.
SLACK = 2.0
#: A target whose anchors disagree this much with its source (the feature's floor is -0.5: many anchors,
#: none shared; the clean dev units' lowest is -0.39) seems to belong to another text...
UNRELATED_ANCHORS = -0.40
#: ...or whose own score is below UNRELATED (length and anchors against it; the clean dev units' lowest is
#: -6.9) with anchors that disagree at least this much (a length alone is the omission family's).
UNRELATED_WEAK_ANCHORS = -0.25
UNRELATED = -7.0
#: An error below this own score, a warning above.
UNRELATED_STRONG = -12.0
#: With embeddings: a target whose embedding feature with its source (cosine above the background) is at
#: most this seems to belong to another text (dev: clean units 0.006 at the lowest, 1 % below 0.048;
#: targets of another release -0.011 at the median).
UNRELATED_EMBEDDINGS = 0.0


def pair_scorers(source_lang: str, target_lang: str, embeddings: bool | Callable[[list[str]], Any] = False
                 ) -> list[Scorer]:
    """The aligner's scorers, set to score each pair on its own (no document-level ratio or frequency cut).

    ``embeddings``: add the e5 embedding scorer (True), or one with this encoder (a cache, a test's encoder).
    """
    from bilingual_pr.align.anchors import AnchorScorer
    from bilingual_pr.align.length import LengthScorer
    base = LengthScorer.for_languages(source_lang, target_lang)
    scorers: list[Scorer] = [LengthScorer(prior_ratio=base.prior_ratio or 1.0, tolerance=1.0),
                             AnchorScorer(max_df=1.0, src_lang=source_lang, tgt_lang=target_lang)]
    if embeddings:
        from bilingual_pr.align.embeddings import EmbeddingScorer

        scorers.append(EmbeddingScorer() if embeddings is True else EmbeddingScorer(encode=embeddings))
    return scorers


@dataclass(frozen=True, slots=True)
class Diagonals:
    """Scores of n units: (source k, target k), (source k-1, target k), (source k+1, target k); NaN where none.

    ``content_*``: the same without the length evidence (anchors, embeddings): a target cut short or
    lengthened fits a shorter or longer neighbour's length, which says nothing about what it translates.
    """

    own: np.ndarray
    prev: np.ndarray
    next: np.ndarray
    content_own: np.ndarray
    content_prev: np.ndarray
    content_next: np.ndarray
    #: the anchors feature alone of (source k, target k): -0.5 when every anchor disagrees
    own_anchors: np.ndarray
    #: the embeddings feature alone of (source k, target k); NaN without the embedding scorer
    own_embeddings: np.ndarray


def diagonal_scores(scorers: Sequence[Scorer], sources: Sequence[str], targets: Sequence[str]) -> Diagonals:
    """The weighted aligner score of each unit's pair and of its target with the neighbouring sources.

    One pass of each scorer over a band of three diagonals, weighted as the aligner weighs them.
    """
    import numpy as np

    from bilingual_pr.align.base import Band
    from bilingual_pr.align.core import params_for
    n = len(sources)
    params = params_for(scorers)
    rows = np.arange(n + 1)
    band = Band(n, n, np.maximum(rows - 1, 0), np.minimum(rows + 1, n))
    total, content = np.zeros(band.size), np.zeros(band.size)
    k = np.arange(n)
    own_cells = band.index(k + 1, k + 1)
    anchors, embeddings = np.zeros(n), np.full(n, np.nan)
    for scorer in scorers:
        weight = params.weight(scorer.name, scorer.default_weight)
        feature = weight * scorer.prepare(sources, targets).score(band, 1, 1)
        if scorer.name == "anchors":
            anchors = feature[own_cells] / weight
        elif scorer.name == "embeddings":
            embeddings = feature[own_cells] / weight
        total += feature
        if scorer.name != "length":
            content += feature
    prev_idx = band.index(k, k + 1)      # cell (k, k+1): source k-1 with target k
    next_idx = band.index(k + 2, k + 1)  # cell (k+2, k+1): source k+1 with target k
    has_prev = (k > 0) & (prev_idx >= 0)
    has_next = (k < n - 1) & (next_idx >= 0)

    def at(values: np.ndarray, idx: np.ndarray, ok: np.ndarray) -> np.ndarray:
        return np.where(ok, values[np.maximum(idx, 0)], np.nan)

    return Diagonals(total[own_cells], at(total, prev_idx, has_prev), at(total, next_idx, has_next),
                     content[own_cells], at(content, prev_idx, has_prev), at(content, next_idx, has_next), anchors,
                     embeddings)


@dataclass(slots=True)
class _Unit:
    """What the verdict of one unit needs: its own score, and per neighbour the cross score and the neighbour's own."""

    index: int
    own: float
    anchors: float = 0.0  # the anchors feature alone of the unit's own pair
    embeddings: float = float("nan")  # the embeddings feature alone of the unit's own pair (NaN: none)
    #: (score of source k-1 with target k, own score of k-1, gain of target k-1 with source k over its own,
    #: gain of target k with source k-1 over its own without the length evidence)
    prev: tuple[float, float, float, float] | None = None
    next: tuple[float, float, float, float] | None = None
    same_prev: bool = False  # the same target as the unit before
    same_next: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """A misaligned unit: which neighbour's source its target fits (None: none, the target is unrelated)."""

    unit: int
    neighbour: int | None
    gap: float
    severity: str


def judge(u: _Unit) -> Verdict | None:
    """The verdict on one unit whose neighbours are known."""
    best: tuple[float, int, bool] | None = None
    for side, same, step in ((u.prev, u.same_prev, -1), (u.next, u.same_next, 1)):
        if side is None:
            continue
        cross, other_own, reverse, content_gap = side
        gap = cross - u.own
        if same:
            # The same target twice in a row: it belongs to the unit whose source it fits better (ties: the later).
            if gap > 0 or (gap == 0 and step == -1):
                if best is None or gap > best[0]:
                    best = (gap, step, True)
            continue
        swapped = gap >= SWAP_MARGIN and reverse >= SWAP_MARGIN
        if ((gap >= MARGIN or swapped) and content_gap > 0 and cross >= other_own - SLACK
                and (best is None or gap > best[0])):
            best = (gap, step, False)
    if best is not None:
        gap, step, same = best
        severity = "error" if gap >= STRONG_MARGIN else "warning"
        return Verdict(u.index, u.index + step, gap, severity)
    if (u.anchors <= UNRELATED_ANCHORS or (u.own <= UNRELATED and u.anchors <= UNRELATED_WEAK_ANCHORS)
            or u.embeddings <= UNRELATED_EMBEDDINGS):
        return Verdict(u.index, None, u.own, "error" if u.own <= UNRELATED_STRONG else "warning")
    return None


@dataclass(slots=True)
class _Edge:
    """A unit at the edge of a run: its neighbour on that side is scored in the main process."""

    index: int
    doc: str | None
    langs: tuple[str, str]
    source: str
    target: str
    unit: _Unit


class MisalignmentPass:
    """The misaligned family's pass: runs of units scored together, verdicts kept for the units reported."""

    def __init__(self, embeddings: bool | Callable[[list[str]], Any] = False) -> None:
        self._embeddings = embeddings
        self._scorers: dict[tuple[str, str], list[Scorer]] = {}
        self._buffer: list[Segment] = []
        self._verdicts: list[Verdict] = []  # merged (main process) or found since the last take (worker)
        self._edges: list[_Edge] = []
        self._wanted: set[int] = set()

    def _for(self, langs: tuple[str, str]) -> list[Scorer]:
        if langs not in self._scorers:
            self._scorers[langs] = pair_scorers(*langs, embeddings=self._embeddings)
        return self._scorers[langs]

    def add(self, seg: Segment) -> None:
        """Buffer one unit (scored with its run at the next take)."""
        self._buffer.append(seg)

    def take(self) -> tuple[list[Verdict], list[_Edge]]:
        """Score the buffered units; hand over the verdicts and the edge units."""
        verdicts: list[Verdict] = []
        edges: list[_Edge] = []
        for run in _runs(self._buffer):
            self._score_run(run, verdicts, edges)
        self._buffer = []
        return verdicts, edges

    def _score_run(self, run: list[Segment], verdicts: list[Verdict], edges: list[_Edge]) -> None:
        import numpy as np
        # One scoring pass for the whole run, documents included (the scores are per pair); a neighbour
        # of another document, or past a unit with an empty side, is then masked out.
        langs = (run[0].source_lang, run[0].target_lang)
        sources, targets = [s.source for s in run], [s.target for s in run]
        d = diagonal_scores(self._for(langs), sources, targets)
        n = len(run)
        linked = np.array([run[k].index == run[k - 1].index + 1 and run[k].doc == run[k - 1].doc
                           for k in range(1, n)], dtype=bool)  # unit k+1 follows unit k
        has_prev = np.concatenate([[False], linked])
        has_next = np.concatenate([linked, [False]])
        own, prev, nxt, c_own = d.own, np.where(has_prev, d.prev, np.nan), np.where(has_next, d.next, np.nan), \
            d.content_own
        keys = [loose_key(t) for t in targets]
        src_keys = [loose_key(t) for t in sources]
        same_prev = np.array([False] + [has_prev[k] and _same(keys, src_keys, k, k - 1) for k in range(1, n)])
        same_next = np.concatenate([same_prev[1:], [False]])
        # Only units that some rule could report are judged one by one (NaN compares False).
        with np.errstate(invalid="ignore"):
            maybe = (((prev - own >= SWAP_MARGIN) & (d.content_prev > c_own))
                     | ((nxt - own >= SWAP_MARGIN) & (d.content_next > c_own))
                     | same_prev | same_next | (d.own_anchors <= UNRELATED_ANCHORS)
                     | ((own <= UNRELATED) & (d.own_anchors <= UNRELATED_WEAK_ANCHORS))
                     | (d.own_embeddings <= UNRELATED_EMBEDDINGS))
        maybe[0] = maybe[-1] = True
        for k in np.flatnonzero(maybe).tolist():
            seg = run[k]
            u = _Unit(seg.index, float(own[k]), float(d.own_anchors[k]), float(d.own_embeddings[k]))
            if has_prev[k]:
                u.prev = (float(prev[k]), float(own[k - 1]), float(nxt[k - 1] - own[k - 1]),
                          float(d.content_prev[k] - c_own[k]))
                u.same_prev = bool(same_prev[k])
            if has_next[k]:
                u.next = (float(nxt[k]), float(own[k + 1]), float(prev[k + 1] - own[k + 1]),
                          float(d.content_next[k] - c_own[k]))
                u.same_next = bool(same_next[k])
            if k == 0 or k == n - 1:
                # Its neighbour past the run's edge may be in another batch or piece: judged at the end.
                edges.append(_Edge(seg.index, seg.doc, langs, seg.source, seg.target, u))
                continue
            v = judge(u)
            if v is not None:
                verdicts.append(v)

    def merge(self, taken: Any, offset: int) -> None:
        """Add a take's verdicts and edges, unit numbers shifted by ``offset``."""
        verdicts, edges = taken
        for v in verdicts:
            self._verdicts.append(Verdict(v.unit + offset, None if v.neighbour is None else v.neighbour + offset,
                                          v.gap, v.severity))
        for e in edges:
            e.index += offset
            e.unit.index += offset
            self._edges.append(e)

    def _resolve_edges(self) -> None:
        # Edges of adjacent runs meet here: score each adjacent pair of the same document as a run of two.
        edges = sorted(self._edges, key=lambda e: e.index)
        by_index = {e.index: e for e in edges}
        for e in edges:
            nxt = by_index.get(e.index + 1)
            if nxt is None or nxt.doc != e.doc or nxt.langs != e.langs or e.unit.next is not None:
                continue
            d = diagonal_scores(self._for(e.langs), [e.source, nxt.source], [e.target, nxt.target])
            own, prev, after, c_own = d.own, d.prev, d.next, d.content_own
            same = _same([loose_key(e.target), loose_key(nxt.target)], [loose_key(e.source), loose_key(nxt.source)],
                         0, 1)
            e.unit.next = (float(after[0]), float(own[1]), float(prev[1] - own[1]),
                           float(d.content_next[0] - c_own[0]))
            nxt.unit.prev = (float(prev[1]), float(own[0]), float(after[0] - own[0]),
                             float(d.content_prev[1] - c_own[1]))
            e.unit.same_next = nxt.unit.same_prev = same
        seen: set[int] = set()
        for e in edges:
            if e.index in seen:
                continue  # a run of one unit is the edge on both sides
            seen.add(e.index)
            v = judge(e.unit)
            if v is not None:
                self._verdicts.append(v)
        self._edges = []

    def wanted(self) -> set[int]:
        """The misaligned units and the neighbours whose source their target fits."""
        if self._edges:
            self._resolve_edges()
        return {v.unit for v in self._verdicts} | {v.neighbour for v in self._verdicts if v.neighbour is not None}

    def findings(self, segments: dict[int, Segment]) -> list[Finding]:
        """One ``misaligned-target`` finding per misaligned unit."""
        self.wanted()
        out = []
        for v in sorted(self._verdicts, key=lambda v: v.unit):
            seg = segments.get(v.unit)
            if seg is None:
                continue
            if v.neighbour is None:
                msg = ("The target does not seem to translate this source (its names, numbers and words, or its "
                       "meaning, disagree): it may belong to another text.")
                out.append(finding("misaligned-target", msg, v.unit, ((0, len(seg.source)),),
                                   ((0, len(seg.target)),), severity=v.severity))
                continue
            other = segments.get(v.neighbour)
            where = "the next unit" if v.neighbour > v.unit else "the previous unit"
            quoted = f": “{_clip(other.source)}”" if other is not None else ""
            label = _label(other) if other is not None else f"unit #{v.neighbour + 1}"
            msg = f"The target seems to translate the source of {where} ({label}){quoted}."
            out.append(finding("misaligned-target", msg, v.unit, (), ((0, len(seg.target)),),
                               related=(v.neighbour,), severity=v.severity))
        return out


def _same(targets: list[str], sources: list[str], a: int, b: int) -> bool:
    # The same target for two different sources (a repeated unit, same source and target, is no fault).
    return targets[a] == targets[b] and sources[a] != sources[b]


def _runs(units: list[Segment]) -> list[list[Segment]]:
    """Units of one language pair in a row, both sides non-empty (documents are told apart when scoring)."""
    runs: list[list[Segment]] = []
    run: list[Segment] = []
    for seg in units:
        if not seg.source.strip() or not seg.target.strip():
            continue
        if run and (seg.source_lang, seg.target_lang) != (run[-1].source_lang, run[-1].target_lang):
            runs.append(run)
            run = []
        run.append(seg)
    if run:
        runs.append(run)
    return runs


def _whole(setup: CheckSetup) -> MisalignmentPass:
    return MisalignmentPass()


FAMILY = Family(
    "misaligned",
    checks={
        "misaligned-target": ("error", "The target translates another sentence: a neighbouring unit's source, or "
                                       "none of this text (the aligner's evidence; a warning when weak)."),
    },
    whole=_whole,
)
