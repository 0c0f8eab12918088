"""Sentence segmentation with SRX 2.0 rules, block by block, keeping character offsets.

The project's own rules ship as ``data/bilingual-pr.srx`` (French and English
press-release conventions); ``--srx FILE`` swaps in the rules of a CAT tool so a
translator gets the same segments as in OmegaT, Okapi or Trados.

Rule semantics follow Okapi's SRX segmenter: every rule, in order, is searched
through the block as ``(?:before)(?=after)``; each match end is a candidate
break position, and the first rule that reaches a position decides whether it
breaks. A block end is always a break; segments never cross blocks.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, cast

from bilingual_pr.documents import Document
from bilingual_pr.errors import UserError
from bilingual_pr.formats.srx import SrxRule, SrxRules, compile_bounded, compile_regex, parse_srx_bytes, read_srx

if TYPE_CHECKING:
    import regex

DEFAULT_SRX = "bilingual-pr.srx"
# Seconds one rule of a user's SRX file may search one block: a rule with catastrophic
# backtracking fails in one line instead of hanging (ordinary rules take milliseconds).
RULE_TIMEOUT_S = 5.0

# What ``str.split()`` splits on, less the real spaces (U+00A0, U+202F, U+2009...): ASCII
# whitespace and the line and paragraph separators, which are layout inside a segment.
_LAYOUT_SPACE = re.compile(r"[\t\n\v\f\r\x1c-\x1f \x85\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A segment: its exact text and where it sits in ``Document.text``."""

    text: str
    start: int
    end: int
    block: int


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """The ordered rules of one language, compiled once for repeated use."""

    lang: str
    patterns: tuple[tuple[bool, re.Pattern[str]], ...]  # or regex.Pattern for variable lookbehind
    # Rules from a user's file: ``regex`` patterns searched under a time bound, and how to name each.
    timeout: float | None = None
    names: tuple[str, ...] = ()


def load_srx(path: str | Path) -> SrxRules:
    """Load segmentation rules from an SRX 2.0 file (UserError when malformed)."""
    return read_srx(path)


@functools.lru_cache(maxsize=1)
def default_rules() -> SrxRules:
    """The project's own rules, shipped as an SRX 2.0 file in the package data."""
    data = resources.files("bilingual_pr").joinpath("data", DEFAULT_SRX).read_bytes()
    return parse_srx_bytes(data, DEFAULT_SRX)


def compile_rules(rules: SrxRules | None, lang: str) -> CompiledRules:
    """Select the rules that apply to ``lang`` and compile them."""
    rules = rules if rules is not None else default_rules()
    return _compile(rules, lang)


@functools.lru_cache(maxsize=32)
def _compile(rules: SrxRules, lang: str) -> CompiledRules:
    selected = rules.rules_for(lang)
    if not selected:
        raise UserError(f"{rules.source}: no <languagemap> matches language {lang!r}")
    # No-break rules after the last break rule can never change a decision.
    last_break = max((i for i, r in enumerate(selected) if r.breaks), default=-1)
    kept = selected[: last_break + 1]
    if rules is default_rules():
        # Our own rules are known to be linear: the faster ``re``, no bound.
        return CompiledRules(lang, tuple((r.breaks, compile_regex(_rule_source(r))) for r in kept))
    patterns = tuple((r.breaks, compile_bounded(_rule_source(r))) for r in kept)
    names = tuple(f"{rules.source}:{r.line}: rule {n} ({'break' if r.breaks else 'no-break'} "
                  f"{r.before!r}{f' before {r.after!r}' if r.after else ''})" if r.line else
                  f"{rules.source}: rule {n} ({r.before!r})" for n, r in enumerate(kept, 1))
    return CompiledRules(lang, patterns, RULE_TIMEOUT_S, names)


def _rule_source(rule: SrxRule) -> str:
    return f"(?:{rule.before})(?={rule.after})" if rule.after else f"(?:{rule.before})"


def _as_compiled(lang: str, rules: SrxRules | CompiledRules | None) -> CompiledRules:
    if isinstance(rules, CompiledRules):
        return rules
    return compile_rules(rules, lang)


