"""Glossary enforcement for machine-translated sentences.

Two strategies, combined by default ("auto"):

- protect: before translation, a glossary term in the source is replaced by a
  placeholder the engine's tokenizer reproduces unchanged (``ZX1X``); after
  translation the placeholder becomes the approved target term (for
  do-not-translate terms, the source form itself). A segment whose
  placeholders do not all come back is translated again without them.
- repair: after translation, each source term's approved target term must be
  present (any inflection); when it is not and exactly one deprecated or
  forbidden variant of that concept is there, the variant is replaced; when
  the case is ambiguous the segment is flagged, never guessed.

"auto" protects do-not-translate terms (names and acronyms do not inflect, so a
placeholder loses nothing) and repairs term pairs (a placeholder would hide the
gender and number the engine needs around a noun). See docs/translation.md for
what was measured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Sequence

from bilingual_pr.language import base_language

if TYPE_CHECKING:
    from bilingual_pr.glossary import Entry, Glossary, TermMatch
    from bilingual_pr.translate.base import MTEngine

Strategy = Literal["auto", "protect", "repair", "off"]
STRATEGIES: tuple[str, ...] = ("auto", "protect", "repair", "off")
PLACEHOLDER = "ZX{}X"
_PLACEHOLDER_RE = re.compile(r"Z\s?X\s?(\d{1,3})\s?X")

# Endings tolerated after each word of a term when checking "any inflection".
_ENDINGS = {
    "fr": r"(?:s|x|e|es|aux)?",
    "en": r"(?:s|es|'s|’s)?",
}


@dataclass(frozen=True, slots=True)
class Requirement:
    """A glossary concept found in a source sentence and what the target must contain."""

    entry_id: str
    source_surface: str
    start: int
    end: int
    targets: tuple[str, ...]  # approved target terms, preferred first ("" none)
    rejected: tuple[str, ...]  # deprecated/forbidden target terms
    dnt: bool


@dataclass(frozen=True, slots=True)
class Issue:
    """A glossary problem left in a target (the segment is flagged)."""

    kind: str  # missing-term | rejected-term | ambiguous
    entry_id: str
    message: str


@dataclass(frozen=True, slots=True)
class Enforced:
    """A target after enforcement: the text, the repairs made, the issues left."""

    target: str
    repairs: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()
    protected: int = 0  # placeholders used and restored
    retranslated: bool = False  # placeholders were lost; translated again without them


def term_pattern(term: str, lang: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a term in any common inflection of each word."""
    ending = _ENDINGS.get(base_language(lang), r"(?:s|es)?")
    words = re.split(r"\s+", term.strip())
    parts = []
    for w in words:
        w = w.replace("’", "'")
        esc = re.escape(w).replace("'", "['’]")
        if len(w) >= 3 and w[-1:].isalpha():
            if base_language(lang) == "fr" and w.lower().endswith("al"):
                esc = re.escape(w[:-2]) + r"(?:al|aux|ale|ales|als)"
            elif base_language(lang) == "en" and w.lower().endswith("y"):
                esc = re.escape(w[:-1]) + r"(?:y|ies)"
            else:
                esc += ending
        parts.append(esc)
    body = r"[\s\u00a0\u202f-]+".join(parts)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _case_like(model: str, text: str) -> str:
    if model[:1].isupper() and text[:1].islower():
        return text[:1].upper() + text[1:]
    return text


@dataclass(frozen=True, slots=True)
class _Span:
    """A match-like span from the glossary matcher."""

    s: int
    e: int
    text: str

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e

    def group(self, _: int = 0) -> str:
        return self.text


