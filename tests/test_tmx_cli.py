"""``bilingual-pr tmx``: validate, stats, merge, export, filter."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import read_tmx, write_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.xmlsafe import parse_xml_file


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def tu(source: str, target: str, **kw) -> TranslationUnit:
    kw.setdefault("source_lang", "fr-FR")
    kw.setdefault("target_lang", "en-GB")
    return TranslationUnit(source, target, **kw)


def conf(value: str, *more: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (("x-confidence", value),) + more


def test_validate_reports_lines_and_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.tmx"
    write_tmx(good, [tu("Un.", "One.")])
    res = run("tmx", "validate", good)
    assert res.exit_code == 0 and "valid TMX 1.4 (1 units, 0 errors" in res.output
    bad = tmp_path / "bad.tmx"
    bad.write_text(good.read_text(encoding="utf-8").replace('xml:lang="en-GB"', 'lang="en-GB"')
                   .replace('version="1.4"', 'version="1.4b"'), encoding="utf-8")
    res = run("tmx", "validate", bad)
    assert res.exit_code == 1
    problem_lines = [line for line in res.output.splitlines() if ": error: " in line]
    assert any(line.startswith(f"{bad}:3: error: version='1.4b'") for line in problem_lines), res.output
    assert any(f"{bad}:6: error: <tuv> has the deprecated lang=" in line for line in problem_lines), res.output
    res = run("tmx", "validate", tmp_path / "missing.tmx")
    assert res.exit_code == 2 and "no such file" in res.output


def test_validate_malformed_file_is_invalid_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text('<tmx version="1.4">\n<header/>\n<body><tu>Tom & Jerry</tu></body></tmx>', encoding="utf-8")
    res = run("tmx", "validate", bad)
    assert res.exit_code == 1 and f"{bad}:3: error:" in res.output and "Traceback" not in res.output


def test_stats(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    write_tmx(path, [
        tu("Un.", "One.", props=conf("0.95", ("x-bead", "1-1"), ("x-source-doc", "a.docx"))),
        tu("Un.", "One.", props=conf("0.91", ("x-bead", "1-1"), ("x-source-doc", "b.docx"))),
        tu("Un.", "A single one.", props=conf("0.42", ("x-bead", "1-2"), ("x-needs-review", "yes"))),
        tu("Deux.", "Two.", props=conf("0.05")),
        tu("Trois.", "Three."),
    ])
    res = run("tmx", "stats", path, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["units"] == 5 and data["unique_pairs"] == 4 and data["duplicates"] == 1
    assert data["conflicting_sources"] == 1 and data["needs_review"] == 1 and data["scored"] == 4
    assert data["languages"] == {"en-GB": 5, "fr-FR": 5}
    assert data["histogram"]["0.9-1.0"] == 2 and data["histogram"]["0.4-0.5"] == 1
    assert data["histogram"]["0.0-0.1"] == 1 and data["beads"] == {"1-1": 2, "1-2": 1}
    assert data["documents"] == 2
    res = run("tmx", "stats", path)
    assert res.exit_code == 0 and "duplicate units (same source and target): 1" in res.output
    assert "0.9-1.0         2" in res.output


def test_merge_dedupes_keeps_newest_and_reports_conflicts(tmp_path: Path) -> None:
    a, b, out = tmp_path / "a.tmx", tmp_path / "b.tmx", tmp_path / "out.tmx"
    write_tmx(a, [
        tu("Bonjour.", "Hello.", changedate="20240101T000000Z", props=(("x-source-doc", "old.docx"),)),
        tu("Le Conseil.", "The Council.", changedate="20250101T000000Z"),
        tu("Genève.", "Geneva.", props=(("x-context", "title"),)),
    ])
    write_tmx(b, [
        tu("Le Conseil.", "The Board.", changedate="20240101T000000Z"),
        tu("Bonjour.", "Hello.", changedate="20250601T120000Z", props=(("x-source-doc", "new.docx"),)),
        tu("Merci.", "Thank you.", source_lang="fr", target_lang="en"),
    ])
    res = run("tmx", "merge", a, b, "-o", out)
    assert res.exit_code == 0, res.output
    units = list(read_tmx(out))
    pairs = [(u.source, u.target) for u in units]
    assert sorted(pairs) == sorted([("Bonjour.", "Hello."), ("Le Conseil.", "The Council."),
                                    ("Le Conseil.", "The Board."), ("Genève.", "Geneva."),
                                    ("Merci.", "Thank you.")])
    hello = next(u for u in units if u.source == "Bonjour.")
    assert hello.changedate == "20250601T120000Z" and hello.props == (("x-source-doc", "new.docx"),)
    assert next(u for u in units if u.source == "Genève.").props == (("x-context", "title"),)
    # The newest of the conflicting targets comes last, so OmegaT uses it.
    conseil = [u.target for u in units if u.source == "Le Conseil."]
    assert conseil == ["The Board.", "The Council."]
    assert "1 sources have conflicting targets" in res.output and "Le Conseil." in res.output
    assert "1 duplicates removed" in res.output


def test_merge_relabels_languages_when_asked(tmp_path: Path) -> None:
    a, b, out = tmp_path / "a.tmx", tmp_path / "b.tmx", tmp_path / "out.tmx"
    write_tmx(a, [tu("Un.", "One.")])
    write_tmx(b, [tu("Un.", "One.", source_lang="fr", target_lang="en"), tu("Deux.", "Two.", source_lang="fr",
                                                                         target_lang="en")])
    res = run("tmx", "merge", a, b, "-o", out, "--src-lang", "fr_FR", "--tgt-lang", "en-gb")
    assert res.exit_code == 0, res.output
    units = list(read_tmx(out))
    assert len(units) == 2 and {(u.source_lang, u.target_lang) for u in units} == {("fr-FR", "en-GB")}


def test_merge_failure_keeps_the_existing_output(tmp_path: Path) -> None:
    a, bad, out = tmp_path / "a.tmx", tmp_path / "bad.tmx", tmp_path / "out.tmx"
    write_tmx(a, [tu("Un.", "One.")])
    text = a.read_text(encoding="utf-8")
    bad.write_text(text[: len(text) // 2], encoding="utf-8")  # truncated
    out.write_text("the memory we had", encoding="utf-8")
    res = run("tmx", "merge", a, bad, "-o", out)
    assert res.exit_code == 2 and "malformed XML" in res.output
    assert out.read_text(encoding="utf-8") == "the memory we had"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tmx", "bad.tmx", "out.tmx"]
    res = run("tmx", "merge", a, out, "-o", out)
    assert res.exit_code == 2 and "also an input" in res.output


def test_export_formats_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    tricky = "Tab\there, «\u00a0quotes\u00a0», \"double\", new\nline & <tags>"
    write_tmx(path, [tu(tricky, "Target, with comma", tuid="7", props=conf("0.8", ("x-bead", "2-1"))),
                     tu("Deux.", "Two.", notes=("a note",))])
    for fmt, delimiter in (("tsv", "\t"), ("csv", ",")):
        out = tmp_path / f"m.{fmt}"
        res = run("tmx", "export", path, "--format", fmt, "-o", out)
        assert res.exit_code == 0, res.output
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline=""), delimiter=delimiter))
        assert [r["source"] for r in rows] == [tricky, "Deux."]
        assert rows[0]["confidence"] == "0.8" and rows[0]["bead"] == "2-1" and rows[0]["tuid"] == "7"
        assert json.loads(rows[0]["props"]) == [["x-confidence", "0.8"], ["x-bead", "2-1"]]
        assert json.loads(rows[1]["notes"]) == ["a note"]
    res = run("tmx", "export", path, "--format", "json")
    data = json.loads(res.output)
    assert [d["source"] for d in data] == [tricky, "Deux."] and data[0]["confidence"] == 0.8
    assert data[1]["source_lang"] == "fr-FR" and data[1]["target_lang"] == "en-GB"


def test_export_for_spreadsheets_defuses_formulas(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    write_tmx(path, [tu("=HYPERLINK(\"http://x\")", "+41 22 917 12 34", tuid="@1"),
                     tu("- premier point", "- first point"), tu("Un.", "One.")])
    out = tmp_path / "m.csv"
    res = run("tmx", "export", path, "--format", "csv", "--spreadsheet", "-o", out)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert [(r["tuid"], r["source"], r["target"]) for r in rows] == [
        ("'@1", "'=HYPERLINK(\"http://x\")", "'+41 22 917 12 34"), ("", "'- premier point", "'- first point"),
        ("", "Un.", "One.")]
    # Without the flag the export stays byte-exact; json has no formulas to defuse.
    res = run("tmx", "export", path, "--format", "tsv")
    assert "\t+41 22 917 12 34\t" in res.output
    res = run("tmx", "export", path, "--format", "json", "--spreadsheet")
    assert res.exit_code == 2 and "tsv and csv" in res.output and "Traceback" not in res.output


def test_filter_by_confidence(tmp_path: Path, tmx_dtd) -> None:
    path, out = tmp_path / "m.tmx", tmp_path / "f.tmx"
    write_tmx(path, [tu("Un.", "One.", props=conf("0.95")), tu("Deux.", "Two.", props=conf("0.6")),
                     tu("Trois.", "Three.", props=conf("0.7")), tu("Quatre.", "Four.")])
    res = run("tmx", "filter", path, "--min-confidence", "0.7", "-o", out)
    assert res.exit_code == 0, res.output
    assert [u.source for u in read_tmx(out)] == ["Un.", "Trois."]
    assert "kept 2 of 4 units (1 below 0.7, 1 without x-confidence)" in res.output
    assert tmx_dtd.validate(parse_xml_file(out))
    res = run("tmx", "filter", path, "--min-confidence", "0.7", "--keep-unscored", "-o", out)
    assert [u.source for u in read_tmx(out)] == ["Un.", "Trois.", "Quatre."]
    res = run("tmx", "filter", path, "--min-confidence", "1.5", "-o", out)
    assert res.exit_code == 2


def test_bad_language_option_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    write_tmx(path, [tu("Un.", "One.")])
    res = run("tmx", "stats", path, "--src-lang", "French!")
    assert res.exit_code == 2 and "invalid language tag" in res.output
