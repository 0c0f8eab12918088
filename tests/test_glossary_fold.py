"""The fast folding paths of the matcher give exactly what the character-by-character definition gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

# Private on purpose: the fast folding paths are compared with their own per-character table, which is not public.
from bilingual_pr.glossary.matcher import _folder


def reference_fold(text: str) -> tuple[str, list[int]]:
    """Fold one character at a time, collapsing runs of spaces; the original index of each folded char."""
    slow = _folder().slow
    out: list[str] = []
    index: list[int] = []
    prev_space = False
    for i, c in enumerate(text):
        f = slow.get(c, c)
        if not f:
            continue
        if f == " ":
            if prev_space:
                continue
            prev_space = True
        else:
            prev_space = False
        out.append(f)
        index.extend([i] * len(f))
    return "".join(out), index


def check(text: str) -> None:
    folded, index = _folder().fold(text)
    want, want_index = reference_fold(text)
    assert folded == want
    assert (index if index is not None else list(range(len(text)))) == want_index


# Characters that take every path: ASCII, Latin-1 folding inside and outside Latin-1 (µ),
# expansions (ß, œ, ﬁ), deletions (soft hyphen, zero-width space), spaces of all kinds,
# apostrophes, combining accents, Greek, and characters beyond the table.
ALPHABET = ("aZ -'\t\n\x00éÉàçÿµßœŒæ\u00ad\u200b\u00a0\u202f\u2019\u2011\ufb01\u0301\u0327ΣςΆ\u2013€“”…"
            "\U0001d400ﬀＡ")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_fold_matches_the_definition(text: str) -> None:
    check(text)


def test_fold_known_texts() -> None:
    for text in ("Le Directeur général de l’ONUG", "les  États\u202fmembres", "Straße und Œuvre", "ﬁn\u00ad de µ-mesure",
                 "", " ", "  ", "a\u0301", "HL\u2011LHC  x", "tout en ASCII", "x\x00y"):
        check(text)


def test_no_multi_character_fold_contains_a_space() -> None:
    # The slow path collapses space runs on the expanded text; that is only exact under this condition.
    assert all(" " not in f for f in _folder().slow.values() if len(f) > 1)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_fold_matches_the_definition_on_any_text(text: str) -> None:
    check(text)
