"""Cheap pre-tests of the QA checks agree with the slower definitions they stand in for."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# Private on purpose: each fast path is compared with the slower private definition it stands in for.
from bilingual_pr.lexical import _MONTH_WORD_RE, _MONTH_WORDS, URL, _has_month_word, url_spans

_LETTER_RUNS = re.compile(r"[^\W\d_]+").findall
WORDS = ["mai", "Mai", "MAI", "mars", "août", "aout", "décembre", "May", "March", "JUNE", "Sept", "Jan", "maison",
         "remai", "2mai", "mai2", "x", "www.", "http://", "a@b.org", "-", " ", "’", "²", "_", "é"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8).map("".join))
def test_month_probe_is_a_whole_letter_run(text: str) -> None:
    for lang in ("fr", "en"):
        probe_text = text.lower() if lang == "fr" else text
        expected = not _MONTH_WORDS[lang].isdisjoint(_LETTER_RUNS(probe_text))
        assert _has_month_word(_MONTH_WORD_RE[lang], probe_text) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["example", ".", "com", "/"]), max_size=10).map("".join))
def test_url_shortcut_finds_the_same_spans(text: str) -> None:
    assert url_spans(text) == [m.span() for m in URL.finditer(text)]


# --- numbers: digit-first regexes, month candidates, number-word candidates -----------------------

from bilingual_pr import lexical as qa_numbers  # noqa: E402

_NB = "\u00a0\u202f"
# The look-behind-first patterns the digit-first ones in qa/numbers.py replace, as they were.
_OLD_PATTERNS = {
    "number-fr": re.compile(r"(?<![\w.,\d])(\d{1,3}(?:[ " + _NB + r"'’]\d{3})+(?!\d)|\d{1,3}(?:\.\d{3})+(?!\d)|\d+)"
                            r"(?:[,.](\d+))?"),
    "number-en": re.compile(r"(?<![\w.,\d])(\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:[ " + _NB + r"'’]\d{3})+(?!\d)|\d+)"
                            r"(?:\.(\d+))?"),
    "time-fr": re.compile(r"(?<![\w.,])(\d{1,2})[ " + _NB + r"]?h(?:eures?)?(?:[ " + _NB + r"]?(\d{2}))?(?!\w)"),
    "time-en": re.compile(r"(?<![\w.,])(\d{1,2})(?:[.:](\d{2}))?[ " + _NB + r"]?([ap])\.?[ " + _NB + r"]?m\b\.?",
                          re.I),
    "clock": re.compile(r"(?<![\w.,])(\d{1,2}):(\d{2})(?!\d)"),
    "symbol": re.compile(r"(?<![\w/])[A-Z][A-Z0-9]{0,9}(?:\.\d+)?(?:/[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*)+"),
}
_NEW_PATTERNS = {
    "number-fr": qa_numbers._NUMBER["fr"], "number-en": qa_numbers._NUMBER["en"],
    "time-fr": qa_numbers._TIME["fr"], "time-en": qa_numbers._TIME["en"], "clock": qa_numbers._CLOCK,
    "symbol": qa_numbers.SYMBOL,
}
# Digits of several scripts (Arabic-Indic, Devanagari, full-width), every separator the patterns
# read, letters before and after a number, the time and scale words.
NUMBER_PIECES = ["1", "12", "123", "2011", "1000", "0", "٣", "१२", "５", " ", _NB[0], _NB[1], ",", ".", "'", "’",
                 ":", "h", "heures", "a.m.", "p.m.", "PM", "am", "x", "é", "_", "/", "A", "HRC", "E/CN.4", "-",
                 "000", " 000", ",000", ".000", "er", "e", "th", "million", "a"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(NUMBER_PIECES), max_size=12).map("".join))
def test_digit_first_patterns_match_as_the_look_behind_ones(text: str) -> None:
    for name, old in _OLD_PATTERNS.items():
        new = _NEW_PATTERNS[name]
        assert [(m.span(), m.groups()) for m in new.finditer(text)] == \
               [(m.span(), m.groups()) for m in old.finditer(text)], name


MONTH_PIECES = ["23 ", "1er ", "1er\u00a0", "2nd ", "3rd of ", "4th ", "2011", " 2011", "\u00a02011", "mai", "Mai",
                "MAI", "mars", "Août", "aout", "DÉCEMBRE", "May", "MAY", "may", "Sept.", "Sept", "Jan.", "March",
                "November", "NOVEMBER", "maison", " ", ".", "x", "é", "1", "12th", "ſ", "marſ", "\u212a", "K"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(MONTH_PIECES), max_size=10).map("".join))
def test_month_candidates_find_what_finditer_finds(text: str) -> None:
    for lang in ("fr", "en"):
        expected = [(m.span(), m.groups()) for m in qa_numbers._MONTH_RE[lang].finditer(text)]
        assert [(m.span(), m.groups()) for m in qa_numbers._month_matches(text, lang)] == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MONTH_PIECES), max_size=10).map("".join))
def test_months_without_a_digit_are_none(text: str) -> None:
    text = re.sub(r"\d", "", text)
    for lang in ("fr", "en"):
        assert qa_numbers.months(text, lang) == []
        assert list(qa_numbers._MONTH_RE[lang].finditer(text)) == []


WORD_PIECES = ["un", "octante", "Quatre", "une", "Un", "UNE", "deux", "Deux", "trois", "vingt", "quatre-vingt", "quatre-vingts", "dix-sept",
               "et", "ET", " et ", "-", " ", "  ", "aucun", "commune", "unième", "onze", "cent", "pourcentage",
               "one", "ONE", "someone", "twenty", "-five", "first", "both", "İ", "ſ", "x", "é", "1", "_", "’", ",",
               "thousands", "mille", "famille", "ſix", "ſept"]


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(WORD_PIECES), max_size=10).map("".join))
def test_word_candidates_give_the_tokens_of_the_full_scan(text: str) -> None:
    for lang in ("fr", "en"):
        assert qa_numbers.number_words(text, lang) == qa_numbers._word_tokens_scan(text, qa_numbers._WORDS[lang])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789٣१５ aé’x", max_size=12))
def test_has_digit_is_the_regex(text: str) -> None:
    assert qa_numbers.has_digit(text) == (re.search(r"\d", text) is not None)


# --- consistency keys and doubled spaces: "printable" means "no space but U+0020" ------------------

import sys  # noqa: E402

from bilingual_pr.qa import consistency as qa_consistency  # noqa: E402
from bilingual_pr.qa import spacing as qa_spacing  # noqa: E402


def test_every_space_but_the_ascii_one_is_unprintable() -> None:
    # The fast paths of loose_key and check_spacing rest on this.
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if c != " " and (c.isspace() or c in qa_spacing._SPACES):
            assert not c.isprintable(), hex(cp)


SPACE_PIECES = ["a", "B", "é", "’", "«", " ", "  ", "\u00a0", "\u202f", "\u2009", "\t", "\n", "\x1c", "\u3000",
                "\u2028", "ß", "İ", "Σ", "x.", "“"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(SPACE_PIECES), max_size=10).map("".join))
def test_loose_key_fast_path_is_split_join(text: str) -> None:
    folded = text
    for a, b in qa_consistency._FOLD_PAIRS:
        folded = folded.replace(a, b)
    assert qa_consistency.loose_key(text) == " ".join(folded.split()).casefold()


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(SPACE_PIECES), max_size=10).map("".join))
def test_double_space_fast_path_is_the_regex(text: str) -> None:
    from bilingual_pr.qa.model import Segment

    found = [f for f in qa_spacing.check_spacing(Segment(0, text, text)) if f.check == "double-space"]
    stripped = text.strip(qa_spacing._EDGE)
    lead = len(text) - len(text.lstrip(qa_spacing._EDGE))
    expected = [(a + lead, b + lead) for a, b in (m.span() for m in qa_spacing._DOUBLE.finditer(stripped))]
    assert (list(found[0].target_spans) if found else []) == expected


def test_segment_from_tuple_is_the_constructor() -> None:
    import dataclasses

    import pytest

    from bilingual_pr.qa.model import InlineCode, Segment, segment_from_tuple

    packed = (7, "Le 1er mai", "On 1 May", "fr", "en", "u7", "doc.tmx", (InlineCode("ph", "1", 3),), ())
    seg = segment_from_tuple(packed)
    assert seg == Segment(*packed) and hash(seg) == hash(Segment(*packed))
    assert tuple(getattr(seg, f.name) for f in dataclasses.fields(seg)) == packed
    with pytest.raises(dataclasses.FrozenInstanceError):
        seg.source = "x"  # type: ignore[misc]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([p for p in NUMBER_PIECES + MONTH_PIECES if not re.search(r"\d", p)]),
                max_size=12).map("".join))
def test_a_side_without_digits_has_no_number_token(text: str) -> None:
    # check_numbers skips number_tokens and months on such a side: the patterns would find nothing.
    for lang in ("fr", "en"):
        assert not list(qa_numbers._NUMBER[lang].finditer(text))
        assert not list(qa_numbers._TIME[lang].finditer(text))
        assert not list(qa_numbers._MONTH_RE[lang].finditer(text))
    assert not list(qa_numbers._CLOCK.finditer(text))


def test_digits_on_one_side_only() -> None:
    from bilingual_pr.qa.model import Segment

    def checks(src: str, tgt: str, src_lang: str = "fr", tgt_lang: str = "en") -> list[str]:
        from bilingual_pr.qa.numbers import check_numbers

        return [f.check for f in check_numbers(Segment(0, src, tgt, src_lang, tgt_lang))]

    assert checks("trois experts", "3 experts") == []
    assert checks("3 experts", "three experts") == []
    # The number is found as a word, but "November" with no digit beside it is no date: as before.
    assert checks("le 23 novembre", "on twenty-third November") == ["date-mismatch"]
    assert checks("Les experts", "3 experts") == ["number-mismatch"]
    assert checks("quatre-vingt-dix pays", "90 countries") == []
    assert checks("vingt et un pays", "21 countries") == []
    assert checks("٣ experts", "3 experts") == []
    assert checks("En MAI 2011", "In MAY 2011") == []
    assert checks("En MAI 2011", "In JUNE 2011") == ["date-mismatch"]
