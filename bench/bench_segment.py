"""Sentence segmentation benchmark: boundary P/R/F1 per engine and language, and throughput.

Accuracy: every ``*.fr.txt`` / ``*.en.txt`` of the dev set is read with
``bilingual_pr.documents`` (so blocks are used) and segmented block by block;
the reference is the gold ``*.sent`` file. A boundary is the number of
non-whitespace characters before a sentence end (the text with all whitespace
removed); the end of the document is not counted. "all" scores every boundary,
"in-block" leaves out the boundaries at block ends (every engine gets those for
free because blocks are segmented separately).

Held-out check: WMT newstest2013 French and English news documents, their
segments joined again into paragraphs (at most 5 punctuated segments each;
unpunctuated lines such as titles stay alone); the segments are the
reference. WMT segments occasionally hold two sentences, so precision there is
a lower bound; the set was never looked at while writing the rules.

Speed: the two novels of ``speed/novels`` (French and English), their gold
sentences joined with spaces into paragraphs of 8 sentences separated by blank
lines, segmented with ``segment_document``; sentences out per CPU-second of the
(single-threaded) process, best of 5 runs.

Whole process as a user runs it (bench/_process.py: wall, user, system, peak RSS, minor faults
from ``os.wait4``): the same novel paragraphs written to one text file per language,
``bilingual-pr segment --lang L FILE -o OUT`` next to, alternately, pysbd (a script that splits the
file at blank lines and segments each paragraph, one sentence a line), the Moses splitter itself
(``perl split-sentences.perl -l L -q < FILE``, the script the ``mosestokenizer`` package ships) and
``sentence-splitter`` (its Python port). None of them is a project dependency: install them apart,
``pip install --target /tmp/h15-tools pysbd mosestokenizer sentence-splitter`` (``BENCH_TOOLS``
names another folder); an anchor that is not there is skipped, and the bench says so.

Usage: python bench/bench_segment.py [--engines ours,pysbd,sentencex,choppa] [--errors]
       python bench/bench_segment.py --only-process --runs 3
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _process import TOOLS, Command, compare, importable, ours, python  # noqa: E402

from bilingual_pr.documents import read_document, read_text_string  # noqa: E402
from bilingual_pr.segment import compile_rules, segment_document, segment_text  # noqa: E402

EVAL = Path(os.environ.get("BILINGUAL_PR_EVAL") or Path(__file__).resolve().parents[1].parent / "shared" / "eval")
_WS = re.compile(r"\s+")

Splitter = Callable[[str, str], list[str]]


def _ours() -> Splitter:
    cache: dict[str, object] = {}

    def split(text: str, lang: str) -> list[str]:
        compiled = cache.setdefault(lang, compile_rules(None, lang))
        return [text[s:e] for s, e in segment_text(text, lang, compiled)]

    return split


def _pysbd() -> Splitter:
    import pysbd

    segs = {lang: pysbd.Segmenter(language=lang, clean=False) for lang in ("fr", "en")}
    return lambda text, lang: segs[lang].segment(text)


def _sentencex() -> Splitter:
    import sentencex

    return lambda text, lang: list(sentencex.segment(lang, text))


def _choppa() -> Splitter:
    from choppa import DEFAULT_SRX_RULESET, SrxDocument, SrxTextIterator

    doc = SrxDocument(ruleset=DEFAULT_SRX_RULESET)
    # "_one": LanguageTool's rules also break at a line break, like the gold.
    return lambda text, lang: list(SrxTextIterator(doc, f"{lang}_one", text))


def _ours_lt() -> Splitter:
    from choppa import DEFAULT_SRX_RULESET

    from bilingual_pr.segment import load_srx

    rules = load_srx(DEFAULT_SRX_RULESET)
    compiled = {lang: compile_rules(rules, f"{lang}_one") for lang in ("fr", "en")}
    return lambda text, lang: [text[s:e] for s, e in segment_text(text, lang, compiled[lang])]


ENGINES: dict[str, Callable[[], Splitter]] = {
    "ours": _ours, "pysbd": _pysbd, "sentencex": _sentencex, "choppa-LT": _choppa, "our-engine+LT-srx": _ours_lt,
}


def _boundaries(pieces: list[str]) -> list[int]:
    out, pos = [], 0
    for piece in pieces:
        n = len(_WS.sub("", piece))
        if n:
            pos += n
            out.append(pos)
    return out[:-1]


def _score(pred: set[int], gold: set[int]) -> tuple[int, int, int]:
    return len(pred & gold), len(pred), len(gold)


def _prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    p = tp / np_ if np_ else 1.0
    r = tp / ng if ng else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(split: Splitter, lang: str, show_errors: bool = False) -> dict[str, tuple[float, float, float]]:
    """Score one engine on the dev set for one language."""
    tot = {"all": [0, 0, 0], "in-block": [0, 0, 0]}
    for txt in sorted((EVAL / "dev").glob(f"*.{lang}.txt")):
        doc = read_document(txt, lang)
        gold_lines = [ln for ln in txt.with_suffix(".sent").read_text(encoding="utf-8").split("\n") if ln.strip()]
        gold = set(_boundaries(gold_lines))
        pieces: list[str] = []
        block_ends: set[int] = set()
        for block in doc.blocks:
            pieces.extend(split(block.text, lang))
            block_ends.add(len(_WS.sub("", "".join(pieces))))
        pred = set(_boundaries(pieces))
        for key, drop in (("all", set()), ("in-block", block_ends)):
            tp, np_, ng = _score(pred - drop, gold - drop)
            tot[key][0] += tp
            tot[key][1] += np_
            tot[key][2] += ng
        if show_errors:
            flat = _WS.sub("", doc.text)
            for b in sorted(pred ^ gold):
                kind = "extra" if b in pred else "missed"
                print(f"  {txt.name} {kind}: …{flat[max(0, b - 40):b]} | {flat[b:b + 30]}…")
    return {k: _prf(*v) for k, v in tot.items()}


_ENDS = tuple(".!?…\"»”)’'")


def evaluate_heldout(split: Splitter, lang: str, folder: str = "newstest2013") -> tuple[float, float, float]:
    """Score on WMT news: segments re-joined into paragraphs, the segments as a (noisy) reference."""
    tot = [0, 0, 0]
    for path in sorted((EVAL / "speed" / "wmt-news" / folder).glob(f"*.{lang}.sent")):
        segs = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
        paras: list[list[str]] = []
        for seg in segs:
            # Titles and other unpunctuated lines stay paragraphs of their own.
            if paras and len(paras[-1]) < 5 and paras[-1][-1].endswith(_ENDS) and seg.endswith(_ENDS):
                paras[-1].append(seg)
            else:
                paras.append([seg])
        pieces: list[str] = []
        for para in paras:
            pieces.extend(split(" ".join(para), lang))
        tp, np_, ng = _score(set(_boundaries(pieces)), set(_boundaries(segs)))
        tot[0] += tp
        tot[1] += np_
        tot[2] += ng
    return _prf(*tot)


def _novel_documents(per_paragraph: int = 8):
    return [(lang, read_text_string(text)) for lang, text in _novel_documents_by_lang(per_paragraph).items()]


def throughput(repeat: int = 5) -> tuple[float, float, int]:
    """Sentences and characters per CPU-second of segment_document on the novels (best of ``repeat``)."""
    docs = _novel_documents()
    compiled = {lang: compile_rules(None, lang) for lang, _ in docs}
    best = float("inf")
    count = 0
    for _ in range(repeat):
        # CPU time of this (single-threaded) process: the machine is shared.
        t0 = time.process_time()
        count = sum(len(segment_document(doc, lang, compiled[lang])) for lang, doc in docs)
        best = min(best, time.process_time() - t0)
    chars = sum(len(doc.text) for _, doc in docs)
    return count / best, chars / best, count


def engine_throughput(split: Splitter) -> float:
    """Sentences per second of any engine on the same novel paragraphs (one run)."""
    docs = _novel_documents()
    for lang, _ in docs:
        split("Warm up. Then go.", lang)
    t0 = time.process_time()
    count = sum(len(split(block.text, lang)) for lang, doc in docs for block in doc.blocks)
    return count / (time.process_time() - t0)


_PYSBD = """import sys, pysbd
seg = pysbd.Segmenter(language=sys.argv[2], clean=False)
text = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.writelines(s.strip() + "\\n" for p in text.split("\\n\\n") if p.strip() for s in seg.segment(p))
"""
_SENTENCE_SPLITTER = """import sys
from sentence_splitter import SentenceSplitter
split = SentenceSplitter(language=sys.argv[2]).split
text = open(sys.argv[1], encoding="utf-8").read()
sys.stdout.writelines(s + "\\n" for p in text.split("\\n\\n") if p.strip() for s in split(p))
"""


def process(runs: int) -> None:
    """``bilingual-pr segment`` as a user runs it, next to pysbd and the Moses splitter on the same files."""
    moses = Path(TOOLS) / "mosestokenizer" / "split-sentences.perl"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for lang, doc in _novel_documents_by_lang().items():
            path = folder / f"novels.{lang}.txt"
            path.write_text(doc, encoding="utf-8")
            anchors, missing = [], []
            if importable("pysbd", [TOOLS]):
                anchors.append(python("pysbd", _PYSBD, str(path), lang, pythonpath=[TOOLS]))
            else:
                missing.append(f"pysbd is not installed in {TOOLS}")
            if moses.exists():
                anchors.append(Command("moses", ["perl", str(moses), "-l", lang, "-q"], stdin=path))
            else:
                missing.append(f"the Moses splitter ({moses}, from the mosestokenizer package) is not there")
            if importable("sentence_splitter", [TOOLS]):
                anchors.append(python("sentence-splitter", _SENTENCE_SPLITTER, str(path), lang, pythonpath=[TOOLS]))
            else:
                missing.append(f"sentence-splitter is not installed in {TOOLS}")
            compare(f"segment, novels ({lang}, {len(doc) / 1e3:,.0f} k characters, paragraphs of 8 sentences)",
                    ours("segment", "--lang", lang, str(path), "-o", str(folder / "ours.out")), anchors, folder,
                    runs, missing)


def _novel_documents_by_lang(per_paragraph: int = 8) -> dict[str, str]:
    """The novels' text per language, as _novel_documents builds it (paragraphs at blank lines)."""
    texts: dict[str, list[str]] = {}
    for path in sorted((EVAL / "speed" / "novels").glob("*.sent")):
        lang = path.name.split(".")[-2]
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
        texts.setdefault(lang, []).extend(" ".join(lines[i:i + per_paragraph]) for i in range(0, len(lines), per_paragraph))
    return {lang: "\n\n".join(paras) + "\n" for lang, paras in texts.items()}


