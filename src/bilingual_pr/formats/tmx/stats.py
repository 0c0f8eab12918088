"""``tmx stats``: the counts of a memory, in one process or split over the pieces of a large file.

Every count is a sum over units, so with ``jobs`` > 1 each worker counts whole
pieces of the body (cut as :mod:`~bilingual_pr.formats.tmx.parallel` cuts them,
read by the same per-``<tu>`` code) and sends back, through a scratch file, only its
counts and its pairs' 64-bit keys (16 bytes a unit), not the units: a parallel read hands
every unit back to the calling process, which then spends about as long taking
them as a worker spends parsing them. The keys are Python string hashes, the
same in every process only after ``fork``; elsewhere, in a pool's worker, for
small or unusual files, and after any error in a piece (whose message the serial
reader gives exactly) the file is read serially.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from array import array
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import ScratchDir, write_scratch
from bilingual_pr.formats.tmx.dedup import distinct, pair_keys
from bilingual_pr.formats.tmx.parallel import ChunkPlan, TmxReader, _Catchup, _PieceReader, plan_chunks
from bilingual_pr.formats.tmx.reader import Progress
from bilingual_pr.formats.units import PROP_BEAD, PROP_SOURCE_DOC, TranslationUnit
from bilingual_pr.workers import init_pool_worker, signals_held, start_method

#: At most this many distinct source documents are told apart (the set stays small on any file).
MAX_DOCUMENTS = 100_000


@dataclass(frozen=True, slots=True)
class TmxStats:
    """Counts for ``tmx stats``."""

    units: int
    skipped: int
    srclang: str
    languages: tuple[tuple[str, int], ...]
    unique_pairs: int
    duplicates: int
    conflicting_sources: int
    empty_targets: int
    scored: int
    histogram: tuple[int, ...]
    needs_review: int
    beads: tuple[tuple[str, int], ...]
    documents: int


class Tally:
    """The running counts of ``tmx stats`` over some units; the tallies of pieces add up (:meth:`add_tally`)."""

    def __init__(self) -> None:
        self.units = self.skipped = 0
        self.pairs, self.sources = array("q"), array("q")
        self.hist = [0] * 10
        self.scored = self.needs_review = self.empty = 0
        self.beads: Counter[str] = Counter()
        self.documents: set[str] = set()
        self.lang_sets: dict[tuple[str, ...], int] = {}

    def add(self, units: Iterable[TranslationUnit]) -> None:
        """Count these units."""
        pairs, sources, hist, beads, documents = self.pairs, self.sources, self.hist, self.beads, self.documents
        for unit in units:
            self.units += 1
            if not unit.target.strip():
                self.empty += 1
            pair, source = pair_keys(unit.source_lang, unit.target_lang, unit.source, unit.target)
            pairs.append(pair)
            sources.append(source)
            conf = unit.confidence
            if conf is not None:
                self.scored += 1
                hist[min(9, max(0, int(conf * 10)))] += 1
            self.needs_review += unit.needs_review
            bead = unit.prop(PROP_BEAD)
            if bead:
                beads[bead] += 1
            doc = unit.prop(PROP_SOURCE_DOC)
            if doc and len(documents) < MAX_DOCUMENTS:
                documents.add(doc)

    def add_tally(self, other: Tally) -> None:
        """Add the counts of another piece of the file."""
        self.units += other.units
        self.skipped += other.skipped
        self.pairs.extend(other.pairs)
        self.sources.extend(other.sources)
        self.hist = [a + b for a, b in zip(self.hist, other.hist)]
        self.scored += other.scored
        self.needs_review += other.needs_review
        self.empty += other.empty
        self.beads.update(other.beads)
        # Each piece stops at MAX_DOCUMENTS too: the union reaches it exactly when the file has as many.
        self.documents.update(other.documents)
        for key, count in other.lang_sets.items():
            self.lang_sets[key] = self.lang_sets.get(key, 0) + count

    def stats(self, srclang: str) -> TmxStats:
        """The :class:`TmxStats` of what was counted."""
        unique_pairs, conflicting = distinct(self.pairs, self.sources)
        languages: Counter[str] = Counter()
        for langs, count in self.lang_sets.items():
            for lang in langs:
                languages[lang] += count
        return TmxStats(
            units=self.units, skipped=self.skipped, srclang=srclang,
            languages=tuple(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
            unique_pairs=unique_pairs, duplicates=len(self.pairs) - unique_pairs, conflicting_sources=conflicting,
            empty_targets=self.empty, scored=self.scored, histogram=tuple(self.hist), needs_review=self.needs_review,
            beads=tuple(sorted(self.beads.items(), key=lambda kv: (-kv[1], kv[0]))),
            documents=min(len(self.documents), MAX_DOCUMENTS),
        )


def tmx_stats(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None, *,
              progress: Progress | None = None, jobs: int = 1) -> TmxStats:
    """Count units, languages, duplicates, conflicts and the confidence histogram of a TMX file."""
    if jobs > 1 and Path(path).exists():
        plan = _parallel_plan(path, jobs)
        if plan is not None:
            tally, reported = _count_pieces(Path(path), plan, src_lang, tgt_lang, progress, jobs)
            if tally is not None:
                header = plan.header
                return tally.stats(src_lang or (header.srclang if header else ""))
            if progress is not None:  # read again serially: report only what the pieces did not
                progress = _Catchup(progress, reported)
    reader = TmxReader(path, src_lang, tgt_lang, progress=progress)
    tally = Tally()
    tally.add(reader)
    tally.skipped, tally.lang_sets = reader.skipped, reader.parser.lang_sets
    header = reader.header
    return tally.stats(src_lang or (header.srclang if header else ""))


def _parallel_plan(path: str | Path, jobs: int) -> ChunkPlan | None:
    if multiprocessing.current_process().daemon or start_method() != "fork":
        return None  # a pool's worker starts none; other start methods hash strings differently
    plan = plan_chunks(path)
    return plan if plan is not None and len(plan.chunks) >= 2 else None


def _count_piece(path: str, start: int, end: int, src_lang: str | None, tgt_lang: str | None,
                 srclang: str | None, scratch: str) -> str | None:
    """Runs in a worker: the name of the file in ``scratch`` holding the piece's pickled tally; None if it does not parse."""
    # A file, as for the parallel reader's pieces: what a killed run leaves there is swept by the
    # next run (fileio.ScratchDir).
    piece = _PieceReader(path, start, end, src_lang, tgt_lang, srclang)
    tally = Tally()
    try:
        tally.add(piece.units())
    except UserError:
        return None
    tally.skipped, tally.lang_sets = piece.skipped, piece.parser.lang_sets
    out = os.path.join(scratch, f"{start}.tally")
    write_scratch(out, (pickle.dumps(tally, pickle.HIGHEST_PROTOCOL),))
    return out


