"""Writing numbers, dates and times as French and English UN texts do: the inverses of the lexical readers.

What :func:`format_number`, :func:`format_date` and :func:`format_time` write,
:func:`bilingual_pr.lexical.placeables` reads back as the same value in the same language
(tests/test_lexical_format.py); the TM's placeable repair uses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# The readers' tables, shared within the package: one home for each language's forms.
from bilingual_pr.lexical import _MONTHS, _NUMBER, _base
from bilingual_pr.lexical.wordforms import _WEEKDAYS

# ------------------------------------------------------------------ writing numbers, dates and times
#
# The writers are the parsers' inverses: what format_number, format_date and format_time write,
# placeables() reads back as the same value in the same language (tests/test_lexical_format.py).

_GROUP = {"fr": "\u00a0", "en": ","}  # UN French groups thousands with a no-break space
_DECIMAL = {"fr": ",", "en": "."}
_ORDINAL_TEXT = re.compile(r"(\d)(er|re|ère|ème|eme|e|nd|st|rd|th|d)$")


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """How one number is written: its thousands separator (None: not grouped), decimals, ordinal suffix."""

    group: str | None
    decimals: int
    ordinal: bool


def number_style(text: str, lang: str | None) -> NumberStyle:
    """Read how a number placeable's text is written (``1 200`` -> group no-break space, 0 decimals)."""
    base = _base(lang)
    text = text.strip()
    ordinal = bool(_ORDINAL_TEXT.search(text))
    if ordinal:
        text = _ORDINAL_TEXT.sub(r"\1", text)
    pattern = _NUMBER.get(base, _NUMBER["en"]) if lang else _NUMBER[None]
    m = pattern.match(text)
    if m is None:
        return NumberStyle(None, 0, ordinal)
    int_part, frac = m.group(1), m.group(2)
    group = next((c for c in int_part if not c.isdigit()), None)
    return NumberStyle(group, len(frac) if frac else 0, ordinal)


def _ordinal_suffix(value: int, lang: str) -> str:
    if lang == "fr":
        return "er" if value == 1 else "e"
    if value % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")


def format_number(value: float | int | Decimal, lang: str, *, decimals: int | None = None,
                  group: bool | str | None = None, ordinal: bool = False) -> str:
    """A number written in ``lang``'s convention: ``1,200.5`` in English, ``1 200,5`` (no-break space) in French.

    ``decimals``: digits after the decimal mark (None: as many as the value needs); ``group``: True
    for the language's thousands separator, a string for that separator, False for none, None for
    grouping from 1,000 up; ``ordinal``: ``1st``/``1er``, ``2nd``/``2e`` (whole numbers only).
    """
    base = _base(lang)
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)) if isinstance(value, float)
                                                                else int(value))
    if decimals is None:
        number = number.normalize() if number != number.to_integral_value() else number.to_integral_value()
        text = format(number, "f")
    else:
        text = format(number.quantize(Decimal(1).scaleb(-decimals)), "f")
    sign = "-" if text.startswith("-") else ""
    int_part, _, frac = text.lstrip("-").partition(".")
    if group is None:
        group = abs(number) >= 1000
    sep = _GROUP.get(base, ",") if group is True else (group or "")
    if sep and len(int_part) > 3:
        head = len(int_part) % 3 or 3
        int_part = int_part[:head] + "".join(sep + int_part[i:i + 3] for i in range(head, len(int_part), 3))
    out = sign + int_part + (_DECIMAL.get(base, ".") + frac if frac else "")
    if ordinal and not frac:
        out += _ordinal_suffix(int(number), base)
    return out


def month_name(month: int, lang: str) -> str:
    """The month's name: ``octobre`` in French, ``October`` in English (1-12)."""
    table = _MONTHS[_base(lang) if _base(lang) in _MONTHS else "en"]
    return next(name for name, v in table.items() if v == month and not name.endswith(".") and not name.isupper()
                and name.lower() not in ("fevrier", "aout", "decembre"))


def weekday_name(day: int, lang: str) -> str:
    """The day's name, 1 (Monday) to 7: ``lundi`` in French, ``Monday`` in English."""
    table = _WEEKDAYS[_base(lang) if _base(lang) in _WEEKDAYS else "en"]
    return next(name for name, v in table.items() if v == day)


