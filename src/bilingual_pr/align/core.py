"""The aligner's library API: sentences or documents in, typed beads and pairs out."""

from __future__ import annotations

import logging
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from bilingual_pr.align.anchors import AnchorScorer
from bilingual_pr.align.base import AlignParams, AlignSignature, Band, Bead, PreparedScorer, Scorer
from bilingual_pr.align.confidence import Calibration, calibration_for
from bilingual_pr.align.length import LengthScorer, sentence_lengths
from bilingual_pr.align.position import PositionScorer
from bilingual_pr.align.search import plan_band, search_band
from bilingual_pr.segment import one_line
from bilingual_pr.timing import stage

if TYPE_CHECKING:
    from bilingual_pr.translate.base import MTEngine

log = logging.getLogger(__name__)

#: Scorers whose preparation is timed as a stage of its own with -v, and the stage's name.
_SLOW_PREPARE = {"embeddings": "embed", "mt": "mt"}

#: Tuned on the dev set for length+anchors+position (bench/bench_align.py --tune; docs/alignment.md).
DEFAULT_PARAMS = AlignParams()
#: With embeddings: the same penalties, only the embeddings weight tuned on top (a joint tune of all
#: parameters with embeddings overfitted the 23 dev documents: see docs/alignment.md).
EMBEDDING_PARAMS = DEFAULT_PARAMS


def params_for(scorers: Sequence[Scorer]) -> AlignParams:
    """The tuned parameters for this set of scorers."""
    return EMBEDDING_PARAMS if any(s.name == "embeddings" for s in scorers) else DEFAULT_PARAMS


def default_scorers(embeddings: bool = False, glossary: Any | None = None, src_lang: str = "fr",
                    tgt_lang: str = "en", mt: MTEngine | None = None) -> list[Scorer]:
    """Length and anchor scorers, plus glossary anchors, e5 embeddings and an MT engine's evidence when given."""
    anchors = (AnchorScorer.with_glossary(glossary, src_lang, tgt_lang) if glossary is not None
               else AnchorScorer(src_lang=src_lang, tgt_lang=tgt_lang))
    scorers: list[Scorer] = [LengthScorer.for_languages(src_lang, tgt_lang), anchors, PositionScorer()]
    if embeddings:
        from bilingual_pr.align.embeddings import EmbeddingScorer

        scorers.append(EmbeddingScorer())
    if mt is not None:
        from bilingual_pr.align.mt import MTScorer

        scorers.append(MTScorer(mt))
    return scorers


def align_sentences(src: Sequence[str], tgt: Sequence[str], *, src_lang: str = "fr", tgt_lang: str = "en",
                    scorers: Sequence[Scorer] | None = None, blocks: tuple[Sequence[int], Sequence[int]] | None = None,
                    params: AlignParams | None = None, calibration: Calibration | None = None,
                    band_width: int | None = None) -> list[Bead]:
    """Align two sentence lists into monotone beads covering every sentence once, in order.

    ``blocks`` gives each sentence's block (paragraph) index on both sides, so
    beads that straddle paragraph boundaries are penalised.
    """
    return _align(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, scorers=scorers, blocks=blocks, params=params,
                  calibration=calibration, band_width=band_width)[0]


