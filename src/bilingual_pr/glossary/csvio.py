"""Glossaries as delimited text: OmegaT's tab-separated file and a header-driven CSV.

* OmegaT (``.utf8``/``.tab``/``.txt``, or any file without a known header):
  ``source<TAB>target<TAB>comment``, ``#`` starts a comment line. It holds no
  status, so it is an export for translators, not a lossless format.
* Header-driven CSV/TSV: the first line names the columns. The *long* layout
  (one row per term: ``id, lang, term, status, type, pos, gender, number,
  note, subject, entry_note, dnt``) round-trips every field of the model; the
  *wide* layout (``fr, en`` columns plus optional ``status``, ``fr_status``,
  ``note``, ``subject``, ``dnt``...) is read for convenience.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output
from bilingual_pr.glossary import vocab
from bilingual_pr.glossary.model import DEFAULT_STATUS, Entry, Glossary, LoadIssue, Term
from bilingual_pr.language import base_language

LONG_COLUMNS = ("id", "lang", "term", "status", "type", "pos", "gender", "number", "note", "subject",
                "entry_note", "dnt")
_TERM_COLS = ("status", "type", "pos", "gender", "number", "note")
_ENTRY_COLS = ("subject", "entry_note", "dnt")
_ALIASES = {"entry": "id", "concept": "id", "language": "lang", "partofspeech": "pos", "part_of_speech": "pos",
            "termtype": "type", "term_type": "type", "comment": "note", "subjectfield": "subject",
            "domain": "subject", "donottranslate": "dnt", "do_not_translate": "dnt", "entrynote": "entry_note"}


def decode_text(data: bytes, where: str) -> str:
    """Decode UTF-8 (BOM allowed) or fail with the line of the first bad byte."""
    from bilingual_pr.formats.units import clean_xml_text

    try:
        # Control characters (NUL...) cannot go into TBX/TMX: drop them here, so a term never
        # becomes empty only once written (found by fuzz/fuzz_tbx.py).
        return clean_xml_text(data.decode("utf-8-sig"))[0]
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UserError(f"{where}:{line}: not UTF-8 (byte 0x{data[err.start]:02x}); save the glossary as UTF-8") from None


def _delimiter(first_line: str) -> str:
    if "\t" in first_line:
        return "\t"
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _norm_col(name: str) -> str:
    n = name.strip().lower().replace(" ", "_").replace("-", "_")
    return _ALIASES.get(n, _ALIASES.get(n.replace("_", ""), n))


def _lang_columns(cols: list[str]) -> list[str]:
    """Columns named by a language code (fr, en, de...) in a wide-layout header."""
    return [c for c in cols if len(c) in (2, 3) and c.isalpha() and c not in LONG_COLUMNS]


def _first_content_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return line
    return ""


def sniff_layout(text: str) -> tuple[str, str]:
    """('long'|'wide'|'omegat', delimiter) for a delimited glossary text."""
    first = _first_content_line(text)
    delim = _delimiter(first)
    cells = [_norm_col(c) for c in next(csv.reader([first], delimiter=delim), [])]
    if "term" in cells and "lang" in cells:
        return "long", delim
    if len(_lang_columns(cells)) >= 2:
        return "wide", delim
    return "omegat", "\t" if delim == "\t" else delim


def _rows(text: str, delim: str, where: str):
    """(line number, cells) for non-empty, non-comment rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise UserError(f"{where}:{reader.line_num}: malformed CSV: {err}") from None
        if not row or not any(c.strip() for c in row) or row[0].startswith("#"):
            continue
        yield reader.line_num, row


def _mapped(kind: str, raw: str, term: str, at: str, issues: list[LoadIssue]) -> str | None:
    if not raw.strip():
        return None
    mapper = {"status": vocab.map_status, "type": vocab.map_type, "pos": vocab.map_pos,
              "gender": vocab.map_gender, "number": vocab.map_number}[kind]
    value = mapper(raw)
    if value is None:
        issues.append(LoadIssue(at, f"unknown-{kind}", f"term {term!r}: unknown {kind} value {raw!r}"))
    return value


def _dnt(raw: str, at: str, eid: str, issues: list[LoadIssue]) -> bool:
    b = vocab.parse_bool(raw)
    if b is None:
        issues.append(LoadIssue(at, "unknown-dnt", f"entry {eid}: dnt must be yes or no, not {raw!r}"))
    return bool(b)


