"""Terminology QA benchmark: 1,000,000 TMX units against a 5,000-term glossary.

Units: the French/English segment pairs of the WMT news test sets
(``speed/wmt-news``, real press-style text with its real numbers and
punctuation) cycled to the wanted size, each with its own tuid. A third of the
units get a glossary term appended on both sides (the approved French and
English terms of one entry), so the matcher finds real hits; 1 in 500 of
those uses a deprecated or forbidden term instead, or leaves the term out.
The glossary has 5,000 entries whose terms are pairs of corpus words, each
with one admitted variant, plus deprecated and forbidden variants for 5 %.

The whole ``bilingual-pr check`` pipeline runs (streamed TMX reading, every
check family, the consistency pass), the per-unit checks in ``--jobs``
forked workers; resident memory of the main process is read from /proc every
100,000 units to show it stays flat. Target: under 60 s for 1,000,000 units.

Then the whole process as a user runs it (bench/_process.py: wall, user, system, peak RSS, minor
faults from ``os.wait4``) on a memory of ``--process-units`` units built the same way, runs
alternating with translate-toolkit's ``pofilter``, which reads the same TMX itself (French source,
as written). Two pairings, one process each (``-j 1``, pofilter has no workers):

* matched checks: ``bilingual-pr check --checks numbers,untranslated,spacing,typography,tags`` vs
  ``pofilter -t numbers -t untranslated -t unchanged -t doublespacing -t startwhitespace
  -t endwhitespace -t puncspacing -t endpunc -t doublequoting -t brackets -t xmltags``;
* defaults: ``bilingual-pr check -g glossary.csv`` (every family, terms included) vs ``pofilter``
  with its default test set (no terminology there).

Usage: python bench/bench_check.py [--units 1000000] [--jobs N] [--keep DIR] [--profile fr-FR]
       python bench/bench_check.py --only-process --process-units 100000 --runs 3
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
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _process import Command, compare, importable, ours  # noqa: E402

from bilingual_pr.glossary import load_glossary  # noqa: E402
from bilingual_pr.qa.inputs import open_input  # noqa: E402
from bilingual_pr.qa.runner import run_checks  # noqa: E402

EVAL = Path(os.environ.get("BILINGUAL_PR_EVAL") or Path(__file__).resolve().parents[1].parent / "shared" / "eval")
_WORD = re.compile(r"^[^\W\d_]{5,12}$")


def _pairs() -> list[tuple[str, str]]:
    root = EVAL / "speed" / "wmt-news"
    pairs = []
    for fr_file in sorted(root.glob("*/*.fr.sent")):
        en_file = fr_file.with_name(fr_file.name.replace(".fr.sent", ".en.sent"))
        if not en_file.exists():
            continue
        fr = fr_file.read_text(encoding="utf-8").splitlines()
        en = en_file.read_text(encoding="utf-8").splitlines()
        pairs.extend((f, e) for f, e in zip(fr, en) if f.strip() and e.strip())
    if not pairs:
        sys.exit(f"no WMT pairs under {root} (set BILINGUAL_PR_EVAL)")
    return pairs


def _vocab(texts: list[str], n: int) -> list[str]:
    counts: dict[str, int] = {}
    for t in texts:
        for w in t.split():
            w = w.strip(".,;:!?\"'()«»").lower()
            if _WORD.match(w):
                counts[w] = counts.get(w, 0) + 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:n]]


def make_glossary(path: Path, fr_vocab: list[str], en_vocab: list[str], n: int, rng: random.Random) -> list[tuple]:
    """Write a long-layout CSV glossary of ``n`` entries; return (fr, en, bad_fr_or_None) per entry."""
    rows = ["id,lang,term,status,type,pos,gender,number,note,subject,entry_note,dnt"]
    entries = []
    seen_fr: set[str] = set()
    seen_en: set[str] = set()
    while len(entries) < n:
        fr = f"{rng.choice(fr_vocab)} {rng.choice(fr_vocab)}"
        en = f"{rng.choice(en_vocab)} {rng.choice(en_vocab)}"
        fr_alt = f"{fr} {rng.choice(fr_vocab)}"
        if fr in seen_fr or en in seen_en or fr.split()[0] == fr.split()[1]:
            continue
        seen_fr.add(fr)
        seen_en.add(en)
        i = len(entries)
        rows += [f"e{i},fr,{fr},preferred,,noun,,,,,,", f"e{i},en,{en},preferred,,noun,,,,,,",
                 f"e{i},en,{en} {rng.choice(en_vocab)},admitted,,noun,,,,,,"]
        bad = None
        if i % 20 == 0:
            bad = f"{rng.choice(fr_vocab)} {rng.choice(fr_vocab)} {rng.choice(fr_vocab)}"
            rows.append(f"e{i},fr,{bad},{'forbidden' if i % 40 == 0 else 'deprecated'},,noun,,,,,,")
        entries.append((fr, en, bad, fr_alt))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return entries


def make_tmx(path: Path, pairs: list[tuple[str, str]], entries: list[tuple], units: int, rng: random.Random) -> int:
    """Write the benchmark TMX (French source); return how many units carry a seeded term error."""
    seeded = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="bench" '
                 'creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="fr-FR" '
                 'datatype="plaintext"/>\n<body>\n')
        buf = []
        for i in range(units):
            fr, en = pairs[i % len(pairs)]
            if i % 3 == 0:
                fr_t, en_t, bad, _ = entries[rng.randrange(len(entries))]
                if i % 1500 == 0:
                    seeded += 1
                    en_t = "" if bad is None else en_t
                    fr = f"{fr} ({fr_t})" if bad is None else f"{fr} ({bad})"
                    # English source, French target? No: French source, English target; a bad
                    # rendering on the English side is "term missing".
                    en = f"{en} (something else)" if bad is None else f"{en} ({en_t})"
                else:
                    fr, en = f"{fr} ({fr_t})", f"{en} ({en_t})"
            buf.append(f'<tu tuid="b{i}"><tuv xml:lang="fr-FR"><seg>{escape(fr)}</seg></tuv>'
                       f'<tuv xml:lang="en-GB"><seg>{escape(en)}</seg></tuv></tu>\n')
            if len(buf) >= 5000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf) + "</body>\n</tmx>\n")
    return seeded


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


_MATCHED_OURS = "numbers,untranslated,spacing,typography,tags"
_MATCHED_POFILTER = ("numbers", "untranslated", "unchanged", "doublespacing", "startwhitespace", "endwhitespace",
                     "puncspacing", "endpunc", "doublequoting", "brackets", "xmltags")


def process(folder: Path, gloss_path: Path, terms: int, units: int, runs: int) -> None:
    """``bilingual-pr check`` as a user runs it, next to ``pofilter`` on the same TMX."""
    tmx = folder / f"bench_{units}.tmx"
    if not tmx.exists():
        # Seed 7 first feeds the glossary in main() too: the file written again here is the same.
        pairs = _pairs()
        entries = make_glossary(gloss_path, _vocab([f for f, _ in pairs], 3000), _vocab([e for _, e in pairs], 3000),
                                terms, random.Random(7))
        make_tmx(tmx, pairs, entries, units, random.Random(7))
    pofilter = [sys.executable, "-m", "translate.filters.pofilter"]
    have = importable("translate.filters.pofilter")
    missing = [] if have else ["translate-toolkit (pofilter) is not installed: only ours is measured"]
    pairings = [
        ("matched checks", ours("check", "-j", "1", "--fail-on", "never", "--checks", _MATCHED_OURS, str(tmx)),
         [*pofilter, *(a for t in _MATCHED_POFILTER for a in ("-t", t)), str(tmx), str(folder / "pofilter.tmx")]),
        ("defaults, glossary for ours", ours("check", "-j", "1", "--fail-on", "never", "-g", str(gloss_path), str(tmx)),
         [*pofilter, str(tmx), str(folder / "pofilter.tmx")]),
    ]
    for title, mine, anchor in pairings:
        compare(f"check, {units:,} units, {title}", mine, [Command("pofilter", anchor)] if have else [], folder,
                runs, missing)


def main() -> None:
    """Build the data, run the checks once, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--terms", type=int, default=5000)
    ap.add_argument("--profile", default="fr-FR")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    ap.add_argument("--keep", type=Path, help="build the data in this folder and keep it (reused when present)")
    ap.add_argument("--no-pieces", action="store_true",
                    help="read the TMX in the main process and send units to the workers (the older path)")
    ap.add_argument("--process-units", type=int, default=100_000, help="units of the whole-process comparison")
    ap.add_argument("--runs", type=int, default=3, help="runs of each whole process (alternating)")
    ap.add_argument("--only-process", action="store_true", help="only the whole-process comparison")
    args = ap.parse_args()
    rng = random.Random(7)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_check_"))
    folder.mkdir(parents=True, exist_ok=True)
    tmx, gloss_path = folder / f"bench_{args.units}.tmx", folder / f"glossary_{args.terms}.csv"
    if args.only_process:
        process(folder, gloss_path, args.terms, args.process_units, args.runs)
        if not args.keep:
            shutil.rmtree(folder)
        return
    t0 = time.perf_counter()
    if not (tmx.exists() and gloss_path.exists()):
        pairs = _pairs()
        entries = make_glossary(gloss_path, _vocab([f for f, _ in pairs], 3000), _vocab([e for _, e in pairs], 3000),
                                args.terms, rng)
        make_tmx(tmx, pairs, entries, args.units, rng)
        print(f"data: {len(pairs):,} WMT pairs cycled into {args.units:,} units, "
              f"{tmx.stat().st_size / 2**20:.0f} MiB TMX, built in {time.perf_counter() - t0:.1f} s")
    rss0 = _rss_mb()
    t1 = time.perf_counter()
    glossary = load_glossary(gloss_path, "fr", "en")
    source = open_input([tmx])
    print(f"glossary: {len(glossary.entries):,} entries, loaded (and TMX opened) in {time.perf_counter() - t1:.2f} s")
    marks: list[tuple[int, float, float]] = []
    done = {"n": 0}
    start = time.perf_counter()
    cpu0 = time.process_time()

    print(f"{'units':>10} {'seconds':>8} {'RSS MiB':>8}", flush=True)

    def progress(step: int) -> None:
        if not step:
            return
        done["n"] += step
        if done["n"] % 100_000 == 0:
            marks.append((done["n"], time.perf_counter() - start, _rss_mb()))
            print(f"{marks[-1][0]:>10,} {marks[-1][1]:>8.1f} {marks[-1][2]:>8.0f}", flush=True)

    size = tmx.stat().st_size
    seen = {"bytes": 0, "next": size // 10}

    def piece_progress(step: int) -> None:
        # With pieces the workers read the memory: progress comes in bytes, a mark every tenth.
        seen["bytes"] += step
        if seen["bytes"] >= seen["next"]:
            seen["next"] += size // 10
            marks.append((seen["bytes"], time.perf_counter() - start, _rss_mb()))
            print(f"{seen['bytes'] / size:>9.0%}B {marks[-1][1]:>8.1f} {marks[-1][2]:>8.0f}", flush=True)

    report = run_checks(source.read, glossary=glossary, profile=args.profile, progress=progress,
                        input_name=str(tmx), jobs=args.jobs, pieces=None if args.no_pieces else source.pieces,
                        piece_progress=piece_progress)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    counts = report.counts_by_check()
    print(f"checked {report.units:,} units in {elapsed:.1f} s ({report.units / elapsed:,.0f} units/s), "
          f"target < 60 s: {'met' if elapsed < 60 and report.units >= 1_000_000 else 'NOT met' if report.units >= 1_000_000 else 'n/a (fewer units)'}")
    print(f"jobs {args.jobs}; CPU time: main process {cpu:.1f} s, workers "
          f"{children.ru_utime + children.ru_stime:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"RSS before {rss0:.0f} MiB, after {_rss_mb():.0f} MiB, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"findings: {len(report.findings):,} in {len({f.unit for f in report.findings}):,} units; "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    process(folder, gloss_path, args.terms, args.process_units, args.runs)
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
