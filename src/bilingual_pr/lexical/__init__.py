"""Lexical rules of French and English text, in one place: the facts every stage reads the same way.

- **Placeables**: web and e-mail addresses, document symbols (``A/HRC/55/1``, ``DG11/005F``),
  clock times and numbers, each with its normalised value: :func:`placeables` gives
  ``Placeable(kind="number", start, end, text, value=1200.0, keys=...)`` for ``1 200`` in French
  and for ``1,200`` in English. Two placeables are the same fact when their ``keys`` meet; ``key``
  is the one key that always belongs to ``keys`` (the aligner's anchor), so whatever the aligner
  counts as the same number the QA numbers check accepts too.
- **Dates**: month names (:data:`MONTHS`) and the months used in dates (:func:`months`).
- **Number words** (``trois``, ``three``): :func:`number_words`.
- **Folding** for comparisons: :func:`fold` (case, accents, ligatures, apostrophes),
  :func:`ascii_fold` (its fast ASCII-only cousin for prefilters).
- **Inflection hooks**: :func:`loose_term_pattern`, any inflected form of a term in folded text.
- **Writing** numbers, dates and times the way each language does (the inverse of the readers
  here) lives in :mod:`bilingual_pr.lexical.writing`; scale words (``milliards``), small cardinals
  written as words and weekdays, which the TM's placeable repair reads, in
  :mod:`bilingual_pr.lexical.wordforms`.

Each side is read with its own locale (French ``1 000,5`` and English ``1,000.5`` are the same
number); ``lang=None`` reads a number whichever way it is written (a separator before exactly
three digits groups thousands, else it marks decimals), for callers that do not know the language.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Sequence

Span = tuple[int, int]

# ------------------------------------------------------------------ folding

APOSTROPHES = "'\u2019\u2018\u02bc\u2032`\u00b4\uff07"
HYPHENS = "-\u2010\u2011\u2012\ufe63\uff0d"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_PRE_FOLD = str.maketrans({**{c: "'" for c in APOSTROPHES}, **{c: "-" for c in HYPHENS},
                           "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
# Every combining mark of the Basic Multilingual Plane (unicodedata.combining), removed by one C pass.
_COMBINING = re.compile("[" + "".join(re.escape(chr(c)) for c in range(0x300, 0x10000)
                                      if unicodedata.combining(chr(c))) + "]")


# The characters _PRE_FOLD changes ("'" and "-" map to themselves): most sentences have none, and a search
# in C is about twenty times cheaper than str.translate with a dict (every family folds every unit).
_PRE_FOLD_CHANGES = re.compile("[" + "".join(re.escape(chr(c)) for c, v in _PRE_FOLD.items() if v != chr(c)) + "]")


def fold(text: str) -> str:
    """Case, accents, ligatures, apostrophes and hyphens folded (``Genève`` -> ``geneve``, ``œ`` -> ``oe``)."""
    if _PRE_FOLD_CHANGES.search(text) is not None:
        text = text.translate(_PRE_FOLD)
    if text.isascii():
        return text.casefold()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def ascii_fold(text: str) -> str:
    """:func:`fold`, then only its ASCII characters kept (C speed; for cheap prefilters)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.translate(_PRE_FOLD)).encode("ascii", "ignore").decode("ascii").lower()


# ------------------------------------------------------------------ inflection hooks

# Endings a French or English noun may lose in another form (membre/membres, experte/expert), and how many
# letters a loose look allows after a stem.
INFLECTION_ENDING = re.compile(r"(?:es|s|x|e)$")
MAX_ENDING_GROWTH = 4


def inflected_forms(word: str) -> list[str]:
    """The word and the forms the word rules below give it: plurals, feminines and their plurals."""
    feminine = fr_feminine_word(word)
    return list(dict.fromkeys([word, fr_plural_word(word), en_plural_word(word), *feminine,
                               *map(fr_plural_word, feminine)]))


def inflection_stem(word: str) -> tuple[str, int]:
    """The folded stem every inflected form of ``word`` starts with, and how many letters may follow it.

    ``général`` (généraux, générale, générales) -> ``("genera", 4)``; words of four letters or less stay whole.
    """
    folded = fold(word)
    if len(folded) <= 4 or is_invariable(word):
        return folded, MAX_ENDING_GROWTH
    forms = [folded, INFLECTION_ENDING.sub("", folded), *map(fold, inflected_forms(word))]
    stem = os.path.commonprefix(forms)
    return stem, max(MAX_ENDING_GROWTH, *(len(f) - len(stem) for f in forms))


