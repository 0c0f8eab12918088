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
from typing import Any, Iterator, NamedTuple

from bilingual_pr.qa.model import CheckSetup, Edit, Family, Finding, Segment, Span, UnitCheck, UnitFix, finding
from bilingual_pr.qa.untranslated import check_untranslated

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
# Addresses, looked for only in a text with "://", "www." or "@" (the pattern costs tens of µs a sentence).
_SKIP = re.compile(r"(?:https?|ftp|mailto|file)://\S+|www\.\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMOTICON = re.compile(r"-?[()DPp](?!\w)")  # what follows ":" or ";" in ":)", ";-)", ":D"
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


def check_typography(seg: Segment, profile: str, house: bool = False) -> list[Finding]:
    """Spaces around French punctuation and guillemets on the French side (source or target), and before ; : ! ? in English.

    ``house``: leave the French side to the family's whole pass (:class:`HouseStyle`), which judges
    a mark written without its space, and an ordinary space in a text without no-break spaces,
    against their document's own usage. Without it (a unit alone) they are judged on the unit alone.
    """
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
        elif seg.target_lang == "fr" and not house:
            out.extend(_french(seg, tgt, profile, "target"))
    # The French side of an FR->EN memory is checked too (a reviewer of the memory corrects both sides).
    if seg.source_lang == "fr" and seg.target_lang != "fr" and seg.source and _has_trigger(seg.source) \
            and not house:
        out.extend(_french(seg, seg.source, profile, "source"))
    return out


_Item = tuple[str, str, Span, str]  # (check, severity, span, message)


class _Mark(NamedTuple):
    """One checked mark of a French text."""

    check: str
    severity: str  # "" when the mark is spaced as the profile wants
    span: Span
    message: str
    mark: str
    kind: str  # the space found ("" none)
    # For an ordinary space in a text without any no-break space: the warning it is in a document
    # that uses no-break spaces elsewhere (``severity``/``message`` are then the "info" of plain text).
    slip: str = ""
    preferred: str = ""  # the space the profile wants there (what --fix writes)


def _french(seg: Segment, tgt: str, profile: str, side: str) -> list[Finding]:
    """The French typography findings of one side (``tgt``) of a unit alone; the spans are on that side."""
    items = [(m.check, m.severity, m.span, m.message) for m in _french_marks(tgt, profile) if m.severity]
    return _grouped(seg.index, items, side)


def _french_marks(tgt: str, profile: str) -> Iterator[_Mark]:
    """Every checked mark of a French text, right or wrong for the profile."""
    rules = _RULES.get(profile)
    if rules is None:
        return
    skips = [m.span() for m in _SKIP.finditer(tgt)] if "://" in tgt or "www." in tgt or "@" in tgt else []
    # A side with no no-break space at all is plain text (typed so, or flattened by a web page or an
    # export): an ordinary space where the profile wants a no-break one is in its place, and only its
    # width is in question, which such a text cannot express. Beside a no-break space it is a slip.
    plain = NBSP not in tgt and NNBSP not in tgt
    for m in _PUNCT.finditer(tgt):
        pos, ch = m.start(), m.group()
        if any(s <= pos < e for s, e in skips):
            continue
        if ch in ":;" and (pos == 0 or tgt[pos - 1].isspace()) and _EMOTICON.match(tgt, pos + 1):
            continue  # an emoticon
        if ch == ":" and (tgt[pos + 1:pos + 2] == ":" or tgt[pos - 1:pos] == ":"):
            continue  # "::"
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
        check = "typo-guillemets" if ch in "«»" else "typo-space-before"
        span = (start, end) if end > start else (start, start)
        if kind in silent:
            yield _Mark(check, "", span, "", ch, kind)
            continue
        where = "after “«”" if ch == "«" else f"before “{ch}”"
        want = _NAMES[preferred]
        slip = ""
        if kind in noted:
            sev = "info"
            msg = f"{profile}: {_NAMES[kind]} {where}; the profile prefers {want}."
        elif kind == " " and plain and (NBSP in silent or NNBSP in silent):
            sev = "info"
            msg = f"{profile}: an ordinary space {where} in a text with no no-break space anywhere; use {want}."
            slip = f"{profile}: an ordinary space {where}; use {want}."
        else:
            sev = "warning"
            msg = f"{profile}: {_NAMES.get(kind, 'odd spacing')} {where}; use {want}."
        yield _Mark(check, sev, span, msg, ch, kind, slip, preferred)