def _align(src: Sequence[str], tgt: Sequence[str], *, src_lang: str, tgt_lang: str, scorers: Sequence[Scorer] | None,
           blocks: tuple[Sequence[int], Sequence[int]] | None, params: AlignParams | None,
           calibration: Calibration | None, band_width: int | None
           ) -> tuple[list[Bead], tuple[tuple[str, tuple[float, ...]], ...], AlignSignature]:
    scorers = list(scorers) if scorers is not None else default_scorers(src_lang=src_lang, tgt_lang=tgt_lang)
    params = params or params_for(scorers)
    calib = calibration or calibration_for([s.name for s in scorers])
    signature = AlignSignature(tuple((s.name, params.weight(s.name, s.default_weight)) for s in scorers), calib.id)
    n, m = len(src), len(tgt)
    if n == 0 and m == 0:
        return [], (), signature
    if blocks is not None:
        bs, bt = np.asarray(blocks[0], dtype=np.int64), np.asarray(blocks[1], dtype=np.int64)
        if len(bs) != n or len(bt) != m:
            raise ValueError("blocks must give one block index per sentence on each side")
        block_arrays = (bs, bt)
    else:
        block_arrays = None
    prepared_only = []
    for s in scorers:
        # Encoding sentences (embeddings, MT) is a stage of its own for -v; the cheap scorers count as "align".
        with stage(_SLOW_PREPARE[s.name]) if s.name in _SLOW_PREPARE else nullcontext():
            prepared_only.append(s.prepare(src, tgt))
    band = plan_band(src, tgt, scorers, params, band_width, prepared=prepared_only)
    log.debug("align: %d x %d sentences, %d band cells", n, m, band.size)
    prepared = [(p, params.weight(s.name, s.default_weight)) for s, p in zip(scorers, prepared_only)]
    lengths = (sentence_lengths(src), sentence_lengths(tgt))
    path = search_band(band, prepared, params, block_arrays, lengths=lengths)
    beads = [Bead(p.src, p.tgt, p.score, calib(p.margin)) for p in path]
    evidence = tuple((s.name, bead_features(p, beads, n, m)) for s, p in zip(scorers, prepared_only))
    return beads, evidence, signature


def bead_features(prepared: PreparedScorer, beads: Sequence[Bead], n: int, m: int) -> tuple[float, ...]:
    """One scorer's feature for every bead of a path (NaN for a 1-0 or 0-1 bead, which no scorer rates)."""
    if not beads:
        return ()
    a = np.array([len(b.src) for b in beads], np.int64)
    b = np.array([len(b.tgt) for b in beads], np.int64)
    i, j = np.cumsum(a), np.cumsum(b)  # the cell each bead ends at
    # A band of just the cells the path's beads span: a scorer may read a bead's inner cells
    # (anchors sum sentence-pair matches), so each bead brings its rectangle, not only its end.
    # The scorers rate those few cells, not the whole grid.
    lo = np.full(n + 1, m, np.int64)
    hi = np.zeros(n + 1, np.int64)
    for da in range(int(a.max()) + 1):
        rows = (i - da)[da <= a]
        np.minimum.at(lo, rows, (j - b)[da <= a])
        np.maximum.at(hi, rows, j[da <= a])
    band = Band(n, m, np.minimum(lo, hi), hi)
    out = np.full(len(beads), np.nan)
    cells = band.index(i, j)
    for shape in set(zip(a.tolist(), b.tolist())):
        if shape[0] and shape[1]:
            mask = (a == shape[0]) & (b == shape[1])
            out[mask] = prepared.score(band, *shape)[cells[mask]]
    return tuple(out.tolist())


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """One bead of a document alignment with its texts and character offsets in each ``Document.text``."""

    src_text: str
    tgt_text: str
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    src_span: tuple[int, int] | None
    tgt_span: tuple[int, int] | None
    kind: str
    score: float
    confidence: float

    @property
    def is_pair(self) -> bool:
        """True when both sides have text (not a 1-0 or 0-1 bead)."""
        return bool(self.src and self.tgt)


@dataclass(frozen=True, slots=True)
class Alignment:
    """A whole document alignment: the sentences of both sides and one pair per bead."""

    src_sentences: tuple[Any, ...]
    tgt_sentences: tuple[Any, ...]
    beads: tuple[Bead, ...]
    pairs: tuple[AlignedPair, ...]
    src_lang: str
    tgt_lang: str
    #: each scorer's feature for every bead, by scorer name (``bead_features``): the evidence behind the beads
    evidence: tuple[tuple[str, tuple[float, ...]], ...] = ()
    #: the scorers, weights and calibration behind the confidences (outputs record it)
    signature: AlignSignature | None = None

    @property
    def calibrated(self) -> bool:
        """False when no calibration was fitted for the scorers used: the confidences are only a ranking."""
        return self.signature is None or self.signature.calibrated

    def feature(self, name: str) -> tuple[float, ...] | None:
        """The per-bead feature of scorer ``name``, or None when that scorer was not used."""
        return next((values for key, values in self.evidence if key == name), None)