@functools.lru_cache(maxsize=20000)
def loose_term_pattern(term: str) -> re.Pattern[str]:
    """A pattern that finds any inflected form of ``term`` in a :func:`fold`-ed text (endings, elision)."""
    parts = []
    for w in re.findall(r"\w+|[^\w\s]", term.translate(_PRE_FOLD)):
        if w.isalnum() and len(fold(w)) > 3:
            stem, growth = inflection_stem(w)
            parts.append(re.escape(stem) + r"\w{0,%d}" % growth)
        else:
            w = fold(w)
            parts.append(re.escape(w) + (r"\w{0,2}" if w.isalnum() else ""))
    return re.compile(r"(?<!\w)" + r"[\s\-']*".join(parts) + r"(?!\w)")


# Word rules of the plural and the feminine (glossary/inflect.py applies them to whole terms).
_FR_AL_S = frozenset("bal carnaval chacal festival récital régal cal naval fatal natal banal final".split())
_FR_AIL_AUX = frozenset("bail corail émail soupirail travail vantail vitrail".split())
_FR_OU_X = frozenset("bijou caillou chou genou hibou joujou pou".split())
_FR_EU_S = frozenset("bleu pneu émeu".split())
_EN_IRREGULAR = {"man": "men", "woman": "women", "person": "persons", "child": "children", "chairman": "chairmen",
                 "chairwoman": "chairwomen", "staff": "staff", "headquarters": "headquarters", "series": "series",
                 "species": "species", "chief": "chiefs", "wife": "wives", "life": "lives"}


def _recase(word: str, new: str) -> str:
    """Give ``new`` the case pattern of ``word`` (all caps stays all caps)."""
    if word.isupper() and len(word) > 1:
        return new.upper()
    if word[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_DIGIT = re.compile(r"\d")


def is_invariable(word: str) -> bool:
    """True for acronyms, numbers and symbols: they do not inflect."""
    if word.isalpha():
        # Letters only, the usual case: no digit and at least one letter, without two regex scans.
        return word.isupper() and len(word) > 1
    if _HAS_DIGIT.search(word) or not _HAS_LETTER.search(word):
        return True
    return word.isupper() and len(word) > 1


def fr_plural_word(word: str) -> str:
    """French plural of one word."""
    if is_invariable(word):
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
    if is_invariable(word):
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


def en_plural_word(word: str) -> str:
    """English plural of one word."""
    if is_invariable(word):
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


# ------------------------------------------------------------------ placeables


@dataclass(frozen=True, slots=True)
class Placeable:
    """A piece of a sentence that survives translation with a value: number, time, URL, symbol, month..."""

    kind: str  # "url", "email", "symbol", "time", "number", "number-word", "month"
    start: int
    end: int
    text: str
    value: Any  # float (numbers), minutes since midnight (times), 1-12 (months), normalised str (others)
    #: every key it may be matched by; ``keys[0]``-like ``key`` is the value's own key
    keys: frozenset[str]
    key: str

    @property
    def span(self) -> Span:
        """(start, end) offsets into the sentence."""
        return self.start, self.end

    @property
    def optional(self) -> bool:
        """Words and month names may stand in for digits but are never required."""
        return self.kind in ("number-word", "month")


# ------------------------------------------------------------------ numbers, times, symbols, addresses

_HAS_DIGIT_RE = re.compile(r"\d").search
_ASCII_DIGITS = "0123456789"


def has_digit(text: str) -> bool:
    """True when ``text`` has a decimal digit (any script, as the regexes' ``\\d``)."""
    if text.isascii():
        # Ten substring searches (C, memchr-like) cost half a regex scan; ASCII has no other digits.
        for c in _ASCII_DIGITS:
            if c in text:
                return True
        return False
    return _HAS_DIGIT_RE(text) is not None


# Web and e-mail addresses; quotation marks and angle brackets end an address («www.un.org»).
URL = re.compile(r"(?:https?://|www\.)[^\s<>«»\"“”]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_URL_TRAIL = ".,;:)!?'’"


def url_spans(text: str) -> list[Span]:
    """Spans of the web and e-mail addresses in ``text`` (with any punctuation that ends the sentence)."""
    # Every URL match contains "://", "www." or "@": skip the regex (slow on long words) when none is there.
    if "@" not in text and "://" not in text and "www." not in text.lower():
        return []
    return [m.span() for m in URL.finditer(text)]


# UN-style document symbols: an upper-case series then slash-separated parts, at least one digit.
# The look-behind comes after the first letter: a pattern that opens with a look-behind loses sre's
# first-character scan and runs the look-behind at every position (the same holds below).
SYMBOL = re.compile(r"[A-Z](?<![\w/][A-Z])[A-Z0-9]{0,9}(?:\.\d+)?(?:/[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*)+")
# Press-release symbols in a release's first lines and in file names: DG26/014F, DG11-005E, PR_24_003F
# (letters, digit groups, then the language letter F or E). Group 1: the symbol without its letter.
RELEASE_SYMBOL_TEXT = re.compile(r"(?<![\w/])([A-Z]{2,8}\d{0,4}(?:[/_-]\d{1,5})+)[/_-]?([FE])(?![\w])")
RELEASE_SYMBOL_NAME = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,8}\d{0,4}(?:[/_-]\d{1,5})+)[/_-]?([FEfe])"
                                 r"(?![A-Za-z0-9])")


