"""Round trips: what bilingual-pr writes, it reads back the same.

The promise, format by format: a memory, draft or glossary written by the tool and read back by
the tool gives the same units (text, languages, ids, properties, notes, statuses) in the same
order, and the file is valid against its schema. The only changes are the documented ones: the
characters XML cannot carry are removed (and counted), language tags are written canonical, and
TBX collapses runs of XML whitespace and groups an entry's terms by language. Writing what was
read gives the same bytes where the format allows it (TBX v3, the bundled glossary).

(The parallel TMX reader gives the serial reader's units: tests/test_tmx_parallel.py; CSV/TSV/JSON
export of a memory is one-way: tests/test_tmx_cli.py.)
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from bilingual_pr.formats.tmx import read_tmx, validate_tmx, write_tmx
from bilingual_pr.formats.units import TranslationUnit, clean_xml_text
from bilingual_pr.formats.xliff import XliffSegment, read_xliff, write_xliff, xliff_bytes
from bilingual_pr.glossary import Entry, Glossary, Term, load_glossary, save_glossary
from bilingual_pr.glossary.csvio import long_csv_text, parse_delimited
from bilingual_pr.glossary.model import GENDERS, NUMBERS, PARTS_OF_SPEECH, STATUSES, TERM_TYPES
from bilingual_pr.glossary.tbx import parse_tbx, tbx_bytes
from bilingual_pr.xmlsafe import parse_xml_bytes, parse_xml_file
from test_properties import SPECIAL
from test_xliff import SEGMENTS

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).resolve().parent / "fixtures" / "glossary"
BUNDLED = ROOT / "glossaries" / "unog-cern.tbx"


# --------------------------------------------------------------------------- TMX

# Characters the issue singles out, plus controls XML cannot carry and lone surrogates.
TMX_SPECIAL = st.sampled_from(["\t", "\n", "\r", "\u00a0", "\u202f", "«", "»", "&", "<", ">", '"', "'", "]]>",
                           "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\ud800", "\udfff",
                           "\ufffe", "\uffff", "\U0001f600", "\U00010000", "\U0010fffd", "&amp;", "&#9;"])
TMX_TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=8), TMX_SPECIAL), max_size=12).map("".join)
WORDS = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20)

UNIT = st.builds(
    TranslationUnit,
    source=TMX_TEXT, target=TMX_TEXT,
    source_lang=st.sampled_from(["fr-FR", "fr", "fr_CH", "FR-fr"]),
    target_lang=st.sampled_from(["en-GB", "en", "en_US"]),
    tuid=st.none() | WORDS,
    props=st.lists(st.tuples(st.sampled_from(["x-confidence", "x-bead", "x-context", "x-glossary"]), TMX_TEXT),
                   max_size=3).map(tuple),
    notes=st.lists(TMX_TEXT, max_size=2).map(tuple),
)


def expected(unit: TranslationUnit) -> TranslationUnit | None:
    source, _ = clean_xml_text(unit.source)
    target, _ = clean_xml_text(unit.target)
    if not source.strip() or not target.strip():
        return None
    from bilingual_pr.language import canonical_tag

    return TranslationUnit(
        source, target, canonical_tag(unit.source_lang), canonical_tag(unit.target_lang),
        tuid=None if unit.tuid is None else clean_xml_text(unit.tuid)[0],
        props=tuple((k, clean_xml_text(v)[0]) for k, v in unit.props),
        notes=tuple(clean_xml_text(n)[0] for n in unit.notes),
    )


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(units=st.lists(UNIT, max_size=6))
def test_write_read_round_trip(units: list[TranslationUnit], tmx_dtd) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tmx"
        write_tmx(path, units)
        want = [e for e in map(expected, units) if e is not None]
        got = list(read_tmx(path))
        # Units in another source variant than the file's srclang must still be found.
        assert got == want
        assert tmx_dtd.validate(parse_xml_file(path)), tmx_dtd.error_log.filter_from_errors()
        assert validate_tmx(path).errors == 0


@settings(max_examples=200, deadline=None)
@given(text=TMX_TEXT)
def test_cleaning_leaves_only_xml_characters(text: str) -> None:
    cleaned, removed = clean_xml_text(text)
    assert len(cleaned) + removed == len(text)
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    root = parse_xml_bytes(("<a>" + escaped + "</a>").encode("utf-8", "strict")).getroot()
    assert root.text is None or root.text.replace("\r\n", "\n").replace("\r", "\n") == \
        cleaned.replace("\r\n", "\n").replace("\r", "\n")


def test_special_characters_round_trip_byte_exact(tmp_path: Path, tmx_dtd) -> None:
    source = "Le «\u00a0Conseil\u00a0» : x < 3 && y > 2\tfin ; prix\u202f: 5 € ]]> \"ok\" 'oui' \U0001d11e"
    target = "The “Council”: x < 3 && y > 2\tend; price: EUR 5 ]]> \"ok\" 'yes' \r\nline two"
    out = tmp_path / "m.tmx"
    write_tmx(out, [TranslationUnit(source, target, "fr-FR", "en-GB")])
    raw = out.read_bytes().decode("utf-8")
    # No pretty-printing inside <seg>: the escaped text sits right between the tags.
    assert "<seg>Le «\u00a0Conseil\u00a0» : x &lt; 3 &amp;&amp; y &gt; 2\tfin ; prix\u202f: 5 € ]]&gt;" in raw
    assert "&#13;&#10;line two</seg>" in raw
    tu_lines = [line for line in raw.splitlines() if line.lstrip().startswith("<tu")]
    assert len(tu_lines) == 1 and tu_lines[0].endswith("</tu>")  # one line per <tu>
    (back,) = read_tmx(out)
    assert (back.source, back.target) == (source, target)
    assert tmx_dtd.validate(parse_xml_file(out)), tmx_dtd.error_log.filter_from_errors()

# --------------------------------------------------------------------------- XLIFF

TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=6), st.sampled_from(SPECIAL)), min_size=1,
                max_size=10).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TEXT, st.none() | TEXT, st.sampled_from(["mt", "tm-exact", "tm-fuzzy", "untranslated"])),
                min_size=1, max_size=5),
       st.sampled_from(["1.2", "2.1"]))
def test_xliff_round_trip_is_exact(rows: list[tuple[str, str | None, str]], version: str) -> None:
    segs = [XliffSegment(str(i + 1), src, None if origin == "untranslated" else tgt, origin,
                         score=87.0 if origin == "tm-fuzzy" else None)
            for i, (src, tgt, origin) in enumerate(rows)]
    data = xliff_bytes(segs, "fr-FR", "en-GB", "release.txt", version)
    etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))  # well-formed, strictly
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.xlf"
        path.write_bytes(data)
        back = list(read_xliff(path))
    assert [u.source for u in back] == [clean_xml_text(s.source)[0] for s in segs]
    assert [u.target for u in back] == [clean_xml_text(s.target or "")[0] for s in segs]


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_read_xliff_round_trip(tmp_path, version):
    path = tmp_path / "d.xlf"
    assert write_xliff(path, SEGMENTS, "fr-FR", "en-GB", "in.txt", version) == 5
    units = list(read_xliff(path))
    assert [u.source for u in units] == [s.source for s in SEGMENTS]
    assert [u.target for u in units] == [s.target or "" for s in SEGMENTS]
    assert [u.prop("x-origin") for u in units] == ["tm-context", "tm-exact", "tm-fuzzy", "mt", "untranslated"]
    assert [u.prop("x-match-quality") for u in units] == ["101", "100", "87", None, None]
    assert units[3].prop("x-engine") == "argos:translate-fr_en"
    assert any("CERN" in n for n in units[3].notes)
    assert units[0].source_lang == "fr-FR" and units[0].target_lang == "en-GB"

# --------------------------------------------------------------------------- TBX and CSV/TSV glossaries

def _tbx_expected(text: str) -> str:
    # Illegal characters go; runs of XML whitespace (space, tab, CR, LF) become one space; the rest stays.
    return re.sub(r"[ \t\r\n]+", " ", clean_xml_text(text)[0]).strip(" \t\r\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.tuples(TEXT, TEXT, st.none() | TEXT), min_size=1, max_size=4), st.sampled_from(["v3", "2008"]))
def test_tbx_round_trip_is_exact(rows: list[tuple[str, str, str | None]], dialect: str) -> None:
    assume(all(_tbx_expected(fr) and _tbx_expected(en) for fr, en, _ in rows))
    entries = tuple(Entry(f"e{i}", (Term(fr, "fr", "preferred", note=note), Term(en, "en", "admitted")))
                    for i, (fr, en, note) in enumerate(rows))
    back = parse_tbx(tbx_bytes(Glossary(entries), dialect), "<memory>")
    got = [[(t.text, t.lang, t.status) for t in e.terms] for e in back.entries]
    assert got == [[(_tbx_expected(fr), "fr", "preferred"), (_tbx_expected(en), "en", "admitted")]
                   for fr, en, _ in rows]
    notes = [e.terms[0].note for e in back.entries]
    assert notes == [(_tbx_expected(n) or None) if n is not None else None for _, _, n in rows]


@pytest.mark.parametrize("text", ["art.\u00a05", "«\u202fOui\u202f»", "M.\u00a0Türk & <Cie>", "\U0001F600 CERN"])
def test_tbx_keeps_no_break_spaces(text: str) -> None:
    g = Glossary((Entry("a", (Term(text, "fr", "preferred"), Term("x", "en", "preferred"))),))
    assert parse_tbx(tbx_bytes(g)).entries[0].terms[0].text == text


def test_tbx_round_trips(tbx_rng: etree.RelaxNG, martif_dtd: etree.DTD, tmp_path: Path) -> None:
    g = load_glossary(FIX / "mini.tbx")
    for fmt, name in (("tbx", "a.tbx"), ("tbx2008", "a.martif.tbx"), ("csv", "a.csv"), ("tsv", "a.tsv")):
        out = tmp_path / name
        save_glossary(g, out, fmt)
        back = load_glossary(out)
        assert back.entries == g.entries, fmt
        if fmt.startswith("tbx"):
            assert back.title == g.title and back.properties == g.properties
    assert tbx_rng.validate(etree.parse(str(tmp_path / "a.tbx")))
    assert martif_dtd.validate(etree.parse(str(tmp_path / "a.martif.tbx"))), martif_dtd.error_log
    # Writing what was read gives the same bytes.
    save_glossary(load_glossary(tmp_path / "a.tbx"), tmp_path / "b.tbx", "tbx")
    assert (tmp_path / "a.tbx").read_bytes() == (tmp_path / "b.tbx").read_bytes()


def test_bundled_glossary_round_trips_through_every_lossless_format(martif_dtd: etree.DTD) -> None:
    g = load_glossary(BUNDLED)
    assert parse_tbx(tbx_bytes(g, "2008")).entries == g.entries
    assert martif_dtd.validate(parse_xml_bytes(tbx_bytes(g, "2008")))
    assert parse_delimited(long_csv_text(g)).entries == g.entries
    assert parse_delimited(long_csv_text(g, "\t")).entries == g.entries
    assert tbx_bytes(g) == BUNDLED.read_bytes()


terms_st = st.builds(
    Term,
    text=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), min_size=1, max_size=12).map(
        lambda s: " ".join(s.split())).filter(bool),
    lang=st.sampled_from(["fr", "en"]),
    status=st.sampled_from(STATUSES),
    type=st.none() | st.sampled_from(TERM_TYPES),
    pos=st.none() | st.sampled_from(PARTS_OF_SPEECH),
    gender=st.none() | st.sampled_from(GENDERS),
    number=st.none() | st.sampled_from(NUMBERS),
    note=st.none() | st.sampled_from(["a note", "« citée » & <b>", "x;y=z"]),
)
entries_st = st.lists(st.builds(
    Entry, id=st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True),
    terms=st.lists(terms_st, min_size=1, max_size=4).map(tuple),
    subject=st.none() | st.sampled_from(["UN system", "CERN"]), note=st.none() | st.just("entry, note"),
    dnt=st.booleans()), min_size=1, max_size=5, unique_by=lambda e: e.id).map(tuple)


@settings(max_examples=60, deadline=None)
@given(entries_st)
def test_glossary_round_trip_property(entries: tuple[Entry, ...]) -> None:
    g = Glossary(entries, title="t", properties=(("typography.fr", "fr-CH"),))
    assert parse_delimited(long_csv_text(g)).entries == entries
    # TBX groups the terms of an entry by language (first-seen order).
    grouped = tuple(Entry(e.id, tuple(t for lang in e.languages for t in e.terms_in(lang)), e.subject, e.note, e.dnt)
                    for e in entries)
    assert parse_tbx(tbx_bytes(g)).entries == grouped
    assert parse_tbx(tbx_bytes(g, "2008")).entries == grouped
    assert parse_tbx(tbx_bytes(g)).properties == g.properties
