#!/usr/bin/env python3
"""Alignment speed as a user sees it: the whole ``bilingual-pr align`` process next to hunalign's.

Usage (from the project root):
    python bench/bench_align_process.py              # 20,000 x 20,000 sentences, 3 runs of each, alternating
    python bench/bench_align_process.py --runs 5 --sentences 5000

Both tools get the same wmt-news sentences (../shared/eval/speed, as ``bench_align.py --only speed``):
ours ``align --presegmented --no-embeddings --format beads``; hunalign (``$HUNALIGN`` or on PATH) an
empty dictionary and the same lines tokenised (words and punctuation split by spaces, as its README
asks), default options. Runs alternate (ours, hunalign, ours, ...) so a busy machine slows both alike.
Each child's own resource usage comes from ``os.wait4``: wall, user, system, peak RSS, minor page
faults. Medians are printed with the ratios ours/hunalign for CPU time (user + system) and peak RSS.
Writes only into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_align import speed_corpus  # noqa: E402

_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Usage:
    wall: float
    user: float
    sys: float
    rss_mb: float
    minflt: int

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def measure(cmd: list[str], stdout: Path, env: dict[str, str] | None = None) -> Usage:
    """Run ``cmd`` and return its own rusage (not the bench's, not earlier children's)."""
    with open(stdout, "wb") as out:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {err.strip()[-500:]}")
    return Usage(wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024, ru.ru_minflt)


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


def line(label: str, u: Usage) -> str:
    return (f"{label:9s} wall {u.wall:6.2f} s  user {u.user:6.2f} s  sys {u.sys:5.2f} s  CPU {u.cpu:6.2f} s  "
            f"sys/CPU {u.sys / u.cpu:5.1%}  peak RSS {u.rss_mb:6.0f} MB  minor faults {u.minflt:>9,.0f}")


def median(runs: list[Usage]) -> Usage:
    return Usage(*(statistics.median(getattr(u, f) for u in runs) for f in ("wall", "user", "sys", "rss_mb", "minflt")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hunalign", default=os.environ.get("HUNALIGN") or shutil.which("hunalign"))
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_inputs(folder, args.sentences)
        ours_cmd = [sys.executable, "-m", "bilingual_pr", "align", "--presegmented", "--no-embeddings",
                    "--format", "beads", str(files["fr"]), str(files["en"])]
        hun_cmd = [args.hunalign, str(files["dic"]), str(files["fr.tok"]), str(files["en.tok"]), "-utf"] \
            if args.hunalign else None
        print(f"\n## Whole process, {args.sentences:,} x {args.sentences:,} sentences (wmt-news), "
              f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs; runs alternate")
        if hun_cmd is None:
            print("hunalign not found (set HUNALIGN or put it on PATH): only ours is measured")
        ours, hun = [], []
        for k in range(args.runs):
            ours.append(measure(ours_cmd, folder / "ours.out", env))
            print(line(f"ours #{k + 1}", ours[-1]), flush=True)
            if hun_cmd:
                hun.append(measure(hun_cmd, folder / "hunalign.out"))
                print(line(f"hun. #{k + 1}", hun[-1]), flush=True)
        o = median(ours)
        print(line("ours med", o))
        if hun:
            h = median(hun)
            print(line("hun. med", h))
            print(f"ours / hunalign: CPU {o.cpu / h.cpu:.2f}x (target <= 0.5x), peak RSS {o.rss_mb / h.rss_mb:.2f}x "
                  f"(target <= 0.3x), wall {o.wall / h.wall:.2f}x (wall depends on the machine's load)")


if __name__ == "__main__":
    main()
