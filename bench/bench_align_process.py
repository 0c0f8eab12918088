#!/usr/bin/env python3
"""Alignment speed as a user sees it: the whole ``bilingual-pr align`` process next to hunalign's.

Usage (from the project root):
    python bench/bench_align_process.py              # 20,000 x 20,000 sentences, 3 runs of each, alternating
    python bench/bench_align_process.py --runs 5 --sentences 5000

Both tools get the same wmt-news sentences (../shared/eval/speed, as ``bench_align.py --only speed``):
ours ``align --presegmented --no-embeddings --format beads``; hunalign (``$HUNALIGN`` or on PATH) an
empty dictionary and the same lines tokenised (words and punctuation split by spaces, as its README
asks), default options. Runs alternate (ours, hunalign, ours, ...) so a busy machine slows both alike.
Each child's own resource usage comes from bench/_process.py (GNU time): wall, user, system, peak RSS, minor page
faults. Medians are printed with the ratios ours/hunalign for CPU time (user + system) and peak RSS.
Writes only into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _process import Command, compare, ours  # noqa: E402
from bench_align import speed_corpus  # noqa: E402

_TOKEN = re.compile(r"\w+|[^\w\s]")


def write_inputs(folder: Path, n: int) -> dict[str, Path]:
    fr, en = speed_corpus(n)
    files = {}
    for lang, sents in (("fr", fr), ("en", en)):
        files[lang] = folder / f"{lang}.txt"
        files[lang].write_text("\n".join(sents) + "\n", encoding="utf-8")
        files[lang + ".tok"] = folder / f"{lang}.tok"
        files[lang + ".tok"].write_text("".join(" ".join(_TOKEN.findall(s)) + "\n" for s in sents), encoding="utf-8")
    files["dic"] = folder / "null.dic"
    files["dic"].write_text("", encoding="utf-8")
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hunalign", default=os.environ.get("HUNALIGN") or shutil.which("hunalign"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_inputs(folder, args.sentences)
        mine = ours("align", "--presegmented", "--no-embeddings", "--format", "beads", str(files["fr"]), str(files["en"]))
        hun_cmd = Command("hunalign", [args.hunalign, str(files["dic"]), str(files["fr.tok"]), str(files["en.tok"]),
                                       "-utf"]) if args.hunalign else None
        missing = [] if hun_cmd else ["hunalign not found (set HUNALIGN or put it on PATH): only ours is measured"]
        med = compare(f"align, {args.sentences:,} x {args.sentences:,} sentences (wmt-news)", mine,
                      [hun_cmd] if hun_cmd else [], folder, args.runs, missing)
        if hun_cmd:
            o, h = med["ours"], med["hunalign"]
            print(f"targets: CPU <= 0.5x ({o.cpu / h.cpu:.2f}x), peak RSS <= 0.3x ({o.rss_mb / h.rss_mb:.2f}x)")


if __name__ == "__main__":
    main()
