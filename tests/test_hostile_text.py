"""Hostile text inputs: every reader and the segmenter give a sensible result or one clear line."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.documents import read_document, read_text_string
from bilingual_pr.errors import UserError
from bilingual_pr.segment import segment_document, segment_text


def _cli_segment(path: Path, lang: str = "en"):
    return CliRunner().invoke(main, ["segment", str(path), "--lang", lang])


def _assert_clean_exit(res) -> None:
    assert res.exit_code in (0, 2), res.output
    assert "Traceback" not in res.output
    if res.exit_code == 2:
        assert res.output.strip().count("\n") == 0


@pytest.mark.parametrize("content", [b"", b" ", b"\n\n\n", b"\t \r\n \x0c"])
def test_empty_and_blank_files(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "blank.txt"
    p.write_bytes(content)
    with pytest.raises(UserError, match="empty"):
        read_document(p)
    res = _cli_segment(p)
    _assert_clean_exit(res)
    assert res.exit_code == 2


def test_megabyte_line_without_punctuation(tmp_path: Path) -> None:
    words = ("lorem ipsum dolor sit amet consectetur " * 30000)[:1_000_000]
    p = tmp_path / "long.txt"
    p.write_text(words, encoding="utf-8")
    t = time.perf_counter()
    doc = read_document(p)
    sents = segment_document(doc, "en")
    elapsed = time.perf_counter() - t
    assert len(sents) == 1
    assert sents[0].text == words.strip()
    assert elapsed < 30  # generous: a guard against catastrophic regex backtracking, not a benchmark


def test_megabyte_of_dots(tmp_path: Path) -> None:
    text = "A. " * 300_000
    spans = segment_text(text, "fr")
    assert spans and all(text[s:e].strip() for s, e in spans)


def test_nul_bytes_refused(tmp_path: Path) -> None:
    p = tmp_path / "nul.txt"
    p.write_bytes(b"Le Conseil\x00 s'est r\x00euni.")
    with pytest.raises(UserError, match="binary"):
        read_document(p)
    _assert_clean_exit(_cli_segment(p))


def test_invalid_utf8_decoded_as_legacy_or_refused(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(b"The Council met in Gen\xe8ve. It adopted \xc3( two texts.")
    doc = read_document(p)
    assert "Genève" in doc.text
    res = _cli_segment(p)
    _assert_clean_exit(res)
    assert res.exit_code == 0


def test_lone_surrogates_in_strings_do_not_crash() -> None:
    doc = read_text_string("The Council met.\ud800 It adopted two texts.")
    sents = segment_document(doc, "en")
    assert "".join(s.text for s in sents).replace(" ", "") == doc.text.replace(" ", "")


def test_encoded_surrogates_in_file(tmp_path: Path) -> None:
    p = tmp_path / "sur.txt"
    p.write_bytes(b"The Council met. \xed\xa0\x80 It adopted two texts.")
    res = _cli_segment(p)
    _assert_clean_exit(res)


def test_mixed_line_endings(tmp_path: Path) -> None:
    p = tmp_path / "mixed.txt"
    p.write_bytes(b"First paragraph here.\r\n\r\nSecond paragraph.\rThird line.\n\nFourth.\r\n")
    doc = read_document(p)
    assert "\r" not in doc.text
    texts = [s.text for s in segment_document(doc, "en")]
    assert texts[0] == "First paragraph here."
    assert texts[-1] == "Fourth."


def test_zero_width_and_bidi_controls_kept_and_segmented() -> None:
    text = "Le Conseil\u200b s'est réuni.\u200f Il a adopté \u202aدو\u202c textes\u2066.\u2069 Fin."
    doc = read_text_string(text)
    sents = segment_document(doc, "fr")
    joined = "".join(s.text for s in sents)
    for ch in "\u200b\u200f\u202a\u202c\u2066\u2069":
        assert ch in joined
    for s in sents:
        assert doc.text[s.start:s.end] == s.text


def test_emoji_offsets() -> None:
    doc = read_text_string("The LHC restarted 🎉. Scientists cheered 👩🏽‍🔬! Data flows.")
    sents = segment_document(doc, "en")
    assert [s.text for s in sents] == ["The LHC restarted 🎉.", "Scientists cheered 👩🏽‍🔬!", "Data flows."]
    for s in sents:
        assert doc.text[s.start:s.end] == s.text


def test_directory_as_input(tmp_path: Path) -> None:
    res = _cli_segment(tmp_path)
    _assert_clean_exit(res)
    assert res.exit_code == 2 and "directory" in res.output


# --------------------------------------------------------------------------- every command that reads text

HOSTILE_TEXTS = {
    "empty": b"",
    "whitespace-only": b" \t\r\n\n \xc2\xa0\n",
    "megabyte-line": ("le conseil des droits de l'homme " * 32_000).encode()[:1_000_000],
    "nul-bytes": "Le Conseil\x00 s'est réuni\x00 à Genève.".encode(),
    "invalid-utf8": b"Le Conseil s'est r\xe9uni \xc3( \xff\xfe \x80 \xe0\x80 \xed\xa0\x80 \xf4\x90\x80\x80 hier.",
    "lone-surrogates": b"Le Conseil s'est r\xc3\xa9uni. \xed\xa0\x80 Il a adopt\xc3\xa9 \xed\xbf\xbf deux textes.",
    "mixed-line-endings": b"Le Conseil s'est r\xc3\xa9uni.\r\n\r\nIl a adopt\xc3\xa9 deux textes.\rFin.\n\nAutre.\r\n",
    "zero-width-bidi": "Le Conseil\u200b s'est réuni\u200f.\u202e Il a adopté\u2066 deux\u2069 textes\ufeff.".encode(),
    "emoji": "Le CERN a redémarré le LHC 🎉. Les physiciens 👩🏽‍🔬 sont ravis 🇨🇭 ! Fin.".encode(),
}
PLAIN_EN = "The Council met in Geneva. It adopted two texts. The end.\n"


def _command_args(name: str, hostile: Path, plain: Path, tmp: Path) -> tuple[list[str], bytes | None]:
    if name == "segment":
        return ["segment", "--lang", "fr", str(hostile)], None
    if name == "align":
        return ["align", str(hostile), str(plain), "--no-embeddings", "-o", str(tmp / "out.tsv")], None
    if name == "check":
        return ["check", str(hostile), str(plain), "--fail-on", "never"], None
    if name == "draft":
        return ["draft", "--from", "fr", "--to", "en", "--no-mt", str(hostile), "-o", str(tmp / "draft.txt")], None
    if name == "glossary-lookup":
        return ["glossary", "lookup", "--lang", "fr", "-"], hostile.read_bytes()
    raise AssertionError(name)


@pytest.mark.parametrize("command", ["segment", "align", "check", "draft", "glossary-lookup"])
@pytest.mark.parametrize("case", sorted(HOSTILE_TEXTS))
def test_hostile_text_through_every_command(tmp_path: Path, case: str, command: str) -> None:
    hostile = tmp_path / f"{case}.fr.txt"
    hostile.write_bytes(HOSTILE_TEXTS[case])
    plain = tmp_path / "plain.en.txt"
    plain.write_text(PLAIN_EN, encoding="utf-8")
    args, stdin = _command_args(command, hostile, plain, tmp_path)
    res = CliRunner().invoke(main, args, input=stdin)
    out = res.output
    assert res.exit_code in (0, 1, 2), (res.exit_code, out[-500:], res.exception)
    assert "Traceback" not in out and "internal error" not in out, out[-500:]
    if res.exit_code == 2:
        assert out.strip().count("\n") == 0, out
        assert out.startswith("bilingual-pr: error: ")
    if case in ("empty", "whitespace-only") and command != "glossary-lookup":
        assert res.exit_code == 2 and "empty" in out
    if case == "nul-bytes" and command != "glossary-lookup":
        assert res.exit_code == 2 and "binary" in out
    if res.exit_code == 0 and command == "segment" and case in ("emoji", "zero-width-bidi"):
        assert "🎉" in out or "\u2066" in out


def test_surrogates_and_controls_never_reach_an_output_file(tmp_path: Path) -> None:
    # Text in, XML out: C0 controls in a document become an XLIFF draft that parses strictly.
    from lxml import etree

    src = tmp_path / "s.fr.txt"
    src.write_bytes(b"Le Conseil\x1b s'est r\xc3\xa9uni. Il a adopt\xc3\xa9\x0b deux textes.")
    out = tmp_path / "d.xlf"
    res = CliRunner().invoke(main, ["draft", "--from", "fr", "--to", "en", "--no-mt", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    tree = etree.parse(str(out), etree.XMLParser(resolve_entities=False, no_network=True))
    text = "".join(tree.getroot().itertext())
    assert "Conseil" in text and "\x1b" not in text and "\x0b" not in text


# A short UTF-8 release with one stray cp1252 apostrophe (0x92): too short for charset
# detection to see it as UTF-8, it used to be read as cp1252 ("GenÃ¨ve", exit 0).
STRAY = "Le CERN à Genève a publié le rapport de l".encode() + b"\x92" + "an.\n\nIl sera présenté demain.\n".encode()


def test_utf8_with_one_stray_byte_is_refused_naming_line_and_offset(tmp_path: Path) -> None:
    p = tmp_path / "stray.txt"
    p.write_bytes(STRAY)
    offset = STRAY.index(b"\x92")
    with pytest.raises(UserError, match=rf"stray\.txt:1: .*0x92.*offset {offset}"):
        read_document(p)
    res = _cli_segment(p, "fr")
    _assert_clean_exit(res)
    assert res.exit_code == 2 and "Ã" not in res.output


def test_long_utf8_with_stray_bytes_is_refused_the_same_way(tmp_path: Path) -> None:
    p = tmp_path / "long.txt"
    body = "Le Conseil des droits de l’homme s’est réuni à Genève pour sa session annuelle.\n\n" * 60
    p.write_bytes(body.encode() + b"La s\xe9ance est lev\xe9e.\n")
    with pytest.raises(UserError, match=r"long\.txt:121: .*0xe9"):
        read_document(p)


def test_plain_legacy_text_with_an_accented_capital_before_nbsp_still_reads(tmp_path: Path) -> None:
    # "É" + NBSP is C9 A0 in cp1252, which is also valid UTF-8 (U+0260): no Western text uses
    # that letter, so it is no sign of UTF-8 and the file stays cp1252.
    p = tmp_path / "cp.txt"
    p.write_bytes("SANTÉ\u00a0: l’OMS réunit ses États membres à Genève.\n".encode("cp1252"))
    doc = read_document(p)
    assert doc.text.startswith("SANTÉ\u00a0: l’OMS")


def test_utf8_text_that_is_already_mojibake_gets_a_warning(tmp_path: Path, caplog, monkeypatch) -> None:
    monkeypatch.setattr(logging.getLogger("bilingual_pr"), "propagate", True)
    p = tmp_path / "twice.txt"
    p.write_text("Le CERN Ã  GenÃ¨ve a publiÃ© son rapport annuel.\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="bilingual_pr"):
        read_document(p)
    assert any("GenÃ¨ve" in r.getMessage() and "Genève" in r.getMessage() for r in caplog.records)
    res = CliRunner().invoke(main, ["segment", str(p), "--lang", "fr"])
    assert res.exit_code == 0


def test_correct_utf8_french_gets_no_mojibake_warning(tmp_path: Path, caplog, monkeypatch) -> None:
    monkeypatch.setattr(logging.getLogger("bilingual_pr"), "propagate", True)
    p = tmp_path / "ok.txt"
    p.write_text("Â l’âge de 20\u00a0ans, « à\u00a0» Genève ; coût : 1\u202f250\u00a0€ — fin.\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="bilingual_pr"):
        read_document(p)
    assert not caplog.records
