"""Benchmark drafting: batched CTranslate2 vs Argos per sentence, and fuzzy TM lookup.

    python bench/bench_draft.py [--sentences 500] [--max-length 32] [--memory 100000] [--skip-mt]

1. MT: builds an Argos package of the real fr_en size with random weights
   (6+6 layers, d_model 512, 8 heads, FFN 2048, 32,000-piece vocabulary;
   SentencePiece trained on the evaluation texts), installs it in a temp
   ARGOS_PACKAGES_DIR, and translates the same sentences (a) with
   ``argostranslate.translate.translate`` called once per sentence and (b) with
   ``ArgosEngine.translate_batch`` (one model load, batched). Both use beam 4,
   length penalty 0.2 and the same ``max_decoding_length`` cap (random weights
   never emit </s>, so every output runs to the cap: the cap is what makes the
   two comparable). Argos's own sentence splitter is replaced by "one sentence
   in, one out" for (a): the input is already one sentence and Argos would
   otherwise try to download a MiniSBD model; this only makes (a) faster.
2. Glossary: terms kept right by each enforcement strategy (test engine), and
   whether placeholders survive the tiny random-weight model.
3. TM: a 100,000-unit memory (WMT news sentences from ../shared/eval plus
   perturbed copies), 500 queries; median/p95 ms per fuzzy lookup, and how
   often the indexed lookup agrees with scoring every unit.

4. Whole process as a user runs it (bench/_process.py: wall, user, system, peak RSS, minor faults,
   through GNU time): ``bilingual-pr draft --source-lang fr --target-lang en --beam-size 4
   --max-length L -o out.txt in.txt`` next to, alternately, Argos Translate's own
   ``argostranslate.translate.translate`` on the same text (one sentence a line: Argos translates
   each line as a paragraph) in a script, same package, beam 4, the same decoding cap, Argos's
   sentence splitter replaced by "the line is the sentence" as in (1). The package is an installed
   real fr->en Argos model when there is one; none here, so the bench says so and builds the tiny
   test package (tests/argos_tiny.py defaults) or, with ``--process-model real-size``, the random
   package of (1).

Reads the evaluation data from ../shared/eval (BILINGUAL_PR_EVAL overrides).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _process import compare, ours, python  # noqa: E402

EVAL = Path(os.environ.get("BILINGUAL_PR_EVAL", ROOT.parent / "shared" / "eval"))


def eval_sentences(lang: str) -> tuple[list[str], list[str]]:
    """(dev sentences, WMT news sentences) in one language."""
    dev = [ln.strip() for p in sorted((EVAL / "dev").glob(f"*.{lang}.sent")) for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    wmt = [ln.strip() for p in sorted((EVAL / "speed" / "wmt-news").glob(f"*/*.{lang}.sent")) for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return dev, wmt


def distinct(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def bench_mt(n: int, max_len: int, tmp: Path) -> None:
    os.environ.update(ARGOS_PACKAGES_DIR=str(tmp / "packages"), XDG_DATA_HOME=str(tmp / "data"),
                      XDG_CONFIG_HOME=str(tmp / "config"), XDG_CACHE_HOME=str(tmp / "cache"),
                      ARGOS_BEAM_SIZE="4", ARGOS_DEVICE_TYPE="cpu")
    sys.path.insert(0, str(ROOT / "tests"))
    import argos_tiny

    dev_fr, wmt_fr = eval_sentences("fr")
    dev_en, wmt_en = eval_sentences("en")
    sents = distinct(dev_fr + wmt_fr)[:n]
    corpus = dev_fr + dev_en + wmt_fr[:6000] + wmt_en[:6000]
    t0 = time.perf_counter()
    pkg = argos_tiny.build_package(tmp / "translate-fr_en-bench.argosmodel", "fr", "en", layers=6, d_model=512,
                                   heads=8, ffn=2048, vocab_size=32000, sp_vocab=8000, corpus=corpus,
                                   compress=False)
    print(f"built real-size package in {time.perf_counter() - t0:.1f} s ({pkg.stat().st_size / 1e6:.0f} MB)")

    from bilingual_pr.translate.argos import ArgosEngine, find_model, install_model

    install_model(pkg)
    model = find_model("fr", "en")
    import argostranslate.translate as at

    translation = at.get_translation_from_codes("fr", "en")
    inner = translation.underlying  # CachedTranslation -> PackageTranslation

    class OneSentence:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    inner.sentencizer = OneSentence()
    translation.translate(sents[0])  # loads the model
    real = inner.translator

    class Capped:
        def translate_batch(self, *a, **kw):
            kw.setdefault("max_decoding_length", max_len)
            return real.translate_batch(*a, **kw)

    inner.translator = Capped()
    t0 = time.perf_counter()
    per_sentence = [at.translate(s, "fr", "en") for s in sents]
    t_argos = time.perf_counter() - t0

    engine = ArgosEngine(model, beam_size=4, max_decoding_length=max_len, max_batch_size=64)
    engine.translate_batch(sents[:2])  # warm-up, like the first Argos call above
    t0 = time.perf_counter()
    batched = engine.translate_batch(sents)
    t_batch = time.perf_counter() - t0
    assert len(batched) == len(per_sentence) == len(sents)
    print(f"MT, {len(sents)} sentences, beam 4, max_decoding_length {max_len}, CPU threads {os.cpu_count()}:")
    print(f"  argostranslate.translate per sentence: {t_argos:7.1f} s  {len(sents) / t_argos:7.1f} sentences/s")
    print(f"  ArgosEngine batched (64/batch):         {t_batch:7.1f} s  {len(sents) / t_batch:7.1f} sentences/s")
    print(f"  speed-up: {t_argos / t_batch:.1f}x")


def perturb(s: str, rng: random.Random, vocab: list[str]) -> str:
    w = s.split()
    for _ in range(max(1, len(w) // 8)):
        w[rng.randrange(len(w))] = rng.choice(vocab)
    return " ".join(w)


def bench_tm(size: int, queries: int) -> None:
    from bilingual_pr.translate.memory import MemoryEntry, TranslationMemory

    rng = random.Random(11)
    dev_fr, wmt_fr = eval_sentences("fr")
    _, wmt_en = eval_sentences("en")
    base = [s for s in distinct(wmt_fr) if len(s.split()) >= 4]
    vocab = [w for s in base[:3000] for w in s.split()]
    units = list(base)
    while len(units) < size:
        units.append(perturb(rng.choice(base), rng, vocab))
    units = units[:size]
    t0 = time.perf_counter()
    tm = TranslationMemory(MemoryEntry(s, f"target {i}") for i, s in enumerate(units))
    print(f"TM: indexed {len(tm)} units in {time.perf_counter() - t0:.1f} s")
    qs = [perturb(rng.choice(base), rng, vocab) for _ in range(queries // 2)] + distinct(dev_fr)[: queries - queries // 2]
    times, hits = [], 0
    for q in qs:
        t0 = time.perf_counter()
        m = tm.fuzzy(q, 75)
        times.append((time.perf_counter() - t0) * 1000)
        hits += m is not None
    times.sort()
    print(f"  fuzzy lookup, {len(qs)} queries (threshold 75): median {statistics.median(times):.2f} ms, "
          f"p95 {times[int(0.95 * len(times)) - 1]:.2f} ms, max {times[-1]:.1f} ms; {hits} matched")
    sample = qs[:: max(1, len(qs) // 60)][:60]
    agree = 0
    t0 = time.perf_counter()
    for q in sample:
        a, b = tm.fuzzy(q, 75), tm.fuzzy_bruteforce(q, 75)
        agree += (a is None and b is None) or (a is not None and b is not None and a.score == b.score)
    brute = (time.perf_counter() - t0) / len(sample) * 1000
    print(f"  indexed = brute force on {agree}/{len(sample)} queries (brute force ~{brute:.0f} ms per query)")


# Glossary strategies. The sentences and glossary are written for this bench;
# the test engine's lexicon reproduces four typical MT term errors: a
# deprecated variant, a forbidden variant, a paraphrase with no listed variant,
# and a name it "translates". What this measures is how each strategy handles
# those error types, not how often a real model makes them.
G_LEXICON = {
    "les": "the", "le": "the", "la": "the", "a": "has", "ont": "have", "rencontré": "met", "reçu": "received",
    "salué": "welcomed", "à": "in", "et": "and", "états membres": "member countries",
    "secrétaire général": "General Secretary", "conseil des droits de l'homme": "Council of human rights",
    "cern": "Cern", "genève": "Geneva", "oms": "OMS", "délégation": "delegation", "rapport": "report",
}
G_SUBJECTS = ["Les États membres", "Le Secrétaire général", "Le Conseil des droits de l'homme", "La délégation",
              "Le CERN", "L'OMS"]
G_OBJECTS = ["le rapport", "le Secrétaire général", "les États membres", "la délégation du CERN",
             "le Conseil des droits de l'homme", "l'OMS"]
G_VERBS = ["a rencontré", "a reçu", "a salué"]


def g_glossary():
    from bilingual_pr.glossary import Entry, Glossary, Term

    return Glossary((
        Entry("states", (Term("États membres", "fr", "preferred"), Term("Member States", "en", "preferred"),
                         Term("member countries", "en", "deprecated"))),
        Entry("sg", (Term("Secrétaire général", "fr", "preferred"), Term("Secretary-General", "en", "preferred"),
                     Term("General Secretary", "en", "forbidden"))),
        Entry("hrc", (Term("Conseil des droits de l'homme", "fr", "preferred"),
                      Term("Human Rights Council", "en", "preferred"))),
        Entry("cern", (Term("CERN", "fr", "preferred"), Term("CERN", "en", "preferred")), dnt=True),
        Entry("who", (Term("OMS", "fr", "preferred"), Term("WHO", "en", "preferred"))),
        Entry("geneva", (Term("Genève", "fr", "preferred"), Term("Geneva", "en", "preferred"))),
    ))


def bench_glossary(tmp: Path) -> None:
    from bilingual_pr.translate.enforce import GlossaryEnforcer
    from bilingual_pr.translate.testengine import TestEngine

    sents = [f"{s} {v} {o} à Genève." for s in G_SUBJECTS for v in G_VERBS for o in G_OBJECTS]
    glossary = g_glossary()
    print(f"Glossary strategies, test engine, {len(sents)} sentences written for the bench:")
    for strategy in ("off", "repair", "auto", "protect"):
        enf = GlossaryEnforcer(glossary, "fr", "en", strategy)
        engine = TestEngine(G_LEXICON)
        reqs = sum(len(enf.requirements(s)) for s in sents)
        out = enf.translate(engine, sents)
        wrong = sum(len(o.issues) for o in out)
        print(f"  {strategy:8s} terms right {reqs - wrong}/{reqs} ({100 * (reqs - wrong) / reqs:.0f} %), "
              f"repairs {sum(len(o.repairs) for o in out)}, flagged sentences {sum(1 for o in out if o.issues)}, "
              f"model calls {len(engine.batches)}")
    # The tiny random-weight Argos model: do placeholders come back through a real
    # SentencePiece + CTranslate2 model that has learnt nothing? (They should not:
    # this exercises the retranslation fallback, nothing more.)
    sys.path.insert(0, str(ROOT / "tests"))
    import zipfile

    import argos_tiny
    from bilingual_pr.translate.argos import ArgosEngine, ModelInfo

    pkg = argos_tiny.build_package(tmp / "tiny.argosmodel")
    with zipfile.ZipFile(pkg) as zf:
        zf.extractall(tmp / "tiny")
    folder = next((tmp / "tiny").iterdir())
    engine = ArgosEngine(ModelInfo(folder.name, "fr", "en", "test", folder), max_decoding_length=24)
    out = GlossaryEnforcer(glossary, "fr", "en", "protect").translate(engine, sents)
    kept = sum(1 for o in out if o.protected)
    print(f"  tiny random model, protect: placeholders survived in {kept}/{len(sents)} sentences "
          f"(tokenizer round-trip ok: {engine.placeholder_survives('ZX1X')}); "
          f"{sum(o.retranslated for o in out)} retranslated without placeholders")


_ARGOS = """import sys
import argostranslate.translate as at
max_len = int(sys.argv[2])
translation = at.get_translation_from_codes("fr", "en")
inner = translation.underlying


