"""Many releases at once: pair the French and English files, align and check them in parallel, resume.

Pairing (``pair_files``, pure) keys every file by its document symbol
(``DG11/005F`` ↔ ``DG11/005E``, in the file name or, failing that, at the top
of the text) or by its ``*.fr.*`` / ``*.en.*`` name; a CSV manifest
(``fr,en[,name]``) says it explicitly. ``run_batch`` sends each pair to a
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
import io
import json
import multiprocessing
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.pipeline import (DEFAULT_MIN_CONFIDENCE, PairContext, PairStats, language_mark, plain_stem,
                                   safe_name, symbol_in_name, symbol_in_text)

#: Extensions read as release documents when a folder is given.
DOC_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".docx"})
#: 2: the stamp records the size of every output (their data is synced once, with the stamp's own fsync).
STAMP_VERSION = 2
MERGED_NAME = "merged.tmx"
SUMMARY_NAME = "summary.csv"
SUMMARY_FIELDS = ("name", "status", "fr", "en", "fr_sentences", "en_sentences", "pairs", "mean_confidence",
                  "in_memory", "needs_review", "no_counterpart", "qa_errors", "qa_warnings", "qa_info", "error", "warnings")


# ------------------------------------------------------------------ pairing (pure)


@dataclass(frozen=True, slots=True)
class ReleasePair:
    """The French and English files of one release and the name of its outputs."""

    name: str
    fr: Path
    en: Path


@dataclass(frozen=True, slots=True)
class Unpaired:
    """A file that could not be paired, and why."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class FileKey:
    """What pairing knows about one file: its language and the key its counterpart shares."""

    path: Path
    lang: str | None
    key: str | None
    label: str  # the release name this key gives
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Pairing:
    """The pairs found and the files left over."""

    pairs: tuple[ReleasePair, ...]
    unpaired: tuple[Unpaired, ...] = ()


def key_from_name(path: Path, rel_parent: str = "") -> FileKey:
    """Language and key from a file name: a symbol (``DG11-005F``) or a ``.fr.``/``.en.`` mark."""
    name = path.name
    mark, sym = language_mark(name), symbol_in_name(name)
    if sym is not None:
        return FileKey(path, mark or sym.lang, f"sym:{sym.core}", sym.core)
    if mark is not None:
        stem = plain_stem(name)
        return FileKey(path, mark, f"stem:{rel_parent}/{stem.casefold()}",
                       f"{rel_parent.replace('/', '-')}-{stem}" if rel_parent else stem)
    return FileKey(path, None, None, plain_stem(name))


def key_from_text(path: Path, text: str) -> FileKey:
    """Language and key from the document symbol at the top of the text (``DG26/014F``)."""
    sym = symbol_in_text(text)
    if sym is None:
        return FileKey(path, None, None, plain_stem(path.name),
                       "cannot tell the language or the release: no .fr./.en. in the name and no document symbol "
                       "ending in F/E in the name or at the top of the text")
    return FileKey(path, sym.lang, f"sym:{sym.core}", sym.core)


def _unique(names: Iterable[str]) -> list[str]:
    # The first of each name keeps it; a repeat takes the first free -2, -3…, never a name that
    # another release has (two releases in one folder, one tuid twice in merged.tmx).
    bases = [safe_name(n) for n in names]
    taken: set[str] = set()
    out: list[str | None] = []
    for base in bases:
        out.append(None if base.casefold() in taken else base)
        taken.add(base.casefold())
    for i, base in enumerate(bases):
        if out[i] is None:
            k = 2
            while f"{base}-{k}".casefold() in taken:
                k += 1
            out[i] = f"{base}-{k}"
            taken.add(f"{base}-{k}".casefold())
    return [n for n in out if n is not None]


