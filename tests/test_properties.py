"""Property-based invariants not covered elsewhere: whole documents and any Unicode.

(TMX, XLIFF and TBX round trips: test_roundtrips.py; segment_text over press-release pieces:
test_segment_srx.py; align_sentences coverage: test_align_props.py.)
"""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bilingual_pr.align import align_documents
from bilingual_pr.align.anchors import AnchorScorer
from bilingual_pr.align.length import LengthScorer
from bilingual_pr.align.position import PositionScorer
from bilingual_pr.documents import read_text_string
from bilingual_pr.errors import UserError
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
