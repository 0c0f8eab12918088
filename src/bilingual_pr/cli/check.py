"""``bilingual-pr check``: terminology and quality checks with HTML, CSV and JSON reports."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from bilingual_pr.cli.common import glossary_option, jobs_option, language_option
from bilingual_pr.errors import UserError

_REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}


def _families(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    from bilingual_pr.qa.families import names as registered

    names = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [n for n in names if n not in registered()]
    if bad:
        raise click.BadParameter(f"unknown check family {bad[0]!r}; use {', '.join(registered())}")
    return names


class _FamiliesOption(click.Option):
    """``--checks``: its help lists the registered families (read only when help is shown: the checks are heavy)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from bilingual_pr.qa.families import names

        self.help = f"Only these check families, comma-separated: {', '.join(names())}."
        return super().get_help_record(ctx)


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False),
                metavar="INPUT [EN_DOC]")
@glossary_option("Glossary (TBX, CSV/TSV); without it the terminology checks are skipped.")
@click.option("-r", "--report", "reports", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Write a report: .html (reviewers), .csv (Excel), .json (CI). Repeatable.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error",
              show_default=True, help="Exit 1 when a finding has at least this severity.")
@click.option("--profile", type=click.Choice(["fr-FR", "fr-CH", "off"], case_sensitive=False), metavar="fr-FR|fr-CH|off",
              help="French typography profile (default: the glossary's typography.fr property, else fr-FR).")
@click.option("--checks", "families", cls=_FamiliesOption, callback=_families, metavar="LIST")
@language_option("source", help="Source language (TMX: which <tuv>; TSV: first column; documents: fr by default).")
@language_option("target", help="Target language (TMX/TSV).")
@jobs_option("Worker processes for the per-unit checks (large memories: the number of cores).")
@click.option("--annotate", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a copy of the TMX/XLIFF input with the findings as <prop type=\"x-qa\"> / <note>.")
@click.option("--ignore", "ignore_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Skip the findings accepted in this ignore file (saved from the HTML report).")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A rule pack (TOML): your own regex checks on source and/or target.")
@click.option("--fix", "fix_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a copy of the TMX/XLIFF/TSV input with French spacing and doubled spaces corrected "
                   "(only those), and list each change.")
