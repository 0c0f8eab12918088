"""Propose new glossary pairs from aligned sentences, with their evidence.

Candidates on each side are acronyms (``UNOG``, ``HCDH``), capitalised names
(``Human Rights Council``, ``Conseil des droits de l'homme``) and titles
(``Special Rapporteur``, ``Rapporteuse spéciale``). A source and a target
candidate are paired when they keep occurring in the same aligned pairs: the
Dice coefficient 2·c(s,t) / (c(s) + c(t)) over pairs. Shorter candidates that
only ever occur inside a longer one with the same evidence are dropped, each
candidate is paired with its best partner only, and pairs already in the
glossary are skipped. The result is TBX for a terminologist, not truth.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bilingual_pr.glossary.matcher import TermMatcher
from bilingual_pr.glossary.model import Entry, Glossary, Term

_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+|[^\w\s]", re.UNICODE)
_CONNECT = {
    "fr": frozenset("de des du d' l' la le les à au aux pour et sur en contre".split()),
    "en": frozenset("of for on the and at in to against".split()),
}
_DETERMINERS = frozenset("le la les l' un une the a an this ce cette".split())
_TITLES = {
    "fr": frozenset("directeur directrice secrétaire président présidente rapporteur rapporteuse ambassadeur "
                    "ambassadrice haut-commissaire haute-commissaire commissaire expert experte représentant "
                    "représentante ministre porte-parole chef vice-président vice-présidente".split()),
    "en": frozenset("director director-general secretary secretary-general president chair chairperson rapporteur "
                    "ambassador commissioner expert representative minister spokesperson chief head "
                    "vice-president deputy special high".split()),
}
_MAX_WORDS = 8


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed term pair with the evidence for it."""

    source: str
    target: str
    kind: str
    together: int
    source_count: int
    target_count: int
    dice: float

    @property
    def dnt(self) -> bool:
        """Same acronym on both sides (CERN/CERN): likely never translated."""
        return self.kind == "acronym" and self.source == self.target


