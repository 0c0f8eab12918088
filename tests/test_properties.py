"""Property-based invariants not covered elsewhere: whole documents, any Unicode, XLIFF and TBX round trips.

(TMX round trips: test_tmx_roundtrip.py; segment_text over press-release pieces:
test_segment_srx.py; align_sentences coverage: test_align_props.py.)
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from bilingual_pr.align import align_documents
from bilingual_pr.align.anchors import AnchorScorer
from bilingual_pr.align.length import LengthScorer
from bilingual_pr.align.position import PositionScorer
from bilingual_pr.documents import read_text_string
from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import clean_xml_text
from bilingual_pr.formats.xliff import XliffSegment, read_xliff, xliff_bytes
from bilingual_pr.glossary import Entry, Glossary, Term
from bilingual_pr.glossary.tbx import parse_tbx, tbx_bytes
from bilingual_pr.segment import segment_document, segment_text

# The characters the issue singles out, the hostile ones, and sentence punctuation to make breaks happen.
SPECIAL = ["\u00a0", "\u202f", "\t", "«", "»", "&", "<", ">", "]]>", "\U0001F600", "\U0001F469\U0001F3FD\u200D\U0001F52C",
           "\U00010348", "\u200b", "\u200f", "\u202e", "\u2066", "\u2069", "\ufeff", "\x00", "\x01", "\x0b", "\x1b",
           "\x7f", "\x85", "\ud800", "\udfff", "\ufffe", "\uffff", "\u2028", "\u2029"]
PUNCT = [". ", "! ", "? ", "… ", "\n", "\n\n", "\r\n", "\r", " ", "M. ", "art.\u00a05 ", "« Oui », dit-il. "]
ANY_TEXT = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(SPECIAL + PUNCT),
                              st.sampled_from(["Le", "Conseil", "The", "Council", "Genève", "2025", "A/HRC/58"])),
                    max_size=30).map("".join)


def _no_space(s: str) -> str:
    return re.sub(r"\s", "", s)


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, st.sampled_from(["fr", "en"]))
def test_segment_text_loses_and_invents_nothing_on_any_unicode(text: str, lang: str) -> None:
    spans = segment_text(text, lang)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        assert text[s:e].strip()
        assert not text[prev:s].strip()  # only whitespace between segments
        prev = e
    assert not text[prev:].strip()


@settings(max_examples=120, deadline=None)
@given(ANY_TEXT, st.sampled_from(["fr", "en"]))
def test_document_segmentation_keeps_every_character_in_its_block(text: str, lang: str) -> None:
    try:
        doc = read_text_string(text)
    except UserError:
        assume(False)  # empty or binary-looking: refused with one line (test_hostile_text.py)
    sents = segment_document(doc, lang)
    assert _no_space("".join(s.text for s in sents)) == _no_space("".join(b.text for b in doc.blocks))
    prev_end, prev_block = 0, 0
    for s in sents:
        assert doc.text[s.start:s.end] == s.text and s.text.strip()
        assert s.start >= prev_end and s.block >= prev_block
        block = doc.blocks[s.block]
        assert block.start <= s.start and s.end <= block.end
        prev_end, prev_block = s.end, s.block


SCORERS = [LengthScorer(), AnchorScorer(), PositionScorer()]
PARA = st.lists(st.sampled_from(["Le Conseil a adopté la résolution A/HRC/58/1.", "Genève, 3 mars 2025.",
                                 "The Council adopted resolution A/HRC/58/1.", "Geneva, 3 March 2025.",
                                 "« Oui », dit-il.", "Il y a 12,5 % de plus.", "x", "\U0001F600 !", "CERN."]),
                min_size=1, max_size=5).map(" ".join)
DOC = st.lists(PARA, min_size=1, max_size=6).map("\n\n".join)


@settings(max_examples=40, deadline=None)
@given(DOC, DOC)
def test_document_alignment_covers_every_sentence_once_in_order(fr_text: str, en_text: str) -> None:
    doc_fr, doc_en = read_text_string(fr_text), read_text_string(en_text)
    al = align_documents(doc_fr, doc_en, scorers=SCORERS)
    assert [i for p in al.pairs for i in p.src] == list(range(len(al.src_sentences)))
    assert [j for p in al.pairs for j in p.tgt] == list(range(len(al.tgt_sentences)))
    for p in al.pairs:
        assert 0.0 <= p.confidence <= 1.0
        for idx, sents, text in ((p.src, al.src_sentences, p.src_text), (p.tgt, al.tgt_sentences, p.tgt_text)):
            assert _no_space(text) == _no_space("".join(sents[k].text for k in idx))


# --------------------------------------------------------------------------- XLIFF and TBX round trips

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
