"""Safe autofix (``check --fix OUT``): a copy of a TMX, XLIFF or TSV with only French spacing and doubled spaces corrected.

The corrections are the families' own (``Family.fix``: typography and spacing
propose an :class:`~bilingual_pr.qa.model.Edit` for what their checks find), so
what ``--fix`` changes is exactly what those checks report, and a check of the
copy finds none of it again. Nothing else changes. A TMX ``<seg>`` or an XLIFF
``<source>``/``<target>`` is edited in its text, never inside an inline code
(``<bpt>``, ``<ph>``, ``<x/>``...; an edit that would straddle one is left out),
and the same edits are made in the input's own bytes, at the raw place of each
character (a character reference is one character), so every other byte of the
file (declaration, header, props, notes, codes, references) is the input's.
The result is parsed again and compared with the edited tree; should that ever
differ (or an edit fall across markup in the raw text, as with CDATA), the
edited tree is written whole instead. A TSV (UTF-8) is rewritten line by line:
only the cells edited change.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output, read_input_bytes
from bilingual_pr.language import base_language
from bilingual_pr.qa.model import CheckSetup, Edit, Segment, UnitFix

_CONTEXT = 12  # characters either side of an edit in the list of changes
_VISIBLE = {"\u00a0": "[NBSP]", "\u202f": "[NNBSP]", "\u2009": "[THINSP]", "\t": "[TAB]"}


@dataclass(frozen=True, slots=True)
class Change:
    """One correction made: where (unit id or number, side), by which check, and the text around it before and after."""

    unit: str
    side: str
    check: str
    before: str
    after: str

    def line(self) -> str:
        """The change as one line: ``UNIT side: [check] "before" -> "after"`` (special spaces spelt out)."""
        return f'{self.unit} {self.side}: [{self.check}] "{self.before}" -> "{self.after}"'


def fixers(profile: str) -> list[UnitFix]:
    """The corrections of every registered family that has some, for PROFILE (registry order)."""
    from bilingual_pr.qa.families import REGISTRY

    setup = CheckSetup(profile=profile, families=frozenset(REGISTRY))
    made = (fam.fix(setup) for fam in REGISTRY.values() if fam.fix is not None)
    return [f for f in made if f is not None]


def _clash(a: Edit, b: Edit) -> bool:
    if a.side != b.side:
        return False
    lo, hi = max(a.start, b.start), min(a.end, b.end)
    # Overlapping ranges, or an insertion that touches the other edit: two edits at one place.
    return lo < hi or ((a.start == a.end or b.start == b.end) and lo <= hi)


def unit_edits(seg: Segment, fixes: Sequence[UnitFix]) -> list[Edit]:
    """The edits of SEG, the first proposed kept where two touch (typography knows which space, spacing does not)."""
    kept: list[Edit] = []
    for fix in fixes:
        for edit in fix(seg):
            if seg_text(seg, edit.side)[edit.start:edit.end] == edit.text:
                continue  # nothing to change
            if not any(_clash(edit, k) for k in kept):
                kept.append(edit)
    return sorted(kept, key=lambda e: (e.side, e.start, e.end))


def seg_text(seg: Segment, side: str) -> str:
    """The source or target text of SEG."""
    return seg.source if side == "source" else seg.target


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """TEXT with the (non-overlapping) EDITS made."""
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:e.start] + e.text + text[e.end:]
    return text


def _visible(text: str) -> str:
    return "".join(_VISIBLE.get(c, c) for c in text)


def _change(unit: str, text: str, edit: Edit) -> Change:
    a, b = max(0, edit.start - _CONTEXT), min(len(text), edit.end + _CONTEXT)
    before = text[a:b]
    after = text[a:edit.start] + edit.text + text[edit.end:b]
    return Change(unit, edit.side, edit.check, _visible(before), _visible(after))


# --- TMX and XLIFF -----------------------------------------------------------------------------------

_TMX_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})  # their content is native code, not text
# XLIFF: as formats.xliff reads it (standalone codes and their content, sm/em/sub are not text; g, pc, mrk are).
_XLIFF_CODES = frozenset({"x", "bx", "ex", "ph", "sc", "ec", "bpt", "ept", "it", "sm", "em", "sub"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ATTRS = r"(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*"
# What may hold the text "<seg" without being an element, then tags, references and text (attribute values
# cannot hold "<"). Group 1: CDATA content; 2: "/" of an end tag; 3: the name; 4: "/" of an empty tag; 5: a reference.
_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[(.*?)\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
                    rf"|<(/?)([^\s/>!?]+){_ATTRS}(/?)>|&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);", re.S)
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _pieces(el: Any, codes: frozenset[str]) -> list[tuple[Any, str]]:
    """The (element, "text" or "tail") places that hold the text of EL, in order (code content left out)."""
    out = [(el, "text")]

    def walk(parent: Any) -> None:
        for child in parent:
            if isinstance(child.tag, str) and _local(child) not in codes:
                out.append((child, "text"))  # <hi>, <g>, <mrk>: their content is text
                walk(child)
            out.append((child, "tail"))

    walk(el)
    return out


def _apply_to_pieces(pieces: list[tuple[Any, str]], edits: list[Edit]) -> list[Edit]:
    """Make EDITS in the pieces of one side; return those made (an edit across an inline code is left out)."""
    texts = [getattr(el, attr) or "" for el, attr in pieces]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t)
    placed: dict[int, list[Edit]] = {}
    for e in edits:
        home = None
        for i, (s, t) in enumerate(zip(starts, texts)):
            end = s + len(t)
            if e.start < e.end and s <= e.start and e.end <= end:
                home = i
            elif e.start == e.end and s <= e.start < end:
                home = i  # an insertion goes with the character it precedes
            elif e.start == e.end == end == pos and t:
                home = i  # ... or at the very end of the text
            if home is not None:
                break
        if home is not None:
            placed.setdefault(home, []).append(e)
    made = []
    for i, group in placed.items():
        local = [Edit(e.side, e.start - starts[i], e.end - starts[i], e.text, e.check) for e in group]
        el, attr = pieces[i]
        setattr(el, attr, apply_edits(texts[i], local))
        made += group
    return made


def _decode(data: bytes, encoding: str) -> tuple[str, bytes, str]:
    """(text, BOM to write back, codec) of an XML file's bytes."""
    if encoding.replace("-", "").lower() == "utf8":
        bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        return data[len(bom):].decode("utf-8"), bom, "utf-8"
    return data.decode(encoding), b"", encoding


