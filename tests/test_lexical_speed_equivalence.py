"""The fast paths taken for speed (issue 18) give exactly what the plain code gave."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.align import anchors
from bilingual_pr.lexical import _PRE_FOLD, fold

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
    # extract_anchors with the plain loops: every word, every name folded anew.
    saved = anchors._fold_word
    anchors._fold_word = fold
    try:
        return anchors.extract_anchors(text, None, lang)
    finally:
        anchors._fold_word = saved


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
        assert list(anchors.extract_anchors(text, None, lang).items()) == list(_plain_anchors(text, lang).items())
