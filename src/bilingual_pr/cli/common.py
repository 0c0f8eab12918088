"""Option helpers shared by several commands: one factory per command-line convention.

The conventions (docs/workflow.md, "Command-line conventions"): ``--lang`` for a
one-language command, ``--source-lang``/``--target-lang`` for a language pair,
``-g/--glossary`` wherever a glossary is taken, ``--format`` wherever the output
has several formats, ``-j/--jobs`` with one default (1), ``-o`` for the output.
Older spellings (``--src-lang``, ``--from``, ``--json``...) stay accepted but
hidden from help: each is another name of the same parameter.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from bilingual_pr.cli import warn
from bilingual_pr.documents import Document, read_document
from bilingual_pr.errors import UserError
from bilingual_pr.language import DEFAULT_REGION, canonical_tag, language_warning, parse_language

#: Hidden older spellings of the language-pair options.
SOURCE_ALIASES = ("--src-lang", "--from")
TARGET_ALIASES = ("--tgt-lang", "--to")

#: The one -j/--jobs default; 0 asks for the number of CPUs.
DEFAULT_JOBS = 1

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class AliasOption(click.Option):
    """An option some of whose names are older spellings: they work, but help shows only the others."""

    def __init__(self, *args: Any, aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = tuple(aliases)

    @contextlib.contextmanager
    def _shown_names(self) -> Iterator[None]:
        opts, self.opts = self.opts, [o for o in self.opts if o not in self.aliases]
        try:
            yield
        finally:
            self.opts = opts

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        with self._shown_names():
            return super().get_help_record(ctx)

    def get_error_hint(self, ctx: click.Context | None) -> str:
        with self._shown_names():
            return super().get_error_hint(ctx)


def _language_value(kind: str, value: str) -> str:
    """A user's language as a command wants it: 'code' (fr), 'regional' (fr-FR, fr-CH kept) or 'tag' (any BCP 47)."""
    if kind == "tag":
        return canonical_tag(value)
    base = parse_language(value)
    if kind == "code":
        return base
    tag = canonical_tag(value)
    # A bare "fr" becomes fr-FR in the outputs, as everywhere else in the tool.
    return tag if "-" in tag else DEFAULT_REGION[base]


def _language_callback(kind: str) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return _language_value(kind, value)
        except UserError as err:
            raise click.BadParameter(str(err)) from None

    return callback


def language_option(role: str = "lang", *, kind: str = "code", required: bool = False, default: str | None = None,
                    help: str = "Language of the file.", aliases: tuple[str, ...] | None = None,
                    dest: str | None = None) -> Decorator:
    """The language option of a convention: role 'lang' (--lang), 'source' (--source-lang) or 'target' (--target-lang).

    ``kind`` says what the command receives (see ``_language_value``); the
    hidden older spellings of --source-lang/--target-lang are accepted unless
    ``aliases`` names fewer. ``dest`` names the command's argument (default: lang, source_lang, target_lang).
    """
    name, default_dest, old = {"lang": ("--lang", "lang", ()), "source": ("--source-lang", "source_lang", SOURCE_ALIASES),
                       "target": ("--target-lang", "target_lang", TARGET_ALIASES)}[role]
    old = old if aliases is None else aliases
    extra = _default(default)
    return click.option(name, *old, dest or default_dest, cls=AliasOption, aliases=old, required=required,
                        callback=_language_callback(kind), metavar="TAG" if kind == "tag" else "fr|en", help=help,
                        **extra)


def _default(value: str | None) -> dict[str, Any]:
    # No default=None passed on: Click 8.5 counts an explicit None as a value and skips the required check.
    return {} if value is None else {"default": value, "show_default": True}


def lang_option(help: str = "Language of the file.") -> Decorator:
    """The required --lang of a one-language command: fr/en with an optional region (fr-CH)."""
    return language_option("lang", required=True, help=help)


def glossary_option(help: str, dest: str = "glossary") -> Decorator:
    """The -g/--glossary option (a TBX, TBX 2008 or CSV/TSV file)."""
    return click.option("-g", "--glossary", dest, type=click.Path(path_type=Path, dir_okay=False), help=help)


def format_option(choices: tuple[str, ...] | list[str], default: str | None, help: str) -> Decorator:
    """The --format option; when JSON is one of the formats, --json (hidden) is another spelling of --format json."""
    fmt = click.option("--format", "fmt", type=click.Choice(list(choices)), help=help, **_default(default))
    if "json" not in choices:
        return fmt

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def command(*args: Any, **kwargs: Any) -> Any:
            if kwargs.pop("json_alias", False):
                ctx = click.get_current_context()
                if ctx.get_parameter_source("fmt") is click.core.ParameterSource.COMMANDLINE \
                        and kwargs["fmt"] != "json":
                    raise click.UsageError(f"--json and --format {kwargs['fmt']} exclude each other")
                kwargs["fmt"] = "json"
            return f(*args, **kwargs)

        return fmt(click.option("--json", "json_alias", is_flag=True, hidden=True)(command))

    return decorate


def _jobs_callback(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if value == 0:
        from bilingual_pr.batch import default_jobs

        return default_jobs()
    return value


def jobs_option(help: str) -> Decorator:
    """The -j/--jobs option: worker processes, DEFAULT_JOBS unless asked (0: the number of CPUs)."""
    return click.option("-j", "--jobs", type=click.IntRange(0, 256), default=DEFAULT_JOBS, show_default=True,
                        metavar="N", callback=_jobs_callback, help=f"{help} 0: the number of CPUs.")


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
