"""Whitespace and pairing checks: doubled spaces, edge spaces, brackets and quotes."""

from __future__ import annotations

import re

from bilingual_pr.qa.model import Edit, Family, Finding, Segment, finding

_SPACES = " \u00a0\u202f\u2009\t"
_DOUBLE = re.compile(r"[ \u00a0\u202f\u2009\t]{2,}")
_EDGE = " \u00a0\u202f\u2009\t\n\r"
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
_QUOTE_CHARS = frozenset("«»“”\"„")
_BRACKETS = "()[]{}"
_QUOTES = "«»“”\"„"


def _has_any(text: str, chars: str) -> bool:
    """True when one of ``chars`` is in ``text``."""
    # A few substring searches (C, memchr-like) cost a tenth of a set test of every character.
    for c in chars:
        if c in text:
            return True
    return False
# A list marker such as "a)" or "1)" opens nothing; leave it out of the balance.
_LIST_MARKER = re.compile(r"(?:^|(?<=[\s(]))(?:[a-zA-Z]|\d{1,2}|[ivxIVX]{1,4})\)")


def _bracket_balance(text: str) -> tuple[tuple[str, int, int], ...]:
    """Per bracket kind: (kind, final depth, first offending offset or -1)."""
    text = _LIST_MARKER.sub(lambda m: m.group()[:-1] + " ", text)
    out = []
    for opening, closing in _PAIRS:
        depth, bad = 0, -1
        for i, ch in enumerate(text):
            if ch == opening:
                depth += 1
            elif ch == closing:
                depth -= 1
                if depth < 0 and bad < 0:
                    bad = i
        if depth or bad >= 0:
            if bad < 0:
                bad = text.rfind(opening)
            out.append((opening + closing, depth, bad))
    return tuple(out)


def _counts_match(src: str, tgt: str) -> bool:
    """Cheap pre-check: every bracket kind opens as often as it closes in the target, or counts equal the source's."""
    for o, c in _PAIRS:
        n_o, n_c = tgt.count(o), tgt.count(c)
        if n_o != n_c and (n_o != src.count(o) or n_c != src.count(c)):
            return False
    return True


def _quote_balance(text: str) -> tuple[int, int, int]:
    """(« minus », “ and „ minus ”, straight quotes modulo 2)."""
    return (text.count("«") - text.count("»"),
            text.count("“") + text.count("„") - text.count("”"),
            text.count('"') % 2)


def _double_spans(tgt: str) -> tuple[tuple[int, int], ...]:
    """The runs of two or more spaces inside the target (not at its edges: that is ``edge-space``)."""
    # The spaces of _DOUBLE other than " " are unprintable: a printable text has a doubled space
    # only where it has "  " (two C scans instead of the regex).
    if tgt.isprintable() and "  " not in tgt:
        return ()
    lead = len(tgt) - len(tgt.lstrip(_EDGE))
    return tuple((m.start() + lead, m.end() + lead) for m in _DOUBLE.finditer(tgt.strip(_EDGE)))


def fix_spacing(seg: Segment) -> list[Edit]:
    """Each doubled space of the target made one: a no-break space of the run if it has one, else a space."""
    out = []
    for a, b in _double_spans(seg.target):
        run = seg.target[a:b]
        # A no-break space in the run was put there on purpose (it keeps two words together): keep it.
        keep = next((c for c in run if c in "\u00a0\u202f"), " ")
        out.append(Edit("target", a, b, keep, "double-space"))
    return out


def check_spacing(seg: Segment) -> list[Finding]:
    """Doubled spaces, leading/trailing space mismatch, unbalanced brackets and quotes in the target."""
    src, tgt = seg.source, seg.target
    out: list[Finding] = []
    if not tgt:
        return out
    spans = _double_spans(tgt)
    if spans:
        out.append(finding("double-space", f"{len(spans)} place(s) in the target with two or more spaces in a row.",
                           seg.index, (), spans))
    s_lead, t_lead = src[:1] in _EDGE and src[:1] != "", tgt[:1] in _EDGE
    s_trail, t_trail = src[-1:] in _EDGE and src[-1:] != "", tgt[-1:] in _EDGE
    if s_lead != t_lead or s_trail != t_trail:
        where = []
        if s_lead != t_lead:
            where.append("leading")
        if s_trail != t_trail:
            where.append("trailing")
        t_spans = []
        s_spans = []
        if t_lead and not s_lead:
            t_spans.append((0, len(tgt) - len(tgt.lstrip(_EDGE))))
        if s_lead and not t_lead:
            s_spans.append((0, len(src) - len(src.lstrip(_EDGE))))
        if t_trail and not s_trail:
            t_spans.append((len(tgt.rstrip(_EDGE)), len(tgt)))
        if s_trail and not t_trail:
            s_spans.append((len(src.rstrip(_EDGE)), len(src)))
        out.append(finding("edge-space", f"The {' and '.join(where)} whitespace of the target does not match the source.",
                           seg.index, tuple(s_spans), tuple(t_spans)))
    if _has_any(tgt, _BRACKETS) and not _counts_match(src, tgt):
        t_bal = _bracket_balance(tgt)
        if t_bal:
            s_kinds = {k: d for k, d, _ in _bracket_balance(src)} if _has_any(src, _BRACKETS) else {}
            bad = [(k, d, at) for k, d, at in t_bal if s_kinds.get(k) != d]
            if bad:
                kinds = ", ".join(k for k, _, _ in bad)
                out.append(finding("unbalanced-brackets", f"Unbalanced brackets {kinds} in the target (balanced in the source).",
                                   seg.index, (), tuple((at, at + 1) for _, _, at in bad)))
    if _has_any(tgt, _QUOTES):
        t_q = _quote_balance(tgt)
        if any(t_q):
            s_q = _quote_balance(src)
            # A quotation left open on purpose (it continues in the next segment) is open on both sides.
            # A target that only closes a quotation ends one opened in an earlier unit, which is
            # where an unbalanced quotation is reported: a quotation over two sentences is one finding.
            closes_only = t_q[0] <= 0 and t_q[1] <= 0 and t_q[2] == 0
            if not any(s_q) and not closes_only:
                spans = tuple((i, i + 1) for i, ch in enumerate(tgt) if ch in _QUOTE_CHARS)
                out.append(finding("unbalanced-quotes", "Quotation marks do not pair up in the target (they do in the source).",
                                   seg.index, (), spans))
    return out


FAMILY = Family(
    "spacing",
    checks={
        "double-space": ("warning", "Two or more spaces in a row in the target."),
        "edge-space": ("info", "Leading or trailing whitespace differs between source and target."),
        "unbalanced-brackets": ("warning", "Brackets are unbalanced in the target but not in the source."),
        "unbalanced-quotes": ("warning", "Quotation marks are unbalanced in the target but not in the source."),
    },
    unit=lambda setup: check_spacing,
    fix=lambda setup: fix_spacing,
)