def _read_long(text: str, delim: str, where: str) -> Glossary:
    rows = _rows(text, delim, where)
    _, header = next(rows)
    cols = [_norm_col(c) for c in header]
    issues: list[LoadIssue] = []
    for c in cols:
        if c not in LONG_COLUMNS:
            issues.append(LoadIssue(f"{where}:1", "unknown-column", f"column {c!r} ignored"))
    groups: dict[str, dict] = {}
    for n, row in rows:
        at = f"{where}:{n}"
        if len(row) > len(cols):
            raise UserError(f"{at}: {len(row)} cells but the header names {len(cols)} columns")
        cell = dict(zip(cols, (c.strip() for c in row)))
        term = " ".join(cell.get("term", "").split())
        if not term:
            raise UserError(f"{at}: empty term")
        lang_raw = cell.get("lang", "")
        base = base_language(lang_raw)
        if not (2 <= len(base) <= 3 and base.isascii() and base.isalpha()):  # '', '_fr', 'x y': fuzz finding
            raise UserError(f"{at}: term {term!r} has no language"
                            + (f" ({lang_raw!r} is not a language tag)" if lang_raw else ""))
        eid = cell.get("id") or f"e{len(groups) + 1}"
        g = groups.setdefault(eid, {"terms": [], "subject": None, "note": None, "dnt": False, "at": at})
        for col, key in (("subject", "subject"), ("entry_note", "note")):
            v = cell.get(col) or None
            if v and g[key] and g[key] != v:
                issues.append(LoadIssue(at, "conflicting-entry-field", f"entry {eid}: two different {col} values"))
            g[key] = g[key] or v
        if cell.get("dnt"):
            g["dnt"] = g["dnt"] or _dnt(cell["dnt"], at, eid, issues)
        g["terms"].append(Term(
            text=term, lang=base_language(lang_raw),
            status=_mapped("status", cell.get("status", ""), term, at, issues) or DEFAULT_STATUS,
            type=_mapped("type", cell.get("type", ""), term, at, issues),
            pos=_mapped("pos", cell.get("pos", ""), term, at, issues),
            gender=_mapped("gender", cell.get("gender", ""), term, at, issues),
            number=_mapped("number", cell.get("number", ""), term, at, issues),
            note=cell.get("note") or None,
        ))
    entries = tuple(Entry(id=eid, terms=tuple(g["terms"]), subject=g["subject"], note=g["note"], dnt=g["dnt"])
                    for eid, g in groups.items())
    return Glossary(entries=entries, path=where, issues=tuple(issues), dialect="csv")


def _read_wide(text: str, delim: str, where: str) -> Glossary:
    rows = _rows(text, delim, where)
    _, header = next(rows)
    cols = [_norm_col(c) for c in header]
    langs = _lang_columns(cols)
    issues: list[LoadIssue] = []
    entries: list[Entry] = []
    for n, row in rows:
        at = f"{where}:{n}"
        if len(row) > len(cols):
            raise UserError(f"{at}: {len(row)} cells but the header names {len(cols)} columns")
        cell = dict(zip(cols, (c.strip() for c in row)))
        eid = cell.get("id") or f"e{len(entries) + 1}"
        terms = []
        for lang in langs:
            term = " ".join(cell.get(lang, "").split())
            if not term:
                continue

            def get(col: str, lang: str = lang, cell: dict[str, str] = cell) -> str:
                return cell.get(f"{lang}_{col}") or cell.get(col, "")

            terms.append(Term(
                text=term, lang=lang,
                status=_mapped("status", get("status"), term, at, issues) or DEFAULT_STATUS,
                type=_mapped("type", get("type"), term, at, issues), pos=_mapped("pos", get("pos"), term, at, issues),
                gender=_mapped("gender", get("gender"), term, at, issues),
                number=_mapped("number", get("number"), term, at, issues),
                note=cell.get(f"{lang}_note") or None,
            ))
        if not terms:
            raise UserError(f"{at}: row without any term")
        entries.append(Entry(id=eid, terms=tuple(terms), subject=cell.get("subject") or None,
                             note=cell.get("note") or cell.get("entry_note") or None,
                             dnt=_dnt(cell.get("dnt", ""), at, eid, issues)))
    return Glossary(entries=tuple(entries), path=where, issues=tuple(issues), dialect="csv")


