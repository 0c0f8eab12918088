"""Numbers, times, dates and document symbols that must survive translation.

Each side is read with its own locale (French ``1 000,5`` and English
``1,000.5`` are the same number). A number becomes a token carrying a set of
acceptable keys; a source token matches a target token when their key sets
meet, so ``10 h 30`` meets ``10.30 a.m.`` and ``1,5 milliard`` meets
``1.5 billion``. Numbers written as words (``three``, ``trois``) are never
required, but may stand in for a digit on the other side, so "three
experts" / "3 experts" passes and "l'un des" / "one of" never fires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bilingual_pr.qa.model import Family, Finding, Segment, Span, finding
from bilingual_pr.qa.tags import placeholders

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


# UN-style document symbols: an upper-case series then slash-separated parts, at least one digit.
# The look-behind comes after the first letter: a pattern that opens with a look-behind loses sre's
# first-character scan and runs the look-behind at every position (the same holds below).
_SYMBOL = re.compile(r"[A-Z](?<![\w/][A-Z])[A-Z0-9]{0,9}(?:\.\d+)?(?:/[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*)+")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def url_spans(text: str) -> list[Span]:
    """Spans of the web and e-mail addresses in ``text``."""
    # Every URL match contains "://", "www." or "@": skip the regex (slow on long words) when none is there.
    if "@" not in text and "://" not in text and "www." not in text:
        return []
    return [m.span() for m in URL.finditer(text)]


_NB = "\u00a0\u202f"
# "(?<![\w.,\d])\d{1,3}..." is written "\d(?<![\w.,]\d)\d{0,2}...": the same matches (the look-behind
# still tests the character before the first digit; \d{1,3} and \d\d{0,2} backtrack in the same
# order) but sre scans for a digit first instead of trying the look-behind at every position
# (tests/test_qa_fastpaths.py compares them with the look-behind-first originals).
_NUMBER = {
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
        import ahocorasick  # noqa: PLC0415 - a core dependency, loaded on first use like in terms.py

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
_DIGIT_RUNS = re.compile(r"\d+").findall
_DECIMAL_LIKE = re.compile(r"\d[.,]\d").search
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


@dataclass(frozen=True, slots=True)
class NumberToken:
    """A number found in one side, with every key it may be matched by."""

    keys: frozenset[str]
    span: Span
    text: str
    optional: bool = False


def _norm(int_part: str, frac: str | None) -> Decimal:
    digits = re.sub(r"\D", "", int_part)
    try:
        return Decimal(f"{digits}.{frac}") if frac else Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the regexes only pass digits
        return Decimal(0)


def _key(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "n:" + text


def _mask(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def symbols(text: str) -> list[tuple[str, Span]]:
    """Document symbols such as A/HRC/55/1 with their spans."""
    if "/" not in text:
        return []
    out = []
    for m in _SYMBOL.finditer(text):
        sym = m.group().rstrip(".-")
        if any(ch.isdigit() for ch in sym):
            out.append((sym, (m.start(), m.start() + len(sym))))
    return out


# Press-release series mark the language version with a final letter after the
# number (UNOG's DG11/005F is DG11/005E in English): the same document, so equal.
_LANGUAGE_LETTER = {"fr": "F", "en": "E", "es": "S", "ru": "R", "zh": "C", "ar": "A"}


def symbol_key(sym: str, lang: str) -> str:
    """A symbol with its language-version letter removed (DG11/005F in French -> DG11/005)."""
    letter = _LANGUAGE_LETTER.get(lang.split("-")[0].lower())
    if letter and len(sym) > 2 and sym[-1] == letter and sym[-2].isdigit():
        return sym[:-1]
    return sym


def number_tokens(text: str, lang: str) -> list[NumberToken]:
    """Digit-written numbers and times of one side, read with that side's locale."""
    if not has_digit(text):
        return []  # every token pattern needs a \\d
    skip = url_spans(text) + [span for _, span in symbols(text)]
    if "{" in text or "%" in text:
        skip += [span for _, span in placeholders(text)]
    masked = _mask(text, skip)
    tokens: list[NumberToken] = []
    times: list[Span] = []
    for m in _TIME.get(lang, _TIME["en"]).finditer(masked):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if hour > 24 or minute > 59:
            continue
        if lang == "en":
            pm = m.group(3).lower() == "p"
            hour = (hour % 12) + (12 if pm else 0)
        keys = {f"t:{hour * 60 + minute}"}
        if not m.group(2):
            keys.add(_key(Decimal(int(m.group(1)))))  # "24 heures" is also "24 hours"
        tokens.append(NumberToken(frozenset(keys), m.span(), m.group()))
        times.append(m.span())
    for m in _CLOCK.finditer(masked) if ":" in masked else ():
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour <= 24 and minute <= 59 and not any(s <= m.start() < e for s, e in times):
            keys = {f"t:{hour * 60 + minute}"} | ({f"t:{(hour + 12) * 60 + minute}"} if hour < 12 else set())
            tokens.append(NumberToken(frozenset(keys), m.span(), m.group()))
            times.append(m.span())
    masked = _mask(masked, times)
    for m in _NUMBER.get(lang, _NUMBER["en"]).finditer(masked):
        int_part, frac = m.group(1), m.group(2)
        value = _norm(int_part, frac)
        keys = {_key(value)}
        end = m.end()
        if frac and len(frac) == 2 and int(frac) < 60 and len(re.sub(r"\D", "", int_part)) <= 2 \
                and int(int_part) <= 24:
            # "10.30" may be a clock time (UN English writes 10.30 a.m.).
            hour, minute = int(int_part), int(frac)
            keys |= {f"t:{hour * 60 + minute}", f"t:{(hour + 12) * 60 + minute}"}
        scale = _SCALE.match(masked, end)
        if scale:
            keys.add(_key(value * _SCALE_VALUE[scale.group(1).lower()]))
        suffix = _ORDINAL_SUFFIX.match(masked, end)
        if suffix:
            end = suffix.end()
        tokens.append(NumberToken(frozenset(keys), (m.start(), end), text[m.start():end]))
    tokens.sort(key=lambda t: t.span)
    return tokens