def _contents(text: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """The raw [start, end) of the content of each element called one of NAMES, in document order."""
    found, opened, depth = [], -1, 0
    for m in _TOKEN.finditer(text):
        name = m.group(3)
        if name is None or name.rsplit(":", 1)[-1] not in names:
            continue
        if m.group(2):
            depth -= 1
            if depth == 0:
                found.append((opened, m.start()))
        elif m.group(4):
            if depth == 0:
                found.append((m.end(), m.end()))
        else:
            depth += 1
            if depth == 1:
                opened = m.end()
    return found


def _text_map(text: str, start: int, end: int, codes: frozenset[str]) -> tuple[str, list[tuple[int, int]]]:
    """The text of the raw content TEXT[start:end] as a parser reads it (code content left out), with each
    character's raw [start, end): a reference or a CR LF is one character."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    stack: list[bool] = []
    inside_code = 0

    def plain(a: int, b: int) -> None:
        i = a
        while i < b:
            if text[i] == "\r":
                step = 2 if text[i + 1:i + 2] == "\n" else 1
                chars.append("\n")
                spans.append((i, i + step))
                i += step
            else:
                chars.append(text[i])
                spans.append((i, i + 1))
                i += 1

    pos = start
    for m in _TOKEN.finditer(text, start, end):
        if not inside_code:
            plain(pos, m.start())
        pos = m.end()
        if m.group(5) is not None:
            if not inside_code:
                ref = m.group(5)
                chars.append(chr(int(ref[2:], 16)) if ref.startswith("#x") else chr(int(ref[1:])) if ref.startswith("#")
                             else _NAMED.get(ref, "\ufffd"))
                spans.append(m.span())
        elif m.group(1) is not None:
            if not inside_code:
                a = m.start(1)
                chars.extend(m.group(1))
                spans.extend((a + i, a + i + 1) for i in range(len(m.group(1))))
        elif m.group(3) is not None and not m.group(4):
            if m.group(2):
                if stack and stack.pop():
                    inside_code -= 1
            else:
                code = m.group(3).rsplit(":", 1)[-1] in codes
                stack.append(code)
                inside_code += code
    if not inside_code:
        plain(pos, end)
    return "".join(chars), spans


def _raw_edits(text: str, spans: list[tuple[int, int]], content_end: int,
               edits: list[Edit]) -> list[tuple[int, int, str]] | None:
    """Where in the raw content each edit goes; None when one falls across markup (the splice is not used)."""
    out = []
    for e in edits:
        if e.start == e.end:
            at = spans[e.start][0] if e.start < len(spans) else content_end
            out.append((at, at, e.text))
            continue
        run = spans[e.start:e.end]
        if any(a[1] != b[0] for a, b in zip(run, run[1:])):
            return None
        out.append((run[0][0], run[-1][1], e.text))
    return out


def _splice(data: bytes, tree: Any, elements: list[Any], names: frozenset[str], codes: frozenset[str],
            changed: dict[int, tuple[str, list[Edit]]]) -> bytes | None:
    """The input's bytes with the edits made in place, in the raw text of each changed element; None when that
    cannot be done or does not give the edited tree (the caller then writes the tree)."""
    from bilingual_pr.xmlsafe import parse_xml_bytes

    try:
        text, bom, codec = _decode(data, tree.docinfo.encoding or "UTF-8")
    except (UnicodeDecodeError, LookupError):
        return None
    contents = _contents(text, names)
    if len(contents) != len(elements):
        return None
    raw: list[tuple[int, int, str]] = []
    for k, (before, edits) in changed.items():
        a, b = contents[k]
        seen, spans = _text_map(text, a, b, codes)
        placed = _raw_edits(text, spans, b, edits) if seen == before else None
        if placed is None:
            return None
        raw += placed
    for a, b, new in sorted(raw, reverse=True):
        text = text[:a] + xml_escape(new) + text[b:]
    try:
        result = bom + text.encode(codec)
        same = (etree.tostring(parse_xml_bytes(result, "<fixed copy>"), method="c14n")
                == etree.tostring(tree, method="c14n"))
    except (UnicodeEncodeError, UserError):
        return None
    return result if same else None


def _tmx_units(root: Any, source_lang: str, target_lang: str) -> Iterable[tuple[str, Any, Any]]:
    """(name, source seg, target seg) of each TMX unit with both languages."""
    def seg_of(tu: Any, lang: str) -> Any:
        for tuv in tu:
            if _local(tuv) == "tuv" and base_language(tuv.get(_XML_LANG) or tuv.get("lang") or "") == lang:
                return tuv.find("{*}seg")
        return None

    tus = (el for el in root.iter() if _local(el) == "tu")
    for n, tu in enumerate(tus):
        tuid = tu.get("tuid")
        yield (f"tuid {tuid}" if tuid else f"#{n + 1}"), seg_of(tu, source_lang), seg_of(tu, target_lang)


def _xliff_units(root: Any) -> Iterable[tuple[str, Any, Any]]:
    """(name, source, target) of each XLIFF 1.2 trans-unit or 2.x segment."""
    for n, el in enumerate(e for e in root.iter() if _local(e) in ("trans-unit", "segment")):
        ident = el.get("id") or ""
        if _local(el) == "segment":
            unit = el.getparent()
            ident = (unit.get("id") or "") + (f"/{ident}" if ident else "") if unit is not None else ident
        yield ident or f"#{n + 1}", el.find("{*}source"), el.find("{*}target")


def fix_xml(src: Path, out: Path, kind: str, source_lang: str, target_lang: str, profile: str) -> list[Change]:
    """Write to OUT a copy of the TMX or XLIFF (KIND) at SRC with French spacing and doubled spaces corrected."""
    from bilingual_pr.xmlsafe import parse_xml_bytes

    data = read_input_bytes(src)
    tree = parse_xml_bytes(data, str(src))
    root = tree.getroot()
    names = frozenset({"seg"}) if kind == "tmx" else frozenset({"source", "target"})
    codes = _TMX_CODES if kind == "tmx" else _XLIFF_CODES
    elements = [el for el in root.iter() if _local(el) in names]
    order = {el: k for k, el in enumerate(elements)}
    units = _tmx_units(root, source_lang, target_lang) if kind == "tmx" else _xliff_units(root)
    fixes = fixers(profile)
    changes: list[Change] = []
    changed: dict[int, tuple[str, list[Edit]]] = {}
    for n, (name, s_el, t_el) in enumerate(units):
        if s_el is None or t_el is None:
            continue
        sides = {"source": _pieces(s_el, codes), "target": _pieces(t_el, codes)}
        texts = {side: "".join(getattr(el, attr) or "" for el, attr in p) for side, p in sides.items()}
        seg = Segment(n, texts["source"], texts["target"], source_lang, target_lang)
        proposed = unit_edits(seg, fixes)
        for side, element in (("source", s_el), ("target", t_el)):
            edits = [e for e in proposed if e.side == side]
            made = _apply_to_pieces(sides[side], edits) if edits else []
            if made:
                changed[order[element]] = (texts[side], made)
                changes += [_change(name, texts[side], e) for e in made]
    result = _splice(data, tree, elements, names, codes, changed) if changed else data
    with atomic_output(out, "wb", encoding=None) as fh:
        if result is not None:
            fh.write(result)
        else:
            tree.write(fh, encoding=tree.docinfo.encoding or "UTF-8", xml_declaration=True)
    return changes


def fix_tmx(src: Path, out: Path, source_lang: str, target_lang: str, profile: str) -> list[Change]:
    """Write to OUT a copy of the TMX at SRC with French spacing and doubled spaces corrected; the changes made."""
    return fix_xml(src, out, "tmx", source_lang, target_lang, profile)


def fix_xliff(src: Path, out: Path, source_lang: str, target_lang: str, profile: str) -> list[Change]:
    """Write to OUT a copy of the XLIFF (1.2 or 2.x) at SRC with French spacing and doubled spaces corrected."""
    return fix_xml(src, out, "xliff", source_lang, target_lang, profile)


# --- TSV ---------------------------------------------------------------------------------------------

_LINE = re.compile(r"([^\r\n]*)(\r\n|\n|\r|$)")


def fix_tsv(src: Path, out: Path, source_lang: str, target_lang: str, profile: str) -> list[Change]:
    """Write to OUT a copy of the TSV of pairs at SRC with French spacing and doubled spaces corrected."""
    from bilingual_pr.documents import decode_text
    from bilingual_pr.formats.tsv import tsv_pairs

    data = read_input_bytes(src)
    text, encoding = decode_text(data, str(src))
    if not encoding.startswith("utf-8"):
        raise UserError(f"{src}: --fix copies a TSV byte for byte in UTF-8 only; this file is {encoding}")
    _, rows = tsv_pairs(src)  # the reader decides which lines are pairs: the last len(rows) non-blank ones
    lines = [m.groups() for m in _LINE.finditer(text) if m.group(0)]
    pair_lines = [i for i, (body, _) in enumerate(lines) if any(c.strip() for c in body.split("\t"))]
    pair_lines = pair_lines[len(pair_lines) - len(rows):]
    if [lines[i][0].split("\t") for i in pair_lines] != rows:
        raise UserError(f"{src}: --fix cannot match the pairs to the lines of this TSV")
    fixes = fixers(profile)
    changes: list[Change] = []
    for n, i in enumerate(pair_lines):
        cells = rows[n]
        seg = Segment(n, cells[0], cells[1], source_lang, target_lang, cells[2] if len(cells) > 2 and cells[2] else None)
        edits = unit_edits(seg, fixes)
        if not edits:
            continue
        name = seg.id or f"#{n + 1}"
        for col, side in ((0, "source"), (1, "target")):
            mine = [e for e in edits if e.side == side]
            changes += [_change(name, cells[col], e) for e in mine]
            cells[col] = apply_edits(cells[col], mine)
        lines[i] = ("\t".join(cells), lines[i][1])
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    with atomic_output(out, "wb", encoding=None) as fh:
        fh.write(data if not changes else bom + "".join(a + b for a, b in lines).encode("utf-8"))
    return changes
