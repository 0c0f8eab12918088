"""Fuzz the TMX reader, validator and statistics, and the write -> read round trip of what was read.

Usage: python fuzz/fuzz_tmx.py -max_total_time=600   (any libFuzzer flag works)
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import TempInput, run, seed_files  # noqa: E402

with atheris.instrument_imports():
    from bilingual_pr.errors import UserError
    from bilingual_pr.formats.tmx import TmxWriter, read_tmx, tmx_stats, validate_tmx, write_tmx
    from bilingual_pr.formats.units import TranslationUnit

INPUT = TempInput(".tmx")
OUTPUT = TempInput(".out.tmx")


def one_input(data: bytes) -> None:
    """Read, validate and count one TMX file; re-write what was read and check it comes back."""
    path = INPUT.write(data)
    try:
        units = list(read_tmx(path))
    except UserError:
        units = None
    try:
        validate_tmx(path, max_problems=50)
    except UserError:
        pass
    try:
        tmx_stats(path)
    except UserError:
        pass
    if not units:
        return
    keep = [u for u in units if u.source.strip() and u.target.strip()]
    # As tmx merge does: OmegaT's context props (file, id...) pass through.
    try:
        with TmxWriter(OUTPUT.path, allow_context_props=True) as writer:
            for unit in keep:
                writer.write(unit)
    except UserError:  # e.g. a language tag that is not BCP 47: refused in one line, as tmx merge does
        return
    back = list(read_tmx(OUTPUT.path))
    # Text read from XML is always legal XML text, so it must come back unchanged.
    assert [(u.source, u.target) for u in back] == [(u.source, u.target) for u in keep], "round trip changed text"


def _generated() -> list[bytes]:
    out = TempInput(".seed.tmx")
    units = [TranslationUnit("Le Conseil\u00a0: « oui » & <non>", "The Council: \"yes\" & <no>", "fr-FR", "en-GB",
                             props=(("x-confidence", "0.9"),), notes=("n\tote",)),
             TranslationUnit("Ligne 1\nligne 2\r\n\U0001F600", "Line 1\nline 2", "fr-FR", "en-GB", tuid="t2",
                             creationdate="20240101T000000Z")]
    write_tmx(out.path, units)
    return [out.path.read_bytes()]


if __name__ == "__main__":
    run("tmx", one_input, seed_files(["**/*.tmx"]), _generated())
