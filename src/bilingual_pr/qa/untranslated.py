"""Targets left in the source language: copied text, or nothing at all."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from bilingual_pr.qa.mixedlang import foreign_phrases, kept_by_glossary
from bilingual_pr.qa.model import CheckSetup, Family, Finding, Segment, UnitCheck, finding

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


def check_partly_untranslated(seg: Segment, kept: "KeptTerms | None" = None) -> list[Finding]:
    """Flag source-language phrases left inside a translated target (names, loans and glossary terms excepted)."""
    if not seg.source.strip() or not seg.target.strip() or seg.source_lang == seg.target_lang:
        return []
    phrases = foreign_phrases(seg.target, seg.source_lang, seg.target_lang, seg.source)
    if phrases and kept is not None:
        matches = kept.matcher(seg.target_lang)
        phrases = [p for p in phrases if not kept_by_glossary(p, seg.target, matches)]
    if not phrases:
        return []
    quoted = "; ".join(f"“{seg.target[p.start:p.end]}”" for p in phrases)
    return [finding("partly-untranslated", f"Left in the source language inside the translation: {quoted}.",
                    seg.index, (), tuple((p.start, p.end) for p in phrases))]


class KeptTerms:
    """The glossary's terms of each target language, matched to spare the names a target keeps (built once per run)."""

    def __init__(self, glossary: Any, matcher_factory: Any = None) -> None:
        self.glossary, self.matcher_factory = glossary, matcher_factory
        self._find: dict[str, Any] = {}

    def prepare(self, source_lang: str, target_lang: str) -> None:
        """Build the target language's matcher now (before worker processes fork)."""
        self.matcher(target_lang)

    def matcher(self, lang: str) -> Any:
        """The ``find`` of the glossary's matcher for ``lang``."""
        find = self._find.get(lang)
        if find is None:
            from bilingual_pr.qa.terms import default_matcher_factory  # noqa: PLC0415 - only with a glossary

            factory = self.matcher_factory or default_matcher_factory()
            find = self._find[lang] = factory(self.glossary, lang).find
        return find


def check_unit(seg: Segment, aligned: bool = False, kept: KeptTerms | None = None) -> list[Finding]:
    """The family's findings on one unit: the whole target untranslated or empty, else phrases left untranslated."""
    return check_untranslated(seg, aligned) or check_partly_untranslated(seg, kept)


def _unit_check(setup: CheckSetup) -> UnitCheck:
    kept = None if setup.glossary is None else setup.shared(
        "untranslated-kept", lambda: KeptTerms(setup.glossary, setup.matcher_factory))
    if not setup.aligned and kept is None:
        return check_unit
    return partial(check_unit, aligned=setup.aligned, kept=kept)


FAMILY = Family(
    "untranslated",
    checks={
        "untranslated": ("error", "The target is the source text left untranslated."),
        "empty-target": ("warning", "The target is empty."),
        "no-counterpart": ("info", "A sentence with no counterpart on the other side (a one-sided bead of an alignment)."),
        "partly-untranslated": ("warning", "Words or phrases of the source language left inside the translation."),
    },
    unit=_unit_check,
    # Everything else about a copied source, or a unit with one side empty, is noise (one omitted
    # sentence is one finding, not a missing term and a missing number besides).
    silencing=frozenset({"untranslated", "empty-target", "no-counterpart"}),
)
