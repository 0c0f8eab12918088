"""Glossary speed: load a 50,000-term TBX glossary, then scan 1,000,000 sentences on one core.

Targets (issue 6): loading under 2 s, scanning under 60 s. The glossary is
synthetic (pseudo-words, acronyms, multi-word titles, plus the bundled
UNOG-CERN entries); the sentences are the real French sentences of
shared/eval/dev cycled to the requested count, a tenth of them with a
synthetic term inserted so the matcher has work to do.

    python bench/bench_glossary.py [--terms 50000] [--sentences 1000000] [--lang fr]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from bilingual_pr.glossary import Entry, Glossary, Term, TermMatcher, load_glossary
from bilingual_pr.glossary.tbx import write_tbx

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("BILINGUAL_PR_EVAL", ROOT.parent / "shared" / "eval"))
SYLLABLES = ["ba", "cor", "di", "fen", "ga", "lu", "mar", "no", "pri", "qua", "ros", "sel", "ti", "ur", "vel", "zo",
             "an", "és", "oi", "ché", "gna", "tre", "pol", "ker"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_glossary(n_terms: int, seed: int = 7) -> Glossary:
    """About n_terms terms (half French, half English) in entries of two terms, plus the bundled glossary."""
    rng = random.Random(seed)
    bundled = load_glossary(ROOT / "glossaries" / "unog-cern.tbx")
    entries = list(bundled.entries)
    seen: set[str] = set()
    count = sum(len(e.terms) for e in entries)
    i = 0
    while count < n_terms:
        i += 1
        kind = rng.random()
        if kind < 0.1:
            fr = en = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWXZ") for _ in range(rng.randint(3, 5)))
            terms = (Term(fr, "fr", "preferred", "acronym"), Term(en, "en", "preferred", "acronym"))
        else:
            n = 1 if kind < 0.4 else 2 if kind < 0.8 else rng.randint(3, 4)
            fr = " ".join(_word(rng) for _ in range(n)).capitalize()
            en = " ".join(_word(rng) for _ in range(n)).capitalize()
            ttype = "title" if rng.random() < 0.1 else "fullForm"
            terms = (Term(fr, "fr", rng.choice(["preferred", "admitted", "deprecated"]), ttype, "noun", "masculine"),
                     Term(en, "en", "preferred", ttype, "noun"))
        if fr in seen:
            continue
        seen.add(fr)
        entries.append(Entry(f"x{i}", terms, subject="synthetic"))
        count += 2
    return Glossary(tuple(entries), title="synthetic benchmark glossary")


def sentences(n: int, glossary: Glossary, lang: str, seed: int = 11) -> list[str]:
    """n sentences: real ones from shared/eval/dev, one in ten with a synthetic term inserted."""
    rng = random.Random(seed)
    real: list[str] = []
    for p in sorted((EVAL / "dev").glob(f"*.{lang}.sent")):
        real.extend(line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    if not real:
        print(f"note: no sentences under {EVAL / 'dev'}; using synthetic filler", file=sys.stderr)
        real = [" ".join(_word(rng) for _ in range(20)) + "." for _ in range(1000)]
    synthetic = [t.text for e in glossary.entries if e.subject == "synthetic" for t in e.terms if t.lang == lang]
    out = []
    for i in range(n):
        s = real[i % len(real)]
        if i % 10 == 0:
            words = s.split(" ")
            words.insert(rng.randrange(len(words) + 1), rng.choice(synthetic))
            s = " ".join(words)
        out.append(s)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", type=int, default=50_000)
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--lang", default="fr", choices=["fr", "en"])
    args = ap.parse_args()

    g = synthetic_glossary(args.terms)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.tbx"
        write_tbx(g, path)
        size = path.stat().st_size
        w0, c0 = time.perf_counter(), time.process_time()
        loaded = load_glossary(path)
        w1, c1 = time.perf_counter(), time.process_time()
    matcher = TermMatcher(loaded, args.lang)
    w2, c2 = time.perf_counter(), time.process_time()
    n_terms = sum(len(e.terms) for e in loaded.entries)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (wall times suffer when busy; "
          "CPU = time this process ran)")
    print(f"glossary: {len(loaded.entries):,} entries, {n_terms:,} terms, TBX {size / 1e6:.1f} MB")
    print(f"load (parse TBX into the model): {w1 - w0:.2f} s wall, {c1 - c0:.2f} s CPU (target < 2 s)")
    print(f"build {args.lang} matcher: {w2 - w1:.2f} s wall, {c2 - c1:.2f} s CPU ({matcher.term_count:,} terms -> "
          f"{matcher.key_count:,} keys with inflected forms)")
    print(f"load + build: {w2 - w0:.2f} s wall, {c2 - c0:.2f} s CPU")

    texts = sentences(args.sentences, loaded, args.lang)
    chars = sum(map(len, texts))
    find = matcher.find
    w3, c3 = time.perf_counter(), time.process_time()
    found = 0
    for s in texts:
        found += len(find(s))
    w4, c4 = time.perf_counter(), time.process_time()
    print(f"scan: {len(texts):,} sentences ({chars / 1e6:.0f} M chars): {w4 - w3:.1f} s wall, {c4 - c3:.1f} s CPU "
          f"= {len(texts) / (c4 - c3):,.0f} sentences per CPU second, {found:,} matches "
          "(target < 60 s for 1,000,000)")

if __name__ == "__main__":
    main()
