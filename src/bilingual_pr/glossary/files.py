"""Load and save glossaries whatever their format (chosen by content, extension or --to)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import read_input_bytes
from bilingual_pr.glossary.csvio import decode_text, parse_delimited, write_delimited
from bilingual_pr.glossary.model import Glossary, replace_entries
from bilingual_pr.glossary.tbx import parse_tbx, write_tbx

BUNDLED_NAME = "unog-cern.tbx"
FORMATS = ("tbx", "tbx2008", "csv", "tsv", "omegat")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _looks_xml(data: bytes) -> bool:
    head = data[:64]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    return head.lstrip().startswith(b"<")


def parse_glossary(data: bytes, where: str, source_lang: str = "fr", target_lang: str = "en") -> Glossary:
    """Parse glossary bytes: TBX (v3 or 2008) when it is XML, else CSV/TSV/OmegaT text."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UserError(f"{where}: empty file, not a glossary")
    if _looks_xml(data):
        return parse_tbx(data, where)
    return parse_delimited(decode_text(data, where), where, source_lang, target_lang)


def load_glossary(path: str | Path, source_lang: str = "fr", target_lang: str = "en") -> Glossary:
    """Read a glossary file (TBX v3, TBX 2008 martif, CSV/TSV, OmegaT .utf8), detected by content."""
    return parse_glossary(read_input_bytes(path), str(path), source_lang, target_lang)


def output_format(path: str | Path, to: str | None = None) -> str:
    """The output format named by --to, else by the file name."""
    if to:
        if to not in FORMATS:
            raise UserError(f"unknown glossary format {to!r}: use one of {', '.join(FORMATS)}")
        return to
    name = Path(path).name.lower()
    if name.endswith((".martif.tbx", ".tbx2008", ".martif")):
        return "tbx2008"
    suffix = Path(name).suffix
    by_suffix = {".tbx": "tbx", ".csv": "csv", ".tsv": "tsv", ".utf8": "omegat", ".tab": "omegat", ".txt": "omegat"}
    if suffix not in by_suffix:
        raise UserError(f"{path}: cannot tell the glossary format from the extension; use --to {'|'.join(FORMATS)}")
    return by_suffix[suffix]


def save_glossary(glossary: Glossary, path: str | Path, fmt: str, source_lang: str = "fr",
                  target_lang: str = "en") -> int:
    """Write a glossary in ``fmt``; return how many entries the format could not hold."""
    if fmt == "tbx":
        write_tbx(glossary, path, "v3")
        return 0
    if fmt == "tbx2008":
        write_tbx(glossary, path, "2008")
        return 0
    return write_delimited(glossary, path, fmt, source_lang, target_lang)


def default_glossary_path() -> Path:
    """$BILINGUAL_PR_GLOSSARY, else the UNOG-CERN glossary shipped as package data."""
    env = os.environ.get("BILINGUAL_PR_GLOSSARY")
    if env:
        return Path(env)
    bundled = Path(str(resources.files("bilingual_pr") / "data" / BUNDLED_NAME))
    if not bundled.is_file():
        raise UserError(f"bundled glossary {bundled} is missing; pass --glossary FILE")
    return bundled


def without_rejected(glossary: Glossary, lang: str) -> Glossary:
    """The glossary without deprecated and forbidden terms in ``lang`` (entries left empty there are kept)."""
    return replace_entries(glossary, tuple(
        type(e)(e.id, tuple(t for t in e.terms if t.lang != lang or t.approved), e.subject, e.note, e.dnt)
        for e in glossary.entries))
