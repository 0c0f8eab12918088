"""Run every QA check over a stream of segments and collect a Report."""

from __future__ import annotations

import bisect
import gc
import itertools
import multiprocessing
import os
import pickle
import tempfile
import time
from array import array
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import ScratchDir, write_scratch
from bilingual_pr.qa.consistency import ConsistencyTracker, conflict_findings
from bilingual_pr.qa.model import FAMILIES, SEVERITY_RANK, Finding, Report, Segment, segment_from_tuple
from bilingual_pr.qa.numbers import check_numbers
from bilingual_pr.qa.spacing import check_spacing
from bilingual_pr.qa.tags import check_tags
from bilingual_pr.qa.terms import Matcher, TermChecker, Usage, concept_findings, merge_usage
from bilingual_pr.qa.typography import PROFILES, check_typography
from bilingual_pr.qa.untranslated import check_untranslated


def resolve_profile(option: str | None, glossary: Any | None) -> str:
    """The typography profile: the --profile option, else the glossary's ``typography.fr`` property, else fr-FR."""
    chosen = option
    if chosen is None and glossary is not None and hasattr(glossary, "typography"):
        chosen = glossary.typography("fr")
    chosen = chosen or "fr-FR"
    for p in PROFILES:
        if p.lower() == chosen.strip().lower():
            return p
    raise UserError(f"unknown typography profile {chosen!r}: use one of {', '.join(PROFILES)}")


class UnitChecks:
    """Every per-unit check, configured once; also the state a worker process inherits."""

    def __init__(self, glossary: Any | None, profile: str, families: frozenset[str],
                 matcher_factory: Callable[[Any, str], Matcher] | None) -> None:
        self.glossary, self.families, self.matcher_factory = glossary, families, matcher_factory
        self.term_checkers: dict[tuple[str, str], TermChecker] = {}
        self.use_terms = glossary is not None and ("terms" in families or "consistency" in families)
        self.report_terms = "terms" in families
        self.per_unit: list[Callable[[Segment], list[Finding]]] = []
        if "numbers" in families:
            self.per_unit.append(check_numbers)
        if "untranslated" in families:
            self.per_unit.append(check_untranslated)
        if "spacing" in families:
            self.per_unit.append(check_spacing)
        if "tags" in families:
            self.per_unit.append(check_tags)
        if "typography" in families and profile != "off":
            self.per_unit.append(lambda seg: check_typography(seg, profile))

    def prepare(self, source_lang: str, target_lang: str) -> None:
        """Build the term matchers of a language pair now (before worker processes fork)."""
        if self.use_terms and (source_lang, target_lang) not in self.term_checkers:
            self.term_checkers[(source_lang, target_lang)] = TermChecker(
                self.glossary, source_lang, target_lang, self.matcher_factory)

    def unit(self, seg: Segment) -> list[Finding]:
        """All per-unit findings of one segment."""
        found: list[Finding] = []
        if self.use_terms:
            checker = self.term_checkers.get((seg.source_lang, seg.target_lang))
            if checker is None:
                self.prepare(seg.source_lang, seg.target_lang)
                checker = self.term_checkers[(seg.source_lang, seg.target_lang)]
            term_found = checker.check(seg)
            if self.report_terms:
                found.extend(term_found)
        for check in self.per_unit:
            found.extend(check(seg))
        if found and any(f.check == "untranslated" for f in found):
            # Everything else about a copied source is noise.
            found = [f for f in found if f.check == "untranslated"]
        return found

    def take_usage(self) -> Usage:
        """Concept renderings recorded since the last call, all language pairs together."""
        usage: Usage = {}
        for checker in self.term_checkers.values():
            merge_usage(usage, checker.take_usage())
        return usage


_WORKER: UnitChecks | None = None  # set in the parent just before forking


def _pack(seg: Segment) -> tuple:
    # Plain tuples pickle several times faster than slotted dataclasses.
    return (seg.index, seg.source, seg.target, seg.source_lang, seg.target_lang, seg.id, seg.doc,
            seg.source_codes, seg.target_codes)


def _check_segments(segments: Iterable[tuple[Segment, tuple | None]], track: bool
                    ) -> tuple[list[tuple], list[tuple], Usage, ConsistencyTracker | None]:
    """In a worker: check (segment, packed or None) pairs; findings and hit units come back as tuples."""
    assert _WORKER is not None
    found: list[tuple] = []
    hit: list[tuple] = []
    tracker = ConsistencyTracker() if track else None
    for seg, packed in segments:
        if tracker is not None:
            tracker.add(seg)
        f = _WORKER.unit(seg)
        if f:
            found.extend((x.check, x.severity, x.message, x.unit, x.source_spans, x.target_spans, x.suggestion,
                          x.related) for x in f)
            hit.append(packed if packed is not None else _pack(seg))
    return found, hit, _WORKER.take_usage(), tracker


