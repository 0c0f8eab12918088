"""Read one large TMX file on several cores: the body is cut at ``<tu`` starts and each piece parsed apart.

One process reads a million units in about 27 s on this project's machine
(docs/tmx.md): lxml's parse and the Python that turns each ``<tu>`` into a unit
cost about the same. Here each piece of the body (about 2 MB, wrapped in
``<tmx><body>`` … ``</body></tmx>``) is parsed whole by the same per-unit code
as the serial reader (:class:`~bilingual_pr.formats.tmx.reader.UnitParser`, whose
skip callback each piece collects with its lines). Worker processes pickle their pieces' units into scratch
files; the calling process reads its own share of the pieces in between (see
:func:`main_share`) and gives every unit out in file order.

The cut is safe without understanding the XML in between: in UTF-8 the bytes
``<tu`` can only start a ``<tu>`` tag, a comment, a CDATA section or a
processing instruction. A cut inside one of the latter leaves the piece before
it unterminated, so that piece fails to parse, and the reader then falls back to
one serial pass (skipping the units already given out) that reports the file's
problem exactly as the serial reader always does. Files the cut cannot serve
(not UTF-8, a DOCTYPE, namespace declarations on the root, anything unusual
around ``<body>`` or after ``</body>``, small files) are read serially from the
start.

:class:`TmxReader` is the public reader: the serial one, plus this path when
``jobs`` > 1. This module depends on :mod:`~bilingual_pr.formats.tmx.reader`
only (and on :mod:`bilingual_pr.workers` for the pool's signal handling).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import re
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from lxml import etree

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import ScratchDir, write_scratch
from bilingual_pr.formats.tmx.reader import (Progress, SerialTmxReader, UnitParser, header_from, iter_units,
                                              make_unit, new_unit)
from bilingual_pr.formats.units import TmxHeader, TranslationUnit
from bilingual_pr.workers import init_pool_worker, signals_held, start_method
from bilingual_pr.xmlsafe import iterparse_xml, xml_parser

CHUNK_BYTES = 2 * 1024 * 1024
# Below this a pool's start-up (tens of ms per worker) outweighs what it saves.
MIN_PARALLEL_BYTES = 8 * 1024 * 1024
_HEAD_BYTES = 1024 * 1024
# CPU µs a unit with both processes busy (bench_tmx.py's units, docs/tmx.md): a piece read by the
# calling process, a worker's piece parsed and pickled there, and unpickled and built here.
_OWN_COST, _WORKER_COST, _RECEIVE_COST = 27.0, 34.0, 9.0
_TAIL_BYTES = 64 * 1024

_XML_DECL = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\?>")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_PLAIN_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>")
_BODY_OPEN = re.compile(rb"<body\s*>")
_TU_START = re.compile(rb"<tu[\s>/]")
_TAIL = re.compile(rb"\A\s*</tmx\s*>\s*\Z")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A byte range of the TMX body that starts at a ``<tu`` (or at the body's start)."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ChunkPlan:
    """How a file is cut: its header, the line the body starts on, and the body's pieces."""

    header: TmxHeader | None
    head_bytes: int
    body_newlines: int
    chunks: tuple[Chunk, ...]


def _head_header(head: bytes) -> tuple[bool, TmxHeader | None]:
    """Parse the prolog up to ``<body>``; (usable, header) where unusable means "read serially"."""
    try:
        root = etree.fromstring(head + b"</body></tmx>", xml_parser())
    except etree.XMLSyntaxError:
        return False, None
    if root.tag != "tmx" or root.nsmap:
        return False, None
    headers = list(root.iter("header"))
    if next(root.iter("tu"), None) is not None or len(headers) > 1:
        return False, None
    if headers and headers[0].getparent() is not root:
        return False, None
    return True, (header_from(headers[0]) if headers else None)