class GlossaryEnforcer:
    """Finds glossary terms in source sentences and enforces them in translations."""

    def __init__(self, glossary: Glossary, src_lang: str, tgt_lang: str, strategy: Strategy = "auto",
                 finder: Callable[[str], Iterable[TermMatch]] | None = None) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}")
        self.glossary, self.strategy = glossary, strategy
        self.src, self.tgt = base_language(src_lang), base_language(tgt_lang)
        self._tgt_find: Callable[[str], Iterable[TermMatch]] | None = None
        if finder is None:
            from bilingual_pr.glossary import TermMatcher

            finder = TermMatcher(glossary, self.src).find
            # The glossary's own matcher knows more inflections than term_pattern.
            self._tgt_find = TermMatcher(glossary, self.tgt).find
        self._find = finder
        self._patterns: dict[str, re.Pattern[str]] = {}
        # Which concepts a target term belongs to as an approved term (ambiguity check).
        self._approved_owner: dict[str, set[str]] = {}
        for e in glossary.entries:
            for t in self._terms(e, approved=True):
                self._approved_owner.setdefault(t.lower(), set()).add(e.id)

    def _terms(self, entry: Entry, approved: bool) -> list[str]:
        terms = [t for t in entry.terms if base_language(t.lang) == self.tgt]
        if approved:
            keep = sorted((t for t in terms if t.status in ("preferred", "admitted")),
                          key=lambda t: t.status != "preferred")
        else:
            keep = [t for t in terms if t.status in ("deprecated", "forbidden")]
        return [t.text for t in keep]

    def _pattern(self, term: str) -> re.Pattern[str]:
        pat = self._patterns.get(term)
        if pat is None:
            pat = self._patterns[term] = term_pattern(term, self.tgt)
        return pat

    def requirements(self, source: str) -> list[Requirement]:
        """The glossary concepts in a source sentence that constrain its translation."""
        reqs: list[Requirement] = []
        for m in sorted(self._find(source), key=lambda m: (m.start, -m.end)):
            e = m.entry
            if reqs and m.start < reqs[-1].end:
                continue  # overlapping match: keep the first, longest one
            targets = tuple(self._terms(e, approved=True))
            if not targets and not e.dnt:
                continue
            reqs.append(Requirement(e.id, m.surface, m.start, m.end, targets,
                                    tuple(self._terms(e, approved=False)), bool(e.dnt)))
        return reqs

    # ------------------------------------------------------------ protect

    def _protectable(self, r: Requirement) -> bool:
        if self.strategy == "protect":
            return True
        return self.strategy == "auto" and r.dnt

    def protect(self, source: str, reqs: Sequence[Requirement]) -> tuple[str, list[tuple[str, Requirement]]]:
        """Replace protectable terms by placeholders; return the text and (placeholder, requirement) slots."""
        slots: list[tuple[str, Requirement]] = []
        out, pos = [], 0
        for r in reqs:
            if not self._protectable(r):
                continue
            ph = PLACEHOLDER.format(len(slots) + 1)
            out.append(source[pos:r.start])
            out.append(ph)
            pos = r.end
            slots.append((ph, r))
        out.append(source[pos:])
        return "".join(out), slots

    def restore(self, target: str, slots: Sequence[tuple[str, Requirement]]) -> str | None:
        """Put the protected terms back; None when a placeholder was lost or duplicated."""
        found = [int(m.group(1)) for m in _PLACEHOLDER_RE.finditer(target)]
        if sorted(found) != list(range(1, len(slots) + 1)):
            return None
        by_num = {i + 1: r for i, (_, r) in enumerate(slots)}

        def put(m: re.Match[str]) -> str:
            r = by_num[int(m.group(1))]
            text = r.source_surface if r.dnt or not r.targets else r.targets[0]
            return _case_like(r.source_surface, text) if m.start() == 0 else text

        restored = _PLACEHOLDER_RE.sub(put, target)
        if restored[:1].islower() and target[:1] == "Z":
            restored = restored[:1].upper() + restored[1:]
        return restored

    # ------------------------------------------------------------ verify / repair

    def check(self, target: str, reqs: Sequence[Requirement], repair: bool = True) -> Enforced:
        """Verify that every requirement is met; replace an unambiguous rejected variant when allowed."""
        repairs: list[str] = []
        issues: list[Issue] = []
        hits = list(self._tgt_find(target)) if self._tgt_find is not None and reqs else []
        for r in reqs:
            if r.dnt:
                if r.source_surface not in target:
                    issues.append(Issue("missing-term", r.entry_id, f"do-not-translate term {r.source_surface!r} is missing"))
                continue
            present = any(self._pattern(t).search(target) for t in r.targets) or any(
                h.entry.id == r.entry_id and h.term.status in ("preferred", "admitted") for h in hits)
            bad: list[tuple[str, re.Match[str] | _Span]] = [(v, m) for v in r.rejected for m in self._pattern(v).finditer(target)
                   if not any(self._pattern(t).fullmatch(m.group(0)) for t in r.targets)]
            if not bad:
                bad = [(h.term.text, _Span(h.start, h.end, h.surface)) for h in hits
                       if h.entry.id == r.entry_id and h.term.status in ("deprecated", "forbidden")]
            if not bad:
                if not present:
                    issues.append(Issue("missing-term", r.entry_id,
                                        f"{r.source_surface!r}: expected {r.targets[0]!r}"))
                continue
            preferred = r.targets[0]
            variant, m = bad[0]
            unambiguous = (
                repair and len(bad) == 1 and len(r.targets) >= 1
                and m.group(0).lower() == variant.lower()  # an inflected variant cannot be re-inflected safely
                and self._approved_owner.get(variant.lower(), set()) <= {r.entry_id}
            )
            if unambiguous:
                new = _case_like(m.group(0), preferred)
                target = target[:m.start()] + new + target[m.end():]
                repairs.append(f"{m.group(0)!r} -> {new!r}")
            else:
                kind = "rejected-term" if present or not repair else "ambiguous"
                issues.append(Issue(kind, r.entry_id,
                                    f"{r.source_surface!r}: found rejected {m.group(0)!r}, expected {preferred!r}"))
        return Enforced(target, tuple(repairs), tuple(issues))

    # ------------------------------------------------------------ whole batch

    def translate(self, engine: MTEngine, sources: Sequence[str]) -> list[Enforced]:
        """Translate sentences with ``engine`` under this glossary, in at most two batches."""
        reqs = [self.requirements(s) for s in sources]
        if self.strategy == "off":
            outs = engine.translate_batch(list(sources))
            return [Enforced(t, issues=self.check(t, r, repair=False).issues) for t, r in zip(outs, reqs)]
        can_protect = self.strategy in ("auto", "protect") and engine.placeholder_survives(PLACEHOLDER.format(1))
        masked: list[str] = []
        slots: list[list[tuple[str, Requirement]]] = []
        for s, r in zip(sources, reqs):
            m, sl = self.protect(s, r) if can_protect else (s, [])
            masked.append(m)
            slots.append(sl)
        first = engine.translate_batch(masked)
        texts: list[str | None] = []
        for t, sl in zip(first, slots):
            texts.append(self.restore(t, sl) if sl else t)
        lost = [i for i, t in enumerate(texts) if t is None]
        lost_set = set(lost)
        if lost:
            again = engine.translate_batch([sources[i] for i in lost])
            for i, t in zip(lost, again):
                texts[i] = t
        out = []
        for i, (text, r) in enumerate(zip(texts, reqs)):
            res = self.check(text or "", r, repair=True)
            out.append(Enforced(res.target, res.repairs, res.issues,
                                protected=0 if i in lost_set else len(slots[i]),
                                retranslated=i in lost_set))
        return out
