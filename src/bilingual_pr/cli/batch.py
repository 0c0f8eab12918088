"""``bilingual-pr batch``: align and check many release pairs in parallel, resumably."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from bilingual_pr.cli import fail, warn
from bilingual_pr.cli.common import glossary_option, jobs_option
from bilingual_pr.pipeline import DEFAULT_MIN_CONFIDENCE


@click.command()
@click.argument("source", type=click.Path(path_type=Path), metavar="DIR|MANIFEST.csv")
@click.option("-o", "--output-dir", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the per-release outputs (OUTDIR/<name>/), merged.tmx and summary.csv.")
@jobs_option("Worker processes, one release pair at a time each.")
@glossary_option("Glossary (TBX/CSV/TSV). Default: the bundled UNOG-CERN glossary ($BILINGUAL_PR_GLOSSARY).")
@click.option("--no-glossary", is_flag=True, help="No glossary (no terminology check).")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=DEFAULT_MIN_CONFIDENCE, show_default=True,
              help="Pairs below go to <name>.review.tmx and stay out of merged.tmx.")
@click.option("--html/--no-html", default=True, show_default=True, help="Also write each release's HTML QA report.")
@click.option("--embeddings/--no-embeddings", default=False, show_default=True,
              help="Use multilingual-e5 sentence embeddings (slower: several times the work per pair).")
@click.option("--force", is_flag=True, help="Redo every pair, even those whose outputs are up to date.")
@click.option("--strict", is_flag=True, help="Fail a pair (instead of warning) when a file is not in its language.")
@click.option("--swap-ok", is_flag=True,
              help="When a pair's French file is in English and its English one in French, swap them and go on "
                   "(default: that pair fails).")
def batch(source: Path, out_dir: Path, jobs: int, glossary: Path | None, no_glossary: bool,
          min_confidence: float, html: bool, embeddings: bool, force: bool, strict: bool = False,
          swap_ok: bool = False) -> None:
    """Align and check every French/English release pair in DIR, or in a CSV manifest (fr,en[,name]).

    Files pair by document symbol (DG11/005F with DG11/005E, in the file
    name or at the top of the text) or by name (x.fr.txt with x.en.txt).
    Pairs whose outputs are newer than their inputs and the glossary are
    skipped (--force redoes them). A pair that fails (unreadable, files
    that look swapped, two documents that are not translations of each
    other) is listed at the end with the reason, stays out of merged.tmx,
    and the exit status is 1; the other pairs are still done.
    """
    from bilingual_pr.batch import BatchOptions, run_batch, up_to_date
    from bilingual_pr.pairing import load_pairs
    from bilingual_pr.errors import UserError

    if glossary is not None and no_glossary:
        raise click.UsageError("--glossary and --no-glossary exclude each other")
    if glossary is None and not no_glossary:
        from bilingual_pr.glossary.files import default_glossary_path

        glossary = default_glossary_path()
    if glossary is not None and not glossary.is_file():
        raise UserError(f"{glossary}: no such file")
    pairing = load_pairs(source, exclude=[out_dir])
    for u in pairing.unpaired:
        warn(f"{u.path}: not paired: {u.reason}")
    if not pairing.pairs:
        raise UserError(f"{source}: no French/English pair found")
    options = BatchOptions(out_dir, glossary, min_confidence, html, embeddings, force, strict, swap_ok)
    with contextlib.ExitStack() as stack:
        progress = None
        if sys.stderr.isatty():
            bar = stack.enter_context(click.progressbar(length=len(pairing.pairs), label="releases", file=sys.stderr))
            progress = bar.update
        try:
            result = run_batch(pairing, options, jobs, progress,
                               inputs=[source] if source.is_file() else [])
        except KeyboardInterrupt:
            stack.close()  # end the progress bar's line first
            # Done: the pairs a rerun skips (stamp written after the outputs, newer than the inputs).
            done = sum(up_to_date(pair, options) is not None for pair in pairing.pairs)
            fail(f"interrupted: {done} of {len(pairing.pairs)} pairs done; rerun the same command"
                 + (" without --force" if force else "") + " to resume (the pairs done are skipped)", 130)
    c = result.counts
    from bilingual_pr.timing import log_totals

    log_totals(*result.stage_totals())
    quiet = click.get_current_context().find_root().params.get("quiet")
    if not quiet:
        rate = c["done"] / result.processed_s if c["done"] and result.processed_s > 0 else 0.0
        click.echo(f"{len(result.outcomes)} pairs: {c['done']} aligned and checked"
                   + (f" ({rate:.1f} pairs/s)" if rate else "")
                   + f", {c['skipped']} up to date, {c['failed']} failed")
        stats = [o.stats for o in result.outcomes if o.stats is not None]
        if stats:
            from bilingual_pr.pipeline import bead_counts

            click.echo("beads: " + bead_counts(sum(s.in_memory for s in stats), sum(s.needs_review for s in stats),
                                               sum(s.no_counterpart for s in stats), min_confidence))
        if result.merged is not None:
            click.echo(f"merged memory: {result.merged} ({result.merged_units} units)")
        click.echo(f"summary: {result.summary}")
    for o in result.outcomes:
        for message in o.warnings:
            warn(f"{o.pair.name}: {message}")
    for o in result.failed:
        click.secho(f"bilingual-pr: failed: {o.pair.name} ({o.pair.fr}, {o.pair.en}): {o.error}", fg="red", err=True)
    if result.failed:
        sys.exit(1)
