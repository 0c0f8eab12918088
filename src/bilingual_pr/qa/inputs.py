"""Turn a check input (TMX, XLIFF 1.2/2.x, TSV, or a French/English document pair) into Segments.

Every input is opened as a re-readable stream of segments (``read()`` starts
over); the runner reads it once. Memories and bilingual files are read by the
format modules (``formats.tmx``, ``formats.xliff``, which keeps the inline codes
the tag check compares), and this module only turns their units into Segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from bilingual_pr.errors import UserError
from bilingual_pr.language import base_language
from bilingual_pr.qa.model import Segment


@dataclass(frozen=True, slots=True)
class CheckInput:
    """A named, re-readable stream of segments with its languages."""

    name: str
    kind: str
    source_lang: str
    target_lang: str
    read: Callable[[], Iterator[Segment]]
    paths: tuple[Path, ...] = ()
    # For a progress bar: (bytes in the input, a read() that reports bytes consumed).
    size: int = 0
    read_progress: Callable[[Callable[[int], None]], Iterator[Segment]] | None = None
    # A large TMX: the pieces that worker processes can read by themselves (None: read() only).
    pieces: Callable[[], "TmxPieces | None"] | None = None


@dataclass(frozen=True, slots=True)
class TmxPieces:
    """A large TMX memory cut into pieces (formats/tmx/parallel.py) that check workers read themselves."""

    path: Path
    plan: Any
    source_lang: str | None
    target_lang: str | None

    def __len__(self) -> int:
        return len(self.plan.chunks)

    def size(self, index: int) -> int:
        """Bytes of one piece (the head before the body counts with the first)."""
        chunk = self.plan.chunks[index]
        return chunk.end - chunk.start + (self.plan.head_bytes if index == 0 else 0)

    def segments(self, index: int, first: int = 0) -> list[Segment]:
        """The segments of one piece, numbered from ``first``; a UserError when it does not parse."""
        from bilingual_pr.formats.tmx.parallel import piece_units

        units = piece_units(self.path, self.plan, index, self.source_lang, self.target_lang, codes=True)
        return list(tmx_segments(units, first))


def tmx_segments(units: Iterable[Any], first: int = 0) -> Iterator[Segment]:
    """Segments of TMX units, numbered from ``first`` (languages reduced to their base: fr-FR is fr), codes kept."""
    from bilingual_pr.formats.units import TaggedUnit

    base: dict[str, str] = {}  # a handful of tags, a million units: look each up once
    for i, u in enumerate(units, first):
        sl = base.get(u.source_lang) or base.setdefault(u.source_lang, base_language(u.source_lang))
        tl = base.get(u.target_lang) or base.setdefault(u.target_lang, base_language(u.target_lang))
        doc = u.prop("x-source-doc") if u.props else None
        if u.__class__ is TaggedUnit:
            yield Segment(i, u.source, u.target, sl, tl, u.tuid, doc, u.source_codes, u.target_codes)
        else:
            yield Segment(i, u.source, u.target, sl, tl, u.tuid, doc)


def xliff_segments(units: Iterable[Any], source_lang: str, target_lang: str, doc: str) -> Iterator[Segment]:
    """Segments of XLIFF units (formats.xliff.read_xliff), inline codes kept; a unit without languages gets these."""
    # A tag or two per file: look each up once ("" falls back to a different language on each side).
    s_base: dict[str, str] = {}
    t_base: dict[str, str] = {}
    for i, u in enumerate(units):
        sl = s_base.get(u.source_lang) or s_base.setdefault(u.source_lang, base_language(u.source_lang or source_lang))
        tl = t_base.get(u.target_lang) or t_base.setdefault(u.target_lang, base_language(u.target_lang or target_lang))
        yield Segment(i, u.source, u.target, sl, tl, u.tuid, doc, u.source_codes, u.target_codes)


def _guess_lang(texts: list[str]) -> str | None:
    from bilingual_pr.language import detect_language

    verdict = detect_language(" ".join(texts)[:3000], "fr")
    return verdict.detected if verdict.detected in ("fr", "en") else None


def open_tsv(path: Path, source_lang: str | None, target_lang: str | None) -> CheckInput:
    """A TSV of pairs (formats.tsv), languages from its header, the options, else guessed from the text."""
    from bilingual_pr.formats.tsv import tsv_pairs

    header, rows = tsv_pairs(path)
    if header:
        source_lang = source_lang or header[0]
        target_lang = target_lang or header[1]
    if source_lang is None:
        source_lang = _guess_lang([r[0] for r in rows[:50]]) or "fr"
    if target_lang is None:
        target_lang = "en" if source_lang == "fr" else "fr"

    def read() -> Iterator[Segment]:
        for i, row in enumerate(rows):
            yield Segment(i, row[0], row[1], source_lang, target_lang, row[2] if len(row) > 2 and row[2] else None,
                          path.name)

    return CheckInput(str(path), "tsv", source_lang, target_lang, read, (path,))


def open_tmx(path: Path, source_lang: str | None, target_lang: str | None) -> CheckInput:
    """A TMX memory, streamed with formats.tmx.read_tmx."""
    from bilingual_pr.formats.tmx import read_tmx
    from bilingual_pr.formats.tmx.reader import SerialTmxReader

    first = next(iter(read_tmx(path, src_lang=source_lang, tgt_lang=target_lang)), None)
    s_lang = base_language(first.source_lang) if first else (source_lang or "fr")
    t_lang = base_language(first.target_lang) if first else (target_lang or "en")

    def read(progress: Callable[[int], None] | None = None) -> Iterator[Segment]:
        # The QA read keeps inline codes for the tag check (the default read drops them, faster).
        return tmx_segments(SerialTmxReader(path, source_lang, target_lang, progress=progress, codes=True))

    def pieces() -> TmxPieces | None:
        from bilingual_pr.formats.tmx.parallel import plan_chunks

        plan = plan_chunks(path)
        if plan is None or len(plan.chunks) < 2:
            return None
        return TmxPieces(path, plan, source_lang, target_lang)

    return CheckInput(str(path), "tmx", s_lang, t_lang, read, (path,), path.stat().st_size, read, pieces)


def open_xliff(path: Path) -> CheckInput:
    """An XLIFF 1.2 or 2.x file, streamed with formats.xliff.read_xliff (inline codes kept)."""
    from bilingual_pr.formats.xliff import read_xliff, xliff_languages

    s_tag, t_tag = xliff_languages(path)
    s_lang, t_lang = base_language(s_tag), base_language(t_tag or "en")
    return CheckInput(str(path), "xliff", s_lang, t_lang,
                      lambda: xliff_segments(read_xliff(path), s_lang, t_lang, path.name), (path,))


def open_documents(fr_path: Path, en_path: Path, source_lang: str = "fr") -> CheckInput:
    """A French and an English document, segmented and aligned first."""
    from bilingual_pr.align import align_documents
    from bilingual_pr.documents import read_document

    doc_fr = read_document(fr_path, lang="fr")
    doc_en = read_document(en_path, lang="en")
    src_doc, tgt_doc = (doc_fr, doc_en) if source_lang == "fr" else (doc_en, doc_fr)
    tgt_lang = "en" if source_lang == "fr" else "fr"
    alignment = align_documents(src_doc, tgt_doc, src_lang=source_lang, tgt_lang=tgt_lang)
    name = f"{fr_path.name} + {en_path.name}"
    segments = [Segment(i, p.src_text, p.tgt_text, source_lang, tgt_lang, None, name)
                for i, p in enumerate(alignment.pairs) if p.src_text or p.tgt_text]
    return CheckInput(name, "documents", source_lang, tgt_lang, lambda: iter(segments), (fr_path, en_path))


def open_input(paths: list[Path], source_lang: str | None = None, target_lang: str | None = None) -> CheckInput:
    """Open one memory/XLIFF/TSV file, or a French + English document pair, for checking."""
    for p in paths:
        if not p.exists():
            raise UserError(f"{p}: no such file")
        if p.is_dir():
            raise UserError(f"{p}: is a directory, not a file")
    if len(paths) == 2:
        return open_documents(paths[0], paths[1], source_lang or "fr")
    if len(paths) != 1:
        raise UserError("give one TMX/XLIFF/TSV file, or two documents (French then English)")
    path = paths[0]
    from bilingual_pr.formats.factory import input_format

    kind = input_format(path, "to check two documents give the French and the English file")
    if kind == "tmx":
        return open_tmx(path, source_lang, target_lang)
    if kind == "xliff":
        return open_xliff(path)
    return open_tsv(path, source_lang, target_lang)
