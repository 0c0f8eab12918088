"""One command-line convention for every command (docs/workflow.md, "Command-line conventions").

Walks every command and subcommand of the group, so a new command that strays
from the convention fails here; and checks that the older spellings still work.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bilingual_pr.cli import COMMANDS, main

FR_TEXT = ("Le Conseil des droits de l'homme ouvre sa cinquante-neuvième session à Genève.\n\n"
           "La Haute-Commissaire présente son rapport annuel aux délégations.\n\n"
           "Les débats se poursuivront jusqu'au 4 avril 2026.\n")
EN_TEXT = ("The Human Rights Council opens its fifty-ninth session in Geneva.\n\n"
           "The High Commissioner presents her annual report to the delegations.\n\n"
           "The debates will continue until 4 April 2026.\n")

#: Spellings that help must no longer show (they stay accepted where they existed).
OLD_SPELLINGS = ("--src-lang", "--tgt-lang", "--from", "--to", "--json")
#: Commands whose output has several formats: each takes --format, with help.
FORMATTED = {("extract",), ("segment",), ("align",), ("glossary", "lookup"), ("glossary", "lint"),
             ("glossary", "stats"), ("glossary", "convert"), ("tmx", "stats"), ("tmx", "export")}


def _walk() -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(main)
    found = []

    def visit(path: tuple[str, ...], cmd: click.Command) -> None:
        found.append((path, cmd))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                visit(path + (name,), cmd.get_command(ctx, name))

    for name in sorted(COMMANDS):
        visit((name,), main.get_command(ctx, name))
    return found


COMMAND_PATHS = [path for path, _ in _walk()]


def _command(path: tuple[str, ...]) -> click.Command:
    return dict(_walk())[path]


def _options(cmd: click.Command) -> list[click.Option]:
    return [p for p in cmd.params if isinstance(p, click.Option)]


def _invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_walk_finds_every_command() -> None:
    assert len(COMMAND_PATHS) > len(COMMANDS)
    assert {("tmx", "stats"), ("glossary", "lookup"), ("models", "list"), ("batch",)} <= set(COMMAND_PATHS)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_help_shows_only_the_convention(path: tuple[str, ...]) -> None:
    res = _invoke(*path, "--help")
    assert res.exit_code == 0, res.output
    for old in OLD_SPELLINGS:
        assert not re.search(rf"(?<![\w-]){re.escape(old)}(?![\w-])", res.output), (old, res.output)


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_options_follow_the_convention(path: tuple[str, ...]) -> None:
    cmd = _command(path)
    for opt in _options(cmd):
        shown = [o for o in opt.opts if o not in getattr(opt, "aliases", ())]
        if "--glossary" in opt.opts:
            assert "-g" in opt.opts, (path, opt.opts)
        if "--jobs" in opt.opts:
            assert "-j" in opt.opts and opt.default == 1 and "0: the number of CPUs" in opt.help, (path, opt.opts)
        if "--output" in opt.opts or "--output-dir" in opt.opts:
            assert "-o" in opt.opts, (path, opt.opts)
        if "--format" in opt.opts:
            assert opt.help, f"{' '.join(path)} --format has no help"
        for name in shown:
            if "lang" in name:
                assert name in ("--lang", "--source-lang", "--target-lang"), (path, name)
    if path in FORMATTED:
        assert any("--format" in opt.opts for opt in _options(cmd)), path


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_every_command_takes_q_and_v_after_its_name(path: tuple[str, ...]) -> None:
    res = _invoke(*path, "-q", "-v", "--help")
    assert res.exit_code == 0, res.output


def test_q_and_v_after_the_command_act(tmp_path: Path) -> None:
    fr = tmp_path / "communique.txt"
    fr.write_text(FR_TEXT, encoding="utf-8")
    # French text said to be English: a warning, silenced by -q before or after the command.
    assert "looks like French" in _invoke("extract", fr, "--lang", "en").stderr
    for args in (("-q", "extract", fr, "--lang", "en"), ("extract", fr, "--lang", "en", "-q")):
        res = _invoke(*args)
        assert res.exit_code == 0 and res.stderr == "", res.stderr
    assert "encoding" not in _invoke("extract", fr, "--lang", "fr").stderr
    assert "encoding" in _invoke("extract", fr, "--lang", "fr", "-v").stderr


def test_batch_with_output_and_quiet_after_the_command(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "hrc59.fr.txt").write_text(FR_TEXT, encoding="utf-8")
    (src / "hrc59.en.txt").write_text(EN_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    res = _invoke("batch", src, "-o", out, "--no-glossary", "--no-html", "-q")
    assert res.exit_code == 0, res.output
    assert res.stdout == ""  # no summary under -q
    assert (out / "hrc59" / "hrc59.tmx").is_file()


# ------------------------------------------------------------------ the older spellings still work


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    fr, en = tmp_path / "hrc59.fr.txt", tmp_path / "hrc59.en.txt"
    fr.write_text(FR_TEXT, encoding="utf-8")
    en.write_text(EN_TEXT, encoding="utf-8")
    return fr, en


def test_old_names_are_the_same_parameter() -> None:
    for path, old, new in ((("align",), "--src-lang", "--source-lang"), (("align",), "--tgt-lang", "--target-lang"),
                           (("draft",), "--from", "--source-lang"), (("draft",), "--to", "--target-lang"),
                           (("tmx", "merge"), "--src-lang", "--source-lang"),
                           (("glossary", "convert"), "--to", "--format")):
        [opt] = [o for o in _options(_command(path)) if old in o.opts]
        assert new in opt.opts, (path, old, opt.opts)


def test_draft_from_to(tmp_path: Path) -> None:
    fr, _ = _pair(tmp_path)
    old, new = tmp_path / "old.xlf", tmp_path / "new.xlf"
    assert _invoke("draft", fr, "--from", "fr", "--to", "en-US", "--no-mt", "-o", old).exit_code == 0
    assert _invoke("draft", fr, "--source-lang", "fr", "--target-lang", "en-US", "--no-mt", "-o", new).exit_code == 0
    assert old.read_bytes() == new.read_bytes()
    assert b'target-language="en-US"' in new.read_bytes() and b'source-language="fr-FR"' in new.read_bytes()
    res = _invoke("draft", fr, "--source-lang", "fr", "--target-lang", "fr", "-o", tmp_path / "x.txt")
    assert res.exit_code == 2 and "--source-lang and --target-lang are both fr" in res.output


def test_align_src_tgt_lang(tmp_path: Path) -> None:
    fr, en = _pair(tmp_path)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    res = _invoke("align", fr, en, "--src-lang", "fr-CH", "--tgt-lang", "en", "--no-embeddings", "-o", old)
    assert res.exit_code == 0, res.output
    res = _invoke("align", fr, en, "--source-lang", "fr-CH", "--target-lang", "en", "--no-embeddings", "-o", new)
    assert res.exit_code == 0, res.output
    assert old.read_text(encoding="utf-8") == new.read_text(encoding="utf-8")
    assert '"fr-CH"' in new.read_text(encoding="utf-8") and '"en-GB"' in new.read_text(encoding="utf-8")


def test_tmx_stats_old_spellings(tmp_path: Path) -> None:
    fr, en = _pair(tmp_path)
    memory = tmp_path / "m.tmx"
    assert _invoke("align", fr, en, "--no-embeddings", "--min-confidence", "0", "-o", memory).exit_code == 0
    old = _invoke("tmx", "stats", memory, "--src-lang", "fr-FR", "--tgt-lang", "en-GB", "--json")
    new = _invoke("tmx", "stats", memory, "--source-lang", "fr-FR", "--target-lang", "en-GB", "--format", "json")
    assert old.exit_code == new.exit_code == 0, old.output + new.output
    assert old.stdout == new.stdout and json.loads(new.stdout)["units"] == 3
    text = _invoke("tmx", "stats", memory)
    assert text.exit_code == 0 and text.stdout.startswith("file: ")
    clash = _invoke("tmx", "stats", memory, "--json", "--format", "text")
    assert clash.exit_code == 2 and "exclude each other" in clash.output


def test_glossary_old_spellings(tmp_path: Path) -> None:
    old = _invoke("glossary", "stats", "--json")
    new = _invoke("glossary", "stats", "--format", "json")
    assert old.exit_code == new.exit_code == 0 and old.stdout == new.stdout
    assert json.loads(new.stdout)["entries"] > 0
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    assert _invoke("glossary", "convert", "--help").exit_code == 0
    from bilingual_pr.glossary.files import default_glossary_path

    g = default_glossary_path()
    assert _invoke("glossary", "convert", g, a, "--to", "tsv").exit_code == 0
    assert _invoke("glossary", "convert", g, b, "--format", "tsv", "--source-lang", "fr",
                   "--target-lang", "en").exit_code == 0
    assert a.read_bytes() == b.read_bytes() and b"\t" in b.read_bytes()


def test_jobs_zero_means_every_cpu(tmp_path: Path) -> None:
    from bilingual_pr.batch import default_jobs
    from bilingual_pr.cli.common import jobs_option

    seen = []

    @click.command()
    @jobs_option("Workers.")
    def probe(jobs: int) -> None:
        seen.append(jobs)

    for args in ([], ["-j", "0"], ["--jobs", "3"]):
        assert CliRunner().invoke(probe, args).exit_code == 0
    assert seen == [1, default_jobs(), 3]


@pytest.mark.parametrize("args, option", [(("draft", "x.txt", "-o", "y.txt"), "--source-lang"),
                                          (("draft", "x.txt", "--from", "fr", "-o", "y.txt"), "--target-lang"),
                                          (("extract", "x.txt"), "--lang")])
def test_a_missing_language_is_one_usage_line(args: tuple[str, ...], option: str) -> None:
    res = _invoke(*args)
    assert res.exit_code == 2 and f"Missing option '{option}'" in res.output, res.output
    assert res.output.count("\n") == 1 and "--src-lang" not in res.output and "--tgt-lang" not in res.output
