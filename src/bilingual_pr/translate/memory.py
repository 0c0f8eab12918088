"""Translation-memory lookup: exact, in-context (101 %) and fuzzy matches.

Exact matching compares sentences after Unicode NFC and whitespace folding.
A context match is an exact match whose previous and next sentences also
match the neighbours the unit had in its memory (``x-context-pre`` /
``x-context-post`` props when the TMX has them, otherwise the units before and
after it in the file). Fuzzy matching scores with rapidfuzz's normalized Indel
similarity (``fuzz.ratio``, 0-100) over a short list of candidates chosen by an
inverted word index weighted by rarity, so a 100,000-unit memory answers in
about a millisecond instead of scoring every unit.

Drafting (:class:`MemoryEngine`) ranks those candidates with the memory database's leverage
rules (``tm/leverage.py``: origin penalties, multiple translations, context matches, and the
placeable repair of a match that differs only in numbers, dates, times, symbols, addresses or
glossary terms). A repaired match is drafted as a fuzzy match (``tm-fuzzy``) flagged
``repaired``, never as an exact one; units that differ from a sentence only in such pieces are
found through a second index on their :func:`~bilingual_pr.tm.repair.skeleton`, however short.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Sequence

from bilingual_pr.formats.units import PROP_CONTEXT_POST, PROP_CONTEXT_PRE
from bilingual_pr.tm.leverage import DEFAULT_RULES, LeverageRules, Match as Leverage, rank_matches
from bilingual_pr.tm.units import StoredUnit, origin_from_props
from bilingual_pr.translate.base import Origin, Suggestion

if TYPE_CHECKING:
    from bilingual_pr.formats.units import TranslationUnit
    from bilingual_pr.tm.backend import TMBackend

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+", re.UNICODE)


def normalize(text: str) -> str:
    """Key used for exact matching: NFC, whitespace runs folded to one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    """One source/target pair of a memory, with the source sentences around it."""

    source: str
    target: str
    prev: str | None = None
    next: str | None = None
    origin: str = "tm"  # the memory's name (a file name): the drafting engine it is shown as
    unit_origin: str = "tm"  # where the pair came from, as the leverage rules rank it (tm/units.ORIGINS)
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A memory hit for a query sentence."""

    entry: MemoryEntry
    score: float  # 101 context, 100 exact, else fuzzy percentage
    kind: Literal["tm-context", "tm-exact", "tm-fuzzy"]


class TranslationMemory:
    """An in-memory index over memory entries for exact and fuzzy lookup."""

    def __init__(self, entries: Iterable[MemoryEntry], *, max_candidates: int = 100,
                 posting_budget: int = 40_000, source_lang: str | None = None,
                 target_lang: str | None = None) -> None:
        import numpy as np

        #: the sides' languages (None: unknown; then drafting repairs nothing)
        self.source_lang, self.target_lang = source_lang, target_lang
        self._skeletons: dict[str, list[int]] | None = None
        self._units: dict[int, StoredUnit] = {}
        self.entries: list[MemoryEntry] = []
        self._keys: list[str] = []
        self._exact: dict[str, list[int]] = {}
        vocab: dict[str, int] = {}
        postings: list[list[int]] = []
        for entry in entries:
            key = normalize(entry.source)
            if not key or not entry.target.strip():
                continue
            idx = len(self.entries)
            self.entries.append(entry)
            self._keys.append(key)
            self._exact.setdefault(key, []).append(idx)
            for word in set(_WORD.findall(key.lower())):
                wid = vocab.setdefault(word, len(vocab))
                if wid == len(postings):
                    postings.append([])
                postings[wid].append(idx)
        n = len(self.entries)
        self._vocab = vocab
        self._postings = [np.asarray(p, dtype=np.int32) for p in postings]
        self._idf = np.asarray([math.log((n + 1) / (len(p) + 0.5)) for p in postings], dtype=np.float32)
        self._lengths = np.asarray([len(k) for k in self._keys], dtype=np.int32)
        self.max_candidates = max_candidates
        self.posting_budget = posting_budget

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def from_units(cls, units: Iterable[TranslationUnit], origin: str = "tm",
                   **kw: Any) -> "TranslationMemory":
        """Build a memory from translation units read from one file, in file order."""
        units = list(units)
        entries = []
        for i, u in enumerate(units):
            props = dict(u.props)
            prev = props.get(PROP_CONTEXT_PRE, units[i - 1].source if i > 0 else None)
            nxt = props.get(PROP_CONTEXT_POST, units[i + 1].source if i + 1 < len(units) else None)
            unit_origin, confidence = origin_from_props(props)
            entries.append(MemoryEntry(u.source, u.target, prev, nxt, origin, unit_origin, confidence))
        if units and "source_lang" not in kw:
            kw = {"source_lang": units[0].source_lang, "target_lang": units[0].target_lang, **kw}
        return cls(entries, **kw)

    @classmethod
    def load(cls, paths: Sequence[str | Path], src_lang: str, tgt_lang: str) -> "TranslationMemory":
        """Read memory/bilingual files (TMX, XLIFF, TSV: formats/factory.py) for one direction and index them."""
        from bilingual_pr.formats.factory import memory_units

        entries: list[MemoryEntry] = []
        for path in paths:
            # The reader picks the sides by language, so a memory written in
            # the other direction serves as well.
            units = memory_units(path, src_lang, tgt_lang)
            # Units without a target still give their neighbours' context.
            entries.extend(e for e in cls.from_units(units, origin=Path(path).name).entries if e.target)
        return cls(entries, source_lang=src_lang, target_lang=tgt_lang)

    # ---------------------------------------------------------------- lookup

    def exact(self, sentence: str, prev: str | None = None, next: str | None = None) -> Match | None:
        """The exact match for a sentence, scored 101 when its neighbours match too."""
        hits = self._exact.get(normalize(sentence))
        if not hits:
            return None
        pk = normalize(prev) if prev is not None else None
        nk = normalize(next) if next is not None else None
        for idx in reversed(hits):  # the last unit wins, as in OmegaT
            e = self.entries[idx]
            if _same(e.prev, pk) and _same(e.next, nk):
                return Match(e, 101.0, "tm-context")
        return Match(self.entries[hits[-1]], 100.0, "tm-exact")

    def candidates(self, key: str, threshold: float) -> list[int]:
        """Entry indices worth scoring: most shared rare words, compatible length."""
        import numpy as np

        words = {self._vocab[w] for w in set(_WORD.findall(key.lower())) if w in self._vocab}
        if not words:
            return []
        ranked = sorted(words, key=lambda w: len(self._postings[w]))
        # Rare words first; very common ones ("de", "the") add little but cost
        # a lot, so stop once the posting budget is spent (keeping at least three).
        chosen: list[int] = []
        total = 0
        for w in ranked:
            size = len(self._postings[w])
            if len(chosen) >= 3 and total + size > self.posting_budget:
                break
            chosen.append(w)
            total += size
        ids = np.concatenate([self._postings[w] for w in chosen])
        weights = np.concatenate([np.full(len(self._postings[w]), self._idf[w], dtype=np.float32) for w in chosen])
        score_all = np.bincount(ids, weights=weights, minlength=len(self.entries))
        uniq = np.flatnonzero(score_all)
        score = score_all[uniq]
        # Indel similarity can reach the threshold only when lengths are close.
        n = len(key)
        lengths = self._lengths[uniq]
        ok = np.abs(lengths - n) <= (1 - threshold / 100.0) * (lengths + n)
        uniq, score = uniq[ok], score[ok]
        if len(uniq) > self.max_candidates:
            top = np.argpartition(-score, self.max_candidates)[: self.max_candidates]
            uniq = uniq[top]
        return uniq.tolist()

    def fuzzy(self, sentence: str, threshold: float = 75.0) -> Match | None:
        """The best fuzzy match at or above ``threshold`` percent (exact matches excluded)."""
        from rapidfuzz import fuzz

        key = normalize(sentence)
        best: tuple[float, int] | None = None
        for idx in self.candidates(key, threshold):
            cand = self._keys[idx]
            if cand == key:
                continue
            s = fuzz.ratio(key, cand, score_cutoff=threshold)
            if s and (best is None or s > best[0] or (s == best[0] and idx > best[1])):
                best = (s, idx)
        if best is None:
            return None
        # Floor, so 74.6 never shows as 75; a non-identical sentence is never 100 %.
        return Match(self.entries[best[1]], min(99.0, float(math.floor(best[0]))), "tm-fuzzy")

    def fuzzy_bruteforce(self, sentence: str, threshold: float = 75.0) -> Match | None:
        """Score every entry (for measuring the index's recall; slow)."""
        from rapidfuzz import fuzz, process

        key = normalize(sentence)
        best = None
        for _, s, idx in process.extract_iter(key, self._keys, scorer=fuzz.ratio, score_cutoff=threshold):
            if self._keys[idx] != key and (best is None or s > best[0]):
                best = (s, idx)
        return None if best is None else Match(self.entries[best[1]], min(99.0, float(math.floor(best[0]))), "tm-fuzzy")


    # ---------------------------------------------------------------- leverage (drafting)

    def skeleton_hits(self, sentence: str) -> list[int]:
        """Entries that may differ from the sentence only in numbers, dates, times, symbols or addresses.

        Looked up by :func:`~bilingual_pr.tm.repair.outline`, a cheap key that equal skeletons share;
        the leverage rules then check the real skeleton.
        """
        from bilingual_pr.tm.repair import outline

        if self.source_lang is None or not _repairable(sentence):
            return []
        if self._skeletons is None:
            # Built on first use: only sentences with a digit or an address can have a piece to repair.
            index: dict[str, list[int]] = {}
            for idx, key in enumerate(self._keys):
                if _repairable(key):
                    index.setdefault(outline(key), []).append(idx)
            self._skeletons = index
        return self._skeletons.get(outline(sentence), [])

    def leverage_candidates(self, sentence: str, threshold: float, limit: int = 10) -> list[int]:
        """Entry indices worth ranking: exact hits, skeleton hits, and the ``limit`` most similar index candidates."""
        from rapidfuzz import fuzz

        key = normalize(sentence)
        found = dict.fromkeys([*self._exact.get(key, ()), *self.skeleton_hits(sentence)])
        near = [(fuzz.ratio(key, self._keys[i]), i) for i in self.candidates(key, threshold) if i not in found]
        near.sort(reverse=True)
        found.update(dict.fromkeys(i for _, i in near[:limit]))
        return list(found)

    def stored_unit(self, idx: int) -> StoredUnit:
        """Entry ``idx`` as the unit the leverage rules rank (its index is its id: later entries are newer)."""
        unit = self._units.get(idx)
        if unit is None:
            e = self.entries[idx]
            unit = StoredUnit(idx, e.source, e.target, self.source_lang or "", self.target_lang or "", e.unit_origin,
                              e.confidence, e.origin, prev_source=e.prev, next_source=e.next)
            self._units[idx] = unit
        return unit


def _repairable(text: str) -> bool:
    """Whether a sentence may hold a repairable piece (every placeable needs a digit or an address)."""
    from bilingual_pr.lexical import has_digit

    return has_digit(text) or "@" in text or "://" in text or "www." in text.lower()


def _same(memory_side: str | None, doc_side: str | None) -> bool:
    return (memory_side is None and doc_side is None) or (
        memory_side is not None and doc_side is not None and normalize(memory_side) == doc_side)


@dataclass(frozen=True, slots=True)
class MemorySuggestion(Suggestion):
    """A memory's suggestion with how the leverage rules got it (repaired or not, and why it scores so).

    ``score`` is what drafts record as the match quality: 101 for a context match and 100 for an
    exact one (XLIFF readers tell a context match by its 101), else the leverage score;
    ``leverage`` is the score after penalties, which ranked it and met ``--fuzzy``.
    """

    repaired: bool = False
    penalties: tuple[tuple[str, float], ...] = ()
    changes: tuple[str, ...] = ()  # each substitution of a repair, "old target -> new target (old -> new source)"
    leverage: float | None = None

    @property
    def match_note(self) -> str | None:
        """``repaired 96``, ``exact 98; origin:aligned -2``: what a draft notes, None for an unremarkable match."""
        if not (self.repaired or self.penalties):
            return None
        kind = "repaired" if self.repaired else {"tm-context": "context", "tm-exact": "exact"}.get(self.origin, "fuzzy")
        why = ", ".join(f"{name} -{points:g}" for name, points in self.penalties)
        return f"{kind} {self.leverage:g}" + (f"; {why}" if why else "")


_DRAFT_ORIGIN: dict[str, Origin] = {"context": "tm-context", "exact": "tm-exact", "repaired": "tm-fuzzy",
                                   "fuzzy": "tm-fuzzy"}


class MemoryEngine:
    """The translation-memory step of drafting: context, exact, repaired, then fuzzy matches (tm/leverage.py)."""

    def __init__(self, memory: TranslationMemory, threshold: float = 75.0, name: str = "tm", *,
                 glossary: object | None = None, rules: LeverageRules = DEFAULT_RULES) -> None:
        self.memory, self.threshold, self.name = memory, threshold, name
        self.glossary, self.rules = glossary, rules
        if memory.source_lang is None or memory.target_lang is None:
            # Without the sides' languages no number can be read: rank, but repair nothing.
            from dataclasses import replace

            self.rules = replace(rules, repair=False)

    def best(self, sources: Sequence[str], i: int) -> Leverage | None:
        """The best leverage for sentence ``i`` (its neighbours give context matches), None below the threshold."""
        sentence = sources[i]
        prev, nxt = _neighbours(sources, i)
        floor = min(self.threshold, 100.0)
        ids = self.memory.leverage_candidates(sentence, floor)
        if not ids:
            return None
        ranked = rank_matches(sentence, [self.memory.stored_unit(j) for j in ids], prev_source=prev,
                              next_source=nxt, rules=self.rules, target_lang=self.memory.target_lang or "en",
                              glossary=self.glossary)
        return _taken(ranked, self.threshold)

    def label(self, m: Leverage) -> str:
        """The memory a match came from, as drafts name its engine (the file's name)."""
        return self.memory.entries[m.unit.id].origin

    def suggest(self, sources: Sequence[str], todo: Sequence[int]) -> list[Suggestion | None]:
        """Look every sentence in ``todo`` up, using its neighbours for context matches."""
        return [None if (m := self.best(sources, i)) is None else memory_suggestion(m, self.label(m)) for i in todo]


def memory_suggestion(m: Leverage, engine: str) -> MemorySuggestion:
    """What a draft records for a leverage match, whichever memory (file or database) it came from."""
    shown = {"context": 101.0, "exact": 100.0}.get(m.kind, m.score)
    return MemorySuggestion(m.target, _DRAFT_ORIGIN[m.kind], engine, shown, m.unit.source, m.repaired,
                            m.penalties, tuple(map(str, m.changes)), m.score)


def _taken(ranked: Sequence[Leverage], threshold: float) -> Leverage | None:
    """The first match drafting takes: an exact or context one, or one at or above ``threshold`` (101: none fuzzy)."""
    for m in ranked:
        if m.is_exact or (threshold <= 100 and m.score >= threshold):
            return m
    return None


def _neighbours(sources: Sequence[str], i: int) -> tuple[str | None, str | None]:
    return (sources[i - 1] if i > 0 else None), (sources[i + 1] if i + 1 < len(sources) else None)


class DatabaseMemoryEngine:
    """The translation-memory step of drafting from a memory database (``tm/``): its index's candidates, ranked.

    The same leverage rules as :class:`MemoryEngine` (``tm.search``'s candidates, ``rank_matches``),
    and the same suggestions (:func:`memory_suggestion`).
    """

    def __init__(self, backend: TMBackend, source_lang: str, target_lang: str, threshold: float = 75.0,
                 name: str | None = None, *, glossary: object | None = None,
                 rules: LeverageRules = DEFAULT_RULES) -> None:
        self.backend, self.source_lang, self.target_lang = backend, source_lang, target_lang
        self.threshold, self.name = threshold, name or database_name(backend.location)
        self.glossary, self.rules = glossary, rules

    def best(self, sources: Sequence[str], i: int) -> Leverage | None:
        """The best leverage for sentence ``i`` from the database, None below the threshold."""
        from bilingual_pr.tm.search import CANDIDATES

        prev, nxt = _neighbours(sources, i)
        found = self.backend.candidates(sources[i], self.source_lang, self.target_lang, CANDIDATES)
        return _taken(rank_matches(sources[i], found, prev_source=prev, next_source=nxt, rules=self.rules,
                                   target_lang=self.target_lang, glossary=self.glossary), self.threshold)

    def label(self, m: Leverage) -> str:
        """The database a match came from, as drafts name its engine."""
        return self.name

    def suggest(self, sources: Sequence[str], todo: Sequence[int]) -> list[Suggestion | None]:
        """Look every sentence in ``todo`` up, using its neighbours for context matches."""
        return [None if (m := self.best(sources, i)) is None else memory_suggestion(m, self.name) for i in todo]


def database_name(location: str) -> str:
    """A memory database as drafts name it: the SQLite file's name, or ``postgresql:`` and the database (no password)."""
    from urllib.parse import urlsplit

    from bilingual_pr.tm import POSTGRES_SCHEMES

    if location.startswith(POSTGRES_SCHEMES):
        return "postgresql:" + urlsplit(location).path.lstrip("/")
    return Path(location).name


class MemoryEngines:
    """Several memories (files and databases) as one drafting step: each sentence takes the best match of any."""

    def __init__(self, engines: Sequence[MemoryEngine | DatabaseMemoryEngine], name: str = "tm") -> None:
        self.engines, self.name = list(engines), name

    def suggest(self, sources: Sequence[str], todo: Sequence[int]) -> list[Suggestion | None]:
        """Look every sentence in ``todo`` up in every memory; the leverage order picks among their best matches."""
        from bilingual_pr.tm.leverage import best_first

        out: list[Suggestion | None] = []
        for i in todo:
            found = {}
            for engine in self.engines:
                m = engine.best(sources, i)
                if m is not None:
                    found[id(m)] = (m, engine.label(m))
            ranked = best_first([m for m, _ in found.values()])
            out.append(memory_suggestion(ranked[0], found[id(ranked[0])][1]) if ranked else None)
        return out


@dataclass
class Memories:
    """The memories of a ``--tm`` list, opened: the files' units indexed, the databases connected (close them)."""

    files: TranslationMemory | None
    databases: list[TMBackend]

    def engine(self, threshold: float, glossary: object | None, source_lang: str, target_lang: str) -> MemoryEngines:
        """The drafting step over all of them."""
        engines: list[MemoryEngine | DatabaseMemoryEngine] = []
        if self.files is not None:
            engines.append(MemoryEngine(self.files, threshold, glossary=glossary))
        engines += [DatabaseMemoryEngine(db, source_lang, target_lang, threshold, glossary=glossary)
                    for db in self.databases]
        return MemoryEngines(engines)

    def close(self) -> None:
        """Close the databases."""
        for db in self.databases:
            db.close()
        self.databases = []


def open_memories(paths: Sequence[str | Path], src_lang: str, tgt_lang: str) -> Memories:
    """Read the memory files and open the databases of a ``--tm`` list (UserError, nothing left open, if one fails).

    A database is a ``postgresql://`` URL or an SQLite file (``tm.is_database``); it must exist
    already (drafting never creates one) and have a schema this version reads.
    """
    from bilingual_pr.tm import is_database, open_tm

    files = [p for p in paths if not is_database(p)]
    databases: list[TMBackend] = []
    try:
        for p in paths:
            if is_database(p):
                databases.append(open_tm(p, create=False))
        memory = TranslationMemory.load(files, src_lang, tgt_lang) if files else None
    except BaseException:
        for db in databases:
            db.close()
        raise
    return Memories(memory, databases)