def main() -> int:
    """Print the comparison table and the throughput."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--errors", action="store_true", help="list the boundary errors of the first engine")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--speed-all", action="store_true", help="also time every engine on the novels (slow)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each whole process (alternating)")
    ap.add_argument("--only-process", action="store_true", help="only the whole-process comparison")
    args = ap.parse_args()
    if not (EVAL / "dev").is_dir():
        print(f"evaluation data not found at {EVAL} (set BILINGUAL_PR_EVAL)", file=sys.stderr)
        return 2
    if args.only_process:
        process(args.runs)
        return 0
    names = [n for n in args.engines.split(",") if n]
    print(f"dev set: {EVAL / 'dev'}")
    print("| engine | lang | P (all) | R (all) | F1 (all) | P (in-block) | R (in-block) | F1 (in-block) | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for i, name in enumerate(names):
        split = ENGINES[name]()
        for lang in ("fr", "en"):
            t0 = time.perf_counter()
            res = evaluate(split, lang, show_errors=args.errors and i == 0)
            dt = time.perf_counter() - t0
            a, b = res["all"], res["in-block"]
            print(f"| {name} | {lang} | {a[0]:.4f} | {a[1]:.4f} | {a[2]:.4f} | {b[0]:.4f} | {b[1]:.4f} | {b[2]:.4f} "
                  f"| {dt:.2f} |", flush=True)
    print()
    print("held-out check (WMT newstest2013 news, segments re-joined into paragraphs; reference = WMT segments):")
    print("| engine | lang | P | R | F1 |")
    print("|---|---|---|---|---|")
    for name in names:
        split = ENGINES[name]()
        for lang in ("fr", "en"):
            p, r, f = evaluate_heldout(split, lang)
            print(f"| {name} | {lang} | {p:.4f} | {r:.4f} | {f:.4f} |", flush=True)
    if not args.no_speed:
        sps, cps, n = throughput()
        print(f"throughput (ours, novels fr+en, paragraphs of 8 sentences, {n} sentences, per CPU-second): "
              f"{sps:,.0f} sentences/s, {cps / 1e6:.2f} M chars/s")
    if args.speed_all:
        for name in names:
            print(f"throughput {name} (novels, one run, per block): {engine_throughput(ENGINES[name]()):,.0f} sentences/s",
                  flush=True)
    if not args.no_speed:
        process(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
