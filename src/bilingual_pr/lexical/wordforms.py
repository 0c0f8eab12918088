"""Word forms the TM's placeable repair reads: scale words, small cardinals written as words, weekdays."""

from __future__ import annotations

import re

# The readers' tables, shared within the package: one home for each language's forms.
from bilingual_pr.lexical import _SCALE, _SCALE_VALUE, _SCALE_VALUE_FR, Placeable, _base, number_words

# ------------------------------------------------------------------ scale words


def scale_word(text: str, pos: int, lang: str | None) -> tuple[int, int] | None:
    """The scale word right after a number ending at ``pos`` (``2,5 millions``): its end and what it multiplies by.

    The same words :func:`placeables` scales a number's value by (French ``billion`` is 10**12).
    """
    m = _SCALE.match(text, pos)
    if m is None:
        return None
    scales = _SCALE_VALUE_FR if _base(lang) == "fr" else _SCALE_VALUE
    return m.end(), scales[m.group(1).lower()]


def inflect_scale_word(word: str, written: float, lang: str) -> str:
    """A scale word agreeing with the number written before it: French ``1,5 million`` but ``2 millions``.

    English scale words after a number never take the plural (``2 million``); French ``mille`` never does.
    """
    if _base(lang) != "fr":
        return word
    bare = word.rstrip("sS")
    if word.strip().lower() in ("mille", "k"):
        return word
    if abs(written) < 2:
        return bare
    return bare + ("S" if bare.isupper() else "s")


# ------------------------------------------------------------------ small cardinals as words

#: Cardinal numbers from two to twenty as words (one is left out: ``un``/``une``/``one`` are mostly articles).
CARDINAL_WORDS = {
    "fr": dict(enumerate(("deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
                          "dix-sept dix-huit dix-neuf vingt").split(), start=2)),
    "en": dict(enumerate(("two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                          "sixteen seventeen eighteen nineteen twenty").split(), start=2)),
}
_CARDINAL_VALUE = {lang: {w: v for v, w in table.items()} for lang, table in CARDINAL_WORDS.items()}


def cardinal_words(text: str, lang: str) -> list[Placeable]:
    """The cardinals two to twenty written as words (``trois``, ``Three``), kind ``number-word``."""
    table = _CARDINAL_VALUE.get(_base(lang))
    if table is None:
        return []
    return [p for p in number_words(text, _base(lang)) if p.text.lower() in table]


def number_word(value: float, lang: str) -> str | None:
    """A whole number from two to twenty as a word (``trois``, ``three``); None for any other."""
    table = CARDINAL_WORDS.get(_base(lang), {})
    return table.get(int(value)) if float(value).is_integer() else None


# ------------------------------------------------------------------ weekdays

_WEEKDAYS = {
    "fr": {"lundi": 1, "mardi": 2, "mercredi": 3, "jeudi": 4, "vendredi": 5, "samedi": 6, "dimanche": 7},
    "en": {"Monday": 1, "Tuesday": 2, "Wednesday": 3, "Thursday": 4, "Friday": 5, "Saturday": 6, "Sunday": 7},
}
#: Day names by language -> 1 (Monday) to 7 (Sunday), as ISO 8601 numbers them.
WEEKDAYS = _WEEKDAYS
# French day names in any case; English ones Capitalised or in CAPITALS (as month names).
_WEEKDAY_RE = {
    "fr": re.compile(r"\b(?i:(" + "|".join(_WEEKDAYS["fr"]) + r"))\b"),
    "en": re.compile(r"\b(" + "|".join([*_WEEKDAYS["en"], *(d.upper() for d in _WEEKDAYS["en"])]) + r")\b"),
}


def weekday_placeables(text: str, lang: str) -> list[Placeable]:
    """Day names (``lundi``, ``Monday``) as placeables: value 1 (Monday) to 7, key ``w:N``."""
    base = lang.split("-")[0].lower()
    pattern = _WEEKDAY_RE.get(base)
    if pattern is None:
        return []
    table = {k.lower(): v for k, v in _WEEKDAYS[base].items()}
    return [Placeable("weekday", m.start(), m.end(), m.group(), table[m.group().lower()],
                      frozenset({f"w:{table[m.group().lower()]}"}), f"w:{table[m.group().lower()]}")
            for m in pattern.finditer(text)]