def plan_chunks(path: str | Path, chunk_bytes: int | None = None, min_bytes: int | None = None) -> ChunkPlan | None:
    """Cut a UTF-8 TMX file's body into pieces of about ``chunk_bytes``; None when it must be read serially."""
    path = Path(path)
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    min_bytes = MIN_PARALLEL_BYTES if min_bytes is None else min_bytes
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size < max(min_bytes, 2 * chunk_bytes):
        return None
    with open(path, "rb") as fh:
        head = fh.read(min(size, _HEAD_BYTES))
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:512]:
            return None
        decl = _XML_DECL.match(head)
        if decl:
            enc = _ENCODING.search(decl.group(0))
            if enc and enc.group(1).lower() not in (b"utf-8", b"utf8"):
                return None
        # Our own files name the external DTD (never loaded); an internal subset could declare
        # entities or default attributes the pieces would not see, so such files are read serially.
        if b"<!ENTITY" in head or (b"<!DOCTYPE" in head and not _PLAIN_DOCTYPE.search(head)):
            return None
        body = _BODY_OPEN.search(head)
        if body is None:
            return None
        ok, header = _head_header(head[:body.end()])
        if not ok:
            return None
        fh.seek(max(0, size - _TAIL_BYTES))
        tail_at = fh.tell()
        tail = fh.read()
        close = tail.rfind(b"</body>")
        if close < 0 or not _TAIL.match(tail[close + len(b"</body>"):]):
            return None
        body_start, body_end = body.end(), tail_at + close
        if body_end <= body_start:
            return None
        chunks: list[Chunk] = []
        start = body_start
        while start < body_end:
            cut = _next_tu(fh, start + chunk_bytes, body_end)
            chunks.append(Chunk(start, cut))
            start = cut
    return ChunkPlan(header, body_start, head[:body_start].count(b"\n"), tuple(chunks))


def _next_tu(fh, pos: int, limit: int) -> int:
    """The offset of the first ``<tu`` tag start at or after ``pos`` (``limit`` when there is none)."""
    window = 64 * 1024
    while pos < limit:
        fh.seek(pos)
        # Read a few bytes more so a "<tu" straddling two windows is still seen.
        data = fh.read(min(window, limit - pos) + 3)
        found = _TU_START.search(data)
        if found and pos + found.start() < limit:
            return pos + found.start()
        pos += window
        window = min(window * 2, 4 * 1024 * 1024)
    return limit


class _PieceReader:
    """The serial reader's per-``<tu>`` code over one piece of the body, wrapped in ``<tmx><body>``."""

    def __init__(self, path: str, start: int, end: int, src_lang: str | None, tgt_lang: str | None,
                 srclang: str | None) -> None:
        with open(path, "rb") as fh:
            fh.seek(start)
            self.data = fh.read(end - start)
        self.path = path
        self.parser = UnitParser(src_lang, tgt_lang, self._skip)
        if srclang is not None:
            self.parser.header = TmxHeader(srclang=srclang)
        self.skipped = 0
        # Skips are kept with their line in the piece; the caller knows the lines before it.
        self.records: list[tuple[int | None, str]] = []

    def _skip(self, line: int | None, why: str) -> None:
        self.skipped += 1
        if len(self.records) < SerialTmxReader.MAX_REASONS:
            self.records.append((line, why))

    def units(self) -> Iterator[TranslationUnit]:
        """The piece's units; a UserError when the piece does not parse."""
        for fields in self.fields():
            yield make_unit(fields)

    def fields(self) -> Iterator[tuple]:
        """The piece's units as :func:`reader.new_unit` field tuples; a UserError when the piece does not parse."""
        wrapped = b"<tmx><body>" + self.data + b"</body></tmx>"
        try:
            root = etree.fromstring(wrapped, xml_parser())
        except etree.XMLSyntaxError as err:
            raise UserError(f"{self.path}: malformed XML in a piece: {err}") from None
        # One parse of the whole piece costs less than iterparse's incremental feed, and nothing
        # needs freeing as it goes. The units must come out as the serial reader's end events
        # would: so only when every <tu> or <header> sits directly in <body> (nothing nested).
        found = list(root.iter("tu", "header"))
        body = root[0]
        if all(el.getparent() is body for el in found):
            fields_of = self.parser.fields
            for el in found:
                fields = fields_of(el)
                if fields is not None:
                    yield fields
            return
        del found, root, body
        events = iterparse_xml(io.BytesIO(wrapped), tag=("header", "tu"), where=self.path)
        yield from iter_units(events, self.parser, Path(self.path), checked_root=True, unit_of=self.parser.fields)

    def summary(self) -> tuple:
        """What the caller adds to its own reader: language sets, skips, skip records, newlines."""
        return (self.parser.lang_sets, self.skipped, self.records, self.data.count(b"\n"))


def piece_units(path: str | Path, plan: ChunkPlan, index: int, src_lang: str | None = None,
                tgt_lang: str | None = None, codes: bool = False) -> list[TranslationUnit]:
    """The units of one piece of a planned file, read in this process; a UserError when it does not parse.

    ``codes``: keep inline codes (see :class:`~bilingual_pr.formats.tmx.reader.UnitParser`).
    """
    chunk = plan.chunks[index]
    srclang = plan.header.srclang if plan.header is not None else None
    piece = _PieceReader(str(path), chunk.start, chunk.end, src_lang, tgt_lang, srclang)
    piece.parser.codes = codes
    return list(piece.units())


