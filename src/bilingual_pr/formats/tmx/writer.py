"""Writing TMX 1.4b: a streaming writer that escapes text itself, written atomically.

Writing streams escaped text straight to an atomic temporary file: measured on
this project's machine, lxml's ``etree.xmlfile`` with pre-built elements took
29 s per million units, careful string escaping under 3 s (see docs/tmx.md).
Escaping covers ``& < >``, and CR and LF as ``&#13;``/``&#10;`` (so they survive
parsing and every ``<tu>`` is one line); characters XML cannot carry are removed
and counted.

The interop rules behind the writer (always ``srclang`` and ``xml:lang``, BCP 47
tags with a hyphen, no whitespace inside ``<seg>``, no empty targets, no OmegaT
context props) come from shared/standards/INTEROP.md, observed with OmegaT 3.6
and translate-toolkit. Language tags go through :func:`bilingual_pr.language.canonical_tag`:
one that is not well-formed BCP 47 is refused (a ``UserError``), so every tag
written passes :func:`bilingual_pr.formats.tmx.validate.validate_tmx`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from pathlib import Path
from typing import IO, Iterable

from bilingual_pr.fileio import atomic_output
from bilingual_pr.formats.tmx.reader import canonical_lang
from bilingual_pr.formats.units import TmxHeader, TranslationUnit, clean_xml_text, normalize_tmx_date, tmx_date

SEGTYPES = frozenset({"block", "paragraph", "sentence", "phrase"})
# OmegaT reads these as the context of an *alternative* translation: a TU that
# carries them is only applied where they match (INTEROP.md, gotcha 6).
OMEGAT_CONTEXT_PROPS = frozenset({"file", "id", "prev", "next", "path"})


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
        return _normalize_date(value)

    def _write_header(self, header: TmxHeader) -> None:
        srclang = canonical_lang(header.srclang)
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
        src_lang = canonical_lang(unit.source_lang)
        tgt_lang = canonical_lang(unit.target_lang)
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
        if norm is not None:
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

