"""XLIFF 1.2 and 2.1: the writer of drafted translations and the one XLIFF reader.

Drafts are marked the standard way, and ``state`` is always written (a missing
state means "translated" to translate-toolkit's XLIFF 2 reader, "initial" to
the spec):

=============  ===================================  ======================================
origin         XLIFF 1.2 ``<target>``                XLIFF 2.1 ``<segment>``
=============  ===================================  ======================================
tm-context     translated / exact-match, 101         translated, mtc:match type=tm (100)
tm-exact       needs-review-translation / exact-m.   initial, mtc:match type=tm, 100
tm-fuzzy       needs-review-translation / fuzzy-m.   initial, mtc:match type=tm, score
mt             needs-review-translation / mt-sugg.   initial, mtc:match type=mt
untranslated   needs-translation, source copied      initial, no target
=============  ===================================  ======================================

Drafts are XLIFF 1.2 unless 2.1 is asked for (``DEFAULT_XLIFF_VERSION``):
OmegaT 3.6 reads no XLIFF 2, and its XLIFF 1.2 filter offers the text of each
``<target>`` for translation, so an empty target would be no segment at all;
an untranslated sentence's target is therefore a copy of its source (state
``needs-translation``), which ``read_xliff`` reads back as an empty target.

In 1.2 every suggestion is also kept as ``<alt-trans origin=… tool-id=…
match-quality=…>`` (tools in the file header); in 2.1 as a Translation
Candidates ``<mtc:match>`` and ``subState="bilingual-pr:<origin>"``. One block of
the document is one ``<group>``.

``read_xliff`` is the project's one XLIFF reader (drafts read back, ``check``):
it streams XLIFF 1.2 and 2.x as ``TaggedUnit`` objects (formats/units.py), a
TranslationUnit with the inline codes (``<g>``, ``<x/>``, ``<bx/>``, ``<ex/>``,
``<ph>``, ``<pc>``, ``<sc>``/``<ec>``...) lifted out of the texts with their
offsets, and state, origin and match quality as props.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from lxml import etree

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output
from bilingual_pr.formats.units import PROP_STATE, InlineCode, TaggedUnit, TranslationUnit, clean_xml_text
from bilingual_pr.xmlsafe import iterparse_xml, reject_entity_references

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
NS_MTC = "urn:oasis:names:tc:xliff:matches:2.0"
NS_MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUBSTATE_PREFIX = "bilingual-pr"
XLIFF_VERSIONS = ("1.2", "2.1")
#: The version drafts are written in: the one OmegaT 3.6 opens (2.1 on request).
DEFAULT_XLIFF_VERSION = "1.2"

# Props set by read_xliff on each unit (PROP_STATE, "x-state", comes from formats/units.py).
PROP_QUALIFIER = "x-state-qualifier"
PROP_ORIGIN = "x-origin"
PROP_MATCH_QUALITY = "x-match-quality"
PROP_ENGINE = "x-engine"
#: The target the draft proposed (the <alt-trans> / <mtc:match> target): what a post-editor started from.
PROP_DRAFT_TARGET = "x-draft-target"

_STATE12 = {
    "tm-context": ("translated", "exact-match"),
    "tm-exact": ("needs-review-translation", "exact-match"),
    "tm-fuzzy": ("needs-review-translation", "fuzzy-match"),
    "mt": ("needs-review-translation", "mt-suggestion"),
    "untranslated": ("needs-translation", None),
}
_QUALIFIER_ORIGIN = {"exact-match": "tm-exact", "fuzzy-match": "tm-fuzzy", "mt-suggestion": "mt",
                     "leveraged-mt": "mt", "leveraged-tm": "tm-exact"}


@dataclass(frozen=True, slots=True)
class XliffSegment:
    """One sentence to write: source, draft target and where the target came from."""

    id: str
    source: str
    target: str | None
    origin: str  # tm-context | tm-exact | tm-fuzzy | mt | untranslated
    engine: str | None = None
    score: float | None = None
    match_source: str | None = None
    group: str | None = None
    notes: tuple[str, ...] = ()


def _text(s: str) -> str:
    return clean_xml_text(s)[0]


def _quality(score: float | None) -> str | None:
    if score is None:
        return None
    return str(int(score)) if float(score).is_integer() else f"{score:.1f}"


def _nmtoken(value: str) -> str:
    return re.sub(r"[^\w.\-]", "_", value) or "x"


def _groups(segments: Sequence[XliffSegment]) -> list[tuple[str | None, list[XliffSegment]]]:
    out: list[tuple[str | None, list[XliffSegment]]] = []
    for s in segments:
        if out and out[-1][0] == s.group:
            out[-1][1].append(s)
        else:
            out.append((s.group, [s]))
    return out


def build_xliff12(segments: Sequence[XliffSegment], src_lang: str, tgt_lang: str, original: str,
                  tool_version: str = "") -> etree._ElementTree:
    """Build an XLIFF 1.2 (strict) document of drafts."""
    E = lambda tag, **kw: etree.Element(f"{{{NS12}}}{tag}", **kw)  # noqa: E731
    root = etree.Element(f"{{{NS12}}}xliff", nsmap={None: NS12}, version="1.2")
    file_el = etree.SubElement(root, f"{{{NS12}}}file", original=original, datatype="plaintext")
    file_el.set("source-language", src_lang)
    file_el.set("target-language", tgt_lang)
    header = etree.SubElement(file_el, f"{{{NS12}}}header")
    tools: dict[str, str] = {}
    for s in segments:
        if s.engine and s.engine not in tools:
            tools[s.engine] = f"t{len(tools) + 1}"
    main = E("tool")
    main.set("tool-id", "bilingual-pr")
    main.set("tool-name", "bilingual-pr")
    if tool_version:
        main.set("tool-version", tool_version)
    header.append(main)
    for name, tid in tools.items():
        t = E("tool")
        t.set("tool-id", tid)
        t.set("tool-name", _text(name))
        header.append(t)
    body = etree.SubElement(file_el, f"{{{NS12}}}body")
    for group, segs in _groups(segments):
        parent = body
        if group is not None:
            parent = etree.SubElement(body, f"{{{NS12}}}group", id=group)
        for s in segs:
            state, qualifier = _STATE12[s.origin]
            tu = etree.SubElement(parent, f"{{{NS12}}}trans-unit", id=s.id)
            src = etree.SubElement(tu, f"{{{NS12}}}source")
            src.set(XML_LANG, src_lang)
            src.text = _text(s.source)
            tgt = etree.SubElement(tu, f"{{{NS12}}}target", state=state)
            tgt.set(XML_LANG, tgt_lang)
            if qualifier:
                tgt.set("state-qualifier", qualifier)
            if s.target is not None:
                tgt.text = _text(s.target)
            elif s.origin == "untranslated":
                # OmegaT 3.6 translates the target's text: an untranslated sentence offers its source there.
                tgt.text = _text(s.source)
            origin_note = s.origin if s.score is None else f"{s.origin} {_quality(s.score)}%"
            note = etree.SubElement(tu, f"{{{NS12}}}note", {"from": "bilingual-pr"})
            note.text = _text(f"origin: {origin_note}" + (f" ({s.engine})" if s.engine else ""))
            for n in s.notes:
                extra = etree.SubElement(tu, f"{{{NS12}}}note", {"from": "bilingual-pr", "priority": "2"})
                extra.text = _text(n)
            if s.target is not None and s.engine:
                alt = etree.SubElement(tu, f"{{{NS12}}}alt-trans", origin=_text(s.engine))
                alt.set("tool-id", tools[s.engine])
                if s.score is not None:
                    alt.set("match-quality", _quality(s.score) or "")
                if s.match_source is not None:
                    asrc = etree.SubElement(alt, f"{{{NS12}}}source")
                    asrc.set(XML_LANG, src_lang)
                    asrc.text = _text(s.match_source)
                atgt = etree.SubElement(alt, f"{{{NS12}}}target")
                atgt.set(XML_LANG, tgt_lang)
                atgt.text = _text(s.target)
    return etree.ElementTree(root)


def build_xliff21(segments: Sequence[XliffSegment], src_lang: str, tgt_lang: str, original: str,
                  tool_version: str = "") -> etree._ElementTree:
    """Build an XLIFF 2.1 document of drafts (core + Translation Candidates + Metadata modules)."""
    X = lambda parent, tag, **kw: etree.SubElement(parent, f"{{{NS20}}}{tag}", **kw)  # noqa: E731
    root = etree.Element(f"{{{NS20}}}xliff", nsmap={None: NS20, "mtc": NS_MTC, "mda": NS_MDA},
                         version="2.1", srcLang=src_lang, trgLang=tgt_lang)
    file_el = X(root, "file", id="f1", original=original)
    meta = etree.SubElement(file_el, f"{{{NS_MDA}}}metadata")
    grp = etree.SubElement(meta, f"{{{NS_MDA}}}metaGroup", category="tool")
    m = etree.SubElement(grp, f"{{{NS_MDA}}}meta", type="name")
    m.text = "bilingual-pr"
    if tool_version:
        m = etree.SubElement(grp, f"{{{NS_MDA}}}meta", type="version")
        m.text = tool_version
    count = 0
    for group, segs in _groups(segments):
        parent = file_el if group is None else X(file_el, "group", id=_nmtoken(group))
        for s in segs:
            count += 1
            unit = X(parent, "unit", id=f"u{count}")
            seg_id = _nmtoken(s.id)
            if s.target is not None and s.engine:
                matches = etree.SubElement(unit, f"{{{NS_MTC}}}matches")
                match = etree.SubElement(matches, f"{{{NS_MTC}}}match", ref=f"#{seg_id}",
                                         type="mt" if s.origin == "mt" else "tm", origin=_text(s.engine))
                match.set("subType", f"{SUBSTATE_PREFIX}:{s.origin}")
                if s.score is not None:
                    q = _quality(min(100.0, s.score))
                    match.set("matchQuality", q or "0")
                    match.set("similarity", q or "0")
                msrc = etree.SubElement(match, f"{{{NS20}}}source")
                msrc.text = _text(s.match_source if s.match_source is not None else s.source)
                mtgt = etree.SubElement(match, f"{{{NS20}}}target")
                mtgt.text = _text(s.target)
            notes = [f"origin: {s.origin}" + (f" {_quality(s.score)}%" if s.score is not None else "")
                     + (f" ({s.engine})" if s.engine else "")] + list(s.notes)
            notes_el = X(unit, "notes")
            for i, n in enumerate(notes):
                note = X(notes_el, "note", category="origin" if i == 0 else "glossary")
                note.text = _text(n)
            state = "translated" if s.origin == "tm-context" else "initial"
            seg = X(unit, "segment", id=seg_id, state=state)
            seg.set("subState", f"{SUBSTATE_PREFIX}:{s.origin}")
            src = X(seg, "source")
            src.text = _text(s.source)
            if s.target is not None:
                tgt = X(seg, "target")
                tgt.text = _text(s.target)
    return etree.ElementTree(root)


def xliff_bytes(segments: Sequence[XliffSegment], src_lang: str, tgt_lang: str, original: str,
                version: str = DEFAULT_XLIFF_VERSION, tool_version: str = "") -> bytes:
    """Serialize drafts as XLIFF 1.2 or 2.1 (UTF-8, with XML declaration)."""
    if version not in XLIFF_VERSIONS:
        raise UserError(f"unsupported XLIFF version {version!r}: use 1.2 or 2.1")
    build = build_xliff12 if version == "1.2" else build_xliff21
    # The original is a file name, which may hold control characters XML cannot carry.
    tree = build(segments, src_lang, tgt_lang, _text(original), tool_version)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_xliff(path: str | Path, segments: Sequence[XliffSegment], src_lang: str, tgt_lang: str,
                original: str, version: str = DEFAULT_XLIFF_VERSION, tool_version: str = "") -> int:
    """Write drafts to an XLIFF file atomically; return the number of segments."""
    data = xliff_bytes(segments, src_lang, tgt_lang, original, version, tool_version)
    with atomic_output(path, "wb", encoding=None) as fh:
        fh.write(data)
    return len(segments)


# ------------------------------------------------------------------ reading

# Inline markup of XLIFF 1.2 and 2.x, by local name.
_PAIRED = {"g", "pc"}  # codes around text: an opening and a closing code
_CODES = {"x", "bx", "ex", "ph", "sc", "ec", "bpt", "ept", "it"}  # standalone codes; their content is native code
_TRANSPARENT = {"mrk"}  # annotations: their text is part of the segment
_IGNORED = {"sm", "em", "sub"}
_STREAM_TAGS = ("{*}xliff", "{*}file", "{*}tool", "{*}trans-unit", "{*}unit")
_NS1X = ("urn:oasis:names:tc:xliff:document:1.1", "urn:oasis:names:tc:xliff:document:1.0")


def _local(tag: object) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _all_text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return "".join(el.itertext())


def flatten_inline(el: etree._Element, where: str = "<input>") -> tuple[str, tuple[InlineCode, ...]]:
    """The text of an XLIFF <source>/<target> with its inline codes lifted out (zero-width, with offsets)."""
    parts: list[str] = []
    codes: list[InlineCode] = []
    size = 0

    def add(text: str | None) -> None:
        nonlocal size
        if text:
            parts.append(text)
            size += len(text)

    def walk(node: etree._Element) -> None:
        add(node.text)
        for child in node:
            name = _local(child.tag)
            ident = child.get("id") or child.get("rid") or child.get("startRef") or ""
            if name in _PAIRED:
                codes.append(InlineCode(f"{name}-open", ident, size))
                walk(child)
                codes.append(InlineCode(f"{name}-close", ident, size))
            elif name in _TRANSPARENT:
                walk(child)
            elif name in _CODES:
                codes.append(InlineCode(name, child.get("rid") or child.get("startRef") or ident, size))
            elif name not in _IGNORED and isinstance(child.tag, str):
                walk(child)
            elif child.tag is etree.Entity:
                # An entity of an external DTD (never loaded): refuse it rather than lose its text.
                reject_entity_references(node, where)
            add(child.tail)

    walk(el)
    return "".join(parts), tuple(codes)


#: Target states (1.2 and 2.x) of a translation a person has done or checked: what a memory may reuse.
#: Drafts waiting for review (needs-*, new, initial) are not; a 101 % memory match is drafted "translated".
CONFIRMED_STATES = frozenset({"translated", "reviewed", "signed-off", "final"})


def confirmed(unit: TranslationUnit) -> bool:
    """Whether an XLIFF unit's target is a translation to reuse (non-empty, state in CONFIRMED_STATES)."""
    return bool(unit.target) and unit.state in CONFIRMED_STATES


