"""Find glossary terms in a sentence the way a reviewer reads it.

Every term (and its inflected forms, see ``inflect``) becomes a key of an
Aho-Corasick automaton over a *folded* text: apostrophes unified, hyphens and
spaces made equal, runs of spaces collapsed, and - for terms that are not
case-sensitive - case and accents removed. Case-sensitive terms (acronyms such
as ONUG, CERN) live in a second automaton over a text whose case is kept. A
sentence is folded with ``str.translate`` (one C pass) and offsets are mapped
back only when folding changed its length. Hits must sit on word boundaries;
overlapping hits are resolved longest first. When several terms of one entry
fold to the same key (``Director-General`` vs the deprecated ``Director
General``) the one closest to the surface text wins.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

import ahocorasick

from bilingual_pr.glossary.gcpause import gc_paused
from bilingual_pr.glossary.inflect import variant_forms
from bilingual_pr.glossary.model import Entry, Glossary, Term
from bilingual_pr.lexical import APOSTROPHES, HYPHENS, INVISIBLE, fold

_SENTINEL = "\x00"
# Latin-1 byte -> itself when the character is alphanumeric (str.isalnum, as the boundary checks),
# else a space: bytes.translate with it then bytes.split() gives the text's maximal alphanumeric runs.
_RUN_MASK = bytes(b if chr(b).isalnum() else 0x20 for b in range(256))
_SPACE_RUN = re.compile(" {2,}")
_TABLE_SIZE = 0x10000
# Separators a case-sensitive term may be written with (HL-LHC, HL\u2011LHC, HL LHC).
_CS_SPACES = (" ", "-", "\u2011", "\u2010", "\u00a0", "\u202f")
_CS_APOSTROPHES = ("'", "\u2019")


def _fold_char(c: str) -> str:
    if c in APOSTROPHES:
        return "'"
    if c in HYPHENS or c.isspace():
        return " "
    if c in INVISIBLE:
        return ""
    return fold(c)


class _Folder:
    """Folds a text for case- and accent-insensitive matching and maps offsets back.

    The fast path is one table lookup per character: ``bytes.translate`` for
    Latin-1 text, else ``str.translate`` with a list table (much faster than a
    dict for non-ASCII text); characters that fold to zero or several
    characters, and runs of spaces, send the text to the slow path, which also
    records the original index of every folded character.
    """

    __slots__ = ("slow", "fast", "latin1", "pre")

    def __init__(self) -> None:
        self.slow: dict[str, str] = {}
        fast: list[int] = list(range(_TABLE_SIZE))
        # Latin, Greek, Cyrillic, punctuation and spaces, ligatures, full-width forms: all that folds.
        for cp in itertools.chain(range(0x3000), range(0xFB00, 0xFB07), range(0xFE00, _TABLE_SIZE)):
            c = chr(cp)
            f = _fold_char(c)
            if f != c:
                self.slow[c] = f
                fast[cp] = ord(f) if len(f) == 1 else 0
        self.fast = fast
        # str.translate looks every non-ASCII character up through Python objects (2-5 us a
        # sentence); bytes.translate is a C table lookup (under 1 us). Latin-1 characters whose fold
        # is one Latin-1 character take the byte table, any other becomes the sentinel.
        self.latin1 = bytes(fast[cp] if fast[cp] < 256 else 0 for cp in range(256))
        # The two characters outside Latin-1 in nearly every French sentence (’ and the narrow
        # no-break space) fold to one Latin-1 character that folds to itself: replacing them first
        # keeps such sentences on the byte path without changing the result.
        self.pre = tuple((c, chr(fast[ord(c)])) for c in "\u2019\u202f"
                         if 0 < fast[ord(c)] < 256 and fast[fast[ord(c)]] == fast[ord(c)])

    def _translate(self, text: str) -> str:
        """``text.translate(self.fast)``, through the byte table when the text allows it."""
        t = text
        if not t.isascii():
            for a, b in self.pre:
                if a in t:
                    t = t.replace(a, b)
        try:
            s = t.encode("latin-1").translate(self.latin1).decode("latin-1")
        except UnicodeEncodeError:
            return text.translate(self.fast)
        if _SENTINEL in s:
            # A Latin-1 character folding outside Latin-1 (µ) or to zero or several characters.
            return text.translate(self.fast)
        return s

    def fold(self, text: str) -> tuple[str, list[int] | None]:
        """The folded text and, when its length differs, the original index of each folded char."""
        s = self._translate(text)
        if _SENTINEL not in s and "  " not in s:
            return s, None
        # The rare text whose length changes: expand or drop the sentinel characters, then keep the
        # first space of each run, working on slices so that only those places cost Python steps.
        index: list[int]
        if _SENTINEL in s:
            slow = self.slow
            out: list[str] = []
            index = []
            pos = 0
            while True:
                at = s.find(_SENTINEL, pos)
                if at < 0:
                    break
                out.append(s[pos:at])
                index.extend(range(pos, at))
                c = text[at]
                f = slow.get(c, c)
                out.append(f)
                index.extend([at] * len(f))
                pos = at + 1
            out.append(s[pos:])
            index.extend(range(pos, len(s)))
            s = "".join(out)
        else:
            index = list(range(len(s)))
        if "  " in s:
            # No multi-character fold contains a space (checked in the tests), so a run of spaces
            # here is a run of characters that each fold to one space, with only dropped ones between.
            out = []
            kept: list[int] = []
            pos = 0
            for m in _SPACE_RUN.finditer(s):
                cut = m.start() + 1
                out.append(s[pos:cut])
                kept.extend(index[pos:cut])
                pos = m.end()
            out.append(s[pos:])
            kept.extend(index[pos:])
            s, index = "".join(out), kept
        return s, index

    def key(self, text: str) -> str:
        """The folded form of a term, trimmed."""
        return self.fold(text)[0].strip()


_FOLDER: _Folder | None = None


def _folder() -> _Folder:
    global _FOLDER
    if _FOLDER is None:
        _FOLDER = _Folder()
    return _FOLDER


_STRICT = str.maketrans({**{c: "'" for c in APOSTROPHES}, **{c: "-" for c in HYPHENS}, **{c: None for c in INVISIBLE}})


def strict_form(text: str) -> str:
    """NFC text with apostrophes, hyphens and spaces unified but case and accents kept."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_STRICT).split())


