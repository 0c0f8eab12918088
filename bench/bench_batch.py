"""Throughput of ``bilingual-pr batch``: N generated release pairs with --jobs 1, then --jobs 2 (or --jobs-list).

The pairs are made from the bundled example (examples/DG26-014*.txt): each
release gets its own symbol and file-name style, its numbers changed, some
paragraphs left out on both sides, one sentence dropped from the English of
every fifth release (a 1-0 bead) and paragraph order rotated. Prints pairs per
second for each job count and the speed-up; the target is >= 1.7x for 2 jobs
over 1 on a machine with two free cores.

    .venv/bin/python bench/bench_batch.py [--pairs 1000] [--jobs-list 1,2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def generate(folder: Path, n: int, seed: int = 7) -> None:
    """Write n French/English release pairs derived from the bundled example."""
    rng = random.Random(seed)
    fr = _paragraphs(ROOT / "examples" / "DG26-014F.fr.txt")
    en = _paragraphs(ROOT / "examples" / "DG26-014E.en.txt")
    assert len(fr) == len(en), "the example's paragraphs must correspond one to one"
    head, body_fr, body_en = 1, fr[1:], en[1:]
    for i in range(n):
        year, number = 10 + i // 900, i % 900 + 1
        symbol = f"DG{year}/{number:03d}"
        keep = sorted(rng.sample(range(len(body_fr)), k=rng.randint(max(3, len(body_fr) - 3), len(body_fr))))
        shift = rng.randrange(len(keep))
        order = keep[shift:] + keep[:shift] if i % 3 == 0 else keep
        delta = rng.randint(1, 40)

        def renumber(text: str, delta: int = delta) -> str:
            # Same change on both sides so numbers stay anchors: add delta to every whole number.
            return re.sub(r"(?<![\d,.])(\d{1,3})(?![\d,.])", lambda m: str(int(m.group(1)) + delta), text)

        paras_fr = [f"{symbol}F"] + [renumber(body_fr[k]) for k in order]
        paras_en = [f"{symbol}E"] + [renumber(body_en[k]) for k in order]
        if i % 5 == 0 and len(paras_en) > 3:
            # The English drops a paragraph's last sentence.
            last = paras_en[2]
            cut = last.rfind(". ", 0, len(last) - 2)
            if cut > 0:
                paras_en[2] = last[:cut + 1]
        stem = symbol.replace("/", "-")
        names = (f"{stem}F.txt", f"{stem}E.txt") if i % 2 else (f"release-{i:04d}.fr.txt", f"release-{i:04d}.en.txt")
        (folder / names[0]).write_text("\n\n".join(paras_fr) + "\n", encoding="utf-8")
        (folder / names[1]).write_text("\n\n".join(paras_en) + "\n", encoding="utf-8")
    del head


def _burn(n: int) -> float:
    started = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - started


def machine_ceiling(jobs: int = 2, n: int = 6_000_000) -> float:
    """Speed-up of `jobs` processes over one on pure-Python work: what this machine allows right now."""
    import multiprocessing

    started = time.perf_counter()
    for _ in range(jobs):
        _burn(n)
    serial = time.perf_counter() - started
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pool.map(_burn, [n] * jobs)  # start the workers first
        started = time.perf_counter()
        pool.map(_burn, [n] * jobs)
        parallel = time.perf_counter() - started
    return serial / parallel


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    s = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime + s.ru_utime + s.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=1000)
    ap.add_argument("--jobs-list", default="1,2")
    ap.add_argument("--keep", type=Path, help="Generate into this folder and keep it.")
    ap.add_argument("--abba", action="store_true",
                    help="Run the job counts in order, then in reverse (1,2,2,1): evens out a machine shared with "
                         "other work; rates are then totals over both runs.")
    args = ap.parse_args()

    from bilingual_pr.batch import BatchOptions, load_pairs, run_batch
    from bilingual_pr.glossary.files import default_glossary_path

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    src = work / "releases"
    src.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    generate(src, args.pairs)
    pairing = load_pairs(src)
    print(f"generated {args.pairs} release pairs in {time.perf_counter() - t0:.1f} s; "
          f"paired {len(pairing.pairs)}, unpaired {len(pairing.unpaired)}; cpus available "
          f"{len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}")
    order = [int(j) for j in args.jobs_list.split(",")]
    if args.abba:
        order += order[::-1]
    totals: dict[int, list[float]] = {}
    for jobs in order:
        out = work / f"out-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        cpu0 = children_cpu()
        result = run_batch(pairing, BatchOptions(out, default_glossary_path()), jobs=jobs)
        cpu = children_cpu() - cpu0
        c = result.counts
        rate = c["done"] / result.processed_s
        totals.setdefault(jobs, [0.0, 0.0])
        totals[jobs][0] += c["done"]
        totals[jobs][1] += result.processed_s
        print(f"--jobs {jobs}: {c['done']} done, {c['failed']} failed in {result.processed_s:.1f} s "
              f"-> {rate:.2f} pairs/s (whole batch with merge and summary {result.elapsed_s:.1f} s, "
              f"{result.merged_units} merged units; CPU {cpu:.1f} s = {1000 * cpu / max(1, c['done']):.0f} ms/pair; "
              f"load average {os.getloadavg()[0]:.1f})")
        if c["failed"]:
            print("  first failure:", result.failed[0].error)
    rates = {j: done / secs for j, (done, secs) in totals.items()}
    if args.abba:
        print("over both rounds: " + ", ".join(f"--jobs {j}: {r:.2f} pairs/s" for j, r in rates.items()))
    ceiling = machine_ceiling()
    print(f"machine ceiling now: pure-Python work in 2 processes vs 1: {ceiling:.2f}x "
          "(below 2 when other work shares the CPUs)")
    if 1 in rates:
        for jobs, rate in rates.items():
            if jobs != 1:
                print(f"speed-up --jobs {jobs} over --jobs 1: {rate / rates[1]:.2f}x (target for 2 jobs: >= 1.7x)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
