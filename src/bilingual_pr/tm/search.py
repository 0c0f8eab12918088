"""Fuzzy search of a memory database: the backend's index gives candidates, the leverage rules rank them."""

from __future__ import annotations

from typing import Any

from bilingual_pr.tm.backend import TMBackend
from bilingual_pr.tm.leverage import DEFAULT_RULES, LeverageRules, Match, rank_matches

#: Candidates read from the index for each sentence: enough for the rules to see every translation
#: of a formulaic sentence, few enough to score in milliseconds.
CANDIDATES = 50


def search(backend: TMBackend, text: str, source_lang: str, target_lang: str, *, minimum: float = 75.0,
           limit: int = 5, prev_source: str | None = None, next_source: str | None = None,
           rules: LeverageRules = DEFAULT_RULES, glossary: Any = None) -> list[Match]:
    """The best matches of ``text`` in the memory, best first, scored at or above ``minimum`` (0-101)."""
    found = backend.candidates(text, source_lang, target_lang, max(CANDIDATES, limit))
    ranked = rank_matches(text, found, prev_source=prev_source, next_source=next_source, rules=rules,
                          target_lang=target_lang, glossary=glossary)
    return [m for m in ranked if m.score >= minimum][:limit]
