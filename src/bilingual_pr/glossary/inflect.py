"""Inflected forms of glossary terms, generated once at load time for matching.

The word rules (plural, feminine, what never inflects) are :mod:`bilingual_pr.lexical`'s;
this module applies them to terms: which words of a phrase agree, compounds, derivations.

The rules are deliberately simple and generous: a form that never occurs in
real text costs nothing but a key in the automaton, while a missed form hides a
term from the reviewer. French: plural of the words before the first
preposition (``Directeur général`` -> ``Directeurs généraux``), feminine of
titles (``Directrice générale``). English: plural of the head noun, the last
word before a preposition (``Member States``, ``Special Rapporteurs on ...``,
``Secretaries-General``).
"""

from __future__ import annotations

import itertools

from bilingual_pr.glossary.model import Term
from bilingual_pr.lexical import en_plural_word, fr_feminine_word, fr_plural_word, is_invariable

__all__ = ["en_plural_word", "en_plurals", "fr_feminine_word", "fr_plural_word", "variant_forms", "variants"]

# Words after which a French noun phrase stops agreeing with its head.
_FR_STOP = frozenset("de du des d à au aux pour sur en et ou par contre avec sans entre chez dans le la les l "
                     "chargé chargée".split())
_EN_STOP = frozenset("of for on at in to from with against and or by between the".split())
# Hyphenated prefixes that never inflect (vice-président -> vice-présidents).
_INVARIABLE_PREFIX = frozenset("vice sous ex non anti pro quasi mi semi demi pré post co under deputy".split())

_MAX_VARIANTS = 16


def _split_words(text: str) -> list[str]:
    return text.split(" ")


def _agreeing_span(words: list[str], stop: frozenset[str]) -> int:
    """Number of leading words that agree with the head (before the first stop word)."""
    for i in range(1, len(words)):  # the first word always agrees
        w = words[i]
        if w.startswith("(") or w.lower().split("'")[0].split("’")[0] in stop:
            return i
    return len(words)


def _map_compound(word: str, fn) -> list[str]:
    """Apply a word inflection to each part of a hyphenated compound (Haut-Commissaire)."""
    if "-" not in word:
        r = fn(word)
        return r if isinstance(r, list) else [r]
    parts = word.split("-")
    options = []
    for i, p in enumerate(parts):
        if not p or (p.lower() in _INVARIABLE_PREFIX and i < len(parts) - 1):
            options.append([p])
        else:
            r = fn(p)
            options.append(r if isinstance(r, list) else [r])
    return ["-".join(c) for c in itertools.islice(itertools.product(*options), _MAX_VARIANTS)]


def _phrase_variants(text: str, fn, stop: frozenset[str]) -> list[str]:
    words = _split_words(text)
    n = _agreeing_span(words, stop)
    options = [_map_compound(w, fn) for w in words[:n]]
    tail = words[n:]
    return [" ".join(list(c) + tail) for c in itertools.islice(itertools.product(*options), _MAX_VARIANTS)]


def en_plurals(text: str) -> list[str]:
    """English plural forms of a term: head noun plural (and each part of a hyphenated head)."""
    words = _split_words(text)
    n = _agreeing_span(words, _EN_STOP)
    head = words[n - 1]
    out = []
    if head.lower().endswith("s") and not head.lower().endswith("ss"):
        return []  # already plural-looking (Nations, Affairs)
    parts = head.split("-")
    candidates = {len(parts) - 1}
    if len(parts) > 1:
        candidates |= {i for i, p in enumerate(parts) if p.lower() not in _INVARIABLE_PREFIX}
    for i in sorted(candidates):
        new_parts = list(parts)
        new_parts[i] = en_plural_word(parts[i])
        if new_parts != parts:
            out.append(" ".join(words[: n - 1] + ["-".join(new_parts)] + words[n:]))
    return out


def variant_forms(term: Term, dnt: bool = False) -> list[tuple[str, int]]:
    """(form, derivation) pairs: 0 the term itself, 1 its plural, 2 a form of the other gender."""
    text = " ".join(term.text.split())
    out: dict[str, int] = {text: 0}
    inflects = not dnt and term.type not in ("acronym", "abbreviation") and term.pos in (None, "noun") \
        and term.number != "plural" and not is_invariable(text.replace(" ", ""))
    if not inflects:
        return list(out.items())
    if term.lang == "fr":
        for p in _phrase_variants(text, fr_plural_word, _FR_STOP):
            out.setdefault(p, 1)
        if term.type == "title" and term.gender != "feminine":
            for f in _phrase_variants(text, fr_feminine_word, _FR_STOP):
                out.setdefault(f, 2)
                for p in _phrase_variants(f, fr_plural_word, _FR_STOP):
                    out.setdefault(p, 2)
    elif term.lang == "en":
        for p in en_plurals(text):
            out.setdefault(p, 1)
    return list(out.items())


def variants(term: Term, dnt: bool = False) -> list[str]:
    """The term's text plus the inflected forms a reviewer expects to be recognised."""
    return [f for f, _ in variant_forms(term, dnt)]
