"""Machine-translation evidence: translate the source once, compare it with the target.

As bleualign does, the French sentences are machine-translated into English once
(in one batch, through any ``translate.base.MTEngine``: Argos in practice) and a
bead is scored by how much its translated source span resembles its target span.
Resemblance is the cosine of hashed character n-gram profiles (n = 3..5, a
chrF-like measure that tolerates inflection and word order), taken relative to
each sentence's background similarity with random sentences of the other side;
span profiles are sums of sentence profiles, so the evidence reuses the prefix-sum
machinery of the embedding scorer.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import ClassVar, Sequence

import numpy as np

from bilingual_pr.align.embeddings import PreparedEmbeddings, _normalise
from bilingual_pr.translate.base import MTEngine

_SPACES = re.compile(r"\s+")


def ngram_profiles(texts: Sequence[str], dim: int = 4096, orders: tuple[int, ...] = (3, 4, 5)) -> np.ndarray:
    """Hashed, L2-normalised character n-gram counts of each text (lower-cased, spaces folded)."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        t = f" {_SPACES.sub(' ', text.lower()).strip()} "
        for n in orders:
            for k in range(len(t) - n + 1):
                # crc32 is stable across runs (Python's hash() is salted), so alignments are reproducible.
                out[row, zlib.crc32(t[k : k + n].encode("utf-8")) % dim] += 1.0
    return _normalise(out)


@dataclass(slots=True)
class MTScorer:
    """Similarity of the machine-translated source span to the target span."""

    engine: MTEngine
    dim: int = 4096
    background_samples: int = 32
    # The Scorer contract's read-only attributes: class constants, not fields.
    name: ClassVar[str] = "mt"
    default_weight: ClassVar[float] = 20.0
    coarse: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not isinstance(self.engine, MTEngine):
            raise TypeError(f"MTScorer needs a translate.base.MTEngine, not {type(self.engine).__name__}")

    def prepare(self, src: Sequence[str], tgt: Sequence[str]) -> PreparedEmbeddings:
        """Translate the source sentences in one batch and profile both sides."""
        translated = list(self.engine.translate_batch(list(src))) if len(src) else []
        if len(translated) != len(src):
            raise ValueError("the MT engine must return one translation per sentence")
        return PreparedEmbeddings.build(ngram_profiles(translated, self.dim), ngram_profiles(list(tgt), self.dim),
                                        self.background_samples)
