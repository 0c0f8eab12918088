"""Run the chosen QA families over a stream of segments and collect a Report.

The families come from the registry (qa/families.py). Three strategies give the
same report: in this process, batches sent to worker processes, or pieces of a
large TMX read by the workers themselves.
"""

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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import ScratchDir, write_scratch
from bilingual_pr.qa.families import REGISTRY, names
from bilingual_pr.qa.model import (SEVERITY_RANK, CheckSetup, Family, Finding, Report, Segment, UnitCheck,
                                   WholePass, segment_from_tuple)
from bilingual_pr.qa.terms import Matcher
from bilingual_pr.qa.typography import PROFILES

if TYPE_CHECKING:
    from bilingual_pr.glossary import Glossary


def resolve_profile(option: str | None, glossary: Glossary | None) -> str:
    """The typography profile: the --profile option, else the glossary's ``typography.fr`` property, else fr-FR."""
    chosen = option
    if chosen is None and glossary is not None:
        chosen = glossary.typography("fr")
    chosen = chosen or "fr-FR"
    for p in PROFILES:
        if p.lower() == chosen.strip().lower():
            return p
    raise UserError(f"unknown typography profile {chosen!r}: use one of {', '.join(PROFILES)}")


class UnitChecks:
    """The selected families' checks for one run, built once; worker processes inherit them."""

    def __init__(self, setup: CheckSetup, families: Iterable[Family]) -> None:
        chosen = list(families)
        self.setup = setup
        self.per_unit: list[UnitCheck] = [c for c in (f.unit(setup) for f in chosen if f.unit is not None)
                                          if c is not None]
        self.passes: list[WholePass] = [p for p in (f.whole(setup) for f in chosen if f.whole is not None)
                                        if p is not None]
        self.silencing: frozenset[str] = frozenset().union(*(f.silencing for f in chosen))

    def prepare(self, source_lang: str, target_lang: str) -> None:
        """Build what a language pair needs now (before worker processes fork)."""
        self.setup.prepare(source_lang, target_lang)

    def unit(self, seg: Segment) -> list[Finding]:
        """All per-unit findings of one segment (the whole passes record it too)."""
        for whole in self.passes:
            whole.add(seg)
        found: list[Finding] = []
        for check in self.per_unit:
            found.extend(check(seg))
        if found and self.silencing and any(f.check in self.silencing for f in found):
            found = [f for f in found if f.check in self.silencing]
        return found

    def take(self) -> list[Any]:
        """What each whole pass recorded since the last call (picklable: a worker sends it back)."""
        return [whole.take() for whole in self.passes]

    def merge(self, taken: list[Any], offset: int = 0) -> None:
        """Add the passes' records that ``take`` handed over, their units shifted by ``offset``."""
        for whole, part in zip(self.passes, taken, strict=True):
            whole.merge(part, offset)


class _ProcessState:
    """What a check worker process works with, handed over by the pool's initialiser (inherited by fork)."""

    def __init__(self, checks: UnitChecks, pieces: Any = None) -> None:
        self.checks = checks
        self.pieces: Any = pieces  # the input's TmxPieces, when the workers read pieces


_PROCESS: _ProcessState | None = None  # in a check worker only: set by _init_check_worker


def _pack(seg: Segment) -> tuple:
    # Plain tuples pickle several times faster than slotted dataclasses.
    return (seg.index, seg.source, seg.target, seg.source_lang, seg.target_lang, seg.id, seg.doc,
            seg.source_codes, seg.target_codes)


def _check_segments(checks: UnitChecks, segments: Iterable[tuple[Segment, tuple | None]]
                    ) -> tuple[list[tuple], list[tuple], list[Any]]:
    """Check (segment, packed or None) pairs; findings and hit units come back as tuples, with the passes' take."""
    found: list[tuple] = []
    hit: list[tuple] = []
    for seg, packed in segments:
        f = checks.unit(seg)
        if f:
            found.extend((x.check, x.severity, x.message, x.unit, x.source_spans, x.target_spans, x.suggestion,
                          x.related) for x in f)
            hit.append(packed if packed is not None else _pack(seg))
    return found, hit, checks.take()


def _check_batch(blob: bytes) -> tuple[list[tuple], list[tuple], list[Any]]:
    """In a worker: check one batch of packed units."""
    # The parent pickled the batch once, for its spill file and for us: bytes cross the pipe as is.
    assert _PROCESS is not None
    batch: list[tuple] = pickle.loads(blob)
    return _check_segments(_PROCESS.checks, ((segment_from_tuple(packed), packed) for packed in batch))


def _units_file(folder: str, piece: int) -> str:
    return os.path.join(folder, f"{piece}.units")