def _span_text(text: str, sents: Sequence[Any], idx: tuple[int, ...]) -> tuple[str, tuple[int, int] | None]:
    if not idx:
        return "", None
    start, end = sents[idx[0]].start, sents[idx[-1]].end
    # Sentences of one bead joined by a single space: paragraph breaks inside a bead are layout, not content
    # (no-break spaces are content: str.split() would lose them).
    return " ".join(one_line(sents[k].text) for k in idx), (start, end)


def pairs_from_beads(beads: Sequence[Bead], src_doc_text: str, tgt_doc_text: str, src_sents: Sequence[Any],
                     tgt_sents: Sequence[Any]) -> tuple[AlignedPair, ...]:
    """Attach texts and character spans to beads."""
    out = []
    for bead in beads:
        st, ss = _span_text(src_doc_text, src_sents, bead.src)
        tt, ts = _span_text(tgt_doc_text, tgt_sents, bead.tgt)
        out.append(AlignedPair(st, tt, bead.src, bead.tgt, ss, ts, bead.kind, bead.score, bead.confidence))
    return tuple(out)


def align_documents(doc_src: Any, doc_tgt: Any, *, src_lang: str = "fr", tgt_lang: str = "en",
                    scorers: Sequence[Scorer] | None = None, params: AlignParams | None = None,
                    src_sentences: Sequence[Any] | None = None, tgt_sentences: Sequence[Any] | None = None,
                    paragraph_aware: bool = True) -> Alignment:
    """Segment two Documents (unless sentences are given) and align them paragraph-aware."""
    if src_sentences is None or tgt_sentences is None:
        from bilingual_pr.segment import segment_document

        src_sentences = segment_document(doc_src, src_lang) if src_sentences is None else src_sentences
        tgt_sentences = segment_document(doc_tgt, tgt_lang) if tgt_sentences is None else tgt_sentences
    blocks = None
    if paragraph_aware:
        blocks = ([s.block for s in src_sentences], [s.block for s in tgt_sentences])
    beads, evidence, signature = _align([s.text for s in src_sentences], [s.text for s in tgt_sentences],
                                        src_lang=src_lang, tgt_lang=tgt_lang, scorers=scorers, blocks=blocks,
                                        params=params, calibration=None, band_width=None)
    pairs = pairs_from_beads(beads, doc_src.text, doc_tgt.text, src_sentences, tgt_sentences)
    return Alignment(tuple(src_sentences), tuple(tgt_sentences), tuple(beads), pairs, src_lang, tgt_lang, evidence,
                     signature)


def read_presegmented(path: str, lang: str | None = None) -> tuple[Any, list[Any]]:
    """Read a file holding one sentence per line (blank lines separate paragraphs) as a Document and its sentences."""
    from bilingual_pr.documents import Block, Document, decode_text
    from bilingual_pr.errors import UserError
    from bilingual_pr.fileio import read_input_bytes
    from bilingual_pr.segment import Sentence

    text, encoding = decode_text(read_input_bytes(path), str(path))
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    sentences: list[Sentence] = []
    spans: list[list[int]] = []  # [start, end] of each block, sliced out once at the end (not once per line)
    block, pos, gap = 0, 0, False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            if gap and sentences:
                block += 1
            start = pos + line.index(stripped)
            end = start + len(stripped)
            sentences.append(Sentence(stripped, start, end, block))
            if len(spans) <= block:
                spans.append([start, end])
            else:
                spans[block][1] = end
            gap = False
        else:
            gap = True
        pos += len(line) + 1
    if not sentences:
        raise UserError(f"{path}: empty file (no sentences)")
    blocks = tuple(Block(text[start:end], "paragraph", start, end) for start, end in spans)
    return Document(blocks, text, str(path), "text", encoding, lang), sentences
