"""Glossary checks: key terms carried over, forbidden and deprecated terms avoided.

Matching is the glossary module's :class:`TermMatcher` (inflection-aware).
Before reporting a key term as missing, a looser second look accepts any
inflected form of the approved term (plural, feminine, elision), so a
matcher that misses "États membres" for "État membre" does not make noise.
The concept renderings seen per document are also recorded here for the
"one concept, several terms" consistency check.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence

from bilingual_pr.language import base_language
from bilingual_pr.qa.model import CheckSetup, Family, Finding, Segment, Span, UnitCheck, finding
from bilingual_pr.lexical import ascii_fold, fold, loose_term_pattern, symbols, url_spans

if TYPE_CHECKING:
    from bilingual_pr.glossary import Term

_SHORT_TYPES = frozenset({"acronym", "abbreviation", "shortForm"})
_KEEP_UNITS = 20  # units remembered per (document, concept, term): enough to point at, bounded memory


class Matcher(Protocol):
    """What the checks need from a term matcher (glossary.TermMatcher has this shape)."""

    def find(self, text: str) -> Sequence[Any]: ...


def loosely_present(term: str, text: str) -> bool:
    """True when an inflected form of ``term`` occurs in ``text`` (case, accents and endings ignored)."""
    return loose_term_pattern(term).search(fold(text)) is not None


def _lang_terms(entry: Any, lang: str, approved: bool) -> list[Any]:
    wanted = {"preferred", "admitted"} if approved else {"deprecated", "forbidden"}
    terms = [t for t in entry.terms if base_language(t.lang) == lang and t.status in wanted]
    return sorted(terms, key=lambda t: ("preferred", "admitted", "deprecated", "forbidden").index(t.status))


_ASCII_RUN = re.compile(r"[a-z]{3,}")


def _prefilter(terms: list[str]) -> Callable[[str], bool]:
    """A cheap test that is true whenever one of ``terms`` may occur in a text (any case, accent or inflection).

    Each term, accents dropped and lower-cased, is reduced to its longest run
    of ASCII letters minus two final letters (room for -s, -es, -e, -aux
    endings), looked for with Aho-Corasick in the text reduced the same way. A
    term without a run of five letters makes the test always true.
    """
    if not terms:
        return lambda text: False
    import ahocorasick  # noqa: PLC0415 - pyahocorasick is a core dependency; imported where used

    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for term in terms:
        runs = _ASCII_RUN.findall(ascii_fold(term))
        best = max(runs, key=len, default="")
        if len(best) < 5:
            return lambda text: True
        auto.add_word(best[:-2], 0)
    auto.make_automaton()

    def maybe(text: str) -> bool:
        for _ in auto.iter(ascii_fold(text)):
            return True
        return False

    return maybe


def default_matcher_factory() -> Callable[[Any, str], Matcher]:
    """The glossary module's TermMatcher class (imported lazily)."""
    from bilingual_pr.glossary import TermMatcher  # noqa: PLC0415 - import only when a glossary is used

    return TermMatcher


class TermChecker:
    """Runs the glossary checks on units and remembers which term rendered which concept."""

    def __init__(self, glossary: Any, source_lang: str, target_lang: str,
                 matcher_factory: Callable[[Any, str], Matcher] | None = None) -> None:
        factory = matcher_factory or default_matcher_factory()
        self.source_lang, self.target_lang = source_lang, target_lang
        self._src = factory(glossary, source_lang)
        self._tgt = factory(glossary, target_lang)
        self._approved: dict[str, list[Any]] = {}
        rejected = []
        for entry in glossary.entries:
            self._approved[entry.id] = _lang_terms(entry, target_lang, True)
            rejected.extend(_lang_terms(entry, target_lang, False))
        self._rejected_filter = _prefilter([t.text for t in rejected])
        # (doc, entry id) -> {approved term text: [count, [(unit, start, end), ...]]}
        self.usage: dict[tuple[str | None, str], dict[str, list[Any]]] = {}

    def check(self, seg: Segment) -> list[Finding]:
        """Key terms missing, do-not-translate terms changed, forbidden/deprecated terms used."""
        src, tgt = seg.source, seg.target
        if not src or not tgt:
            return []
        s_matches = self._src.find(src)
        # The target needs the full matcher only to confirm source terms or when a rejected term may be there.
        if s_matches or self._rejected_filter(tgt):
            t_matches = self._tgt.find(tgt)
        else:
            t_matches = []
        if not s_matches and not t_matches:
            return []
        if "/" in src or "." in src:
            # "HRC" inside A/HRC/55/1 or a URL is part of a code, not a term to translate.
            codes = [sp for _, sp in symbols(src)] + url_spans(src)
            if codes:
                s_matches = [m for m in s_matches if not any(a <= m.start and m.end <= b for a, b in codes)]
        out: list[Finding] = []
        t_by_entry: dict[str, list[Any]] = {}
        for m in t_matches:
            t_by_entry.setdefault(m.entry.id, []).append(m)
        seen: set[str] = set()
        for m in s_matches:
            entry = m.entry
            if entry.id in seen:
                continue
            seen.add(entry.id)
            if entry.dnt:
                # Kept means found in the target by the matcher (an accent or case fix is not a translation).
                if m.surface not in tgt and not t_by_entry.get(entry.id):
                    out.append(finding("term-dnt", f"“{m.surface}” is a do-not-translate term: keep it as is in the target.",
                                       seg.index, ((m.start, m.end),), (), suggestion=m.surface))
                continue
            approved = self._approved.get(entry.id) or []
            if not approved:
                continue
            in_target = t_by_entry.get(entry.id, ())
            if any(t.term.status in ("forbidden", "deprecated") for t in in_target):
                continue  # reported below as forbidden/deprecated, with the approved term
            hits = [t for t in in_target if t.term.status in ("preferred", "admitted")]
            if hits:
                for h in hits:
                    self._record(seg, entry.id, h.term, (h.start, h.end))
                continue
            loose = next((a for a in approved if loosely_present(a.text, tgt)), None)
            if loose is not None:
                self._record(seg, entry.id, loose, None)
                continue
            names = " / ".join(f"“{a.text}”" for a in approved)
            out.append(finding("term-missing", f"Source term “{m.surface}” should be rendered as {names} in the target.",
                               seg.index, ((m.start, m.end),), (), suggestion=approved[0].text))
        for m in t_matches:
            status = m.term.status
            if status not in ("forbidden", "deprecated"):
                continue
            good = self._approved.get(m.entry.id) or []
            # The rejected term may be the end of a longer approved term found at the same place.
            if any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                   and o.term.status in ("preferred", "admitted") for o in t_matches):
                continue
            instead = " / ".join(f"“{a.text}”" for a in good) or "an approved term"
            check = "term-forbidden" if status == "forbidden" else "term-deprecated"
            s_spans = tuple((o.start, o.end) for o in s_matches if o.entry.id == m.entry.id)
            out.append(finding(check, f"“{m.surface}” is {status} in the glossary: use {instead}.",
                               seg.index, s_spans, ((m.start, m.end),), suggestion=good[0].text if good else None))
        return out

    def _record(self, seg: Segment, entry_id: str, term: Term, span: Span | None) -> None:
        if term.type in _SHORT_TYPES:
            return  # "HRC" after "Human Rights Council" is house style, not inconsistency
        slot = self.usage.setdefault((seg.doc, entry_id), {}).setdefault(term.text, [0, []])
        slot[0] += 1
        if len(slot[1]) < _KEEP_UNITS and (not slot[1] or slot[1][-1][0] != seg.index):
            slot[1].append((seg.index, span))

    def take_usage(self) -> "Usage":
        """The renderings recorded since the last call (and forget them)."""
        usage, self.usage = self.usage, {}
        return usage