def _check_piece(index: int, spill: str | None) -> tuple[int, list[tuple], list[tuple], list[Any]]:
    """In a worker: read one piece of the memory and check it; units are numbered from 0 (the parent shifts them).

    With ``spill`` (a folder) the piece's units are also saved there, pickled, so that the parent
    can quote any of them in a whole-pass finding without parsing the piece again.
    """
    assert _PROCESS is not None
    segments = _PROCESS.pieces.segments(index)
    if spill is not None:
        # One pickle a unit behind a table of offsets: the parent reads back only the units it quotes.
        blobs = [pickle.dumps(_pack(seg), pickle.HIGHEST_PROTOCOL) for seg in segments]
        ends = array("q", itertools.accumulate(map(len, blobs)))
        write_scratch(_units_file(spill, index), (array("q", [len(blobs)]).tobytes(), ends.tobytes(), *blobs))
    return (len(segments), *_check_segments(_PROCESS.checks, ((seg, None) for seg in segments)))


class _Checked:
    """What a strategy gathered: findings, the units they point at, the unit count, and how to read others back."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.segments: dict[int, Segment] = {}
        self.units = 0
        self.fetch: Callable[[set[int]], dict[int, Segment]] = lambda wanted: {}
        self.close: Callable[[], None] = lambda: None

    def gather(self, checks: UnitChecks, found: list[tuple], hit: list[tuple], taken: list[Any],
               offset: int = 0) -> None:
        """Add what a worker sent back, its units shifted by ``offset``."""
        if offset:
            self.findings.extend(Finding(c, sev, msg, unit + offset, ss, ts, sug, tuple(r + offset for r in rel))
                                 for c, sev, msg, unit, ss, ts, sug, rel in found)
            self.segments.update((p[0] + offset, segment_from_tuple((p[0] + offset,) + p[1:])) for p in hit)
        else:
            self.findings.extend(Finding(*f) for f in found)
            self.segments.update((p[0], segment_from_tuple(p)) for p in hit)
        checks.merge(taken, offset)


def _counted(stream: Iterable[Segment], checked: _Checked, progress: Callable[[int], None] | None
             ) -> Iterator[Segment]:
    # Counts units as they are read, telling ``progress`` every thousand (and the rest at the end).
    for seg in stream:
        checked.units += 1
        if progress is not None and checked.units % 1000 == 0:
            progress(1000)
        yield seg
    if progress is not None:
        progress(checked.units % 1000)


def _in_process(stream: Iterable[Segment], checks: UnitChecks, progress: Callable[[int], None] | None
                ) -> _Checked:
    """Strategy 1: check every unit here, as it is read."""
    checked = _Checked()
    spill = _Spill() if checks.passes else None
    for seg in _counted(stream, checked, progress):
        if spill is not None:
            spill.add(_pack(seg))
        found = checks.unit(seg)
        if found:
            checked.findings.extend(found)
            checked.segments[seg.index] = seg
        if checked.units % _BATCH == 0:
            checks.merge(checks.take())
    checks.merge(checks.take())
    if spill is not None:
        checked.fetch, checked.close = spill.fetch, spill.close
    return checked


def _on_batches(stream: Iterable[Segment], checks: UnitChecks, jobs: int,
                progress: Callable[[int], None] | None) -> _Checked:
    """Strategy 2: read here, check batches of units in ``jobs`` worker processes.

    At most a few batches are in flight, so memory stays flat whatever the input size.
    """
    checked = _Checked()
    spill = _Spill() if checks.passes else None
    with _check_pool(jobs, _ProcessState(checks)) as pool:
        pending: deque = deque()
        for batch in _batches((_pack(seg) for seg in _counted(stream, checked, progress)), _BATCH):
            blob = spill.add_batch(batch) if spill is not None else _dumps(batch)
            pending.append(pool.apply_async(_check_batch, (blob,)))
            if len(pending) >= 3 * jobs:
                checked.gather(checks, *pending.popleft().get())
        while pending:
            checked.gather(checks, *pending.popleft().get())
    if spill is not None:
        checked.fetch, checked.close = spill.fetch, spill.close
    return checked


def _by_pieces(plan: Any, checks: UnitChecks, jobs: int, progress: Callable[[int], None] | None) -> _Checked:
    """Strategy 3: ``jobs`` worker processes each read and check whole pieces of the file; results in file order.

    The units a whole-pass finding quotes are saved by the workers, piece by piece, and read back from there.
    """
    checked = _Checked()
    spill_dir = ScratchDir("qa") if checks.passes else None
    spill = spill_dir.path if spill_dir is not None else None
    firsts: list[int] = []  # the number of each piece's first unit
    try:
        with _check_pool(jobs, _ProcessState(checks, plan)) as pool:
            todo = iter(range(len(plan)))
            pending: deque = deque()

            def submit() -> None:
                index = next(todo, None)
                if index is not None:
                    pending.append((index, pool.apply_async(_check_piece, (index, spill))))

            for _ in range(2 * jobs):
                submit()
            while pending:
                index, result = pending.popleft()
                submit()
                count, found, hit, taken = result.get()
                firsts.append(checked.units)
                checked.gather(checks, found, hit, taken, checked.units)
                checked.units += count
                if progress is not None:
                    progress(plan.size(index))
    except BaseException:
        if spill_dir is not None:
            spill_dir.cleanup()
        raise
    if spill_dir is not None and spill is not None:
        checked.fetch = lambda wanted: _fetch_from_pieces(spill, firsts, wanted)
        checked.close = spill_dir.cleanup
    return checked


def run_checks(read: Callable[[], Iterable[Segment]], *, glossary: Glossary | None = None, profile: str = "fr-FR",
               families: Iterable[str] | None = None, matcher_factory: Callable[[Any, str], Matcher] | None = None,
               progress: Callable[[int], None] | None = None, input_name: str = "<input>",
               jobs: int = 1, pieces: Callable[[], Any] | None = None,
               piece_progress: Callable[[int], None] | None = None, aligned: bool = False,
               rules: Any = None) -> Report:
    """Check every segment ``read()`` yields (read once, streamed) with the families chosen (default: all registered).

    With ``jobs`` > 1 the per-unit checks run in that many forked worker
    processes on batches of units, while this process reads the input. When
    ``pieces()`` gives a large TMX cut into pieces (qa.inputs.TmxPieces), each
    worker reads its own pieces instead and this process only gathers what they
    found (``piece_progress`` then gets the bytes of each piece checked).
    ``aligned``: the units are the beads of an alignment (a unit with one side empty has no counterpart).
    ``rules``: the user's rule pack (qa.rules.RulePack) for the rules family.
    Every strategy gives the same report.
    """
    started = time.perf_counter()
    registered = names()
    fams = frozenset(registered if families is None else families)
    unknown = fams - set(registered)
    if unknown:
        raise UserError(f"unknown check family {sorted(unknown)[0]!r}: use {', '.join(registered)}")
    setup = CheckSetup(glossary, profile, fams, matcher_factory, aligned, rules)
    chosen = [REGISTRY[name] for name in registered if name in fams]
    checks = UnitChecks(setup, chosen)
    langs = ("fr", "en")
    plan = pieces() if pieces is not None and jobs > 1 else None
    stream = iter(read())
    first = next(stream, None)
    if first is not None:
        langs = (first.source_lang, first.target_lang)
        checks.prepare(*langs)
    checked: _Checked | None = None
    if plan is not None:
        # Only the languages of the first unit were wanted from this pass: the workers read the rest.
        closing = getattr(stream, "close", None)
        if closing is not None:
            closing()
        try:
            checked = _by_pieces(plan, checks, jobs, piece_progress)
        except UserError:
            # A piece that does not parse: check the whole input the usual way, which reports
            # the file's problem exactly as a single reader does.
            checks = UnitChecks(setup, chosen)
            stream = iter(read())
    elif first is not None:
        stream = itertools.chain([first], stream)
    if checked is None:
        checked = (_in_process(stream, checks, progress) if jobs <= 1
                   else _on_batches(stream, checks, jobs, progress))
    findings, segments = checked.findings, checked.segments
    try:
        if checks.passes:
            missing = set().union(*(whole.wanted() for whole in checks.passes)) - segments.keys()
            if missing:
                segments.update(checked.fetch(missing))
            for whole in checks.passes:
                findings.extend(whole.findings(segments))
    finally:
        checked.close()
    findings.sort(key=lambda f: (f.unit, -SEVERITY_RANK[f.severity], f.check))
    used = {f.unit for f in findings} | {r for f in findings for r in f.related}
    segments = {i: s for i, s in segments.items() if i in used}
    return Report(findings=findings, segments=segments, units=checked.units, profile=profile, input_name=input_name,
                  glossary_name=glossary.path if glossary is not None else None,
                  source_lang=langs[0], target_lang=langs[1], checks=tuple(f.name for f in chosen),
                  elapsed_s=time.perf_counter() - started)


_BATCH = 2000


def _check_pool(jobs: int, state: _ProcessState) -> Any:
    """A pool of ``jobs`` forked check workers, each handed ``state`` by its initialiser."""
    from bilingual_pr.workers import signals_held

    with signals_held():  # the workers start here
        # A forked worker gets ``state`` as it is in memory here: nothing is pickled.
        return multiprocessing.get_context("fork").Pool(jobs, initializer=_init_check_worker, initargs=(state,))


def _init_check_worker(state: _ProcessState | None = None) -> None:
    """A check worker: signals as :func:`workers.init_pool_worker` sets them, ``state`` kept, inherited objects frozen.

    Its SIGTERM must be the default action: a worker that inherited a Python
    handler (the CLI installs one) and is waiting for a task when the pool ends
    can miss it, and the pool's ``terminate()`` then waits for it forever.
    ``gc.freeze()`` moves what it inherited (glossary, matchers: ~10⁵ objects)
    out of the collector's walks: every full collection would otherwise walk
    them again while the checks allocate and free millions of small objects,
    about a tenth of a worker's CPU time, measured.
    """
    global _PROCESS
    from bilingual_pr.workers import init_pool_worker

    init_pool_worker()
    _PROCESS = state
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
