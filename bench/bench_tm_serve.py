#!/usr/bin/env python3
"""``tm serve`` benchmark: what HTTP adds to a concordance and a fuzzy search, and requests a second under load.

Usage (from the project root):
    python bench/bench_tm_serve.py                      # 100,000 units in a temporary SQLite file
    python bench/bench_tm_serve.py --units 20000 --db postgresql://...

The units come from bench_tm.py's release templates (no evaluation data). For the same
phrases and sentences it times the library call (``concordance``, ``tm.search.search``) and
the same request to ``tm serve`` (its own process) on a loopback port (urllib, one connection a request),
one at a time (p50/p95), then ``--clients`` clients at once over the server's 8 workers
(requests a second, and how many answers differed from the one-at-a-time ones: none is right).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_tm import make_pair, percentile, units  # noqa: E402
from bilingual_pr.tm import open_tm  # noqa: E402
from bilingual_pr.tm.records import concordance_record, match_record  # noqa: E402
from bilingual_pr.tm.search import search  # noqa: E402


def _ms(f, *args) -> tuple[float, object]:
    t = time.perf_counter()
    value = f(*args)
    return (time.perf_counter() - t) * 1000, value


def _cpu_seconds(pid: int) -> float:
    """User+system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _concord(tm, phrase: str) -> list:
    return [concordance_record(u, phrase, "fr") for u in tm.concordance(phrase, "fr", 20)]


def _search(tm, sentence: str) -> list:
    return [match_record(m) for m in search(tm, sentence, "fr", "en", minimum=50)]


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=60) as res:
        return json.loads(res.read())


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--db", help="database (default: a temporary SQLite file)")
    ap.add_argument("--lookups", type=int, default=100)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    rng = random.Random(19)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "memory.sqlite")
        tm = open_tm(db)
        for start in range(0, args.units, 50_000):
            tm.import_units(units(min(50_000, args.units - start), start, rng), source_file=f"syn{start}.tmx")
        queries = []
        for _ in range(args.lookups):
            fr, _en = make_pair(rng)
            words = fr.split()
            i = rng.randrange(0, len(words) - 1)
            queries.append((" ".join(words[i:i + 2]), fr))
        want = [(_concord(tm, p), _search(tm, s)) for p, s in queries]  # a first pass warms the caches
        # The server in its own process, as `tm serve` runs: the clients here do not share its GIL.
        proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "tm", "serve", "--db", db, "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        try:
            base = re.search(r"at (http://\S+/) ", proc.stdout.readline() if proc.stdout else "")
            assert base, "tm serve printed no URL"
            url = base.group(1)
            urls = [(url + "api/concord?" + urllib.parse.urlencode({"q": p, "lang": "fr"}),
                     url + "api/search?" + urllib.parse.urlencode({"q": s, "from": "fr", "to": "en", "min": 50}))
                    for p, s in queries]
            direct: dict[str, list[float]] = {"concord": [], "search": []}
            served: dict[str, list[float]] = {"concord": [], "search": []}
            # Each worker opens its connection on first use: not what a lookup costs.
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(_get, [url + "api/stats"] * 8 * 4))
            # Each query through the library and through the server back to back, so that load on
            # a shared machine weighs on both alike.
            library_cpu = server_cpu = 0.0
            for (phrase, sentence), (cu, su), (hits, found) in zip(queries, urls, want, strict=True):
                c0 = time.process_time()
                t, _ = _ms(_concord, tm, phrase)
                direct["concord"].append(t)
                t, _ = _ms(_search, tm, sentence)
                direct["search"].append(t)
                library_cpu += time.process_time() - c0
                s0 = _cpu_seconds(proc.pid)
                t, got = _ms(_get, cu)
                served["concord"].append(t)
                assert got == json.loads(json.dumps(hits)), cu
                t, got = _ms(_get, su)
                served["search"].append(t)
                assert got == json.loads(json.dumps(found)), su
                server_cpu += _cpu_seconds(proc.pid) - s0
            for name in ("concord", "search"):
                d, s = direct[name], served[name]
                print(f"{name}: library p50 {statistics.median(d):.1f} ms, p95 {percentile(d, 95):.1f} ms; "
                      f"served p50 {statistics.median(s):.1f} ms, p95 {percentile(s, 95):.1f} ms "
                      f"(HTTP adds {statistics.median(s) - statistics.median(d):.1f} ms at the median)")
            print(f"CPU (user+sys) for a concordance and a search: library {library_cpu / len(queries) * 1000:.1f} ms, "
                  f"the server process {server_cpu / len(queries) * 1000:.1f} ms (HTTP, JSON and the page's log line "
                  "included); the wall times above include waiting for a core on a shared machine")
            every = [u for pair in urls for u in pair] * 2
            expected = [json.loads(json.dumps(x)) for pair in want for x in pair] * 2
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                answers = list(pool.map(_get, every))
            wall = time.perf_counter() - t0
            wrong = sum(a != e for a, e in zip(answers, expected, strict=True))
            print(f"{args.clients} clients, 8 workers: {len(every)} requests in {wall:.1f} s "
                  f"({len(every) / wall:.0f}/s), {wrong} answers differing from the serial ones")
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
            tm.close()


if __name__ == "__main__":
    main()
