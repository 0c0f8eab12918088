"""Words and phrases written twice in a row: "the the", "de la de la", "in Geneva in Geneva".

Only letters count as words (``1 000 000`` is a number, not a repetition), and only
whitespace may stand between the two copies (``Paris, Paris`` and ``vous, vous`` are
a choice of style). Repetitions that the grammar makes are allowed: French reflexive
``nous nous``, ``vous vous``; English ``had had``, ``that that``, ``is is``. Two
capitalised copies of a word that is not a function word are a name (``Bora Bora``,
``Pago Pago``). The target is checked, and the source too when it is French (as the
typography family does: the French side whichever its role).
"""

from __future__ import annotations

import re
from operator import eq

from bilingual_pr.qa.model import Family, Finding, Segment, Span, finding
from bilingual_pr.qa.untranslated import function_words

# A word, then up to three more (a phrase), then whitespace and the same again. The copies
# are compared case-insensitively ("The the"); letters only, hyphens and apostrophes inside.
_W = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"
_SPACE = "[ \t\n\r\u00a0\u202f\u2009]+"
_REPEAT = re.compile(r"(?<![\w'’-])(" + _W + "(?:" + _SPACE + _W + r"){0,3})" + _SPACE + r"\1(?![\w'’-])",
                     re.IGNORECASE)

#: Words whose doubling the grammar or usage allows, by language: reflexives, pronouns and tense
#: ("nous nous", "en en parlant", "had had", "tell you you should"), emphasis ("très très", "very very"), idioms and interjections ("à qui mieux mieux",
#: "oh là là", "great great-grandfather", "hear hear").
GRAMMATICAL: dict[str, frozenset[str]] = {
    "fr": frozenset({"nous", "vous", "en", "faire", "très", "mieux", "là", "ah", "ha", "oh", "bling"}),
    "en": frozenset({"had", "that", "is", "you", "very", "much", "great", "hear", "ah", "ha", "oh", "là", "bling"}),
}
# "peu à peu à changer", "de plus en plus en", "and more and more": an idiom "X à X" next to its
# linking word reads as a two-word phrase written twice.
_IDIOM_LINK = {"fr": frozenset({"à", "après", "en", "et", "pour"}),
               "en": frozenset({"by", "to", "after", "for", "and", "or"})}
# "aux côtés de de Klerk": a name's particle after the preposition.
_PARTICLES = frozenset({"de", "du", "van", "von", "da", "di"})


def _allowed(first: str, second: str, lang: str, after: str) -> bool:
    words = first.split()
    if len(words) == 2 and (words[0].lower() in _IDIOM_LINK.get(lang, frozenset())
                            or words[1].lower() in _IDIOM_LINK.get(lang, frozenset())):
        return True
    if len(words) == 1 and first.lower() in _PARTICLES and after.lstrip()[:1].isupper():
        return True
    if len(words) == 1:
        low = first.lower()
        if low in GRAMMATICAL.get(lang, frozenset()):
            return True
        # Two title-case copies of a content word: a name (Bora Bora); "The The", "UN UN" and
        # "L'ONU L'ONU" are still slips.
        if (first.istitle() and second.istitle() and len(first) > 1 and "'" not in first and "’" not in first
                and low not in function_words(lang)):
            return True
    return False


# Marks that end a word for the cheap probe below (a word next to one of them is never a copy):
# ASCII ones through a bytes table (str.translate with a dict costs ~10 us a sentence), quotes replaced.
_PROBE = bytes.maketrans(b',;:.!?()[]{}"/', b" " * 14)
_PROBE_OTHER = "«»“”„\u00a0\u202f\u2009"  # quotes, and the spaces of _SPACE that bytes.split does not split on


def _maybe_repeated(text: str) -> bool:
    """False only when no word or phrase of up to four words can be twice in a row (C-speed probe)."""
    low = text.lower()
    if not low.isascii():
        for c in _PROBE_OTHER:
            if c in low:
                low = low.replace(c, " ")
    words = low.encode().translate(_PROBE).split()
    if True in map(eq, words, words[1:]):
        return True
    # A phrase of n words twice: n words in a row each equal to the word n places on (the flags as
    # bytes, so that the search for n ones in a row runs in C too).
    for n in (2, 3, 4):
        if b"\x01" * n in bytes(map(eq, words, words[n:])):
            return True
    return False


def repeats(text: str, lang: str) -> list[tuple[str, Span]]:
    """(the repeated word or phrase, span of both copies) for each repetition of ``text``."""
    if not _maybe_repeated(text):
        return []  # the regex with its back-reference costs ~100 us a sentence; most have nothing
    out = []
    for m in _REPEAT.finditer(text):
        first = m.group(1)
        second = text[m.end() - len(first):m.end()]
        if not _allowed(first, second, lang, text[m.end():m.end() + 3]):
            out.append((first, m.span()))
    return out


def _side(seg: Segment, text: str, lang: str, side: str) -> Finding | None:
    found = repeats(text, lang)
    if not found:
        return None
    shown = ", ".join(f"“{w} {w}”" for w, _ in found)
    spans = tuple(sp for _, sp in found)
    where = "target" if side == "target" else "French source"
    return finding("repeated-word", f"Written twice in a row in the {where}: {shown}.", seg.index,
                   spans if side == "source" else (), spans if side == "target" else ())


def check_repetition(seg: Segment) -> list[Finding]:
    """Doubled words and phrases in the target, and in the source when it is French."""
    out = []
    hit = _side(seg, seg.target, seg.target_lang, "target") if seg.target else None
    if hit is not None:
        out.append(hit)
    if seg.source_lang == "fr" and seg.target_lang != "fr" and seg.source:
        hit = _side(seg, seg.source, "fr", "source")
        if hit is not None:
            out.append(hit)
    return out


FAMILY = Family(
    "repetition",
    checks={
        "repeated-word": ("warning", "A word or phrase written twice in a row (grammatical doublings such as "
                                     "“nous nous” and “had had” allowed)."),
    },
    unit=lambda setup: check_repetition,
)
