"""Reading TMX 1.4b: the per-``<tu>`` unit parser, the serial file reader, the header reader.

Reading streams with ``iterparse`` (through :mod:`bilingual_pr.xmlsafe`) and
frees every ``<tu>`` once read, so memory stays flat for any number of units.
:class:`UnitParser` turns one ``<tu>`` element into a unit and reports a
skipped one to the callback it was given: the serial reader here and the
parallel one (:mod:`bilingual_pr.formats.tmx.parallel`) share it.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections import Counter
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import InlineCode, TaggedUnit, TmxHeader, TranslationUnit
from bilingual_pr.language import canonical_tag
from bilingual_pr.xmlsafe import iterparse_xml, parse_xml_file

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Progress = Callable[[int], None]

# ISO 639-2 codes seen in old memories, for the UN languages and a few neighbours.
_ISO639_2 = {
    "fra": "fr", "fre": "fr", "eng": "en", "spa": "es", "rus": "ru", "ara": "ar", "zho": "zh",
    "chi": "zh", "deu": "de", "ger": "de", "ita": "it", "por": "pt", "nld": "nl", "dut": "nl",
}


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
def canonical_lang(tag: str) -> str:
    """A language tag as written in a TMX file: canonical BCP 47 (language.canonical_tag), ``*all*`` kept."""
    if tag == "*all*":
        return tag
    return canonical_tag(tag.strip())


@functools.lru_cache(maxsize=1024)
def _canonical_or_raw(tag: str) -> str:
    try:
        return canonical_lang(tag)
    except UserError:
        return tag


def lang_base(tag: str) -> str:
    """The primary language of a tag for matching: lower case, ISO 639-2 codes mapped ('FRA_fr' -> 'fr')."""
    return _split_tag(tag)[0]


def precise_error(err: UserError, path: Path) -> UserError:
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


def seg_text(seg) -> str:
    """The text of a ``<seg>``: ``<hi>`` content kept, native codes (bpt/ept/ph/it/ut) dropped."""
    if len(seg) == 0:
        return seg.text or ""
    parts = [seg.text or ""]
    for child in seg:
        if child.tag == "hi":
            parts.append(seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


_NATIVE_CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})


def seg_codes(seg) -> tuple[str, tuple[InlineCode, ...]]:
    """The text of a ``<seg>`` as :func:`seg_text` gives it, and its inline codes lifted out with their offsets.

    ``<bpt>``/``<ept>`` are keyed by their ``i`` (which pairs them), the others by ``x``;
    ``<it>`` by its ``pos`` too (``it-begin``, ``it-end``); ``<hi>`` gives ``hi-open`` and ``hi-close``.
    """
    parts: list[str] = []
    codes: list[InlineCode] = []
    size = 0

    def add(text: str | None) -> None:
        nonlocal size
        if text:
            parts.append(text)
            size += len(text)

    def walk(node) -> None:
        add(node.text)
        for child in node:
            tag = child.tag
            if tag == "hi":
                ident = child.get("x") or ""
                codes.append(InlineCode("hi-open", ident, size))
                walk(child)
                codes.append(InlineCode("hi-close", ident, size))
            elif tag in _NATIVE_CODES:
                ident = (child.get("i") if tag in ("bpt", "ept") else None) or child.get("x") or ""
                kind = f"it-{child.get('pos') or ''}" if tag == "it" else tag
                codes.append(InlineCode(kind, ident, size))
            add(child.tail)

    walk(seg)
    return "".join(parts), tuple(codes)


def header_from(el) -> TmxHeader:
    """The :class:`TmxHeader` of a ``<header>`` element."""
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
UNIT_FIELDS = ("source", "target", "source_lang", "target_lang", "tuid", "props", "notes", "creationdate",
               "changedate", "creationid")
(_set_source, _set_target, _set_source_lang, _set_target_lang, _set_tuid, _set_props, _set_notes,
 _set_creationdate, _set_changedate, _set_creationid) = (getattr(TranslationUnit, f).__set__ for f in UNIT_FIELDS)


def new_unit(source: str, target: str, source_lang: str, target_lang: str, tuid: str | None,
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


def _seg_of(tuv):
    """The ``<seg>`` of a ``<tuv>`` (after any ``<prop>``/``<note>``), or None."""
    first = tuv[0] if len(tuv) else None
    if first is None or first.tag == "seg":
        return first
    return next(tuv.iterchildren("seg"), None)


def make_unit(fields: tuple) -> TranslationUnit:
    """The unit of a :meth:`UnitParser.fields` tuple: a TaggedUnit when it carries inline codes (12 fields)."""
    return new_unit(*fields) if len(fields) == 10 else TaggedUnit(*fields)


_SIDE_MEMO_MAX = 4096


class UnitParser:
    """Turns ``<tu>`` elements into units: picks the source and target ``<tuv>`` by language.

    ``src_lang``/``tgt_lang`` match tags sensibly (``fr`` finds ``fr-FR``,
    ``FR-fr``, ``fr_FR``; the same region wins over another). Without them
    the source is the ``header``'s ``srclang`` and the target the first
    ``<tuv>`` in another language. A ``<tu>`` without both sides goes to
    ``skip(line, why)`` and gives None; ``lang_sets`` counts every language set seen.
    With ``codes`` (QA reads) a unit whose sides hold inline codes is a :class:`TaggedUnit`
    with the codes (:func:`seg_codes`), its field tuple 12 long; otherwise units carry none.
    """

    def __init__(self, src_lang: str | None, tgt_lang: str | None, skip: Callable[[int | None, str], None],
                 codes: bool = False) -> None:
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.skip = skip
        self.codes = codes
        self._side_memo: dict[tuple[tuple[str, ...], str | None], tuple[int, int, str, str] | str] = {}
        self._header: TmxHeader | None = None
        self.lang_sets: dict[tuple[str, ...], int] = {}

    @property
    def header(self) -> TmxHeader | None:
        """The file's ``<header>``, once read (None before, or when the file has none)."""
        return self._header

    @header.setter
    def header(self, header: TmxHeader | None) -> None:
        self._header = header
        self._side_memo.clear()  # the header's srclang picks the source side

    def unit(self, el) -> TranslationUnit | None:
        """A ``<tu>``'s unit, or None when it is skipped."""
        fields = self.fields(el)
        if fields is None:
            return None
        return new_unit(*fields) if len(fields) == 10 else TaggedUnit(*fields)

    def fields(self, el) -> tuple | None:
        """A ``<tu>``'s unit as the field tuple :func:`new_unit` takes, or None when it is skipped."""
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
                        text = (seg.text or "") if not len(seg) else seg_text(seg)
                langs.append(child.get(XML_LANG) or child.get("lang") or "")
                texts.append(text)
                tuv_els.append(child)
            elif tag == "note":
                notes.append(child.text or "")
        # Five get() calls cost less than building a dict of the attributes first (callgrind).
        get = el.get
        sides = self._sides(langs, get("srclang"))
        if isinstance(sides, str):
            self.skip(el.sourceline, sides)
            return None
        si, ti, source_lang, target_lang = sides
        source, target = texts[si], texts[ti]
        if source is None or target is None:
            self.skip(el.sourceline, "<tuv> without <seg>")
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
        if self.codes:
            s_codes: tuple[InlineCode, ...] = ()
            t_codes: tuple[InlineCode, ...] = ()
            seg = _seg_of(tuv_els[si])
            if seg is not None and len(seg):
                source, s_codes = seg_codes(seg)
            seg = _seg_of(tuv_els[ti])
            if seg is not None and len(seg):
                target, t_codes = seg_codes(seg)
            if s_codes or t_codes:
                return (source, target, source_lang, target_lang, get("tuid"), tuple(props), tuple(notes),
                        creationdate, changedate, creationid, s_codes, t_codes)
        return (source, target, source_lang, target_lang, get("tuid"), tuple(props), tuple(notes), creationdate,
                changedate, creationid)

    def _sides(self, langs: list[str], srclang: str | None) -> tuple[int, int, str, str] | str:
        """Count this language set; pick (source, target) ``<tuv>`` indexes and tags, or say why the TU is skipped."""
        key = tuple(langs)
        self.lang_sets[key] = self.lang_sets.get(key, 0) + 1
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
            base = lang_base(langs[si]) if langs[si] else ""
            others = [i for i in range(n) if i != si]
            ti = next((i for i in others if langs[i] and lang_base(langs[i]) != base), others[0])
        return si, ti, _canonical_or_raw(langs[si]), _canonical_or_raw(langs[ti])

    @property
    def languages(self) -> Counter[str]:
        """How many ``<tuv>`` of each language tag were seen so far."""
        counts: Counter[str] = Counter()
        for langs, count in self.lang_sets.items():
            for lang in langs:
                counts[lang] += count
        return counts

    def _header_srclang(self) -> str:
        return self.header.srclang if self.header is not None else ""


