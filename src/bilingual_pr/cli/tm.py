"""``bilingual-pr tm``: a translation memory database (SQLite file or PostgreSQL URL): import, search, concord, export, stats."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Iterator

import click

from bilingual_pr.cli.common import format_option, glossary_option, language_option
from bilingual_pr.tm import open_tm
from bilingual_pr.tm.backend import ORIGINS, TMBackend
from bilingual_pr.tm.records import CONCORD_LIMIT, SEARCH_LIMIT

FILE = click.Path(path_type=Path, dir_okay=False)

db_option = click.option("--db", required=True, metavar="DB",
                         help="The memory: an SQLite file (created on import, e.g. tmx/memory.sqlite) "
                              "or a postgresql:// URL.")


@contextlib.contextmanager
def _opened(db: str, create: bool = False) -> Iterator[TMBackend]:
    backend = open_tm(db, create=create)
    try:
        yield backend
    finally:
        backend.close()


@click.group()
def tm() -> None:
    """A searchable translation memory database of every aligned, confirmed and post-edited unit."""


@tm.command("import")
@click.argument("files", nargs=-1, required=True, type=FILE)
@db_option
@click.option("--origin", type=click.Choice(ORIGINS),
              help="The origin of every unit read (default: from each file: aligner props -> aligned, "
                   "post-edited XLIFF and pairs -> human).")
@language_option("source", kind="tag", help="Source language of TSV/CSV pairs without a header, "
                                             "or the TMX side to take as source.")
@language_option("target", kind="tag", help="Target language (as --source-lang).")
def import_(files: tuple[Path, ...], db: str, origin: str | None, source_lang: str | None,
            target_lang: str | None) -> None:
    """Import TMX, post-edited XLIFF and TSV/CSV pairs; each file in one transaction (all of it or nothing).

    Re-importing a file changes nothing; a unit with a newer change date replaces
    the stored one. XLIFF targets not yet translated or reviewed are skipped.
    """
    from bilingual_pr.tm.exchange import import_files

    with _opened(db, create=True) as backend:
        for r in import_files(backend, files, origin=origin, source_lang=source_lang, target_lang=target_lang):
            click.echo(f"{r.file}: {r.read} units: {r.added} added, {r.updated} updated, {r.unchanged} unchanged"
                       + (f", {r.skipped} skipped" if r.skipped else ""))


@tm.command()
@click.argument("text")
@db_option
@language_option("source", required=True, help="Language of TEXT.")
@language_option("target", required=True, help="Language of the translations wanted.")
@click.option("--min", "minimum", type=click.FloatRange(0, 101), default=75, show_default=True,
              help="Lowest score shown (101: in context, 100: exact).")
@click.option("--limit", type=click.IntRange(1, SEARCH_LIMIT), default=5, show_default=True, help="At most this many matches.")
@click.option("--prev", "prev_source", metavar="SENTENCE", help="The sentence before TEXT (for context matches).")
@click.option("--next", "next_source", metavar="SENTENCE", help="The sentence after TEXT (for context matches).")
@glossary_option("Glossary whose terms a repair may swap (TBX, CSV).")
@format_option(("text", "json"), "text", "Output: text or JSON.")
def search(text: str, db: str, source_lang: str, target_lang: str, minimum: float, limit: int,
           prev_source: str | None, next_source: str | None, glossary: Path | None, fmt: str) -> None:
    """Fuzzy matches of TEXT, best first: score, origin, penalties, and whether numbers, dates or terms were repaired.

    A repaired match (numbers, dates, times, symbols or glossary terms put into
    the target the way the target language writes them) is never shown as exact.
    """
    from bilingual_pr.tm.search import search as find

    gloss = None
    if glossary is not None:
        from bilingual_pr.glossary import load_glossary

        gloss = load_glossary(glossary, source_lang, target_lang)
    with _opened(db) as backend:
        matches = find(backend, text, source_lang, target_lang, minimum=minimum, limit=limit,
                       prev_source=prev_source, next_source=next_source, glossary=gloss)
    if fmt == "json":
        from bilingual_pr.tm.records import match_record

        click.echo(json.dumps([match_record(m) for m in matches], ensure_ascii=False, indent=2))
        return
    for m in matches:
        why = "; ".join(f"{name} -{points:g}" for name, points in m.penalties)
        where = f" ({m.unit.document})" if m.unit.document else ""
        click.echo(f"{m.score:.0f} {m.kind}{' (repaired)' if m.repaired and m.kind != 'repaired' else ''} "
                   f"#{m.unit.id} {m.unit.origin}{where}" + (f" [{why}]" if why else ""))
        click.echo(f"  {m.unit.source_lang}: {m.unit.source}")
        click.echo(f"  {m.unit.target_lang}: {m.target}")
        for change in m.changes:
            click.echo(f"  repaired: {change}")
    if not matches:
        click.echo(f"no match at or above {minimum:g}", err=True)


def _highlight(text: str, phrase: str, color: bool) -> str:
    from bilingual_pr.tm.backend import phrase_spans

    out, last = [], 0
    for start, end in phrase_spans(text, phrase):
        hit = text[start:end]
        out += [text[last:start], click.style(hit, bold=True, fg="yellow") if color else f"[{hit}]"]
        last = end
    out.append(text[last:])
    return "".join(out)


@tm.command()
@click.argument("phrase")
@db_option
@language_option("lang", required=True, help="Language of the phrase: the side of the units searched.")
@click.option("--limit", type=click.IntRange(1, CONCORD_LIMIT), default=20, show_default=True, help="At most this many units.")
@format_option(("text", "json"), "text", "Output: text (the phrase highlighted) or JSON.")
def concord(phrase: str, db: str, lang: str, limit: int, fmt: str) -> None:
    """Units whose side in --lang holds PHRASE as whole words (accents and case ignored), the phrase highlighted."""
    with _opened(db) as backend:
        units = backend.concordance(phrase, lang, limit)
    if fmt == "json":
        from bilingual_pr.tm.records import concordance_record

        click.echo(json.dumps([concordance_record(u, phrase, lang) for u in units], ensure_ascii=False, indent=2))
        return
    color = sys.stdout.isatty()
    for u in units:
        where = f" ({u.document})" if u.document else ""
        click.echo(f"#{u.id} {u.origin}{where}")
        click.echo(f"  {u.source_lang}: {_highlight(u.source, phrase, color)}")
        click.echo(f"  {u.target_lang}: {_highlight(u.target, phrase, color)}")
    if not units:
        click.echo(f"no unit with {phrase!r}", err=True)


@tm.command()
@db_option
@click.option("-o", "--output", "out", required=True, type=FILE, help="The TMX file to write.")
@click.option("--origin", "origins", multiple=True, type=click.Choice(ORIGINS), help="Only units of this origin "
              "(repeat for several).")
@click.option("--since", metavar="DATE", help="Only units changed (or created) on or after this date (YYYY-MM-DD).")
@click.option("--document", metavar="NAME", help="Only the units of this document (release) name.")
def export(db: str, out: Path, origins: tuple[str, ...], since: str | None, document: str | None) -> None:
    """Write the memory (or the units selected) to a TMX 1.4b file; origin, document and context kept as props."""
    from bilingual_pr.tm.backend import since_date
    from bilingual_pr.tm.exchange import export_tmx

    since_value = since_date(since) if since else None
    with _opened(db) as backend:
        written = export_tmx(backend, out, origin=origins, since=since_value, document=document)
    click.echo(f"{out}: {written} units", err=True)


@tm.command()
@db_option
@format_option(("text", "json"), "text", "Output: text or JSON.")
def stats(db: str, fmt: str) -> None:
    """How many units the memory holds: by origin, by language pair, documents; its schema version and size."""
    with _opened(db) as backend:
        found = backend.stats()
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo(f"{found['location']} ({found['backend']}, schema {found['schema_version']}, {found['bytes']} bytes)")
    click.echo(f"units: {found['units']}  documents: {found['documents']}")
    for name, key in (("origin", "by_origin"), ("pair", "by_pair")):
        click.echo(f"by {name}: " + (", ".join(f"{k} {v}" for k, v in found[key].items()) or "-"))


@tm.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Another than this machine's loopback lets anyone who can reach it "
                   "read the memory: give it on purpose (a warning says so).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: a free one; the URL printed says which).")
@click.option("--allow-import", is_flag=True,
              help="Accept POST /api/import (TMX, XLIFF, TSV/CSV; each body in one transaction). Default: read-only.")
@click.option("--max-upload", type=click.IntRange(1, 4096), default=64, show_default=True, metavar="MB",
              help="The largest import body taken, in MB.")
def serve(db: str, host: str, port: int, allow_import: bool, max_upload: int) -> None:
    """Serve the memory to a team: a JSON API (search, concord, stats, import) and a concordance search page at /.

    Prints the URL, then one line a request on stderr; Ctrl-C stops it.
    """
    import signal

    from bilingual_pr.cli import warn
    from bilingual_pr.tm.server import ServeOptions, TMServer, serve as serve_memory

    def log(line: str) -> None:
        click.echo(line, err=True)

    def announce(server: TMServer) -> None:
        if not server.loopback:
            warn(f"serving on {host}: anyone who can reach this address can read the memory"
                 + (" and import into it" if allow_import else "") + " (no login, no TLS)")
        click.echo(f"serving {server.location} at {server.url} "
                   f"({'imports allowed' if allow_import else 'read-only'}); Ctrl-C stops")

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)  # a service manager's stop is a Ctrl-C
    try:
        serve_memory(ServeOptions(db=db, host=host, port=port, allow_import=allow_import,
                                  max_upload=max_upload * 1024 * 1024, log=log), ready=announce)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("stopped", err=True)
