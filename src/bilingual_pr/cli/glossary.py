"""``bilingual-pr glossary``: look up, convert, lint, summarise and suggest glossary terms."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bilingual_pr.cli import warn
from bilingual_pr.cli.common import AliasOption, format_option, glossary_option, lang_option, language_option
from bilingual_pr.errors import UserError
from bilingual_pr.fileio import refuse_overwriting_inputs

_PATH = click.Path(path_type=Path, dir_okay=False)


_glossary_option = glossary_option("Glossary file (TBX, TBX 2008, CSV/TSV). Default: the bundled UNOG-CERN glossary "
                                   "(or $BILINGUAL_PR_GLOSSARY).", dest="glossary_path")


def _langs(f, target_aliases: tuple[str, ...] | None = None):
    f = language_option("target", default="en", aliases=target_aliases,
                        help="Target language of OmegaT/CSV files without a header.")(f)
    return language_option("source", default="fr", help="Source language of OmegaT/CSV files without a header.")(f)


def _convert_langs(f):
    # convert's --to is the older spelling of its --format, not a language.
    return _langs(f, target_aliases=("--tgt-lang",))


def _load(path: Path | None, source_lang: str = "fr", target_lang: str = "en"):
    from bilingual_pr.glossary.files import default_glossary_path, load_glossary

    return load_glossary(path or default_glossary_path(), source_lang, target_lang)


@click.group()
def glossary() -> None:
    """Work with the institutional glossary (TBX v3, TBX 2008, CSV/TSV, OmegaT)."""


@glossary.command()
@click.argument("text")
@lang_option(help="Language of TEXT.")
@_glossary_option
@format_option(["text", "json"], "text", "text: one match a paragraph, with equivalents and notes; "
               "json: an array of matches with offsets.")
def lookup(text: str, lang: str, glossary_path: Path | None, fmt: str) -> None:
    """Find the glossary terms in TEXT ('-' reads stdin) and show their equivalents."""
    from bilingual_pr.glossary.matcher import TermMatcher

    if text == "-":
        from bilingual_pr.documents import decode_text

        # Bytes, decoded as the document readers do: a legacy encoding or a bad byte is one line, not a traceback.
        text = decode_text(sys.stdin.buffer.read(), "<stdin>")[0]
    g = _load(glossary_path)
    others = [x for x in g.languages if x != lang]
    matches = TermMatcher(g, lang).find(text)
    if fmt == "json":
        payload = [{
            "start": m.start, "end": m.end, "surface": m.surface, "entry": m.entry.id, "term": m.term.text,
            "status": m.term.status, "type": m.term.type, "subject": m.entry.subject, "dnt": m.entry.dnt,
            "note": m.term.note or m.entry.note,
            "equivalents": {o: [t.text for t in m.entry.approved(o)] for o in others},
            "avoid": {o: [t.text for t in m.entry.rejected(o)] for o in others},
        } for m in matches]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not matches:
        click.echo("no glossary terms found", err=True)
        return
    for m in matches:
        status = "" if m.term.status == "preferred" else f" [{m.term.status}]"
        form = "" if m.surface == m.term.text else f" = {m.term.text}"
        click.echo(f"{m.start}-{m.end}  {m.surface}{form}{status}  (entry {m.entry.id}"
                   f"{', ' + m.entry.subject if m.entry.subject else ''}{', do not translate' if m.entry.dnt else ''})")
        if m.term.status != "preferred" and m.entry.approved(lang):
            click.echo(f"    use in {lang}: {'; '.join(t.text for t in m.entry.approved(lang))}")
        for o in others:
            ok = "; ".join(t.text for t in m.entry.approved(o)) or "-"
            avoid = "; ".join(t.text for t in m.entry.rejected(o))
            click.echo(f"    {o}: {ok}" + (f"   (avoid: {avoid})" if avoid else ""))
        note = m.term.note or m.entry.note
        if note:
            click.echo(f"    note: {note}")


@glossary.command()
@click.argument("source", type=_PATH)
@click.argument("output", type=_PATH)
@click.option("--format", "--to", "fmt", cls=AliasOption, aliases=("--to",),
              type=click.Choice(["tbx", "tbx2008", "csv", "tsv", "omegat"]), default=None,
              help="Output format (default: from OUTPUT's name: .tbx, .martif.tbx, .csv, .tsv, .utf8).")
@click.option("--approved-only", is_flag=True,
              help="Leave out deprecated and forbidden --target-lang terms (OmegaT offers every target term "
                   "of an entry as a translation, whatever its status).")
@_convert_langs
def convert(source: Path, output: Path, fmt: str | None, approved_only: bool, source_lang: str,
            target_lang: str) -> None:
    """Convert a glossary between TBX v3, TBX 2008 (martif), CSV/TSV and OmegaT's .utf8.

    The .utf8 export pairs each source term with the approved target term and
    lists the terms to avoid in the comment column.
    """
    from bilingual_pr.glossary.files import output_format, save_glossary, without_rejected

    fmt = output_format(output, fmt)
    refuse_overwriting_inputs(output, [source])
    g = _load(source, source_lang, target_lang)
    if approved_only:
        g = without_rejected(g, target_lang)
    for issue in g.issues[:10]:
        warn(f"{issue.where}: {issue.message}")
    skipped = save_glossary(g, output, fmt, source_lang, target_lang)
    if skipped:
        warn(f"{skipped} entries have no {source_lang} term or no approved {target_lang} term and were left out")
    click.echo(f"{len(g.entries)} entries written to {output} ({fmt})", err=True)


@glossary.command(name="lint")
@click.argument("path", type=_PATH, required=False)
@format_option(["text", "json"], "text", "text: one finding a line; json: an array of findings.")
def lint_cmd(path: Path | None, fmt: str) -> None:
    """Check a glossary (default: the bundled one); exit 1 when anything is found.

    Finds duplicates, terms approved in one entry and rejected in another,
    ambiguous terms without usage notes, entries missing a language,
    unknown status/type values and do-not-translate entries whose terms differ.
    """
    from bilingual_pr.glossary.lint import lint

    g = _load(path)
    findings = lint(g)
    if fmt == "json":
        click.echo(json.dumps([{"code": f.code, "where": f.where, "message": f.message} for f in findings],
                              ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(f"{g.path}: {f.where}: {f.code}: {f.message}")
        click.echo(f"{len(findings)} finding(s) in {len(g.entries)} entries", err=True)
    if findings:
        sys.exit(1)


@glossary.command()
@click.argument("path", type=_PATH, required=False)
@format_option(["text", "json"], "text", "text: one figure a line; json: an object.")
def stats(path: Path | None, fmt: str) -> None:
    """Count entries, terms per language, statuses, types and subject fields."""
    from bilingual_pr.glossary.lint import stats as glossary_stats

    s = glossary_stats(_load(path))
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    for k, v in s.items():
        if isinstance(v, dict):
            v = ", ".join(f"{a}: {b}" for a, b in v.items()) or "-"
        click.echo(f"{k.replace('_', ' ')}: {v}")


@glossary.command()
@click.argument("aligned", type=_PATH)
@click.option("-o", "--output", type=_PATH, required=True, help="TBX file of proposals to write.")
@_glossary_option
@click.option("--min-count", default=2, show_default=True, type=click.IntRange(1),
              help="Pairs seen fewer times are not proposed.")
@click.option("--min-dice", default=0.5, show_default=True, type=click.FloatRange(0, 1),
              help="Minimum Dice association of the two terms over the aligned pairs.")
@click.option("--no-known", is_flag=True, help="Also propose pairs already in the glossary.")
@_langs
def suggest(aligned: Path, output: Path, glossary_path: Path | None, min_count: int, min_dice: float,
            no_known: bool, source_lang: str, target_lang: str) -> None:
    """Propose new term pairs from ALIGNED sentence pairs (TMX, XLIFF, or TSV source<TAB>target).

    Acronyms, capitalised multi-word names and titles that keep appearing
    together on both sides are written as TBX with their evidence counts,
    for a terminologist to review.
    """
    from bilingual_pr.glossary.suggest import read_pairs, suggest_terms, suggestions_glossary
    from bilingual_pr.glossary.tbx import write_tbx

    refuse_overwriting_inputs(output, [aligned])
    known = None if no_known else _load(glossary_path)
    pairs = read_pairs(aligned, source_lang, target_lang)
    found = suggest_terms(pairs, source_lang, target_lang, known=known, min_count=min_count, min_dice=min_dice)
    if not found:
        raise UserError(f"{aligned}: no new term pairs found (try --min-count 1 or --min-dice 0.3)", exit_code=1)
    write_tbx(suggestions_glossary(found, source_lang, target_lang, str(aligned)), output)
    click.echo(f"{len(found)} proposals written to {output}", err=True)