def _read_omegat(text: str, delim: str, where: str, source_lang: str, target_lang: str) -> Glossary:
    entries: list[Entry] = []
    for n, row in _rows(text, delim, where):
        at = f"{where}:{n}"
        src = " ".join(row[0].split())
        tgt = " ".join(row[1].split()) if len(row) > 1 else ""
        if not src:
            raise UserError(f"{at}: empty source term")
        if not tgt:
            raise UserError(f"{at}: source term {src!r} has no target term (expected source<TAB>target<TAB>comment)")
        comment = " ".join(row[2].split()) if len(row) > 2 and row[2].strip() else None
        entries.append(Entry(id=f"e{len(entries) + 1}", note=comment, terms=(
            Term(text=src, lang=source_lang, status="preferred"), Term(text=tgt, lang=target_lang, status="preferred"))))
    return Glossary(entries=tuple(entries), path=where, dialect="omegat-tsv")


def parse_delimited(text: str, where: str = "<csv>", source_lang: str = "fr", target_lang: str = "en",
                    layout: str | None = None) -> Glossary:
    """Parse a delimited glossary text (long, wide or OmegaT layout, sniffed unless given)."""
    sniffed, delim = sniff_layout(text)
    layout = layout or sniffed
    if layout == "long":
        return _read_long(text, delim, where)
    if layout == "wide":
        return _read_wide(text, delim, where)
    return _read_omegat(text, delim, where, source_lang, target_lang)


# ----------------------------------------------------------------------------- writing


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def long_csv_text(glossary: Glossary, delimiter: str = ",") -> str:
    """The glossary as long-layout CSV/TSV text (one row per term, lossless)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(LONG_COLUMNS)
    for e in glossary.entries:
        for i, t in enumerate(e.terms):
            first = i == 0
            w.writerow([e.id, t.lang, t.text, t.status, t.type or "", t.pos or "", t.gender or "", t.number or "",
                        _clean(t.note), (e.subject or "") if first else "", _clean(e.note) if first else "",
                        ("yes" if e.dnt else "") if first else ""])
    return buf.getvalue()


def omegat_tsv_text(glossary: Glossary, source_lang: str = "fr", target_lang: str = "en") -> tuple[str, int]:
    """OmegaT tab-separated glossary text and the number of entries skipped (no target term)."""
    lines = [f"# {_clean(glossary.title) or 'Glossary'} ({source_lang} -> {target_lang}); "
             "columns: source, target, comment. Written by bilingual-pr."]
    skipped = 0
    for e in glossary.entries:
        approved = e.approved(target_lang)
        sources = e.terms_in(source_lang)
        if not approved or not sources:
            skipped += 1
            continue
        avoid = [t.text for t in e.rejected(target_lang)]
        for s in sources:
            # An acronym is best rendered by an acronym (ONUG -> UNOG), a full form by a full form.
            target = next((t for t in approved if t.type == s.type), approved[0])
            others = [t.text for t in approved if t is not target]
            comment = []
            if e.dnt:
                comment.append("do not translate")
            if s.status != "preferred":
                comment.append(f"{source_lang} term {s.status}")
            if others:
                comment.append("also: " + ", ".join(others))
            if avoid:
                comment.append("avoid: " + ", ".join(avoid))
            if e.note:
                comment.append(_clean(e.note))
            if target.note:
                comment.append(_clean(target.note))
            lines.append("\t".join((_clean(s.text), _clean(target.text), "; ".join(comment))).rstrip("\t"))
    return "\n".join(lines) + "\n", skipped


def write_delimited(glossary: Glossary, path: str | Path, layout: str, source_lang: str = "fr",
                    target_lang: str = "en") -> int:
    """Write 'csv', 'tsv' (long layout) or 'omegat'; return the number of entries skipped."""
    skipped = 0
    if layout == "omegat":
        text, skipped = omegat_tsv_text(glossary, source_lang, target_lang)
    else:
        text = long_csv_text(glossary, "\t" if layout == "tsv" else ",")
    with atomic_output(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return skipped
