"""Property-based: whatever Unicode text goes in comes back out, and the file is DTD-valid."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilingual_pr.formats.tmx import read_tmx, validate_tmx, write_tmx
from bilingual_pr.formats.units import TranslationUnit, clean_xml_text
from bilingual_pr.xmlsafe import parse_xml_bytes, parse_xml_file

# Characters the issue singles out, plus controls XML cannot carry and lone surrogates.
SPECIAL = st.sampled_from(["\t", "\n", "\r", "\u00a0", "\u202f", "«", "»", "&", "<", ">", '"', "'", "]]>",
                           "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\ud800", "\udfff",
                           "\ufffe", "\uffff", "\U0001f600", "\U00010000", "\U0010fffd", "&amp;", "&#9;"])
TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=8), SPECIAL), max_size=12).map("".join)
WORDS = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20)

UNIT = st.builds(
    TranslationUnit,
    source=TEXT, target=TEXT,
    source_lang=st.sampled_from(["fr-FR", "fr", "fr_CH", "FR-fr"]),
    target_lang=st.sampled_from(["en-GB", "en", "en_US"]),
    tuid=st.none() | WORDS,
    props=st.lists(st.tuples(st.sampled_from(["x-confidence", "x-bead", "x-context", "x-glossary"]), TEXT),
                   max_size=3).map(tuple),
    notes=st.lists(TEXT, max_size=2).map(tuple),
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
@given(text=TEXT)
def test_cleaning_leaves_only_xml_characters(text: str) -> None:
    cleaned, removed = clean_xml_text(text)
    assert len(cleaned) + removed == len(text)
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    root = parse_xml_bytes(("<a>" + escaped + "</a>").encode("utf-8", "strict")).getroot()
    assert root.text is None or root.text.replace("\r\n", "\n").replace("\r", "\n") == \
        cleaned.replace("\r\n", "\n").replace("\r", "\n")