def looks_hard_wrapped(text: str) -> bool:
    """True when a block's line breaks look like fixed-width wrapping, not separate lines."""
    lines = text.strip().split("\n")
    if len(lines) < 2:
        return False
    widths = [len(line.rstrip()) for line in lines[:-1]]
    if min(widths) < 50 or max(widths) > 100 or max(widths) - min(widths) > 25:
        return False
    # Lines that each end a sentence or a clause are a list of lines, not a wrapped paragraph.
    return any(not line.rstrip().endswith(_LINE_ENDS) for line in lines[:-1])


_LINE_ENDS = (".", "!", "?", ":", ";", ",", "…", "»", "”", '"')


def break_positions(text: str, compiled: CompiledRules) -> list[int]:
    """Positions inside ``text`` (0 < p < len) where the rules put a segment break."""
    if "\n" in text and looks_hard_wrapped(text):
        # Same length, so every position found still points into the original text.
        text = text.replace("\n", " ")
    n = len(text)
    # Only positions a break rule reaches can break; find them first so that a
    # block without any (a heading, a short line) costs one scan per break rule.
    ends: list[set[int] | None] = [None] * len(compiled.patterns)
    candidates: set[int] = set()
    for i, (breaks, _) in enumerate(compiled.patterns):
        if breaks:
            found = _match_ends(compiled, i, text)
            found.discard(0)
            found.discard(n)
            ends[i] = found
            candidates |= found
    if not candidates:
        return []
    # Then the first rule, in file order, that reaches a candidate decides it.
    undecided = set(candidates)
    cuts: list[int] = []
    for i, (breaks, _) in enumerate(compiled.patterns):
        reached = ends[i]
        if reached is None:
            reached = _match_ends(compiled, i, text)
        hit = undecided & reached
        if hit:
            if breaks:
                cuts.extend(hit)
            undecided -= hit
            if not undecided:
                break
    cuts.sort()
    return cuts


def _match_ends(compiled: CompiledRules, i: int, text: str) -> set[int]:
    """Where rule ``i`` matches in ``text``; a user's rule past its time bound is a UserError naming it."""
    pattern = compiled.patterns[i][1]
    if compiled.timeout is None:
        return {m.end() for m in pattern.finditer(text)}
    try:
        # The regex module's timeout covers the whole iteration, not one match.
        bounded = cast("regex.Pattern[str]", pattern)  # a user's rules come from compile_bounded
        return {m.end() for m in bounded.finditer(text, timeout=compiled.timeout)}
    except TimeoutError:
        raise UserError(f"{compiled.names[i]} took longer than {compiled.timeout:g} s on one paragraph "
                        f"of {len(text)} characters (catastrophic backtracking?); simplify the rule") from None


def _spans(text: str, cuts: Iterable[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    prev = 0
    for cut in [*cuts, len(text)]:
        piece = text[prev:cut]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            s = prev + lead
            spans.append((s, s + len(stripped)))
        prev = cut
    return spans


def segment_text(text: str, lang: str, rules: SrxRules | CompiledRules | None = None) -> list[tuple[int, int]]:
    """Split one block of text into sentence spans (start, end), whitespace trimmed."""
    compiled = _as_compiled(lang, rules)
    return _spans(text, break_positions(text, compiled))


def segment_document(doc: Document, lang: str, rules: SrxRules | CompiledRules | None = None) -> list[Sentence]:
    """Segment every block of a document; sentences carry offsets into ``doc.text``."""
    compiled = _as_compiled(lang, rules)
    out: list[Sentence] = []
    for index, block in enumerate(doc.blocks):
        text = block.text  # == doc.text[block.start:block.end]
        for s, e in _spans(text, break_positions(text, compiled)):
            out.append(Sentence(text[s:e], block.start + s, block.start + e, index))
    return out


def one_line(text: str) -> str:
    """A segment as outputs write it: line breaks and runs of ASCII whitespace become one space, nothing else changes."""
    return _LAYOUT_SPACE.sub(" ", text).strip(" ")


def segment_strings(text: str, lang: str, rules: SrxRules | CompiledRules | None = None) -> list[str]:
    """Split one block into sentence strings (convenience for tests and callers)."""
    return [text[s:e] for s, e in segment_text(text, lang, rules)]
