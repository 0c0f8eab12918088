"""check --fix: a copy with only French spacing and doubled spaces corrected, every other byte the input's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.qa.fix import fix_tmx, fix_tsv
from bilingual_pr.qa.inputs import open_input
from bilingual_pr.qa.runner import run_checks

NBSP, NNBSP = "\u00a0", "\u202f"
FIXED_CHECKS = {"typo-space-before", "typo-guillemets", "typo-en-space", "double-space"}

# English -> French units written for this test; one TU with a prop and a note, inline codes, a character
# reference in an untouched unit, a comment that holds "<seg>", an edit that would straddle an inline code.
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Memory of the CERN and UNOG releases, December 2026 -->
<tmx version="1.4">
  <header creationtool="hand" creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en-GB"
          srclang="en-GB" datatype="plaintext">
    <note>Kept as&#160;is.</note>
  </header>
  <body>
    <tu tuid="a1" creationdate="20261201T100000Z">
      <prop type="x-source-doc">DG26-014</prop>
      <note>Checked by the Geneva desk.</note>
      <tuv xml:lang="en-GB"><seg>Geneva: the Council opens its session.</seg></tuv>
      <tuv xml:lang="fr-CH"><seg>Genève : le Conseil ouvre sa session.</seg></tuv>
    </tu>
    <!-- an old draft: <seg>Est-ce  vrai ?</seg> -->
    <tu tuid="a2">
      <tuv xml:lang="en-GB"><seg>Is it  true?</seg></tuv>
      <tuv xml:lang="fr-CH"><seg>Est-ce  vrai ?</seg></tuv>
    </tu>
    <tu tuid="a3">
      <tuv xml:lang="en-GB"><seg>The <bpt i="1">&lt;b&gt;</bpt>CERN<ept i="1">&lt;/b&gt;</ept> announces "a discovery".</seg></tuv>
      <tuv xml:lang="fr-CH"><seg>Le <bpt i="1">&lt;b&gt;</bpt>CERN<ept i="1">&lt;/b&gt;</ept> annonce « une découverte ».</seg></tuv>
    </tu>
    <tu tuid="a4">
      <tuv xml:lang="en-GB"><seg>The report has 12 pages.</seg></tuv>
      <tuv xml:lang="fr-CH"><seg>Le rapport compte 12&#160;pages.</seg></tuv>
    </tu>
    <tu tuid="a5">
      <tuv xml:lang="en-GB"><seg>The vote <ph x="1"/>; then the meeting.</seg></tuv>
      <tuv xml:lang="fr-CH"><seg>Le vote <ph x="1"/> ; puis la séance.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def _check(path: Path):
    return run_checks(open_input([path]).read, input_name=path.name)


def test_fix_tmx_changes_only_the_flagged_spaces_and_keeps_every_other_byte(tmp_path):
    src = tmp_path / "m.tmx"
    src.write_bytes(TMX.encode("utf-8"))
    before = _check(src)
    assert {f.check for f in before.findings} >= {"typo-space-before", "typo-guillemets", "double-space"}
    out = tmp_path / "fixed.tmx"
    changes = fix_tmx(src, out, "en", "fr", "fr-FR")
    assert src.read_bytes() == TMX.encode("utf-8")  # the input is never touched
    expected = (TMX.replace("<seg>Genève : le", f"<seg>Genève{NBSP}: le")
                .replace("<seg>Est-ce  vrai ?</seg></tuv>", f"<seg>Est-ce vrai{NNBSP}?</seg></tuv>")
                .replace("« une découverte »", f"«{NBSP}une découverte{NBSP}»"))
    assert expected.count(NBSP) == 3 and expected.count(NNBSP) == 1
    # Byte for byte: declaration, comments (the one holding <seg> too), header, props, notes, inline
    # codes, the character reference of an untouched unit, the source side's doubled space.
    assert out.read_text(encoding="utf-8") == expected
    assert [(c.unit, c.side, c.check) for c in changes] == [
        ("tuid a1", "target", "typo-space-before"), ("tuid a2", "target", "double-space"),
        ("tuid a2", "target", "typo-space-before"), ("tuid a3", "target", "typo-guillemets"),
        ("tuid a3", "target", "typo-guillemets")]
    assert changes[0].before == "Genève : le Conseil" and changes[0].after == "Genève[NBSP]: le Conseil"
    # What was fixed is not found again; a5's space straddles an inline code and is left as it was.
    after = _check(out)
    left = [(after.segments[f.unit].id, f.check) for f in after.findings if f.check in FIXED_CHECKS]
    assert sorted(left) == [("a5", "double-space"), ("a5", "typo-space-before")]
    assert [f.check for f in after.findings if f.check not in FIXED_CHECKS] == [
        f.check for f in before.findings if f.check not in FIXED_CHECKS]
    # A second pass has nothing left to do and copies the file as is.
    again = tmp_path / "again.tmx"
    assert fix_tmx(out, again, "en", "fr", "fr-FR") == []
    assert again.read_bytes() == out.read_bytes()


def test_fix_follows_the_profile_and_the_french_side(tmp_path):
    src = tmp_path / "fr-en.tmx"
    src.write_text(TMX, encoding="utf-8")
    # French -> English: the French source's spacing is fixed; the English target loses its spaces before ; : ! ?
    changes = fix_tmx(src, tmp_path / "out.tmx", "fr", "en", "fr-CH")
    text = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert "<seg>Est-ce  vrai?</seg>" in text  # fr-CH: no space before ?, and no doubled-space fix on a source
    assert "<seg>Is it true?</seg>" in text and f"<seg>Genève{NBSP}: le" in text
    assert {c.side for c in changes} == {"source", "target"}
    none = fix_tmx(src, tmp_path / "off.tmx", "fr", "en", "off")
    assert {c.check for c in none} == {"double-space"}


def test_fix_tsv_rewrites_only_the_edited_cells(tmp_path):
    raw = ("# Pairs of the UNOG release DG26-014\r\nen\tfr\r\n\r\nThe session opens.\tLa session  s'ouvre.\tu1\r\n"
           "Why?\tPourquoi ?\tu2\r\nThe report.\tLe rapport.\tu3")
    src = tmp_path / "p.tsv"
    src.write_bytes(raw.encode("utf-8"))
    changes = fix_tsv(src, tmp_path / "out.tsv", "en", "fr", "fr-FR")
    assert (tmp_path / "out.tsv").read_bytes() == raw.replace("session  s'", "session s'").replace(
        "Pourquoi ?", f"Pourquoi{NNBSP}?").encode("utf-8")
    assert [(c.unit, c.check) for c in changes] == [("u1", "double-space"), ("u2", "typo-space-before")]


def test_check_fix_on_the_command_line_lists_each_change(tmp_path):
    src = tmp_path / "m.tmx"
    src.write_bytes(TMX.encode("utf-8"))
    out = tmp_path / "fixed.tmx"
    res = CliRunner().invoke(main, ["check", str(src), "--fix", str(out), "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    fixed = [line for line in res.stdout.splitlines() if ": fixed " in line]
    assert fixed[0] == f'{src}: fixed tuid a1 target: [typo-space-before] "Genève : le Conseil" -> "Genève[NBSP]: le Conseil"'
    assert len(fixed) == 5 and "5 correction(s) in 3 unit(s) written to" in res.stderr
    assert out.read_text(encoding="utf-8").count(NBSP) == 3
    res = CliRunner().invoke(main, ["check", str(src), "--fix", str(src)])
    assert res.exit_code == 2  # never over the input
    fr, en = tmp_path / "r.fr.txt", tmp_path / "r.en.txt"
    fr.write_text("Le Conseil se réunit.\n", encoding="utf-8")
    en.write_text("The Council meets.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(fr), str(en), "--fix", str(tmp_path / "o.tmx")])
    assert res.exit_code == 2 and "--fix needs a TMX, XLIFF or TSV input" in res.output


def test_when_the_splice_cannot_be_trusted_the_edited_tree_is_written(tmp_path, monkeypatch):
    from bilingual_pr.qa import fix
    from bilingual_pr.xmlsafe import parse_xml_file

    src = tmp_path / "m.tmx"
    src.write_bytes(TMX.encode("utf-8"))
    monkeypatch.setattr(fix, "_contents", lambda text, names: [])  # as if the scanner found no <seg>
    changes = fix.fix_tmx(src, tmp_path / "out.tmx", "en", "fr", "fr-FR")
    assert len(changes) == 5
    assert (tmp_path / "out.tmx").read_text(encoding="utf-8").startswith("<?xml version='1.0'")  # lxml's own
    segs = [s.text for s in parse_xml_file(tmp_path / "out.tmx").iter("seg")]
    assert f"Genève{NBSP}: le Conseil ouvre sa session." in segs and f"Est-ce vrai{NNBSP}?" in segs


def test_a_changed_seg_keeps_its_character_references_and_other_spaces(tmp_path):
    raw = TMX.replace("<seg>Genève : le Conseil ouvre sa session.</seg>",
                      "<seg>Genève&#160;&#x2014; Genève : le Conseil&#160;ouvre sa session.</seg>")
    src = tmp_path / "m.tmx"
    src.write_bytes(raw.encode("utf-8"))
    fix_tmx(src, tmp_path / "out.tmx", "en", "fr", "fr-FR")
    text = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert f"<seg>Genève&#160;&#x2014; Genève{NBSP}: le Conseil&#160;ouvre sa session.</seg>" in text


XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="DG26-014.docx" source-language="en" target-language="fr-CH" datatype="plaintext">
    <body>
      <trans-unit id="1">
        <source>The <g id="1">Council</g> met: a first.</source>
        <target state="translated">Le <g id="1">Conseil</g> s'est réuni : une première.</target>
        <note from="desk">Geneva desk</note>
        <alt-trans><target>Le Conseil  s'est réuni.</target></alt-trans>
      </trans-unit>
      <trans-unit id="2">
        <source>Why <x id="2"/>now?</source>
        <target>Pourquoi <x id="2"/>maintenant ?</target>
      </trans-unit>
      <trans-unit id="3">
        <source>Fine.</source>
        <target>Bien.</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
  <file id="f1">
    <unit id="u1">
      <notes><note category="desk">CERN release</note></notes>
      <segment id="s1">
        <source>CERN <pc id="1">announces</pc> a result!</source>
        <target>Le CERN <pc id="1">annonce</pc> un  résultat !</target>
      </segment>
    </unit>
  </file>
</xliff>
"""