def _check_batch(blob: bytes, track: bool) -> tuple[list[tuple], list[tuple], Usage, ConsistencyTracker | None]:
    # The parent pickled the batch once, for its spill file and for us: bytes cross the pipe as is.
    batch: list[tuple] = pickle.loads(blob)
    return _check_segments(((segment_from_tuple(packed), packed) for packed in batch), track)


_PIECES: Any = None  # the TmxPieces of the input, set in the parent just before forking


def _units_file(folder: str, piece: int) -> str:
    return os.path.join(folder, f"{piece}.units")


def _check_piece(index: int, track: bool, spill: str | None
                 ) -> tuple[int, list[tuple], list[tuple], Usage, ConsistencyTracker | None]:
    """Read one piece of the memory and check it; units are numbered from 0 (the parent shifts them).

    With ``spill`` (a folder) the piece's units are also saved there, pickled, so that the parent
    can quote any of them in a consistency finding without parsing the piece again.
    """
    assert _PIECES is not None
    segments = _PIECES.segments(index)
    if spill is not None:
        # One pickle a unit behind a table of offsets: the parent reads back only the units it quotes.
        blobs = [pickle.dumps(_pack(seg), pickle.HIGHEST_PROTOCOL) for seg in segments]
        ends = array("q", itertools.accumulate(map(len, blobs)))
        write_scratch(_units_file(spill, index), (array("q", [len(blobs)]).tobytes(), ends.tobytes(), *blobs))
    return (len(segments), *_check_segments(((seg, None) for seg in segments), track))


def run_checks(read: Callable[[], Iterable[Segment]], *, glossary: Any | None = None, profile: str = "fr-FR",
               families: Iterable[str] = FAMILIES, matcher_factory: Callable[[Any, str], Matcher] | None = None,
               progress: Callable[[int], None] | None = None, input_name: str = "<input>",
               jobs: int = 1, pieces: Callable[[], Any] | None = None,
               piece_progress: Callable[[int], None] | None = None) -> Report:
    """Check every segment ``read()`` yields (read once, streamed).

    With ``jobs`` > 1 the per-unit checks run in that many forked worker
    processes on batches of units, while this process reads the input and
    keeps the consistency hashes; at most a few batches are in flight, so
    memory stays flat whatever the input size. When ``pieces()`` gives a
    large TMX cut into pieces (qa.inputs.TmxPieces), each worker reads its
    own pieces instead and this process only gathers what they found; the
    units a consistency finding quotes are read again from their piece.
    ``piece_progress`` then gets the bytes of each piece checked.
    """
    global _WORKER
    started = time.perf_counter()
    fams = frozenset(families)
    unknown = fams - set(FAMILIES)
    if unknown:
        raise UserError(f"unknown check family {sorted(unknown)[0]!r}: use {', '.join(FAMILIES)}")
    checks = UnitChecks(glossary, profile, fams, matcher_factory)
    tracker = ConsistencyTracker() if "consistency" in fams else None
    findings: list[Finding] = []
    segments: dict[int, Segment] = {}
    usage: Usage = {}
    units = 0
    langs = ("fr", "en")
    plan = pieces() if pieces is not None and jobs > 1 else None
    stream = iter(read())
    first = next(stream, None)
    if plan is not None:
        # Only the languages of the first unit were wanted from this pass: the workers read the rest.
        closing = getattr(stream, "close", None)
        if closing is not None:
            closing()
        stream = iter(())
    if first is not None:
        langs = (first.source_lang, first.target_lang)
        checks.prepare(*langs)
        stream = itertools.chain([first], stream)
    firsts: list[int] = []
    spill_dir = ScratchDir("qa") if plan is not None and tracker is not None else None
    spill_path = spill_dir.path if spill_dir is not None else None
    if plan is not None:
        try:
            units = _run_pieces(plan, checks, jobs, tracker, findings, segments, usage, piece_progress, firsts,
                                spill_path)
        except UserError:
            # A piece that does not parse: check the whole input the usual way, which reports
            # the file's problem exactly as a single reader does.
            plan = None
            tracker = ConsistencyTracker() if "consistency" in fams else None
            findings, segments, usage, units = [], {}, {}, 0
            stream = iter(read())

    spill = _Spill() if tracker is not None and plan is None else None

    def counted(it: Iterable[Segment], track: bool, spill_each: bool = True) -> Iterator[tuple[Segment, tuple]]:
        nonlocal units
        for seg in it:
            units += 1
            packed = _pack(seg)
            if spill_each and spill is not None:
                spill.add(packed)
            if track and tracker is not None:
                tracker.add(seg)
            if progress is not None and units % 1000 == 0:
                progress(1000)
            yield seg, packed

    if plan is None and jobs <= 1:
        for seg, _ in counted(stream, True):
            found = checks.unit(seg)
            if found:
                findings.extend(found)
                segments[seg.index] = seg
        usage = checks.take_usage()
    elif plan is None:
        _WORKER = checks
        try:
            with _check_pool(jobs) as pool:
                pending: deque = deque()

                def collect() -> None:
                    found, hit, more, hashes = pending.popleft().get()
                    findings.extend(Finding(*f) for f in found)
                    segments.update((p[0], Segment(*p)) for p in hit)
                    merge_usage(usage, more)
                    if tracker is not None and hashes is not None:
                        tracker.extend(hashes)

                for batch in _batches((packed for _, packed in counted(stream, False, False)), _BATCH):
                    blob = spill.add_batch(batch) if spill is not None else _dumps(batch)
                    pending.append(pool.apply_async(_check_batch, (blob, tracker is not None)))
                    if len(pending) >= 3 * jobs:
                        collect()
                while pending:
                    collect()
        finally:
            _WORKER = None
    if progress is not None and plan is None:
        progress(units % 1000)
    if tracker is not None:
        conflicts = tracker.conflicts()
        concept = concept_findings(usage)
        wanted = {c.unit for c in conflicts} | {c.reference for c in conflicts}
        wanted |= {f.unit for f in concept} | {r for f in concept for r in f.related}
        missing = wanted - segments.keys()
        if missing and spill is not None:
            segments.update(spill.fetch(missing))
        if missing and plan is not None and spill_path is not None:
            segments.update(_fetch_from_pieces(spill_path, firsts, missing))
        if spill is not None:
            spill.close()
        findings.extend(conflict_findings(conflicts, segments))
        findings.extend(concept)
    if spill_dir is not None:
        spill_dir.cleanup()
    findings.sort(key=lambda f: (f.unit, -SEVERITY_RANK[f.severity], f.check))
    used = {f.unit for f in findings} | {r for f in findings for r in f.related}
    segments = {i: s for i, s in segments.items() if i in used}
    return Report(findings=findings, segments=segments, units=units, profile=profile, input_name=input_name,
                  glossary_name=getattr(glossary, "path", None) if glossary is not None else None,
                  source_lang=langs[0], target_lang=langs[1], checks=tuple(f for f in FAMILIES if f in fams),
                  elapsed_s=time.perf_counter() - started)


