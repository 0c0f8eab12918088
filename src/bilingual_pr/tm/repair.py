"""Placeable repair: carry a new sentence's numbers, dates, times, symbols, addresses and terms into a memory's target.

A memory unit whose source differs from the new sentence *only* in such pieces (its
:func:`skeleton` is the new sentence's) can be reused: each changed piece is found again in the
unit's target (the same fact, read in the target's language: French ``1 200`` is English
``1,200``, ``15 heures`` is ``3 p.m.``, ``DG25/014F`` is ``DG25/014E``) and rewritten with the new
value in the target language's convention and in the style the target already used
(``writing.format_number`` / ``format_time`` / ``month_name`` ...). Anything that cannot be found
once and only once, or that the rewritten target does not read back as the new value, refuses
the repair: the match then stays an ordinary fuzzy match.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from bilingual_pr import lexical
from bilingual_pr.lexical import wordforms, writing

if TYPE_CHECKING:
    from bilingual_pr.glossary.model import Glossary

#: Kinds of pieces a repair may substitute.
KINDS = ("number", "time", "month", "weekday", "symbol", "url", "email", "term")
_SPACES = re.compile(r"\s+")
_OPEN, _CLOSE = "\x00", "\x01"  # around a piece's kind in a skeleton; never in a sentence (clean_xml_text)


@dataclass(frozen=True, slots=True)
class Piece:
    """A replaceable piece of a sentence: a placeable of ``lexical`` or a glossary term."""

    kind: str
    start: int
    end: int
    text: str
    value: Any  # number: float (scaled); time: minutes; month 1-12; weekday 1-7; symbol/url: key; term: entry id
    keys: frozenset[str]
    key: str
    unit: float = 1.0  # a number's scale word multiplies it by this (``2,5 millions``: 1e6)
    digits: str = ""  # a number's text without its scale word (``2,5``)
    word: bool = False  # a number written as a word (``trois``, ``three``)


@dataclass(frozen=True, slots=True)
class Change:
    """One substitution a repair made: the piece in the old and new source, and in the target."""

    kind: str
    source_before: str
    source_after: str
    target_before: str
    target_after: str

    def __str__(self) -> str:
        return f"{self.target_before} -> {self.target_after} ({self.source_before} -> {self.source_after})"


@dataclass(frozen=True, slots=True)
class Repair:
    """A repaired target and what changed (no change: the sources differ in nothing a target carries)."""

    target: str
    changes: tuple[Change, ...]


class TermSides:
    """The glossary's term finders for one direction (built once, reused for every sentence)."""

    def __init__(self, glossary: "Glossary", source_lang: str, target_lang: str) -> None:
        from bilingual_pr.glossary.matcher import TermMatcher

        self.glossary = glossary
        self.source_lang, self.target_lang = _base(source_lang), _base(target_lang)
        self.source = TermMatcher(glossary, self.source_lang)
        self.target = TermMatcher(glossary, self.target_lang)
        # The new sentence is read once per candidate: keep the last texts' hits.
        self.find_source = functools.lru_cache(maxsize=4096)(self.source.find)
        self.find_target = functools.lru_cache(maxsize=4096)(self.target.find)
        self._entries = {e.id: e for e in glossary.entries}

    def preferred(self, entry_id: str) -> str | None:
        """The entry's preferred target-language term."""
        entry = self._entries.get(entry_id)
        term = entry.preferred(self.target_lang) if entry is not None else None
        return term.text if term is not None else None


def _base(lang: str | None) -> str:
    return (lang or "").split("-")[0].lower()


@functools.lru_cache(maxsize=65536)
def _placeable_pieces(text: str, lang: str, words: bool) -> tuple[Piece, ...]:
    found = [*lexical.placeables(text, lang), *lexical.month_placeables(text, lang),
             *wordforms.weekday_placeables(text, lang), *(wordforms.cardinal_words(text, lang) if words else ())]
    found.sort(key=lambda p: (p.start, p.end))
    out: list[Piece] = []
    for p in found:
        if out and p.start < out[-1].end:
            continue  # placeables() never overlaps; a day name inside a symbol or address would
        if p.kind == "number-word":
            # "trois" and "3" are the same kind of piece: UN English writes small numbers in words.
            out.append(Piece("number", p.start, p.end, p.text, p.value, p.keys, p.key, 1.0, p.text, True))
        elif p.kind == "number":
            # The scale word belongs to the piece: "1,5 million" and "2 millions" differ in nothing else.
            scaled = wordforms.scale_word(text, p.end, lang)
            end, unit = scaled if scaled is not None else (p.end, 1)
            out.append(Piece(p.kind, p.start, end, text[p.start:end], p.value, p.keys, p.key, float(unit), p.text))
        else:
            out.append(Piece(p.kind, p.start, p.end, p.text, p.value, p.keys, p.key))
    return tuple(out)


