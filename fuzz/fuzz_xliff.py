"""Fuzz the XLIFF 1.2 / 2.x reader.

Usage: python fuzz/fuzz_xliff.py -max_total_time=600   (any libFuzzer flag works)
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import TempInput, run, seed_files  # noqa: E402

with atheris.instrument_imports():
    from bilingual_pr.errors import UserError
    from bilingual_pr.formats.xliff import XliffSegment, read_xliff, xliff_bytes

INPUT = TempInput(".xlf")


def one_input(data: bytes) -> None:
    """Read every unit of one XLIFF file; a UserError is the only acceptable failure."""
    path = INPUT.write(data)
    try:
        for unit in read_xliff(path):
            assert isinstance(unit.source, str) and isinstance(unit.target, str)
    except UserError:
        pass


def _generated() -> list[bytes]:
    segs = [XliffSegment("1", "Le Conseil\u00a0: « oui » & <non>", "The Council: yes & <no>", "mt", engine="argos",
                         group="p1"),
            XliffSegment("2", "Deuxième\tphrase \U0001F600.", None, "untranslated", notes=("note",)),
            XliffSegment("3", "Troisième.", "Third.", "tm-fuzzy", score=87.5, match_source="Troisieme.")]
    return [xliff_bytes(segs, "fr-FR", "en-GB", "release.txt", version) for version in ("2.1", "1.2")]


if __name__ == "__main__":
    run("xliff", one_input, seed_files(["**/*.xlf", "**/*.xliff"]), _generated())
