"""Safe autofix (``check --fix OUT``): a copy of a TMX or TSV with only French spacing and doubled spaces corrected.

The corrections are the families' own (``Family.fix``: typography and spacing
propose an :class:`~bilingual_pr.qa.model.Edit` for what their checks find), so
what ``--fix`` changes is exactly what those checks report, and a check of the
copy finds none of it again. Nothing else changes: a TMX is edited inside the
text of the ``<seg>`` elements concerned (never inside an inline code such as
``<bpt>``, ``<ph>``; an edit that would straddle one is left out), each edited
``<seg>`` is spliced into the input's own bytes, so every other byte of the
file (declaration, header, props, notes, other units, character references)
is the input's. The result is parsed again and compared with the edited tree;
should the splice ever not give that tree, the whole tree is written instead.
A TSV (UTF-8) is rewritten line by line: only the cells edited change.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from lxml import etree

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output, read_input_bytes
from bilingual_pr.language import base_language
from bilingual_pr.qa.model import CheckSetup, Edit, Segment, UnitFix

_CONTEXT = 12  # characters either side of an edit in the list of changes
_VISIBLE = {"\u00a0": "[NBSP]", "\u202f": "[NNBSP]", "\u2009": "[THINSP]", "\t": "[TAB]"}
_TMX_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})  # their content is native code, not text
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What may hold the text "<seg" without being a seg element, then seg tags (attribute values cannot hold "<").
_LEX = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
                  r"|<(/?)seg(?=[\s/>])(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>", re.S)


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


# --- TMX ---------------------------------------------------------------------------------------------

def _pieces(seg: Any) -> list[tuple[Any, str]]:
    """The (element, "text" or "tail") places that hold the text of a <seg>, in order (code content left out)."""
    out = [(seg, "text")]

    def walk(parent: Any) -> None:
        for child in parent:
            if isinstance(child.tag, str) and etree.QName(child).localname not in _TMX_CODES:
                out.append((child, "text"))  # <hi>: its content is text
                walk(child)
            out.append((child, "tail"))

    walk(seg)
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


def _tuv_seg(tu: Any, lang: str) -> Any:
    for tuv in tu:
        if isinstance(tuv.tag, str) and etree.QName(tuv).localname == "tuv":
            tag = tuv.get(_XML_LANG) or tuv.get("lang") or ""
            if base_language(tag) == lang:
                return tuv.find("{*}seg")
    return None


def _decode(data: bytes, encoding: str) -> tuple[str, bytes, str]:
    """(text, BOM to write back, codec) of an XML file's bytes."""
    if encoding.replace("-", "").lower() == "utf8":
        bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        return data[len(bom):].decode("utf-8"), bom, "utf-8"
    return data.decode(encoding), b"", encoding


def _splice(data: bytes, tree: Any, segs: list[Any], changed: list[int]) -> bytes | None:
    """The input's bytes with the changed <seg> elements replaced; None when that does not give the edited tree."""
    from bilingual_pr.xmlsafe import parse_xml_bytes

    try:
        text, bom, codec = _decode(data, tree.docinfo.encoding or "UTF-8")
    except (UnicodeDecodeError, LookupError):
        return None
    ranges, opened = [], -1
    for m in _LEX.finditer(text):
        closing, empty = m.group(1), m.group(2)
        if closing is None:
            continue  # a comment, CDATA section, processing instruction or DOCTYPE
        if closing == "/":
            if opened >= 0:
                ranges.append((opened, m.end()))
            opened = -1
        elif empty:
            ranges.append((m.start(), m.end()))
        else:
            opened = m.start()
    if len(ranges) != len(segs):
        return None
    out, last = [], 0
    for k in changed:
        a, b = ranges[k]
        out += [text[last:a], etree.tostring(segs[k], encoding="unicode", with_tail=False)]
        last = b
    out.append(text[last:])
    try:
        result = bom + "".join(out).encode(codec)
        same = (etree.tostring(parse_xml_bytes(result, "<fixed copy>"), method="c14n")
                == etree.tostring(tree, method="c14n"))
    except (UnicodeEncodeError, UserError):
        return None
    return result if same else None


def fix_tmx(src: Path, out: Path, source_lang: str, target_lang: str, profile: str) -> list[Change]:
    """Write to OUT a copy of the TMX at SRC with French spacing and doubled spaces corrected; the changes made."""
    from bilingual_pr.xmlsafe import parse_xml_bytes

    data = read_input_bytes(src)
    tree = parse_xml_bytes(data, str(src))
    segs = [el for el in tree.getroot().iter() if isinstance(el.tag, str) and etree.QName(el).localname == "seg"]
    order = {el: k for k, el in enumerate(segs)}
    fixes = fixers(profile)
    changes: list[Change] = []
    changed: set[int] = set()
    units = (el for el in tree.getroot().iter() if isinstance(el.tag, str) and etree.QName(el).localname == "tu")
    for n, tu in enumerate(units):
        s_el, t_el = _tuv_seg(tu, source_lang), _tuv_seg(tu, target_lang)
        if s_el is None or t_el is None:
            continue
        sides = {"source": _pieces(s_el), "target": _pieces(t_el)}
        texts = {side: "".join(getattr(el, attr) or "" for el, attr in p) for side, p in sides.items()}
        seg = Segment(n, texts["source"], texts["target"], source_lang, target_lang, tu.get("tuid"))
        name = f"tuid {seg.id}" if seg.id else f"#{n + 1}"
        proposed = unit_edits(seg, fixes)
        for side, element in (("source", s_el), ("target", t_el)):
            edits = [e for e in proposed if e.side == side]
            made = _apply_to_pieces(sides[side], edits) if edits else []
            if made:
                changed.add(order[element])
                changes += [_change(name, texts[side], e) for e in made]
    result = _splice(data, tree, segs, sorted(changed)) if changed else data
    with atomic_output(out, "wb", encoding=None) as fh:
        if result is not None:
            fh.write(result)
        else:
            tree.write(fh, encoding=tree.docinfo.encoding or "UTF-8", xml_declaration=True)
    return changes


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
