"""Inflected forms of glossary terms, generated once at load time for matching.

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
import re

from bilingual_pr.glossary.model import Term

# Words after which a French noun phrase stops agreeing with its head.
_FR_STOP = frozenset("de du des d à au aux pour sur en et ou par contre avec sans entre chez dans le la les l "
                     "chargé chargée".split())
_EN_STOP = frozenset("of for on at in to from with against and or by between the".split())
# Hyphenated prefixes that never inflect (vice-président -> vice-présidents).
_INVARIABLE_PREFIX = frozenset("vice sous ex non anti pro quasi mi semi demi pré post co under deputy".split())

_FR_AL_S = frozenset("bal carnaval chacal festival récital régal cal naval fatal natal banal final".split())
_FR_AIL_AUX = frozenset("bail corail émail soupirail travail vantail vitrail".split())
_FR_OU_X = frozenset("bijou caillou chou genou hibou joujou pou".split())
_FR_EU_S = frozenset("bleu pneu émeu".split())
_EN_IRREGULAR = {"man": "men", "woman": "women", "person": "persons", "child": "children", "chairman": "chairmen",
                 "chairwoman": "chairwomen", "staff": "staff", "headquarters": "headquarters", "series": "series",
                 "species": "species", "chief": "chiefs", "wife": "wives", "life": "lives"}
_MAX_VARIANTS = 16


def _recase(word: str, new: str) -> str:
    """Give ``new`` the case pattern of ``word`` (all caps stays all caps)."""
    if word.isupper() and len(word) > 1:
        return new.upper()
    if word[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_DIGIT = re.compile(r"\d")


def _skip(word: str) -> bool:
    """Acronyms, numbers and symbols do not inflect."""
    if word.isalpha():
        # Letters only, the usual case: no digit and at least one letter, without two regex scans.
        return word.isupper() and len(word) > 1
    if _HAS_DIGIT.search(word) or not _HAS_LETTER.search(word):
        return True
    return word.isupper() and len(word) > 1


def fr_plural_word(word: str) -> str:
    """French plural of one word."""
    if _skip(word):
        return word
    w = word.lower()
    if w[-1] in "sxz":
        out = w
    elif w.endswith(("eau", "au")) and w not in ("landau", "sarrau") or (w.endswith("eu") and w not in _FR_EU_S):
        out = w + "x"
    elif w.endswith("al") and w not in _FR_AL_S:
        out = w[:-2] + "aux"
    elif w in _FR_AIL_AUX:
        out = w[:-3] + "aux"
    elif w in _FR_OU_X:
        out = w + "x"
    else:
        out = w + "s"
    return _recase(word, out)


def fr_feminine_word(word: str) -> list[str]:
    """Possible French feminine forms of one (masculine) word, most likely first."""
    if _skip(word):
        return [word]
    w = word.lower()
    if w.endswith("e"):
        outs = [w]
    elif w.endswith("teur"):
        outs = [w[:-4] + "trice", w[:-3] + "euse", w + "e"]
    elif w.endswith("deur"):
        outs = [w[:-4] + "drice", w + "e"]
    elif w.endswith("eur"):
        outs = [w[:-3] + "euse", w + "e"]
    elif w.endswith(("el", "ien", "on", "et")):
        outs = [w + w[-1] + "e"]
    elif w.endswith("if"):
        outs = [w[:-1] + "ve"]
    elif w.endswith("er"):
        outs = [w[:-2] + "ère"]
    elif w.endswith("eux"):
        outs = [w[:-1] + "se"]
    else:
        outs = [w + "e"]
    return [_recase(word, o) for o in outs]


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


def en_plural_word(word: str) -> str:
    """English plural of one word."""
    if _skip(word):
        return word
    w = word.lower()
    if w in _EN_IRREGULAR:
        out = _EN_IRREGULAR[w]
    elif w.endswith(("s", "x", "z", "ch", "sh")):
        out = w + "es"
    elif w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        out = w[:-1] + "ies"
    else:
        out = w + "s"
    return _recase(word, out)


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
        and term.number != "plural" and not _skip(text.replace(" ", ""))
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
