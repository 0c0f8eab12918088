"""Leverage quality on "next year's release": how many changed sentences come back correctly repaired.

    python bench/bench_leverage.py [--fixtures tests/fixtures/tm] [--no-glossary] [--number-words] [--draft] [-v]

Last year's aligned releases (``NAME-2025.tsv``, origin ``aligned``) are one memory; every
sentence of this year's French (``NAME-2026.tsv``) is looked up with its neighbours
(``tm.leverage.rank_matches`` over the whole memory, or with ``--draft`` through the drafting
memory, ``translate.memory.MemoryEngine``, as ``draft --tm`` does) and its best match judged:

- an unchanged sentence must come back as an exact (or context) match with last year's English;
- a changed one (new figures, dates, times, symbols, addresses, a glossary term) must come back
  *repaired* with exactly the expected English; a repaired match with another English is a wrong
  repair (the worst outcome: it looks right);
- a new sentence must not come back exact or repaired.

Prints the rates (issue 19's target: >= 80 % of changed sentences repaired, 100 % of unchanged
ones exact) and the time per lookup; ``-v`` lists every sentence that missed.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bilingual_pr.tm.leverage import LeverageRules, rank_matches  # noqa: E402
from bilingual_pr.tm.units import StoredUnit  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "tm"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]


def memory_units(fixtures: Path = FIXTURES) -> list[StoredUnit]:
    """Every release's 2025 pair as aligned units, with their neighbours."""
    units: list[StoredUnit] = []
    for path in sorted(fixtures.glob("*-2025.tsv")):
        pairs = _rows(path)
        for i, (fr, en) in enumerate(pairs):
            units.append(StoredUnit(len(units) + 1, fr, en, "fr", "en", "aligned", confidence=0.9,
                                    document=path.stem, created="20250901T120000Z",
                                    prev_source=pairs[i - 1][0] if i else None,
                                    next_source=pairs[i + 1][0] if i + 1 < len(pairs) else None))
    return units


def this_year(fixtures: Path = FIXTURES) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Every release's 2026 sentences: (status, French, expected English)."""
    return [(path.stem, [(s, fr, en) for s, fr, en in _rows(path)]) for path in sorted(fixtures.glob("*-2026.tsv"))]


@dataclass
class Outcome:
    """The judged lookups of one run."""

    unchanged: int = 0
    exact: int = 0
    changed: int = 0
    repaired: int = 0
    wrong_repairs: int = 0
    new: int = 0
    new_leveraged: int = 0
    lookups: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def repair_rate(self) -> float:
        """Share of changed sentences repaired into the expected English."""
        return self.repaired / self.changed if self.changed else 1.0

    @property
    def exact_rate(self) -> float:
        """Share of unchanged sentences found as exact matches with last year's English."""
        return self.exact / self.unchanged if self.unchanged else 1.0


def _best_leverage(units: list[StoredUnit], glossary: object, rules: LeverageRules) -> object:
    def best(sentences: list[str], i: int) -> tuple[str, str] | None:
        prev = sentences[i - 1] if i else None
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        ranked = rank_matches(sentences[i], units, prev_source=prev, next_source=nxt, target_lang="en",
                              glossary=glossary, rules=rules)
        return (ranked[0].kind, ranked[0].target) if ranked else None
    return best


def _best_draft(units: list[StoredUnit], glossary: object, rules: LeverageRules) -> object:
    from bilingual_pr.translate.memory import MemoryEngine, MemoryEntry, TranslationMemory

    memory = TranslationMemory([MemoryEntry(u.source, u.target, u.prev_source, u.next_source, u.document or "tm",
                                            unit_origin=u.origin, confidence=u.confidence) for u in units],
                               source_lang="fr", target_lang="en")
    engine = MemoryEngine(memory, 50.0, glossary=glossary, rules=rules)

    def best(sentences: list[str], i: int) -> tuple[str, str] | None:
        s = engine.suggest(sentences, [i])[0]
        if s is None:
            return None
        kind = {"tm-context": "context", "tm-exact": "exact"}.get(s.origin, "fuzzy")
        return ("repaired" if getattr(s, "repaired", False) else kind), s.target
    return best


def evaluate(fixtures: Path = FIXTURES, *, glossary: bool = True, draft: bool = False,
             number_words: bool = False) -> Outcome:
    """Look every 2026 sentence up in the 2025 memory and judge the best match (default leverage rules)."""
    gloss = None
    if glossary and (fixtures / "glossary.csv").exists():
        from bilingual_pr.glossary.files import load_glossary

        gloss = load_glossary(fixtures / "glossary.csv", "fr", "en")
    units = memory_units(fixtures)
    best = (_best_draft if draft else _best_leverage)(units, gloss, LeverageRules(number_words=number_words))
    out = Outcome()
    for name, rows in this_year(fixtures):
        sentences = [fr for _, fr, _ in rows]
        for i, (status, fr, expected) in enumerate(rows):
            started = time.perf_counter()
            got = best(sentences, i)  # type: ignore[operator]
            out.seconds += time.perf_counter() - started
            out.lookups += 1
            kind, target = got if got is not None else ("none", "")
            if status == "same":
                out.unchanged += 1
                ok = kind in ("exact", "context") and target == expected
                out.exact += ok
            elif status == "changed":
                out.changed += 1
                ok = kind == "repaired" and target == expected
                out.repaired += ok
                out.wrong_repairs += kind == "repaired" and target != expected
            else:
                out.new += 1
                ok = kind not in ("exact", "context", "repaired")
                out.new_leveraged += not ok
            if not ok:
                out.misses.append(f"{name} [{status}] {fr}\n    got {kind}: {target}\n    want: {expected}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the rates."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixtures", type=Path, default=FIXTURES)
    ap.add_argument("--no-glossary", action="store_true", help="repair without the fixtures' glossary")
    ap.add_argument("--number-words", action="store_true", help="repair small cardinals written as words too")
    ap.add_argument("--draft", action="store_true", help="look up through translate.memory (draft --tm)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the sentences that missed")
    args = ap.parse_args(argv)
    r = evaluate(args.fixtures, glossary=not args.no_glossary, draft=args.draft, number_words=args.number_words)
    print(f"changed sentences correctly repaired: {r.repaired}/{r.changed} = {100 * r.repair_rate:.1f} % "
          f"(wrong repairs: {r.wrong_repairs})")
    print(f"unchanged sentences as exact matches: {r.exact}/{r.unchanged} = {100 * r.exact_rate:.1f} %")
    print(f"new sentences leveraged as exact or repaired: {r.new_leveraged}/{r.new}")
    print(f"lookups: {r.lookups}, {1000 * r.seconds / max(1, r.lookups):.2f} ms each "
          f"({'draft memory' if args.draft else 'rank_matches over the whole memory'})")
    if args.verbose:
        for miss in r.misses:
            print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
