"""Targets left in the source language: copied text, or nothing at all."""

from __future__ import annotations

import re
from functools import partial

from bilingual_pr.qa.model import Family, Finding, Segment, finding

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Words that only running text has: a name ("Michelle Bachelet"), a code
# ("A/HRC/55/1") or a title ("Communication") has none of them.
_FUNCTION_WORDS = {
    "fr": frozenset("le la les des du de et est sont pour dans une un qui que sur avec par au aux ne pas il elle ils "
                    "nous vous ce cette ces son sa ses leur leurs a été être".split()),
    "en": frozenset("the of and is are to in for with on by that this was were be been it its has have not from "
                    "at as an".split()),
}
_SPACE = re.compile(r"\s+")


def function_words(lang: str) -> frozenset[str]:
    """The function words of a language that mark running text (empty for a language without a list)."""
    return _FUNCTION_WORDS.get(lang, frozenset())


def _loose(text: str) -> str:
    return _SPACE.sub(" ", text.replace("’", "'")).strip().casefold()


def is_running_text(text: str, lang: str) -> bool:
    """True when ``text`` reads as a sentence of ``lang``, not as a name, code or title."""
    words = [w.lower() for w in _WORD.findall(text)]
    lower = [w for w in _WORD.findall(text) if not w[:1].isupper()]
    fw = _FUNCTION_WORDS.get(lang, frozenset())
    return len(words) >= 3 and len(lower) >= 2 and any(w in fw for w in words)


def check_untranslated(seg: Segment, aligned: bool = False) -> list[Finding]:
    """Flag an empty target (a sentence with no counterpart in an alignment), or a target that copies the source."""
    if not seg.target.strip():
        if seg.source.strip():
            if aligned:
                return [finding("no-counterpart", "This source sentence has no counterpart in the target text.",
                                seg.index, ((0, len(seg.source)),), ())]
            return [finding("empty-target", "The target is empty.", seg.index, ((0, len(seg.source)),), ())]
        return []
    if not seg.source.strip():
        # A sentence of the target with nothing in the source: added, or its source sentence is elsewhere.
        return [finding("no-counterpart", "This target sentence has no counterpart in the source text.",
                        seg.index, (), ((0, len(seg.target)),))]
    if seg.source_lang == seg.target_lang:
        return []
    if len(seg.source) == len(seg.target) or abs(len(seg.source.strip()) - len(seg.target.strip())) < 4:
        if _loose(seg.source) == _loose(seg.target) and is_running_text(seg.source, seg.source_lang):
            return [finding("untranslated", "The target repeats the source text: it was not translated.",
                            seg.index, ((0, len(seg.source)),), ((0, len(seg.target)),))]
    return []


FAMILY = Family(
    "untranslated",
    checks={
        "untranslated": ("error", "The target is the source text left untranslated."),
        "empty-target": ("warning", "The target is empty."),
        "no-counterpart": ("info", "A sentence with no counterpart on the other side (a one-sided bead of an alignment)."),
    },
    unit=lambda setup: partial(check_untranslated, aligned=setup.aligned) if setup.aligned else check_untranslated,
    # Everything else about a copied source, or a unit with one side empty, is noise (one omitted
    # sentence is one finding, not a missing term and a missing number besides).
    silencing=frozenset({"untranslated", "empty-target", "no-counterpart"}),
)