def _read_piece(path: str, start: int, end: int, src_lang: str | None, tgt_lang: str | None,
                srclang: str | None, scratch: str) -> tuple:
    """Runs in a worker: a piece's units, pickled into a file in ``scratch``, or the parse error.

    The units go through a file, not the pool's pipe: a 3 MB result crosses a
    64 KB pipe in some fifty reads by the caller's result thread, each waiting
    for the GIL its main thread holds while parsing, and the worker stalls
    meanwhile (2-3 s on a million units, measured).
    """
    began = time.perf_counter()
    piece = _PieceReader(path, start, end, src_lang, tgt_lang, srclang)
    try:
        fields = list(piece.fields())
    except UserError as err:
        return ("error", str(err))
    out = os.path.join(scratch, f"{start}.units")
    write_scratch(out, (_dumps_flat(fields),))
    return ("ok", out, time.perf_counter() - began, *piece.summary())


def _take_units(name: str) -> list[tuple]:
    """The field tuples a worker left in ``name``; the file is removed."""
    with open(name, "rb") as fh:
        blob = fh.read()
    os.unlink(name)
    return pickle.loads(blob)


def _dumps_flat(rows: list[tuple]) -> bytes:
    """Pickle tuples of strings without the memo: 1 µs a unit instead of 6.5 (they share nothing worth it)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, pickle.HIGHEST_PROTOCOL)
    # Fast mode skips the memo, which would only matter for shared or self-referencing objects;
    # rows hold only strings, None and tuples of strings.
    pickler.fast = True
    pickler.dump(rows)
    return buf.getvalue()


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context(start_method())


class TmxReader(SerialTmxReader):
    """Stream the units of a TMX file; with ``jobs`` > 1 a large file is read by that many processes.

    Units, counts, skip reasons, ``header`` and ``languages`` are exactly the
    serial reader's (:class:`~bilingual_pr.formats.tmx.reader.SerialTmxReader`,
    language choice in :class:`~bilingual_pr.formats.tmx.reader.UnitParser`).
    """

    def __init__(self, path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None, *,
                 progress: Progress | None = None, jobs: int = 1) -> None:
        super().__init__(path, src_lang, tgt_lang, progress=progress)
        self.jobs = jobs

    def __iter__(self) -> Iterator[TranslationUnit]:
        if not self.path.exists():
            raise UserError(f"{self.path}: no such file")
        if self.jobs > 1:
            parallel = read_parallel(self)
            if parallel is not None:
                yield from parallel
                return
        yield from self.read()


def read_parallel(reader: TmxReader) -> Iterator[TranslationUnit] | None:
    """Units of ``reader``'s file read by ``reader.jobs`` processes in all; None when it must read serially."""
    if reader.jobs < 2 or multiprocessing.current_process().daemon:
        return None  # a pool's worker cannot start workers of its own
    plan = plan_chunks(reader.path)
    if plan is None or len(plan.chunks) < 2:
        return None
    return _read_plan(reader, plan)


def _read_plan(reader: TmxReader, plan: ChunkPlan) -> Iterator[TranslationUnit]:
    reader.header = plan.header
    srclang = plan.header.srclang if plan.header is not None else None
    progress = reader.progress
    reported = 0
    if progress is not None:
        progress(plan.head_bytes)
        reported = plan.head_bytes
    given = 0
    lines = plan.body_newlines
    path = str(reader.path)
    jobs = min(reader.jobs, len(plan.chunks))
    chunks = plan.chunks
    # This process reads its share of the pieces itself, between the workers' results: its units
    # cost no pickling, and it would otherwise mostly wait.
    split = PieceSplit(jobs)
    mine: list[bool] = []
    pool = ProcessPoolExecutor(max_workers=jobs - 1, mp_context=_context(), initializer=init_pool_worker)
    scratch_dir = ScratchDir("read")
    scratch = scratch_dir.path
    futures: dict[int, Future] = {}
    failed = False
    lang_sets = reader.parser.lang_sets

    def take(summary: tuple) -> None:
        nonlocal lines
        chunk_langs, skipped, records, newlines = summary
        for key, count in chunk_langs.items():
            lang_sets[key] = lang_sets.get(key, 0) + count
        reader.skipped += skipped
        for line, why in records:
            if len(reader.skip_reasons) < reader.MAX_REASONS:
                reader.skip_reasons.append(f"{path}:{line + lines if line is not None else None}: {why}")
        lines += newlines

    try:
        def decide(upto: int) -> None:
            # Pieces are handed out in file order until each worker has two: one to parse, one waiting
            # (but no further than a few pieces ahead, so the split can still follow the costs).
            while len(mine) < len(chunks) and (len(mine) <= upto or (len(futures) < 2 * (jobs - 1)
                                                                     and len(mine) <= upto + 4 * jobs)):
                i = len(mine)
                mine.append(split.next_is_mine())
                if not mine[i]:
                    chunk = chunks[i]
                    with signals_held():  # a submit may start a worker
                        futures[i] = pool.submit(_read_piece, path, chunk.start, chunk.end, reader.src_lang,
                                                 reader.tgt_lang, srclang, scratch)

        for i, chunk in enumerate(chunks):
            decide(i)
            if not mine[i]:
                future = futures.pop(i)
                decide(i)
                result = future.result()
                if result[0] != "ok":
                    failed = True
                    break
                began, count = time.perf_counter(), 0
                for fields in _take_units(result[1]):
                    reader.units += 1
                    given += 1
                    count += 1
                    yield new_unit(*fields)
                split.record_worker(count, time.perf_counter() - began, result[2])
                take(result[3:])
            else:
                began, count = time.perf_counter(), 0
                piece = _PieceReader(path, chunk.start, chunk.end, reader.src_lang, reader.tgt_lang, srclang)
                try:
                    for unit in piece.units():
                        reader.units += 1
                        given += 1
                        count += 1
                        yield unit
                except UserError:
                    failed = True
                    break
                split.record_own(count, time.perf_counter() - began)
                take(piece.summary())
            if progress is not None:
                progress(chunk.end - chunk.start)
                reported += chunk.end - chunk.start
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        scratch_dir.cleanup()  # pieces read ahead of an early stop
    if failed:
        yield from _fall_back(reader, given, reported)


