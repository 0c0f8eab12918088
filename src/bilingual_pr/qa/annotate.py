"""Write findings back into a copy of the input: TMX ``<prop type="x-qa">``, XLIFF ``<note>``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from lxml import etree

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output
from bilingual_pr.qa.model import Finding, Report
from bilingual_pr.xmlsafe import parse_xml_file

PROP_QA = "x-qa"  # one finding per prop: "severity check: message"
NOTE_SOURCE = "bilingual-pr"
_PRIORITY = {"error": "1", "warning": "3", "info": "5"}
_X12 = "urn:oasis:names:tc:xliff:document:1.2"


def _by_unit(findings: list[Finding]) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        out[f.unit].append(f)
    return out


def note_text(f: Finding) -> str:
    """The one-line text a finding is written back as."""
    return f"{f.severity} {f.check}: {f.message}"


def annotate_tmx(src: Path, out: Path, report: Report, source_lang: str | None, target_lang: str | None) -> int:
    """Copy a TMX with one ``x-qa`` prop per finding on its unit; return how many units got props."""
    from bilingual_pr.formats.tmx import TmxWriter, read_tmx, read_tmx_header

    found = _by_unit(report.findings)
    touched = 0
    with TmxWriter(out, read_tmx_header(src), allow_context_props=True) as writer:
        for i, unit in enumerate(read_tmx(src, src_lang=source_lang, tgt_lang=target_lang)):
            extra = tuple((PROP_QA, note_text(f)) for f in found.get(i, ()))
            if extra:
                touched += 1
                props = tuple(p for p in unit.props if p[0] != PROP_QA) + extra
                unit = replace(unit, props=props)
            writer.write(unit)
    return touched


def annotate_xliff(src: Path, out: Path, report: Report) -> int:
    """Copy an XLIFF (1.2 or 2.x) with one ``<note>`` per finding; return how many units got notes."""
    tree = parse_xml_file(src)
    root = tree.getroot()
    found = _by_unit(report.findings)
    ns = root.nsmap.get(None) or ""
    touched = 0
    index = 0
    if ns == _X12 or root.get("version", "").startswith("1."):
        for tu in root.iter(f"{{{ns}}}trans-unit" if ns else "trans-unit"):
            if tu.find("{*}source") is None:
                continue
            fs = found.get(index, ())
            index += 1
            if not fs:
                continue
            touched += 1
            # XLIFF 1.2 order: source, seg-source, target, context/count/prop groups, note, then alt-trans.
            anchor = None
            for child in tu:
                if etree.QName(child).localname in {"source", "seg-source", "target", "context-group",
                                                    "count-group", "prop-group", "note"}:
                    anchor = child
            pos = tu.index(anchor) + 1 if anchor is not None else 0
            for f in fs:
                note = etree.Element(f"{{{ns}}}note" if ns else "note", {"from": NOTE_SOURCE,
                                                                         "priority": _PRIORITY[f.severity]})
                note.text = note_text(f)
                tu.insert(pos, note)
                pos += 1
    else:
        for unit in root.iter(f"{{{ns}}}unit"):
            segs = [s for s in unit.iter(f"{{{ns}}}segment") if s.find("{*}source") is not None]
            fs = [f for k in range(len(segs)) for f in found.get(index + k, ())]
            index += len(segs)
            if not fs:
                continue
            touched += 1
            notes = unit.find(f"{{{ns}}}notes")
            if notes is None:
                notes = etree.Element(f"{{{ns}}}notes")
                # Core order: module elements, notes, originalData, segments.
                first_core = next((i for i, c in enumerate(unit) if etree.QName(c).namespace == ns), len(unit))
                unit.insert(first_core, notes)
            for f in fs:
                note = etree.SubElement(notes, f"{{{ns}}}note", {"category": "qa", "priority": _PRIORITY[f.severity]})
                note.text = note_text(f)
    if index == 0:
        raise UserError(f"{src}: no translation unit to annotate")
    with atomic_output(out, "wb", encoding=None) as fh:
        tree.write(fh, encoding="UTF-8", xml_declaration=True)
    return touched
