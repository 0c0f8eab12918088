"""Leverage rules: how a memory's candidate units for a new sentence are scored, repaired and ranked.

:func:`rank_matches` is a pure function of the sentence, its neighbours and the candidate
:class:`~bilingual_pr.tm.units.StoredUnit` s (whatever index chose them); the rules are a
:class:`LeverageRules` value (docs/tm.md, "Leverage rules"):

- **Base score.** 101 for a context match (the exact sentence, and the unit's previous and next
  source segments are the sentence's neighbours), 100 for an exact match (character for character
  after Unicode NFC, ordinary spaces and line breaks folded: a French no-break space is not a
  space), else the rapidfuzz Indel similarity of the folded texts (``lexical.fold``: case, accents,
  apostrophes), rounded down and never above 99.
- **Repaired matches.** A unit whose source differs only in numbers, dates, times, symbols,
  addresses or glossary terms has them substituted into its target (``tm/repair.py``); it scores
  ``100 - repair_penalty`` per substitution, at most ``repaired_max`` (99): a repaired match is
  never exact, whatever its origin.
- **Penalties**, subtracted and listed by name: the unit's origin (aligned but unreviewed, machine
  translation, ...), a low alignment confidence, and several different translations of one source
  (all of them are kept and each says how many alternatives it has).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

from bilingual_pr.lexical import fold
from bilingual_pr.tm.repair import Change, TermSides, repair
from bilingual_pr.tm.units import StoredUnit

#: Match kinds, best first, with their base scores.
KINDS = ("context", "exact", "repaired", "fuzzy")
_KIND_RANK = {k: i for i, k in enumerate(KINDS)}
# Ordinary spaces, tabs and line breaks fold; no-break spaces (U+00A0, U+202F) and others stay.
_LAYOUT_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_ANY_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class LeverageRules:
    """The scoring rules of :func:`rank_matches` (points are percentage points off the score)."""

    #: points off by the unit's origin; an origin not listed loses ``unknown_origin``
    origin_penalties: tuple[tuple[str, float], ...] = (
        ("human", 0.0), ("confirmed", 0.0), ("tm", 0.0), ("aligned", 2.0), ("mt", 10.0))
    unknown_origin: float = 1.0
    #: extra points off a unit whose confidence (alignment probability) is below ``low_confidence_below``
    low_confidence_below: float = 0.5
    low_confidence: float = 3.0
    #: points off every translation of a source that has several different ones
    multiple_translations: float = 1.0
    #: substitute changed placeables into fuzzy matches' targets
    repair: bool = True
    #: small cardinals written as words (``trois``/``three``) are numbers a repair may change too
    number_words: bool = False
    #: points off a repaired match per substituted piece, and its highest score
    repair_penalty: float = 1.0
    repaired_max: float = 99.0
    #: highest score of a fuzzy (not repaired) match
    fuzzy_max: float = 99.0

    def __post_init__(self) -> None:
        # Only an identical sentence may reach 100: a repaired or fuzzy match is never presented as exact.
        if not (self.repaired_max < 100 and self.fuzzy_max < 100):
            raise ValueError("repaired_max and fuzzy_max must stay below 100")

    def origin_penalty(self, origin: str) -> float:
        """Points off for a unit of this origin."""
        for name, points in self.origin_penalties:
            if name == origin:
                return points
        return self.unknown_origin


DEFAULT_RULES = LeverageRules()


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate unit scored for a sentence: why it scores what it does, and the target to propose."""

    unit: StoredUnit
    score: float  # 0-101 after penalties
    raw_similarity: float  # rapidfuzz similarity of the folded sources, 0-100
    penalties: tuple[tuple[str, float], ...]
    kind: str  # context | exact | repaired | fuzzy
    repaired: bool
    target: str  # the unit's target, repaired when ``repaired``
    alternatives: int = 0  # other different translations of the same source among the candidates
    changes: tuple[Change, ...] = field(default=())

    @property
    def is_exact(self) -> bool:
        """True for exact and context matches (never for a repaired one)."""
        return self.kind in ("context", "exact")


def exact_key(text: str) -> str:
    """The text as an exact match compares it: NFC, layout spaces folded, trimmed; no-break spaces kept."""
    return _LAYOUT_SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fuzzy_key(text: str) -> str:
    """The text as fuzzy similarity compares it: every space folded, then ``lexical.fold`` (case, accents)."""
    return fold(_ANY_SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip())