def _word_value(word: str, table: dict[str, int]) -> int | None:
    value = table.get(word)
    if value is not None or not ("-" in word or " et " in word):
        return value
    word = word.replace(" et ", "-")
    # Compounds add up (fifty-five, cinquante-cinquième) except French 80 (quatre-vingt).
    word = re.sub(r"^quatre-vingts?", "octante", word)
    parts = [80 if p == "octante" else table.get(p) for p in word.split("-") if p != "et"]
    return sum(parts) if parts and all(p is not None for p in parts) else None


def _word_tokens_scan(text: str, table: dict[str, int]) -> list[NumberToken]:
    # The definition: every word of the text, looked up. Its cost is one match object per word.
    out = []
    for m in _WORD_RE.finditer(text):
        value = _word_value(m.group().lower(), table)
        if value is not None:
            out.append(NumberToken(frozenset({_key(Decimal(value))}), m.span(), m.group(), optional=True))
    return out


def _is_letter(c: str) -> bool:
    """True for a character of ``[^\\W\\d_]`` (what _WORD_RE calls a letter)."""
    return c.isalnum() and not c.isdecimal()


def word_tokens(text: str, lang: str) -> list[NumberToken]:
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
        value = _word_value(m.group().lower(), table)
        if value is not None:
            out.append(NumberToken(frozenset({_key(Decimal(value))}), m.span(), m.group(), optional=True))
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
    out = []
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


def _month_tokens(text: str, lang: str) -> list[NumberToken]:
    return [NumberToken(frozenset({_key(Decimal(v))}), span, text[span[0]:span[1]], optional=True)
            for v, span in months(text, lang)]


def _match(left: list[NumberToken], right: list[NumberToken]) -> tuple[list[NumberToken], list[NumberToken]]:
    used = [False] * len(right)
    unmatched = []
    for tok in left:
        for i, other in enumerate(right):
            if not used[i] and tok.keys & other.keys:
                used[i] = True
                break
        else:
            unmatched.append(tok)
    return unmatched, [t for t, u in zip(right, used) if not u]


def _show(tokens: list[NumberToken]) -> str:
    return ", ".join(t.text.strip() for t in tokens)


