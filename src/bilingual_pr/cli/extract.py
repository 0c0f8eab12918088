"""``bilingual-pr extract``: show the text blocks a reader finds in a file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bilingual_pr.cli.common import format_option, lang_option, load_document, strict_option
from bilingual_pr.fileio import atomic_output, refuse_overwriting_inputs


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@lang_option()
@strict_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout.")
@format_option(["text", "json"], "text", "text: blocks separated by blank lines; json: blocks with kind and offsets.")
def extract(file: Path, lang: str, strict: bool, output: Path | None, fmt: str) -> None:
    """Read FILE (text, HTML or .docx) and print its text blocks.

    Site chrome such as menus and "Skip to main content" is dropped from HTML
    pages; headings, paragraphs and table cells stay separate blocks.
    """
    doc = load_document(file, lang, strict)
    if fmt == "json":
        payload = {
            "file": doc.path, "format": doc.format, "encoding": doc.encoding, "lang": doc.lang,
            "blocks": [{"kind": b.kind, "start": b.start, "end": b.end, "text": b.text} for b in doc.blocks],
        }
        out = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    else:
        out = "\n\n".join(doc.block_texts) + "\n"
    if output is None:
        click.echo(out, nl=False)
    else:
        refuse_overwriting_inputs(output, [file])
        with atomic_output(output) as fh:
            fh.write(out)
