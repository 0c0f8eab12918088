"""Operations on whole TMX memories: statistics, merge, filter, export."""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx.dedup import merge_actions as _merge_actions
from bilingual_pr.formats.tmx.dedup import pair_keys
from bilingual_pr.formats.tmx.parallel import TmxReader
from bilingual_pr.formats.tmx.reader import Progress, canonical_lang, read_tmx_header, seg_text
from bilingual_pr.formats.tmx.stats import TmxStats as TmxStats
from bilingual_pr.formats.tmx.stats import tmx_stats as tmx_stats
from bilingual_pr.formats.tmx.writer import TmxWriter
from bilingual_pr.formats.units import (PROP_BEAD, PROP_SIGNATURE, PROP_SOURCE_DOC, TmxHeader, TranslationUnit,
                                        parse_tmx_date)
from bilingual_pr.language import is_language_tag
from bilingual_pr.spreadsheet import text_cell
from bilingual_pr.xmlsafe import parse_xml_bytes


@functools.lru_cache(maxsize=65536)
def _seconds(value: str | None) -> int:
    moment = parse_tmx_date(value)
    return int(moment.timestamp()) if moment is not None else -1


def _epoch(unit: TranslationUnit) -> int:
    """Seconds since 1970 of the unit's changedate, else creationdate; -1 when it has neither."""
    seconds = _seconds(unit.changedate)
    return seconds if seconds >= 0 else _seconds(unit.creationdate)


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What ``tmx merge`` did."""

    read: int
    written: int
    duplicates: int
    conflicting_sources: int
    conflict_examples: tuple[str, ...]
    skipped: int
    skipped_empty: int
    removed_chars: int
    drafts_left_out: int = 0  # XLIFF segments left as drafted, in a state nobody confirmed


class _PostEdited:
    """The segments of a post-edited XLIFF a person translated, checked or edited, as memory units (TmxReader-like)."""

    def __init__(self, path: Path) -> None:
        self.path, self.units, self.skipped, self.drafts = path, 0, 0, 0

    def __iter__(self) -> Iterator[TranslationUnit]:
        from datetime import datetime, timezone

        from bilingual_pr.formats.postedit import memory_unit
        from bilingual_pr.formats.units import tmx_date
        from bilingual_pr.formats.xliff import read_xliff

        # XLIFF has no dates: a post-edited file is as new as its last save, so its units win ties.
        saved = tmx_date(datetime.fromtimestamp(self.path.stat().st_mtime, timezone.utc))
        for unit in read_xliff(self.path):
            self.units += 1
            kept = memory_unit(unit)
            if kept is None:
                self.drafts += 1
                continue
            yield dataclasses.replace(kept, changedate=kept.changedate or saved)


def _relabel(unit: TranslationUnit, src_lang: str | None, tgt_lang: str | None) -> TranslationUnit:
    if src_lang is None and tgt_lang is None:
        return unit
    return dataclasses.replace(unit, source_lang=src_lang or unit.source_lang,
                               target_lang=tgt_lang or unit.target_lang)


def _output_header(inputs: Sequence[Path], src_lang: str | None, tgt_lang: str | None = None,
                   xliff: Sequence[Path] = ()) -> TmxHeader:
    """The header of a memory made from ``inputs`` (and ``xliff`` files): their source language and common signature."""
    headers = [read_tmx_header(p) for p in inputs]
    # The aligner's signature (version, scorers, calibration) still describes every unit when all
    # inputs share it; when they differ, no single one would be true of the result.
    signatures = {dict(h.props).get(PROP_SIGNATURE) for h in headers}
    sig = signatures.pop() if len(signatures) == 1 else None
    props = ((PROP_SIGNATURE, sig),) if sig else ()
    if src_lang:
        return TmxHeader(srclang=canonical_lang(src_lang), props=props)
    if not headers:
        from bilingual_pr.formats.xliff import xliff_languages

        return TmxHeader(srclang=canonical_lang(xliff_languages(xliff[0])[0]))
    srclang = headers[0].srclang
    if srclang and srclang != "*all*" and is_language_tag(srclang.replace("_", "-")):
        return TmxHeader(srclang=canonical_lang(srclang), props=props)
    for unit in TmxReader(inputs[0], None, tgt_lang):  # no usable srclang: the first unit's
        return TmxHeader(srclang=canonical_lang(unit.source_lang), props=props)
    return TmxHeader(props=props)


def _source_of_line(line: str) -> str:
    """The source text of a ``<tu>`` line this module wrote (its first ``<tuv>``)."""
    tu_el = parse_xml_bytes(line.encode("utf-8"), "<merge spool>").getroot()
    seg = tu_el.find("tuv/seg")
    return seg_text(seg) if seg is not None else ""


def merge_tmx(inputs: Sequence[str | Path], output: str | Path, *, src_lang: str | None = None,
              tgt_lang: str | None = None, progress: Progress | None = None,
              max_examples: int = 10, jobs: int = 1, formats: Sequence[str] | None = None) -> MergeReport:
    """Merge TMX files: one TU per identical pair (the newest), conflicting targets kept, newest last.

    ``formats`` names each input's format (``formats.factory.input_format``): an ``xliff`` input
    is a post-edited draft, of which the segments a person translated, checked or edited are
    merged (``formats.postedit``), with whether they were edited.
    """
    paths = [Path(p) for p in inputs]
    if not paths:
        raise UserError("merge needs at least one input file")
    kinds = list(formats) if formats is not None else ["tmx"] * len(paths)
    xliff = [p for p, k in zip(paths, kinds, strict=True) if k == "xliff"]
    header = _output_header([p for p in paths if p not in xliff], src_lang, tgt_lang, xliff)
    out = Path(output)
    folder = out.parent if str(out.parent) else Path(".")
    # One XML pass: every unit is formatted once into a spool (one line per <tu>), and only its
    # keys and date are kept in memory (24 bytes a unit); the winners are then copied from the spool.
    pairs, sources, dates = array("q"), array("q"), array("q")
    skipped = read = drafts = 0
    with TmxWriter(out, header, allow_context_props=True) as writer, \
            tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n", dir=folder if folder.is_dir() else None,
                                   prefix=".merge-", suffix=".spool") as spool:
        lines: list[str] = []
        for path in paths:
            reader: TmxReader | _PostEdited = (_PostEdited(path) if path in xliff else
                                               TmxReader(path, src_lang, tgt_lang, progress=progress, jobs=jobs))
            for unit in reader:
                unit = _relabel(unit, src_lang, tgt_lang)
                line = writer.format_unit(unit)
                if line is None:
                    continue
                lines.append(line)
                if len(lines) >= 2000:
                    spool.write("".join(lines))
                    lines.clear()
                pair, source = pair_keys(unit.source_lang, unit.target_lang, unit.source, unit.target)
                pairs.append(pair)
                sources.append(source)
                dates.append(_epoch(unit))
            skipped += reader.skipped
            read += reader.units
            drafts += reader.drafts if isinstance(reader, _PostEdited) else 0
        spool.write("".join(lines))
        n = len(pairs)
        actions, n_conflicts, kept = _merge_actions(pairs, sources, dates)
        examples: list[str] = []
        for wanted in (1, 2):
            if wanted == 2 and 2 not in actions:
                break
            spool.seek(0)
            for code, line in zip(actions, spool):
                if code == wanted or (wanted == 1 and code == 3):
                    writer.write_line(line)
                    if code == 3 and len(examples) < max_examples:
                        text = _source_of_line(line)
                        if text not in examples:
                            examples.append(text)
    return MergeReport(read=read, written=writer.written, duplicates=n - kept,
                       conflicting_sources=n_conflicts, conflict_examples=tuple(examples), skipped=skipped,
                       skipped_empty=writer.skipped_empty, removed_chars=writer.removed_chars,
                       drafts_left_out=drafts)


@dataclass(frozen=True, slots=True)
class FilterReport:
    """What ``tmx filter`` kept and dropped."""

    read: int
    kept: int
    below: int
    unscored: int
    skipped: int


def filter_tmx(path: str | Path, output: str | Path, *, min_confidence: float, keep_unscored: bool = False,
               src_lang: str | None = None, tgt_lang: str | None = None,
               progress: Progress | None = None, jobs: int = 1) -> FilterReport:
    """Copy the units whose ``x-confidence`` is at least ``min_confidence`` into a new TMX file."""
    reader = TmxReader(path, src_lang, tgt_lang, progress=progress, jobs=jobs)
    below = unscored = 0
    with TmxWriter(output, _output_header([Path(path)], src_lang), allow_context_props=True) as writer:
        for unit in reader:
            conf = unit.confidence
            if conf is None:
                unscored += 1
                if not keep_unscored:
                    continue
            elif conf < min_confidence:
                below += 1
                continue
            writer.write(_relabel(unit, src_lang, tgt_lang))
    return FilterReport(read=reader.units, kept=writer.written, below=below, unscored=unscored,
                        skipped=reader.skipped + writer.skipped_empty)


EXPORT_FORMATS = ("tsv", "csv", "json")
EXPORT_FIELDS = ("tuid", "source_lang", "target_lang", "source", "target", "confidence", "bead",
                 "needs_review", "source_doc", "creationdate", "changedate", "creationid", "props", "notes")


def _export_row(unit: TranslationUnit) -> dict[str, object]:
    return {
        "tuid": unit.tuid, "source_lang": unit.source_lang, "target_lang": unit.target_lang,
        "source": unit.source, "target": unit.target, "confidence": unit.confidence,
        "bead": unit.prop(PROP_BEAD), "needs_review": unit.needs_review,
        "source_doc": unit.prop(PROP_SOURCE_DOC), "creationdate": unit.creationdate,
        "changedate": unit.changedate, "creationid": unit.creationid,
        "props": [list(p) for p in unit.props], "notes": list(unit.notes),
    }


def export_units(units: Iterable[TranslationUnit], fh: IO[str], fmt: str, spreadsheet: bool = False) -> int:
    """Write units as TSV/CSV (quoted where needed, props/notes as JSON) or a JSON array; return the count.

    With ``spreadsheet``, TSV/CSV text cells a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@`` first) get a leading apostrophe: safe to open, no
    longer byte-exact.
    """
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    if spreadsheet and fmt == "json":
        raise UserError("spreadsheet-safe cells apply to tsv and csv exports, not json")
    count = 0
    if fmt == "json":
        fh.write("[")
        for unit in units:
            fh.write(",\n" if count else "\n")
            fh.write(json.dumps(_export_row(unit), ensure_ascii=False))
            count += 1
        fh.write("\n]\n" if count else "]\n")
        return count
    writer = csv.writer(fh, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(EXPORT_FIELDS)
    for unit in units:
        row = _export_row(unit)
        row["props"] = json.dumps(row["props"], ensure_ascii=False) if unit.props else ""
        row["notes"] = json.dumps(row["notes"], ensure_ascii=False) if unit.notes else ""
        row["needs_review"] = "yes" if unit.needs_review else ""
        cells = ["" if row[f] is None else row[f] for f in EXPORT_FIELDS]
        if spreadsheet:
            cells = [text_cell(c) if isinstance(c, str) else c for c in cells]
        writer.writerow(cells)
        count += 1
    return count
