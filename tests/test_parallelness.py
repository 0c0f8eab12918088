"""Two documents that are not translations of each other: refused by align, run and batch (issue 16, item 2)."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bilingual_pr.align.parallelness import (THRESHOLD, THRESHOLD_EMBEDDINGS, ParallelVerdict,
                                             assess_parallelness, parallel_score)
from bilingual_pr.cli import main
from bilingual_pr.documents import read_document
from bilingual_pr.pipeline import PairContext, align_pair

FIX = Path(__file__).resolve().parent / "fixtures" / "parallel"
CERN = (FIX / "cern-detector.fr.txt", FIX / "cern-detector.en.txt")
UNOG = (FIX / "unog-archives.fr.txt", FIX / "unog-archives.en.txt")


@pytest.fixture()
def no_model(monkeypatch):
    """No Argos model and no embeddings: the tests run the same wherever they run."""
    import bilingual_pr.align.embeddings as emb
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)
    monkeypatch.setattr(emb, "embeddings_available", lambda: False)


def _align(fr: Path, en: Path, ctx: PairContext | None = None):
    return align_pair(read_document(fr, lang="fr"), read_document(en, lang="en"), ctx or PairContext.build(None))


def _units(path: Path) -> list:
    from bilingual_pr.formats.tmx import read_tmx

    return list(read_tmx(path)) if path.exists() else []


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ------------------------------------------------------------------ the test itself


def test_a_true_pair_passes_and_unrelated_releases_are_refused_without_embeddings():
    true_pair = assess_parallelness(_align(*CERN))
    assert isinstance(true_pair, ParallelVerdict) and true_pair.is_parallel and not true_pair.reason
    assert true_pair.features.embeddings is None and true_pair.score > THRESHOLD
    alignment = _align(CERN[0], UNOG[1])
    # What the test is for: the aligner itself is confident about beads of two unrelated releases.
    assert sum(p.confidence >= 0.6 for p in alignment.pairs if p.is_pair) >= 5
    verdict = assess_parallelness(alignment)
    assert not verdict.is_parallel and verdict.score < THRESHOLD
    assert "do not look like translations" in verdict.reason and "anchors" in verdict.reason
    assert "\n" not in verdict.reason
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.is_parallel = True  # type: ignore[misc]


def test_the_verdict_reads_the_alignments_evidence_not_the_texts():
    alignment = _align(UNOG[0], CERN[1])
    assert not assess_parallelness(alignment).is_parallel
    # The same beads without the scorers' evidence: nothing says the anchors disagree.
    bare = dataclasses.replace(alignment, evidence=())
    assert assess_parallelness(bare).is_parallel


def test_embeddings_are_used_when_the_alignment_had_them():
    from bilingual_pr.align import default_scorers
    from bilingual_pr.align.embeddings import EmbeddingScorer

    def encode(texts):  # a stand-in for e5: every sentence unlike every other (no agreement at all)
        return np.stack([np.random.default_rng(zlib.crc32(t.encode())).normal(size=64) for t in texts]
                        ).astype(np.float32)

    ctx = PairContext.build(None)
    ctx.scorers = default_scorers() + [EmbeddingScorer(encode=encode)]
    verdict = assess_parallelness(_align(*UNOG, ctx))
    assert verdict.features.embeddings is not None and abs(verdict.features.embeddings) < 0.1
    # With embeddings present the other threshold applies, and no agreement of meaning lowers the score
    # below what the anchors alone give: the true pair still passes on them.
    assert verdict.is_parallel and verdict.score >= THRESHOLD_EMBEDDINGS
    assert verdict.score == pytest.approx(parallel_score(verdict.features))
    agreeing = dataclasses.replace(verdict.features, embeddings=0.1)
    assert parallel_score(agreeing) > verdict.score  # meaning that agrees raises the score
    refused = assess_parallelness(_align(UNOG[0], CERN[1], ctx))
    assert not refused.is_parallel and "embeddings" in refused.reason


# ------------------------------------------------------------------ align and run


def test_align_refuses_an_unrelated_pair_in_one_line_and_force_sends_everything_to_review(tmp_path, no_model):
    out = tmp_path / "pair.tmx"
    res = invoke("align", CERN[0], UNOG[1], "-o", out, "--no-embeddings")
    assert res.exit_code == 1, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "do not look like translations of each other" in lines[0]
    assert "--force" in lines[0] and not out.exists() and not (tmp_path / "pair.review.tmx").exists()

    res = invoke("align", CERN[0], UNOG[1], "-o", out, "--no-embeddings", "--force")
    assert res.exit_code == 0, res.output
    assert "aligned anyway (--force)" in res.stderr
    assert _units(out) == []
    assert len(_units(tmp_path / "pair.review.tmx")) >= 6

    good = tmp_path / "good.tmx"
    res = invoke("align", *CERN, "-o", good, "--no-embeddings")
    assert res.exit_code == 0 and "do not look like" not in res.stderr
    assert len(_units(good)) >= 6


def test_run_refuses_an_unrelated_pair_and_force_writes_every_pair_to_review(tmp_path, no_model):
    out = tmp_path / "out"
    res = invoke("run", UNOG[0], CERN[1], "-o", out, "--no-mt", "--no-glossary")
    assert res.exit_code == 1, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "do not look like translations" in lines[0], res.stderr
    assert not out.exists() or not any(out.glob("*.tmx"))

    res = invoke("run", UNOG[0], CERN[1], "-o", out, "--no-mt", "--no-glossary", "--force")
    assert res.exit_code == 0, res.output
    assert "aligned anyway (--force)" in res.stderr
    (main_tmx,) = [p for p in out.glob("*.tmx") if not p.name.endswith(".review.tmx")]
    review = main_tmx.with_name(main_tmx.name.replace(".tmx", ".review.tmx"))
    assert _units(main_tmx) == [] and len(_units(review)) >= 6
    assert "post-editing effort: not estimated" in res.stdout  # nothing drafted, no confident pair

    res = invoke("run", *UNOG, "-o", tmp_path / "good", "--no-mt", "--no-glossary")
    assert res.exit_code == 0 and "do not look like" not in res.stderr


# ------------------------------------------------------------------ batch


def test_batch_fails_an_unrelated_pair_with_the_reason_and_keeps_it_out_of_the_merged_memory(tmp_path, no_model):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CERN[0], src / "nutest.fr.txt")
    shutil.copy(CERN[1], src / "nutest.en.txt")
    shutil.copy(UNOG[0], src / "archives.fr.txt")
    shutil.copy(CERN[1], src / "archives.en.txt")  # the wrong English file
    out = tmp_path / "out"
    res = invoke("batch", src, "-o", out, "--no-glossary", "--jobs", "1")
    assert res.exit_code == 1, res.output
    assert "2 pairs: 1 aligned and checked" in res.stdout and "1 failed" in res.stdout
    failed = [line for line in res.stderr.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "archives" in failed[0] and "do not look like translations" in failed[0]
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert rows["archives"]["status"] == "failed" and "do not look like translations" in rows["archives"]["error"]
    assert rows["nutest"]["status"] == "done"
    merged = {u.source for u in _units(out / "merged.tmx")}
    assert merged and merged == {u.source for u in _units(out / "nutest" / "nutest.tmx")}
    unog_fr = UNOG[0].read_text(encoding="utf-8")
    assert not any(s in unog_fr for s in merged)


HRC = (FIX.parent / "align" / "hrc58.fr.txt", FIX.parent / "align" / "hrc58.en.txt")


@pytest.mark.parametrize("fr_path, en_path", [(CERN[0], UNOG[1]), HRC])  # HRC: 1-0, 1-2, 2-1 and 2-2 beads
def test_the_evidence_is_what_the_search_scored_each_bead_with(fr_path, en_path):
    from bilingual_pr.align import align_documents
    from bilingual_pr.align.core import DEFAULT_PARAMS
    from bilingual_pr.align.search import shape_prior
    from bilingual_pr.segment import segment_document

    fr, en = read_document(fr_path, lang="fr"), read_document(en_path, lang="en")
    ctx = PairContext.build(None)
    alignment = align_documents(fr, en, scorers=ctx.scorers, paragraph_aware=False,
                                src_sentences=segment_document(fr, "fr"), tgt_sentences=segment_document(en, "en"))
    assert [name for name, _ in alignment.evidence] == [s.name for s in ctx.scorers]
    matched = 0
    for k, bead in enumerate(alignment.beads):
        values = [alignment.feature(s.name)[k] for s in ctx.scorers]
        if not (bead.src and bead.tgt):
            assert all(np.isnan(values))
            continue
        matched += 1
        total = shape_prior(len(bead.src), len(bead.tgt), DEFAULT_PARAMS) + sum(
            DEFAULT_PARAMS.weight(s.name, s.default_weight) * v for s, v in zip(ctx.scorers, values))
        assert bead.score == pytest.approx(total, abs=1e-4)  # the search's scores are float32
    assert matched >= 5 and alignment.feature("embeddings") is None