def _grouped(unit: int, found: list[_Item], side: str) -> list[Finding]:
    """One finding per check and severity of a side, its problems listed together."""
    by_check: dict[str, list[tuple[Span, str]]] = {}
    for check, sev, span, msg in found:
        by_check.setdefault(check + "|" + sev, []).append((span, msg))
    out = []
    for key, items in by_check.items():
        check, sev = key.split("|")
        msgs = sorted({m for _, m in items})
        message = msgs[0] if len(msgs) == 1 else f"{len(items)} spacing problems: " + " ".join(msgs)
        spans = tuple(s for s, _ in items)
        if side == "source":
            out.append(finding(check, "French source: " + message, unit, spans, (), severity=sev))
        else:
            out.append(finding(check, message, unit, (), spans, severity=sev))
    return out


def fix_typography(seg: Segment, profile: str) -> list[Edit]:
    """The spaces the profile wants around French punctuation (either side), and none before ; : ! ? in English."""
    out = []
    if seg.target and _has_trigger(seg.target):
        if seg.target_lang == "en":
            out += [Edit("target", a, b, "", "typo-en-space") for a, b in
                    (m.span() for m in _EN_SPACE_BEFORE.finditer(seg.target))]
        elif seg.target_lang == "fr":
            out += _french_edits(seg.target, profile, "target")
    if seg.source_lang == "fr" and seg.target_lang != "fr" and seg.source and _has_trigger(seg.source):
        out += _french_edits(seg.source, profile, "source")
    return out


def _unit_fix(setup: CheckSetup) -> UnitFix | None:
    return None if setup.profile == "off" else partial(fix_typography, profile=setup.profile)


def _french_edits(text: str, profile: str, side: str) -> list[Edit]:
    return [Edit(side, m.span[0], m.span[1], m.preferred, m.check)
            for m in _french_marks(text, profile) if m.severity]


def _unit_check(setup: CheckSetup) -> UnitCheck | None:
    return None if setup.profile == "off" else partial(check_typography, profile=setup.profile, house=True)


# Marks that share a rule share a house style: a document that writes "?" tight writes "!" tight.
_CLASS = {":": ":", "«": "«»", "»": "«»", ";": ";!?", "!": ";!?", "?": ";!?"}
_HOUSE_MIN = 2  # tight marks of one class, none spaced, that make a document's house style
# The colon after a capitalised word ("NOTE:", "Photo:", "OMC:") is a class of its own: labels and
# credits are often set apart from the running text's colons.
_LABEL = ": after a capitalised word"
_WORD_BEFORE = re.compile(r"(\w)\w*\W*$")


def _after_label(text: str, end: int) -> bool:
    """True when the word before ``end`` (a colon, or its space) starts with a capital."""
    m = _WORD_BEFORE.search(text, max(0, end - 40), end)
    return m is not None and m.group(1).isupper()


