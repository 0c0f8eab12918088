"""The fast paths taken for speed (issue 18) give exactly what the plain code gave."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.align import anchors
from bilingual_pr.lexical import _PRE_FOLD, fold, placeables

_COMBINING = re.compile("[" + "".join(re.escape(chr(c)) for c in range(0x300, 0x10000)
                                      if unicodedata.combining(chr(c))) + "]")


def _plain_fold(text: str) -> str:
    # fold as it was before its fast path: str.translate on every text.
    if text.isascii():
        return text.translate(_PRE_FOLD).casefold()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_PRE_FOLD))).casefold()


_TRICKY = "aeE '`’‘ʼ′´＇-‐‑‒–—﹣－œŒæÆéÉàçÇßﬁ ̈ 0123456789"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(), max_size=40))
def test_fold_equals_the_plain_fold(text: str) -> None:
    assert fold(text) == _plain_fold(text)


def test_fold_keeps_the_ligatures_apostrophes_and_accents_rule() -> None:
    assert fold("L’Œuvre d`Ætna à Genève") == "l'oeuvre d'aetna a geneve"
    assert fold("Rock`n roll") == "rock'n roll"


def _plain_anchors(text: str, lang: str) -> dict[str, float]:
    # extract_anchors as it was: plain loops, setdefault and assignment word by word.
    keys: dict[str, float] = {}
    rest = text
    found = placeables(text, lang)
    for p in found:
        keys[p.key] = anchors._PLACEABLE_WEIGHT[p.kind]
    for p in found:
        if p.kind != "number":
            rest = rest[:p.start] + " " * (p.end - p.start) + rest[p.end:]
    if anchors._QUOTES.search(rest):
        keys["q:"] = anchors.W_QUOTE
    shouting = rest == rest.upper() and len(rest) > 12
    words = anchors._WORD.findall(fold(rest))
    for w in words:
        if len(w) >= 4 and w not in anchors._STOP:
            keys.setdefault("c:" + w[:4], anchors.W_COGNATE)
    for w in sorted(anchors._MONTHS.keys() & set(words)):
        keys[f"m:{anchors._MONTHS[w]}"] = anchors.W_MONTH
    if not shouting:
        for word in anchors._NAME.findall(rest):
            f = fold(word)
            if len(f) >= 4 and f not in anchors._STOP and f not in anchors._MONTHS:
                keys["c:" + f[:4]] = anchors.W_NAME
        for word in anchors._ACRONYM.findall(rest):
            keys["a:" + "".join(sorted(set(word.lower())))] = anchors.W_ACRONYM
    return keys


_SENTENCES = [
    ("Le Conseil des droits de l’homme (CDH) a adopté le 12 mars 2024 une résolution, "
     "résolution que le Conseil avait préparée à Genève.", "fr"),
    ("The Human Rights Council (HRC) adopted on 12 March 2024 a resolution that the Council "
     "had prepared in Geneva, Geneva being its seat.", "en"),
    ("COMMUNIQUÉ DE PRESSE DE L’OFFICE DES NATIONS UNIES À GENÈVE", "fr"),
    ("See https://www.ungeneva.org and document A/HRC/55/L.12 at 3 p.m.; CERN and CERN again.", "en"),
]


def test_extract_anchors_same_keys_in_the_same_order() -> None:
    for text, lang in _SENTENCES:
        got, plain = anchors.extract_anchors(text, None, lang), _plain_anchors(text, lang)
        assert [k for k in got.items() if not k[0].startswith("m:")] == \
            [k for k in plain.items() if not k[0].startswith("m:")]
        assert got == plain


def test_placeables_read_once_are_handed_out_as_fresh_lists() -> None:
    text = "Le 12 mars 2024 à 15 h 30, 2,5 millions de francs (A/HRC/55/L.12, www.ungeneva.org)."
    first = placeables(text, "fr")
    first.clear()  # a caller that changes its list changes no one else's
    again = placeables(text, "fr")
    assert [p.kind for p in again] == ["number", "number", "time", "number", "symbol", "url"]
    assert again is not placeables(text, "fr") and again == placeables(text, "fr")
    assert placeables(text, "fr", [(3, 5)])[0].value == 2024  # the skipped spans are part of the key


_WORDS = st.sampled_from(["Genève", "Geneva", "CERN", "ONUG", "UNOG", "Conseil", "Council", "mars", "March",
                          "pour", "with", "12", "2024", "«", "»", "l’ONU", "Nations", "unies", "United", "conseil",
                          "Secrétaire", "général", "15 h 30", "3 p.m.", "A/HRC/55/L.12", "www.ungeneva.org", "-",
                          "Mars", "ACRONYM", "Council's", "COUNCIL", "(OMS)", "Organisation"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=25), st.sampled_from(["fr", "en"]))
def test_extract_anchors_same_keys_as_the_plain_loops(words: list[str], lang: str) -> None:
    text = " ".join(words)
    got = anchors.extract_anchors(text, None, lang)
    # Month keys come from a set (hash order, already so before): compare them as a set, the rest in order.
    plain = _plain_anchors(text, lang)
    assert [k for k in got.items() if not k[0].startswith("m:")] == \
        [k for k in plain.items() if not k[0].startswith("m:")]
    assert got == plain


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_words_are_the_unicode_words_of_a_folded_ascii_text(text: str) -> None:
    low = fold(text)
    assert anchors._ASCII_WORD.findall(low) == anchors._WORD.findall(low)
