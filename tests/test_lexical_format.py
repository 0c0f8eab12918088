"""Writing numbers, dates and times in French and English: the inverses of lexical's readers."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bilingual_pr.lexical import months, placeables
from bilingual_pr.lexical.wordforms import inflect_scale_word, scale_word, weekday_placeables
from bilingual_pr.lexical.writing import (day_of_month, format_date, format_number, format_time, month_name,
                                          number_style, time_style, weekday_name)


@pytest.mark.parametrize(("value", "lang", "kw", "expected"), [
    (1200, "en", {}, "1,200"),
    (1200, "fr", {}, "1\u00a0200"),
    (1200, "fr", {"group": "\u202f"}, "1\u202f200"),
    (2.5, "fr", {}, "2,5"),
    (12.5, "en", {}, "12.5"),
    (2026, "en", {"group": False}, "2026"),
    (1234567.891, "en", {"decimals": 2}, "1,234,567.89"),
    (4.5, "fr", {"decimals": 2}, "4,50"),
    (950, "en", {}, "950"),
    (3, "en", {"ordinal": True}, "3rd"),
    (11, "en", {"ordinal": True}, "11th"),
    (22, "en", {"ordinal": True}, "22nd"),
    (1, "fr", {"ordinal": True}, "1er"),
    (72, "fr", {"ordinal": True}, "72e"),
])
def test_format_number_follows_each_language(value, lang, kw, expected):
    assert format_number(value, lang, **kw) == expected


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99),
       st.sampled_from(["fr", "en"]), st.booleans())
def test_a_written_number_reads_back_as_itself(whole, cents, lang, with_cents):
    value = whole + cents / 100 if with_cents else whole
    text = format_number(value, lang, decimals=2 if with_cents else 0)
    read = placeables(f"Il y a {text} cas." if lang == "fr" else f"There are {text} cases.", lang)
    assert [p.value for p in read if p.kind == "number"] == [pytest.approx(value)]


@given(st.integers(min_value=0, max_value=24 * 60 - 1), st.sampled_from(
    [("fr", None), ("fr", "15 h 30"), ("fr", "15h"), ("fr", "15 heures"), ("en", None), ("en", "10:30"),
     ("en", "3pm"), ("en", "3.30 p.m.")]))
def test_a_written_time_reads_back_as_itself(minutes, case):
    lang, like = case
    text = format_time(minutes, lang, style=time_style(like, lang) if like else None)
    read = [p for p in placeables(f"à {text} ici" if lang == "fr" else f"at {text} here", lang) if p.kind == "time"]
    assert len(read) == 1 and read[0].value == minutes, text


@pytest.mark.parametrize(("minutes", "lang", "like", "expected"), [
    (900, "en", None, "3 p.m."),
    (630, "en", None, "10.30 a.m."),
    (900, "fr", None, "15\u00a0heures"),
    (930, "fr", "15 heures", "15 h 30"),
    (600, "fr", "15 h 30", "10 h"),
    (930, "fr", "15h", "15h30"),
    (930, "en", "15:00", "15:30"),
    (570, "en", "3 PM", "9.30 AM"),
    (720, "en", "3 p.m.", "12 p.m."),
])
def test_format_time_keeps_the_style_of_an_example(minutes, lang, like, expected):
    assert format_time(minutes, lang, style=time_style(like, lang) if like else None) == expected


def test_format_date_in_both_languages():
    d = datetime.date(2016, 10, 3)
    assert format_date(d, "fr") == "3 octobre 2016"
    assert format_date(d, "en") == "3 October 2016"
    assert format_date(d, "en", order="mdy") == "October 3, 2016"
    assert format_date(d, "fr", weekday=True) == "lundi 3 octobre 2016"
    assert format_date(d, "en", weekday=True) == "Monday, 3 October 2016"
    assert format_date(datetime.date(2026, 10, 1), "fr") == "1er octobre 2026"
    assert format_date(datetime.date(2026, 10, 1), "en") == "1 October 2026"
    assert [v for v, _ in months(format_date(datetime.date(2026, 2, 14), "fr"), "fr")] == [2]
    assert day_of_month(1, "fr") == "1er" and day_of_month(1, "en", ordinal=True) == "1st"
    assert month_name(2, "fr") == "février" and month_name(8, "fr") == "août" and month_name(5, "en") == "May"
    assert weekday_name(7, "fr") == "dimanche" and weekday_name(3, "en") == "Wednesday"


def test_number_style_reads_grouping_decimals_and_ordinals():
    assert number_style("1\u00a0200", "fr").group == "\u00a0"
    assert number_style("1,200.50", "en") == number_style("1,200.50", "en").__class__(",", 2, False)
    assert number_style("2026", "en").group is None
    assert number_style("72e", "fr").ordinal and number_style("3rd", "en").ordinal


def test_weekdays_and_scale_words():
    days = weekday_placeables("Le lundi 3 et le Mardi 4, pas lundis.", "fr")
    assert [(p.text, p.value, p.key) for p in days] == [("lundi", 1, "w:1"), ("Mardi", 2, "w:2")]
    # English day names are capitalised; "monday" in lower case is not read (as month names).
    assert [p.value for p in weekday_placeables("on Monday, not monday", "en")] == [1]
    text = "soit 2,5 millions de francs"
    assert scale_word(text, text.index(" millions"), "fr") == (text.index(" de"), 10**6)
    assert scale_word("2 billions", 1, "fr")[1] == 10**12 and scale_word("2 billion", 1, "en")[1] == 10**9
    assert inflect_scale_word(" millions", 1.5, "fr") == " million"
    assert inflect_scale_word(" milliard", 2.1, "fr") == " milliards"
    assert inflect_scale_word(" mille", 3, "fr") == " mille"
    assert inflect_scale_word(" million", 3, "en") == " million"


def test_small_cardinals_as_words():
    from bilingual_pr.lexical.wordforms import cardinal_words, number_word

    found = cardinal_words("Trois experts, une session, dix-sept États, vingt-deux fois, le second.", "fr")
    assert [(p.text, p.value) for p in found] == [("Trois", 3), ("dix-sept", 17)]
    assert [p.value for p in cardinal_words("Three experts, one session, the second, twelve", "en")] == [3, 12]
    assert number_word(4, "en") == "four" and number_word(18, "fr") == "dix-huit"
    assert number_word(1, "fr") is None and number_word(21, "en") is None and number_word(2.5, "en") is None
