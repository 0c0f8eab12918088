"""Option helpers shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

from bilingual_pr.cli import warn
from bilingual_pr.documents import Document, read_document
from bilingual_pr.errors import UserError
from bilingual_pr.language import language_warning, parse_language

LANG_CHOICE = click.Choice(["fr", "en"], case_sensitive=False)


def lang_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: fr/en with an optional region (fr-CH) -> the base code."""
    if value is None:
        return None
    try:
        return parse_language(value)
    except UserError as err:
        raise click.BadParameter(str(err)) from None


def lang_option(name: str = "--lang", required: bool = True, help: str = "Language of the file.") -> callable:
    """A --lang option that accepts fr/en with an optional region (fr-CH)."""
    return click.option(name, required=required, callback=lang_callback, metavar="fr|en", help=help)


strict_option = click.option(
    "--strict", is_flag=True, help="Fail (instead of warning) when a file is not in the language given."
)


def load_document(path: str | Path, lang: str, strict: bool = False) -> Document:
    """Read a document and check that it is in the language the user said."""
    doc = read_document(path, lang=lang)
    msg = language_warning(doc.text, str(path), lang, strict)
    if msg:
        warn(msg)
    return doc