def day_of_month(day: int, lang: str, *, ordinal: bool = False) -> str:
    """The day of a date: French writes the first ``1er`` (``1er octobre``), English ``1`` (``1st`` if ordinal)."""
    base = _base(lang)
    if base == "fr":
        return "1er" if day == 1 else str(day)
    return format_number(day, base, ordinal=ordinal)


def format_date(value: Any, lang: str, *, weekday: bool = False, order: str = "dmy") -> str:
    """A date (``datetime.date``) in ``lang``: ``3 octobre 2016``, ``1er octobre``, ``3 October 2016``.

    ``weekday`` names the day first (``lundi 3 octobre 2016``, ``Monday, 3 October 2016``);
    ``order="mdy"`` writes the American ``October 3, 2016`` (English only; French is always day first).
    """
    base = _base(lang)
    day = day_of_month(value.day, base)
    month = month_name(value.month, base)
    if base == "en" and order == "mdy":
        text = f"{month} {day}, {value.year}"
    else:
        text = f"{day} {month} {value.year}"
    if weekday:
        name = weekday_name(value.isoweekday(), base)
        text = f"{name} {text}" if base == "fr" else f"{name}, {text}"
    return text


@dataclass(frozen=True, slots=True)
class TimeStyle:
    """How a clock time is written, read from an example by :func:`time_style`.

    ``clock``: 24-hour digits with a colon (``15:00``; ``pad``: hours on two digits). French:
    ``hour`` follows a whole hour (`` heures``, `` h``, ``h``) and ``minutes`` stands between hours
    and minutes (`` h ``, ``h``). English: ``minutes`` is ``.`` or ``:``, ``hour`` the space before
    the marker, ``marker`` the morning marker as spelled (``a.m.``, ``am``, ``AM``).
    """

    clock: bool
    minutes: str
    hour: str
    marker: str = ""
    pad: bool = True


_DEFAULT_TIME = {"fr": TimeStyle(False, "\u00a0h\u00a0", "\u00a0heures"), "en": TimeStyle(False, ".", " ", "a.m.")}
_FR_TIME_TEXT = re.compile(r"\d{1,2}([ \u00a0]?)(h(?:eures?)?)(?:([ \u00a0]?)\d{2})?")
_EN_TIME_TEXT = re.compile(r"\d{1,2}(?:([.:])\d{2})?([ \u00a0]?)([ap]\.?[ \u00a0]?m\.?)", re.I)


def time_style(text: str, lang: str) -> TimeStyle:
    """Read how a time placeable's text is written (``3.30 p.m.``, ``15 h 30``, ``15:00``)."""
    base = _base(lang)
    default = _DEFAULT_TIME.get(base, _DEFAULT_TIME["en"])
    text = text.strip()
    if re.fullmatch(r"\d{1,2}:\d{2}", text):
        return TimeStyle(True, ":", "", "", pad=text.index(":") == 2)
    if base == "fr":
        m = _FR_TIME_TEXT.fullmatch(text)
        if m is None:
            return default
        space, word = m.group(1), m.group(2)
        if word == "h":
            after = m.group(3) if m.group(3) is not None else space
            return TimeStyle(False, space + "h" + after, space + "h")
        # "15 heures" with minutes is written "15 h 30" (UN French).
        return TimeStyle(False, space + "h" + space, space + "heures")
    m = _EN_TIME_TEXT.fullmatch(text)
    if m is None:
        return default
    return TimeStyle(False, m.group(1) or default.minutes, m.group(2),
                     m.group(3).replace("p", "a").replace("P", "A"))


def format_time(minutes: int, lang: str, *, style: TimeStyle | None = None) -> str:
    """A clock time (minutes since midnight) in ``lang``: ``15 heures``/``15 h 30``, ``3 p.m.``/``3.30 p.m.``.

    ``style`` (from :func:`time_style`) writes it as another time of the same text was written.
    """
    base = _base(lang)
    style = style or _DEFAULT_TIME.get(base, _DEFAULT_TIME["en"])
    hour, minute = divmod(minutes % (24 * 60), 60)
    if style.clock:
        return f"{hour:02d}:{minute:02d}" if style.pad else f"{hour}:{minute:02d}"
    if base == "fr":
        return f"{hour}{style.minutes}{minute:02d}" if minute else f"{hour}{style.hour}"
    marker = style.marker or "a.m."
    if hour >= 12:
        marker = marker.replace("a", "p").replace("A", "P")
    shown = hour % 12 or 12
    return f"{shown}{style.minutes}{minute:02d}{style.hour}{marker}" if minute else f"{shown}{style.hour}{marker}"