def pieces(text: str, lang: str, terms: Sequence[Any] = (), *, words: bool = False) -> tuple[Piece, ...]:
    """The replaceable pieces of a sentence in text order: placeables, then glossary ``terms`` hits not inside one.

    ``words``: cardinals two to twenty written as words (``trois``, ``three``) count as numbers.
    """
    found = _placeable_pieces(text, _base(lang), words)
    if not terms:
        return found
    spans = [(p.start, p.end) for p in found]
    extra = [Piece("term", t.start, t.end, t.surface, t.entry.id, frozenset({f"g:{t.entry.id}"}), f"g:{t.entry.id}")
             for t in terms if not any(s < t.end and t.start < e for s, e in spans)]
    return tuple(sorted((*found, *extra), key=lambda p: p.start))


def _mask(text: str, found: Sequence[Piece]) -> str:
    parts, pos = [], 0
    for p in found:
        parts += [text[pos:p.start], _OPEN + p.kind + _CLOSE]
        pos = p.end
    parts.append(text[pos:])
    return _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(parts))).strip()


def skeleton(text: str, lang: str, terms: Sequence[Any] = (), *, words: bool = False) -> str:
    """The sentence with every replaceable piece replaced by its kind and spaces folded: equal skeletons, repairable."""
    return _mask(text, pieces(text, lang, terms, words=words))


# Words a piece may cover without a digit: month and day names, scale words, the words of clock times.
_OUTLINE_DROP = frozenset({*(m.lower().rstrip(".") for table in lexical.MONTHS.values() for m in table),
                           *(d.lower() for table in wordforms.WEEKDAYS.values() for d in table),
                           "million", "millions", "milliard", "milliards", "billion", "billions", "trillion",
                           "trillions", "thousand", "thousands", "mille", "k", "h", "heure", "heures", "a", "p", "m",
                           "am", "pm",
                           *(part for table in wordforms.CARDINAL_WORDS.values() for w in table.values()
                             for part in w.split("-"))})
_WORDS = re.compile(r"\w+")
# A space-separated token with a digit, a slash or an address mark.
_MARKED_TOKEN = re.compile(r"\S*(?:[\d/@]|(?i:www\.))\S*")


def outline(text: str) -> str:
    """A cheap key that two sentences of equal :func:`skeleton` (without terms) always share.

    Words only, without any space-separated token that holds a digit, a slash or an address mark, nor
    the words a piece may cover (month and day names, scale words, ``h``/``heures``/``a.m.``): an
    index on it finds every repairable unit at a few microseconds a sentence (a skeleton costs a
    full placeable scan); unequal outlines mean unequal skeletons.
    """
    kept = _MARKED_TOKEN.sub(" ", text if text.isascii() else unicodedata.normalize("NFC", text))
    return " ".join(w for w in _WORDS.findall(kept.casefold()) if w not in _OUTLINE_DROP)


def _same(a: Piece, b: Piece) -> bool:
    """Whether two pieces of the same kind (one in each source) carry the same value."""
    return a.value == b.value


def _meet(a: Piece, b: Piece) -> bool:
    """Whether a source piece and a target piece are the same fact (kinds that correspond, keys that meet)."""
    if a.kind != b.kind:
        return False
    return a.key in b.keys or b.key in a.keys


def _recase(like: str, new: str) -> str:
    if like.isupper() and len(like) > 1:
        return new.upper()
    if like[:1].isupper():
        return new[:1].upper() + new[1:]
    if like[:1].islower():
        return new[:1].lower() + new[1:]
    return new


def _is_day(target: str, t: Piece, target_pieces: Sequence[Piece]) -> bool:
    """Whether a target number is the day of a date (1-31, a month name right after or right before it)."""
    if not (isinstance(t.value, float) and 1 <= t.value <= 31 and t.value.is_integer()):
        return False
    for m in target_pieces:
        if m.kind != "month":
            continue
        if 0 <= m.start - t.end <= 4 and not target[t.end:m.start].strip(" \u00a0of"):
            return True
        if 0 <= t.start - m.end <= 2 and not target[m.end:t.start].strip(" \u00a0"):
            return True
    return False


