"""Numbers, times, dates and document symbols that must survive translation.

The rules that find and read them (locales, month names, number words, symbols)
are those of :mod:`bilingual_pr.lexical`, shared with the aligner's anchors:
each side is read with its own locale (French ``1 000,5`` and English
``1,000.5`` are the same number). A number becomes a placeable carrying a set of
acceptable keys; a source token matches a target token when their key sets
meet, so ``10 h 30`` meets ``10.30 a.m.`` and ``1,5 milliard`` meets
``1.5 billion``. Numbers written as words (``three``, ``trois``) are never
required, but may stand in for a digit on the other side, so "three
experts" / "3 experts" passes and "l'un des" / "one of" never fires.
"""

from __future__ import annotations

import re

from bilingual_pr.lexical import (Placeable, has_digit, month_placeables, months, number_words, placeables,
                                  symbol_key, symbols)
from bilingual_pr.qa.model import Family, Finding, Segment, finding
from bilingual_pr.qa.tags import placeholders

_DIGIT_RUNS = re.compile(r"\d+").findall
_DECIMAL_LIKE = re.compile(r"\d[.,]\d").search
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


def number_tokens(text: str, lang: str) -> list[Placeable]:
    """Digit-written numbers and times of one side, read with that side's locale."""
    if not has_digit(text):
        return []  # every token pattern needs a \\d
    skip = [span for _, span in placeholders(text)] if "{" in text or "%" in text else []
    return [p for p in placeables(text, lang, skip) if p.kind in ("time", "number")]


def _match(left: list[Placeable], right: list[Placeable]) -> tuple[list[Placeable], list[Placeable]]:
    used = [False] * len(right)
    unmatched = []
    for tok in left:
        for i, other in enumerate(right):
            if not used[i] and tok.keys & other.keys:
                used[i] = True
                break
        else:
            unmatched.append(tok)
    return unmatched, [t for t, u in zip(right, used) if not u]


def _show(tokens: list[Placeable]) -> str:
    return ", ".join(t.text.strip() for t in tokens)


def check_numbers(seg: Segment) -> list[Finding]:
    """Compare numbers, times, month names and document symbols between source and target."""
    src, tgt = seg.source, seg.target
    if not tgt:
        return []
    s_digit, t_digit = has_digit(src), has_digit(tgt)
    if not (s_digit or t_digit):
        return []
    out: list[Finding] = []
    s_sym, t_sym = symbols(src), symbols(tgt)
    if s_sym or t_sym:
        t_left = list(t_sym)
        missing = []
        for sym, span in s_sym:
            key = symbol_key(sym, seg.source_lang)
            hit = next((i for i, (other, _) in enumerate(t_left)
                        if other == sym or symbol_key(other, seg.target_lang) == key), None)
            if hit is None:
                missing.append((sym, span))
            else:
                t_left.pop(hit)
        if missing or t_left:
            parts = []
            if missing:
                parts.append("source symbol " + ", ".join(s for s, _ in missing) + " is not in the target")
            if t_left:
                parts.append("target symbol " + ", ".join(s for s, _ in t_left) + " is not in the source")
            out.append(finding("symbol-mismatch", "Document symbols must be copied unchanged: " + "; ".join(parts) + ".",
                               seg.index, tuple(sp for _, sp in missing), tuple(sp for _, sp in t_left)))
    # Fast path: the same digit runs on both sides and no decimal/thousands separator to read by locale.
    if sorted(_DIGIT_RUNS(src)) == sorted(_DIGIT_RUNS(tgt)) and not (_DECIMAL_LIKE(src) or _DECIMAL_LIKE(tgt)):
        s_miss: list[Placeable] = []
        t_extra: list[Placeable] = []
    else:
        s_miss, t_extra = _match(number_tokens(src, seg.source_lang) if s_digit else [],
                                 number_tokens(tgt, seg.target_lang) if t_digit else [])
    # Words and month names may stand in for a digit: "three"/"3", "November"/"11" in 23/11/2011.
    if s_miss:
        s_miss, _ = _match(s_miss, number_words(tgt, seg.target_lang) + month_placeables(tgt, seg.target_lang))
    if t_extra:
        t_extra, _ = _match(t_extra, number_words(src, seg.source_lang) + month_placeables(src, seg.source_lang))
    if s_miss or t_extra:
        parts = []
        if s_miss:
            parts.append(f"source has {_show(s_miss)} not found in the target")
        if t_extra:
            parts.append(f"target has {_show(t_extra)} not found in the source")
        out.append(finding("number-mismatch", "Numbers differ: " + "; ".join(parts) + ".", seg.index,
                           tuple(t.span for t in s_miss), tuple(t.span for t in t_extra)))
    # A side without a digit has no number and no date (months() would say the same, slower).
    s_mon = months(src, seg.source_lang) if s_digit else []
    t_mon = months(tgt, seg.target_lang) if t_digit else []
    if s_mon or t_mon:
        left = [v for v, _ in t_mon]
        s_bad = []
        for v, span in s_mon:
            if v in left:
                left.remove(v)
            else:
                s_bad.append(span)
        t_bad = []
        for v, span in t_mon:
            if v in left:
                left.remove(v)
                t_bad.append(span)
        # A date copied unchanged from the other side (a title left in English) is not a mismatch.
        s_bad = [sp for sp in s_bad if not re.search(r"\b" + re.escape(src[sp[0]:sp[1]]) + r"\b", tgt)]
        t_bad = [sp for sp in t_bad if not re.search(r"\b" + re.escape(tgt[sp[0]:sp[1]]) + r"\b", src)]
        # A side that writes its date as 23/11/2011 has no month name to compare.
        if (s_bad and not t_mon and _NUMERIC_DATE.search(tgt)) or (t_bad and not s_mon and _NUMERIC_DATE.search(src)):
            s_bad, t_bad = [], []
        if s_bad or t_bad:
            s_names = ", ".join(src[a:b] for a, b in s_bad) or "none"
            t_names = ", ".join(tgt[a:b] for a, b in t_bad) or "none"
            out.append(finding("date-mismatch", f"Month differs in a date: source {s_names}, target {t_names}.",
                               seg.index, tuple(s_bad), tuple(t_bad)))
    return out


FAMILY = Family(
    "numbers",
    checks={
        "number-mismatch": ("error", "A number, percentage or time differs between source and target."),
        "date-mismatch": ("error", "A month in a date differs between source and target."),
        "symbol-mismatch": ("error", "A document symbol (A/HRC/55/1...) is missing or changed in the target."),
    },
    unit=lambda setup: check_numbers,
)
