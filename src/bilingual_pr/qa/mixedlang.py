"""Word-level language evidence: source-language phrases left inside an otherwise translated target.

"the Conseil des droits de l'homme (HRC)" in an English target, "the Council of the European
Union" left in a French one. The evidence is the source language's function words that are no
words of the target language (``des``, ``l'``, ``aux``; ``the``, ``of``, ``which``); for
French, lower-case words with French accents (``sécurité``) and the French-only heads of names of
bodies (``Conseil``, ``Comité``); and a lower-case word copied from the source next to a function
word ("potentiel de physique"). A phrase needs two pieces of evidence, one of them a function
word, close together. No wordlist is installed offline, so the lists are compact and written here.

What English keeps in French, and French in English, is not reported: names (a function word
between capitalised words: "Place des Nations", "Côte d'Ivoire", "Staffan de Mistura", "Bank of
America"); premises and places of Geneva named by a capitalised head word ("Maison de la paix",
"Palais des Nations", "Jet d'eau"); loan phrases ("de facto", "vis-à-vis", "week-end"); a
French quotation in guillemets in a text of another language; a name in brackets given as a
gloss; addresses; and any span the glossary gives as an approved term of the target language
(an official French name that English keeps, a do-not-translate term).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from bilingual_pr.lexical import url_spans

Span = tuple[int, int]

# Function words of the source language that are no words of the target language (so "a", "on",
# "son", "par", "pour", "as", "an", "or", "but" are left out: each is a word of the other language too).
_FOREIGN_FUNCTION_WORDS = {
    "fr": frozenset(
        "de des du la le les l' d' qu' aux au et dans avec sur une qui que est sont ont été être ces cette "
        "ses leur leurs entre selon lors ainsi afin notamment également très mais ou où dont ne pas nous vous "
        "ils elles il elle cet auprès chez depuis pendant contre vers sous après avant aussi comme en".split()),
    "en": frozenset(
        "the of and with to is are was were has have been which that this these those by from its their "
        "it at be not will would should our we they he she his her who what into upon under between about "
        "also in for".split()),
}
_FRENCH_ACCENT = re.compile(r"[éèêëàâçîïôûùœ]")
# Capitalised words that head the French names of bodies, titles and events and that English never
# uses ("Conseil du CERN" is French, "Palais des Nations" a kept name): evidence, not names.
_FRENCH_HEADS = frozenset(
    "conseil comité comite assemblée assemblee conférence secrétaire secretaire secrétariat directeur "
    "directrice président présidente haut-commissaire haut-commissariat ministre département departement "
    "fonds journée journee semaine année annee prix rapporteuse unies droits".split())
# Phrases the other language has borrowed (folded to lower case, apostrophes straight).
_LOANS = {
    "fr": ("de facto", "de jure", "de minimis", "et al", "vis-à-vis", "raison d'être", "coup d'état",
           "fait accompli", "tour de force", "pièce de résistance", "laissez-faire", "à la carte",
           "cul-de-sac", "esprit de corps", "hors de combat", "savoir-faire", "déjà vu", "par excellence",
           "en route", "en masse", "en bloc", "rendez-vous", "chargé d'affaires", "aide-mémoire",
           "tour d'horizon", "joie de vivre", "faux pas", "c'est la vie", "crème de la crème"),
    "en": ("week-end", "in situ", "in extenso", "in vitro", "in vivo", "of course"),
}
_LOAN_RE = {lang: re.compile(r"(?i)(?<!\w)(?:" + "|".join(map(re.escape, sorted(loans, key=len, reverse=True)))
                             + r")(?!\w)") for lang, loans in _LOANS.items()}
# Capitalised head words of the names of premises and places that English keeps in French.
_PLACE_HEADS = frozenset(
    "palais place maison parc salle rue avenue route chemin quai boulevard pont villa plaine promenade "
    "jardin bâtiment batiment château chateau hôtel hotel pavillon jet bois port cour île ile mont gare "
    "musée musee collège college lycée école ecole bains cité cite mur".split())
_QUOTED = re.compile(r"«[^»]*»")
_BRACKETED = re.compile(r"\(([^()]*)\)")
# A word with its elided article or pronoun apart: "l'homme" -> "l'", "homme".
_TOKEN = re.compile(r"[^\W\d_]+(?:['’](?=[^\W\d_]))?|[^\w\s]")
# The probe's words: the function words as bytes, elided ones without their apostrophe ("l'" -> "l");
# ASCII punctuation, digits and apostrophes become spaces with bytes.translate (C speed; str.translate
# with a dict is ten times slower), typographic marks and other spaces with one regex.
_PROBE_WORDS = {lang: frozenset(w.strip("'").encode() for w in words) for lang, words in _FOREIGN_FUNCTION_WORDS.items()}
_PROBE_SEP = b".,;:!?()[]{}\"'/-_*+=<>|#&%$@~^`0123456789"
_PROBE_PUNCT = bytes.maketrans(_PROBE_SEP, b" " * len(_PROBE_SEP))
# A function word glued to a rarer symbol than these is not seen.
_PROBE_MARKS = re.compile("[«»“”‘’„–—…\u2010\u2011\u00a0\u202f\u2009\u2007\u200a\u2028]")


def _probe(text: str, lang: str) -> bool:
    """True when ``text`` may have a word of ``lang``'s function-word list (whenever the tokens would give one)."""
    low = text.lower()
    if not low.isascii():
        low = _PROBE_MARKS.sub(" ", low)
    return not _PROBE_WORDS[lang].isdisjoint(low.encode().translate(_PROBE_PUNCT).split())


