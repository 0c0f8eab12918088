"""TSV of pairs: ``source<TAB>target[<TAB>id]`` lines, with an optional header such as ``fr<TAB>en``.

The one TSV-of-pairs reader: ``check``, translation memories and ``glossary
suggest`` read through it (``formats/factory.read_units``). Fields are not quoted
(``csv.QUOTE_NONE``): a quotation mark is text, as in the TSV ``align`` writes.
Comment lines (``#`` then a space) are allowed at the top only, so that a
sentence starting with a hashtag (``#StandUp4HumanRights``) stays a pair.
Blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import read_input_bytes
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.language import base_language

_COMMENT = re.compile(r"#(\s|$)")
_HEADER_WORDS = {"fr", "en", "source", "target"} | {t.lower() for t in ("fr-FR", "fr-CH", "en-GB", "en-US")}


def tsv_pairs(path: str | Path) -> tuple[tuple[str, str] | None, list[list[str]]]:
    """The header languages (None without a language header) and the rows of a TSV of pairs."""
    from bilingual_pr.documents import decode_text

    text, _ = decode_text(read_input_bytes(path), str(path))
    rows = [row for row in csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
            if any(cell.strip() for cell in row)]
    while rows and _COMMENT.match(rows[0][0]):
        rows.pop(0)
    if any(len(r) < 2 for r in rows):
        bad = next(i for i, r in enumerate(rows) if len(r) < 2) + 1
        raise UserError(f"{path}:{bad}: expected source<TAB>target on every line")
    header = None
    if rows and {rows[0][0].strip().lower(), rows[0][1].strip().lower()} <= _HEADER_WORDS:
        first, rows = rows[0], rows[1:]
        if first[0].strip().lower() not in ("source", "target"):
            header = (base_language(first[0]), base_language(first[1]))
    return header, rows


def read_tsv(path: str | Path, source_lang: str | None = None, target_lang: str | None = None) -> list[TranslationUnit]:
    """The pairs of a TSV as units; columns swapped when the header names the languages the other way round."""
    header, rows = tsv_pairs(path)
    sl = base_language(source_lang) if source_lang else (header[0] if header else "")
    tl = base_language(target_lang) if target_lang else (header[1] if header else "")
    swap = header is not None and (header[1], header[0]) == (sl, tl) and sl != tl
    units = []
    for row in rows:
        source, target = (row[1], row[0]) if swap else (row[0], row[1])
        units.append(TranslationUnit(source, target, sl, tl, row[2] if len(row) > 2 and row[2] else None))
    return units