_BATCH = 2000


def _run_pieces(plan: Any, checks: UnitChecks, jobs: int, tracker: ConsistencyTracker | None,
                findings: list[Finding], segments: dict[int, Segment], usage: Usage,
                progress: Callable[[int], None] | None, firsts: list[int], spill: str | None) -> int:
    """Check every piece in ``jobs`` forked workers, gathering results in file order; return the unit count.

    ``firsts`` receives the number of each piece's first unit; with ``spill`` (a folder) the
    workers save each piece's units there.
    """
    global _WORKER, _PIECES
    units = 0
    _WORKER, _PIECES = checks, plan
    try:
        with _check_pool(jobs) as pool:
            todo = iter(range(len(plan)))
            pending: deque = deque()

            def submit() -> None:
                index = next(todo, None)
                if index is not None:
                    pending.append((index, pool.apply_async(_check_piece, (index, tracker is not None, spill))))

            for _ in range(2 * jobs):
                submit()
            while pending:
                index, result = pending.popleft()
                submit()
                count, found, hit, more, hashes = result.get()
                offset = units
                firsts.append(offset)
                findings.extend(Finding(c, sev, msg, unit + offset, ss, ts, sug, tuple(r + offset for r in rel))
                                for c, sev, msg, unit, ss, ts, sug, rel in found)
                segments.update((p[0] + offset, segment_from_tuple((p[0] + offset,) + p[1:])) for p in hit)
                merge_usage(usage, more, offset)
                if tracker is not None and hashes is not None:
                    tracker.extend(hashes, offset)
                units += count
                if progress is not None:
                    progress(plan.size(index))
    finally:
        _WORKER = _PIECES = None
    return units


def _check_pool(jobs: int) -> Any:
    """A pool of ``jobs`` forked check workers (they inherit ``_WORKER`` and ``_PIECES``)."""
    from bilingual_pr.workers import signals_held

    with signals_held():  # the workers start here
        return multiprocessing.get_context("fork").Pool(jobs, initializer=_init_check_worker)