def symbols(text: str) -> list[tuple[str, Span]]:
    """Document symbols such as A/HRC/55/1 with their spans."""
    if "/" not in text:
        return []
    out = []
    for m in SYMBOL.finditer(text):
        sym = m.group().rstrip(".-")
        if any(ch.isdigit() for ch in sym):
            out.append((sym, (m.start(), m.start() + len(sym))))
    return out


# Press-release series mark the language version with a final letter after the
# number (UNOG's DG11/005F is DG11/005E in English): the same document, so equal.
LANGUAGE_LETTER = {"fr": "F", "en": "E", "es": "S", "ru": "R", "zh": "C", "ar": "A"}


def symbol_key(sym: str, lang: str | None) -> str:
    """A symbol with its language-version letter removed (DG11/005F in French -> DG11/005)."""
    letter = LANGUAGE_LETTER.get(lang.split("-")[0].lower()) if lang else None
    if letter and len(sym) > 2 and sym[-1] == letter and sym[-2].isdigit():
        return sym[:-1]
    return sym


_NB = "\u00a0\u202f"
# "(?<![\w.,\d])\d{1,3}..." is written "\d(?<![\w.,]\d)\d{0,2}...": the same matches (the look-behind
# still tests the character before the first digit; \d{1,3} and \d\d{0,2} backtrack in the same
# order) but sre scans for a digit first instead of trying the look-behind at every position
# (tests/test_qa_fastpaths.py compares them with the look-behind-first originals).
_NUMBER: dict[str | None, re.Pattern[str]] = {
    # French: space / no-break / apostrophe thousands, comma (or point) decimals.
    "fr": re.compile(r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:[ " + _NB + r"'’]\d{3})+(?!\d)|\d{0,2}(?:\.\d{3})+(?!\d)|\d*))"
                     r"(?:[,.](\d+))?"),
    # English: comma (or no-break / apostrophe) thousands, point decimals.
    "en": re.compile(r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+(?!\d)|\d{0,2}(?:[ " + _NB + r"'’]\d{3})+(?!\d)|\d*))"
                     r"(?:\.(\d+))?"),
}
_SCALE = re.compile(r"[ " + _NB + r"]*(millions?|milliards?|billions?|trillions?|thousands?|mille|k)\b", re.I)
_SCALE_VALUE = {"million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9, "billion": 10**9,
                "billions": 10**9, "trillion": 10**12, "trillions": 10**12, "thousand": 1000, "thousands": 1000,
                "mille": 1000, "k": 1000}
_ORDINAL_SUFFIX = re.compile(r"(?:er|re|ère|ème|eme|e|nd|st|rd|th|d)\b")

_TIME = {
    "fr": re.compile(r"(\d(?<![\w.,]\d)\d?)[ " + _NB + r"]?h(?:eures?)?(?:[ " + _NB + r"]?(\d{2}))?(?!\w)"),
    "en": re.compile(r"(\d(?<![\w.,]\d)\d?)(?:[.:](\d{2}))?[ " + _NB + r"]?([ap])\.?[ " + _NB + r"]?m\b\.?", re.I),
}
_CLOCK = re.compile(r"(\d(?<![\w.,]\d)\d?):(\d{2})(?!\d)")

_WORDS = {
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
           "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20, "trente": 30, "quarante": 40,
           "cinquante": 50, "soixante": 60, "cent": 100, "mille": 1000, "premier": 1, "première": 1,
           "deuxième": 2, "second": 2, "seconde": 2, "troisième": 3, "quatrième": 4, "cinquième": 5,
           "sixième": 6, "septième": 7, "huitième": 8, "neuvième": 9, "dixième": 10, "moitié": 50,
           "douzaine": 12, "centaine": 100, "milliers": 1000, "unième": 1, "onzième": 11},
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
           "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
           "sixty": 60, "hundred": 100, "thousand": 1000, "first": 1, "second": 2, "third": 3, "fourth": 4,
           "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "half": 50, "dozen": 12,
           "once": 1, "twice": 2, "single": 1, "both": 2, "pair": 2, "thousands": 1000, "hundreds": 100},
}
# Hyphenated compounds, and the French "et un / et unième / et onze" ones (vingt et un, quarante et unième).
_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?: et (?:un|une|unième|onze|onzième)\b)?")
_ET_SUFFIX = re.compile(r"(?:un|une|unième|onze|onzième)\b")
# First letter runs of the number words, and "et" (see word_tokens), in an Aho-Corasick automaton.
_HINT_AUTOMATA: dict[str, Any] = {}