def _take_tally(name: str) -> Tally:
    """The tally a worker left in ``name``; the file is removed."""
    with open(name, "rb") as fh:
        tally = pickle.loads(fh.read())
    os.unlink(name)
    return tally


def _count_pieces(path: Path, plan: ChunkPlan, src_lang: str | None, tgt_lang: str | None,
                  progress: Progress | None, jobs: int) -> tuple[Tally | None, int]:
    """The pieces' tallies added up (None after a piece that does not parse), and the bytes reported."""
    srclang = plan.header.srclang if plan.header is not None else None
    reported = 0
    if progress is not None:
        progress(plan.head_bytes)
        reported = plan.head_bytes
    total = Tally()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(plan.chunks)), mp_context=context,
                               initializer=init_pool_worker)
    scratch = ScratchDir("read")
    try:
        with signals_held():  # the workers start here
            futures = [pool.submit(_count_piece, str(path), c.start, c.end, src_lang, tgt_lang, srclang,
                                   scratch.path) for c in plan.chunks]
        for chunk, future in zip(plan.chunks, futures):
            name = future.result()
            if name is None:
                return None, reported
            total.add_tally(_take_tally(name))
            if progress is not None:
                progress(chunk.end - chunk.start)
                reported += chunk.end - chunk.start
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        scratch.cleanup()
    return total, reported
