"""TMX 1.4b translation memories: streaming writer and reader, validator, stats, merge, export.

Writing streams escaped text straight to an atomic temporary file: measured on
this project's machine, lxml's ``etree.xmlfile`` with pre-built elements took
29 s per million units, careful string escaping under 3 s (see docs/tmx.md).
Escaping covers ``& < >``, and CR and LF as ``&#13;``/``&#10;`` (so they survive
parsing and every ``<tu>`` is one line); characters XML cannot carry are removed
and counted. Reading streams with
``iterparse`` (through :mod:`bilingual_pr.xmlsafe`) and frees every ``<tu>``
once read, so memory stays flat for any number of units.

The interop rules behind the writer (always ``srclang`` and ``xml:lang``, BCP 47
tags with a hyphen, no whitespace inside ``<seg>``, no empty targets, no OmegaT
context props) come from shared/standards/INTEROP.md, observed with OmegaT 3.6
and translate-toolkit.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import json
import re
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output
from bilingual_pr.formats.units import (
    PROP_BEAD,
    PROP_SOURCE_DOC,
    TmxHeader,
    TranslationUnit,
    clean_xml_text,
    normalize_tmx_date,
    parse_tmx_date,
    tmx_date,
)
from bilingual_pr.language import canonical_tag
from bilingual_pr.spreadsheet import text_cell
from bilingual_pr.xmlsafe import iterparse_xml, parse_xml_bytes, parse_xml_file

__all__ = [
    "TmxHeader", "TranslationUnit", "TmxWriter", "TmxReader", "write_tmx", "read_tmx", "read_tmx_header",
    "lang_match", "Problem", "Validation", "validate_tmx", "TmxStats", "tmx_stats", "MergeReport",
    "merge_tmx", "FilterReport", "filter_tmx", "export_units", "EXPORT_FORMATS",
]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SEGTYPES = frozenset({"block", "paragraph", "sentence", "phrase"})
# OmegaT reads these as the context of an *alternative* translation: a TU that
# carries them is only applied where they match (INTEROP.md, gotcha 6).
OMEGAT_CONTEXT_PROPS = frozenset({"file", "id", "prev", "next", "path"})

Progress = Callable[[int], None]

# ---------------------------------------------------------------------------
# Language tags


# ISO 639-2 codes seen in old memories, for the UN languages and a few neighbours.
_ISO639_2 = {
    "fra": "fr", "fre": "fr", "eng": "en", "spa": "es", "rus": "ru", "ara": "ar", "zho": "zh",
    "chi": "zh", "deu": "de", "ger": "de", "ita": "it", "por": "pt", "nld": "nl", "dut": "nl",
}

# RFC 5646 well-formedness (not registry validity), plus "*all*" handled apart.
_LANGTAG = re.compile(
    r"""^(?:
      [a-z]{2,3}(?:-[a-z]{3}){0,3}
      (?:-[a-z]{4})?
      (?:-(?:[a-z]{2}|\d{3}))?
      (?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*
      (?:-[a-wy-z\d](?:-[a-z\d]{2,8})+)*
      (?:-x(?:-[a-z\d]{1,8})+)?
    | x(?:-[a-z\d]{1,8})+
    | i-[a-z]{2,8}
    )$""",
    re.X | re.I,
)


def is_language_tag(tag: str) -> bool:
    """True when ``tag`` is a well-formed BCP 47 language tag (``fr-FR`` yes, ``fr_FR`` no)."""
    return bool(_LANGTAG.match(tag or ""))


@functools.lru_cache(maxsize=256)
def _split_tag(tag: str) -> tuple[str, str]:
    parts = tag.strip().replace("_", "-").lower().split("-", 1)
    primary = _ISO639_2.get(parts[0], parts[0])
    return primary, parts[1] if len(parts) > 1 else ""


@functools.lru_cache(maxsize=1024)
def lang_match(wanted: str, tag: str) -> int:
    """How well a ``<tuv>`` language fits the one wanted: 3 same tag, 2 one side bare, 1 other region, 0 none."""
    if not wanted or not tag:
        return 0
    w_primary, w_rest = _split_tag(wanted)
    t_primary, t_rest = _split_tag(tag)
    if w_primary != t_primary:
        return 0
    if w_rest == t_rest:
        return 3
    if not w_rest or not t_rest:
        return 2
    return 1


@functools.lru_cache(maxsize=1024)
def _canonical(tag: str) -> str:
    if tag == "*all*":
        return tag
    return canonical_tag(tag.strip())


@functools.lru_cache(maxsize=1024)
def _canonical_or_raw(tag: str) -> str:
    try:
        return _canonical(tag)
    except UserError:
        return tag


def _base(tag: str) -> str:
    return _split_tag(tag)[0]


# ---------------------------------------------------------------------------
# Writing


def _esc_text(s: str) -> str:
    # '>' too, so that "]]>" can never appear; CR as a reference or parsers turn it into LF;
    # LF as a reference so that every <tu> stays on one line of the file.
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "\r" in s:
        s = s.replace("\r", "&#13;")
    if "\n" in s:
        s = s.replace("\n", "&#10;")
    return s


def _esc_attr(s: str) -> str:
    # Attribute values are whitespace-normalised by parsers unless TAB (and CR/LF) are references.
    s = _esc_text(s)
    if '"' in s:
        s = s.replace('"', "&quot;")
    if "\t" in s:
        s = s.replace("\t", "&#9;")
    return s


_ILLEGAL_SEARCH = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]").search
# Dates repeat (a whole alignment shares one): remember the normalised form.
_normalize_date = functools.lru_cache(maxsize=4096)(normalize_tmx_date)


class TmxWriter:
    """Stream translation units into a TMX 1.4b file, written atomically when the block ends.

    Units with an empty (or blank) source or target are skipped and counted;
    characters XML cannot carry are removed and counted; everything else is
    written byte for byte. Without a header, one is made from the first
    unit's source language.
    """

    FLUSH_EVERY = 2000

    def __init__(self, path: str | Path, header: TmxHeader | None = None, *,
                 allow_context_props: bool = False) -> None:
        self.path = Path(path)
        self.header = header
        self.allow_context_props = allow_context_props
        self.written = 0
        self.skipped_empty = 0
        self.cleaned_units = 0
        self.removed_chars = 0
        self.dropped_dates = 0
        self._stack: contextlib.ExitStack | None = None
        self._fh: IO[str] | None = None
        self._buf: list[str] = []
        self._srclang: str | None = None

    def __enter__(self) -> "TmxWriter":
        stack = contextlib.ExitStack()
        try:
            self._fh = stack.enter_context(atomic_output(self.path, "w", encoding="utf-8", newline=""))
            self._stack = stack
            if self.header is not None:
                self._write_header(self.header)
        except BaseException as err:
            # __exit__ never runs when __enter__ fails (Ctrl-C right after the temporary file
            # appeared): remove that file here, with the error, so nothing is committed.
            stack.__exit__(type(err), err, err.__traceback__)
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self._stack is not None
        if exc_type is None:
            try:
                if self._srclang is None:
                    self._write_header(self.header or TmxHeader())
                self._buf.append("  </body>\n</tmx>\n")
                self._flush()
            except BaseException as err:  # the temporary file must go too
                self._stack.__exit__(type(err), err, err.__traceback__)
                raise
        return bool(self._stack.__exit__(exc_type, exc, tb))

    def _clean(self, text: str) -> str:
        cleaned, removed = clean_xml_text(text)
        if removed:
            self.removed_chars += removed
        return cleaned

    def _date(self, value: str | None) -> str | None:
        if value is None:
            return None
        norm = _normalize_date(value)
        if norm is None:
            self.dropped_dates += 1
        return norm

    def _write_header(self, header: TmxHeader) -> None:
        srclang = _canonical(header.srclang)
        self._srclang = srclang
        attrs = [
            ("creationtool", header.creationtool), ("creationtoolversion", header.creationtoolversion),
            ("segtype", header.segtype), ("o-tmf", header.o_tmf), ("adminlang", header.adminlang),
            ("srclang", srclang), ("datatype", header.datatype),
            ("o-encoding", header.o_encoding),
            ("creationdate", self._date(header.creationdate) or tmx_date()),
            ("creationid", header.creationid), ("changedate", self._date(header.changedate)),
            ("changeid", header.changeid),
        ]
        if header.segtype not in SEGTYPES:
            raise ValueError(f"segtype must be one of {sorted(SEGTYPES)}, not {header.segtype!r}")
        head = "".join(f' {name}="{_esc_attr(self._clean(value))}"' for name, value in attrs if value is not None)
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n',
                 '<tmx version="1.4">\n', f"  <header{head}"]
        if header.props or header.notes:
            parts.append(">\n")
            parts.extend(f"    <note>{_esc_text(self._clean(n))}</note>\n" for n in header.notes)
            parts.extend(f'    <prop type="{_esc_attr(self._clean(t))}">{_esc_text(self._clean(v))}</prop>\n'
                         for t, v in header.props)
            parts.append("  </header>\n")
        else:
            parts.append("/>\n")
        parts.append("  <body>\n")
        self._buf.append("".join(parts))

    def _cleaned(self, unit: TranslationUnit) -> TranslationUnit:
        before = self.removed_chars
        unit = dataclasses.replace(
            unit, source=self._clean(unit.source), target=self._clean(unit.target),
            tuid=None if unit.tuid is None else self._clean(unit.tuid),
            creationid=None if unit.creationid is None else self._clean(unit.creationid),
            props=tuple((self._clean(t), self._clean(v)) for t, v in unit.props),
            notes=tuple(self._clean(n) for n in unit.notes))
        if self.removed_chars != before:
            self.cleaned_units += 1
        return unit

    def format_unit(self, unit: TranslationUnit) -> str | None:
        """The unit as one ``<tu>`` line (cleaned, counted); None when a side is empty."""
        # One scan over every string of the unit; the usual answer is "nothing to remove".
        probe = [unit.source, unit.target, unit.tuid or "", unit.creationid or ""]
        for type_, value in unit.props:
            probe.append(type_)
            probe.append(value)
        probe.extend(unit.notes)
        if _ILLEGAL_SEARCH("".join(probe)) is not None:
            unit = self._cleaned(unit)
        source, target = unit.source, unit.target
        if not source.strip() or not target.strip():
            self.skipped_empty += 1
            return None
        if self._srclang is None:
            self._write_header(self.header or TmxHeader(srclang=unit.source_lang))
        src_lang = _canonical(unit.source_lang)
        tgt_lang = _canonical(unit.target_lang)
        # One line per <tu>: no whitespace inside <seg>, few text nodes to parse back.
        parts = ["    <tu"]
        if unit.tuid is not None:
            parts.append(f' tuid="{_esc_attr(unit.tuid)}"')
        if unit.creationdate is not None:
            self._attr_date(parts, "creationdate", unit.creationdate)
        if unit.creationid:
            parts.append(f' creationid="{_esc_attr(unit.creationid)}"')
        if unit.changedate is not None:
            self._attr_date(parts, "changedate", unit.changedate)
        if src_lang != self._srclang:
            parts.append(f' srclang="{src_lang}"')
        parts.append(">")
        for type_, value in unit.props:
            if type_ in OMEGAT_CONTEXT_PROPS and not self.allow_context_props:
                raise ValueError(f"prop type {type_!r} means an alternative translation to OmegaT; "
                                 "use an x- type (e.g. x-source-doc)")
            if not type_:
                raise ValueError("a <prop> needs a type")
            parts.append(f'<prop type="{_esc_attr(type_)}">{_esc_text(value)}</prop>')
        for note in unit.notes:
            parts.append(f"<note>{_esc_text(note)}</note>")
        parts.append(f'<tuv xml:lang="{src_lang}"><seg>{_esc_text(source)}</seg></tuv>'
                     f'<tuv xml:lang="{tgt_lang}"><seg>{_esc_text(target)}</seg></tuv></tu>\n')
        return "".join(parts)

    def write(self, unit: TranslationUnit) -> bool:
        """Write one unit; False (and counted) when it was skipped for an empty side."""
        line = self.format_unit(unit)
        if line is None:
            return False
        self.write_line(line)
        return True

    def write_line(self, line: str) -> None:
        """Write a ``<tu>`` line made by :meth:`format_unit` of this writer."""
        if self._srclang is None:
            raise ValueError("write_line() before the header: call format_unit() or write() first")
        self._buf.append(line)
        self.written += 1
        if len(self._buf) >= self.FLUSH_EVERY:
            self._flush()

    def _attr_date(self, parts: list[str], name: str, value: str) -> None:
        norm = _normalize_date(value)
        if norm is None:
            self.dropped_dates += 1
        else:
            parts.append(f' {name}="{norm}"')

    def _flush(self) -> None:
        assert self._fh is not None
        self._fh.write("".join(self._buf))
        self._buf.clear()


def write_tmx(path: str | Path, units: Iterable[TranslationUnit], header: TmxHeader | None = None) -> int:
    """Write units to a TMX file atomically; return how many were written (empty pairs are skipped)."""
    with TmxWriter(path, header) as writer:
        for unit in units:
            writer.write(unit)
    return writer.written


# ---------------------------------------------------------------------------
# Reading


def _precise(err: UserError, path: Path) -> UserError:
    """The same syntax error with its line: lxml's iterparse loses some messages (undefined entities)."""
    message = str(err)
    if re.match(re.escape(str(path)) + r":\d+:", message):
        return err
    try:
        if path.stat().st_size > 64 * 1024 * 1024:
            return err
        parse_xml_file(path)
    except UserError as precise:
        return precise
    except OSError:
        pass
    return err


class _CountingReader:
    """A binary file wrapper that reports how many bytes were read so far."""

    def __init__(self, fh: IO[bytes], progress: Progress) -> None:
        self._fh = fh
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        if data:
            self._progress(len(data))
        return data


def _seg_text(seg) -> str:
    """The text of a ``<seg>``: ``<hi>`` content kept, native codes (bpt/ept/ph/it/ut) dropped."""
    if len(seg) == 0:
        return seg.text or ""
    parts = [seg.text or ""]
    for child in seg:
        if child.tag == "hi":
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _header_from(el) -> TmxHeader:
    props = tuple((p.get("type") or "", p.text or "") for p in el.iterchildren("prop"))
    notes = tuple(n.text or "" for n in el.iterchildren("note"))
    get = el.get
    return TmxHeader(
        srclang=get("srclang") or "", creationtool=get("creationtool") or "",
        creationtoolversion=get("creationtoolversion") or "", segtype=get("segtype") or "",
        o_tmf=get("o-tmf") or "", adminlang=get("adminlang") or "", datatype=get("datatype") or "",
        creationdate=get("creationdate"), creationid=get("creationid"), changedate=get("changedate"),
        changeid=get("changeid"), o_encoding=get("o-encoding"), props=props, notes=notes,
    )


def _pick(langs: list[str], wanted: str, skip: int) -> int:
    """Index of the language that fits ``wanted`` best (see :func:`lang_match`), -1 if none does."""
    best, best_rank = -1, 0
    for i, lang in enumerate(langs):
        if i == skip:
            continue
        rank = 3 if lang == wanted else lang_match(wanted, lang)
        if rank > best_rank:
            best, best_rank = i, rank
            if rank == 3:
                break
    return best


# The frozen dataclass's generated __init__ stores each field through object.__setattr__: 2 us a
# unit, a tenth of reading one. Storing through the slot descriptors builds the same object in
# 0.8 us; the reader passes every field, so no default is skipped (a test checks the field list).
_UNIT_FIELDS = ("source", "target", "source_lang", "target_lang", "tuid", "props", "notes", "creationdate",
                "changedate", "creationid")
(_set_source, _set_target, _set_source_lang, _set_target_lang, _set_tuid, _set_props, _set_notes,
 _set_creationdate, _set_changedate, _set_creationid) = (getattr(TranslationUnit, f).__set__ for f in _UNIT_FIELDS)


def _new_unit(source: str, target: str, source_lang: str, target_lang: str, tuid: str | None,
              props: tuple[tuple[str, str], ...], notes: tuple[str, ...], creationdate: str | None,
              changedate: str | None, creationid: str | None) -> TranslationUnit:
    """``TranslationUnit(...)`` with every field given, without the frozen-dataclass __init__."""
    unit = object.__new__(TranslationUnit)
    _set_source(unit, source)
    _set_target(unit, target)
    _set_source_lang(unit, source_lang)
    _set_target_lang(unit, target_lang)
    _set_tuid(unit, tuid)
    _set_props(unit, props)
    _set_notes(unit, notes)
    _set_creationdate(unit, creationdate)
    _set_changedate(unit, changedate)
    _set_creationid(unit, creationid)
    return unit


_SIDE_MEMO_MAX = 4096


class TmxReader:
    """Stream the units of a TMX file, choosing source and target ``<tuv>`` by language.

    ``src_lang``/``tgt_lang`` match tags sensibly (``fr`` finds ``fr-FR``,
    ``FR-fr``, ``fr_FR``; the same region wins over another). Without them
    the source is the header's ``srclang`` and the target the first ``<tuv>``
    in another language. TUs without both sides are skipped and counted;
    ``header`` and ``languages`` (every ``<tuv>`` tag seen) fill in as it reads.
    """

    MAX_REASONS = 20

    def __init__(self, path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None, *,
                 progress: Progress | None = None, jobs: int = 1) -> None:
        self.path = Path(path)
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.progress = progress
        self.jobs = jobs
        self._side_memo: dict[tuple[tuple[str, ...], str | None], tuple[int, int, str, str] | str] = {}
        self._header: TmxHeader | None = None
        self._lang_sets: dict[tuple[str, ...], int] = {}
        self.units = 0
        self.skipped = 0
        self.skip_reasons: list[str] = []

    @property
    def header(self) -> TmxHeader | None:
        """The file's ``<header>``, once read (None before, or when the file has none)."""
        return self._header

    @header.setter
    def header(self, header: TmxHeader | None) -> None:
        self._header = header
        self._side_memo.clear()  # the header's srclang picks the source side

    def _skip(self, line: int | None, why: str) -> None:
        self.skipped += 1
        if len(self.skip_reasons) < self.MAX_REASONS:
            self.skip_reasons.append(f"{self.path}:{line}: {why}")

    def _events(self) -> Iterator:
        if self.progress is None:
            return iterparse_xml(self.path, tag=("header", "tu"), where=str(self.path))
        return self._counted_events()

    def _counted_events(self) -> Iterator:
        where = str(self.path)
        # One look at the path first, so xmlsafe's checks of the file head run as usual.
        with contextlib.closing(iterparse_xml(self.path, events=("start",), where=where)) as probe:
            next(probe, None)
        with open(self.path, "rb") as fh:
            yield from iterparse_xml(_CountingReader(fh, self.progress), tag=("header", "tu"), where=where)

    def __iter__(self) -> Iterator[TranslationUnit]:
        if not self.path.exists():
            raise UserError(f"{self.path}: no such file")
        if self.jobs > 1:
            from bilingual_pr.formats.tmxchunks import read_parallel

            parallel = read_parallel(self)
            if parallel is not None:
                yield from parallel
                return
        yield from self._serial()

    def _serial(self, skip: int = 0) -> Iterator[TranslationUnit]:
        """Read the whole file in this process; the first ``skip`` units are read but not yielded."""
        try:
            for unit in self._iter_units(self._events()):
                if skip:
                    skip -= 1
                    continue
                yield unit
        except UserError as err:
            raise _precise(err, self.path) from None

    def _iter_units(self, events: Iterable, checked_root: bool = False,
                    unit_of: Callable[[object], object] | None = None) -> Iterator:
        """What ``unit_of`` (default: the unit) gives for each ``<tu>`` of ``events`` that is not skipped."""
        unit_of = unit_of or self._unit
        for _event, el in events:
            if not checked_root:
                parent = el.getparent()
                root = parent if el.tag == "header" else (parent.getparent() if parent is not None else None)
                if root is None or root.tag != "tmx":
                    raise UserError(f"{self.path}: not a TMX file (root element is not <tmx>)")
                checked_root = True
                if el.tag == "header":
                    self.header = _header_from(el)
                    continue
            unit = unit_of(el)
            # Free what was read: the element's content, and every earlier sibling.
            el.clear()
            parent = el.getparent()
            while el.getprevious() is not None:
                del parent[0]
            if unit is not None:
                self.units += 1
                yield unit
        if not checked_root:
            raise UserError(f"{self.path}: not a TMX file (no <header> or <tu> found)")

    def _unit(self, el) -> TranslationUnit | None:
        fields = self._unit_fields(el)
        return None if fields is None else _new_unit(*fields)

    def _unit_fields(self, el) -> tuple | None:
        """A ``<tu>``'s unit as the field tuple :func:`_new_unit` takes, or None when it is skipped."""
        if el.tag == "header":  # a second header: not TMX, but keep the first
            return None
        langs: list[str] = []
        texts: list[str | None] = []
        tuv_els: list = []
        props: list[tuple[str, str]] = []
        notes: list[str] = []
        # getchildren() builds the child list in one C call; iterating the element steps in Python.
        for child in el.getchildren():
            tag = child.tag
            if tag == "prop":
                ptype = child.get("type")
                if ptype:
                    # A <prop> without its required type cannot be written back: leave it out (fuzz finding).
                    props.append((ptype, child.text or ""))
            elif tag == "tuv":
                text = None
                if len(child):
                    seg = child[0]
                    if seg.tag != "seg":
                        seg = next(child.iterchildren("seg"), None)
                    if seg is not None:
                        text = (seg.text or "") if not len(seg) else _seg_text(seg)
                langs.append(child.get(XML_LANG) or child.get("lang") or "")
                texts.append(text)
                tuv_els.append(child)
            elif tag == "note":
                notes.append(child.text or "")
        # Five get() calls cost less than building a dict of the attributes first (callgrind).
        get = el.get
        sides = self._sides(langs, get("srclang"))
        if sides.__class__ is str:
            self._skip(el.sourceline, sides)  # type: ignore[arg-type]
            return None
        si, ti, source_lang, target_lang = sides  # type: ignore[misc]
        source, target = texts[si], texts[ti]
        if source is None or target is None:
            self._skip(el.sourceline, "<tuv> without <seg>")
            return None
        creationdate, changedate, creationid = get("creationdate"), get("changedate"), get("creationid")
        if creationdate is None and changedate is None and creationid is None:
            # OmegaT and others date the target <tuv> rather than the <tu>.
            for i in (ti, si):
                tuv = tuv_els[i]
                # A <tuv> whose only attribute is its (non-empty) language has no dates: skip three look-ups.
                if len(tuv.attrib) > (1 if langs[i] else 0):
                    creationdate = creationdate or tuv.get("creationdate")
                    changedate = changedate or tuv.get("changedate")
                    creationid = creationid or tuv.get("creationid")
        return (source, target, source_lang, target_lang, get("tuid"), tuple(props), tuple(notes), creationdate,
                changedate, creationid)

    def _sides(self, langs: list[str], srclang: str | None) -> tuple[int, int, str, str] | str:
        """Count this language set; pick (source, target) ``<tuv>`` indexes and tags, or say why the TU is skipped."""
        key = tuple(langs)
        self._lang_sets[key] = self._lang_sets.get(key, 0) + 1
        # A memory repeats a few language sets: the choice depends only on them, the TU's srclang,
        # and the reader's settings and header (a new header empties the cache, see header).
        memo = self._side_memo.get((key, srclang))
        if memo is None:
            memo = self._choose_sides(langs, srclang)
            if len(self._side_memo) < _SIDE_MEMO_MAX:  # a file with endless odd tags cannot grow it for ever
                self._side_memo[(key, srclang)] = memo
        return memo

    def _choose_sides(self, langs: list[str], srclang: str | None) -> tuple[int, int, str, str] | str:
        n = len(langs)
        if n < 2:
            return "fewer than two <tuv>"
        wanted = self.src_lang or srclang or self._header_srclang()
        if not wanted or wanted == "*all*" or langs[0] == wanted:
            si = 0
        else:
            si = _pick(langs, wanted, -1)
            if si < 0:
                return f"no <tuv> in the source language {wanted}"
        if self.tgt_lang:
            ti = 1 - si if n == 2 and langs[1 - si] == self.tgt_lang else _pick(langs, self.tgt_lang, si)
            if ti < 0:
                return f"no <tuv> in the target language {self.tgt_lang}"
        elif n == 2:
            ti = 1 - si
        else:
            base = _base(langs[si]) if langs[si] else ""
            others = [i for i in range(n) if i != si]
            ti = next((i for i in others if langs[i] and _base(langs[i]) != base), others[0])
        return si, ti, _canonical_or_raw(langs[si]), _canonical_or_raw(langs[ti])

    @property
    def languages(self) -> Counter[str]:
        """How many ``<tuv>`` of each language tag were read so far."""
        counts: Counter[str] = Counter()
        for langs, count in self._lang_sets.items():
            for lang in langs:
                counts[lang] += count
        return counts

    def _header_srclang(self) -> str:
        return self.header.srclang if self.header is not None else ""


def read_tmx(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None) -> Iterator[TranslationUnit]:
    """Stream the translation units of a TMX file (see :class:`TmxReader` for language matching)."""
    return iter(TmxReader(path, src_lang, tgt_lang))


def read_tmx_header(path: str | Path) -> TmxHeader:
    """Read only the ``<header>`` of a TMX file."""
    with contextlib.closing(iterparse_xml(Path(path), tag=("header", "tu"), where=str(path))) as events:
        for _event, el in events:
            parent = el.getparent()
            if el.tag == "header" and parent is not None and parent.tag == "tmx":
                return _header_from(el)
            break
    raise UserError(f"{path}: not a TMX file (no <header> in <tmx>)")


# ---------------------------------------------------------------------------
# Validation (from the TMX 1.4b specification; the DTD alone misses much of this)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of the validator: an error makes the file invalid, a warning does not."""

    line: int | None
    severity: str
    message: str

    def format(self, path: str) -> str:
        """``path:line: severity: message``."""
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Validation:
    """What :func:`validate_tmx` found."""

    problems: tuple[Problem, ...]
    units: int
    errors: int
    warnings: int

    @property
    def valid(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.errors == 0


_ADMIN = {"o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool", "creationtoolversion",
          "creationdate", "creationid", "changedate", "changeid", "o-tmf"}
_ATTRS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "tmx": (frozenset({"version"}), frozenset()),
    "header": (frozenset({"creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang",
                          "datatype"}),
               frozenset({"o-encoding", "creationdate", "creationid", "changedate", "changeid"})),
    "body": (frozenset(), frozenset()),
    "note": (frozenset(), frozenset({"o-encoding", XML_LANG, "lang"})),
    "prop": (frozenset({"type"}), frozenset({"o-encoding", XML_LANG, "lang"})),
    "ude": (frozenset({"name"}), frozenset({"base"})),
    "map": (frozenset({"unicode"}), frozenset({"code", "ent", "subst"})),
    "tu": (frozenset(), frozenset(_ADMIN | {"tuid", "segtype", "srclang"})),
    "tuv": (frozenset({XML_LANG}), frozenset(_ADMIN | {"lang"})),
    "seg": (frozenset(), frozenset()),
    "bpt": (frozenset({"i"}), frozenset({"x", "type"})),
    "ept": (frozenset({"i"}), frozenset()),
    "sub": (frozenset(), frozenset({"datatype", "type"})),
    "it": (frozenset({"pos"}), frozenset({"x", "type"})),
    "ph": (frozenset(), frozenset({"x", "assoc", "type"})),
    "hi": (frozenset(), frozenset({"x", "type"})),
    "ut": (frozenset(), frozenset({"x"})),
}
_INLINE_IN_SEG = frozenset({"bpt", "ept", "it", "ph", "hi", "ut"})
_MIXED: dict[str, frozenset[str]] = {
    "seg": _INLINE_IN_SEG, "hi": _INLINE_IN_SEG, "sub": _INLINE_IN_SEG,
    "bpt": frozenset({"sub"}), "ept": frozenset({"sub"}), "it": frozenset({"sub"}), "ph": frozenset({"sub"}),
    "ut": frozenset({"sub"}), "note": frozenset(), "prop": frozenset(),
}
_DATE_ATTRS = ("creationdate", "changedate", "lastusagedate")
_BASIC_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_INT = re.compile(r"^\d+$")
_UNICODE_REF = re.compile(r"^#x[0-9A-Fa-f]{4,6}$")


def _attr_name(name: str) -> str:
    return "xml:lang" if name == XML_LANG else name


class _Validator:
    def __init__(self, path: Path, max_problems: int | None) -> None:
        self.path = path
        self.max_problems = max_problems
        self.problems: list[Problem] = []
        self.errors = 0
        self.warnings = 0
        self.units = 0
        self.srclang: str | None = None

    def error(self, line: int | None, message: str) -> None:
        self.errors += 1
        if self.max_problems is None or len(self.problems) < self.max_problems:
            self.problems.append(Problem(line, "error", message))

    def warning(self, line: int | None, message: str) -> None:
        self.warnings += 1
        if self.max_problems is None or len(self.problems) < self.max_problems:
            self.problems.append(Problem(line, "warning", message))

    def run(self) -> Validation:
        try:
            self._walk()
        except UserError as err:
            self._syntax_problem(str(_precise(err, self.path)))
        return Validation(tuple(self.problems), self.units, self.errors, self.warnings)

    def _syntax_problem(self, message: str) -> None:
        prefix = f"{self.path}:"
        line = None
        if message.startswith(prefix):
            rest = message[len(prefix):]
            m = re.match(r"(\d+): (.*)$", rest)
            if m:
                line, message = int(m.group(1)), m.group(2)
            else:
                message = rest.strip()
        self.error(line, message)

    def _walk(self) -> None:
        depth = 0
        for event, el in iterparse_xml(self.path, events=("start", "end"), where=str(self.path)):
            if event == "start":
                if depth == 0 and el.tag != "tmx":
                    self.error(el.sourceline, f"root element must be <tmx>, not <{el.tag}>: not a TMX document")
                    return
                depth += 1
                continue
            depth -= 1
            tag = el.tag
            if not isinstance(tag, str):
                continue
            check = getattr(self, "_check_" + tag.replace("-", "_"), None)
            if tag in _ATTRS:
                self._check_attrs(el)
            if check is not None:
                check(el)
            elif tag in _MIXED:
                self._check_mixed(el)
            parent = el.getparent()
            if parent is not None and parent.tag == "body":
                self.units += tag == "tu"
                if tag != "tu":
                    self.error(el.sourceline, f"<body> may only contain <tu>, not <{tag}>")
                if parent.text is not None and el.getprevious() is None:
                    self._no_text(parent.text, "body", parent, el)
                    parent.text = None
                # Free the memory: clear this element, drop the earlier ones (checking their tails).
                el.clear(keep_tail=True)
                while el.getprevious() is not None:
                    prev = parent[0]
                    self._no_text(prev.tail, "body", prev, prev.getnext())
                    del parent[0]

    # -- generic checks

    def _check_attrs(self, el) -> None:
        required, optional = _ATTRS[el.tag]
        line = el.sourceline
        keys = set(el.keys())
        for name in sorted(keys - required - optional):
            self.error(line, f"<{el.tag}> has no attribute {_attr_name(name)!r} in TMX 1.4b")
        for name in sorted(required - keys):
            if name == XML_LANG and "lang" in keys:
                self.error(line, f"<{el.tag}> has the deprecated lang= but not the required xml:lang")
            else:
                self.error(line, f"<{el.tag}> lacks the required attribute {_attr_name(name)!r}")
        if "lang" in keys and el.tag in ("note", "prop") and XML_LANG not in keys:
            self.warning(line, f"<{el.tag}> uses the deprecated lang=; write xml:lang")
        for name in _DATE_ATTRS:
            value = el.get(name)
            if value is not None and (not _BASIC_DATE.match(value) or parse_tmx_date(value) is None):
                self.error(line, f"{name}={value!r} is not a TMX date (YYYYMMDDThhmmssZ, UTC)")
        value = el.get("usagecount")
        if value is not None and not _INT.match(value):
            self.error(line, f"usagecount={value!r} is not a whole number")
        value = el.get(XML_LANG)
        if value is not None and not is_language_tag(value):
            self.error(line, f"xml:lang={value!r} on <{el.tag}> is not a BCP 47 language tag (e.g. fr-FR)")
        value = el.get("segtype")
        if value is not None and value not in SEGTYPES:
            self.error(line, f"segtype={value!r} is not one of {', '.join(sorted(SEGTYPES))}")

    def _children(self, el) -> list:
        return [c for c in el if isinstance(c.tag, str)]

    def _no_text(self, text: str | None, where: str, before, after) -> None:
        """Report text in element-only content, on its line (from the next element, else the previous)."""
        if not text or not text.strip():
            return
        after_line = after.sourceline if after is not None else None
        if after_line:
            line = after_line - text[len(text.rstrip()):].count("\n")
        else:
            line = (before.sourceline or 0) + text[:len(text) - len(text.lstrip())].count("\n") or None
        snippet = " ".join(text.split())[:40]
        self.error(line, f"text {snippet!r} is not allowed directly in <{where}>")

    def _element_only(self, el) -> None:
        self._no_text(el.text, el.tag, el, el[0] if len(el) else None)
        for child in el:
            self._no_text(child.tail, el.tag, child, child.getnext())

    def _check_mixed(self, el) -> None:
        allowed = _MIXED[el.tag]
        for child in self._children(el):
            if child.tag not in allowed:
                what = "no elements" if not allowed else "only " + ", ".join(f"<{t}>" for t in sorted(allowed))
                self.error(child.sourceline, f"<{el.tag}> may contain {what}, not <{child.tag}>")

    # -- per element

    def _check_tmx(self, el) -> None:
        version = el.get("version")
        if version is not None and version != "1.4":
            hint = " (TMX 1.4b files say version=\"1.4\")" if version.lower() == "1.4b" else ""
            self.error(el.sourceline, f"version={version!r} must be \"1.4\"{hint}")
        tags = [c.tag for c in self._children(el)]
        if tags != ["header", "body"]:
            self.error(el.sourceline, f"<tmx> must contain <header> then <body>, found "
                                      f"{', '.join(f'<{t}>' for t in tags) or 'nothing'}")
        self._element_only(el)

    def _check_header(self, el) -> None:
        for child in self._children(el):
            if child.tag not in ("note", "prop", "ude"):
                self.error(child.sourceline, f"<header> may contain <note>, <prop>, <ude>, not <{child.tag}>")
        self._element_only(el)
        srclang = el.get("srclang")
        if srclang is not None:
            if srclang != "*all*" and not is_language_tag(srclang):
                self.error(el.sourceline, f"srclang={srclang!r} is not a BCP 47 language tag or *all*")
            self.srclang = srclang
        adminlang = el.get("adminlang")
        if adminlang is not None and not is_language_tag(adminlang):
            self.error(el.sourceline, f"adminlang={adminlang!r} is not a BCP 47 language tag")
        if (el.get("creationtool") or "").strip().lower() == "omegat":
            self.warning(el.sourceline, "creationtool=\"OmegaT\" makes OmegaT parse inline tags its own way")

    def _check_body(self, el) -> None:
        self._element_only(el)

    def _check_ude(self, el) -> None:
        maps = self._children(el)
        if not maps or any(c.tag != "map" for c in maps):
            self.error(el.sourceline, "<ude> must contain one or more <map> and nothing else")
        if el.get("base") is None and any(c.get("code") is not None for c in maps):
            self.error(el.sourceline, "<ude> needs base= when a <map> has code=")
        self._element_only(el)

    def _check_map(self, el) -> None:
        if self._children(el) or (el.text and el.text.strip()):
            self.error(el.sourceline, "<map> must be empty")
        value = el.get("unicode")
        if value is not None and not _UNICODE_REF.match(value):
            self.error(el.sourceline, f"unicode={value!r} is not of the form #xHHHH")

    def _check_tu(self, el) -> None:
        line = el.sourceline
        kids = self._children(el)
        seen_tuv = False
        for child in kids:
            if child.tag == "tuv":
                seen_tuv = True
            elif child.tag in ("note", "prop"):
                if seen_tuv:
                    self.error(child.sourceline, f"<{child.tag}> must come before the <tuv> elements of its <tu>")
            else:
                self.error(child.sourceline, f"<tu> may contain <note>, <prop>, <tuv>, not <{child.tag}>")
            if child.tag == "prop" and child.get("type") in OMEGAT_CONTEXT_PROPS:
                self.warning(child.sourceline, f"<prop type=\"{child.get('type')}\"> makes OmegaT use this TU "
                                               "only as an alternative translation")
        tuvs = [c for c in kids if c.tag == "tuv"]
        if not tuvs:
            self.error(line, "<tu> must contain at least one <tuv>")
            return
        if len(tuvs) == 1:
            self.warning(line, "<tu> has a single <tuv>: no translation")
        self._element_only(el)
        srclang = el.get("srclang") or self.srclang
        if srclang and srclang != "*all*":
            langs = [t.get(XML_LANG) or "" for t in tuvs]
            if not any(lang.lower() == srclang.lower() for lang in langs):
                if any(lang_match(srclang, lang) for lang in langs):
                    self.warning(line, f"no <tuv> has exactly the source language {srclang!r} "
                                       f"(found {', '.join(langs)})")
                else:
                    self.error(line, f"no <tuv> in the source language {srclang!r} (found {', '.join(langs)})")

    def _check_tuv(self, el) -> None:
        kids = self._children(el)
        segs = [c for c in kids if c.tag == "seg"]
        if len(segs) != 1:
            self.error(el.sourceline, f"<tuv> must contain exactly one <seg>, found {len(segs)}")
        for i, child in enumerate(kids):
            if child.tag in ("note", "prop"):
                if segs and kids.index(segs[0]) < i:
                    self.error(child.sourceline, f"<{child.tag}> must come before <seg> in <tuv>")
            elif child.tag != "seg":
                self.error(child.sourceline, f"<tuv> may contain <note>, <prop>, <seg>, not <{child.tag}>")
        self._element_only(el)

    def _check_seg(self, el) -> None:
        self._check_mixed(el)
        text = _seg_text(el)
        if not text.strip():
            self.warning(el.sourceline, "empty <seg>: OmegaT would insert an empty translation")
        elif text != text.strip():
            self.warning(el.sourceline, "<seg> starts or ends with whitespace: OmegaT trims its segments, "
                                        "so this TU will not match exactly")
        opened: dict[str, int] = {}
        closed: set[str] = set()
        for child in el.iter("bpt", "ept", "ut"):
            i = child.get("i")
            if child.tag == "ut":
                self.warning(child.sourceline, "<ut> is deprecated in TMX 1.4")
            elif child.tag == "bpt" and i is not None:
                if i in opened:
                    self.error(child.sourceline, f"two <bpt i=\"{i}\"> in one <seg>")
                opened[i] = child.sourceline or 0
            elif child.tag == "ept" and i is not None:
                if i not in opened or i in closed:
                    self.error(child.sourceline, f"<ept i=\"{i}\"> has no matching <bpt> before it")
                closed.add(i)
        for i, line in opened.items():
            if i not in closed:
                self.error(line or el.sourceline, f"<bpt i=\"{i}\"> has no matching <ept> in the same <seg>")

    def _check_bpt(self, el) -> None:
        self._check_mixed(el)
        for name in ("i", "x"):
            value = el.get(name)
            if value is not None and not _INT.match(value):
                self.error(el.sourceline, f"{name}={value!r} on <{el.tag}> is not a whole number")

    _check_ept = _check_bpt

    def _check_it(self, el) -> None:
        self._check_bpt(el)
        pos = el.get("pos")
        if pos is not None and pos not in ("begin", "end"):
            self.error(el.sourceline, f"pos={pos!r} on <it> must be begin or end")

    def _check_ph(self, el) -> None:
        self._check_bpt(el)
        assoc = el.get("assoc")
        if assoc is not None and assoc not in ("p", "f", "b"):
            self.error(el.sourceline, f"assoc={assoc!r} on <ph> must be p, f or b")

    _check_hi = _check_bpt
    _check_ut = _check_bpt

    def _check_prop(self, el) -> None:
        self._check_mixed(el)
        if el.get("type") == "":
            self.error(el.sourceline, "<prop> has an empty type")


def validate_tmx(path: str | Path, max_problems: int | None = None) -> Validation:
    """Check a TMX file against the TMX 1.4b specification (structure, attributes, values)."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"{p}: no such file")
    if p.is_dir():
        raise UserError(f"{p}: is a directory, not a file")
    return _Validator(p, max_problems).run()


# ---------------------------------------------------------------------------
# Statistics, merge, filter, export


def _pair_keys(unit: TranslationUnit) -> tuple[int, int]:
    langs = (_base(unit.source_lang), _base(unit.target_lang))
    # Python's 64-bit string hashing: a false duplicate needs a collision (about 1e-7 for 1M pairs).
    return hash((langs, unit.source, unit.target)), hash((langs, unit.source))


@functools.lru_cache(maxsize=65536)
def _seconds(value: str | None) -> int:
    moment = parse_tmx_date(value)
    return int(moment.timestamp()) if moment is not None else -1


def _epoch(unit: TranslationUnit) -> int:
    """Seconds since 1970 of the unit's changedate, else creationdate; -1 when it has neither."""
    seconds = _seconds(unit.changedate)
    return seconds if seconds >= 0 else _seconds(unit.creationdate)


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


def tmx_stats(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None, *,
              progress: Progress | None = None, jobs: int = 1) -> TmxStats:
    """Count units, languages, duplicates, conflicts and the confidence histogram of a TMX file."""
    import numpy as np

    reader = TmxReader(path, src_lang, tgt_lang, progress=progress, jobs=jobs)
    pairs, sources = array("q"), array("q")
    hist = [0] * 10
    scored = needs_review = empty = 0
    beads: Counter[str] = Counter()
    documents: set[str] = set()
    for unit in reader:
        if not unit.target.strip():
            empty += 1
        pair, source = _pair_keys(unit)
        pairs.append(pair)
        sources.append(source)
        conf = unit.confidence
        if conf is not None:
            scored += 1
            hist[min(9, max(0, int(conf * 10)))] += 1
        needs_review += unit.needs_review
        bead = unit.prop(PROP_BEAD)
        if bead:
            beads[bead] += 1
        doc = unit.prop(PROP_SOURCE_DOC)
        if doc and len(documents) < 100_000:
            documents.add(doc)
    pair_arr = np.frombuffer(pairs, dtype=np.int64) if pairs else np.zeros(0, np.int64)
    src_arr = np.frombuffer(sources, dtype=np.int64) if sources else np.zeros(0, np.int64)
    unique, first = np.unique(pair_arr, return_index=True)
    _, per_source = np.unique(src_arr[first], return_counts=True)
    header = reader.header
    return TmxStats(
        units=reader.units, skipped=reader.skipped,
        srclang=src_lang or (header.srclang if header else ""),
        languages=tuple(sorted(reader.languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        unique_pairs=int(unique.size), duplicates=int(pair_arr.size - unique.size),
        conflicting_sources=int((per_source > 1).sum()), empty_targets=empty, scored=scored,
        histogram=tuple(hist), needs_review=needs_review,
        beads=tuple(sorted(beads.items(), key=lambda kv: (-kv[1], kv[0]))), documents=len(documents),
    )


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What ``tmx merge`` did."""

    read: int
    written: int
    duplicates: int
    conflicting_sources: int
    conflict_examples: tuple[str, ...]
    skipped: int
    skipped_empty: int
    removed_chars: int


def _relabel(unit: TranslationUnit, src_lang: str | None, tgt_lang: str | None) -> TranslationUnit:
    if src_lang is None and tgt_lang is None:
        return unit
    return dataclasses.replace(unit, source_lang=src_lang or unit.source_lang,
                               target_lang=tgt_lang or unit.target_lang)


def _output_header(first_input: Path, src_lang: str | None, tgt_lang: str | None = None) -> TmxHeader:
    if src_lang:
        return TmxHeader(srclang=_canonical(src_lang))
    srclang = read_tmx_header(first_input).srclang
    if srclang and srclang != "*all*" and is_language_tag(srclang.replace("_", "-")):
        return TmxHeader(srclang=_canonical(srclang))
    for unit in TmxReader(first_input, None, tgt_lang):  # no usable srclang: the first unit's
        return TmxHeader(srclang=_canonical(unit.source_lang))
    return TmxHeader()


def _source_of_line(line: str) -> str:
    """The source text of a ``<tu>`` line this module wrote (its first ``<tuv>``)."""
    tu_el = parse_xml_bytes(line.encode("utf-8"), "<merge spool>").getroot()
    seg = tu_el.find("tuv/seg")
    return _seg_text(seg) if seg is not None else ""


def merge_tmx(inputs: Sequence[str | Path], output: str | Path, *, src_lang: str | None = None,
              tgt_lang: str | None = None, progress: Progress | None = None,
              max_examples: int = 10, jobs: int = 1) -> MergeReport:
    """Merge TMX files: one TU per identical pair (the newest), conflicting targets kept, newest last."""
    import numpy as np

    paths = [Path(p) for p in inputs]
    if not paths:
        raise UserError("merge needs at least one input file")
    header = _output_header(paths[0], src_lang, tgt_lang)
    out = Path(output)
    folder = out.parent if str(out.parent) else Path(".")
    # One XML pass: every unit is formatted once into a spool (one line per <tu>), and only its
    # keys and date are kept in memory (24 bytes a unit); the winners are then copied from the spool.
    pairs, sources, dates = array("q"), array("q"), array("q")
    skipped = read = 0
    with TmxWriter(out, header, allow_context_props=True) as writer, \
            tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n", dir=folder if folder.is_dir() else None,
                                   prefix=".merge-", suffix=".spool") as spool:
        lines: list[str] = []
        for path in paths:
            reader = TmxReader(path, src_lang, tgt_lang, progress=progress, jobs=jobs)
            for unit in reader:
                unit = _relabel(unit, src_lang, tgt_lang)
                line = writer.format_unit(unit)
                if line is None:
                    continue
                lines.append(line)
                if len(lines) >= 2000:
                    spool.write("".join(lines))
                    lines.clear()
                pair, source = _pair_keys(unit)
                pairs.append(pair)
                sources.append(source)
                dates.append(_epoch(unit))
            skipped += reader.skipped
            read += reader.units
        spool.write("".join(lines))
        n = len(pairs)
        keep = np.zeros(n, dtype=bool)
        last = np.zeros(n, dtype=bool)
        member = np.zeros(n, dtype=bool)
        n_conflicts = 0
        if n:
            pair_arr = np.frombuffer(pairs, dtype=np.int64)
            src_arr = np.frombuffer(sources, dtype=np.int64)
            date_arr = np.frombuffer(dates, dtype=np.int64)
            idx = np.arange(n)
            # Per identical pair: the newest, then the first met.
            order = np.lexsort((idx, -date_arr, pair_arr))
            head = np.ones(n, dtype=bool)
            head[1:] = pair_arr[order][1:] != pair_arr[order][:-1]
            winners = order[head]
            keep[winners] = True
            # Sources with more than one kept target: all kept, the newest last (OmegaT: last one wins).
            srcs, counts = np.unique(src_arr[winners], return_counts=True)
            conflicted = srcs[counts > 1]
            n_conflicts = int(conflicted.size)
            if n_conflicts:
                members = winners[np.isin(src_arr[winners], conflicted)]
                member[members] = True
                by_date = members[np.lexsort((members, date_arr[members], src_arr[members]))]
                by_pos = members[np.lexsort((members, src_arr[members]))]
                ends = np.ones(members.size, dtype=bool)
                ends[:-1] = src_arr[by_date][:-1] != src_arr[by_date][1:]
                # Same grouping in both orders, so the group ends line up: newest vs last in the stream.
                move = by_date[ends][by_date[ends] != by_pos[ends]]
                last[move] = True
        # 0: drop; 1: write in the first pass (3: and it is a conflict example); 2: write last.
        action = (keep & ~last).astype(np.int8) + 2 * last + 2 * (keep & ~last & member)
        examples: list[str] = []
        for wanted in (1, 2):
            if wanted == 2 and not last.any():
                break
            spool.seek(0)
            for code, line in zip(action.tolist(), spool):
                if code == wanted or (wanted == 1 and code == 3):
                    writer.write_line(line)
                    if code == 3 and len(examples) < max_examples:
                        text = _source_of_line(line)
                        if text not in examples:
                            examples.append(text)
    return MergeReport(read=read, written=writer.written, duplicates=int(n - keep.sum()),
                       conflicting_sources=n_conflicts, conflict_examples=tuple(examples), skipped=skipped,
                       skipped_empty=writer.skipped_empty, removed_chars=writer.removed_chars)


@dataclass(frozen=True, slots=True)
class FilterReport:
    """What ``tmx filter`` kept and dropped."""

    read: int
    kept: int
    below: int
    unscored: int
    skipped: int


def filter_tmx(path: str | Path, output: str | Path, *, min_confidence: float, keep_unscored: bool = False,
               src_lang: str | None = None, tgt_lang: str | None = None,
               progress: Progress | None = None, jobs: int = 1) -> FilterReport:
    """Copy the units whose ``x-confidence`` is at least ``min_confidence`` into a new TMX file."""
    reader = TmxReader(path, src_lang, tgt_lang, progress=progress, jobs=jobs)
    below = unscored = 0
    with TmxWriter(output, _output_header(Path(path), src_lang), allow_context_props=True) as writer:
        for unit in reader:
            conf = unit.confidence
            if conf is None:
                unscored += 1
                if not keep_unscored:
                    continue
            elif conf < min_confidence:
                below += 1
                continue
            writer.write(_relabel(unit, src_lang, tgt_lang))
    return FilterReport(read=reader.units, kept=writer.written, below=below, unscored=unscored,
                        skipped=reader.skipped + writer.skipped_empty)


EXPORT_FORMATS = ("tsv", "csv", "json")
EXPORT_FIELDS = ("tuid", "source_lang", "target_lang", "source", "target", "confidence", "bead",
                 "needs_review", "source_doc", "creationdate", "changedate", "creationid", "props", "notes")


def _export_row(unit: TranslationUnit) -> dict[str, object]:
    return {
        "tuid": unit.tuid, "source_lang": unit.source_lang, "target_lang": unit.target_lang,
        "source": unit.source, "target": unit.target, "confidence": unit.confidence,
        "bead": unit.prop(PROP_BEAD), "needs_review": unit.needs_review,
        "source_doc": unit.prop(PROP_SOURCE_DOC), "creationdate": unit.creationdate,
        "changedate": unit.changedate, "creationid": unit.creationid,
        "props": [list(p) for p in unit.props], "notes": list(unit.notes),
    }


def export_units(units: Iterable[TranslationUnit], fh: IO[str], fmt: str, spreadsheet: bool = False) -> int:
    """Write units as TSV/CSV (quoted where needed, props/notes as JSON) or a JSON array; return the count.

    With ``spreadsheet``, TSV/CSV text cells a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@`` first) get a leading apostrophe: safe to open, no
    longer byte-exact.
    """
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    if spreadsheet and fmt == "json":
        raise UserError("spreadsheet-safe cells apply to tsv and csv exports, not json")
    count = 0
    if fmt == "json":
        fh.write("[")
        for unit in units:
            fh.write(",\n" if count else "\n")
            fh.write(json.dumps(_export_row(unit), ensure_ascii=False))
            count += 1
        fh.write("\n]\n" if count else "]\n")
        return count
    writer = csv.writer(fh, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(EXPORT_FIELDS)
    for unit in units:
        row = _export_row(unit)
        row["props"] = json.dumps(row["props"], ensure_ascii=False) if unit.props else ""
        row["notes"] = json.dumps(row["notes"], ensure_ascii=False) if unit.notes else ""
        row["needs_review"] = "yes" if unit.needs_review else ""
        cells = ["" if row[f] is None else row[f] for f in EXPORT_FIELDS]
        if spreadsheet:
            cells = [text_cell(c) if isinstance(c, str) else c for c in cells]
        writer.writerow(cells)
        count += 1
    return count
