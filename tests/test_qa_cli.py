"""``bilingual-pr check`` end to end: inputs, exit codes, --fail-on, --profile, reports and --annotate."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from conftest import fixture_path

GLOSSARY = str(fixture_path("qa", "glossary.csv"))


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def test_clean_memory_exits_0():
    res = run(str(fixture_path("qa", "clean.tmx")), "-g", GLOSSARY)
    assert res.exit_code == 0, res.output
    assert "0 findings" in res.output


def test_findings_exit_1_and_are_listed():
    res = run(str(fixture_path("qa", "seeded.tmx")), "-g", GLOSSARY)
    assert res.exit_code == 1
    assert "seeded.tmx:u02: error: [term-forbidden]" in res.output


def test_fail_on_levels():
    tsv = str(fixture_path("qa", "inline21.xlf"))  # one error, one warning
    assert run(tsv, "--fail-on", "never").exit_code == 0
    assert run(tsv, "--fail-on", "error").exit_code == 1
    assert run(tsv, "--fail-on", "warning", "--checks", "untranslated").exit_code == 1
    assert run(tsv, "--fail-on", "error", "--checks", "untranslated").exit_code == 0


@pytest.mark.parametrize("args, needle", [
    (["missing.tmx"], "no such file"),
    (["{seeded}", "--report", "out.pdf"], "must end in .html, .csv or .json"),
    (["{seeded}", "--profile", "fr-BE"], "Invalid value"),
    (["{seeded}", "--checks", "grammar"], "unknown check family"),
    (["{seeded}", "--annotate", "{seeded}"], "also an input"),
    (["{tsv}", "--annotate", "x.tmx"], "needs a TMX or XLIFF"),
    (["a.txt", "b.txt", "c.txt"], "give one TMX/XLIFF/TSV file"),
])
def test_usage_and_input_errors_exit_2(tmp_path, args, needle, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    subst = {"{seeded}": str(fixture_path("qa", "seeded.tmx")), "{tsv}": str(fixture_path("qa", "pairs.tsv"))}
    res = run(*[subst.get(a, a) for a in args])
    assert res.exit_code == 2, res.output
    assert needle in res.output
    assert "Traceback" not in res.output


def test_malformed_xml_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><header srclang='en'/><body><tu>", encoding="utf-8")
    res = run(str(bad))
    assert res.exit_code == 2 and "malformed XML" in res.output


def test_profile_option_and_glossary_default(tmp_path):
    seeded = str(fixture_path("qa", "seeded.tmx"))
    out = tmp_path / "r.json"
    assert run(seeded, "--profile", "off", "-r", str(out)).exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["profile"] == "off"
    assert not any(f["family"] == "typography" for f in data["findings"])
    # A TBX glossary can carry the profile for French (bilingual-pr extension note).
    tbx = tmp_path / "g.tbx"
    tbx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tbx type="TBX-Basic" style="dca" xml:lang="en" '
        'xmlns="urn:iso:std:iso:30042:ed-2"><tbxHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc>'
        '<encodingDesc><p type="XCSURI">x</p></encodingDesc><note>bilingual-pr: typography.fr=fr-CH</note>'
        '</tbxHeader><text><body><conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>session</term>'
        '</termSec></langSec><langSec xml:lang="fr"><termSec><term>session</term></termSec></langSec>'
        '</conceptEntry></body></text></tbx>\n', encoding="utf-8")
    res = run(seeded, "-g", str(tbx), "-r", str(out))
    assert res.exit_code == 1, res.output
    assert json.loads(out.read_text(encoding="utf-8"))["profile"] == "fr-CH"


def test_tsv_xliff_and_document_pair_inputs(tmp_path):
    out = tmp_path / "r.json"
    assert run(str(fixture_path("qa", "pairs.tsv")), "-r", str(out)).exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["input"]["source_lang"] == "fr" and [f["check"] for f in data["findings"]] == ["number-mismatch"]
    assert run(str(fixture_path("qa", "inline12.xlf")), "-r", str(out)).exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(f["unit"]["id"], f["check"]) for f in data["findings"]] == [("t2", "tag-mismatch"),
                                                                       ("t3", "placeholder-mismatch")]
    res = run(str(fixture_path("qa", "release.fr.txt")), str(fixture_path("qa", "release.en.txt")),
              "-g", GLOSSARY, "-r", str(out))
    assert res.exit_code == 1, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["input"]["units"] == 4
    assert [f["check"] for f in data["findings"]] == ["number-mismatch"]
    assert "120" in data["findings"][0]["message"]


def test_annotate_tmx_writes_props(tmp_path):
    from bilingual_pr.formats.tmx import read_tmx

    out = tmp_path / "annotated.tmx"
    res = run(str(fixture_path("qa", "seeded.tmx")), "-g", GLOSSARY, "--annotate", str(out), "--fail-on", "never")
    assert res.exit_code == 0, res.output
    units = {u.tuid: u for u in read_tmx(out)}
    assert any(v.startswith("error term-forbidden:") for k, v in units["u02"].props if k == "x-qa")
    assert not any(k == "x-qa" for k, _ in units["u26"].props)


@pytest.mark.parametrize("name, note_tag", [("inline12.xlf", "note"), ("inline21.xlf", "note")])
def test_annotate_xliff_writes_notes(tmp_path, name, note_tag):
    from bilingual_pr.xmlsafe import parse_xml_file

    src = tmp_path / name
    shutil.copy(fixture_path("qa", name), src)
    before = src.read_bytes()
    out = tmp_path / ("annotated-" + name)
    assert run(str(src), "--annotate", str(out)).exit_code == 1
    assert src.read_bytes() == before
    root = parse_xml_file(out).getroot()
    notes = [n.text for n in root.iter("{*}" + note_tag)]
    assert any("tag-mismatch" in (t or "") for t in notes)
    if name == "inline12.xlf":
        tu = next(t for t in root.iter("{*}trans-unit") if t.get("id") == "t2")
        assert [c.tag.split("}")[1] for c in tu] == ["source", "target", "note"]
    else:
        unit = next(u for u in root.iter("{*}unit") if u.get("id") == "u2")
        assert unit[0].tag.endswith("notes")
