"""TBX reading and writing: TBX v3 (ISO 30042:2019, TBX-Basic, DCA) and TBX 2008 (martif).

Both dialects have the same three levels (concept / language / term), only the
element names differ, so one reader handles both. Writers emit TBX-Basic data
categories only; what TBX-Basic cannot say (forbidden, title, number,
do-not-translate, glossary properties) goes into ``<note>bilingual-pr: k=v</note>``.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output
from bilingual_pr.formats.units import clean_xml_text
from bilingual_pr.glossary import vocab
from bilingual_pr.glossary.gcpause import gc_paused
from bilingual_pr.glossary.model import DEFAULT_STATUS, Entry, Glossary, LoadIssue, Term
from bilingual_pr.language import base_language
from bilingual_pr.xmlsafe import parse_xml_bytes

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MARTIF_DOCTYPE = '<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">'

# Element names per dialect: concept, language, term-section.
_NAMES = {
    "v3": {"entry": "conceptEntry", "lang": "langSec", "term": "termSec", "header": "tbxHeader"},
    "2008": {"entry": "termEntry", "lang": "langSet", "term": "tig", "header": "martifHeader"},
}
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


_KINDS = {"administrativeStatus": "status", "normativeAuthorization": "status", "termType": "type",
          "partOfSpeech": "pos", "grammaticalGender": "gender", "grammaticalNumber": "number"}
_EXT_KINDS = {"status": "status", "termType": "type", "grammaticalNumber": "number", "partOfSpeech": "pos",
              "grammaticalGender": "gender"}
_MAPPERS = {"status": vocab.map_status, "type": vocab.map_type, "pos": vocab.map_pos,
            "gender": vocab.map_gender, "number": vocab.map_number}
_GROUPS = frozenset({"termNoteGrp", "descripGrp", "adminGrp"})
_CATEGORIES = frozenset({"termNote", "descrip", "admin"})


class _Reader:
    """State for reading one TBX document (issues, dialect, file name, tag-name cache)."""

    def __init__(self, where: str, dialect: str, ns: str | None) -> None:
        self.where = where
        self.dialect = dialect
        self.ns = ns
        self.issues: list[LoadIssue] = []
        self._names: dict[object, str | None] = {}
        self.values: dict[tuple[str, str | None], str | None] = {}
        self.langs: dict[str, str] = {}
        self.tag_term, self.tag_note, self.tag_termnote = self.q("term"), self.q("note"), self.q("termNote")
        self.tag_lang = self.q(_NAMES[dialect]["lang"])
        self.term_tags = frozenset({self.q(_NAMES[dialect]["term"])} | ({self.q("ntig")} if dialect == "2008" else set()))

    def q(self, local: str) -> str:
        return f"{{{self.ns}}}{local}" if self.ns else local

    def at(self, el: etree._Element) -> str:
        return f"{self.where}:{el.sourceline}" if el.sourceline else self.where

    def fail(self, el: etree._Element, message: str) -> UserError:
        return UserError(f"{self.at(el)}: {message}")

    def issue(self, el: etree._Element, code: str, message: str) -> None:
        self.issues.append(LoadIssue(self.at(el), code, message))

    def local(self, el: etree._Element) -> str | None:
        """Local name of a TBX element; '@name' for a DCT-style element of another namespace; None for comments."""
        tag = el.tag
        try:
            return self._names[tag]
        except KeyError:
            pass
        if not isinstance(tag, str):
            name = None
        else:
            qn = etree.QName(tag)
            name = qn.localname if qn.namespace in (None, self.ns) else "@" + qn.localname
        self._names[tag] = name
        return name


_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _text(el: etree._Element) -> str:
    t = el.text if len(el) == 0 else "".join(el.itertext())
    if not t:
        return ""
    # Collapse XML whitespace only: a no-break space (art.\u00a05, «\u202fx\u202f») is part of the term.
    # Most values have single spaces only, for which the substitution changes nothing: skip it then.
    if "  " in t or "\n" in t or "\t" in t or "\r" in t:
        t = _XML_SPACE.sub(" ", t)
    return t.strip(" \t\r\n")


def _term(tsec: etree._Element, lang: str, r: _Reader) -> Term:
    holders: tuple[etree._Element, ...] = (tsec,)
    if r.dialect == "2008" and r.local(tsec) == "ntig":
        grp = tsec.find(r.q("termGrp"))
        if grp is None:
            raise r.fail(tsec, "<ntig> without <termGrp>")
        holders = (grp, tsec)
    text = None
    term_el = tsec
    status = ttype = pos = gender = number = None
    value: str | None
    notes: list[str] = []
    later: list[tuple[etree._Element, str, str]] = []
    tag_term, tag_note, tag_termnote = r.tag_term, r.tag_note, r.tag_termnote
    cache = r.values
    for holder in holders:
        for c in holder:
            tag = c.tag
            if tag == tag_termnote:
                kind = _KINDS.get(c.get("type"))
                if kind is None:
                    continue
                raw = c.text
                if len(c):
                    raw = _text(c)
            elif tag == tag_term:
                if text is None:
                    term_el, text = c, _text(c)
                continue
            elif tag == tag_note:
                value = _text(c)
                if value.startswith(vocab.EXT_PREFIX):
                    later.append((c, "@ext", value))
                elif value:
                    notes.append(value)
                continue
            else:
                # Groups, DCT-style categories, other TBX elements: the general path.
                for name, g in _children_of(c, r):
                    if name in _CATEGORIES or name[0] == "@":
                        kind = _KINDS.get(g.get("type", "") if name[0] != "@" else name[1:])
                        if kind:
                            later.append((g, kind, _text(g)))
                    elif name == "note":
                        value = _text(g)
                        if value:
                            notes.append(value)
                continue
            key = (kind, raw)
            value = cache.get(key, "")
            if value == "":
                value = cache[key] = _MAPPERS[kind](raw or "")
            if value is None:
                later.append((c, kind, raw or ""))
            elif kind == "status":
                status = value
            elif kind == "type":
                ttype = value
            elif kind == "pos":
                pos = value
            elif kind == "gender":
                gender = value
            else:
                number = value
    if text is None:
        raise r.fail(tsec, f"<{r.local(tsec)}> without <term>")
    if not text:
        raise r.fail(term_el, "empty <term>")
    fields = {"status": status, "type": ttype, "pos": pos, "gender": gender, "number": number}
    exts: list[tuple[etree._Element, dict[str, str]]] = []
    for c, kind, raw in later:
        if kind == "@ext":
            exts.append((c, vocab.parse_extension(raw) or {}))
            continue
        value = _MAPPERS[kind](raw)
        if value is None:
            r.issue(c, f"unknown-{kind}", f"term {text!r}: unknown {kind} value {raw!r}")
        else:
            fields[kind] = value
    # Extension notes say what TBX-Basic cannot (forbidden, title, number): they win.
    for c, ext in exts:
        for k, v in ext.items():
            kind = _EXT_KINDS.get(k)
            if kind is None:
                r.issue(c, "unknown-property", f"term {text!r}: unknown property {k!r}")
                continue
            value = _MAPPERS[kind](v)
            if value is None:
                r.issue(c, f"unknown-{kind}", f"term {text!r}: unknown {kind} value {v!r}")
            else:
                fields[kind] = value
    return Term(text, lang, fields["status"] or DEFAULT_STATUS, fields["type"], fields["pos"], fields["gender"],
                fields["number"], " | ".join(notes) or None)


def _children_of(el: etree._Element, r: _Reader):
    """(local name, element) for one child: itself, or the main element of a *Grp wrapper."""
    name = r.local(el)
    if name is None:
        return
    if name in _GROUPS:
        for g in el:
            gname = r.local(g)
            if gname is not None:
                yield gname, g
                return
        return
    yield name, el


def _entry(el: etree._Element, index: int, r: _Reader) -> Entry:
    names = _NAMES[r.dialect]
    lang_name = names["lang"]
    eid = el.get("id")
    if not eid:
        if r.dialect == "v3":
            raise r.fail(el, "<conceptEntry> without the required id attribute")
        eid = f"e{index}"
    subject = None
    notes: list[str] = []
    dnt = False
    terms: list[Term] = []
    tag_lang = r.tag_lang
    term_tags = r.term_tags
    for c in el:
        if c.tag == tag_lang:
            name = lang_name
        else:
            found = next(_children_of(c, r), None)
            if found is None:
                continue
            name, c = found
        if name == lang_name:
            tag = c.get(XML_LANG)
            if not tag:
                raise r.fail(c, f"<{name}> without xml:lang in entry {eid}")
            lang = r.langs.get(tag)
            if lang is None:
                lang = r.langs[tag] = base_language(tag)
            n_before = len(terms)
            for t in c:
                if t.tag in term_tags:
                    terms.append(_term(t, lang, r))
            if len(terms) == n_before:
                raise r.fail(c, f"<{name} xml:lang={tag!r}> without any <{names['term']}> in entry {eid}")
        elif (name == "descrip" and c.get("type") == "subjectField") or name == "@subjectField":
            subject = _text(c) or None
        elif name == "note":
            value = _text(c)
            ext = vocab.parse_extension(value)
            if ext is None:
                if value:
                    notes.append(value)
                continue
            for k, v in ext.items():
                if k == "doNotTranslate":
                    b = vocab.parse_bool(v)
                    if b is None:
                        r.issue(c, "unknown-dnt", f"entry {eid}: doNotTranslate must be yes or no, not {v!r}")
                    dnt = bool(b)
                else:
                    r.issue(c, "unknown-property", f"entry {eid}: unknown property {k!r}")
        elif name in ("langSec", "langSet"):
            raise r.fail(c, f"<{name}> is not a TBX {r.dialect} element")
    if not terms:
        raise r.fail(el, f"entry {eid} has no <{lang_name}> with terms")
    return Entry(id=eid, terms=tuple(terms), subject=subject, note=" | ".join(notes) or None, dnt=dnt)


def parse_tbx(data: bytes, where: str = "<tbx>") -> Glossary:
    """Parse TBX v3 or TBX 2008 bytes into a Glossary (UserError on malformed input)."""
    with gc_paused():
        return _parse_tbx(data, where)


def _parse_tbx(data: bytes, where: str) -> Glossary:
    root = parse_xml_bytes(data, where).getroot()
    qn = etree.QName(root)
    if qn.localname == "tbx":
        if qn.namespace != TBX_NS:
            raise UserError(f"{where}:{root.sourceline}: <tbx> root must be in namespace {TBX_NS} (TBX v3)")
        r = _Reader(where, "v3", TBX_NS)
    elif qn.localname == "martif":
        r = _Reader(where, "2008", qn.namespace)
    else:
        raise UserError(f"{where}:{root.sourceline}: not a TBX file (root element <{qn.localname}>, "
                        "expected <tbx> or <martif>)")
    names = _NAMES[r.dialect]
    title = None
    description = None
    props: list[tuple[str, str]] = []
    header = root.find(r.q(names["header"]))
    if header is None:
        raise UserError(f"{where}:{root.sourceline}: <{names['header']}> missing")
    for el in header.iter(r.q("title")):
        title = _text(el) or None
    for el in header.iter(r.q("sourceDesc")):
        description = " ".join(_text(p) for p in el.iter(r.q("p"))) or None
    for el in header.iter(r.q("note")):
        ext = vocab.parse_extension(_text(el))
        if ext:
            props.extend(ext.items())
    entries: list[Entry] = []
    text_el = root.find(r.q("text"))
    if text_el is None:
        raise UserError(f"{where}: <text> missing")
    body = text_el.find(r.q("body"))
    if body is not None:
        for i, el in enumerate(body, 1):
            name = r.local(el)
            if name is None:
                continue
            if name != names["entry"]:
                hint = " (a TBX 2008 element in a TBX v3 file?)" if name == "termEntry" else (
                    " (a TBX v3 element in a TBX 2008 file?)" if name == "conceptEntry" else "")
                raise r.fail(el, f"unexpected <{name}> in <body>{hint}")
            entries.append(_entry(el, i, r))
    return Glossary(entries=tuple(entries), title=title, description=description, properties=tuple(props),
                    path=where, issues=tuple(r.issues), dialect=f"tbx-{r.dialect}")


# ----------------------------------------------------------------------------- writing


def _xml_id(raw: str, used: set[str]) -> str:
    base = raw if _NCNAME.match(raw) else "c" + re.sub(r"[^A-Za-z0-9_.\-]", "_", raw)
    out, n = base, 2
    while out in used:
        out, n = f"{base}-{n}", n + 1
    used.add(out)
    return out


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k.replace("xml_lang", XML_LANG): v for k, v in attrs.items()})
    if text is not None:
        el.text = clean_xml_text(text)[0]
    return el


def _term_ext(t: Term) -> dict[str, str]:
    ext = {}
    if t.status == "forbidden":
        ext["status"] = "forbidden"
    if t.type == "title":
        ext["termType"] = "title"
    if t.number:
        ext["grammaticalNumber"] = t.number
    return ext


def tbx_bytes(glossary: Glossary, dialect: str = "v3") -> bytes:
    """Serialise a glossary as TBX v3 (TBX-Basic, DCA) or TBX 2008 martif bytes."""
    if dialect not in _NAMES:
        raise UserError(f"unknown TBX dialect {dialect!r}: use v3 or 2008")
    names = _NAMES[dialect]
    v3 = dialect == "v3"
    q = (lambda n: f"{{{TBX_NS}}}{n}") if v3 else (lambda n: n)
    root = etree.Element(q("tbx") if v3 else "martif", nsmap={None: TBX_NS} if v3 else None)
    root.set("type", "TBX-Basic")
    if v3:
        root.set("style", "dca")
    root.set(XML_LANG, "en")
    header = _sub(root, q(names["header"]))
    fdesc = _sub(header, q("fileDesc"))
    tstmt = _sub(fdesc, q("titleStmt"))
    _sub(tstmt, q("title"), glossary.title or "Glossary")
    if glossary.properties:
        _sub(tstmt, q("note"), vocab.format_extension(dict(glossary.properties)))
    sdesc = _sub(fdesc, q("sourceDesc"))
    _sub(sdesc, q("p"), glossary.description or "Written by bilingual-pr.")
    if not v3:
        _sub(_sub(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    text = _sub(root, q("text"))
    if not glossary.entries:
        if not v3:
            raise UserError("TBX 2008 cannot hold an empty glossary (<body> needs one <termEntry>)")
    else:
        body = _sub(text, q("body"))
        used: set[str] = set()
        for e in glossary.entries:
            ce = _sub(body, q(names["entry"]), id=_xml_id(e.id, used))
            if e.subject:
                _sub(ce, q("descrip"), e.subject, type="subjectField")
            if e.note:
                _sub(ce, q("note"), e.note)
            if e.dnt:
                _sub(ce, q("note"), vocab.format_extension({"doNotTranslate": "yes"}))
            for lang in e.languages:
                ls = _sub(ce, q(names["lang"]), xml_lang=lang)
                for t in e.terms_in(lang):
                    ts = _sub(ls, q(names["term"]))
                    _sub(ts, q("term"), t.text)
                    _sub(ts, q("termNote"), vocab.STATUS_TO_TBX[t.status], type="administrativeStatus")
                    if t.type:
                        ttype = t.type if t.type in vocab.TBX_BASIC_TYPES else "fullForm"
                        _sub(ts, q("termNote"), ttype, type="termType")
                    if t.pos:
                        _sub(ts, q("termNote"), t.pos, type="partOfSpeech")
                    if t.gender:
                        _sub(ts, q("termNote"), t.gender, type="grammaticalGender")
                    if t.note:
                        _sub(ts, q("note"), t.note)
                    ext = _term_ext(t)
                    if ext:
                        _sub(ts, q("note"), vocab.format_extension(ext))
    body_bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    decl = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    if not v3:
        decl += MARTIF_DOCTYPE.encode() + b"\n"
    return decl + body_bytes


def write_tbx(glossary: Glossary, path: str | Path, dialect: str = "v3") -> None:
    """Write a glossary as TBX atomically."""
    data = tbx_bytes(glossary, dialect)
    with atomic_output(path, "wb", encoding=None) as fh:
        fh.write(data)
