"""Fuzz the glossary readers (TBX v3, TBX 2008 martif, CSV/TSV) and the TBX write -> read round trip.

Usage: python fuzz/fuzz_tbx.py -max_total_time=600   (any libFuzzer flag works)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import run, seed_files  # noqa: E402

with atheris.instrument_imports():
    from bilingual_pr.errors import UserError
    from bilingual_pr.formats.units import clean_xml_text
    from bilingual_pr.glossary import TermMatcher, parse_glossary
    from bilingual_pr.glossary.tbx import parse_tbx, tbx_bytes


def _norm(text: str) -> str:
    # What the writer and the reader are meant to do: drop XML-illegal characters, collapse spaces.
    return re.sub(r"[ \t\r\n]+", " ", clean_xml_text(text)[0]).strip(" \t\r\n")


def _terms(glossary) -> list[tuple]:
    # Within an entry the writer groups terms by language, so compare them as sorted lists.
    return sorted((_norm(t.text), t.lang, t.status) for e in glossary.entries for t in e.terms if _norm(t.text))


def one_input(data: bytes) -> None:
    """Parse one glossary file; match its terms in a sentence; re-write it as TBX and read it back."""
    try:
        glossary = parse_glossary(data, "<fuzz>")
    except UserError:
        return
    matcher = TermMatcher(glossary, "fr")
    matcher.find("Le Conseil des droits de l'homme a adopté une résolution à Genève.")
    for dialect in ("v3", "2008"):
        try:
            written = tbx_bytes(glossary, dialect)
        except UserError:  # a documented refusal (TBX 2008 cannot be empty); reading it back must not fail
            continue
        again = parse_tbx(written, f"<rewritten {dialect}>")
        assert _terms(again) == _terms(glossary), f"TBX {dialect} round trip changed the terms"


if __name__ == "__main__":
    run("tbx", one_input, seed_files(["**/*.tbx", "glossary/*.csv", "glossary/*.tsv", "glossary/*.utf8",
                                      "qa/glossary.csv"]))