def similarity(a: str, b: str) -> float:
    """Rapidfuzz's normalised Indel similarity (0-100) of two texts' :func:`fuzzy_key`."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(fuzzy_key(a), fuzzy_key(b)))


def _neighbour_matches(unit_side: str | None, doc_side: str | None) -> bool:
    if unit_side is None or doc_side is None:
        return unit_side is None and doc_side is None
    return exact_key(unit_side) == exact_key(doc_side)


def in_context(unit: StoredUnit, prev_source: str | None, next_source: str | None) -> bool:
    """Whether the unit's neighbours are the sentence's (None: a document's edge; one side at least must be a sentence)."""
    if prev_source is None and next_source is None:
        return False  # nothing to compare: no context was given
    return _neighbour_matches(unit.prev_source, prev_source) and _neighbour_matches(unit.next_source, next_source)


_TERM_SIDES: list[tuple[Any, str, str, TermSides]] = []


def term_sides(glossary: Any, source_lang: str, target_lang: str) -> TermSides | None:
    """The glossary's term finders for one direction (``glossary`` may already be a ``TermSides``); the last one is kept."""
    if glossary is None or isinstance(glossary, TermSides):
        return glossary
    for g, s, t, sides in _TERM_SIDES:
        if g is glossary and s == source_lang and t == target_lang:
            return sides
    sides = TermSides(glossary, source_lang, target_lang)
    _TERM_SIDES[:] = [(glossary, source_lang, target_lang, sides)]
    return sides


def _score_one(text: str, unit: StoredUnit, prev_source: str | None, next_source: str | None,
               rules: LeverageRules, target_lang: str, terms: TermSides | None) -> Match:
    penalties: list[tuple[str, float]] = []
    origin_points = rules.origin_penalty(unit.origin)
    if origin_points:
        penalties.append((f"origin:{unit.origin}", origin_points))
    if unit.confidence is not None and unit.confidence < rules.low_confidence_below and rules.low_confidence:
        penalties.append(("low-confidence", rules.low_confidence))
    raw = similarity(text, unit.source)
    target, repaired = unit.target, False
    changes: tuple[Change, ...] = ()
    if exact_key(text) == exact_key(unit.source):
        kind, base = ("context", 101.0) if in_context(unit, prev_source, next_source) else ("exact", 100.0)
    else:
        kind, base = "fuzzy", min(rules.fuzzy_max, float(math.floor(raw)))
        if rules.repair:
            fixed = repair(text, unit.source, unit.target, unit.source_lang, target_lang, terms,
                           words=rules.number_words)
            if fixed is not None and fixed.changes:
                target, changes, repaired = fixed.target, fixed.changes, True
                kind = "repaired"
                base = min(rules.repaired_max, 100.0 - rules.repair_penalty * len(changes))
    score = max(0.0, base - sum(p for _, p in penalties))
    if repaired:
        score = min(score, rules.repaired_max)
    return Match(unit, score, raw, tuple(penalties), kind, repaired, target, 0, changes)


def _penalise(m: Match, name: str, points: float, alternatives: int) -> Match:
    from dataclasses import replace

    penalties = m.penalties + ((name, points),) if points else m.penalties
    return replace(m, score=max(0.0, m.score - points), penalties=penalties, alternatives=alternatives)


def _ranked(matches: list[Match]) -> list[Match]:
    """Best score first; then the better kind, then the newer unit (the last change wins, as in OmegaT)."""
    matches = sorted(matches, key=lambda m: m.unit.id, reverse=True)
    matches.sort(key=lambda m: m.unit.changed or m.unit.created or "", reverse=True)  # TMX dates sort as text
    matches.sort(key=lambda m: (-m.score, _KIND_RANK[m.kind]))
    return matches


def best_first(matches: Sequence[Match]) -> list[Match]:
    """Matches from several memories in the leverage order (score, kind, newer unit)."""
    return _ranked(list(matches))


def rank_matches(text: str, candidates: Sequence[StoredUnit], *, prev_source: str | None = None,
                 next_source: str | None = None, rules: LeverageRules = DEFAULT_RULES, target_lang: str = "en",
                 glossary: Any = None) -> list[Match]:
    """Score, repair and rank a sentence's candidate units, best first (rules: :class:`LeverageRules`).

    ``prev_source``/``next_source``: the sentence's neighbours (None at a document's edge), for
    context matches; ``glossary``: a ``Glossary`` (or ``repair.TermSides``) whose terms a repair
    may swap. Units with the same source and the same target count once (the best-scored kept).
    """
    if not candidates:
        return []
    first = candidates[0]
    terms = term_sides(glossary, first.source_lang, first.target_lang or target_lang) if glossary is not None else None
    scored = [_score_one(text, u, prev_source, next_source, rules, u.target_lang or target_lang, terms)
              for u in candidates]
    best: dict[tuple[str, str], Match] = {}
    for m in _ranked(scored):
        best.setdefault((exact_key(m.unit.source), exact_key(m.unit.target)), m)
    by_source: dict[str, int] = {}
    for source, _ in best:
        by_source[source] = by_source.get(source, 0) + 1
    out = []
    for (source, _), m in best.items():
        n = by_source[source]
        out.append(_penalise(m, "multiple-translations", rules.multiple_translations, n - 1) if n > 1 else m)
    return _ranked(out)