class HouseStyle:
    """The typography family's whole pass: the French side's findings, some decided by its document.

    * A class of marks (``:`` after a capitalised word, other ``:``, ``« »``, ``; ! ?``) that a
      document writes without its space at least twice and never with one is that document's house
      style: one ``info`` note for the document (on the unit of its first such mark). Otherwise each
      mark without its space is a ``warning``.
    * An ordinary space where the profile wants a no-break one, in a side without any no-break space,
      is a ``warning`` when the document uses no-break spaces elsewhere (a slip) and ``info`` when it
      never does (plain text, or text whose no-break spaces were flattened: only the width differs).

    Every other French finding is made here too, so that each French side is read once (the per-unit
    check, ``check_typography(..., house=True)``, keeps only the English one). A unit the untranslated
    family silences (``silenced``) is left out, as the runner would drop its per-unit findings.
    A document is the units' ``doc`` (TMX ``x-source-doc``; otherwise the whole input).
    """

    def __init__(self, profile: str, silenced: Any = None) -> None:
        self.profile, self.silenced = profile, silenced
        self.counts: dict[tuple[str | None, str], list[int]] = {}  # (doc, class) -> [tight, spaced]
        self.no_break: set[str | None] = set()  # documents whose French side has a no-break space
        self.marks: list[tuple[int, str | None, str, str, _Mark]] = []  # (unit, doc, class, side, mark)

    def add(self, seg: Segment) -> None:
        """Count the French side's marks of the unit and keep those its document decides."""
        if seg.target_lang == "fr":
            side, text = "target", seg.target
        elif seg.source_lang == "fr" and seg.target_lang != "fr":
            side, text = "source", seg.source
        else:
            return
        if NBSP in text or NNBSP in text:
            self.no_break.add(seg.doc)
        if not text or not _has_trigger(text) or (self.silenced is not None and self.silenced(seg)):
            return
        for mark in _french_marks(text, self.profile):
            cls = _CLASS[mark.mark]
            if cls == ":" and _after_label(text, mark.span[0]):
                cls = _LABEL
            count = self.counts.setdefault((seg.doc, cls), [0, 0])
            if mark.kind == "" and mark.severity:
                count[0] += 1
            elif mark.kind != "":
                count[1] += 1
            if mark.severity:
                self.marks.append((seg.index, seg.doc, cls, side, mark))

    def take(self) -> Any:
        """What was recorded since the last call."""
        taken = (self.counts, self.no_break, self.marks)
        self.counts, self.no_break, self.marks = {}, set(), []
        return taken

    def merge(self, taken: Any, offset: int) -> None:
        """Add what a ``take`` handed over, its unit numbers shifted by ``offset``."""
        counts, no_break, marks = taken
        for key, (tight, spaced) in counts.items():
            count = self.counts.setdefault(key, [0, 0])
            count[0] += tight
            count[1] += spaced
        self.no_break |= no_break
        self.marks.extend((unit + offset, *rest) for unit, *rest in marks)

    def wanted(self) -> set[int]:
        """The units of the marks kept (each finding is on its unit)."""
        return {unit for unit, *_ in self.marks}

    def findings(self, segments: dict[int, Segment]) -> list[Finding]:
        """A note per document house style; a warning or note per unit for the other marks kept."""
        out: list[Finding] = []
        noted: set[tuple[str | None, str]] = set()
        per_unit: dict[tuple[int, str], list[_Item]] = {}
        for unit, doc, cls, side, mark in sorted(self.marks, key=lambda t: (t[0], t[4].span)):
            item = (mark.check, mark.severity, mark.span, mark.message)
            if mark.slip:
                if doc in self.no_break:
                    item = (mark.check, "warning", mark.span, mark.slip)
            elif mark.kind == "" and self.counts[(doc, cls)][1] == 0 and self.counts[(doc, cls)][0] >= _HOUSE_MIN:
                if (doc, cls) not in noted:
                    noted.add((doc, cls))
                    message = (f"{'French source: ' if side == 'source' else ''}{self.profile}: this document "
                               f"writes {cls if cls == _LABEL else ' '.join(cls)} without a space throughout "
                               f"({self.counts[(doc, cls)][0]} "
                               f"times), its house style rather than the profile's; "
                               f"{mark.message.split('; ', 1)[-1]}")
                    spans = (mark.span,)
                    out.append(finding(mark.check, message, unit, spans if side == "source" else (),
                                       () if side == "source" else spans, severity="info"))
                continue
            per_unit.setdefault((unit, side), []).append(item)
        for (unit, side), items in per_unit.items():
            out.extend(_grouped(unit, items, side))
        return out


def _silenced(aligned: bool, seg: Segment) -> bool:
    """True when the untranslated family silences the unit (an empty side, a copied source)."""
    return bool(check_untranslated(seg, aligned))


def _whole(setup: CheckSetup) -> HouseStyle | None:
    if setup.profile == "off":
        return None
    return HouseStyle(setup.profile, partial(_silenced, setup.aligned) if "untranslated" in setup.families else None)


FAMILY = Family(
    "typography",
    checks={
        "typo-space-before": ("warning", "Wrong or missing space before ; : ! ? for the typography profile."),
        "typo-guillemets": ("warning", "Wrong or missing space inside « » for the typography profile."),
        "typo-en-space": ("warning", "A space before ; : ! ? in an English target."),
    },
    unit=_unit_check,
    fix=_unit_fix,
    whole=_whole,
)