def source_placeholder(state: str | None, source: str, target: str) -> bool:
    """Whether an XLIFF 1.2 target only repeats its source for OmegaT (state needs-translation): no translation."""
    return state == "needs-translation" and target == source


def _release(el: etree._Element) -> None:
    """Free a streamed element and the siblings read before it."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _check_root(el: etree._Element, where: str) -> None:
    if _local(el.tag) != "xliff":
        raise UserError(f"{where}: not an XLIFF 1.2 or 2.x file (root {el.tag})")


def xliff_languages(path: str | Path) -> tuple[str, str]:
    """The source and target language tags an XLIFF file declares first (target "" when it has none)."""
    for _, el in iterparse_xml(path, events=("start",)):
        if el.getparent() is None:
            _check_root(el, str(path))
        name = _local(el.tag)
        if name == "xliff" and el.get("srcLang"):
            return el.get("srcLang") or "", el.get("trgLang") or ""
        if name == "file" and el.get("source-language"):
            return el.get("source-language") or "", el.get("target-language") or ""
    raise UserError(f"{path}: no source language in this XLIFF file")


def read_xliff(path: str | Path) -> Iterator[TaggedUnit]:
    """Stream an XLIFF 1.2 or 2.x file: one TaggedUnit per segment, inline codes kept, state and origin as props.

    The texts are those of ``<source>``/``<target>`` without the native code inside
    ``<ph>``, ``<bpt>``... (the codes are in ``source_codes``/``target_codes``); a 1.2
    target that only repeats its source (:func:`source_placeholder`) reads as empty.
    Languages are those of the ``<file>`` (1.2) or root (2.x); a ``<file>`` without
    them keeps the previous ones. The ``tuid`` is the ``trans-unit`` id (1.2), the
    ``segment`` id or ``unit-id/n`` (2.x).
    """
    where = str(path)
    langs = ("", "")
    tools: dict[str | None, str | None] = {}
    core_ns: str | None = None
    # Only these elements reach Python: a file has ten times more other events (source, g, note...).
    for event, el in iterparse_xml(path, tag=_STREAM_TAGS, events=("start", "end")):
        if core_ns is None:
            root = el.getroottree().getroot()
            _check_root(root, where)
            core_ns = etree.QName(root).namespace or ""
            if root.get("srcLang"):
                langs = (root.get("srcLang") or "", root.get("trgLang") or "")
        name = _local(el.tag)
        if event == "start":
            if name == "file":
                tools = {}
                if el.get("source-language"):
                    langs = (el.get("source-language") or "", el.get("target-language") or langs[1])
            continue
        if name == "tool" and el.get("tool-id") is not None:
            tools[el.get("tool-id")] = el.get("tool-name")
        elif name == "trans-unit":
            unit = _unit12(el, langs, tools, where)
            if unit is not None:
                yield unit
            _release(el)
        elif name == "unit" and core_ns not in (NS12, *_NS1X):
            yield from _units20(el, langs, core_ns, where)
            _release(el)
    if core_ns is None:  # no XLIFF element at all: say what the root is
        for _, first in iterparse_xml(path, events=("start",)):
            _check_root(first, where)


def _unit12(tu: etree._Element, langs: tuple[str, str], tools: dict, where: str) -> TaggedUnit | None:
    src = tgt = alt = None
    note_els = []
    for child in tu:  # one pass over the children: a namespace wildcard find() costs more than the unit
        name = _local(child.tag)
        if name == "source":
            src = child if src is None else src
        elif name == "target":
            tgt = child if tgt is None else tgt
        elif name == "alt-trans":
            alt = child if alt is None else alt
        elif name == "note":
            note_els.append(child)
    if src is None:
        return None
    source, s_codes = flatten_inline(src, where)
    target, t_codes = flatten_inline(tgt, where) if tgt is not None else ("", ())
    state = tgt.get("state") if tgt is not None else None
    qualifier = tgt.get("state-qualifier") if tgt is not None else None
    props: list[tuple[str, str]] = [(PROP_STATE, state or ("new" if tgt is None else "translated"))]
    if qualifier:
        props.append((PROP_QUALIFIER, qualifier))
    origin = _QUALIFIER_ORIGIN.get(qualifier or "", None)
    if alt is not None:
        quality = alt.get("match-quality")
        if quality:
            props.append((PROP_MATCH_QUALITY, quality))
            if origin == "tm-exact" and quality == "101":
                origin = "tm-context"
        engine = alt.get("origin") or tools.get(alt.get("tool-id"))
        if engine:
            props.append((PROP_ENGINE, engine))
        proposed = next((c for c in alt if _local(c.tag) == "target"), None)
        if proposed is not None:
            props.append((PROP_DRAFT_TARGET, flatten_inline(proposed, where)[0]))
    if source_placeholder(state, source, target):
        target, t_codes = "", ()
    if not target and state in (None, "new", "needs-translation"):
        origin = "untranslated"
    if origin:
        props.append((PROP_ORIGIN, origin))
    notes = tuple(_all_text(n) for n in note_els)
    return TaggedUnit(source, target, langs[0], langs[1], tu.get("id"), tuple(props), notes,
                      source_codes=s_codes, target_codes=t_codes)


def _units20(unit: etree._Element, langs: tuple[str, str], ns: str, where: str) -> Iterator[TaggedUnit]:
    q = lambda t: f"{{{ns}}}{t}" if ns else t  # noqa: E731
    matches: dict[str, etree._Element] = {}
    for m in unit.iter(f"{{{NS_MTC}}}match"):
        matches.setdefault((m.get("ref") or "").lstrip("#"), m)
    notes = tuple(_all_text(n) for n in unit.iter(q("note")))
    for n, seg in enumerate(unit.iter("{*}segment")):
        src = seg.find("{*}source")
        if src is None:
            continue
        tgt = seg.find("{*}target")
        source, s_codes = flatten_inline(src, where)
        target, t_codes = flatten_inline(tgt, where) if tgt is not None else ("", ())
        # The spec default is "initial"; say so explicitly in the props.
        props: list[tuple[str, str]] = [(PROP_STATE, seg.get("state") or "initial")]
        sub = seg.get("subState") or ""
        origin = sub.split(":", 1)[1] if sub.startswith(f"{SUBSTATE_PREFIX}:") else None
        m = matches.get(seg.get("id") or "")
        if m is not None:
            quality = m.get("matchQuality")
            if quality:
                props.append((PROP_MATCH_QUALITY, "101" if origin == "tm-context" else quality))
            if m.get("origin"):
                props.append((PROP_ENGINE, m.get("origin") or ""))
            proposed = m.find("{*}target")
            if proposed is not None:
                props.append((PROP_DRAFT_TARGET, flatten_inline(proposed, where)[0]))
            if origin is None:
                origin = "mt" if m.get("type") == "mt" else "tm-fuzzy"
        if tgt is None and origin is None:
            origin = "untranslated"
        if origin:
            props.append((PROP_ORIGIN, origin))
        ident = seg.get("id") or (f"{unit.get('id')}/{n + 1}" if unit.get("id") else None)
        yield TaggedUnit(source, target, langs[0], langs[1], ident, tuple(props), notes,
                         source_codes=s_codes, target_codes=t_codes)
