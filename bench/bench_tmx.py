"""TMX throughput and memory: write 1M units, read them back, merge 2 x 500k.

Each phase runs in its own process so its peak RSS (ru_maxrss) is its own.
Targets (issue 5): write < 20 s and read < 20 s for 1,000,000 units, each
under 200 MB peak RSS; merge of two 500,000-unit files < 60 s. Reading is
measured twice: in one process, and with ``jobs=2`` (this process reads its
balanced share of the body's pieces, one worker the rest).

Then the whole process as a user runs it (bench/_process.py: wall, user, system,
peak RSS, minor faults from ``os.wait4``), runs alternating with translate-toolkit
(``translate.storage.tmx.tmxfile``, lxml) doing the same job on the same files:

* read: ``bilingual-pr tmx stats big.tmx`` vs ``tmxfile.parsefile`` + every unit's source and target
  (what reading a memory is for; parsing alone leaves the texts in the lxml tree);
* read with two processes: ``bilingual-pr tmx stats -j 2 big.tmx`` (two workers count the body's
  pieces, formats/tmx/stats.py) vs the same translate-toolkit run: what a user waits for with
  ``-j 2`` is the wall time; the CPU time (both processes) is printed too, and grows a little;
* copy: ``bilingual-pr tmx filter --min-confidence 0 big.tmx -o out.tmx`` (read, write every unit)
  vs ``parsefile`` + ``savefile``;
* merge: ``bilingual-pr tmx merge a.tmx b.tmx -o m.tmx`` vs parsing both, adding b's units to a
  (translate-toolkit does not de-duplicate: less work than ours) and ``savefile``.

    python bench/bench_tmx.py               # full size
    python bench/bench_tmx.py --units 100000 --workdir /tmp/tmxbench
    python bench/bench_tmx.py --units 100000 --only-process --runs 3
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _process import compare, importable, ours, python  # noqa: E402

WORDS_FR = ("le Conseil", "la session", "les droits", "de l’homme", "à Genève", "«\u00a0rapport\u00a0»",
            "la délégation", "a adopté", "une résolution", "sur", "l’ordre du jour", "& annexes", "<note>")
WORDS_EN = ("the Council", "the session", "rights", "human", "in Geneva", "“report”", "the delegation",
            "adopted", "a resolution", "on", "the agenda", "& annexes", "<note>")


def _pool(words: tuple[str, ...], size: int = 997) -> list[str]:
    k = len(words)
    return [" ".join(words[(i * j + j) % k] for j in range(1, 9)) for i in range(size)]


def make_units(n: int, offset: int = 0, variant: int = 0):
    """Synthetic, varied units (~100 characters a side) with the props the aligner writes.

    Texts come from a pool of sentences plus the unit number, so generating a
    unit costs little next to writing it (the "generate" line measures it).
    """
    from bilingual_pr.formats.units import TranslationUnit

    fr_pool, en_pool = _pool(WORDS_FR), _pool(WORDS_EN)
    end = "." if not variant else "!"
    changed = f"2025030{1 + variant}T090000Z"
    size = len(fr_pool)
    for i in range(offset, offset + n):
        yield TranslationUnit(
            f"{fr_pool[i % size]} n° {i}.", f"{en_pool[i % size]} No. {i}{end}", "fr-FR", "en-GB",
            tuid=f"u{i}", creationdate="20250301T090000Z", changedate=changed,
            props=(("x-confidence", f"{(i % 100) / 100:.2f}"), ("x-bead", "1-1"),
                   ("x-source-doc", f"PR-{i // 40}.fr.docx")),
        )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, workdir: Path, units: int) -> None:
    from bilingual_pr.formats.tmx import TmxReader, TmxWriter, merge_tmx, read_tmx

    base_rss = peak_rss_mb()
    start, cpu_start = time.perf_counter(), time.process_time()
    if name == "generate":
        count = sum(1 for _ in make_units(units))
    elif name == "write":
        with TmxWriter(workdir / "big.tmx") as writer:
            for unit in make_units(units):
                writer.write(unit)
        count = writer.written
    elif name == "read":
        count = sum(1 for _ in read_tmx(workdir / "big.tmx"))
    elif name == "read-jobs2":
        # The main process reads its share of the body's pieces, one worker the rest (formats/tmx/parallel.py).
        count = sum(1 for _ in TmxReader(workdir / "big.tmx", jobs=2))
    elif name == "prepare-merge":
        half = units // 2
        # B repeats a fifth of A (newer), changes the target of a further tenth, adds new units.
        with TmxWriter(workdir / "a.tmx") as writer:
            for unit in make_units(half):
                writer.write(unit)
        with TmxWriter(workdir / "b.tmx") as writer:
            dup, conflict = half // 5, half // 10
            for unit in make_units(dup, 0, variant=0):
                writer.write(unit)
            for unit in make_units(conflict, dup, variant=1):
                writer.write(unit)
            for unit in make_units(half - dup - conflict, half):
                writer.write(unit)
        count = 2 * half
    elif name == "merge":
        report = merge_tmx([workdir / "a.tmx", workdir / "b.tmx"], workdir / "merged.tmx", jobs=2)
        count = report.written
        print(f"  merge: read {report.read}, wrote {report.written}, duplicates {report.duplicates}, "
              f"conflicting sources {report.conflicting_sources}", flush=True)
    else:
        raise SystemExit(f"unknown phase {name}")
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if children.ru_maxrss:
        print(f"  workers: {children.ru_utime + children.ru_stime:.2f} s CPU, peak RSS "
              f"{children.ru_maxrss / 1024:.0f} MB", flush=True)
    size = ""
    if name in ("write", "merge"):
        out = workdir / ("big.tmx" if name == "write" else "merged.tmx")
        size = f", file {out.stat().st_size / 1e6:.0f} MB"
    print(f"{name:>13}: {count:>9,} units in {elapsed:6.2f} s wall, {cpu:6.2f} s CPU "
          f"({count / elapsed:,.0f} units/s), peak RSS {peak_rss_mb():.0f} MB "
          f"(interpreter+imports {base_rss:.0f} MB){size}; load average {os.getloadavg()[0]:.1f}", flush=True)


_TT_READ = """import sys
from translate.storage.tmx import tmxfile
store = tmxfile.parsefile(sys.argv[1])
print(len(store.units), "units,", sum(len(u.source) + len(u.target) for u in store.units), "characters")
"""
_TT_COPY = """import sys
from translate.storage.tmx import tmxfile
tmxfile.parsefile(sys.argv[1]).savefile(sys.argv[2])
"""
_TT_MERGE = """import sys
from translate.storage.tmx import tmxfile
a, b = tmxfile.parsefile(sys.argv[1]), tmxfile.parsefile(sys.argv[2])
for unit in b.units:
    a.addunit(unit)
