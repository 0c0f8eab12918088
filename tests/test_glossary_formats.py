"""Glossary formats: TBX v3, TBX 2008, CSV/TSV, OmegaT; round trips, schema validity, malformed input."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from interop import require_module
from lxml import etree

from bilingual_pr.errors import UserError
from bilingual_pr.glossary import Term, load_glossary, parse_glossary
from bilingual_pr.glossary.files import without_rejected
from bilingual_pr.glossary.csvio import omegat_tsv_text, parse_delimited
from bilingual_pr.glossary.lint import lint
from bilingual_pr.glossary.tbx import tbx_bytes

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).resolve().parent / "fixtures" / "glossary"
BUNDLED = ROOT / "glossaries" / "unog-cern.tbx"


# TBX-Basic's Schematron (xslt2) cannot run under lxml; these are its picklists, checked here instead.
_BASIC_TERMNOTES = {
    "administrativeStatus": {"admittedTerm-admn-sts", "deprecatedTerm-admn-sts", "supersededTerm-admn-sts",
                             "preferredTerm-admn-sts"},
    "partOfSpeech": {"adjective", "noun", "other", "verb", "adverb"},
    "grammaticalGender": {"masculine", "feminine", "neuter", "other"},
    "termType": {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"},
}


def _check_tbx_basic_picklists(tree: etree._ElementTree) -> None:
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    root = tree.getroot()
    assert root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    for note in root.iterfind(".//t:termNote", ns):
        assert note.getparent().tag == "{urn:iso:std:iso:30042:ed-2}termSec"
        assert note.text in _BASIC_TERMNOTES[note.get("type")], (note.get("type"), note.text)
    for d in root.iterfind(".//t:descrip", ns):
        assert d.get("type") in ("subjectField", "context", "definition")


def test_bundled_glossary_is_valid_tbx_basic(tbx_rng: etree.RelaxNG) -> None:
    tree = etree.parse(str(BUNDLED))
    assert tbx_rng.validate(tree), tbx_rng.error_log
    _check_tbx_basic_picklists(tree)
    g = load_glossary(BUNDLED)
    assert len(g.entries) >= 80
    assert g.typography("fr") == "fr-CH"
    assert lint(g) == []


def test_bundled_copy_in_package_data_is_identical() -> None:
    packaged = ROOT / "src" / "bilingual_pr" / "data" / "unog-cern.tbx"
    assert filecmp.cmp(BUNDLED, packaged, shallow=False), \
        "run: cp glossaries/unog-cern.tbx src/bilingual_pr/data/unog-cern.tbx"


def test_exports_shipped_for_omegat_are_current(tmp_path: Path) -> None:
    g = load_glossary(BUNDLED)
    # Made with: bilingual-pr glossary convert --approved-only glossaries/unog-cern.tbx glossaries/unog-cern.martif.tbx
    assert load_glossary(ROOT / "glossaries" / "unog-cern.martif.tbx").entries == without_rejected(g, "en").entries
    text, _ = omegat_tsv_text(g)
    assert (ROOT / "glossaries" / "unog-cern.utf8").read_text(encoding="utf-8") == text


def test_fixture_reads_every_category(tbx_rng: etree.RelaxNG) -> None:
    assert tbx_rng.validate(etree.parse(str(FIX / "mini.tbx")))
    g = load_glossary(FIX / "mini.tbx")
    assert g.dialect == "tbx-v3" and g.title == "Test glossary" and g.typography("fr") == "fr-CH"
    dg, cern = g.entries
    assert dg.subject == "UN system" and dg.note == "Head of an organization."
    fr = dg.terms_in("fr")
    assert fr[0] == Term("Directeur général", "fr", "preferred", "title", "noun", "masculine", "singular", None)
    assert fr[1].text == "Directrice générale" and fr[1].status == "admitted" and fr[1].gender == "feminine"
    en = {t.text: t for t in dg.terms_in("en")}
    assert en["Director General"].status == "deprecated"  # supersededTerm
    assert en["Director General"].note == "no hyphen: wrong for the UN title"
    assert en["DG"].status == "forbidden" and en["DG"].type == "abbreviation"
    assert cern.dnt and cern.terms[0].status == "admitted"
    assert [t.text for t in dg.approved("en")] == ["Director-General"]
    assert [t.text for t in dg.rejected("en")] == ["Director General", "DG"]


def test_martif_fixture_and_sample(standards: Path) -> None:
    g = load_glossary(FIX / "mini.martif.tbx")
    assert g.dialect == "tbx-2008"
    assert [e.id for e in g.entries] == ["e1", "e2"]
    assert g.entries[0].terms[0] == Term("Directeur général", "fr", "preferred")
    samples = standards / "samples"
    v3 = load_glossary(samples / "tbx3-basic_fr-en.valid.tbx")
    assert load_glossary(samples / "tbx2008-martif_fr-en.valid.tbx").entries == v3.entries
    assert [t.text for e in v3.entries for t in e.terms] == ["mémoire de traduction", "translation memory", "R&D", "R&D"]


@pytest.mark.translate_toolkit
def test_translate_toolkit_reads_the_martif_export() -> None:
    tbx = require_module("translate.storage.tbx")
    store = tbx.tbxfile(tbx_bytes(load_glossary(FIX / "mini.tbx"), "2008"))
    assert [(u.source, u.target, u.getid()) for u in store.units] == [
        ("Directeur général", "Director-General", "dg"), ("CERN", "CERN", "cern")]


def test_omegat_tsv_reading_and_writing() -> None:
    g = load_glossary(FIX / "omegat.utf8")
    assert g.dialect == "omegat-tsv"
    assert [(e.terms[0].text, e.terms[1].text, e.note) for e in g.entries] == [
        ("Office des Nations Unies à Genève", "United Nations Office at Geneva", "UNOG"),
        ("État membre", "Member State", None),
        ("Rapporteur spécial", "Special Rapporteur", "title; « guillemets » & <angle>"),
    ]
    text, skipped = omegat_tsv_text(g)
    assert skipped == 0
    assert parse_delimited(text, "x.utf8").entries == g.entries
    en_fr = parse_delimited(text, "x.utf8", source_lang="en", target_lang="fr")
    assert en_fr.entries[0].terms[0].lang == "en"


def test_omegat_export_of_statuses() -> None:
    g = load_glossary(FIX / "mini.tbx")
    text, _ = omegat_tsv_text(g)
    lines = text.splitlines()
    assert lines[0].startswith("#")
    assert "Directeur général\tDirector-General\tavoid: Director General, DG; Head of an organization." in lines
    assert "Directrice générale\tDirector-General\tfr term admitted; avoid: Director General, DG; " \
           "Head of an organization." in lines
    assert "CERN\tCERN\tdo not translate; fr term admitted" in lines


def test_wide_csv() -> None:
    g = load_glossary(FIX / "wide.csv")
    ms, hr, lhc = g.entries
    assert ms.id == "ms" and ms.subject == "UN system" and ms.note == "capital M and S in English"
    assert hr.terms[0] == Term("droits de l'Homme", "fr", "deprecated")
    assert lhc.dnt and not ms.dnt
    assert [f.code for f in lint(g)] == ["missing-language"]


# ----------------------------------------------------------------------------- malformed input

_V3 = ('<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">'
       '<tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>\n<text><body>\n{}\n'
       '</body></text></tbx>')


@pytest.mark.parametrize("body,message", [
    ('<conceptEntry id="a"><langSec xml:lang="fr"><termSec><termNote type="partOfSpeech">noun</termNote>'
     '</termSec></langSec></conceptEntry>', ":3: <termSec> without <term>"),
    ('<conceptEntry><langSec xml:lang="fr"><termSec><term>x</term></termSec></langSec></conceptEntry>',
     ":3: <conceptEntry> without the required id attribute"),
    ('<conceptEntry id="a"><langSec><termSec><term>x</term></termSec></langSec></conceptEntry>',
     ":3: <langSec> without xml:lang in entry a"),
    ('<conceptEntry id="a"><langSec xml:lang="fr"><termSec><term> </term></termSec></langSec></conceptEntry>',
     ":3: empty <term>"),
    ('<termEntry id="a"/>', ":3: unexpected <termEntry> in <body> (a TBX 2008 element in a TBX v3 file?)"),
    ('<conceptEntry id="a"><descrip type="subjectField">x</descrip></conceptEntry>', ":3: entry a has no <langSec>"),
    ('<conceptEntry id="a"><langSec xml:lang="fr"><termSec><term>x & y</term></termSec></langSec></conceptEntry>',
     ":3: malformed XML"),
])
def test_malformed_tbx_gives_one_line_with_location(body: str, message: str) -> None:
    with pytest.raises(UserError) as err:
        parse_glossary(_V3.format(body).encode(), "g.tbx")
    assert str(err.value).startswith("g.tbx") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_shared_invalid_sample_is_refused(standards: Path) -> None:
    with pytest.raises(UserError, match=r"tbx3_no-term\.invalid\.tbx:\d+: "):
        load_glossary(standards / "samples" / "tbx3_no-term.invalid.tbx")


def test_other_malformed_inputs(tmp_path: Path) -> None:
    cases = {
        "root.tbx": (b"<tmx version='1.4'/>", "not a TBX file (root element <tmx>"),
        "ns.tbx": (b"<tbx type='TBX-Basic'/>", "must be in namespace"),
        "entity.tbx": (b"<!DOCTYPE tbx [<!ENTITY a 'b'>]><tbx/>", "entity declarations"),
        "latin1.csv": ("id,lang,term\na,fr,État\n".encode("latin-1"), "latin1.csv:2: not UTF-8"),
        "cells.csv": (b"id,lang,term\na,fr,x,y,z\n", "cells.csv:2: 5 cells but the header names 3 columns"),
        "noterm.csv": (b"id,lang,term\na,fr,\n", "noterm.csv:2: empty term"),
        "quote.csv": (b'id,lang,term\na,fr,"x\n', "quote.csv:"),
        "notarget.utf8": (b"# c\nbonjour\n", "notarget.utf8:2: source term 'bonjour' has no target term"),
        "empty.tbx": (b"\n", "empty.tbx: empty file, not a glossary"),
    }
    for name, (data, message) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(UserError) as err:
            load_glossary(p)
        assert message in str(err.value), (name, str(err.value))
    with pytest.raises(UserError, match="no such file"):
        load_glossary(tmp_path / "missing.tbx")


def test_unknown_values_are_kept_out_and_reported() -> None:
    body = ('<conceptEntry id="a"><langSec xml:lang="fr"><termSec><term>x</term>'
            '<termNote type="administrativeStatus">probablyTerm</termNote>'
            '<termNote type="partOfSpeech">nounish</termNote></termSec></langSec>'
            '<langSec xml:lang="en"><termSec><term>y</term></termSec></langSec></conceptEntry>')
    g = parse_glossary(_V3.format(body).encode(), "g.tbx")
    assert g.entries[0].terms[0].status == "admitted" and g.entries[0].terms[0].pos is None
    assert [(i.code, i.where) for i in g.issues] == [("unknown-status", "g.tbx:3"), ("unknown-pos", "g.tbx:3")]