def _cs_keys(form: str) -> list[str]:
    """Spellings of a case-sensitive term matched on the raw text: each separator style used throughout."""
    base = " ".join(form.translate(_STRICT).replace("-", " ").split())
    keys = [base.replace(" ", sep) for sep in _CS_SPACES] if " " in base else [base]
    if "'" in base:
        keys += [k.replace("'", a) for k in keys for a in _CS_APOSTROPHES[1:]]
    return list(dict.fromkeys(keys))


def is_case_sensitive(term: Term) -> bool:
    """Acronyms, abbreviations and single tokens with several capitals (UNOG, CERN, OHCHR) keep their case."""
    if term.type in ("acronym", "abbreviation"):
        return True
    text = term.text.strip()
    if " " in text:
        return False
    if text.isupper():
        return sum(map(str.isalpha, text)) >= 2
    upper = sum(map(str.isupper, text))
    return upper >= 2 and upper >= sum(map(str.islower, text))


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A glossary term found in a text; start/end are offsets into the original text."""

    entry: Entry
    term: Term
    start: int
    end: int
    surface: str
    form: str = ""


# A candidate is a tuple (entry index, term, form, derivation): 0 the term itself, 1 its plural, 2 other gender.
_Cand = tuple


class TermMatcher:
    """Multi-pattern matcher for the terms of one language of a glossary."""

    def __init__(self, glossary: Glossary, lang: str, statuses: frozenset[str] | None = None) -> None:
        with gc_paused():
            self._build(glossary, lang, statuses)

    def _build(self, glossary: Glossary, lang: str, statuses: frozenset[str] | None) -> None:
        self.glossary = glossary
        self.lang = lang
        self._fold = _folder()
        self._ci = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._cs = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        # slot -> (key length, check left boundary, check right boundary, candidates)
        self._slots: list[tuple[int, bool, bool, list[_Cand]]] = []
        slot_of: dict[tuple[bool, str], int] = {}
        n_terms = 0
        key = self._fold.key
        for ei, entry in enumerate(glossary.entries):
            for term in entry.terms:
                if term.lang != lang or (statuses is not None and term.status not in statuses):
                    continue
                n_terms += 1
                cs = is_case_sensitive(term)
                auto = self._cs if cs else self._ci
                for form, derivation in variant_forms(term, entry.dnt):
                    cand = (ei, term, form, derivation)
                    for k in (_cs_keys(form) if cs else (key(form),)):
                        if not k:
                            continue
                        slot = slot_of.get((cs, k))
                        if slot is None:
                            slot = slot_of[(cs, k)] = len(self._slots)
                            self._slots.append((len(k), k[0].isalnum(), k[-1].isalnum(), []))
                            auto.add_word(k, slot)
                        self._slots[slot][3].append(cand)
        self.term_count = n_terms
        self.key_count = len(self._slots)
        self._build_run_index([(k, slot) for (cs, k), slot in slot_of.items() if not cs])
        self._has_ci = len(self._ci) > 0
        self._has_cs = len(self._cs) > 0
        if self._has_ci:
            self._ci.make_automaton()
        if self._has_cs:
            self._cs.make_automaton()

    def _build_run_index(self, keys: list[tuple[str, int]]) -> None:
        """Index the case-insensitive keys by their first one or two alphanumeric runs (see _run_hits)."""
        # first run -> keys of one run; (first run, second run) -> keys of several runs
        self._one_run: dict[bytes, list[tuple[str, int]]] = {}
        self._two_runs: dict[tuple[bytes, bytes], list[tuple[str, int]]] = {}
        self._run_index_ok = True
        for k, slot in keys:
            try:
                runs = k.encode("latin-1").translate(_RUN_MASK).split()
            except UnicodeEncodeError:
                continue  # never in a Latin-1 text, the only kind _run_hits reads
            if not runs:
                self._run_index_ok = False  # a key of punctuation only: keep to the automaton
                return
            if len(runs) == 1:
                self._one_run.setdefault(runs[0], []).append((k, slot))
            else:
                self._two_runs.setdefault((runs[0], runs[1]), []).append((k, slot))

    def _run_hits(self, norm: str, spans: dict[tuple[int, int], list[int]]) -> bool:
        """The case-insensitive hits of a folded Latin-1 text without the automaton; False if it can't tell.

        A hit sits on word boundaries when its key starts or ends with an
        alphanumeric character, and its inner runs are bounded by the key's own
        punctuation, so every alphanumeric run of a key is a whole run of the
        text and consecutive runs of the key are consecutive runs of the text.
        Only keys whose first run (or first two runs) occur so in the text can
        match; those are looked for with str.find. This gives the automaton's
        hits (tests/test_glossary_match.py compares them) at a fraction of its
        cost, which is a cache miss per character on a large glossary.
        """
        if not self._run_index_ok:
            return False
        try:
            runs = norm.encode("latin-1").translate(_RUN_MASK).split()
        except UnicodeEncodeError:
            return False
        keys: list[tuple[str, int]] = []
        one, two = self._one_run, self._two_runs
        if one:
            for run in one.keys() & runs:
                keys.extend(one[run])
        if two and len(runs) > 1:
            for pair in two.keys() & zip(runs, runs[1:]):
                keys.extend(two[pair])
        if not keys:
            return True
        n = len(norm)
        slots = self._slots
        find = norm.find
        for k, slot in keys:
            length, left, right, _ = slots[slot]
            at = find(k)
            while at >= 0:
                end = at + length
                if not ((left and at > 0 and norm[at - 1].isalnum()) or (right and end < n and norm[end].isalnum())):
                    span = (at, end)
                    if span in spans:
                        spans[span].append(slot)
                    else:
                        spans[span] = [slot]
                at = find(k, at + 1)
        return True

    def _hits(self, text: str, norm: str, index: list[int] | None, auto,
              spans: dict[tuple[int, int], list[int]]) -> None:
        n = len(norm)
        slots = self._slots
        for end, slot in auto.iter(norm):
            length, left, right, _ = slots[slot]
            start = end - length + 1
            if left and start > 0 and norm[start - 1].isalnum():
                continue
            if right and end + 1 < n and norm[end + 1].isalnum():
                continue
            if index is None:
                span = (start, end + 1)
            else:
                o_end = index[end] + 1
                while o_end < len(text) and unicodedata.combining(text[o_end]):
                    o_end += 1
                span = (index[start], o_end)
            if span in spans:
                spans[span].append(slot)
            else:
                spans[span] = [slot]

    def find(self, text: str) -> list[TermMatch]:
        """Every glossary term in ``text``: longest first, no overlaps, ordered by position."""
        spans: dict[tuple[int, int], list[int]] = {}
        if self._has_ci:
            norm, index = self._fold.fold(text)
            # Offsets map one to one when index is None, so a hit's span is its place in norm.
            if index is not None or not self._run_hits(norm, spans):
                self._hits(text, norm, index, self._ci, spans)
        if self._has_cs:
            # Case-sensitive keys are matched on the text itself; offsets need no mapping.
            self._hits(text, text, None, self._cs, spans)
        if not spans:
            return []
        if len(spans) == 1:
            chosen = list(spans)
        else:
            from bisect import bisect_right

            # Chosen spans never overlap, so sorted by start they are sorted by end too: only the
            # neighbours of the insertion point can overlap (checking all was quadratic on long texts).
            starts: list[int] = []
            ends: list[int] = []
            for s, e in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
                i = bisect_right(starts, s)
                if (i == 0 or ends[i - 1] <= s) and (i == len(starts) or starts[i] >= e):
                    starts.insert(i, s)
                    ends.insert(i, e)
            chosen = list(zip(starts, ends))
        out: list[TermMatch] = []
        entries = self.glossary.entries
        for s, e in chosen:
            surface = text[s:e]
            cands = [c for slot in spans[(s, e)] for c in self._slots[slot][3]]
            best: dict[int, tuple[tuple[int, int, int], _Cand]] = {}
            strict = strict_form(surface) if len(cands) > 1 else ""
            for ei, term, form, derivation in cands:
                if len(cands) == 1:
                    score = (0, 0, 0)
                else:
                    sf = strict_form(form)
                    level = 3 if sf == strict else 2 if sf.casefold() == strict.casefold() else 1
                    score = (-level, derivation, term.status_rank)
                prev = best.get(ei)
                if prev is None or score < prev[0]:
                    best[ei] = (score, (ei, term, form, derivation))
            for ei in sorted(best):
                _, term, form, _ = best[ei][1]
                out.append(TermMatch(entries[ei], term, s, e, surface, form))
        return out