a.savefile(sys.argv[3])
"""


def process(workdir: Path, units: int, runs: int) -> None:
    """The whole commands as a user runs them, next to translate-toolkit on the same files."""
    big, a, b = workdir / "big.tmx", workdir / "a.tmx", workdir / "b.tmx"
    have_tt = importable("translate.storage.tmx")
    missing = [] if have_tt else ["translate-toolkit is not installed: only ours is measured"]
    jobs = [
        (f"TMX read, {units:,} units", ours("tmx", "stats", str(big)),
         python("translate-toolkit", _TT_READ, str(big))),
        (f"TMX read with -j 2 (ours: 2 worker processes; compare wall, CPU is both processes'), {units:,} units",
         ours("tmx", "stats", "-j", "2", str(big), label="ours -j 2"),
         python("translate-toolkit", _TT_READ, str(big))),
        (f"TMX read + write, {units:,} units", ours("tmx", "filter", "--min-confidence", "0", str(big), "-o",
                                                    str(workdir / "copy-ours.tmx")),
         python("translate-toolkit", _TT_COPY, str(big), str(workdir / "copy-tt.tmx"))),
        (f"TMX merge, 2 x {units // 2:,} units", ours("tmx", "merge", str(a), str(b), "-o", str(workdir / "m-ours.tmx")),
         python("translate-toolkit", _TT_MERGE, str(a), str(b), str(workdir / "m-tt.tmx"))),
    ]
    for title, mine, anchor in jobs:
        compare(title, mine, [anchor] if have_tt else [], workdir, runs, missing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole process (alternating)")
    parser.add_argument("--only-process", action="store_true", help="only the whole-process comparison")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.workdir, args.units)
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        print(f"TMX bench: {args.units:,} units, python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
        phases = ("write", "prepare-merge") if args.only_process else \
            ("generate", "write", "read", "read-jobs2", "prepare-merge", "merge")
        for name in phases:
            subprocess.run([sys.executable, __file__, "--phase", name, "--units", str(args.units),
                            "--workdir", tmp], check=True)
        process(Path(tmp), args.units, args.runs)


if __name__ == "__main__":
    main()