def iter_units(events: Iterable, parser: UnitParser, path: Path, *, checked_root: bool = False,
               unit_of: Callable[[object], object] | None = None) -> Iterator:
    """What ``unit_of`` (default: ``parser.unit``) gives for each ``<tu>`` of ``events`` that is not skipped.

    The first ``<header>`` becomes ``parser.header``; each element is freed once read.
    """
    unit_of = unit_of or parser.unit
    for _event, el in events:
        if not checked_root:
            parent = el.getparent()
            root = parent if el.tag == "header" else (parent.getparent() if parent is not None else None)
            if root is None or root.tag != "tmx":
                raise UserError(f"{path}: not a TMX file (root element is not <tmx>)")
            checked_root = True
            if el.tag == "header":
                parser.header = header_from(el)
                continue
        unit = unit_of(el)
        # Free what was read: the element's content, and every earlier sibling.
        el.clear()
        parent = el.getparent()
        while el.getprevious() is not None:
            del parent[0]
        if unit is not None:
            yield unit
    if not checked_root:
        raise UserError(f"{path}: not a TMX file (no <header> or <tu> found)")


class SerialTmxReader:
    """Stream the units of a TMX file in this process (see :class:`UnitParser` for the language choice).

    TUs without both sides are skipped and counted (``skipped``, the first
    ``MAX_REASONS`` in ``skip_reasons``); ``header`` and ``languages`` (every
    ``<tuv>`` tag seen) fill in as it reads.
    """

    MAX_REASONS = 20

    def __init__(self, path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None, *,
                 progress: Progress | None = None, codes: bool = False) -> None:
        self.path = Path(path)
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.progress = progress
        self.parser = UnitParser(src_lang, tgt_lang, self.skip, codes)
        self.units = 0
        self.skipped = 0
        self.skip_reasons: list[str] = []

    @property
    def header(self) -> TmxHeader | None:
        """The file's ``<header>``, once read (None before, or when the file has none)."""
        return self.parser.header

    @header.setter
    def header(self, header: TmxHeader | None) -> None:
        self.parser.header = header

    @property
    def languages(self) -> Counter[str]:
        """How many ``<tuv>`` of each language tag were read so far."""
        return self.parser.languages

    def skip(self, line: int | None, why: str) -> None:
        """Count a skipped ``<tu>`` and keep the first reasons (the parser's skip callback)."""
        self.skipped += 1
        if len(self.skip_reasons) < self.MAX_REASONS:
            self.skip_reasons.append(f"{self.path}:{line}: {why}")

    def reset(self) -> None:
        """Forget what was read: header, counts, skip reasons and language sets."""
        self.header = None
        self.units = self.skipped = 0
        self.skip_reasons = []
        self.parser.lang_sets = {}

    def _events(self) -> Iterator:
        if self.progress is None:
            return iterparse_xml(self.path, tag=("header", "tu"), where=str(self.path))
        return self._counted_events(self.progress)

    def _counted_events(self, progress: Progress) -> Iterator:
        where = str(self.path)
        # One look at the path first, so xmlsafe's checks of the file head run as usual.
        with contextlib.closing(iterparse_xml(self.path, events=("start",), where=where)) as probe:
            next(probe, None)
        with open(self.path, "rb") as fh:
            yield from iterparse_xml(_CountingReader(fh, progress), tag=("header", "tu"), where=where)

    def __iter__(self) -> Iterator[TranslationUnit]:
        if not self.path.exists():
            raise UserError(f"{self.path}: no such file")
        yield from self.read()

    def read(self, skip: int = 0) -> Iterator[TranslationUnit]:
        """Read the whole file in this process; the first ``skip`` units are read but not yielded."""
        try:
            for unit in iter_units(self._events(), self.parser, self.path):
                self.units += 1
                if skip:
                    skip -= 1
                    continue
                yield unit
        except UserError as err:
            raise precise_error(err, self.path) from None


def read_tmx(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None) -> Iterator[TranslationUnit]:
    """Stream the translation units of a TMX file (see :class:`UnitParser` for language matching)."""
    return iter(SerialTmxReader(path, src_lang, tgt_lang))


def read_tmx_header(path: str | Path) -> TmxHeader:
    """Read only the ``<header>`` of a TMX file."""
    with contextlib.closing(iterparse_xml(Path(path), tag=("header", "tu"), where=str(path))) as events:
        for _event, el in events:
            parent = el.getparent()
            if el.tag == "header" and parent is not None and parent.tag == "tmx":
                return header_from(el)
            break
    raise UserError(f"{path}: not a TMX file (no <header> in <tmx>)")