class OneSentence:  # the line is the sentence (Argos would otherwise fetch a splitter model)
    def split_sentences(self, text):
        return [text]


inner.sentencizer = OneSentence()
text = open(sys.argv[1], encoding="utf-8").read().rstrip("\\n")
translation.translate(text[:1])  # loads the model, as the first call of any user does
real = inner.translator


class Capped:  # the same decoding cap as ours (--max-length)
    def translate_batch(self, *a, **kw):
        kw.setdefault("max_decoding_length", max_len)
        return real.translate_batch(*a, **kw)


inner.translator = Capped()
print(at.translate(text, "fr", "en"))
"""


def _installed_real_model() -> str | None:
    """The installed fr->en Argos package, if any (asked in a child: Argos reads its folders once, at import)."""
    import subprocess

    code = "from bilingual_pr.translate.argos import find_model; print(find_model('fr', 'en') or '')"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout.strip() or None


def bench_process(n: int, max_len: int, size: str, runs: int, tmp: Path) -> None:
    """``bilingual-pr draft`` as a user runs it, next to Argos's own translate call on the same text."""
    real = _installed_real_model()
    if "bilingual_pr.translate.argos" in sys.modules or "argostranslate.settings" in sys.modules:
        raise SystemExit("bench_process must run before Argos is imported (it reads its folders at import)")
    if real:
        print(f"\nwhole process: installed Argos fr->en package {real}")
    else:
        os.environ.update(ARGOS_PACKAGES_DIR=str(tmp / "packages"), XDG_DATA_HOME=str(tmp / "data"),
                          XDG_CONFIG_HOME=str(tmp / "config"), XDG_CACHE_HOME=str(tmp / "cache"),
                          ARGOS_BEAM_SIZE="4", ARGOS_DEVICE_TYPE="cpu")
        sys.path.insert(0, str(ROOT / "tests"))
        import argos_tiny

        from bilingual_pr.translate.argos import install_model

        if size == "real-size":
            dev_fr, wmt_fr = eval_sentences("fr")
            dev_en, wmt_en = eval_sentences("en")
            corpus = dev_fr + dev_en + wmt_fr[:6000] + wmt_en[:6000]
            pkg = argos_tiny.build_package(tmp / "translate-fr_en.argosmodel", "fr", "en", layers=6, d_model=512,
                                           heads=8, ffn=2048, vocab_size=32000, sp_vocab=8000, corpus=corpus,
                                           compress=False)
        else:
            pkg = argos_tiny.build_package(tmp / "translate-fr_en.argosmodel", "fr", "en")
        install_model(pkg)
        print(f"\nwhole process: no real Argos fr->en package installed; measuring with the {size} random "
              f"package of tests/argos_tiny.py ({pkg.stat().st_size / 1e6:.1f} MB)")
    dev_fr, _ = eval_sentences("fr")
    sents = distinct(dev_fr)[:n]
    text = tmp / "in.fr.txt"
    text.write_text("\n".join(sents) + "\n", encoding="utf-8")
    mine = ours("draft", "--source-lang", "fr", "--target-lang", "en", "--beam-size", "4", "--max-length",
                str(max_len), "-o", str(tmp / "ours.txt"), str(text))
    anchor = python("argostranslate", _ARGOS, str(text), str(max_len))
    compare(f"draft fr->en, {len(sents)} dev sentences, beam 4, max length {max_len}, {size} package", mine,
            [anchor], tmp, runs)
    drafted = [ln for ln in (tmp / "ours.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    print(f"ours drafted {len(drafted)} non-empty lines (first: {drafted[0][:80] if drafted else ''!r}); "
          f"the anchor's output is the last run's stdout, {tmp.name}/process-1.out")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=500)
    ap.add_argument("--max-length", type=int, default=32)
    ap.add_argument("--memory", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--skip-mt", action="store_true")
    ap.add_argument("--skip-tm", action="store_true")
    ap.add_argument("--skip-glossary", action="store_true")
    ap.add_argument("--skip-process", action="store_true")
    ap.add_argument("--only-process", action="store_true", help="only the whole-process comparison")
    ap.add_argument("--process-sentences", type=int, default=200)
    ap.add_argument("--process-model", choices=("tiny", "real-size"), default="tiny")
    ap.add_argument("--runs", type=int, default=3, help="runs of each whole process (alternating)")
    args = ap.parse_args()
    if args.only_process:
        args.skip_glossary = args.skip_tm = args.skip_mt = True
    if not (EVAL / "dev").is_dir():
        sys.exit(f"evaluation data not found at {EVAL} (set BILINGUAL_PR_EVAL)")
    if not args.skip_glossary:
        with tempfile.TemporaryDirectory() as tmp:
            bench_glossary(Path(tmp))
    if not args.skip_tm:
        bench_tm(args.memory, args.queries)
    if not args.skip_mt:
        with tempfile.TemporaryDirectory() as tmp:
            bench_mt(args.sentences, args.max_length, Path(tmp))
    if args.only_process:
        with tempfile.TemporaryDirectory() as tmp:
            bench_process(args.process_sentences, args.max_length, args.process_model, args.runs, Path(tmp))
    elif not args.skip_process:
        # A fresh process: Argos reads its folders once, at import, and the sections above imported it.
        subprocess.run([sys.executable, __file__, "--only-process", "--process-sentences", str(args.process_sentences),
                        "--process-model", args.process_model, "--runs", str(args.runs), "--max-length",
                        str(args.max_length)], check=True)

if __name__ == "__main__":
    main()
