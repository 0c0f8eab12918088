"""Are two documents translations of each other at all? A document-level test over one alignment.

The aligner always finds *some* path: two unrelated releases still come out as
mostly 1-1 beads, and since a bead's confidence is its margin over the
alternatives, not its evidence, they come out confident. What gives them away
is the evidence behind the beads, read over the whole document:

* ``one_sided``: the share of sentences left without counterpart (1-0, 0-1);
* ``length``: how far the documents' length ratio is from the usual one of
  the language pair (``length.PAIR_RATIOS``), as an absolute log ratio;
* ``anchors``: the mean anchor feature of the matched beads (numbers, names,
  acronyms, cognates agree in a translation, disagree across releases);
* ``embeddings``: the mean embedding feature of the matched beads, when the
  alignment had embeddings (cosine above the sentences' background).

They are added into one score with fixed weights, and a pair is refused below
a threshold. Weights and thresholds were set on the dev pairs against shuffled
(mismatched) pairs, with and without embeddings: bench/bench_parallelness.py,
figures in docs/alignment.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bilingual_pr.align.core import Alignment


#: Score weights, set by judgement on the dev figures (bench/bench_parallelness.py), not fitted: anchors
#: alone separate all but the most related mismatched pairs; embeddings widen the gap; a one-sided
#: sentence counts a little. The length ratio is reported but not weighted: it did not separate.
ONE_SIDED_WEIGHT = 0.25
EMBEDDINGS_WEIGHT = 4.0
#: Refusal thresholds, without and with embeddings: about one standard deviation of the true pairs'
#: scores below the lowest true dev pair (docs/alignment.md).
THRESHOLD = -0.15
THRESHOLD_EMBEDDINGS = 0.20
#: Fewer matched beads than this and the pair is never refused (too little evidence).
MIN_MATCHED_BEADS = 3


@dataclass(frozen=True, slots=True)
class ParallelFeatures:
    """The document-level evidence of one alignment (see the module docstring)."""

    one_sided: float
    length: float
    anchors: float
    embeddings: float | None


@dataclass(frozen=True, slots=True)
class ParallelVerdict:
    """Whether an alignment looks like a translation pair: its score, the decision and, when refused, why."""

    score: float
    is_parallel: bool
    reason: str
    features: ParallelFeatures


def _usual_ratio(src_lang: str, tgt_lang: str) -> float:
    from bilingual_pr.align.length import PAIR_RATIOS
    from bilingual_pr.language import base_language

    key = (base_language(src_lang), base_language(tgt_lang))
    return 1.0 if key[0] == key[1] else PAIR_RATIOS.get(key, 1.0)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def parallel_features(alignment: "Alignment") -> ParallelFeatures:
    """The document-level evidence of an alignment (its beads and its scorers' per-bead features)."""
    beads = alignment.beads
    n, m = len(alignment.src_sentences), len(alignment.tgt_sentences)
    alone = sum(len(b.src) + len(b.tgt) for b in beads if not (b.src and b.tgt))
    one_sided = alone / (n + m) if n + m else 1.0
    chars_src = sum(len(p.src_text) for p in alignment.pairs)
    chars_tgt = sum(len(p.tgt_text) for p in alignment.pairs)
    if chars_src and chars_tgt:
        length = abs(math.log(chars_tgt / chars_src / _usual_ratio(alignment.src_lang, alignment.tgt_lang)))
    else:
        length = math.inf

    def matched_mean(name: str) -> float | None:
        values = alignment.feature(name)
        if values is None:
            return None
        return _mean([v for v in values if not math.isnan(v)])

    return ParallelFeatures(one_sided, length, matched_mean("anchors") or 0.0, matched_mean("embeddings"))


def parallel_score(features: ParallelFeatures) -> float:
    """Anchor agreement, plus embedding agreement when there is some, less a share of one-sided sentences."""
    score = features.anchors - ONE_SIDED_WEIGHT * features.one_sided
    if features.embeddings is not None:
        score += EMBEDDINGS_WEIGHT * features.embeddings
    return score


def assess_parallelness(alignment: "Alignment") -> ParallelVerdict:
    """Whether the two documents of ``alignment`` look like translations of each other, and why not."""
    features = parallel_features(alignment)
    score = parallel_score(features)
    threshold = THRESHOLD_EMBEDDINGS if features.embeddings is not None else THRESHOLD
    matched = sum(1 for b in alignment.beads if b.src and b.tgt)
    # A few sentences are too little evidence to refuse on: a short note stays accepted.
    if score >= threshold or matched < MIN_MATCHED_BEADS:
        return ParallelVerdict(score, True, "", features)
    parts = [f"anchors (numbers, names, acronyms) {'disagree' if features.anchors < 0 else 'barely agree'} "
             f"(mean {features.anchors:+.2f})"]
    if features.embeddings is not None:
        parts.append(f"sentence meanings barely match (embeddings {features.embeddings:+.3f})")
    if features.one_sided >= 0.05:
        parts.append(f"{features.one_sided:.0%} of the sentences have no counterpart")
    reason = (f"do not look like translations of each other: parallelness {score:.2f}, below {threshold:.2f}; "
              + "; ".join(parts))
    return ParallelVerdict(score, False, reason, features)
