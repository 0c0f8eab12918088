"""Hostile text inputs: every reader and the segmenter give a sensible result or one clear line."""

from __future__ import annotations

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
