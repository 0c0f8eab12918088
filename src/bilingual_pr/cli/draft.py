"""``bilingual-pr draft``: draft a translation from memories, then an offline model."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bilingual_pr.cli import warn
from bilingual_pr.cli.common import format_option, glossary_option, language_option, load_document, strict_option
from bilingual_pr.errors import UserError
from bilingual_pr.fileio import refuse_overwriting_inputs
from bilingual_pr.formats.xliff import DEFAULT_XLIFF_VERSION, XLIFF_VERSIONS
from bilingual_pr.language import base_language

if TYPE_CHECKING:
    from bilingual_pr.translate.enforce import Strategy


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@language_option("source", kind="regional", dest="src", help="Language of FILE (required unless --report).")
@language_option("target", kind="regional", dest="tgt", help="Language to draft into (required unless --report).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file: .xlf/.xliff (XLIFF), .txt (plain text) or .tmx (TMX of the drafts); "
                   "required unless --report.")
@click.option("--tm", "tm_paths", multiple=True, metavar="TM",
              help="Translation memory: TMX, XLIFF or TSV of pairs, or a memory database (an SQLite file such as "
                   "tmx/memory.sqlite, or a postgresql:// URL); repeat for several. Looked up before machine translation.")
@glossary_option("Glossary (TBX, CSV/TSV) enforced in machine-translated sentences.", dest="glossary_path")
@click.option("--fuzzy", type=click.IntRange(1, 101), default=75, show_default=True,
              help="Lowest fuzzy-match score (percent) taken from the memory; 101 turns fuzzy matches off.")
@click.option("--mt/--no-mt", "use_mt", default=True, show_default=True,
              help="Machine-translate what the memory does not cover (needs an installed model).")
@click.option("--glossary-strategy", type=click.Choice(["auto", "protect", "repair", "off"]), default="auto",
              show_default=True, help="auto: placeholders for do-not-translate terms, repair for term pairs.")
@click.option("--xliff-version", type=click.Choice(XLIFF_VERSIONS), default=DEFAULT_XLIFF_VERSION, show_default=True,
              help="XLIFF version of a .xlf output (1.2: what OmegaT 3.6 opens; 2.1 for XLIFF 2 tools).")
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True, help="MT beam size.")
@click.option("--batch-size", type=click.IntRange(1, 1024), default=None,
              help="Sentences per model batch.  [default: 16 on CPU, 64 on a GPU]")
@click.option("--max-length", type=click.IntRange(1, 1024), default=256, show_default=True,
              help="Longest MT output, in tokens.")
@click.option("--srx", "srx_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Segmentation rules (SRX 2.0) instead of the built-in ones.")
@strict_option
@click.option("--report", "report", is_flag=True,
              help="FILE is a draft XLIFF (1.2/2.x) back from post-editing: report, segment by segment, whether a "
                   "person translated or edited it and the post-editing distance; nothing is drafted.")
@click.option("--run", "run_json", type=click.Path(path_type=Path, dir_okay=False),
              help="With --report: the <name>.run.json of the run that drafted FILE, its effort estimate shown beside.")
@format_option(("text", "json"), "text", "With --report: text (a line a segment, then the summary) or JSON.")
def draft(file: Path, src: str | None, tgt: str | None, output: Path | None, tm_paths: tuple[str, ...],
          glossary_path: Path | None, fuzzy: int, use_mt: bool, glossary_strategy: Strategy, xliff_version: str,
          beam_size: int, batch_size: int | None, max_length: int, srx_path: Path | None, strict: bool, report: bool,
          run_json: Path | None, fmt: str) -> None:
    """Draft a translation of FILE (text, HTML or .docx), sentence by sentence.

    Each sentence takes, in order: an exact memory match (101 % when the
    neighbouring sentences match too), the best fuzzy match at or above
    --fuzzy, a machine translation from the installed Argos model (all such
    sentences in a few batches), or stays untranslated and flagged. Every
    target records its origin in the output. With --report, FILE is such a draft
    after post-editing (OmegaT or another tool) and the real effort is reported.
    """
    if report:
        _post_edit_report(file, run_json, fmt)
        return
    ctx = click.get_current_context()
    for name, value in (("src", src), ("tgt", tgt), ("output", output)):
        if value is None:
            raise click.MissingParameter(ctx=ctx, param=next(p for p in ctx.command.params if p.name == name))
    assert src is not None and tgt is not None and output is not None
    from bilingual_pr.segment import load_srx, one_line, segment_document
    from bilingual_pr.translate.draft import draft_document, output_format, summarize, write_draft

    (src_lang, src_tag), (tgt_lang, tgt_tag) = (base_language(src), src), (base_language(tgt), tgt)
    if src_lang == tgt_lang:
        raise UserError(f"--source-lang and --target-lang are both {src_lang}: nothing to translate")
    output_format(output)
    inputs: list[str | Path] = [file, *tm_paths, *(p for p in (glossary_path, srx_path) if p is not None)]
    refuse_overwriting_inputs(output, inputs)
    glossary = None
    if glossary_path is not None:
        from bilingual_pr.glossary import load_glossary

        glossary = load_glossary(glossary_path)
    rules = load_srx(srx_path) if srx_path is not None else None
    doc = load_document(file, src_lang, strict)
    sentences = segment_document(doc, src_lang, rules)
    texts = [one_line(s.text) for s in sentences]
    with contextlib.ExitStack() as stack:
        progress = None
        if sys.stderr.isatty() and len(texts) > 50:
            bar = stack.enter_context(click.progressbar(length=len(texts), label="translating", file=sys.stderr))
            done = [0]

            def progress(n: int) -> None:
                bar.update(n - done[0])
                done[0] = n

        result = draft_document(
            texts, src_lang, tgt_lang, blocks=[s.block for s in sentences], tm_paths=tm_paths, glossary=glossary,
            fuzzy=float(fuzzy), use_mt=use_mt, strategy=glossary_strategy, progress=progress,
            engine_options={"beam_size": beam_size, "max_batch_size": batch_size, "max_decoding_length": max_length},
        )
    write_draft(output, result.segments, src_tag, tgt_tag, Path(file).name, xliff_version)
    counts = summarize(result.segments)
    if ctx.find_root().params.get("quiet"):
        return
    if result.missing_model:
        warn(f"no {src_lang}->{tgt_lang} translation model installed: sentences without a memory match are "
             f"left untranslated; install one offline with `bilingual-pr models install "
             f"translate-{src_lang}_{tgt_lang}-….argosmodel` (see docs/translation.md)")
    parts = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    click.echo(f"{output}: {len(result.segments)} sentences ({parts or 'none'})", err=True)
    todo = [f"s{s.index + 1}" for s in result.segments if s.needs_translation]
    if todo:
        shown = " ".join(todo[:30]) + (" …" if len(todo) > 30 else "")
        click.echo(f"need translation: {shown}", err=True)


def _post_edit_report(file: Path, run_json: Path | None, fmt: str) -> None:
    """Print the post-editing record of each segment of a draft back from post-editing, and the summary."""
    import json

    from bilingual_pr.formats.postedit import post_edits
    from bilingual_pr.formats.postedit import summarize as summarize_edits

    from bilingual_pr.formats.factory import input_format

    if input_format(file) != "xliff":
        raise UserError(f"{file}: --report reads a draft XLIFF (.xlf, .xliff) back from post-editing")
    edits = post_edits(file)
    total = summarize_edits(edits)
    estimate = None
    if run_json is not None:
        from bilingual_pr.fileio import read_input_bytes

        try:
            found = json.loads(read_input_bytes(run_json))
        except ValueError:
            found = None
        if not isinstance(found, dict) or "effort" not in found:
            raise UserError(f"{run_json}: not a run.json written by `bilingual-pr run`")
        estimate = found["effort"]
        if estimate is not None and not isinstance(estimate, dict):
            raise UserError(f"{run_json}: its effort is not an estimate written by `bilingual-pr run`")
    if fmt == "json":
        click.echo(json.dumps({"file": str(file), "segments": [dataclasses.asdict(e) for e in edits],
                               "summary": total.as_dict(), "estimate": estimate}, ensure_ascii=False, indent=2))
        return
    for e in edits:
        done = "kept" if not e.edited else "translated (nothing drafted)" if e.draft == "" else "edited"
        what = ("not reviewed (draft left as proposed)" if not e.human else "draft unknown" if e.edited is None
                else f"{done}: distance {e.char_distance:.2f} (characters) / "
                     f"{e.word_distance:.2f} (words)")
        click.echo(f"{e.id or '-'}\t{e.draft_origin or '-'}\t{what}")
    click.echo(f"{file}: {total.segments} segments, {total.human} translated or checked by a person "
               f"({total.edited} edited), {total.not_reviewed} drafts not reviewed; mean post-editing distance "
               f"{total.mean_edit_distance:.2f} (characters) / {total.mean_word_edit_distance:.2f} (words), "
               f"{total.no_edit_share:.0%} kept as drafted")
    if run_json is not None and estimate is None:
        click.echo("run estimate: not estimated")
    elif estimate is not None:
        click.echo(f"run estimate: mean edit distance {estimate.get('mean_edit_distance', 0):.2f} (characters) / "
                   f"{estimate.get('mean_word_edit_distance', 0):.2f} (words), {estimate.get('no_edit_share', 0):.0%} "
                   f"need no edit, over {estimate.get('compared', 0)} confident pairs")
