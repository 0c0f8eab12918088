"""The one XLIFF reader (formats.xliff.read_xliff): inline codes, states, ids and languages, streamed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import InlineCode, TaggedUnit, TranslationUnit
from bilingual_pr.formats.xliff import read_xliff, source_placeholder, xliff_languages

X12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="dg.html" datatype="html" source-language="fr-CH" target-language="en-GB">
  <header><tool tool-id="t1" tool-name="argos"/></header>
  <body>
   <group id="b1">
    <trans-unit id="1">
     <source>Le <g id="1">Conseil</g> se réunit<x id="2"/> à Genève.</source>
     <target state="translated">The <g id="1">Council</g> meets<x id="2"/> in Geneva.</target>
    </trans-unit>
    <trans-unit id="2">
     <source><bx id="3"/>Communiqué<ex id="3"/> du <ph id="4">&lt;br/&gt;</ph>CERN</source>
     <target state="needs-review-translation" state-qualifier="mt-suggestion"><bx id="3"/>Release<ex id="3"/> from <ph id="4">&lt;br/&gt;</ph>CERN</target>
     <note>checked by the desk</note>
     <alt-trans tool-id="t1" match-quality="87"><target>Release from CERN</target></alt-trans>
    </trans-unit>
   </group>
   <trans-unit id="3">
    <source>La séance est levée.</source>
    <target state="needs-translation">La séance est levée.</target>
   </trans-unit>
   <trans-unit id="4">
    <source>Fin du communiqué.</source>
   </trans-unit>
  </body>
 </file>
</xliff>
"""

X21 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.1" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="fr" trgLang="en">
 <file id="f1">
  <unit id="u1">
   <notes><note>a press note</note></notes>
   <segment state="reviewed">
    <source>Le <pc id="1">Directeur général</pc> a parlé<ph id="2"/>.</source>
    <target>The <pc id="1">Director-General</pc> spoke<ph id="2"/>.</target>
   </segment>
   <segment id="s2">
    <source><sc id="3"/>Genève<ec startRef="3"/>, le 3 mai</source>
    <target><sc id="3"/>Geneva<ec startRef="3"/>, 3 May</target>
   </segment>
  </unit>
  <unit id="u2">
   <segment><source>Sans traduction.</source></segment>
  </unit>
 </file>
</xliff>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_xliff12_units_keep_g_x_bx_ex_and_ph_apart_from_the_text(tmp_path):
    units = list(read_xliff(_write(tmp_path, "a.xlf", X12)))
    assert all(isinstance(u, TaggedUnit) and isinstance(u, TranslationUnit) for u in units)
    first, second = units[0], units[1]
    assert first.source == "Le Conseil se réunit à Genève."
    assert first.source_codes == (InlineCode("g-open", "1", 3), InlineCode("g-close", "1", 10),
                                  InlineCode("x", "2", 20))
    assert first.target == "The Council meets in Geneva."
    assert [c.kind for c in first.target_codes] == ["g-open", "g-close", "x"]
    # The native code inside <ph> is not text to translate.
    assert second.source == "Communiqué du CERN"
    assert second.source_codes == (InlineCode("bx", "3", 0), InlineCode("ex", "3", 10), InlineCode("ph", "4", 14))
    assert [c.kind for c in second.target_codes] == ["bx", "ex", "ph"]


def test_xliff12_reports_state_ids_origin_notes_and_languages(tmp_path):
    units = list(read_xliff(_write(tmp_path, "a.xlf", X12)))
    assert [u.tuid for u in units] == ["1", "2", "3", "4"]
    assert [u.state for u in units] == ["translated", "needs-review-translation", "needs-translation", "new"]
    assert units[1].prop("x-origin") == "mt" and units[1].prop("x-engine") == "argos"
    assert units[1].prop("x-match-quality") == "87"
    assert units[1].notes == ("checked by the desk",)
    assert (units[0].source_lang, units[0].target_lang) == ("fr-CH", "en-GB")
    assert xliff_languages(tmp_path / "a.xlf") == ("fr-CH", "en-GB")


