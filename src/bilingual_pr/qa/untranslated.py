"""Targets left in the source language: copied text, or nothing at all."""

from __future__ import annotations

import re

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


def check_untranslated(seg: Segment) -> list[Finding]:
    """Flag an empty target, or a target identical to a source that is running text."""
    if not seg.target.strip():
        if seg.source.strip():
            return [finding("empty-target", "The target is empty.", seg.index, ((0, len(seg.source)),), ())]
        return []
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
    },
    unit=lambda setup: check_untranslated,
    # Everything else about a copied source is noise.
    silencing=frozenset({"untranslated"}),
)
