"""French no-break spaces reach every output of ``align`` and ``run`` unchanged (issue 16, item 1).

The fixture release (tests/fixtures/typography) is typed with U+00A0 before ``:`` and inside
« », U+202F before ``; ! ?`` and as the thousands separator of 2 500 000. Each French text an
output holds must be one sentence, or consecutive sentences joined by a space, exactly as
``segment`` gives them; OmegaT must find exact matches in the memory, and ``check --profile
fr-FR`` must find no typography fault in the tool's own memory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import read_tmx
from bilingual_pr.formats.xliff import read_xliff

FIX = Path(__file__).resolve().parent / "fixtures" / "typography"
NO_BREAK = ("\u00a0", "\u202f")
FORMATS = ("txt", "html", "docx")


@pytest.fixture()
def no_model(monkeypatch):
    """No Argos model and no e5 embeddings: fast, deterministic runs."""
    import bilingual_pr.align.embeddings as emb
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)
    monkeypatch.setattr(emb, "embeddings_available", lambda: False)


def invoke(*args: object) -> str:
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.stdout


def _docx(txt: Path, out: Path) -> Path:
    import docx

    paras = [p for p in txt.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    d = docx.Document()
    d.add_heading(paras[0].strip(), level=1)
    for p in paras[1:]:
        d.add_paragraph(p.strip())
    d.save(str(out))
    return out


def pair(fmt: str, tmp_path: Path) -> tuple[Path, Path]:
    """The French and English release in one of the three input formats."""
    if fmt == "docx":
        return (_docx(FIX / "release.fr.txt", tmp_path / "release.fr.docx"),
                _docx(FIX / "release.en.txt", tmp_path / "release.en.docx"))
    return FIX / f"release.fr.{fmt}", FIX / f"release.en.{fmt}"


def sentences(path: Path) -> list[str]:
    """The French sentences as ``segment`` writes them."""
    return invoke("segment", "--lang", "fr", path).splitlines()


def joins(sents: list[str], most: int = 4) -> set[str]:
    """Every run of up to ``most`` consecutive sentences joined by a space (what a bead may hold)."""
    return {" ".join(sents[i:j]) for i in range(len(sents)) for j in range(i + 1, min(len(sents), i + most) + 1)}


def assert_exact(texts: list[str], sents: list[str], where: str, complete: bool = True) -> None:
    """Each text is sentences as segmented; together (``complete``) they hold every sentence once."""
    allowed = joins(sents)
    for t in texts:
        assert t in allowed, f"{where}: {t!r} is not the segmented French"
    if complete:
        assert sorted(" ".join(texts).split(" ")) == sorted(" ".join(sents).split(" ")), where
    assert any(c in t for t in texts for c in NO_BREAK), f"{where}: no French text with a no-break space"


def test_fixture_is_typed_with_french_no_break_spaces() -> None:
    sents = sentences(FIX / "release.fr.txt")
    text = "\n".join(sents)
    assert "déclaré\u00a0: «\u00a0Nous" in text and "tarder.\u00a0»" in text
    assert "2\u202f500\u202f000" in text and "suisses\u202f;" in text and "priorités\u202f?" in text
    assert "année\u202f!" in text
    assert sentences(FIX / "release.fr.html") == sents


@pytest.mark.parametrize("fmt", FORMATS)
def test_align_outputs_keep_every_no_break_space(fmt: str, tmp_path: Path, no_model) -> None:
    fr, en = pair(fmt, tmp_path)
    sents = sentences(fr)
    assert sum(s.count(c) for s in sents for c in NO_BREAK) >= 9
    invoke("align", fr, en, "-o", tmp_path / "all.tmx", "--min-confidence", "0", "--review", tmp_path / "r.html")
    assert_exact([u.source for u in read_tmx(tmp_path / "all.tmx")], sents, "align .tmx")
    invoke("align", fr, en, "-o", tmp_path / "low.tmx", "--min-confidence", "1")
    review = [u.source for u in read_tmx(tmp_path / "low.review.tmx")]
    kept = [u.source for u in read_tmx(tmp_path / "low.tmx")] if (tmp_path / "low.tmx").exists() else []
    assert review, "every pair below confidence 1 goes to the review memory"
    assert_exact(review + kept, sents, "align .review.tmx")
    assert_exact(review, sents, "align .review.tmx", complete=False)
    invoke("align", fr, en, "-o", tmp_path / "out.tsv", "--min-confidence", "0")
    rows = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert_exact([r.split("\t")[2] for r in rows if r.split("\t")[2]], sents, "align .tsv")
    invoke("align", fr, en, "-o", tmp_path / "out.json", "--min-confidence", "0")
    pairs = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["pairs"]
    assert_exact([p["src_text"] for p in pairs if p["src_text"]], sents, "align .json")
    # Each bead's text is its sentences joined, and the .beads file names the same sentences.
    for p in pairs:
        assert p["src_text"] == " ".join(sents[i] for i in p["src"])
    invoke("align", fr, en, "-o", tmp_path / "out.beads")
    assert (tmp_path / "out.beads").read_text().splitlines() == [
        f"[{','.join(map(str, p['src']))}]:[{','.join(map(str, p['tgt']))}]" for p in pairs]
    assert_exact(review_page_texts(tmp_path / "r.html"), sents, "align --review page")


def review_page_texts(page: Path) -> list[str]:
    """The French cell texts of the review page, glossary marks included as plain text."""
    from lxml import html as lhtml

    tree = lhtml.fromstring(page.read_bytes())
    return [c.text_content() for c in tree.xpath('//td[contains(@class, "src")]') if not c.xpath(".//span")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_run_outputs_keep_every_no_break_space(fmt: str, tmp_path: Path, no_model) -> None:
    fr, en = pair(fmt, tmp_path)
    sents = sentences(fr)
    out = tmp_path / "out"
    invoke("run", fr, en, "-o", out, "--no-mt", "--min-confidence", "1", "--name", "release",
           "--review", out / "review.html")
    review = [u.source for u in read_tmx(out / "release.review.tmx")]
    kept = [u.source for u in read_tmx(out / "release.tmx")]
    assert review
    assert_exact(review + kept, sents, "run .tmx + .review.tmx")
    assert_exact(review, sents, "run .review.tmx", complete=False)
    drafts = [u.source for u in read_xliff(out / "release.draft.xlf")]
    assert drafts == sents, "the draft XLIFF holds one unit per sentence, as segmented"
    qa = json.loads((out / "release.qa.json").read_text(encoding="utf-8"))
    texts = [f["source"]["text"] for f in qa["findings"] if f["source"]["text"]]
    assert texts, "the bundled glossary finds at least one fault in the fixture"
    assert_exact(texts, sents, "run .qa.json", complete=False)
    assert_exact(review_page_texts(out / "review.html"), sents, "run --review page")


def test_batch_outputs_keep_every_no_break_space(tmp_path: Path, no_model) -> None:
    sents = sentences(FIX / "release.fr.txt")
    manifest = tmp_path / "list.csv"
    manifest.write_text(f"fr,en,name\n{FIX / 'release.fr.txt'},{FIX / 'release.en.txt'},release\n", encoding="utf-8")
    out = tmp_path / "out"
    invoke("batch", manifest, "-o", out, "-j", "1", "--min-confidence", "0", "--no-embeddings")
    assert_exact([u.source for u in read_tmx(out / "release" / "release.tmx")], sents, "batch .tmx")
    assert_exact([u.source for u in read_tmx(out / "merged.tmx")], sents, "batch merged.tmx")
    invoke("batch", manifest, "-o", tmp_path / "low", "-j", "1", "--min-confidence", "1", "--no-embeddings")
    review = [u.source for u in read_tmx(tmp_path / "low" / "release" / "release.review.tmx")]
    assert_exact(review, sents, "batch .review.tmx", complete=False)
    qa = json.loads((out / "release" / "release.qa.json").read_text(encoding="utf-8"))
    assert_exact([f["source"]["text"] for f in qa["findings"] if f["source"]["text"]], sents, "batch .qa.json",
                 complete=False)


def test_check_fr_fr_finds_no_typography_fault_in_the_tool_s_memory(tmp_path: Path, no_model) -> None:
    fr, en = pair("txt", tmp_path)
    invoke("align", fr, en, "-o", tmp_path / "mem.tmx", "--min-confidence", "0")
    res = CliRunner().invoke(main, ["check", str(tmp_path / "mem.tmx"), "--source-lang", "en", "--target-lang", "fr",
                                    "--profile", "fr-FR", "--checks", "typography", "--fail-on", "info",
                                    "-r", str(tmp_path / "qa.json")])
    findings = json.loads((tmp_path / "qa.json").read_text(encoding="utf-8"))["findings"]
    assert findings == [] and res.exit_code == 0, [f["message"] for f in findings]


@pytest.mark.omegat
def test_omegat_finds_exact_matches_in_the_memory_align_wrote(tmp_path: Path, no_model) -> None:
    from interop.omegat import build_project, require_omegat, run_omegat

    require_omegat()
    fr, en = pair("txt", tmp_path)
    sents = sentences(fr)
    invoke("align", fr, en, "-o", tmp_path / "release.tmx", "--min-confidence", "0", "--format", "tmx")
    invoke("align", fr, en, "-o", tmp_path / "beads.json", "--min-confidence", "0")
    pairs = [p for p in json.loads((tmp_path / "beads.json").read_text(encoding="utf-8"))["pairs"]
             if p["src"] and p["tgt"]]
    # OmegaT's segments: the French beads typed as segment gives them, one a line.
    source_lines = [" ".join(sents[i] for i in p["src"]) for p in pairs]
    assert any(c in line for line in source_lines for c in NO_BREAK)
    project = build_project(tmp_path / "project", sources={"release.utf8": "\n".join(source_lines) + "\n"},
                            tm_auto={"release.tmx": tmp_path / "release.tmx"})
    result = run_omegat(project)
    assert "release.utf8" in result.targets, f"no target written; log problems: {result.log_problems}"
    assert result.target_lines("release.utf8") == [p["tgt_text"] for p in pairs], result.log_problems


def test_line_separator_ends_a_sentence_and_never_reaches_an_output(tmp_path: Path, no_model) -> None:
    # U+2028 (Word's manual line break, pasted text) after a full stop; U+2029 between two lines.
    fr = tmp_path / "ls.fr.txt"
    en = tmp_path / "ls.en.txt"
    fr.write_text("La séance est levée.\u2028Le Conseil reprendra ses travaux demain à 10\u00a0h.\u2029"
                  "Contact\u00a0: Service de presse\n", encoding="utf-8")
    en.write_text("The meeting rose.\u2028The Council will resume its work tomorrow at 10 a.m.\u2029"
                  "Contact: Press Service\n", encoding="utf-8")
    assert sentences(fr) == ["La séance est levée.", "Le Conseil reprendra ses travaux demain à 10\u00a0h.",
                             "Contact\u00a0: Service de presse"]
    for suffix in ("json", "tsv", "tmx"):
        invoke("align", fr, en, "-o", tmp_path / f"out.{suffix}", "--min-confidence", "0")
        text = (tmp_path / f"out.{suffix}").read_text(encoding="utf-8")
        assert "\u2028" not in text and "\u2029" not in text and "\\u2028" not in text, suffix
    pairs = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["pairs"]
    assert [(p["src"], p["tgt"]) for p in pairs] == [([0], [0]), ([1], [1]), ([2], [2])]
    assert pairs[1]["src_text"] == "Le Conseil reprendra ses travaux demain à 10\u00a0h."