def _render(old: Piece, new: Piece, t: Piece, target: str, target_pieces: Sequence[Piece],
            source_lang: str, target_lang: str, terms: TermSides | None) -> str | None:
    """The new text of target piece ``t`` (which says what ``old`` said) once the source says ``new``."""
    kind = new.kind
    if kind == "number":
        if not math.isclose(old.unit, new.unit):
            return None  # the scale word changed (millions -> milliards): more than a figure
        if t.word:
            word = wordforms.number_word(new.value / t.unit, target_lang)
            if word is not None:
                return _recase(t.text, word)
        # Written as the target wrote the old value: "2.5 million" stays in millions, "2,500,000" in units.
        value = round(new.value / t.unit, 9)  # float division noise (3100000 / 1e6)
        t_style = writing.number_style(t.digits, target_lang)
        n_style = writing.number_style(new.digits, source_lang)
        if float(value).is_integer() and _is_day(target, t, target_pieces):
            return writing.day_of_month(int(value), target_lang, ordinal=t_style.ordinal)
        if t_style.group and value >= 1000:
            group: bool | str = t_style.group
        else:
            group = bool(n_style.group) or value >= 10000
        decimals = n_style.decimals if math.isclose(t.unit, new.unit) else None
        digits = writing.format_number(value, target_lang, decimals=decimals, group=group,
                                       ordinal=t_style.ordinal and float(value).is_integer())
        word = t.text[len(t.digits):]
        return digits + (wordforms.inflect_scale_word(word, value, target_lang) if word else "")
    if kind == "time":
        return writing.format_time(new.value, target_lang, style=writing.time_style(t.text, target_lang))
    if kind == "month":
        return _recase(t.text, writing.month_name(new.value, target_lang))
    if kind == "weekday":
        return _recase(t.text, writing.weekday_name(new.value, target_lang))
    if kind == "symbol":
        # Keep the target's language letter (DG26/014E): the key is the symbol without it.
        return new.value + t.text[len(t.value):] if t.text.startswith(t.value) else new.value
    if kind in ("url", "email"):
        return new.text
    if kind == "term" and terms is not None:
        preferred = terms.preferred(new.value)
        return _recase(t.text, preferred) if preferred else None
    return None


def repair(new_source: str, unit_source: str, unit_target: str, source_lang: str, target_lang: str,
           terms: TermSides | None = None, *, words: bool = False) -> Repair | None:
    """The unit's target with the new sentence's pieces substituted, or None when that is not safe.

    None when the sources differ in more than replaceable pieces (their skeletons differ), when a
    changed piece is not found in the target exactly as often as the sources need, or when the
    repaired target does not read back as carrying the new values. ``words``: small cardinals
    written as words are numbers too (``trois`` -> ``deux`` gives ``three`` -> ``two``).
    """
    source_lang, target_lang = _base(source_lang), _base(target_lang)
    if terms is None and outline(new_source) != outline(unit_source):
        return None  # cheap: the skeletons differ too
    src_terms = terms.find_source if terms is not None else None
    tgt_terms = terms.find_target if terms is not None else None
    a0 = pieces(unit_source, source_lang, src_terms(unit_source) if src_terms else (), words=words)
    a1 = pieces(new_source, source_lang, src_terms(new_source) if src_terms else (), words=words)
    if len(a0) != len(a1) or _mask(unit_source, a0) != _mask(new_source, a1):
        return None
    pairs = list(zip(a0, a1))
    for x0, x1 in pairs:
        if x0.kind == "term" and x0.value == x1.value and x0.text != x1.text:
            return None  # the same term in another form (plural, feminine): the target needs more than a swap
    changed = [(x0, x1) for x0, x1 in pairs if not _same(x0, x1)]
    if not changed:
        return Repair(unit_target, ())
    b = pieces(unit_target, target_lang, tgt_terms(unit_target) if tgt_terms else (), words=words)
    plan: dict[int, tuple[str, Change]] = {}
    for x0, x1 in changed:
        group = [(y0, y1) for y0, y1 in pairs if y0.kind == x0.kind and _same(y0, x0)]
        found = [i for i, t in enumerate(b) if _meet(x0, t)]
        if len(found) != len(group):
            # Not in the target, or not as often as in the source ("3 experts ... met three times" may
            # be "3 experts ... met 3 times"): which occurrence is which cannot be told.
            return None
        targets = [found[k] for k, (_, y1) in enumerate(group) if y1 is x1]  # the same order on both sides
        for i in targets:
            text = _render(x0, x1, b[i], unit_target, b, source_lang, target_lang, terms)
            if text is None:
                return None
            change = Change(x1.kind, x0.text, x1.text, b[i].text, text)
            if plan.setdefault(i, (text, change))[0] != text:
                return None  # one target piece asked to say two things
    out = unit_target
    for i in sorted(plan, reverse=True):
        out = out[:b[i].start] + plan[i][0] + out[b[i].end:]
    if not _reads_back(out, a1, changed, target_lang, tgt_terms, words):
        return None
    return Repair(out, tuple(plan[i][1] for i in sorted(plan)))


def _reads_back(target: str, new_pieces: Sequence[Piece], changed: Sequence[tuple[Piece, Piece]], target_lang: str,
                tgt_terms: Any, words: bool) -> bool:
    """Whether the repaired target carries every new value, and no longer an old one the new source dropped."""
    got = pieces(target, target_lang, tgt_terms(target) if tgt_terms else (), words=words)
    for x0, x1 in changed:
        if not any(_meet(x1, t) for t in got):
            return False
        still_said = any(_meet(x0, y) for y in new_pieces if y.kind == x0.kind)
        if not still_said and any(_meet(x0, t) for t in got):
            return False
    return True