def check(inputs: tuple[Path, ...], glossary: Path | None, reports: tuple[Path, ...], fail_on: str,
          profile: str | None, families: tuple[str, ...] | None, source_lang: str | None,
          target_lang: str | None, jobs: int, annotate: Path | None, ignore_file: Path | None,
          rules_file: Path | None, fix_out: Path | None) -> None:
    """Check a TMX, an XLIFF (1.2/2.x), a TSV of pairs, or a French and an English document.

    Two documents (French first, then English) are segmented and aligned
    before checking. Findings go to the reports given with --report, or
    are listed on standard output. Exit status: 0 nothing at or above
    --fail-on, 1 findings, 2 usage or input error.
    """
    from bilingual_pr.fileio import atomic_output, refuse_overwriting_inputs
    from bilingual_pr.qa.inputs import open_input
    from bilingual_pr.qa.runner import resolve_profile, run_checks, should_fail

    if len(inputs) > 2:
        raise click.UsageError("give one TMX/XLIFF/TSV file, or two documents (French then English)")
    paths = list(inputs) + [p for p in (glossary, ignore_file, rules_file) if p is not None]
    outputs = list(reports) + [p for p in (annotate, fix_out) if p is not None]
    kinds = []
    for out in reports:
        kind = _REPORT_SUFFIXES.get(out.suffix.lower())
        if kind is None:
            raise UserError(f"{out}: report must end in .html, .csv or .json")
        kinds.append(kind)
    for out in outputs:
        refuse_overwriting_inputs(out, paths)
    source = open_input(list(inputs), source_lang, target_lang)
    if annotate is not None and source.kind not in ("tmx", "xliff"):
        raise UserError("--annotate needs a TMX or XLIFF input")
    if fix_out is not None and source.kind not in ("tmx", "xliff", "tsv"):
        raise UserError("--fix needs a TMX, XLIFF or TSV input")
    ignored = None
    if ignore_file is not None:
        from bilingual_pr.qa.ignore import read_ignore

        ignored = read_ignore(ignore_file)
    pack = None
    if rules_file is not None:
        from bilingual_pr.qa.rules import load_rules

        pack = load_rules(rules_file)
    gloss = None
    if glossary is not None:
        from bilingual_pr.glossary import load_glossary

        gloss = load_glossary(glossary, source.source_lang, source.target_lang)
    chosen = resolve_profile(profile, gloss)
    run = functools.partial(run_checks, glossary=gloss, profile=chosen, families=families, input_name=source.name,
                            jobs=jobs, aligned=source.kind == "documents", rules=pack)
    read_progress = source.read_progress
    if sys.stderr.isatty() and read_progress is not None and source.size > 1_000_000:
        with click.progressbar(length=source.size, label="Checking", file=sys.stderr) as bar:
            calls = {"n": 0}

            def read():
                calls["n"] += 1  # only the first pass moves the bar
                return read_progress(bar.update) if calls["n"] == 1 else source.read()

            report = run(read, pieces=source.pieces, piece_progress=bar.update)
    else:
        report = run(source.read, pieces=source.pieces)
    report.tuids = source.kind == "tmx"  # a TMX unit's id is its tuid: findings carry it
    skipped = 0
    if ignored is not None:
        from bilingual_pr.qa.ignore import apply_ignore

        report, skipped = apply_ignore(report, ignored)
    for out, kind in zip(reports, kinds):
        if kind == "html":
            from bilingual_pr.qa.report_html import render_html

            with atomic_output(out, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(render_html(report, carried=ignored, skipped=skipped,
                                     ignore_name=ignore_file.name if ignore_file is not None else ""))
        elif kind == "csv":
            from bilingual_pr.qa.report_csv import render_csv

            with atomic_output(out, "w", encoding="utf-8-sig", newline="") as fh:
                fh.write(render_csv(report))
        else:
            from bilingual_pr.qa.report_json import render_json

            with atomic_output(out, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(render_json(report))
    if annotate is not None:
        from bilingual_pr.qa.annotate import annotate_tmx, annotate_xliff

        if source.kind == "tmx":
            annotate_tmx(Path(source.name), annotate, report, source_lang, target_lang)
        else:
            annotate_xliff(Path(source.name), annotate, report)
    fixed = ""
    if fix_out is not None:
        from bilingual_pr.qa.fix import fix_tmx, fix_tsv, fix_xliff

        fix = {"tmx": fix_tmx, "xliff": fix_xliff, "tsv": fix_tsv}[source.kind]
        changes = fix(Path(source.name), fix_out, source.source_lang, source.target_lang, chosen)
        for change in changes:
            click.echo(f"{source.name}: fixed {change.line()}")
        fixed = f"{len(changes)} correction(s) in {len({c.unit for c in changes})} unit(s) written to {fix_out}"
    by_sev = report.counts_by_severity()
    summary = (f"{report.units} units checked ({report.profile}): {len(report.findings)} findings "
               f"({by_sev['error']} errors, {by_sev['warning']} warnings, {by_sev['info']} info)"
               + (f"; {skipped} accepted finding(s) skipped ({ignore_file})" if ignore_file is not None else ""))
    if not reports:
        for f in report.findings:
            seg = report.segments.get(f.unit)
            where = seg.id if seg and seg.id else f"#{f.unit + 1}"
            click.echo(f"{source.name}:{where}: {f.severity}: [{f.check}] {f.message}")
    ctx = click.get_current_context()
    if not ctx.find_root().params.get("quiet"):
        if fixed:
            click.echo(fixed, err=True)
        click.echo(summary, err=True)
    sys.exit(1 if should_fail(report, fail_on) else 0)
