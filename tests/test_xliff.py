"""XLIFF 1.2 / 2.1 drafts: schema validity, states and origins, translate-toolkit, reading back."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from bilingual_pr.formats.xliff import XliffSegment, read_xliff, write_xliff, xliff_bytes
from bilingual_pr.xmlsafe import parse_xml_bytes, parse_xml_file

SEGMENTS = [
    XliffSegment("s1", "Le Comité a adopté trois résolutions.", "The Committee adopted three resolutions.",
                 "tm-context", "mem.tmx", 101.0, "Le Comité a adopté trois résolutions.", "b1"),
    XliffSegment("s2", "La réunion a lieu aujourd'hui.", "The meeting takes place today.", "tm-exact", "mem.tmx",
                 100.0, "La réunion a lieu aujourd'hui.", "b1"),
    XliffSegment("s3", "Le Comité a adopté deux résolutions.", "The Committee adopted three resolutions.",
                 "tm-fuzzy", "mem.tmx", 87.0, "Le Comité a adopté trois résolutions.", "b2"),
    XliffSegment("s4", "Si x < 3 & y > 2 : erreur !", "If x < 3 & y > 2: error!", "mt", "argos:translate-fr_en",
                 None, None, "b2", ("glossary missing-term: 'CERN' is missing",)),
    XliffSegment("s5", "Cette phrase reste à traduire.", None, "untranslated", None, None, None, "b3"),
]


def _schema12(standards: Path) -> etree.XMLSchema:
    # The strict XSD imports xml.xsd from w3.org; point it at the local copy.
    doc = parse_xml_file(standards / "xliff" / "1.2" / "xliff-core-1.2-strict.xsd")
    for imp in doc.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        if imp.get("namespace") == "http://www.w3.org/XML/1998/namespace":
            imp.set("schemaLocation", (standards / "xml" / "xml.xsd").as_uri())
    return etree.XMLSchema(doc)


def _schema21(standards: Path) -> etree.XMLSchema:
    # A driver schema importing the core and the two modules the drafts use.
    base = standards / "xliff" / "2.1"
    driver = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="urn:oasis:names:tc:xliff:document:2.0" schemaLocation="{(base / 'xliff_core_2.0.xsd').as_uri()}"/>
      <xs:import namespace="urn:oasis:names:tc:xliff:matches:2.0" schemaLocation="{(base / 'matches.xsd').as_uri()}"/>
      <xs:import namespace="urn:oasis:names:tc:xliff:metadata:2.0" schemaLocation="{(base / 'metadata.xsd').as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(parse_xml_bytes(driver.encode(), "driver.xsd"))


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_drafts_validate_and_the_invalid_samples_do_not(standards, version):
    schema = _schema12(standards) if version == "1.2" else _schema21(standards)
    tag = version.replace(".", "")
    assert schema.validate(parse_xml_file(standards / "samples" / f"xliff{tag}_mt-draft.valid.xlf"))
    assert not schema.validate(parse_xml_file(standards / "samples" / f"xliff{tag}_bad-state.invalid.xlf"))
    doc = parse_xml_bytes(xliff_bytes(SEGMENTS, "fr-FR", "en-GB", "in.txt", version, "0.1.0"))
    assert schema.validate(doc), schema.error_log


def test_xliff12_states_qualifiers_and_alt_trans():
    root = parse_xml_bytes(xliff_bytes(SEGMENTS, "fr-FR", "en-GB", "in.txt", "1.2")).getroot()
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    targets = root.findall(".//x:trans-unit/x:target", ns)
    assert [(t.get("state"), t.get("state-qualifier")) for t in targets] == [
        ("translated", "exact-match"), ("needs-review-translation", "exact-match"),
        ("needs-review-translation", "fuzzy-match"), ("needs-review-translation", "mt-suggestion"),
        ("needs-translation", None)]
    assert all(t.get("state") for t in targets)
    assert targets[4].text == SEGMENTS[4].source  # what OmegaT 3.6 offers for translation
    alts = root.findall(".//x:alt-trans", ns)
    assert [a.get("match-quality") for a in alts] == ["101", "100", "87", None]
    assert alts[3].get("origin") == "argos:translate-fr_en"
    tools = {t.get("tool-id"): t.get("tool-name") for t in root.iter("{%s}tool" % ns["x"])}
    assert tools[alts[3].get("tool-id")] == "argos:translate-fr_en"
    assert [g.get("id") for g in root.findall(".//x:group", ns)] == ["b1", "b2", "b3"]


def test_xliff21_states_and_candidates():
    root = parse_xml_bytes(xliff_bytes(SEGMENTS, "fr-FR", "en-GB", "in.txt", "2.1")).getroot()
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0", "mtc": "urn:oasis:names:tc:xliff:matches:2.0"}
    segs = root.findall(".//x:segment", ns)
    assert [s.get("state") for s in segs] == ["translated", "initial", "initial", "initial", "initial"]
    assert [s.get("subState") for s in segs][2:] == ["bilingual-pr:tm-fuzzy", "bilingual-pr:mt", "bilingual-pr:untranslated"]
    assert segs[4].find("x:target", ns) is None
    matches = root.findall(".//mtc:match", ns)
    assert [(m.get("type"), m.get("matchQuality"), m.get("ref")) for m in matches] == [
        ("tm", "100", "#s1"), ("tm", "100", "#s2"), ("tm", "87", "#s3"), ("mt", None, "#s4")]


def test_read_xliff_rejects_other_xml(tmp_path):
    from bilingual_pr.errors import UserError

    p = tmp_path / "x.xlf"
    p.write_text("<tmx version='1.4'/>", encoding="utf-8")
    with pytest.raises(UserError):
        list(read_xliff(p))


@pytest.mark.translate_toolkit
def test_translate_toolkit_reads_the_12_draft(tmp_path):
    from translate.storage import xliff

    path = tmp_path / "d.xlf"
    write_xliff(path, SEGMENTS, "fr-FR", "en-GB", "in.txt", "1.2")
    store = xliff.xlifffile.parsefile(str(path))
    units = [u for u in store.units if not u.isheader()]
    assert [u.source for u in units] == [s.source for s in SEGMENTS]
    # translate-toolkit: "translated" = state 100 but, without approved="yes"
    # (never set on drafts), still to review; needs-review-translation = 80.
    assert [u.get_state_n() for u in units] == [100, 80, 80, 80, 30]
    assert not any(u.isapproved() for u in units)
    # The untranslated sentence: its source copied into the target (for OmegaT 3.6), still untranslated.
    assert not units[4].istranslated() and units[4].target == SEGMENTS[4].source
    assert units[3].getalttrans()[0].target == "If x < 3 & y > 2: error!"


@pytest.mark.translate_toolkit
def test_translate_toolkit_reads_the_21_draft(tmp_path):
    from translate.storage import xliff2

    path = tmp_path / "d.xlf"
    write_xliff(path, SEGMENTS, "fr-FR", "en-GB", "in.txt", "2.1")
    store = xliff2.Xliff2File.parsefile(str(path))
    units = [u for u in store.units if not u.isheader()]
    assert [u.source for u in units] == [s.source for s in SEGMENTS]
    assert units[0].istranslated() and [u.isfuzzy() for u in units[1:4]] == [True, True, True]
