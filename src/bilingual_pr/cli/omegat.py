"""``bilingual-pr omegat-project``: a ready OmegaT 3.6 project from new documents, memories and a glossary."""

from __future__ import annotations

from pathlib import Path

import click

from bilingual_pr.cli import warn
from bilingual_pr.cli.common import glossary_option, language_option, load_document, strict_option
from bilingual_pr.errors import UserError
from bilingual_pr.language import base_language

FILE = click.Path(path_type=Path, dir_okay=False)


@click.command("omegat-project")
@click.argument("files", nargs=-1, required=True, type=FILE)
@language_option("source", kind="regional", required=True, help="Language of the new documents.")
@language_option("target", kind="regional", required=True, help="Language to translate them into.")
@click.option("--tm", "tm_paths", multiple=True, metavar="TM",
              help="Memory: TMX, XLIFF or TSV/CSV pairs, or a memory database (SQLite file or postgresql:// URL); "
                   "repeat for several. Units are placed by origin (human/confirmed in tm/auto, others penalised).")
@glossary_option("Glossary (TBX, CSV/TSV), written as glossary/glossary.utf8 for OmegaT.")
@click.option("--mt/--no-mt", "use_mt", default=True, show_default=True,
              help="Add the machine translation of the documents as a tm/mt/ memory (when a model is installed).")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="The project folder to create (new, or empty).")
@strict_option
def omegat_project(files: tuple[Path, ...], source_lang: str, target_lang: str, tm_paths: tuple[str, ...],
                   glossary: Path | None, use_mt: bool, out: Path, strict: bool) -> None:
    """Create an OmegaT 3.6 project from FILES: open it in OmegaT and translate.

    source/ holds the documents; tm/auto/ the human and confirmed units (OmegaT inserts their
    exact matches); tm/penalty-NN/ unreviewed aligned units and tm/mt/penalty-NN/ machine
    translation (proposed with NN points off, never inserted); tm/ memories of unknown origin;
    glossary/glossary.utf8 the glossary.
    """
    from bilingual_pr.omegat import mt_drafts, plan_project, read_memories, source_file, write_project

    if base_language(source_lang) == base_language(target_lang):
        raise UserError(f"--source-lang and --target-lang are both {base_language(source_lang)}: nothing to translate")
    documents = [load_document(f, base_language(source_lang), strict) for f in files]
    gloss = None
    if glossary is not None:
        from bilingual_pr.glossary import load_glossary

        gloss = load_glossary(glossary)
    units = read_memories(tm_paths, source_lang, target_lang)
    mt_files: list = []
    engine: str | None = None
    if use_mt:
        mt_files, engine = mt_drafts(documents, source_lang, target_lang, glossary=gloss)
        if engine is None:
            warn(f"no {base_language(source_lang)}->{base_language(target_lang)} translation model installed: "
                 "the project has no MT memory (see docs/translation.md)")
    plan = plan_project([source_file(f) for f in files], source_lang, target_lang, memory_units=units,
                        mt_memories=mt_files, glossary=gloss)
    write_project(plan, out)
    if plan.other_direction:
        warn(f"{plan.other_direction} memory units of another language pair left out")
    for m in plan.memories:
        click.echo(f"{m.path}: {len(m.units)} units ({m.origin})", err=True)
    if plan.glossary is not None:
        click.echo(f"glossary/glossary.utf8: {plan.glossary_entries} entries", err=True)
    click.echo(f"{out}: OmegaT project, {len(plan.sources)} documents"
               + (f", MT by {engine}" if engine else ""), err=True)