_WORD = re.compile(r"[^\W\d_]{3,}")
_MAX_GAP = 2  # content words allowed between two pieces of evidence of one phrase


@dataclass(frozen=True, slots=True)
class ForeignPhrase:
    """A run of ``lang`` words found in a text of another language: its span and its evidence words."""

    start: int
    end: int
    evidence: tuple[str, ...]


def _norm(word: str) -> str:
    return word.replace("’", "'").lower()


def _loan_spans(text: str, lang: str) -> list[Span]:
    pattern = _LOAN_RE.get(lang)
    return [] if pattern is None else [m.span() for m in pattern.finditer(text.replace("’", "'"))]


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def foreign_phrases(text: str, lang: str, target_lang: str, source: str = "") -> list[ForeignPhrase]:
    """Phrases of ``lang`` left inside ``text`` (written in ``target_lang``), names and loans excepted.

    ``source``, the text ``text`` translates, lends more evidence: a lower-case word copied from it
    next to a function word ("potentiel de physique").
    """
    fws = _FOREIGN_FUNCTION_WORDS.get(lang)
    if fws is None or lang == target_lang:
        return []
    # A C-speed probe first: most targets have none of these words, and need no tokens at all.
    if not _probe(text, lang):
        return []
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    skip = url_spans(text) + _loan_spans(text, lang)
    if target_lang != "fr":  # guillemets in a French text are its own quotation marks
        skip += [m.span() for m in _QUOTED.finditer(text)]
    copied = {_norm(w) for w in _WORD.findall(source)} - _FOREIGN_FUNCTION_WORDS.get(target_lang, frozenset())
    kinds = _kinds(tokens, fws, lang, skip, copied)
    # The source-language name given in brackets on purpose is a gloss: "(Winning with global innovation)".
    glosses = [m.span(1) for m in _BRACKETED.finditer(text)]
    return [p for p in _phrases(tokens, kinds, target_lang)
            if not any(s <= p.start and p.end <= e and len(_WORD.findall(text[s:p.start] + text[p.end:e])) <= 1
                       for s, e in glosses)]


