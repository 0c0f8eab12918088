"""``bilingual-pr tmx``: validate, inspect, merge, export and filter TMX 1.4b memories."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
from pathlib import Path
from typing import Iterator

import click

from bilingual_pr.cli import warn
from bilingual_pr.cli.common import format_option, language_option
from bilingual_pr.cli.common import jobs_option as common_jobs_option
from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output, refuse_overwriting_inputs
from bilingual_pr.formats.tmx import (
    EXPORT_FORMATS,
    TmxReader,
    export_units,
    filter_tmx,
    merge_tmx,
    tmx_stats,
    validate_tmx,
)

FILE = click.Path(path_type=Path, dir_okay=False)


src_lang_option = language_option("source", kind="tag", dest="src_lang",
                                  help="Source language (BCP 47, e.g. fr-FR; fr, FR-fr, fr_FR in the file match). "
                                       "Default: the file's srclang.")
jobs_option = common_jobs_option("Processes that read a large memory (8 MB and more) together.")

tgt_lang_option = language_option("target", kind="tag", dest="tgt_lang",
                                  help="Target language (e.g. en-GB). Default: the other <tuv> of each unit.")


@contextlib.contextmanager
def _progress(paths: list[Path], label: str) -> Iterator:
    """A byte-counting progress bar on a terminal; None (silent) when stderr is piped."""
    total = 0
    for p in paths:
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    if not sys.stderr.isatty() or total <= 0:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _report_skips(count: int, what: str) -> None:
    if count:
        warn(f"{count} {what}")


@click.group()
def tmx() -> None:
    """Check, inspect, merge, export and filter TMX 1.4b translation memories."""


@tmx.command()
@click.argument("file", type=FILE)
@click.option("--max-problems", type=click.IntRange(1), default=200, show_default=True,
              help="Stop listing problems after this many (they are still counted).")
def validate(file: Path, max_problems: int) -> None:
    """Check FILE against TMX 1.4b: well-formedness, structure, attributes, language tags, dates.

    Prints one problem per line (FILE:LINE: error|warning: message) and exits
    with 1 when there is an error; warnings (interop risks such as blank
    segments) do not make the file invalid.
    """
    result = validate_tmx(file, max_problems=max_problems)
    for problem in result.problems:
        click.echo(problem.format(str(file)))
    hidden = result.errors + result.warnings - len(result.problems)
    if hidden > 0:
        click.echo(f"{file}: ... {hidden} more problems not listed")
    verdict = "valid" if result.valid else "INVALID"
    click.echo(f"{file}: {verdict} TMX 1.4 ({result.units} units, {result.errors} errors, "
               f"{result.warnings} warnings)", err=True)
    if not result.valid:
        sys.exit(1)


@tmx.command()
@click.argument("file", type=FILE)
@src_lang_option
@tgt_lang_option
@format_option(["text", "json"], "text", "text: the figures and a histogram; json: an object.")
@jobs_option
def stats(file: Path, src_lang: str | None, tgt_lang: str | None, fmt: str, jobs: int) -> None:
    """Count units, languages, duplicates and conflicts, and show the confidence histogram."""
    with _progress([file], "Reading") as progress:
        result = tmx_stats(file, src_lang, tgt_lang, progress=progress, jobs=jobs)
    if fmt == "json":
        payload = dataclasses.asdict(result)
        payload["languages"] = dict(result.languages)
        payload["beads"] = dict(result.beads)
        payload["histogram"] = {f"{i / 10:.1f}-{(i + 1) / 10:.1f}": n for i, n in enumerate(result.histogram)}
        click.echo(json.dumps({"file": str(file), **payload}, ensure_ascii=False, indent=2))
        return
    lines = [
        f"file: {file}",
        f"units: {result.units}" + (f" (+{result.skipped} unreadable TUs skipped)" if result.skipped else ""),
        f"source language: {result.srclang or '(none)'}",
        "languages (<tuv> count): " + (", ".join(f"{k or '(none)'} {v}" for k, v in result.languages) or "-"),
        f"unique pairs: {result.unique_pairs}",
        f"duplicate units (same source and target): {result.duplicates}",
        f"sources with conflicting targets: {result.conflicting_sources}",
        f"empty targets: {result.empty_targets}",
        f"needs review: {result.needs_review}",
        f"source documents: {result.documents}",
        "beads: " + (", ".join(f"{k} {v}" for k, v in result.beads) or "-"),
        f"confidence ({result.scored} scored, {result.units - result.scored} without x-confidence):",
    ]
    top = max(result.histogram) or 1
    for i, count in enumerate(result.histogram):
        bar = "#" * round(40 * count / top)
        lines.append(f"  {i / 10:.1f}-{(i + 1) / 10:.1f} {count:>9} {bar}")
    click.echo("\n".join(lines))


@tmx.command()
@click.argument("inputs", nargs=-1, required=True, type=FILE)
@click.option("-o", "--output", required=True, type=FILE, help="Merged memory (written atomically).")
@src_lang_option
@tgt_lang_option
@jobs_option
def merge(inputs: tuple[Path, ...], output: Path, src_lang: str | None, tgt_lang: str | None,
          jobs: int) -> None:
    """Merge TMX files (and post-edited draft XLIFF) into one, keeping one unit per identical pair (the newest).

    Sources with different targets are all kept and reported; the newest
    comes last, as OmegaT lets the last one win. From an XLIFF draft (1.2 or 2.x)
    come the segments a person translated, checked or edited, with x-edited and
    x-edit-distance. With --source-lang/--target-lang every unit is relabelled with these tags.
    """
    from bilingual_pr.formats.factory import input_format

    refuse_overwriting_inputs(output, inputs)
    formats = [input_format(p) for p in inputs]
    other = next((p for p, f in zip(inputs, formats) if f not in ("tmx", "xliff")), None)
    if other is not None:
        raise UserError(f"{other}: not a TMX or XLIFF file")
    with _progress(list(inputs), "Merging") as progress:
        report = merge_tmx(inputs, output, src_lang=src_lang, tgt_lang=tgt_lang, progress=progress,
                           jobs=jobs, formats=formats)
    _report_skips(report.skipped, "unreadable TUs skipped (no source or target <tuv>)")
    _report_skips(report.skipped_empty, "units with an empty source or target left out")
    _report_skips(report.drafts_left_out, "XLIFF segments nobody translated, checked or edited left out (drafts)")
    if report.conflicting_sources:
        shown = "; ".join(repr(s[:60]) for s in report.conflict_examples[:5])
        warn(f"{report.conflicting_sources} sources have conflicting targets (all kept, newest last): {shown}")
    click.echo(f"{output}: {report.written} units from {report.read} in {len(inputs)} files "
               f"({report.duplicates} duplicates removed)", err=True)


@tmx.command()
@click.argument("file", type=FILE)
@format_option(EXPORT_FORMATS, "tsv", "tsv/csv: one row per unit, quoted where needed, props and notes as JSON; "
               "json: an array.")
@click.option("-o", "--output", type=FILE, help="Write here instead of stdout.")
@click.option("--spreadsheet", is_flag=True,
              help="tsv/csv: prefix ' to cells a spreadsheet would run as formulas (=, +, -, @); not byte-exact.")
@src_lang_option
@tgt_lang_option
@jobs_option
def export(file: Path, fmt: str, output: Path | None, spreadsheet: bool, src_lang: str | None,
           tgt_lang: str | None, jobs: int) -> None:
    """Export the units of FILE as TSV, CSV or JSON."""
    with _progress([file], "Exporting") as progress:
        reader = TmxReader(file, src_lang, tgt_lang, progress=progress, jobs=jobs)
        if output is None:
            count = export_units(reader, sys.stdout, fmt, spreadsheet)
        else:
            refuse_overwriting_inputs(output, [file])
            with atomic_output(output, "w", newline="") as fh:
                count = export_units(reader, fh, fmt, spreadsheet)
    _report_skips(reader.skipped, "unreadable TUs skipped (no source or target <tuv>)")
    if output is not None:
        click.echo(f"{output}: {count} units", err=True)


@tmx.command(name="filter")
@click.argument("file", type=FILE)
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), required=True,
              help="Keep units whose x-confidence is at least this (0-1).")
@click.option("--keep-unscored", is_flag=True, help="Also keep units without x-confidence.")
@click.option("-o", "--output", required=True, type=FILE, help="Filtered memory (written atomically).")
@src_lang_option
@tgt_lang_option
@jobs_option
def filter_(file: Path, min_confidence: float, keep_unscored: bool, output: Path, src_lang: str | None,
            tgt_lang: str | None, jobs: int) -> None:
    """Keep the units of FILE whose alignment confidence reaches --min-confidence."""
    refuse_overwriting_inputs(output, [file])
    with _progress([file], "Filtering") as progress:
        report = filter_tmx(file, output, min_confidence=min_confidence, keep_unscored=keep_unscored,
                            src_lang=src_lang, tgt_lang=tgt_lang, progress=progress, jobs=jobs)
    _report_skips(report.skipped, "unreadable or empty units skipped")
    click.echo(f"{output}: kept {report.kept} of {report.read} units ({report.below} below {min_confidence}, "
               f"{report.unscored} without x-confidence{' kept' if keep_unscored else ''})", err=True)
