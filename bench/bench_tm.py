#!/usr/bin/env python3
"""Translation memory database benchmark: import time and size, candidate and concordance lookup latency.

Usage (from the project root):
    python bench/bench_tm.py                          # 1M units into a temporary SQLite file
    python bench/bench_tm.py --units 100000 --db postgresql://...   # another size, another backend

The units are generated here from release-style templates (UNOG/CERN sentences with
varying bodies, countries, figures and dates, distinct tuids): no evaluation data is read.
Prints the import time (units stored through ``TMBackend.import_units`` in files of
``--file-units``), the database size, and p50/p95 latencies of ``candidates`` (a
template sentence with new figures) and ``concordance`` (two-word phrases).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

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


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--file-units", type=int, default=50_000, help="units per imported file (one transaction)")
    ap.add_argument("--db", help="database (default: a temporary SQLite file)")
    ap.add_argument("--lookups", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(19)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "memory.sqlite")
        tm = open_tm(db)
        made = stored = 0.0
        t0 = time.perf_counter()
        for start in range(0, args.units, args.file_units):
            t = time.perf_counter()
            batch = units(min(args.file_units, args.units - start), start, rng)
            made += time.perf_counter() - t
            t = time.perf_counter()
            tm.import_units(batch, source_file=f"syn{start}.tmx")
            stored += time.perf_counter() - t
        total = time.perf_counter() - t0
        info = tm.stats()
        print(f"{info['backend']}: {info['units']:,} units imported in {stored:.1f} s "
              f"({info['units'] / stored:,.0f} units/s; generating them took {made:.1f} s more, {total:.1f} s in all)")
        print(f"size: {info['bytes'] / 1e6:,.0f} MB ({info['bytes'] / max(1, info['units']):,.0f} bytes a unit)")
        cand, conc, found = [], [], []
        for _ in range(args.lookups):
            fr, _en = make_pair(rng)
            t = time.perf_counter()
            hits = tm.candidates(fr, "fr", "en", 50)
            cand.append((time.perf_counter() - t) * 1000)
            found.append(len(hits))
            words = fr.split()
            i = rng.randrange(0, len(words) - 1)
            t = time.perf_counter()
            tm.concordance(" ".join(words[i:i + 2]), "fr", 20)
            conc.append((time.perf_counter() - t) * 1000)
        for name, times in (("candidates (limit 50)", cand), ("concordance (limit 20)", conc)):
            print(f"{name}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
                  f"max {max(times):.1f} ms over {len(times)} lookups")
        print(f"candidates found per lookup: median {statistics.median(found):.0f}")
        tm.close()


if __name__ == "__main__":
    main()