def main_share(jobs: int, own: float = _OWN_COST, receive: float = _RECEIVE_COST,
               worker: float = _WORKER_COST) -> float:
    """The fraction of the pieces the calling process should read itself for it and each worker to finish together.

    Per unit, the caller spends ``own`` on a piece of its own and ``receive``
    taking a worker's; a worker spends ``worker``. Equal time for all:
    f * own + (1 - f) * receive = (1 - f) * worker / (jobs - 1).
    """
    if jobs < 2:
        return 1.0
    per_worker = worker / (jobs - 1)
    return min(1.0, max(0.0, (per_worker - receive) / (own - receive + per_worker)))


class PieceSplit:
    """Decides, piece by piece in file order, which pieces the calling process reads itself.

    The share follows :func:`main_share`'s balance with the costs measured as
    the read goes on (seconds a unit, the consumer's own work between units
    included), starting from ``_OWN_COST``/``_WORKER_COST``/``_RECEIVE_COST``
    as if one piece of each had been seen. Those costs differ between machines
    and between memories (long segments, many props, a slow consumer).
    """

    PRIOR_UNITS = 4000.0

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        prior = self.PRIOR_UNITS
        # [seconds, units] for: a unit of our own pieces, a worker's unit taken here, a worker's unit there.
        self._own = [_OWN_COST * 1e-6 * prior, prior]
        self._receive = [_RECEIVE_COST * 1e-6 * prior, prior]
        self._worker = [_WORKER_COST * 1e-6 * prior, prior]
        self.share = self._balance()
        # Start one piece in credit: the first piece is read here while the workers start.
        self._credit = 1.0 - self.share

    def _balance(self) -> float:
        own, receive, worker = (t / n for t, n in (self._own, self._receive, self._worker))
        return main_share(self.jobs, own, receive, worker)

    def next_is_mine(self) -> bool:
        """Whether the next piece in file order is read by the calling process."""
        self._credit += self.share
        if self._credit >= 1.0 - 1e-9:
            self._credit -= 1.0
            return True
        return False

    def record_own(self, units: int, seconds: float) -> None:
        """A piece read here: ``units`` given out in ``seconds``."""
        self._own[0] += seconds
        self._own[1] += units
        self.share = self._balance()

    def record_worker(self, units: int, seconds_here: float, seconds_there: float) -> None:
        """A worker's piece: ``seconds_there`` to parse it there, ``seconds_here`` to give its units out."""
        self._receive[0] += seconds_here
        self._receive[1] += units
        self._worker[0] += seconds_there
        self._worker[1] += units
        self.share = self._balance()


def _fall_back(reader: TmxReader, given: int, reported: int) -> Iterator[TranslationUnit]:
    """Read the whole file serially, skipping the ``given`` units already yielded, so errors come out exact."""
    reader.reset()
    if reader.progress is not None:
        reader.progress = _Catchup(reader.progress, reported)
    yield from reader.read(skip=given)


class _Catchup:
    """A progress callback that stays silent until the serial re-read passes what was already reported."""

    def __init__(self, progress: Callable[[int], None], reported: int) -> None:
        self._progress = progress
        self._owed = reported

    def __call__(self, n: int) -> None:
        if self._owed >= n:
            self._owed -= n
            return
        n, self._owed = n - self._owed, 0
        self._progress(n)