def _kinds(tokens: list[tuple[str, int, int]], fws: frozenset[str], lang: str, skip: list[Span],
           copied: set[str]) -> list[str]:
    """Per token: 'f' function word, 'a' other evidence, 'c' copied word, 'w' other word, 'n' capitalised,
    'k' part of a name the target keeps, '.' a break."""
    kinds = []
    for word, start, _ in tokens:
        if any(s <= start < e for s, e in skip):
            kinds.append(".")
        elif not word[0].isalpha():
            kinds.append("." if word not in "-'’" else "w")
        elif _is_cap(word):
            kinds.append("a" if lang == "fr" and _norm(word) in _FRENCH_HEADS else "n")
        elif _norm(word) in fws:
            kinds.append("f")
        elif lang == "fr" and _FRENCH_ACCENT.search(word):
            kinds.append("a")
        elif _norm(word) in copied:
            kinds.append("c")
        else:
            kinds.append("w")
    capital = [k == "n" or (k == "a" and _is_cap(tokens[i][0])) for i, k in enumerate(kinds)]
    # A function word between capitalised words belongs to a name ("Place des Nations", "Bank of America"),
    # unless the name has a French-only head: "Organisation des Nations Unies" is French.
    named = []
    for i, k in enumerate(kinds):
        if k != "f":
            continue
        j = i - 1
        while j >= 0 and kinds[j] == "f":
            j -= 1
        n = i + 1
        while n < len(kinds) and kinds[n] == "f":
            n += 1
        if j >= 0 and capital[j] and n < len(kinds) and capital[n]:
            named.append((i, j, n))
    for i, lo, hi in named:
        while lo > 0 and (capital[lo - 1] or kinds[lo - 1] == "f"):
            lo -= 1
        while hi + 1 < len(kinds) and (capital[hi + 1] or kinds[hi + 1] == "f"):
            hi += 1
        if not any(capital[x] and kinds[x] == "a" for x in range(lo, hi + 1)):
            kinds[i] = "k"
    # A word copied from the source counts only next to a function word ("niveau de performances").
    for i, k in enumerate(kinds):
        if k == "c":
            near = kinds[i - 1:i] + kinds[i + 1:i + 2]
            kinds[i] = "a" if "f" in near else "w"
    # A name headed by a premises word takes its function words, capitalised words and the word after
    # a function word ("Maison de la paix", "Jet d'eau"), and stops at the next other word.
    i = 0
    while i < len(tokens):
        if lang == "fr" and kinds[i] == "n" and _norm(tokens[i][0]) in _PLACE_HEADS:
            kinds[i] = "k"
            i += 1
            after_fn = False
            while i < len(tokens) and kinds[i] != ".":
                is_fn = _norm(tokens[i][0]) in fws
                if not (is_fn or capital[i] or kinds[i] in "nk" or (after_fn and kinds[i] in "aw")):
                    break
                kinds[i], after_fn = "k", is_fn
                i += 1
        else:
            i += 1
    return kinds


def _phrases(tokens: list[tuple[str, int, int]], kinds: list[str], target_lang: str) -> list[ForeignPhrase]:
    own = _FOREIGN_FUNCTION_WORDS.get(target_lang, frozenset())

    def is_target(word: str) -> bool:
        """A function word of the target language, or (French) an accented word: not part of the phrase."""
        return _norm(word) in own or (target_lang == "fr" and _FRENCH_ACCENT.search(word) is not None)

    out = []
    i = 0
    while i < len(tokens):
        if kinds[i] not in "fa":
            i += 1
            continue
        first = last = i
        evidence = [i]
        gap = 0
        j = i + 1
        while j < len(tokens) and kinds[j] != "." and gap <= _MAX_GAP:
            if kinds[j] in "fa":
                evidence.append(j)
                last, gap = j, 0
            else:
                gap += 1
            j += 1
        i = last + 1
        if len(evidence) < 2 or not any(kinds[e] == "f" for e in evidence):
            continue
        # Take in the content words the phrase governs ("Conseil des ... homme"), up to a word of the target.
        for _ in range(_MAX_GAP):
            if first > 0 and kinds[first - 1] in "wn" and tokens[first - 1][0][0].isalpha() \
                    and not is_target(tokens[first - 1][0]):
                first -= 1
        if kinds[last] == "f" and last + 1 < len(tokens) and not is_target(tokens[last + 1][0]):
            if kinds[last + 1] == "w":
                last += 1
            while last + 1 < len(tokens) and kinds[last + 1] == "n" and not is_target(tokens[last + 1][0]):
                last += 1  # the name the phrase governs ("Conseil du CERN")
        out.append(ForeignPhrase(tokens[first][1], tokens[last][2], tuple(tokens[e][0] for e in evidence)))
    return out


def kept_by_glossary(phrase: ForeignPhrase, text: str, matches: Callable[[str], list[Any]]) -> bool:
    """True when an approved glossary term of the target covers the phrase's evidence (a name the target keeps)."""
    covered = [(m.start, m.end) for m in matches(text) if getattr(m.term, "approved", True)]
    return any(s <= phrase.start and phrase.end <= e for s, e in covered) or (
        bool(covered) and all(any(s <= pos < e for s, e in covered) for pos in _evidence_positions(phrase, text)))


def _evidence_positions(phrase: ForeignPhrase, text: str) -> list[int]:
    positions = []
    pos = phrase.start
    for word in phrase.evidence:
        at = text.find(word, pos, phrase.end)
        if at >= 0:
            positions.append(at)
            pos = at + len(word)
    return positions
