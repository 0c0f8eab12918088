"""Fuzz text decoding, block splitting and sentence segmentation (built-in SRX rules, French and English).

Checks the invariants on every input: spans in order, inside the block, never
empty, and no non-space character lost or invented.
Usage: python fuzz/fuzz_segment.py -max_total_time=600   (any libFuzzer flag works)
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import run, seed_files  # noqa: E402

with atheris.instrument_imports():
    from bilingual_pr.documents import read_text_bytes
    from bilingual_pr.errors import UserError
    from bilingual_pr.segment import segment_document, segment_text


def _check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    prev = 0
    for start, end in spans:
        assert prev <= start < end <= len(text), (prev, start, end, len(text))
        assert not text[prev:start].strip(), "text lost between segments"
        prev = end
    assert not text[prev:].strip(), "text lost after the last segment"


def one_input(data: bytes) -> None:
    """Segment the input as raw text and as a decoded document, in French and English."""
    fdp = atheris.FuzzedDataProvider(data)
    lang = "fr" if fdp.ConsumeBool() else "en"
    rest = fdp.ConsumeBytes(len(data))
    text = rest.decode("utf-8", errors="surrogateescape")
    _check_spans(text, segment_text(text, lang))
    try:
        doc = read_text_bytes(rest, "<fuzz>")
    except UserError:
        return
    for s in segment_document(doc, lang):
        assert doc.text[s.start:s.end] == s.text and s.text.strip()


if __name__ == "__main__":
    run("segment", one_input, seed_files(["segment/*.txt", "align/*.txt", "qa/release.*.txt"]))
