"""Sentence alignment of French/English document pairs (see docs/alignment.md)."""

from bilingual_pr.align.base import BEAD_TYPES, AlignParams, Band, Bead, PreparedScorer, Scorer
from bilingual_pr.align.core import (
    DEFAULT_PARAMS,
    AlignedPair,
    Alignment,
    align_documents,
    align_sentences,
    default_scorers,
)

__all__ = [
    "BEAD_TYPES", "AlignParams", "Band", "Bead", "PreparedScorer", "Scorer", "DEFAULT_PARAMS", "AlignedPair",
    "Alignment", "align_documents", "align_sentences", "default_scorers",
]
