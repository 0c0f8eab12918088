"""``bilingual-pr review``: the review page of a release's memory, applying its decisions, and a local server for it."""

from __future__ import annotations

from pathlib import Path

import click

from bilingual_pr.cli.common import glossary_option

INPUT = click.Path(path_type=Path)


class _PageByDefault(click.Group):
    """``review TMX|RUN_DIR -o PAGE.html`` is ``review page ...``: a first argument that is no subcommand is a path."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["page", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_PageByDefault)
def review() -> None:
    """Review a release's alignment: the page (review TMX|RUN_DIR -o PAGE.html), apply, serve.

    On the page a reviewer accepts, rejects, edits, merges and splits pairs by
    key; the decisions file it exports (or `review serve` saves) is applied to
    the memory by `review apply`.
    """


def _glossary(glossary: Path | None, no_glossary: bool):
    if no_glossary:
        return None
    from bilingual_pr.review import default_glossary

    if glossary is None:
        return default_glossary()
    from bilingual_pr.glossary import load_glossary

    return load_glossary(glossary)


@review.command("page")
@click.argument("inputs", nargs=-1, required=True, type=INPUT, metavar="TMX|RUN_DIR...")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The review page to write (self-contained HTML).")
@glossary_option("Glossary (TBX/CSV/TSV) whose terms the page marks (default: the bundled one).")
@click.option("--no-glossary", is_flag=True, help="Mark no glossary terms.")
def page(inputs: tuple[Path, ...], output: Path, glossary: Path | None, no_glossary: bool) -> None:
    """Write the review page of the release in INPUTS (its TMX or review TMX, or a run/batch output folder)."""
    from bilingual_pr.fileio import refuse_overwriting_inputs, write_text_atomic
    from bilingual_pr.review import render_release_page
    from bilingual_pr.review_files import load_release

    found = load_release(list(inputs))
    refuse_overwriting_inputs(output, found.paths)
    write_text_atomic(output, render_release_page(found, _glossary(glossary, no_glossary)))
    click.echo(f"{output}: {len(found.memory) + len(found.review)} pairs of {found.release} "
               f"({len(found.review)} to review)")


@review.command("apply")
@click.argument("decisions", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("inputs", nargs=-1, required=True, type=INPUT, metavar="TMX|RUN_DIR...")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The corrected memory (TMX); what is still undecided goes to OUT.review.tmx.")
def apply(decisions: Path, inputs: tuple[Path, ...], output: Path) -> None:
    """Apply a decisions file to the release's memory in INPUTS and write the corrected memory."""
    from bilingual_pr.review_files import apply_files

    out, rest, counts = apply_files(decisions, list(inputs), output)
    done = ", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "no decision"
    click.echo(f"{out}: {done}; still to review in {rest}")


@review.command("serve")
@click.argument("inputs", nargs=-1, required=True, type=INPUT, metavar="TMX|RUN_DIR...")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on (no other).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port (0: a free one, printed).")
@glossary_option("Glossary (TBX/CSV/TSV) whose terms the page marks (default: the bundled one).")
@click.option("--no-glossary", is_flag=True, help="Mark no glossary terms.")
def serve(inputs: tuple[Path, ...], host: str, port: int, glossary: Path | None, no_glossary: bool) -> None:
    """Serve the review page on this machine; the page saves its decisions beside the memory as it goes."""
    from bilingual_pr.review import render_release_page
    from bilingual_pr.review_files import load_release
    from bilingual_pr.review_server import loopback_address, make_server, url_of

    loopback_address(host)  # refused before anything is read
    found = load_release(list(inputs))
    gloss = _glossary(glossary, no_glossary)
    text = render_release_page(found, gloss, server=True)
    server = make_server(found, lambda: text, host, port)
    click.echo(f"review page of {found.release}: {url_of(server)} (decisions saved to {found.decisions_path}; "
               "Ctrl-C stops)")
    try:
        server.serve_forever()
    finally:
        server.server_close()