def test_fix_xliff_1_2_and_2_0_in_place(tmp_path):
    from bilingual_pr.qa.fix import fix_xliff

    src = tmp_path / "a.xlf"
    src.write_text(XLIFF12, encoding="utf-8")
    changes = fix_xliff(src, tmp_path / "a.out.xlf", "en", "fr", "fr-FR")
    # Inside and after inline codes; the alt-trans (not the unit's target) is left alone.
    assert (tmp_path / "a.out.xlf").read_text(encoding="utf-8") == XLIFF12.replace(
        "réuni : une", f"réuni{NBSP}: une").replace("maintenant ?", f"maintenant{NNBSP}?")
    assert [(c.unit, c.check) for c in changes] == [("1", "typo-space-before"), ("2", "typo-space-before")]
    src = tmp_path / "b.xlf"
    src.write_text(XLIFF20, encoding="utf-8")
    changes = fix_xliff(src, tmp_path / "b.out.xlf", "en", "fr", "fr-FR")
    assert (tmp_path / "b.out.xlf").read_text(encoding="utf-8") == XLIFF20.replace(
        "un  résultat !", f"un résultat{NNBSP}!")
    assert [c.unit for c in changes] == ["u1/s1", "u1/s1"]
    after = _check(tmp_path / "b.out.xlf")
    assert not [f for f in after.findings if f.check in FIXED_CHECKS]


def test_an_encoding_without_the_narrow_space_gets_the_tree_written(tmp_path):
    from bilingual_pr.xmlsafe import parse_xml_file

    raw = TMX.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    src = tmp_path / "latin1.tmx"
    src.write_bytes(raw.encode("iso-8859-1"))
    fix_tmx(src, tmp_path / "out.tmx", "en", "fr", "fr-FR")
    data = (tmp_path / "out.tmx").read_bytes()
    assert b"&#8239;" in data  # U+202F as a character reference: Latin-1 has no such character
    segs = [s.text for s in parse_xml_file(tmp_path / "out.tmx").iter("seg")]
    assert f"Est-ce vrai{NNBSP}?" in segs
