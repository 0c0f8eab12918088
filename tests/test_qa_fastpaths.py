"""Cheap pre-tests of the QA checks agree with the slower definitions they stand in for."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.qa.numbers import _MONTH_WORD_RE, _MONTH_WORDS, URL, _has_month_word, url_spans

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
