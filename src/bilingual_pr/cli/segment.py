"""``bilingual-pr segment``: one sentence per line, block by block."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from bilingual_pr.cli.common import format_option, lang_option, load_document, strict_option
from bilingual_pr.fileio import atomic_output, refuse_overwriting_inputs

_LINE_BREAKS = re.compile(r"[\n\r\u2028\u2029]+")


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@lang_option()
@strict_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout.")
@click.option("--srx", "srx_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Segmentation rules from an SRX 2.0 file (OmegaT, Okapi, Trados) instead of the built-in ones.")
@format_option(["text", "json"], "text",
               "text: one sentence per line; json: sentences with block index and character offsets.")
def segment(file: Path, lang: str, strict: bool, output: Path | None, srx_path: Path | None, fmt: str) -> None:
    """Split FILE (text, HTML or .docx) into sentences, one per line.

    Headings, paragraphs and list items are segmented separately, so a
    heading never merges with the paragraph after it.
    """
    from bilingual_pr.segment import load_srx, segment_document

    rules = load_srx(srx_path) if srx_path is not None else None
    doc = load_document(file, lang, strict)
    sentences = segment_document(doc, lang, rules)
    if fmt == "json":
        payload = {
            "file": doc.path, "lang": lang, "rules": str(srx_path) if srx_path else "built-in",
            "sentences": [{"block": s.block, "start": s.start, "end": s.end, "text": s.text} for s in sentences],
        }
        out = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    else:
        # A sentence of a hard-wrapped paragraph keeps its line breaks in the data, not on screen.
        out = "".join(_LINE_BREAKS.sub(" ", s.text) + "\n" for s in sentences)
    if output is None:
        click.echo(out, nl=False)
    else:
        refuse_overwriting_inputs(output, [file] + ([srx_path] if srx_path else []))
        with atomic_output(output) as fh:
            fh.write(out)
