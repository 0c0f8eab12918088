#!/usr/bin/env python3
"""False alarms of each QA check family on clean memories: the dev pairs of ../shared/eval/dev, aligned.

Usage (from the project root):
    PYTHONPATH=src python bench/bench_qa_families.py [--eval DIR] [--keep DIR] [--profile fr-FR] [--show N]
                                                     [--wmt N]

Each ``<id>.fr.txt`` / ``<id>.en.txt`` pair is aligned with ``bilingual-pr align FR EN -o X.tmx``
(the released texts, so every finding on them is counted as a false alarm, to be read with
``--show``), then checked family by family, in the FR->EN direction the memories have and in
the reverse one (EN->FR, the French side as the target). Prints findings per family and per
check, per 100 units. Reads the evaluation data from ../shared/eval (BILINGUAL_PR_EVAL
overrides); writes only the aligned memories, into a temporary folder (or ``--keep``).
``--wmt N`` adds N sentence pairs of the WMT news test sets (``speed/wmt-news``, human
translations aligned by their makers), a larger clean sample, checked FR->EN the same way.
``--cost N`` only measures the CPU time (``time.process_time``) of each family alone on N WMT
pairs, in this process, the median of ``--repeat`` runs, as microseconds a unit, next to a run
with no family (reading and the runner's own work) as the anchor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bilingual_pr.qa import families  # noqa: E402
from bilingual_pr.qa.inputs import open_input  # noqa: E402
from bilingual_pr.qa.model import Segment  # noqa: E402
from bilingual_pr.qa.runner import run_checks  # noqa: E402


def _align(eval_dir: Path, out_dir: Path) -> list[Path]:
    """One aligned TMX per dev pair (reused when already in ``out_dir``)."""
    memories = []
    for fr in sorted(eval_dir.glob("*.fr.txt")):
        en = fr.with_name(fr.name.replace(".fr.txt", ".en.txt"))
        if not en.exists():
            continue
        tmx = out_dir / (fr.name.replace(".fr.txt", ".tmx"))
        if not tmx.exists():
            subprocess.run([sys.executable, "-m", "bilingual_pr", "align", str(fr), str(en), "-o", str(tmx)],
                           check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        memories.append(tmx)
    return memories


def _wmt(eval_dir: Path, n: int) -> list[Segment]:
    """The first ``n`` French/English sentence pairs of the WMT news sets, as FR->EN segments."""
    segs: list[Segment] = []
    for fr_file in sorted((eval_dir.parent / "speed" / "wmt-news").glob("*/*.fr.sent")):
        en_file = fr_file.with_name(fr_file.name.replace(".fr.sent", ".en.sent"))
        if not en_file.exists():
            continue
        fr = fr_file.read_text(encoding="utf-8").splitlines()
        en = en_file.read_text(encoding="utf-8").splitlines()
        for f, e in zip(fr, en):
            if f.strip() and e.strip():
                segs.append(Segment(len(segs), f, e, "fr", "en", None, fr_file.stem))
                if len(segs) >= n:
                    return segs
    return segs


def _table(label: str, chosen: list[str], units: int, findings: list, segments: dict, show: int) -> None:
    per_family: Counter[str] = Counter(f.family for f in findings)
    alarms: Counter[str] = Counter(f.family for f in findings if f.severity != "info")
    per_check: Counter[str] = Counter(f.check for f in findings)
    print(f"{label}: {units} units")
    print(f"  {'family':<14} {'findings':>8} {'per 100 units':>14} {'warnings+errors /100':>21}")
    for name in chosen:
        n = per_family[name]
        print(f"  {name:<14} {n:>8} {100 * n / max(units, 1):>14.2f} {100 * alarms[name] / max(units, 1):>21.2f}")
    for check, n in sorted(per_check.items()):
        print(f"    {check:<26} {n:>5} {100 * n / max(units, 1):>7.2f}")
    if show:
        for name in chosen:
            for f in [f for f in findings if f.family == name][:show]:
                seg = segments[f.unit]
                print(f"  {seg.doc}#{f.unit} {f.severity} [{f.check}] {f.message}\n      S: {seg.source}\n"
                      f"      T: {seg.target}")


def _cost(segs: list[Segment], chosen: list[str], repeat: int) -> None:
    """CPU microseconds a unit of each family alone (median of ``repeat`` runs), after the runner's own cost."""
    def run(fams: list[str]) -> float:
        times = []
        for _ in range(repeat):
            started = time.process_time()
            run_checks(lambda: iter(segs), families=fams)
            times.append(time.process_time() - started)
        return statistics.median(times)

    base = run([])
    print(f"CPU per unit on {len(segs)} WMT fr-en pairs, median of {repeat} runs "
          f"(runner alone: {1e6 * base / len(segs):.1f} us a unit, subtracted)")
    for name in chosen:
        print(f"  {name:<14} {1e6 * (run([name]) - base) / len(segs):8.1f} us a unit")


def main() -> None:
    """Align the dev pairs, check them family by family, print the findings per 100 units."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path,
                    default=Path(os.environ.get("BILINGUAL_PR_EVAL", ROOT.parent / "shared" / "eval")) / "dev")
    ap.add_argument("--keep", type=Path, help="folder for the aligned memories (kept, reused)")
    ap.add_argument("--profile", default="fr-FR")
    ap.add_argument("--families", default=",".join(families.names()))
    ap.add_argument("--show", type=int, default=0, help="print up to N findings per family")
    ap.add_argument("--wmt", type=int, default=0, help="also check N WMT news sentence pairs")
    ap.add_argument("--cost", type=int, default=0, help="only time each family on N WMT pairs")
    ap.add_argument("--repeat", type=int, default=3, help="runs per family for --cost")
    args = ap.parse_args()
    if args.cost:
        _cost(_wmt(args.eval, args.cost), args.families.split(","), args.repeat)
        return
    tmp = None
    if args.keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-qa-")
        out_dir = Path(tmp.name)
    else:
        out_dir = args.keep
        out_dir.mkdir(parents=True, exist_ok=True)
    memories = _align(args.eval, out_dir)
    chosen = args.families.split(",")
    for direction in ("fr-en", "en-fr"):
        src, tgt = direction.split("-")
        units = 0
        findings: list = []
        segments: dict = {}
        for tmx in memories:
            inp = open_input([tmx], src, tgt)
            report = run_checks(inp.read, profile=args.profile, families=chosen, input_name=tmx.name)
            # Number the units across memories so that the findings can be shown with their unit.
            for f in report.findings:
                seg = report.segments[f.unit]
                findings.append(type(f)(f.check, f.severity, f.message, units + f.unit, f.source_spans,
                                        f.target_spans, f.suggestion, f.related))
                segments[units + f.unit] = Segment(units + f.unit, seg.source, seg.target, seg.source_lang,
                                                   seg.target_lang, seg.id, tmx.stem)
            units += report.units
        _table(f"dev {direction}, {len(memories)} aligned memories, profile {args.profile}", chosen, units,
               findings, segments, args.show)
    if args.wmt:
        segs = _wmt(args.eval, args.wmt)
        report = run_checks(lambda: iter(segs), profile=args.profile, families=chosen)
        _table(f"WMT news fr-en, profile {args.profile}", chosen, report.units, report.findings, report.segments,
               args.show)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