def test_a_target_that_repeats_its_source_for_omegat_reads_as_untranslated(tmp_path):
    assert source_placeholder("needs-translation", "Fin.", "Fin.")
    assert not source_placeholder("translated", "Fin.", "Fin.")
    assert not source_placeholder("needs-translation", "Fin.", "End.")
    units = list(read_xliff(_write(tmp_path, "a.xlf", X12)))
    assert (units[2].target, units[2].target_codes, units[2].prop("x-origin")) == ("", (), "untranslated")
    assert (units[3].target, units[3].prop("x-origin")) == ("", "untranslated")


def test_xliff21_units_keep_pc_ph_sc_and_ec_and_number_unnamed_segments(tmp_path):
    units = list(read_xliff(_write(tmp_path, "b.xlf", X21)))
    assert [u.tuid for u in units] == ["u1/1", "s2", "u2/1"]
    assert units[0].source == "Le Directeur général a parlé."
    assert units[0].source_codes == (InlineCode("pc-open", "1", 3), InlineCode("pc-close", "1", 20),
                                     InlineCode("ph", "2", 28))
    assert units[1].source == "Genève, le 3 mai"
    assert units[1].source_codes == (InlineCode("sc", "3", 0), InlineCode("ec", "3", 6))
    assert [c.kind for c in units[1].target_codes] == ["sc", "ec"]
    assert [u.state for u in units] == ["reviewed", "initial", "initial"]
    assert units[2].prop("x-origin") == "untranslated" and units[2].target == ""
    assert units[0].notes == ("a press note",)
    assert (units[0].source_lang, units[0].target_lang) == ("fr", "en")


def test_the_reader_streams_units_before_the_file_ends(tmp_path):
    # A file cut after its first unit still yields that unit before the error, as a stream does.
    cut = X12[:X12.index('<trans-unit id="2">')]
    units = []
    with pytest.raises(UserError):
        for unit in read_xliff(_write(tmp_path, "cut.xlf", cut)):
            units.append(unit)
    assert [u.tuid for u in units] == ["1"]


def test_xliff_without_namespace_and_later_files_keep_their_languages(tmp_path):
    text = """<xliff version="1.2">
     <file source-language="fr" target-language="en"><body>
      <trans-unit id="a"><source>Un.</source><target>One.</target></trans-unit></body></file>
     <file source-language="en" target-language="fr"><body>
      <trans-unit id="b"><source>Two.</source><target>Deux.</target></trans-unit></body></file>
    </xliff>"""
    units = list(read_xliff(_write(tmp_path, "n.xlf", text)))
    assert [(u.tuid, u.source_lang, u.target_lang) for u in units] == [("a", "fr", "en"), ("b", "en", "fr")]


def test_other_xml_is_refused_in_one_line(tmp_path):
    path = _write(tmp_path, "t.xlf", "<tmx version='1.4'><body/></tmx>")
    with pytest.raises(UserError, match="not an XLIFF"):
        list(read_xliff(path))
    with pytest.raises(UserError, match="not an XLIFF"):
        xliff_languages(path)


def test_check_reads_xliff_through_the_same_reader(tmp_path):
    from bilingual_pr.qa.inputs import open_input

    source = open_input([_write(tmp_path, "a.xlf", X12)])
    segments = list(source.read())
    units = list(read_xliff(tmp_path / "a.xlf"))
    assert [(s.id, s.source, s.target, s.source_codes, s.target_codes) for s in segments] == [
        (u.tuid, u.source, u.target, u.source_codes, u.target_codes) for u in units]
    assert (source.source_lang, source.target_lang) == ("fr", "en")
    assert {s.doc for s in segments} == {"a.xlf"}


def test_check_refuses_an_entity_of_an_external_dtd_instead_of_dropping_its_text(tmp_path):
    from click.testing import CliRunner

    from bilingual_pr.cli import main

    path = _write(tmp_path, "ext.xlf", X12.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                                                   "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff SYSTEM \"nowhere.dtd\">")
                  .replace("se réunit", "se &nbsp; réunit"))
    res = CliRunner().invoke(main, ["check", str(path), "--fail-on", "never"])
    assert res.exit_code == 2
    assert "entity reference &nbsp; is not accepted" in res.output
