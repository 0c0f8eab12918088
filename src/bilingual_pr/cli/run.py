"""``bilingual-pr run``: the whole workflow on one release pair (the bundled example when none is given)."""

from __future__ import annotations

from pathlib import Path

import click

from bilingual_pr.cli import warn
from bilingual_pr.cli.common import glossary_option
from bilingual_pr.pipeline import DEFAULT_MIN_CONFIDENCE


def _summary_lines(result, min_confidence: float) -> list[str]:
    from bilingual_pr.pipeline import bead_counts

    s, eff = result.stats, result.effort
    lines = [f"{result.name}: {s.fr_sentences} French and {s.en_sentences} English sentences, {s.pairs} beads, "
             f"mean confidence {s.mean_confidence:.2f}: "
             + bead_counts(s.in_memory, s.needs_review, s.no_counterpart, min_confidence),
             f"QA findings: {s.qa_errors} errors, {s.qa_warnings} warnings, {s.qa_info} info"]
    origins = ", ".join(f"{n} {o}" for o, n in result.draft_origins if n and o != "glossary-flagged")
    flagged = dict(result.draft_origins).get("glossary-flagged", 0)
    lines.append(f"draft: {origins or 'nothing'}" + (f"; {flagged} flagged by the glossary" if flagged else "")
                 + (f" (MT: {result.mt_engine})" if result.mt_engine else ""))
    if eff is not None:
        lines.append(f"post-editing effort over {eff.compared} confident pairs: mean edit distance "
                     f"{eff.mean_edit_distance:.2f} (characters) / {eff.mean_word_edit_distance:.2f} (words), "
                     f"{eff.no_edit_share:.0%} need no edit, glossary terms of the official English in the draft "
                     f"{eff.terms_in_draft}/{eff.terms_in_official}")
    else:
        lines.append(f"post-editing effort: not estimated: {result.effort_not_estimated}")
    lines.append("written: " + ", ".join(str(p) for p in result.outputs))
    return lines


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False), metavar="[FR EN]")
@click.option("-o", "--output-dir", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for every output. Left out: TMX files under tmx/, the rest under out/.")
@click.option("--tmx-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for <name>.tmx and <name>.review.tmx (default: the -o folder, else tmx/).")
@glossary_option("Glossary (TBX/CSV/TSV). Default: the bundled UNOG-CERN glossary ($BILINGUAL_PR_GLOSSARY).")
@click.option("--no-glossary", is_flag=True, help="Run without any glossary (no terminology check).")
@click.option("--tm", "tm_paths", multiple=True, metavar="TM",
              help="Translation memory (TMX, XLIFF or TSV of pairs, or a memory database: an SQLite file or a "
                   "postgresql:// URL) looked up before machine translation; repeat for several.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=DEFAULT_MIN_CONFIDENCE, show_default=True,
              help="Pairs below go to <name>.review.tmx, not to <name>.tmx.")
@click.option("--mt/--no-mt", "use_mt", default=True, show_default=True,
              help="Machine-translate what the memory does not cover (needs an installed Argos model).")
@click.option("--embeddings/--no-embeddings", default=None,
              help="Use multilingual-e5 sentence embeddings to align (default: as the align command).")
@click.option("--review", "review_page", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the alignment review page (self-contained HTML) here.")
@click.option("--name", help="Name of the outputs (default: the document symbol, e.g. DG26-014, else the stem).")
@click.option("--strict", is_flag=True, help="Fail (instead of warning) when a file is not in the language given.")
@click.option("--swap-ok", is_flag=True,
              help="When the French file is in English and the English one in French, swap them and go on "
                   "(default: fail).")
@click.option("--force", is_flag=True,
              help="Align two documents that do not look like translations of each other anyway; every pair then "
                   "goes to <name>.review.tmx.")
def run(files: tuple[Path, ...], out_dir: Path | None, tmx_dir: Path | None, glossary: Path | None,
        no_glossary: bool, tm_paths: tuple[str, ...], min_confidence: float, use_mt: bool,
        embeddings: bool | None, review_page: Path | None, name: str | None, strict: bool,
        swap_ok: bool = False, force: bool = False) -> None:
    """Run the whole workflow on FR and EN (default: the bundled example pair).

    Aligns the two versions, writes <name>.tmx (pairs at or above
    --min-confidence) and <name>.review.tmx (below), checks terminology
    (<name>.qa.html, <name>.qa.json), drafts the French with memory, MT and
    glossary (<name>.draft.xlf), compares the draft with the official
    English (post-editing effort) and prints a summary (<name>.run.json).
    """
    from bilingual_pr.pipeline import RunOptions, locate_example, run_release

    if len(files) == 1 or len(files) > 2:
        raise click.UsageError("give both files (French, then English), or none for the bundled example")
    fr_path, en_path = files if files else locate_example()
    if glossary is not None and no_glossary:
        raise click.UsageError("--glossary and --no-glossary exclude each other")
    if glossary is None and not no_glossary:
        from bilingual_pr.glossary.files import default_glossary_path

        glossary = default_glossary_path()
    options = RunOptions(out_dir=out_dir or Path("out"), tmx_dir=tmx_dir or out_dir or Path("tmx"),
                         glossary=glossary, tm_paths=tuple(tm_paths), min_confidence=min_confidence,
                         embeddings=embeddings, use_mt=use_mt, review_page=review_page, name=name, strict=strict,
                         swap_ok=swap_ok, force=force)
    from bilingual_pr.cli import fail
    from bilingual_pr.pipeline import RUN_STAGES

    current = [RUN_STAGES[0]]
    try:
        result = run_release(fr_path, en_path, options, on_stage=lambda name: current.__setitem__(0, name))
    except KeyboardInterrupt:
        # Every output is renamed into place whole (atomic_output): say so, and where it stopped.
        step = RUN_STAGES.index(current[0]) + 1
        fail(f"interrupted while {current[0]} (stage {step} of {len(RUN_STAGES)}); no output is half-written; "
             "rerun the same command to run it again", 130)
    for message in result.warnings:
        warn(message)
    if result.missing_model and use_mt:
        warn("no fr->en translation model installed: the draft has memory matches only; install one offline "
             "with `bilingual-pr models install translate-fr_en-….argosmodel` (see docs/translation.md)")
    if click.get_current_context().find_root().params.get("quiet"):
        return
    for line in _summary_lines(result, min_confidence):
        click.echo(line)