Usage = dict[tuple[str | None, str], dict[str, list[Any]]]


def merge_usage(into: Usage, more: Usage, offset: int = 0) -> None:
    """Add renderings recorded elsewhere (another batch, another worker) into ``into``.

    ``offset`` is added to the unit numbers of ``more`` (a worker that numbered its piece from 0);
    only the units kept are shifted.
    """
    for key, renderings in more.items():
        mine = into.get(key)
        if mine is None:
            mine = into[key] = {}
        for term, (count, units) in renderings.items():
            slot = mine.get(term)
            if slot is None:
                slot = mine[term] = [0, []]
            slot[0] += count
            room = _KEEP_UNITS - len(slot[1])
            if room > 0:
                kept = units[:room]
                slot[1].extend([(unit + offset, span) for unit, span in kept] if offset else kept)


def concept_findings(usage: Usage) -> list[Finding]:
    """One finding per unit using a minority rendering of a concept within a document."""
    out = []
    for renderings in usage.values():
        if len(renderings) < 2:
            continue
        usual = max(renderings, key=lambda t: (renderings[t][0], -min(u for u, _ in renderings[t][1])))
        first_usual = min(u for u, _ in renderings[usual][1])
        for term, (_count, units) in renderings.items():
            if term == usual:
                continue
            for unit, span in units:
                msg = (f"“{term}” here, but this document mostly uses “{usual}” "
                       f"({renderings[usual][0]} times) for the same concept.")
                out.append(finding("inconsistent-term", msg, unit, (), (span,) if span else (),
                                   suggestion=usual, related=(first_usual,)))
    return out


class TermMatching:
    """The glossary checks of one run, a :class:`TermChecker` per language pair (shared by terms and consistency)."""

    def __init__(self, glossary: Any, matcher_factory: Callable[[Any, str], Matcher] | None) -> None:
        self.glossary, self.matcher_factory = glossary, matcher_factory
        self.checkers: dict[tuple[str, str], TermChecker] = {}

    def prepare(self, source_lang: str, target_lang: str) -> TermChecker:
        """The checker of a language pair, its matchers built now (before worker processes fork)."""
        checker = self.checkers.get((source_lang, target_lang))
        if checker is None:
            checker = self.checkers[(source_lang, target_lang)] = TermChecker(
                self.glossary, source_lang, target_lang, self.matcher_factory)
        return checker

    def check(self, seg: Segment) -> list[Finding]:
        """The glossary findings of one unit (its concept renderings are recorded)."""
        checker = self.checkers.get((seg.source_lang, seg.target_lang))
        if checker is None:
            checker = self.prepare(seg.source_lang, seg.target_lang)
        return checker.check(seg)

    def take_usage(self) -> Usage:
        """Concept renderings recorded since the last call, all language pairs together."""
        usage: Usage = {}
        for checker in self.checkers.values():
            merge_usage(usage, checker.take_usage())
        return usage


def term_matching(setup: CheckSetup) -> TermMatching | None:
    """The run's shared glossary checks; None without a glossary."""
    if setup.glossary is None:
        return None
    return setup.shared("terms", lambda: TermMatching(setup.glossary, setup.matcher_factory))


def _unit_check(setup: CheckSetup) -> UnitCheck | None:
    matching = term_matching(setup)
    return matching.check if matching is not None else None


FAMILY = Family(
    "terms",
    checks={
        "term-missing": ("error", "A glossary term in the source has none of its approved target terms in the target."),
        "term-forbidden": ("error", "The target uses a term the glossary forbids."),
        "term-deprecated": ("warning", "The target uses a term the glossary marks as deprecated."),
        "term-dnt": ("error", "A do-not-translate term of the source is not kept unchanged in the target."),
    },
    unit=_unit_check,
)
