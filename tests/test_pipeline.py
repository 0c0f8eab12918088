"""``bilingual-pr run`` and the pipeline library: outputs of the bundled example, -o, --tm exact matches, effort."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main

ROOT = Path(__file__).resolve().parents[1]
FR, EN = ROOT / "examples" / "DG26-014F.fr.txt", ROOT / "examples" / "DG26-014E.en.txt"
OUTPUTS = ("DG26-014.qa.html", "DG26-014.qa.json", "DG26-014.draft.xlf", "DG26-014.run.json")


@pytest.fixture()
def no_model(monkeypatch):
    """No Argos model installed and no e5 embeddings: the run stays fast and deterministic."""
    import bilingual_pr.align.embeddings as emb
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)
    monkeypatch.setattr(emb, "embeddings_available", lambda: False)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_run_without_arguments_uses_the_bundled_example(tmp_path, monkeypatch, no_model):
    from bilingual_pr.formats.tmx import read_tmx, validate_tmx
    from bilingual_pr.formats.xliff import read_xliff

    monkeypatch.chdir(tmp_path)
    res = invoke("run")
    assert res.exit_code == 0, res.output
    tmx = tmp_path / "tmx" / "DG26-014.tmx"
    assert validate_tmx(tmx).valid
    units = list(read_tmx(tmx))
    assert len(units) >= 12 and all(float(u.prop("x-confidence")) >= 0.5 for u in units)
    assert any("Palais des Nations" in u.source and "Palais des Nations" in u.target for u in units)
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).is_file(), name
    summary = json.loads((tmp_path / "out" / "DG26-014.run.json").read_text())
    assert summary["stats"]["fr_sentences"] == 13 and summary["stats"]["en_sentences"] == 14
    qa = json.loads((tmp_path / "out" / "DG26-014.qa.json").read_text())
    assert qa["input"]["glossary"] and qa["summary"]["findings"] == summary["stats"]["qa_errors"] + \
        summary["stats"]["qa_warnings"] + summary["stats"]["qa_info"]
    drafts = list(read_xliff(tmp_path / "out" / "DG26-014.draft.xlf"))
    assert len(drafts) == 13
    # No model: nothing drafted, one warning line saying how to install one; the summary says it all.
    assert summary["draft"]["origins"]["untranslated"] == 13 and summary["draft"]["missing_model"]
    warnings = [l for l in res.stderr.splitlines() if "warning" in l]
    assert len(warnings) == 1 and "models install" in warnings[0]
    out = res.stdout
    for needle in ("DG26-014: 13 French and 14 English sentences", "mean confidence", "to review",
                   "QA findings:", "draft: 13 untranslated", "post-editing effort", "tmx/DG26-014.tmx",
                   "out/DG26-014.draft.xlf"):
        assert needle in out, needle


def test_run_with_output_dir_and_review_split(tmp_path, no_model):
    from bilingual_pr.formats.tmx import read_tmx

    out = tmp_path / "results"
    res = invoke("run", FR, EN, "-o", out, "--min-confidence", "0.995", "--no-mt")
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "DG26-014.run.json").read_text())
    assert sorted(p.name for p in out.iterdir()) == sorted(
        {Path(p).name for p in summary["outputs"]})  # nothing elsewhere, nothing unlisted
    kept, review = list(read_tmx(out / "DG26-014.tmx")), list(read_tmx(out / "DG26-014.review.tmx"))
    assert kept and review and summary["stats"]["needs_review"] == len(review)
    assert all(float(u.prop("x-confidence")) >= 0.995 for u in kept)
    assert all(u.needs_review and float(u.prop("x-confidence")) < 0.995 for u in review)
    assert not res.stderr.strip()  # --no-mt: no model warning
    assert not (tmp_path / "tmx").exists()


def test_run_with_a_memory_gives_exact_matches_and_no_edit(tmp_path, no_model):
    first = tmp_path / "first"
    assert invoke("run", FR, EN, "-o", first, "--no-mt").exit_code == 0
    second = tmp_path / "second"
    res = invoke("run", FR, EN, "-o", second, "--tm", first / "DG26-014.tmx")
    assert res.exit_code == 0, res.output
    summary = json.loads((second / "DG26-014.run.json").read_text())
    origins = summary["draft"]["origins"]
    assert origins["tm-context"] + origins["tm-exact"] == 13 and origins["untranslated"] == 0
    effort = summary["effort"]
    assert effort["compared"] >= 12 and effort["mean_edit_distance"] == 0.0 and effort["no_edit_share"] == 1.0
    assert effort["terms_in_official"] > 5 and effort["term_recall"] == 1.0
    assert "100% need no edit" in res.stdout
    from bilingual_pr.formats.xliff import read_xliff

    targets = [u.target for u in read_xliff(second / "DG26-014.draft.xlf")]
    assert all(targets) and any("Palais des Nations" in t for t in targets)


def test_run_refuses_a_memory_that_is_also_an_output(tmp_path, no_model):
    first = tmp_path / "o"
    assert invoke("run", FR, EN, "-o", first, "--no-mt").exit_code == 0
    before = (first / "DG26-014.tmx").read_bytes()
    res = invoke("run", FR, EN, "-o", first, "--tm", first / "DG26-014.tmx")
    assert res.exit_code == 2 and "also an input" in res.stderr
    assert (first / "DG26-014.tmx").read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["x.fr.txt"], "give both files"),
    (["missing.fr.txt", "missing.en.txt"], "no such file"),
])
def test_run_usage_errors_are_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = invoke("run", *args)
    assert res.exit_code == 2 and message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_effort_estimate_counts_edits_and_terms():
    from bilingual_pr.align import AlignedPair, Alignment
    from bilingual_pr.glossary import TermMatcher, load_glossary
    from bilingual_pr.glossary.files import default_glossary_path
    from bilingual_pr.pipeline import estimate_effort
    from bilingual_pr.translate.draft import DraftSegment

    pairs = (
        AlignedPair("a", "The Director-General of UNOG spoke.", (0,), (0,), None, None, "1-1", 0, 0.9),
        AlignedPair("b c", "CERN opens. It grows.", (1, 2), (1, 2), None, None, "2-2", 0, 0.9),
        AlignedPair("d", "Ignored: low confidence.", (3,), (3,), None, None, "1-1", 0, 0.2),
        AlignedPair("e", "", (4,), (), None, None, "1-0", 0, 0.9),
    )
    al = Alignment(("a", "b", "c", "d", "e"), ("x",) * 4, (), pairs, "fr", "en")
    drafts = [DraftSegment(0, "a", "The  head of UNOG spoke.", "mt"),
              DraftSegment(1, "b", "CERN opens.", "tm-exact"), DraftSegment(2, "c", "It grows.", "tm-exact"),
              DraftSegment(3, "d", None, "untranslated"), DraftSegment(4, "e", None, "untranslated")]
    g = load_glossary(default_glossary_path())
    eff = estimate_effort(al, drafts, 0.5, TermMatcher(g, "en"))
    assert eff.compared == 2 and eff.drafted == 2
    assert eff.no_edit_share == 0.5
    from rapidfuzz.distance import Levenshtein

    # Whitespace is normalised; the 2-2 pair's draft is its two sentences joined; pairs 3 and 4 are left out.
    one = Levenshtein.normalized_distance("The head of UNOG spoke.", "The Director-General of UNOG spoke.")
    assert eff.mean_edit_distance == pytest.approx(one / 2, abs=1e-3)
    assert eff.mean_word_edit_distance == pytest.approx((1 / 5) / 2, abs=1e-3)  # one word of five replaced
    # Official terms: dg, unog (pair 1), cern (pair 2); the draft lacks the Director-General.
    assert (eff.terms_in_official, eff.terms_in_draft) == (3, 2)
    # A draft with the deprecated "Director General" (hyphen folded away) does not have the term right.
    drafts[0] = DraftSegment(0, "a", "The Director General of UNOG spoke.", "mt")
    eff = estimate_effort(al, drafts, 0.5, TermMatcher(g, "en"))
    assert (eff.terms_in_official, eff.terms_in_draft) == (3, 2)
    drafts[0] = DraftSegment(0, "a", "The Director-General of UNOG spoke.", "mt")
    assert estimate_effort(al, drafts, 0.5, TermMatcher(g, "en")).terms_in_draft == 3


@pytest.mark.parametrize("path, text, name", [
    ("DG26-014F.fr.txt", "DG26/014F\n\nTitre", "DG26-014"),
    ("communique.txt", "DG11/005F\n\nLe texte.", "DG11-005"),
    ("dg11_005f.html", "Sans symbole.", "DG11-005"),
    ("rapport annuel.fr.docx", "Sans symbole.", "rapport-annuel"),
])
def test_release_name(path, text, name):
    from bilingual_pr.pairing import derive_name

    assert derive_name(path, text) == name


def test_the_installed_example_is_the_repository_pair(tmp_path, monkeypatch):
    # README names examples/; the installed package carries a copy so `run` works from any folder.
    from bilingual_pr.pipeline import locate_example

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BILINGUAL_PR_EXAMPLES", raising=False)
    fr, en = locate_example()
    assert fr.read_bytes() == FR.read_bytes() and en.read_bytes() == EN.read_bytes(), \
        "run: cp examples/*.txt src/bilingual_pr/data/examples/"


def test_examples_folder_can_be_chosen(tmp_path, monkeypatch):
    from bilingual_pr.errors import UserError
    from bilingual_pr.pipeline import locate_example

    monkeypatch.setenv("BILINGUAL_PR_EXAMPLES", str(tmp_path))
    with pytest.raises(UserError, match="not found in"):
        locate_example()
    for path in (FR, EN):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    assert locate_example() == (tmp_path / FR.name, tmp_path / EN.name)
