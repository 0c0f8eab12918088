"""French typography by profile, and the spaces English must not have.

Profiles (documented in docs/qa.md):

* ``fr-FR`` -- narrow no-break space (U+202F) before ``; ! ?``; no-break space
  (U+00A0) before ``:`` and inside ``« »``. A no-break space of the other
  width is reported as ``info`` (it does not break the line, it only looks
  different); a breaking space or none at all is a ``warning``.
* ``fr-CH`` -- Swiss usage (Groupe de Lausanne's *Guide du typographe*):
  ``; ! ?`` take either no space or a narrow no-break space; ``:`` takes a
  no-break space of either width; ``« »`` take a no-break space of either
  width inside. Only a breaking space (the line may wrap there) or a missing
  required space is reported.
* ``off`` -- no French typography check.

The French side is checked whichever its role: the target of an EN->FR unit, the
source of an FR->EN one (its findings say "French source" and mark source spans).
Whatever the profile (except ``off``), an English target must have no space
before ``; : ! ?``.
"""

from __future__ import annotations

import re
from functools import partial

from bilingual_pr.qa.model import CheckSetup, Family, Finding, Segment, UnitCheck, finding

PROFILES: tuple[str, ...] = ("fr-FR", "fr-CH", "off")

NBSP, NNBSP = "\u00a0", "\u202f"
_SPACE_CHARS = " \u00a0\u202f\u2009\t"
_NAMES = {" ": "an ordinary space", NBSP: "a no-break space (U+00A0)", NNBSP: "a narrow no-break space (U+202F)",
          "\u2009": "a thin space (U+2009)", "\t": "a tab", "": "no space"}
_TRIGGER_CHARS = ";:!?«»"


def _has_trigger(text: str) -> bool:
    """True when ``text`` has a mark whose spacing is checked."""
    # Six substring searches run in C; a regex character class tests every character.
    for c in _TRIGGER_CHARS:
        if c in text:
            return True
    return False
_PUNCT = re.compile(r"[;:!?«»]")
_SKIP = re.compile(r"(?:https?|ftp|mailto|file)://\S+|www\.\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d[:.]\d|::"
                   r"|(?<!\S)[:;]-?[()DPp](?!\w)")  # and emoticons: ":)", ";-)"
_EN_SPACE_BEFORE = re.compile(r"(?<=\w)[ \u00a0\u202f\u2009]+(?=[;:!?](?:\s|$))")

# profile -> mark -> (spaces accepted silently, spaces accepted with an "info" note, the one to suggest)
_Rule = tuple[frozenset[str], frozenset[str], str]


def _rule(silent: set[str], noted: set[str], preferred: str) -> _Rule:
    return frozenset(silent), frozenset(noted), preferred


_RULES: dict[str, dict[str, _Rule]] = {
    "fr-FR": {**dict.fromkeys(";!?", _rule({NNBSP}, {NBSP}, NNBSP)), ":": _rule({NBSP}, {NNBSP}, NBSP),
              **dict.fromkeys("«»", _rule({NBSP}, {NNBSP}, NBSP))},
    "fr-CH": {**dict.fromkeys(";!?", _rule({"", NNBSP}, set(), "")), ":": _rule({NBSP, NNBSP}, set(), NBSP),
              **dict.fromkeys("«»", _rule({NBSP, NNBSP}, set(), NBSP))},
}


def _space_at(text: str, pos: int, step: int) -> tuple[str, int, int]:
    """The run of spaces next to ``pos`` going ``step`` (-1 left, +1 right): (kind, start, end)."""
    i = pos
    while 0 <= i + step < len(text) and text[i + step] in _SPACE_CHARS:
        i += step
    start, end = (i, pos) if step < 0 else (pos + 1, i + 1)
    run = text[start:end]
    if not run:
        return "", pos if step < 0 else pos + 1, pos if step < 0 else pos + 1
    return (run if len(set(run)) == 1 and len(run) == 1 else run[0]), start, end