def _word_hint(lang: str) -> Any:
    auto = _HINT_AUTOMATA.get(lang)
    if auto is None:
        import ahocorasick  # noqa: PLC0415 - a core dependency, loaded on first use

        auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        # "et" parts are dropped and "quatre-vingt" / "octante" read as 80 whatever the table (_word_value).
        for word in {w.split("-")[0] for w in _WORDS[lang]} | {"et", "quatre", "octante"}:
            auto.add_word(word, len(word))
        auto.make_automaton()
        _HINT_AUTOMATA[lang] = auto
    return auto


_MONTHS = {
    "fr": {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
           "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12},
    "en": {"January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7, "August": 8,
           "September": 9, "October": 10, "November": 11, "December": 12, "Jan.": 1, "Feb.": 2, "Mar.": 3,
           "Apr.": 4, "Jun.": 6, "Jul.": 7, "Aug.": 8, "Sep.": 9, "Sept.": 9, "Oct.": 10, "Nov.": 11, "Dec.": 12},
}
# English month names count when Capitalised or in CAPITALS (titles), never in lower case ("may", "march").
_MONTHS["en"].update({k.upper(): v for k, v in _MONTHS["en"].items() if not k.endswith(".")})
_FR_MONTH_NAMES = "|".join(sorted(_MONTHS["fr"], key=len, reverse=True))
_EN_MONTH_NAMES = "|".join(re.escape(m) for m in sorted(_MONTHS["en"], key=len, reverse=True))
_MONTH_RE = {
    "fr": re.compile(r"(?:(?<=\d )|(?<=\d\u00a0)|(?<=\der )|(?<=\d\u00a0er )|(?<=1er\u00a0))(?i:(" + _FR_MONTH_NAMES
                     + r"))\b|\b(?i:(" + _FR_MONTH_NAMES + r"))(?=[ \u00a0]\d{4})"),
    "en": re.compile(r"(?:(?<=\d )|(?<=\d\u00a0)|(?<=\dst )|(?<=\dnd )|(?<=\drd )|(?<=\dth )|(?<=\dst of )|(?<=\dnd of )"
                     r"|(?<=\drd of )|(?<=\dth of ))(" + _EN_MONTH_NAMES
                     + r")(?!\w)|\b(" + _EN_MONTH_NAMES + r")(?=[ \u00a0]\d{1,4}(?:st|nd|rd|th)?\b)"),
}
_MONTH_WORDS = {"fr": frozenset(_MONTHS["fr"]), "en": frozenset(m.rstrip(".") for m in _MONTHS["en"])}
# A month word followed by a non-letter; the letter before it is tested in Python, because a pattern
# that starts with a lookbehind loses sre's first-character prefilter (measured 2-6 times slower).
_MONTH_WORD_RE = {lang: re.compile("(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                                   + r")(?![^\W\d_])")
                  for lang, words in _MONTH_WORDS.items()}
# Where a _MONTH_RE match may start: a month name (French ones in any case, as in _MONTH_RE).
_MONTH_START = {"fr": re.compile("(?i:" + _FR_MONTH_NAMES + ")"), "en": re.compile(_EN_MONTH_NAMES)}
_MONTHS_LOWER = {lang: {k.lower(): v for k, v in table.items()} for lang, table in _MONTHS.items()}


#: Month names by language (English ones capitalised, with their abbreviations) -> 1-12.
MONTHS = _MONTHS


_NON_DIGITS = re.compile(r"\D")


def _norm(int_part: str, frac: str | None) -> Decimal:
    digits = _NON_DIGITS.sub("", int_part)
    try:
        return Decimal(f"{digits}.{frac}") if frac else Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the regexes only pass digits
        return Decimal(0)


def _mask(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


_NUMBER[None] = re.compile(  # any locale: a separator before exactly three digits groups thousands
    r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:[ " + _NB + r"'’]\d{3})+(?!\d)|\d{0,2}(?:,\d{3})+(?!\d)|\d{0,2}(?:\.\d{3})+(?!\d)"
    r"|\d*))(?:[,.](\d+))?")
# French "billion" is a million million (English "trillion"); "milliard" is the English "billion".
_SCALE_VALUE_FR = {**_SCALE_VALUE, "billion": 10**12, "billions": 10**12, "trillion": 10**18, "trillions": 10**18}


def _locale(table: dict[Any, re.Pattern[str]], lang: str | None) -> list[re.Pattern[str]]:
    """The patterns of one language; all of them, French first, when the language is not known."""
    if lang is None:
        return [table["fr"], table["en"]]
    return [table.get(lang.split("-")[0].lower(), table["en"])]


def _number_key(value: Decimal) -> str:
    return "n:" + format(value.normalize(), "f")


def _placeable(kind: str, text: str, span: Span, value: Any, key: str, more: Iterable[str] = ()) -> Placeable:
    return Placeable(kind, span[0], span[1], text[span[0]:span[1]], value, frozenset((key, *more)), key)


def _url(text: str, span: Span) -> Placeable:
    raw = text[span[0]:span[1]]
    shown = raw.rstrip(_URL_TRAIL)
    kind = "email" if "@" in shown and "/" not in shown else "url"
    value = fold(shown)
    for scheme in ("https://", "http://"):
        value = value.removeprefix(scheme)
    return _placeable(kind, text, (span[0], span[0] + len(shown)), value, "u:" + value)


def placeables(text: str, lang: str | None, skip: Sequence[Span] = ()) -> list[Placeable]:
    """Addresses, document symbols, clock times and digit-written numbers of a sentence, in text order.

    ``lang`` is the sentence's language (its locale reads the numbers; None: any); ``skip``:
    spans that hold none (placeholders such as ``{0}``).
    """
    if not has_digit(text) and "@" not in text and "://" not in text and "www." not in text.lower():
        return []  # every placeable pattern needs a digit or an address mark
    return list(_placeables(text, lang, tuple(skip)))


# The numbers and addresses checks and the misaligned family's anchors read the same sides of the same units
# in one process (a batch of 2,000 units, 4,000 sides, then the misaligned pass): each side is read once.
@functools.lru_cache(maxsize=1 << 13)
def _placeables(text: str, lang: str | None, skip: tuple[Span, ...]) -> tuple[Placeable, ...]:
    hidden = url_spans(text)
    out = [_url(text, span) for span in hidden]
    hidden += skip
    if not has_digit(text):
        return tuple(out)
    base = lang.split("-")[0].lower() if lang else None
    for sym, span in symbols(_mask(text, hidden)):
        key = symbol_key(sym, lang)
        out.append(_placeable("symbol", text, span, key, "s:" + key))
        hidden.append(span)
    masked = _mask(text, hidden)
    times: list[Span] = []
    for pattern in _locale(_TIME, lang):
        english = pattern is _TIME["en"]
        if ("m" not in masked and "M" not in masked) if english else "h" not in masked:
            continue  # the English pattern needs a.m./p.m., the French one h/heures
        for m in pattern.finditer(masked):
            if any(s < m.end() and m.start() < e for s, e in times):
                continue
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            if hour > 24 or minute > 59:
                continue
            if english:
                pm = m.group(3).lower() == "p"
                hour = (hour % 12) + (12 if pm else 0)
            key, more = f"t:{hour * 60 + minute}", list[str]()
            if not m.group(2):
                number = _number_key(Decimal(int(m.group(1))))
                # "24 heures" is also "24 hours"; as a day's length, not midnight, it is the number.
                key, more = (number, [key]) if hour >= 24 else (key, [number])
            out.append(_placeable("time", text, m.span(), hour * 60 + minute, key, more))
            times.append(m.span())
    for m in _CLOCK.finditer(masked) if ":" in masked else ():
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour <= 24 and minute <= 59 and not any(s <= m.start() < e for s, e in times):
            more = [f"t:{(hour + 12) * 60 + minute}"] if hour < 12 else []
            out.append(_placeable("time", text, m.span(), hour * 60 + minute, f"t:{hour * 60 + minute}", more))
            times.append(m.span())
    masked = _mask(masked, times)
    scales = _SCALE_VALUE_FR if base == "fr" else _SCALE_VALUE
    for m in _NUMBER.get(base, _NUMBER["en"]).finditer(masked):
        int_part, frac = m.group(1), m.group(2)
        end = m.end()
        scale = _SCALE.match(masked, end)
        suffix = _ORDINAL_SUFFIX.match(masked, end)
        if not (frac or scale) and int_part.isdigit() and int_part.isascii():
            # A plain ASCII integer, most numbers: its key without Decimal (same text: no exponent, no zeros before).
            key = "n:" + (int_part.lstrip("0") or "0")
            end = suffix.end() if suffix else end
            out.append(Placeable("number", m.start(), end, text[m.start():end], float(int_part), frozenset((key,)), key))
            continue
        value = _norm(int_part, frac)
        more = [_number_key(value)]
        if frac and len(frac) == 2 and int(frac) < 60 and len(_NON_DIGITS.sub("", int_part)) <= 2 \
                and 1 <= int(int_part) <= 24 and masked[m.end(1)] == ".":
            # "10.30" may be a clock time (UN English writes 10.30 a.m.); a decimal comma (0,01) never is.
            hour, minute = int(int_part), int(frac)
            more += [f"t:{hour * 60 + minute}", f"t:{(hour + 12) * 60 + minute}"]
        if scale:
            # The value is the scaled one ("2,5 millions" = "2.5 million" = "2,500,000").
            value *= scales[scale.group(1).lower()]
        if suffix:
            end = suffix.end()
        key = _number_key(value)
        out.append(_placeable("number", text, (m.start(), end), float(value), key, more))
    out.sort(key=lambda p: (p.start, p.end))
    return tuple(out)


# ------------------------------------------------------------------ number words and dates


def _word_value(word: str, table: dict[str, int]) -> int | None:
    value = table.get(word)
    if value is not None or not ("-" in word or " et " in word):
        return value
    word = word.replace(" et ", "-")
    # Compounds add up (fifty-five, cinquante-cinquième) except French 80 (quatre-vingt).
    word = re.sub(r"^quatre-vingts?", "octante", word)
    parts = [80 if p == "octante" else table.get(p) for p in word.split("-") if p != "et"]
    values = [p for p in parts if p is not None]
    return sum(values) if values and len(values) == len(parts) else None


def _word_token(m: re.Match[str], value: int) -> Placeable:
    return Placeable("number-word", m.start(), m.end(), m.group(), float(value),
                     frozenset({_number_key(Decimal(value))}), _number_key(Decimal(value)))


def _word_tokens_scan(text: str, table: dict[str, int]) -> list[Placeable]:
    # The definition: every word of the text, looked up. Its cost is one match object per word.
    out = []
    for m in _WORD_RE.finditer(text):
        value = _word_value(m.group().lower(), table)
        if value is not None:
            out.append(_word_token(m, value))
    return out


def _is_letter(c: str) -> bool:
    """True for a character of ``[^\\W\\d_]`` (what _WORD_RE calls a letter)."""
    return c.isalnum() and not c.isdecimal()


def number_words(text: str, lang: str) -> list[Placeable]:
    """Small numbers written as words; they may stand in for digits but are never required."""
    table = _WORDS.get(lang, {})
    lowered = text.lower()
    if lang not in _WORDS or len(lowered) != len(text):
        return _word_tokens_scan(text, table)
    # Only a word whose first letter run is a number word (or "et" before "-" or " et ", parts
    # the scan drops) can have a value, so read words only where such a run starts, with
    # _WORD_RE itself. A scan of every word starts one there unless the character before is a
    # hyphen after a letter ("vingt-deux") or the space of " et " before un/une/onze...
    # ("vingt et un"): there, fall back to the scan.
    out = []
    for end, size in _word_hint(lang).iter(lowered):
        p = end + 1 - size
        after = text[end + 1:end + 2]
        if after and _is_letter(after):
            continue  # not a whole letter run ("deuxième" holds "deux")
        if size == 2 and lowered[p:end + 1] == "et" and not (
                (after == "-" and _is_letter(text[end + 2:end + 3] or " ")) or text.startswith(" et ", end + 1)):
            continue
        if p:
            c = text[p - 1]
            if _is_letter(c):
                continue  # inside a word ("aucun"): no word of the scan starts here
            if c == "-" and p >= 2 and _is_letter(text[p - 2]):
                return _word_tokens_scan(text, table)
            if c == " " and text[max(0, p - 4):p] == " et " and _ET_SUFFIX.match(text, p):
                return _word_tokens_scan(text, table)
        m = _WORD_RE.match(text, p)
        if m is None:  # never: a number word is a letter run
            continue
        value = _word_value(m.group().lower(), table)
        if value is not None:
            out.append(_word_token(m, value))
    return out


def _has_month_word(probe: re.Pattern[str], text: str) -> bool:
    """True when a whole letter run of ``text`` is a month word (cheap test before the month regexes)."""
    for m in probe.finditer(text):
        i = m.start()
        # The run must start here: no letter ([^\W\d_]: alphanumeric but not a decimal digit) before it.
        if i == 0 or not (text[i - 1].isalnum() and not text[i - 1].isdecimal()):
            return True
    return False


def months(text: str, lang: str) -> list[tuple[int, Span]]:
    """Month names used in dates (next to a day or a year) with their spans."""
    if not has_digit(text):
        return []  # a date needs a day or a year next to the month (every _MONTH_RE branch has \\d)
    probe = _MONTH_WORD_RE.get(lang)
    if probe is not None and not _has_month_word(probe, text.lower() if lang == "fr" else text):
        return []
    table = _MONTHS.get(lang, {})
    lower = _MONTHS_LOWER.get(lang, {})
    out = []
    for m in _month_matches(text, lang):
        name = m.group(1) or m.group(2)
        value = table.get(name) or lower.get(name.lower())
        if value:
            start = m.start(1) if m.group(1) else m.start(2)
            out.append((value, (start, start + len(name))))
    return out


def _month_matches(text: str, lang: str) -> list[re.Match[str]]:
    """``_MONTH_RE[lang].finditer(text)``, tried only where a month name starts.

    _MONTH_RE opens with look-behinds, so sre tries them at every position;
    every match starts where a month name does, so the same matches come from
    trying it only there, in order, resuming after each match as finditer does.
    """
    full = _MONTH_RE.get(lang, _MONTH_RE["en"]).match
    start = _MONTH_START.get(lang, _MONTH_START["en"]).search
    out: list[re.Match[str]] = []
    pos = 0
    while True:
        c = start(text, pos)
        if c is None:
            return out
        m = full(text, c.start())
        if m is None:
            pos = c.start() + 1
        else:
            out.append(m)
            pos = m.end()


def month_placeables(text: str, lang: str) -> list[Placeable]:
    """Month names used in dates as placeables (value 1-12; they may also stand in for the month's number)."""
    return [Placeable("month", s, e, text[s:e], v, frozenset({f"m:{v}", _number_key(Decimal(v))}), f"m:{v}")
            for v, (s, e) in months(text, lang)]


def _base(lang: str | None) -> str:
    """The base language of a tag (``fr-CH`` -> ``fr``); English when none is given."""
    return (lang or "en").split("-")[0].lower()
