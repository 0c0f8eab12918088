#!/usr/bin/env python3
"""Translation memory database benchmark: import time and size, lookup latency, and two anchors on the same data.

Usage (from the project root):
    python bench/bench_tm.py                          # 1M units into a temporary SQLite file
    python bench/bench_tm.py --units 100000 --db postgresql://...   # another size, another backend

The units are generated here from release-style templates (UNOG/CERN sentences with
varying bodies, countries, figures and dates, distinct tuids): no evaluation data is read.
Prints the import time (units stored through ``TMBackend.import_units`` in files of
``--file-units``), the database size, and p50/p95 latencies of ``candidates`` (a
template sentence with new figures), of the whole fuzzy search ``tm search`` runs
(candidates ranked by the leverage rules, ``--min 75``) and of ``concordance`` (two-word
phrases), for the same ``--lookups`` queries whatever the size (their own seed).

Anchors, same data and same queries (``--no-anchors`` to skip them):

* translate-toolkit's in-memory matcher (``translate.search.match.matcher``, what its
  ``pot2po``/``tmserver`` used; min similarity 75, 50 candidates, no length cap), run in a
  child process over the first ``--matcher-units`` units (it holds every unit in Python
  objects and compares the sentence with each unit of a similar length): build time,
  lookup p50/p95, and the whole process's CPU and peak RSS (``bench/_process.py``).
* with a ``postgresql://`` database: a plain ``pg_trgm`` query as Weblate's memory runs it
  (``source % text`` with a GIN trigram index on ``source``, ``ORDER BY similarity DESC
  LIMIT 50``, in the language pair) on the same table, at ``pg_trgm``'s default threshold
  (0.3) and at 0.96 (Weblate's ``threshold_to_similarity`` for its default 75 on these
  sentences); the index is built for the run (its time and size printed), then dropped.

Ratios are ours / anchor (below 1: ours is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bilingual_pr.tm import open_tm  # noqa: E402
from bilingual_pr.tm.backend import NewUnit  # noqa: E402

BODIES = [("le Conseil des droits de l'homme", "the Human Rights Council"),
          ("le Comité contre la torture", "the Committee against Torture"),
          ("le Comité des droits de l'enfant", "the Committee on the Rights of the Child"),
          ("la Conférence du désarmement", "the Conference on Disarmament"),
          ("le Comité des droits économiques, sociaux et culturels",
           "the Committee on Economic, Social and Cultural Rights"),
          ("le Conseil du CERN", "the CERN Council"),
          ("la Commission économique pour l'Europe", "the Economic Commission for Europe")]
COUNTRIES = [("la Suisse", "Switzerland"), ("le Canada", "Canada"), ("le Brésil", "Brazil"),
             ("le Japon", "Japan"), ("le Kenya", "Kenya"), ("la Norvège", "Norway"), ("le Chili", "Chile"),
             ("l'Inde", "India"), ("le Maroc", "Morocco"), ("la Finlande", "Finland")]
MONTHS = [("janvier", "January"), ("février", "February"), ("mars", "March"), ("avril", "April"),
          ("mai", "May"), ("juin", "June"), ("juillet", "July"), ("septembre", "September"),
          ("octobre", "October"), ("novembre", "November"), ("décembre", "December")]
TEMPLATES = [
    ("{B} a ouvert ce matin sa {N}e session à Genève.", "{b} this morning opened its {N}th session in Geneva."),
    ("{B} a examiné le rapport présenté par {C}.", "{b} reviewed the report presented by {c}."),
    ("{B} reprendra ses travaux le {D} {M} {Y} à {H} heures.", "{b} will resume its work on {D} {m} {Y} at {h}."),
    ("Le rapport couvre {K} communications reçues en {Y}.", "The report covers {K} communications received in {Y}."),
    ("{B} a adopté {N} résolutions et {D} décisions.", "{b} adopted {N} resolutions and {D} decisions."),
    ("La délégation de {C} a répondu aux questions des experts.",
     "The delegation of {c} answered the questions of the experts."),
    ("Plus de {K} participants sont attendus à Genève du {D} au {E} {M}.",
     "More than {K} participants are expected in Geneva from {D} to {E} {m}."),
    ("{B} tiendra une séance publique le {D} {M} à {H} heures.", "{b} will hold a public meeting on {D} {m} at {h}."),
    ("Le budget pour {Y} s'élève à {K} millions de francs suisses.",
     "The budget for {Y} amounts to {K} million Swiss francs."),
    ("Les observations finales sur {C} seront publiées le {D} {M} {Y}.",
     "The concluding observations on {c} will be published on {D} {m} {Y}."),
]


def _hour(h: int) -> str:
    return f"{h % 12 or 12} {'a.m.' if h < 12 else 'p.m.'}"


def _thousands(n: int) -> tuple[str, str]:
    return f"{n:,}".replace(",", "\u202f"), f"{n:,}"


def make_pair(rng: random.Random) -> tuple[str, str]:
    """One synthetic release sentence pair with random slots."""
    fr, en = rng.choice(TEMPLATES)
    body, country, month = rng.choice(BODIES), rng.choice(COUNTRIES), rng.choice(MONTHS)
    k_fr, k_en = _thousands(rng.randrange(100, 99999))
    h = rng.randrange(9, 19)
    d = rng.randrange(1, 28)
    slots = dict(N=str(rng.randrange(2, 80)), D=str(d), E=str(d + 1), Y=str(rng.randrange(1990, 2030)),
                 H=str(h), C=country[0], c=country[1], M=month[0], m=month[1])
    fr_text = fr.format(B=body[0][0].upper() + body[0][1:], K=k_fr, **slots)
    en_text = en.format(b=body[1][0].upper() + body[1][1:], K=k_en, h=_hour(h), **slots)
    return fr_text, en_text


def units(count: int, start: int, rng: random.Random) -> list[NewUnit]:
    """``count`` aligned units of one synthetic release file."""
    doc = f"SYN{start // 1000:06d}.fr.txt"
    out = []
    for n in range(count):
        fr, en = make_pair(rng)
        out.append(NewUnit(fr, en, "fr-FR", "en-GB", "aligned", 0.9, doc, "20260101T000000Z", "20260101T000000Z",
                           tuid=f"SYN:{start + n}", props=(("x-bead", "1-1"),)))
    return out


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def batches(total: int, file_units: int):
    """The units of the run, file by file, always the same for the same ``total`` (seed 19)."""
    rng = random.Random(19)
    for start in range(0, total, file_units):
        yield start, units(min(file_units, total - start), start, rng)


def queries(count: int) -> list[tuple[str, str]]:
    """The lookups: a new template sentence and a two-word phrase of it (their own seed: the same at any size)."""
    rng = random.Random(2026)
    out = []
    for _ in range(count):
        fr, _en = make_pair(rng)
        words = fr.split()
        i = rng.randrange(0, len(words) - 1)
        out.append((fr, " ".join(words[i:i + 2])))
    return out


def summary(name: str, times: list[float]) -> str:
    """One latency line: p50, p95, max."""
    return (f"{name}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
            f"max {max(times):.1f} ms over {len(times)} lookups")


def server_cpu(tm) -> float | None:
    """Milliseconds of CPU the PostgreSQL server process of this connection has used (local server), else None."""
    db = getattr(tm, "_db", None)
    if db is None or not hasattr(db, "pgconn"):
        return None
    try:
        pid = db.execute("SELECT pg_backend_pid()").fetchone()[0]
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
    except (OSError, ValueError):
        return None


def timed(fn, args_list, tm=None) -> tuple[list[float], list, list[float]]:
    """Milliseconds of each call, what each returned, and its CPU (this process, and the server's when local)."""
    times, results, cpu = [], [], []
    for args in args_list:
        c = time.process_time() * 1000 + (server_cpu(tm) or 0.0)
        t = time.perf_counter()
        results.append(fn(*args))
        times.append((time.perf_counter() - t) * 1000)
        cpu.append(time.process_time() * 1000 + (server_cpu(tm) or 0.0) - c)
    return times, results, cpu


MATCHER = r"""
import json, sys, time, statistics
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from bench_tm import batches, queries, percentile
from translate.search.match import matcher
from translate.storage.base import TranslationStore, TranslationUnit
# matches() keeps (similarity, unit) in a heap: two candidates with the same similarity make Python
# compare the units, which define no order (TypeError). Any order will do for the tie.
TranslationUnit.__lt__ = lambda a, b: id(a) < id(b)
count, file_units, lookups = (int(a) for a in sys.argv[3:6])
t0 = time.perf_counter()
store = TranslationStore()
for _start, batch in batches(count, file_units):
    for u in batch:
        tu = TranslationUnit(u.source)
        tu.target = u.target
        store.addunit(tu)
loaded = time.perf_counter() - t0
t = time.perf_counter()
m = matcher(store, max_candidates=50, min_similarity=75, max_length=1000)
built = time.perf_counter() - t
times, cpu, found = [], [], []
for fr, _phrase in queries(lookups):
    c, t = time.process_time(), time.perf_counter()
    found.append(len(m.matches(fr)))
    times.append((time.perf_counter() - t) * 1000)
    cpu.append((time.process_time() - c) * 1000)
print(json.dumps({"units": count, "kept": len(m.candidates.units), "loaded": loaded, "built": built,
                  "times": times, "cpu": cpu, "found": statistics.median(found)}))
"""


def ratios(label: str, ours: dict[str, list[float]], cpu: dict[str, list[float]], times: list[float],
           its_cpu: list[float] | None) -> None:
    """Print ours / anchor for the candidates and the whole fuzzy search: wall, and CPU where the anchor's is known."""
    n = len(times)
    for name in ("candidates (limit 50)", "fuzzy search (tm search)"):
        mine, mine_cpu = ours[name][:n], cpu[name][:n]
        text = (f"ours {name} / {label}: wall p50 {statistics.median(mine) / statistics.median(times):.4f}x, "
                f"p95 {percentile(mine, 95) / percentile(times, 95):.4f}x")
        if its_cpu:
            text += (f"; CPU p50 {statistics.median(mine_cpu) / statistics.median(its_cpu):.4f}x, "
                     f"p95 {percentile(mine_cpu, 95) / percentile(its_cpu, 95):.4f}x")
        print(text + f" (the same {n} queries)")


def matcher_anchor(args: argparse.Namespace, ours: dict[str, list[float]], cpu: dict[str, list[float]],
                   tmp: Path) -> None:
    """translate-toolkit's matcher in a child process; its figures and the ratios ours / matcher."""
    import _process

    if args.matcher_units <= 0:
        print("\n## translate-toolkit matcher: skipped (--matcher-units 0)")
        return
    if not _process.importable("translate.search.match"):
        print("\n## translate-toolkit matcher: skipped (translate-toolkit not installed)")
        return
    size = min(args.matcher_units, args.units)
    cmd = _process.python("matcher", MATCHER, str(ROOT / "src"), str(ROOT / "bench"), str(size),
                          str(args.file_units), str(args.anchor_lookups))
    usage = _process.measure(cmd, tmp / "matcher.json")
    res = json.loads((tmp / "matcher.json").read_text().splitlines()[-1])
    print(f"\n## translate-toolkit {_version('translate-toolkit')} matcher, {size:,} units"
          f"{'' if size == args.units else f' (ours: {args.units:,}; it holds every unit in memory)'}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"units generated and stored in a TranslationStore in {res['loaded']:.1f} s; matcher built in "
          f"{res['built']:.1f} s ({res['kept']:,} units kept: it drops repeated source/target pairs)")
    print(summary("matcher.matches (min 75, 50 candidates)", res["times"]) + f"; median found {res['found']:.0f}")
    print(f"  CPU (its process): p50 {statistics.median(res['cpu']):.1f} ms, p95 {percentile(res['cpu'], 95):.1f} ms")
    print(_process.line("whole process", usage))
    ratios(f"matcher (ours at {args.units:,} units, it at {size:,})", ours, cpu, res["times"], res["cpu"])


def trigram_anchor(tm, args: argparse.Namespace, ours: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    """A plain pg_trgm similarity query (Weblate's memory) on the same PostgreSQL table; ratios ours / it."""
    db = tm._db  # the bench measures the backend's own table, through its own connection
    print(f"\n## pg_trgm similarity query (as Weblate's memory), same table; load average {os.getloadavg()[0]:.1f}")
    db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    t = time.perf_counter()
    db.execute("CREATE INDEX bench_source_trgm ON units USING gin (source gin_trgm_ops)")
    built = time.perf_counter() - t
    size = db.execute("SELECT pg_relation_size('bench_source_trgm')").fetchone()[0]
    print(f"GIN trigram index on source built in {built:.1f} s, {size / 1e6:,.0f} MB")
    sql = ("SELECT id, source, target, similarity(source, %s) FROM units WHERE source %% %s AND src_base = 'fr' "
           "AND tgt_base = 'en' ORDER BY similarity(source, %s) DESC LIMIT 50")
    try:
        for threshold in (0.3, 0.96):
            db.execute(f"SET pg_trgm.similarity_threshold = {threshold}")
            times, found, its_cpu = timed(lambda fr: db.execute(sql, (fr, fr, fr), prepare=False).fetchall(),
                                          [(fr,) for fr, _ in queries(args.anchor_lookups)], tm)
            print(summary(f"source % text at {threshold}, ORDER BY similarity LIMIT 50", times)
                  + f"; median found {statistics.median(len(f) for f in found):.0f}")
            print(f"  CPU (this process and the server's): p50 {statistics.median(its_cpu):.1f} ms, "
                  f"p95 {percentile(its_cpu, 95):.1f} ms")
            ratios(f"pg_trgm at {threshold}", ours, cpu, times, its_cpu if server_cpu(tm) is not None else None)
    finally:
        db.execute("RESET pg_trgm.similarity_threshold")
        db.execute("DROP INDEX bench_source_trgm")


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def main() -> None:
    """Run the benchmark and print the figures."""
    from bilingual_pr.tm.search import search

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--file-units", type=int, default=50_000, help="units per imported file (one transaction)")
    ap.add_argument("--db", help="database (default: a temporary SQLite file)")
    ap.add_argument("--lookups", type=int, default=200)
    ap.add_argument("--no-anchors", action="store_true", help="skip translate-toolkit's matcher and pg_trgm")
    ap.add_argument("--anchor-lookups", type=int, default=20, help="lookups for the anchors (the first of ours)")
    ap.add_argument("--matcher-units", type=int, default=100_000, help="units given to translate-toolkit's matcher")
    args = ap.parse_args()
    print(f"# bench_tm: {args.units:,} units, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "memory.sqlite")
        tm = open_tm(db)
        made = stored = stored_cpu = 0.0
        t0 = time.perf_counter()
        gen = batches(args.units, args.file_units)
        while True:
            t = time.perf_counter()
            item = next(gen, None)
            made += time.perf_counter() - t
            if item is None:
                break
            start, batch = item
            t, c = time.perf_counter(), time.process_time()
            tm.import_units(batch, source_file=f"syn{start}.tmx")
            stored += time.perf_counter() - t
            stored_cpu += time.process_time() - c
        total = time.perf_counter() - t0
        info = tm.stats()
        print(f"{info['backend']}: {info['units']:,} units imported in {stored:.1f} s "
              f"({info['units'] / stored:,.0f} units/s; generating them took {made:.1f} s more, {total:.1f} s in all; "
              f"CPU of this process while importing {stored_cpu:.1f} s{'' if info['backend'] == 'sqlite' else ', the server not counted'})")
        print(f"size: {info['bytes'] / 1e6:,.0f} MB ({info['bytes'] / max(1, info['units']):,.0f} bytes a unit)")
        qs = queries(args.lookups)
        ours: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        name = "candidates (limit 50)"
        ours[name], found, cpu[name] = timed(lambda fr: tm.candidates(fr, "fr", "en", 50), [(fr,) for fr, _ in qs], tm)
        name = "fuzzy search (tm search)"
        ours[name], matches, cpu[name] = timed(lambda fr: search(tm, fr, "fr", "en"), [(fr,) for fr, _ in qs], tm)
        name = "concordance (limit 20)"
        ours[name], _, cpu[name] = timed(lambda p: tm.concordance(p, "fr", 20), [(p,) for _, p in qs], tm)
        where = "this process" + (" and its PostgreSQL server process" if server_cpu(tm) is not None else "")
        for name, times in ours.items():
            print(summary(name, times))
            print(f"  CPU ({where}): p50 {statistics.median(cpu[name]):.1f} ms, p95 {percentile(cpu[name], 95):.1f} ms")
        print(f"candidates found per lookup: median {statistics.median(len(f) for f in found):.0f}; "
              f"matches at 75 or more: median {statistics.median(len(m) for m in matches):.0f}")
        if not args.no_anchors:
            matcher_anchor(args, ours, cpu, Path(tmp))
            if info["backend"] == "postgresql":
                trigram_anchor(tm, args, ours, cpu)
        tm.close()


if __name__ == "__main__":
    main()
