"""SRX 2.0 rules: loading, regex translation, rule order and cascade, errors, CLI, properties."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from interop import require_module
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.cli import main
from bilingual_pr.errors import UserError
from bilingual_pr.formats.srx import parse_srx_bytes, translate_regex
from bilingual_pr.segment import default_rules, load_srx, segment_strings, segment_text

FIX = Path(__file__).resolve().parent / "fixtures" / "segment"


def _srx(body_rules: str, maps: str = '<languagemap languagepattern=".*" languagerulename="R"/>',
         cascade: str = "yes") -> bytes:
    return f"""<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="{cascade}"/>
  <body><languagerules><languagerule languagerulename="R">{body_rules}</languagerule></languagerules>
  <maprules>{maps}</maprules></body></srx>""".encode()


# --------------------------------------------------------------------------- loading


def test_shared_sample_loads_and_segments(standards: Path) -> None:
    rules = load_srx(standards / "samples" / "srx20_fr.valid.srx")
    assert rules.cascade is True
    assert [lr.name for lr in rules.language_rules] == ["French", "Default"]
    assert len(rules.rules_for("fr-FR")) == 4 and len(rules.rules_for("en")) == 1
    text = "M. Dupont arrive… et repart. Il dit « oui.\u00a0» Fin."
    assert segment_strings(text, "fr", rules) == ["M. Dupont arrive… et repart.", "Il dit « oui.\u00a0»", "Fin."]
    # English only gets the Default rule: "M." breaks there.
    assert segment_strings("M. Dupont arrive.", "en", rules) == ["M.", "Dupont arrive."]


def test_shared_invalid_sample_is_refused(standards: Path) -> None:
    with pytest.raises(UserError, match=r"srx20_bad\.invalid\.srx:5: <header> cascade"):
        load_srx(standards / "samples" / "srx20_bad.invalid.srx")


def test_shipped_rules_load_and_validate_against_schema(standards: Path) -> None:
    from lxml import etree

    from bilingual_pr.xmlsafe import parse_xml_file

    rules = default_rules()
    assert {lr.name for lr in rules.language_rules} == {"French", "English", "Common"}
    assert rules.rules_for("fr") and rules.rules_for("en-GB")
    xsd = parse_xml_file(standards / "srx" / "srx20.xsd")
    for imp in xsd.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        imp.set("schemaLocation", (standards / "xml" / "xml.xsd").as_uri())  # offline copy
    schema = etree.XMLSchema(xsd)
    data = resources.files("bilingual_pr").joinpath("data", "bilingual-pr.srx").read_bytes()
    from bilingual_pr.xmlsafe import parse_xml_bytes

    assert schema.validate(parse_xml_bytes(data)), schema.error_log


def test_custom_file_cascade_off_uses_first_matching_map() -> None:
    rules = load_srx(FIX / "custom.valid.srx")
    assert rules.cascade is False
    text = "Voir Art. 3 du texte; Ensuite. Fin!"
    # French: only "Semicolons" (no Fallback), so "!" does not break; "Art." is protected.
    assert segment_strings(text, "fr", rules) == ["Voir Art. 3 du texte;", "Ensuite.", "Fin!"]
    # English: only "EnglishOnly": breaks after "!" alone.
    assert segment_strings("One. Two! Three.", "en", rules) == ["One. Two!", "Three."]
    # Any other language falls through to Fallback.
    assert segment_strings("One. Two.", "de", rules) == ["One.", "Two."]


def test_cascade_on_concatenates_rules_in_map_order() -> None:
    data = """<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="yes"/>
  <body><languagerules>
    <languagerule languagerulename="A"><rule break="no"><beforebreak>Dr\\.</beforebreak><afterbreak>\\s</afterbreak></rule></languagerule>
    <languagerule languagerulename="B"><rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule></languagerule>
  </languagerules><maprules>
    <languagemap languagepattern="fr.*" languagerulename="A"/>
    <languagemap languagepattern=".*" languagerulename="B"/>
  </maprules></body></srx>""".encode()
    rules = parse_srx_bytes(data)
    assert segment_strings("Le Dr. Roth. Fin.", "fr", rules) == ["Le Dr. Roth.", "Fin."]
    assert segment_strings("Le Dr. Roth. Fin.", "en", rules) == ["Le Dr.", "Roth.", "Fin."]


def test_first_rule_wins() -> None:
    no_first = _srx('<rule break="no"><beforebreak>X\\.</beforebreak><afterbreak>\\s</afterbreak></rule>'
                    '<rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>')
    yes_first = _srx('<rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>'
                     '<rule break="no"><beforebreak>X\\.</beforebreak><afterbreak>\\s</afterbreak></rule>')
    text = "A X. B. C"
    assert segment_strings(text, "fr", parse_srx_bytes(no_first)) == ["A X. B.", "C"]
    assert segment_strings(text, "fr", parse_srx_bytes(yes_first)) == ["A X.", "B.", "C"]


def test_rule_without_afterbreak_and_default_break_attribute() -> None:
    rules = parse_srx_bytes(_srx("<rule><beforebreak>;</beforebreak></rule>"))
    assert segment_strings("a;b;c", "en", rules) == ["a;", "b;", "c"]


@pytest.mark.parametrize("name,message", [
    ("broken-xml.invalid.srx", "malformed XML"),
    ("bad-regex.invalid.srx", r"bad-regex\.invalid\.srx:7: <beforebreak> '\[\.!\?'"),
    ("unknown-rule.invalid.srx", "unknown languagerule 'Francais'"),
])
def test_malformed_files_give_one_line_errors(name: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as info:
        load_srx(FIX / name)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("data,message", [
    (b"<srx version='2.0'/>", "exactly one <header>"),
    (b"<rules/>", "not an SRX file"),
    (_srx('<rule break="maybe"><beforebreak>x</beforebreak></rule>'), 'break must be "yes" or "no"'),
    (_srx("<rule><beforebreak>\\p{Klingon}</beforebreak></rule>"), "unsupported Unicode property"),
    (_srx("", maps=""), "has no <rule>"),
    (_srx("<rule><beforebreak>a</beforebreak></rule>", maps=""), "no <languagemap>"),
    (_srx("<rule><beforebreak>a</beforebreak></rule>").replace(b'version="2.0"', b'version="1.0"'), "version"),
])
def test_structural_errors(data: bytes, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_srx_bytes(data, "t.srx")


def test_language_without_rules_is_an_error() -> None:
    rules = parse_srx_bytes(_srx("<rule><beforebreak>a</beforebreak></rule>",
                                 maps='<languagemap languagepattern="de.*" languagerulename="R"/>'), "de.srx")
    with pytest.raises(UserError, match="de.srx: no <languagemap> matches language 'fr'"):
        segment_text("Un. Deux.", "fr", rules)


def test_missing_file() -> None:
    with pytest.raises(UserError, match="no such file"):
        load_srx(FIX / "nope.srx")


# --------------------------------------------------------------------------- regex translation


@pytest.mark.parametrize("java,matches,rejects", [
    (r"\p{Lu}\p{Ll}+", "Élan", "élan"),
    (r"[\p{Lu}\d]", "7", "a"),
    (r"\P{L}", "7", "a"),
    (r"a(?i)bc", "aBC", "ABC"),
    (r"a(?i)b|c", "C", "A"),
    (r"\x{00E9}t\u00E9", "été", "ete"),
    (r"\Qa.b\E", "a.b", "axb"),
    (r"(?<n>o)\k<n>", "oo", "oa"),
    (r"[\p{L}&&[^rwn]]", "a", "r"),
    (r"[a-c[x-z]]", "y", "d"),
    (r"[\d-]+", "1-2", "a"),
    (r"(?<=a|bc)d", "d", "x"),
    (r"\h", "\u00a0", "\n"),
])
def test_translate_java_regex(java: str, matches: str, rejects: str) -> None:
    rx = re.compile(translate_regex(java))
    if java.startswith("(?<="):
        assert rx.search("bcd") and rx.search("ad") and not rx.search("xd")
        return
    assert rx.fullmatch(matches)
    assert not rx.fullmatch(rejects)


def test_variable_length_lookbehind_falls_back_to_regex_module() -> None:
    require_module("regex")
    rules = parse_srx_bytes(_srx(
        '<rule break="no"><beforebreak>(?&lt;=\\b[IVX]+)\\.</beforebreak><afterbreak>\\s</afterbreak></rule>'
        '<rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>'))
    assert segment_strings("Part XIV. Text. End", "en", rules) == ["Part XIV. Text.", "End"]


# --------------------------------------------------------------------------- CLI


def test_cli_segment_stdout_and_json(tmp_path: Path) -> None:
    src = tmp_path / "c.fr.txt"
    src.write_text("Titre du communiqué\n\nM. Martin est venu. Il est reparti.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["segment", str(src), "--lang", "fr"])
    assert res.exit_code == 0, res.output
    assert res.output == "Titre du communiqué\nM. Martin est venu.\nIl est reparti.\n"
    res = CliRunner().invoke(main, ["segment", str(src), "--lang", "fr", "--format", "json"])
    data = json.loads(res.output)
    text = src.read_text(encoding="utf-8")
    assert [(s["block"], text[s["start"]:s["end"]]) for s in data["sentences"]] == [
        (0, "Titre du communiqué"), (1, "M. Martin est venu."), (1, "Il est reparti.")]


def test_cli_segment_output_file_and_srx(tmp_path: Path) -> None:
    src = tmp_path / "c.en.txt"
    src.write_text("See Art. 3 now; Then stop. Done.\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    res = CliRunner().invoke(main, ["segment", str(src), "--lang", "fr", "-o", str(out),
                                    "--srx", str(FIX / "custom.valid.srx")])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") == "See Art. 3 now;\nThen stop.\nDone.\n"


def test_cli_segment_bad_srx_is_one_line_exit_2(tmp_path: Path) -> None:
    src = tmp_path / "c.fr.txt"
    src.write_text("Bonjour. Au revoir.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["segment", str(src), "--lang", "fr", "--srx", str(FIX / "broken-xml.invalid.srx")])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and "malformed XML" in res.output


def test_cli_refuses_to_overwrite_input(tmp_path: Path) -> None:
    src = tmp_path / "c.fr.txt"
    src.write_text("Bonjour. Au revoir.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["segment", str(src), "--lang", "fr", "-o", str(src)])
    assert res.exit_code == 2
    assert src.read_text(encoding="utf-8") == "Bonjour. Au revoir.\n"


# --------------------------------------------------------------------------- properties

_PIECES = st.sampled_from([
    "M.", "Mme", "Mr.", "Dr.", "J.", "F.", "U.S.", "e.g.", "etc.", "p.m.", "1.5", "1 000,5", "A/HRC/55/1",
    "www.unog.ch", "press@cern.ch", "https://home.cern/x?Id=1", "Le", "la", "The", "word", "ambitieux.Aujourd",
    ".", "!", "?", "…", "...", "«", "»", "“", "”", "(", ")", "[…]", ":)", ";", ":", "1.", "iv.", "\u00a0", "\u202f",
    "\n", " ", "  ", "\t", "'", "’", "é", "É", "-",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(" ".join), st.sampled_from(["fr", "en"]))
def test_segments_cover_the_text_in_order(text: str, lang: str) -> None:
    spans = segment_text(text, lang)
    assert re.sub(r"\s", "", "".join(text[s:e] for s, e in spans)) == re.sub(r"\s", "", text)
    prev_end = 0
    for s, e in spans:
        assert prev_end <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        prev_end = e


# --------------------------------------------------------------------------- hostile rules

# Catastrophic backtracking with Python's re: `segment --srx` and `draft --srx` used to hang forever.
_NESTED = _srx('<rule break="yes"><beforebreak>(?:[a-zA-Zéèàç]+\\s?)+;;</beforebreak><afterbreak>\\s</afterbreak></rule>'
               '<rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>')
# Exponential even for the backtracking guards of the regex module: only the time bound stops it.
_BOUNDED_REPEAT = _srx('<rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n'
                       '<rule break="yes"><beforebreak>(?:[a-z]{1,3}\\s?){1,60}(?:x|;;)</beforebreak>'
                       '<afterbreak></afterbreak></rule>')
_LONG_SENTENCE = ("Le Conseil des droits de l homme a adopte une resolution sur la situation au pays et ailleurs "
                  "dans le monde entier apres un long debat en seance publique. Fin ;;\n")


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    return subprocess.run([sys.executable, "-m", "bilingual_pr", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.mark.parametrize("command", ["segment", "draft"])
def test_a_backtracking_rule_does_not_hang(tmp_path: Path, command: str) -> None:
    srx = tmp_path / "nested.srx"
    srx.write_bytes(_NESTED)
    text = tmp_path / "in.txt"
    text.write_text(_LONG_SENTENCE, encoding="utf-8")
    args = ["segment", str(text), "--lang", "fr"] if command == "segment" else \
        ["draft", str(text), "--from", "fr", "--to", "en", "--no-mt", "-o", str(tmp_path / "out.txt")]
    start = time.monotonic()
    res = _cli(*args, "--srx", str(srx), timeout=30)
    assert time.monotonic() - start < 20
    assert res.returncode == 0, res.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", ["segment", "draft"])
def test_a_rule_past_the_time_bound_fails_in_one_line_naming_it(tmp_path: Path, command: str) -> None:
    srx = tmp_path / "slow.srx"
    srx.write_bytes(_BOUNDED_REPEAT)
    text = tmp_path / "in.txt"
    text.write_text(_LONG_SENTENCE, encoding="utf-8")
    out = tmp_path / "out.txt"
    args = ["segment", str(text), "--lang", "fr"] if command == "segment" else \
        ["draft", str(text), "--from", "fr", "--to", "en", "--no-mt", "-o", str(out)]
    start = time.monotonic()
    res = _cli(*args, "--srx", str(srx), timeout=60)
    assert time.monotonic() - start < 30
    assert res.returncode == 2, res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert re.search(r"slow\.srx:5: rule 2 .*\{1,3\}.*took longer than", res.stderr), res.stderr
    assert not out.exists()