def _init_check_worker() -> None:
    """A check worker: signals as :func:`workers.init_pool_worker` sets them, inherited objects frozen.

    Its SIGTERM must be the default action: a worker that inherited a Python
    handler (the CLI installs one) and is waiting for a task when the pool ends
    can miss it, and the pool's ``terminate()`` then waits for it forever.
    ``gc.freeze()`` moves what it inherited (glossary, matchers: ~10⁵ objects)
    out of the collector's walks: every full collection would otherwise walk
    them again while the checks allocate and free millions of small objects,
    about a tenth of a worker's CPU time, measured.
    """
    from bilingual_pr.workers import init_pool_worker

    init_pool_worker()
    gc.freeze()


def _fetch_from_pieces(spill: str, firsts: list[int], wanted: set[int]) -> dict[int, Segment]:
    """The units with these indices, from the pieces the workers saved in ``spill``."""
    by_piece: dict[int, set[int]] = {}
    for w in wanted:
        by_piece.setdefault(bisect.bisect_right(firsts, w) - 1, set()).add(w)
    out: dict[int, Segment] = {}
    for index, want in sorted(by_piece.items()):
        with open(_units_file(spill, index), "rb") as fh:
            count = array("q", fh.read(8))[0]
            ends = array("q", fh.read(8 * count))
            data_at = 8 + 8 * count
            for w in sorted(want):
                k = w - firsts[index]
                start = ends[k - 1] if k else 0
                fh.seek(data_at + start)
                packed = pickle.loads(fh.read(ends[k] - start))
                out[w] = segment_from_tuple((w,) + packed[1:])
    return out


def _dumps(batch: list[tuple]) -> bytes:
    return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)


class _Spill:
    """Every unit, pickled by batches into an anonymous temporary file (8 bytes of memory each).

    Consistency findings are only known at the end and must quote the units
    involved; reading them back from here costs a seek and one batch each, where
    a second pass over the input would cost a whole parse. With worker processes
    the pickled batch written here is the very one sent to a worker, so each unit
    is pickled once (pickling units one by one, then again for the worker, cost
    the main process about 5 us a unit).
    """

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(prefix="bilingual-pr-qa-")
        self._idx = array("q")    # unit index, in input order
        self._first = array("q")  # position (in _idx) of the first unit of each batch
        self._off = array("q")    # file offset of each batch
        self._pos = 0
        self._pending: list[tuple] = []

    def add(self, packed: tuple) -> None:
        """Append one packed unit (written with the next full batch)."""
        self._pending.append(packed)
        if len(self._pending) >= _BATCH:
            self._flush_pending()

    def add_batch(self, batch: list[tuple]) -> bytes:
        """Append a batch of packed units; return its pickle."""
        self._flush_pending()
        blob = _dumps(batch)
        self._first.append(len(self._idx))
        self._off.append(self._pos)
        self._fh.write(blob)
        self._pos += len(blob)
        self._idx.extend([p[0] for p in batch])
        return blob

    def _flush_pending(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self.add_batch(pending)

    def fetch(self, wanted: set[int]) -> dict[int, Segment]:
        """The units with these indices, read back."""
        self._flush_pending()
        out: dict[int, Segment] = {}
        self._fh.flush()
        idx = self._idx
        # Positions come in increasing order, so one batch in memory at a time reads each batch once.
        loaded, batch = -1, []
        for i in range(len(idx)) if len(wanted) * 8 > len(idx) else _positions(idx, wanted):
            if idx[i] in wanted:
                b = bisect.bisect_right(self._first, i) - 1
                if b != loaded:
                    end = self._off[b + 1] if b + 1 < len(self._off) else self._pos
                    self._fh.seek(self._off[b])
                    loaded, batch = b, pickle.loads(self._fh.read(end - self._off[b]))
                out[idx[i]] = Segment(*batch[i - self._first[b]])
        self._fh.seek(0, 2)
        return out

    def close(self) -> None:
        """Remove the temporary file."""
        self._fh.close()


def _positions(idx: array, wanted: set[int]) -> Iterator[int]:
    # Readers number units 0, 1, 2... so the position is the index; check, else search.
    n = len(idx)
    for w in sorted(wanted):
        if 0 <= w < n and idx[w] == w:
            yield w
        else:
            yield from (i for i in range(n) if idx[i] == w)


def _batches(it: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for seg in it:
        batch.append(seg)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def should_fail(report: Report, fail_on: str) -> bool:
    """True when a finding is at or above ``fail_on`` (error, warning, info; never fails on nothing)."""
    if fail_on == "never":
        return False
    return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in report.findings)