def check_numbers(seg: Segment) -> list[Finding]:
    """Compare numbers, times, month names and document symbols between source and target."""
    src, tgt = seg.source, seg.target
    if not tgt:
        return []
    s_digit, t_digit = has_digit(src), has_digit(tgt)
    if not (s_digit or t_digit):
        return []
    out: list[Finding] = []
    s_sym, t_sym = symbols(src), symbols(tgt)
    if s_sym or t_sym:
        t_left = list(t_sym)
        missing = []
        for sym, span in s_sym:
            key = symbol_key(sym, seg.source_lang)
            hit = next((i for i, (other, _) in enumerate(t_left)
                        if other == sym or symbol_key(other, seg.target_lang) == key), None)
            if hit is None:
                missing.append((sym, span))
            else:
                t_left.pop(hit)
        if missing or t_left:
            parts = []
            if missing:
                parts.append("source symbol " + ", ".join(s for s, _ in missing) + " is not in the target")
            if t_left:
                parts.append("target symbol " + ", ".join(s for s, _ in t_left) + " is not in the source")
            out.append(finding("symbol-mismatch", "Document symbols must be copied unchanged: " + "; ".join(parts) + ".",
                               seg.index, tuple(sp for _, sp in missing), tuple(sp for _, sp in t_left)))
    # Fast path: the same digit runs on both sides and no decimal/thousands separator to read by locale.
    if sorted(_DIGIT_RUNS(src)) == sorted(_DIGIT_RUNS(tgt)) and not (_DECIMAL_LIKE(src) or _DECIMAL_LIKE(tgt)):
        s_miss, t_extra = [], []
    else:
        s_miss, t_extra = _match(number_tokens(src, seg.source_lang) if s_digit else [],
                                 number_tokens(tgt, seg.target_lang) if t_digit else [])
    # Words and month names may stand in for a digit: "three"/"3", "November"/"11" in 23/11/2011.
    if s_miss:
        s_miss, _ = _match(s_miss, word_tokens(tgt, seg.target_lang) + _month_tokens(tgt, seg.target_lang))
    if t_extra:
        t_extra, _ = _match(t_extra, word_tokens(src, seg.source_lang) + _month_tokens(src, seg.source_lang))
    if s_miss or t_extra:
        parts = []
        if s_miss:
            parts.append(f"source has {_show(s_miss)} not found in the target")
        if t_extra:
            parts.append(f"target has {_show(t_extra)} not found in the source")
        out.append(finding("number-mismatch", "Numbers differ: " + "; ".join(parts) + ".", seg.index,
                           tuple(t.span for t in s_miss), tuple(t.span for t in t_extra)))
    # A side without a digit has no number and no date (months() would say the same, slower).
    s_mon = months(src, seg.source_lang) if s_digit else []
    t_mon = months(tgt, seg.target_lang) if t_digit else []
    if s_mon or t_mon:
        left = [v for v, _ in t_mon]
        s_bad = []
        for v, span in s_mon:
            if v in left:
                left.remove(v)
            else:
                s_bad.append(span)
        t_bad = []
        for v, span in t_mon:
            if v in left:
                left.remove(v)
                t_bad.append(span)
        # A date copied unchanged from the other side (a title left in English) is not a mismatch.
        s_bad = [sp for sp in s_bad if not re.search(r"\b" + re.escape(src[sp[0]:sp[1]]) + r"\b", tgt)]
        t_bad = [sp for sp in t_bad if not re.search(r"\b" + re.escape(tgt[sp[0]:sp[1]]) + r"\b", src)]
        # A side that writes its date as 23/11/2011 has no month name to compare.
        if (s_bad and not t_mon and _NUMERIC_DATE.search(tgt)) or (t_bad and not s_mon and _NUMERIC_DATE.search(src)):
            s_bad, t_bad = [], []
        if s_bad or t_bad:
            s_names = ", ".join(src[a:b] for a, b in s_bad) or "none"
            t_names = ", ".join(tgt[a:b] for a, b in t_bad) or "none"
            out.append(finding("date-mismatch", f"Month differs in a date: source {s_names}, target {t_names}.",
                               seg.index, tuple(s_bad), tuple(t_bad)))
    return out


FAMILY = Family(
    "numbers",
    checks={
        "number-mismatch": ("error", "A number, percentage or time differs between source and target."),
        "date-mismatch": ("error", "A month in a date differs between source and target."),
        "symbol-mismatch": ("error", "A document symbol (A/HRC/55/1...) is missing or changed in the target."),
    },
    unit=lambda setup: check_numbers,
)