def pair_files(files: Sequence[FileKey]) -> Pairing:
    """Pair files sharing a key, one French with one English; everything else is reported unpaired."""
    groups: dict[str, dict[str, list[FileKey]]] = defaultdict(lambda: {"fr": [], "en": []})
    unpaired: list[Unpaired] = []
    for f in files:
        if f.key is None or f.lang not in ("fr", "en"):
            unpaired.append(Unpaired(f.path, f.problem or "cannot tell the language or the release"))
        else:
            groups[f.key][f.lang].append(f)
    found: list[tuple[str, Path, Path]] = []
    for key in sorted(groups):
        fr, en = groups[key]["fr"], groups[key]["en"]
        if len(fr) == 1 and len(en) == 1:
            found.append((fr[0].label, fr[0].path, en[0].path))
            continue
        label = (fr or en)[0].label
        if not fr or not en:
            missing = "English" if not en else "French"
            unpaired.extend(Unpaired(f.path, f"no {missing} counterpart for {label}") for f in fr + en)
        else:
            unpaired.extend(Unpaired(f.path, f"{len(fr)} French and {len(en)} English files for {label}: "
                                             "pair them with a manifest") for f in fr + en)
    found.sort(key=lambda t: (t[0].casefold(), str(t[1])))
    names = _unique(t[0] for t in found)
    pairs = tuple(ReleasePair(n, fr, en) for n, (_, fr, en) in zip(names, found))
    return Pairing(pairs, tuple(sorted(unpaired, key=lambda u: str(u.path))))


def parse_manifest(text: str, base: Path, where: str = "<manifest>") -> Pairing:
    """Pairs from CSV text with columns fr,en[,name] (a header row names them; paths relative to ``base``)."""
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise UserError(f"{where}: empty manifest; expected a CSV with columns fr,en[,name]")
    head = [c.strip().lower() for c in rows[0]]
    if "fr" in head and "en" in head:
        cols = (head.index("fr"), head.index("en"), head.index("name") if "name" in head else None)
        rows = rows[1:]
    else:
        cols = (0, 1, 2)
    triples = []
    for n, row in enumerate(rows, 2 if cols != (0, 1, 2) else 1):
        try:
            fr, en = row[cols[0]].strip(), row[cols[1]].strip()
        except IndexError:
            raise UserError(f"{where}:{n}: expected fr,en[,name] columns") from None
        if not fr or not en:
            raise UserError(f"{where}:{n}: empty fr or en path")
        name = row[cols[2]].strip() if cols[2] is not None and len(row) > cols[2] else ""
        fr_p, en_p = base / fr, base / en
        triples.append((name or (symbol_in_name(fr_p.name).core if symbol_in_name(fr_p.name) else plain_stem(fr_p.name)),
                        fr_p, en_p))
    names = _unique(t[0] for t in triples)
    return Pairing(tuple(ReleasePair(n, fr, en) for n, (_, fr, en) in zip(names, triples)))


# ------------------------------------------------------------------ pairing (files)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def discover_pairs(folder: Path, exclude: Sequence[Path] = ()) -> Pairing:
    """Pair the release documents under ``folder`` (recursively; hidden files and ``exclude`` folders skipped)."""
    from bilingual_pr.documents import read_document

    keys: list[FileKey] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in DOC_SUFFIXES or any(_inside(path, x) for x in exclude):
            continue
        key = key_from_name(path, rel.parent.as_posix() if rel.parent != Path(".") else "")
        if key.key is None:
            try:
                key = key_from_text(path, read_document(path).text)
            except UserError as err:
                key = FileKey(path, None, None, path.name, str(err))
        keys.append(key)
    return pair_files(keys)


def load_pairs(source: Path, exclude: Sequence[Path] = ()) -> Pairing:
    """The pairs of a folder of releases, or of a CSV manifest."""
    if source.is_dir():
        return discover_pairs(source, exclude)
    if not source.exists():
        raise UserError(f"{source}: no such file or folder")
    if source.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise UserError(f"{source}: give a folder of releases or a CSV manifest (fr,en[,name])")
    from bilingual_pr.documents import decode_text
    from bilingual_pr.fileio import read_input_bytes

    text, _ = decode_text(read_input_bytes(source), str(source))
    return parse_manifest(text, source.parent, str(source))


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
    from bilingual_pr.fileio import deferred_fsync, write_text_atomic
    from bilingual_pr.pipeline import align_and_check

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