def check_typography(seg: Segment, profile: str) -> list[Finding]:
    """Spaces around French punctuation and guillemets on the French side (source or target), and before ; : ! ? in English."""
    if profile == "off":
        return []
    tgt = seg.target
    out: list[Finding] = []
    if tgt and _has_trigger(tgt):
        if seg.target_lang == "en":
            spans = tuple(m.span() for m in _EN_SPACE_BEFORE.finditer(tgt))
            if spans:
                out.append(finding("typo-en-space",
                                   "English puts no space before ; : ! ? (the French spacing was kept).",
                                   seg.index, (), spans))
        elif seg.target_lang == "fr":
            out.extend(_french(seg, tgt, profile, "target"))
    # The French side of an FR->EN memory is checked too (a reviewer of the memory corrects both sides).
    if seg.source_lang == "fr" and seg.target_lang != "fr" and seg.source and _has_trigger(seg.source):
        out.extend(_french(seg, seg.source, profile, "source"))
    return out


def _french(seg: Segment, tgt: str, profile: str, side: str) -> list[Finding]:
    """The French typography findings of one side (``tgt``) of a unit; the spans are on that side."""
    rules = _RULES.get(profile)
    if rules is None:
        return []
    skips = [m.span() for m in _SKIP.finditer(tgt)]
    # A side with no no-break space at all is plain text (typed so, or flattened by a web page or an
    # export): an ordinary space where the profile wants a no-break one is in its place, and only its
    # width is in question, which such a text cannot express. Beside a no-break space it is a slip.
    plain = NBSP not in tgt and NNBSP not in tgt
    by_check: dict[str, list[tuple[tuple[int, int], str, str]]] = {}
    for m in _PUNCT.finditer(tgt):
        pos, ch = m.start(), m.group()
        if any(s <= pos < e for s, e in skips):
            continue
        silent, noted, preferred = rules[ch]
        if ch == "«":
            kind, start, end = _space_at(tgt, pos, +1)
            if end >= len(tgt):
                continue
        else:
            kind, start, end = _space_at(tgt, pos, -1)
            if start == 0:
                continue  # nothing before the mark
            before = tgt[start - 1]
            # "?!" and "!!": only the first mark takes the space; "(?)" and "…»" don't either.
            if before in ";:!?([{/'\"’“" or (ch != "»" and before == "»" and kind == ""):
                continue
            if ch == ":" and before.isdigit() and tgt[pos + 1:pos + 2].isdigit():
                continue
        if kind in silent:
            continue
        check = "typo-guillemets" if ch in "«»" else "typo-space-before"
        where = "after “«”" if ch == "«" else f"before “{ch}”"
        want = _NAMES[preferred]
        if kind in noted:
            sev = "info"
            msg = f"{profile}: {_NAMES[kind]} {where}; the profile prefers {want}."
        elif kind == " " and plain and (NBSP in silent or NNBSP in silent):
            sev = "info"
            msg = f"{profile}: an ordinary space {where} in a text with no no-break space anywhere; use {want}."
        else:
            sev = "warning"
            msg = f"{profile}: {_NAMES.get(kind, 'odd spacing')} {where}; use {want}."
        span = (start, end) if end > start else (start, start)
        by_check.setdefault(check + "|" + sev, []).append((span, msg, preferred))
    out = []
    for key, items in by_check.items():
        check, sev = key.split("|")
        msgs = sorted({m for _, m, _ in items})
        message = msgs[0] if len(msgs) == 1 else f"{len(items)} spacing problems: " + " ".join(msgs)
        spans = tuple(s for s, _, _ in items)
        if side == "source":
            out.append(finding(check, "French source: " + message, seg.index, spans, (), severity=sev))
        else:
            out.append(finding(check, message, seg.index, (), spans, severity=sev))
    return out


def _unit_check(setup: CheckSetup) -> UnitCheck | None:
    return None if setup.profile == "off" else partial(check_typography, profile=setup.profile)


FAMILY = Family(
    "typography",
    checks={
        "typo-space-before": ("warning", "Wrong or missing space before ; : ! ? for the typography profile."),
        "typo-guillemets": ("warning", "Wrong or missing space inside « » for the typography profile."),
        "typo-en-space": ("warning", "A space before ; : ! ? in an English target."),
    },
    unit=_unit_check,
)