def _is_acronym(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    up = sum(c.isupper() for c in letters)
    return len(letters) >= 2 and up >= 2 and up >= len(letters) - up


def _cap(tok: str) -> bool:
    return tok[:1].isupper() and not _is_acronym(tok)


def _norm_tok(tok: str) -> str:
    return tok.lower().replace("’", "'")


def candidates(text: str, lang: str) -> set[tuple[str, str]]:
    """(candidate, kind) pairs found in one sentence: acronyms, capitalised names, titles."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        return set()  # an all-capitals heading says nothing about case
    # Split elided articles off their word (l'Office -> l' Office).
    toks: list[str] = []
    for m in _TOKEN.finditer(text):
        t = m.group()
        head = re.match(r"^([ldLD]['’])(.+)$", t) if lang == "fr" else None
        if head:
            toks.extend([head.group(1), head.group(2)])
        else:
            toks.append(t)
    out: set[tuple[str, str]] = set()
    connect, titles = _CONNECT[lang], _TITLES[lang]
    for i, tok in enumerate(toks):
        if _is_acronym(tok):
            out.add((tok, "acronym"))
            continue
        if not _cap(tok) or _norm_tok(tok) in _DETERMINERS:
            continue
        is_title = _norm_tok(tok) in titles
        words = [tok]
        lower_run = 0
        for nxt in toks[i + 1: i + _MAX_WORDS]:
            low = _norm_tok(nxt)
            if not re.match(r"\w", nxt) and nxt not in ("'", "’"):
                break
            if _is_acronym(nxt):
                break
            prev_connect = _norm_tok(words[-1]) in connect
            if _cap(nxt):
                lower_run = 0
            elif low in connect:
                pass
            elif lang == "fr" and (prev_connect or lower_run < 2):
                # French names and titles go on in lower case: Conseil des droits de l'homme, Directeur général.
                lower_run += 1
            else:
                break
            words.append(nxt)
            if _norm_tok(nxt) not in connect and len(words) >= 2:
                out.add((_join(words), "title" if is_title else "name"))
        if is_title:
            out.add((tok, "title"))
    return out


def _join(words: list[str]) -> str:
    text = " ".join(words)
    return re.sub(r"\b([ldLD]['’]) ", r"\1", text)


def _contains(longer: str, shorter: str) -> bool:
    return len(longer) > len(shorter) and re.search(r"(?<!\w)" + re.escape(shorter) + r"(?!\w)", longer) is not None


def suggest_terms(pairs: Iterable[tuple[str, str]], source_lang: str = "fr", target_lang: str = "en", *,
                  known: Glossary | None = None, min_count: int = 2, min_dice: float = 0.5) -> list[Suggestion]:
    """Term pairs that co-occur in aligned sentence pairs, best evidence first."""
    c_src: Counter[str] = Counter()
    c_tgt: Counter[str] = Counter()
    c_pair: Counter[tuple[str, str]] = Counter()
    kinds: dict[str, str] = {}
    known_src = TermMatcher(known, source_lang) if known is not None else None
    known_tgt = TermMatcher(known, target_lang) if known is not None else None
    for src, tgt in pairs:
        s_c = candidates(src, source_lang)
        t_c = candidates(tgt, target_lang)
        if known_src is not None and known_tgt is not None:
            s_c = _unknown(s_c, known_src, src)
            t_c = _unknown(t_c, known_tgt, tgt)
        for text, kind in s_c | t_c:
            kinds.setdefault(text, kind)
        s_texts = {c for c, _ in s_c}
        t_texts = {c for c, _ in t_c}
        c_src.update(s_texts)
        c_tgt.update(t_texts)
        c_pair.update((s, t) for s in s_texts for t in t_texts)
    scored = []
    for (s, t), n in c_pair.items():
        if n < min_count:
            continue
        # Acronyms pair with acronyms, names and titles with names and titles.
        if (kinds[s] == "acronym") != (kinds[t] == "acronym"):
            continue
        dice = 2 * n / (c_src[s] + c_tgt[t])
        if dice >= min_dice:
            scored.append((dice, n, s, t))
    # Drop a candidate inside a longer one that has the same partner and as much evidence.
    keep = []
    for dice, n, s, t in scored:
        shadowed = any(
            (t2 == t and _contains(s2, s) and n2 >= n) or (s2 == s and _contains(t2, t) and n2 >= n)
            for _, n2, s2, t2 in scored)
        if not shadowed:
            keep.append((dice, n, s, t))
    keep.sort(key=lambda x: (-x[0], -x[1], x[2]))
    used_s: set[str] = set()
    used_t: set[str] = set()
    out = []
    for dice, n, s, t in keep:
        if s in used_s or t in used_t:
            continue
        used_s.add(s)
        used_t.add(t)
        kind = "acronym" if kinds[s] == "acronym" else ("title" if "title" in (kinds[s], kinds[t]) else "name")
        out.append(Suggestion(s, t, kind, n, c_src[s], c_tgt[t], round(dice, 3)))
    out.sort(key=lambda x: (-x.together, -x.dice, x.source))
    return out


def _unknown(cands: set[tuple[str, str]], matcher: TermMatcher, sentence: str) -> set[tuple[str, str]]:
    """Candidates that are not a glossary term of the sentence, nor a piece of one."""
    covered = [" ".join(m.surface.split()) for m in matcher.find(sentence)]
    return {c for c in cands if not any(c[0] == s or _contains(s, c[0]) for s in covered)}


def read_pairs(path: str | Path, source_lang: str = "fr", target_lang: str = "en") -> list[tuple[str, str]]:
    """Aligned pairs from a TMX, XLIFF or TSV file (formats/factory.py), the untranslated left out."""
    from bilingual_pr.formats.factory import memory_units

    return [(u.source, u.target) for u in memory_units(path, source_lang, target_lang) if u.target]


def suggestions_glossary(found: list[Suggestion], source_lang: str, target_lang: str, origin: str) -> Glossary:
    """The suggestions as a glossary (admitted terms, evidence in the entry note) ready to write as TBX."""
    entries = []
    for i, s in enumerate(found, 1):
        ttype = "acronym" if s.kind == "acronym" else ("title" if s.kind == "title" else None)
        note = (f"suggested: together in {s.together} aligned pairs; {source_lang} alone in {s.source_count}, "
                f"{target_lang} alone in {s.target_count}; Dice {s.dice:.2f}")
        entries.append(Entry(id=f"s{i}", subject=None, note=note, dnt=s.dnt, terms=(
            Term(s.source, source_lang, "admitted", ttype), Term(s.target, target_lang, "admitted", ttype))))
    return Glossary(entries=tuple(entries), title="Suggested term pairs (to review)",
                    description=f"Proposed by bilingual-pr glossary suggest from {Path(origin).name}.")
