"""formats/factory.py: one extension -> format table that every command reading or writing a memory uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.align.writers import FORMATS as ALIGN_FORMATS
from bilingual_pr.align.writers import format_for
from bilingual_pr.cli import main
from bilingual_pr.errors import UserError
from bilingual_pr.formats.factory import (BY_NAME, FORMATS, READ_EXTENSIONS, input_format, memory_units,
                                          output_format, read_units)
from bilingual_pr.formats.tmx import write_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.glossary.suggest import read_pairs
from bilingual_pr.translate.draft import OUTPUT_FORMATS as DRAFT_FORMATS
from bilingual_pr.translate.draft import output_format as draft_output_format

PAIRS = [("Le Conseil des droits de l'homme a adopté trois résolutions.",
          "The Human Rights Council adopted three resolutions."),
         ("La session se tient au Palais des Nations à Genève.",
          "The session is held at the Palais des Nations in Geneva.")]


def _tmx(path: Path) -> None:
    write_tmx(path, [TranslationUnit(s, t, "fr-FR", "en-GB", tuid=f"m{i}") for i, (s, t) in enumerate(PAIRS, 1)])


def _xliff(path: Path, state: str = "translated", src: str = "fr-FR", tgt: str = "en-GB") -> None:
    units = "".join(f'<trans-unit id="{i}"><source>{s}</source><target state="{state}">{t}</target></trans-unit>'
                    for i, (s, t) in enumerate(PAIRS, 1))
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
                    f'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="r.txt" datatype="plaintext" '
                    f'source-language="{src}" target-language="{tgt}"><body>{units}</body></file></xliff>\n',
                    encoding="utf-8")


def _tsv(path: Path) -> None:
    path.write_text("fr\ten\n" + "".join(f"{s}\t{t}\n" for s, t in PAIRS), encoding="utf-8")


WRITE = {"tmx": _tmx, "xliff": _xliff, "tsv": _tsv}
READABLE = sorted(READ_EXTENSIONS.items())


def test_every_readable_format_has_a_reader_and_extensions_are_unique():
    assert set(READ_EXTENSIONS.values()) == set(WRITE) == {"tmx", "xliff", "tsv"}
    every = [ext for f in FORMATS for ext in f.extensions]
    assert len(every) == len(set(every)), "an extension names two formats"
    assert all(set(f.writable) <= set(f.extensions) for f in FORMATS)


@pytest.mark.parametrize(("ext", "fmt"), READABLE)
def test_extension_names_the_format_whatever_its_case(ext, fmt):
    assert input_format(f"release{ext}") == fmt
    assert input_format(f"RELEASE{ext.upper()}") == fmt


@pytest.mark.parametrize("fmt", ["tmx", "xliff", "tsv"])
def test_content_tells_the_format_when_the_extension_does_not(tmp_path, fmt):
    path = tmp_path / "memory.data"
    WRITE[fmt](path)
    assert input_format(path) == fmt
    assert [(u.source, u.target) for u in read_units(path, "fr", "en")] == PAIRS


def test_an_unknown_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "notes.data"
    path.write_text("Une ligne sans tabulation.\n", encoding="utf-8")
    with pytest.raises(UserError, match="not a TMX, XLIFF or TSV file") as err:
        input_format(path)
    assert "\n" not in str(err.value)
    with pytest.raises(UserError, match="no such file"):
        input_format(tmp_path / "missing.data")


@pytest.mark.parametrize(("ext", "fmt"), READABLE)
def test_check_reads_every_extension_of_the_table(tmp_path, ext, fmt):
    path = tmp_path / f"memory{ext}"
    WRITE[fmt](path)
    report = tmp_path / "qa.json"
    res = CliRunner().invoke(main, ["check", str(path), "-r", str(report), "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    assert json.loads(report.read_text(encoding="utf-8"))["input"]["units"] == len(PAIRS)


@pytest.mark.parametrize(("ext", "fmt"), READABLE)
def test_draft_takes_every_extension_of_the_table_as_memory(tmp_path, ext, fmt):
    memory = tmp_path / f"memory{ext}"
    WRITE[fmt](memory)
    doc = tmp_path / "release.txt"
    doc.write_text(PAIRS[1][0] + "\n", encoding="utf-8")
    out = tmp_path / "draft.txt"
    res = CliRunner().invoke(main, ["draft", str(doc), "--from", "fr", "--to", "en", "--tm", str(memory),
                                    "--no-mt", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").strip() == PAIRS[1][1]


@pytest.mark.parametrize(("ext", "fmt"), READABLE)
def test_glossary_suggest_reads_every_extension_of_the_table(tmp_path, ext, fmt):
    path = tmp_path / f"aligned{ext}"
    WRITE[fmt](path)
    assert read_pairs(path, "fr", "en") == PAIRS


def test_a_memory_reuses_only_checked_xliff_targets_and_turns_round_the_other_direction(tmp_path):
    drafts = tmp_path / "drafts.xlf"
    _xliff(drafts, state="needs-review-translation")
    assert [u.target for u in memory_units(drafts, "fr", "en")] == ["", ""]
    reviewed = tmp_path / "reviewed.xlf"
    _xliff(reviewed, state="final", src="en-GB", tgt="fr-FR")
    # The file says en -> fr but holds French sources: its units are taken as they are...
    assert [u.source for u in memory_units(reviewed, "en", "fr")] == [s for s, _ in PAIRS]
    # ... and turned round when fr -> en is asked for.
    units = memory_units(reviewed, "fr", "en")
    assert [(u.source, u.target, u.source_lang) for u in units] == [(t, s, "fr-FR") for s, t in PAIRS]


@pytest.mark.parametrize("fmt", ALIGN_FORMATS)
def test_align_output_extensions_come_from_the_table(fmt):
    for ext in BY_NAME[fmt].writable:
        assert format_for(f"out{ext}", None) == fmt


@pytest.mark.parametrize("fmt", DRAFT_FORMATS)
def test_draft_output_extensions_come_from_the_table(fmt):
    for ext in BY_NAME[fmt].writable:
        assert draft_output_format(f"out{ext}") == fmt


@pytest.mark.parametrize("name", ["out.sdlxliff", "out.mqxliff", "out.docx"])
def test_outputs_refuse_extensions_that_are_not_theirs(name):
    with pytest.raises(UserError, match="unknown output type"):
        draft_output_format(name)
    with pytest.raises(UserError, match="unknown output type"):
        format_for(name, None)
    with pytest.raises(UserError, match=r"use \.xlf \(XLIFF\)"):
        output_format(name, ("xliff",))


def test_tsv_comments_only_at_the_top_so_a_hashtag_sentence_stays_a_pair(tmp_path):
    from bilingual_pr.formats.tsv import read_tsv

    path = tmp_path / "pairs.tsv"
    path.write_text("# Pairs written for this test.\n#\nfr\ten\n\n"
                    "#StandUp4HumanRights est lancée à Genève.\t#StandUp4HumanRights is launched in Geneva.\t7\n",
                    encoding="utf-8")
    (unit,) = read_tsv(path)
    assert (unit.source[:3], unit.target[:3], unit.tuid, unit.source_lang, unit.target_lang) == ("#St", "#St", "7",
                                                                                                 "fr", "en")


def test_tsv_with_an_en_fr_header_is_turned_round_for_a_fr_en_memory(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("en\tfr\n" + "".join(f"{t}\t{s}\n" for s, t in PAIRS), encoding="utf-8")
    assert [(u.source, u.target) for u in memory_units(path, "fr", "en")] == PAIRS
