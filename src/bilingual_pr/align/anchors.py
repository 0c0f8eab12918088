"""Lexical anchors that survive translation: numbers, symbols, URLs, names, acronyms, cognates, glossary terms.

Numbers, clock times, document symbols and addresses are :mod:`bilingual_pr.lexical`'s placeables,
keyed on their normalised value, so the aligner and the QA numbers check read them alike.

Each sentence becomes a small weighted set of keys ("n:2013", "c:orga", "g:<entry id>").
A bead's feature is a smoothed, weighted Dice overlap of the key sets of its two
sides, with unmatched keys counting against it: near 1 for a true pair rich in
anchors, 0 when there is no evidence, negative when anchors disagree.
"""

from __future__ import annotations

import functools
import re
from array import array
from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence

import numpy as np

from bilingual_pr.align.base import Band
from bilingual_pr.lexical import MONTHS, fold, placeables

# Weights per anchor class: fixed by judgement (how rarely the class matches by
# chance), not tuned; the scorer's overall weight is tuned (docs/alignment.md).
W_URL = 1.5
W_SYMBOL = 1.5
W_NUMBER = 1.0
W_MONTH = 0.8
W_ACRONYM = 1.0
W_NAME = 0.8
W_GLOSSARY = 1.0
W_QUOTE = 0.4
W_COGNATE = 0.3

_WORD = re.compile(r"[^\W\d_]+")
# The same on a folded ASCII text (lower case only): twice as fast as the negated Unicode class.
_ASCII_WORD = re.compile(r"[a-z]+")
_QUOTES = re.compile(r"[«»“”„\"]")
# Month names, folded, with their number: any month name anchors (dates or not); the QA reads months in dates only.
_MONTHS = {fold(name): month for table in MONTHS.values() for name, month in table.items() if not name.endswith(".")}
_PLACEABLE_WEIGHT = {"url": W_URL, "email": W_URL, "symbol": W_SYMBOL, "time": W_NUMBER, "number": W_NUMBER}
# Function words of four letters or more: their prefixes are not cognate evidence.
_STOP = frozenset(
    """
    pour dans avec sont cette leur leurs plus tous toutes tout aussi mais comme entre elle elles nous vous
    etre etait sera seront ainsi donc dont selon sans sous vers apres avant depuis lors tres autre autres
    meme celle celui ceux deja encore alors chaque quand quel quelle quels quelles notre votre avoir fait
    that with from this have been will their which also were they more than these those such into when
    where while there would could should about other some what over under after before because between
    only most very much many each them does done being upon your here said says
    """.split()
)

# Capitalised words that do not start the sentence and are not all capitals: proper names.
_NAME = re.compile(r"(?<=[\s(«“\"'’\-])[A-ZÀ-ÖØ-Þ][^\W\d_]*[a-zß-ÿ][^\W\d_]*")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]*[A-Z]\b")


# Words, names and acronyms recur from sentence to sentence (Geneva, Nations, Council): each one's key is made once.
@functools.lru_cache(maxsize=1 << 16)
def _cognate_key(word: str) -> str | None:
    return "c:" + word[:4] if len(word) >= 4 and word not in _STOP else None


@functools.lru_cache(maxsize=1 << 16)
def _name_key(word: str) -> str | None:
    f = fold(word)
    return "c:" + f[:4] if len(f) >= 4 and f not in _STOP and f not in _MONTHS else None


@functools.lru_cache(maxsize=1 << 14)
def _acronym_key(word: str) -> str:
    # Acronyms are often permuted between languages (ONUG/UNOG): key on the letter set.
    return "a:" + "".join(sorted(set(word.lower())))


def extract_anchors(text: str, matcher: Any | None = None, lang: str | None = None) -> dict[str, float]:
    """The weighted anchor keys of one sentence (``matcher``: a glossary TermMatcher or None; ``lang``: its locale)."""
    keys: dict[str, float] = {}
    rest = text
    found = placeables(text, lang)
    if found:
        # The placeable's own key (lexical.Placeable.key): equal keys are a match for the QA numbers check too.
        for p in found:
            keys[p.key] = _PLACEABLE_WEIGHT[p.kind]
        # Their words (p.m., heures, the letters of a symbol or an address) are no names or cognates.
        for p in found:
            if p.kind != "number":
                rest = rest[:p.start] + " " * (p.end - p.start) + rest[p.end:]
    if _QUOTES.search(rest):
        keys["q:"] = W_QUOTE
    # A headline in capitals: its capitalised words are neither names nor acronyms.
    shouting = rest == rest.upper() and len(rest) > 12
    low = fold(rest)
    words = (_ASCII_WORD if low.isascii() else _WORD).findall(low)
    # Only placeable keys (n:, t:, s:, u:) and q: are in yet, so update() adds each c: key at its first place, as
    # setdefault() word by word would; the per-word keys are cached and the loops run in C.
    keys.update(dict.fromkeys(filter(None, map(_cognate_key, words)), W_COGNATE))
    for w in _MONTHS.keys() & set(words):
        keys[f"m:{_MONTHS[w]}"] = W_MONTH
    if not shouting:
        # update() sets each key as keys[k] = w would (a cognate's key keeps its place, takes the name's weight).
        keys.update(dict.fromkeys(filter(None, map(_name_key, _NAME.findall(rest))), W_NAME))
        keys.update(dict.fromkeys(map(_acronym_key, _ACRONYM.findall(rest)), W_ACRONYM))
    if matcher is not None:
        for tm in matcher.find(text):
            keys[f"g:{tm.entry.id}"] = W_GLOSSARY
    return keys


@dataclass(slots=True)
class AnchorScorer:
    """Smoothed weighted-Dice overlap of anchor keys; optional glossary matchers make terms anchors."""

    src_matcher: Any | None = None
    tgt_matcher: Any | None = None
    #: how much an unmatched anchor counts against a bead, relative to a matched one
    mismatch: float = 0.5
    #: smoothing mass: few anchors give weak evidence
    smoothing: float = 2.0
    #: keys found in more than this share of sentences (and more than 10) are ignored
    max_df: float = 0.05
    # The Scorer contract's read-only attributes: class constants, not fields.
    name: ClassVar[str] = "anchors"
    default_weight: ClassVar[float] = 8.0
    coarse: ClassVar[bool] = True
    #: the sides' languages, whose locales read the numbers (None: any locale, see lexical.placeables)
    src_lang: str | None = None
    tgt_lang: str | None = None

    @classmethod
    def with_glossary(cls, glossary: Any, src_lang: str = "fr", tgt_lang: str = "en") -> "AnchorScorer":
        """An anchor scorer that also treats glossary concepts found on both sides as anchors."""
        from bilingual_pr.glossary import TermMatcher

        return cls(TermMatcher(glossary, src_lang[:2]), TermMatcher(glossary, tgt_lang[:2]), src_lang=src_lang,
                   tgt_lang=tgt_lang)

    def prepare(self, src: Sequence[str], tgt: Sequence[str]) -> "PreparedAnchors":
        """Extract the anchors of every sentence and index them by key."""
        vocab: dict[str, int] = {}
        sides = []
        for sents, matcher, lang in ((src, self.src_matcher, self.src_lang), (tgt, self.tgt_matcher, self.tgt_lang)):
            # One sentence's keys at a time into flat typed arrays: holding every sentence's dict until the end
            # cost 40 MB on 20,000 sentences, and their release made the next allocations fault in fresh pages.
            id_list, wt_list, count_list = array("q"), array("d"), array("q")
            for text in sents:
                keys = extract_anchors(text, matcher, lang)
                count_list.append(len(keys))
                id_list.extend([vocab.setdefault(k, len(vocab)) for k in keys])
                wt_list.extend(keys.values())
            counts = np.frombuffer(count_list, dtype=np.int64) if count_list else np.zeros(0, np.int64)
            ids = np.frombuffer(id_list, dtype=np.int64) if id_list else np.zeros(0, np.int64)
            wts = np.frombuffer(wt_list, dtype=np.float64) if wt_list else np.zeros(0, np.float64)
            sides.append((ids, np.repeat(np.arange(len(sents), dtype=np.int64), counts), wts))
        (sk, ss, sw), (tk, ts, tw) = sides
        n, m, v = len(src), len(tgt), len(vocab)
        df_s = np.bincount(sk, minlength=v)
        df_t = np.bincount(tk, minlength=v)
        # Keys as common as function words say nothing, matched or not: drop them from the masses too.
        common = (df_s > max(10, self.max_df * n)) | (df_t > max(10, self.max_df * m))
        ssize = np.bincount(ss, weights=np.where(common[sk], 0.0, sw), minlength=n) if len(sk) else np.zeros(n)
        tsize = np.bincount(ts, weights=np.where(common[tk], 0.0, tw), minlength=m) if len(tk) else np.zeros(m)
        usable = (df_s > 0) & (df_t > 0) & ~common
        keep_s = usable[sk] if len(sk) else np.zeros(0, bool)
        keep_t = usable[tk] if len(tk) else np.zeros(0, bool)
        order = np.argsort(tk[keep_t] * (m + 1) + ts[keep_t], kind="stable")
        t_code = (tk[keep_t] * (m + 1) + ts[keep_t])[order]
        return PreparedAnchors(
            n, m, sk[keep_s], ss[keep_s], sw[keep_s], t_code, tw[keep_t][order],
            np.concatenate([[0.0], np.cumsum(ssize)]), np.concatenate([[0.0], np.cumsum(tsize)]),
            self.mismatch, self.smoothing, self.max_df,
        )


@dataclass(slots=True)
class PreparedAnchors:
    """Anchor occurrences of one document pair, ready for band-limited joins."""

    n: int
    m: int
    s_key: np.ndarray
    s_sent: np.ndarray
    s_w: np.ndarray
    t_code: np.ndarray  # key * (m + 1) + sentence, sorted
    t_w: np.ndarray
    cs: np.ndarray  # prefix sums of per-sentence anchor mass
    ct: np.ndarray
    mismatch: float
    smoothing: float
    max_df: float = 0.05
    _band: Band | None = field(default=None, repr=False)
    _pair: np.ndarray | None = field(default=None, repr=False)

    def coarsen(self, k: int) -> "PreparedAnchors":
        """The same evidence for groups of k consecutive sentences (for the coarse pass; no re-extraction)."""
        n2, m2 = -(-self.n // k), -(-self.m // k)

        def group(keys: np.ndarray, sents: np.ndarray, w: np.ndarray, size: int):
            code = keys * (size + 1) + sents // k
            uniq, inv = np.unique(code, return_inverse=True)
            wmax = np.zeros(len(uniq))
            np.maximum.at(wmax, inv, w)
            lost = np.bincount(sents // k, weights=w, minlength=size) - np.bincount(uniq % (size + 1), weights=wmax,
                                                                                   minlength=size)
            return uniq // (size + 1), uniq % (size + 1), wmax, lost

        sk, ss, sw, lost_s = group(self.s_key, self.s_sent, self.s_w, n2)
        tk, ts, tw, lost_t = group(self.t_code // (self.m + 1), self.t_code % (self.m + 1), self.t_w, m2)
        # Group masses: the members' masses, less the anchors now counted once per group.
        ms = np.diff(self.cs[np.minimum(np.arange(n2 + 1) * k, self.n)]) - lost_s
        mt = np.diff(self.ct[np.minimum(np.arange(m2 + 1) * k, self.m)]) - lost_t
        v = int(max(sk.max(initial=-1), tk.max(initial=-1))) + 1
        common = (np.bincount(sk, minlength=v) > max(10, self.max_df * n2)) | \
                 (np.bincount(tk, minlength=v) > max(10, self.max_df * m2))
        ms -= np.bincount(ss, weights=np.where(common[sk], sw, 0.0), minlength=n2) if len(sk) else 0.0
        mt -= np.bincount(ts, weights=np.where(common[tk], tw, 0.0), minlength=m2) if len(tk) else 0.0
        keep_s, keep_t = ~common[sk], ~common[tk]
        return PreparedAnchors(
            n2, m2, sk[keep_s], ss[keep_s], sw[keep_s], tk[keep_t] * (m2 + 1) + ts[keep_t], tw[keep_t],
            np.concatenate([[0.0], np.cumsum(np.maximum(ms, 0.0))]),
            np.concatenate([[0.0], np.cumsum(np.maximum(mt, 0.0))]),
            self.mismatch, self.smoothing, self.max_df,
        )

    def pair_matches(self, band: Band) -> np.ndarray:
        """Matched anchor mass of sentence pair (i-1, j-1) for every band cell (i, j)."""
        if self._band is band and self._pair is not None:
            return self._pair
        out = np.zeros(band.size, dtype=np.float64)
        if len(self.s_key) and len(self.t_code):
            # A target sentence t can pair with source s only when cell (s+1, t+1) is in the band.
            row = self.s_sent + 1
            lo_t = np.maximum(band.lo[row] - 1, 0)
            hi_t = band.hi[row] - 1
            base = self.s_key * (self.m + 1)
            start = np.searchsorted(self.t_code, base + lo_t, side="left")
            end = np.searchsorted(self.t_code, base + hi_t, side="right")
            cnt = np.maximum(end - start, 0)
            total = int(cnt.sum())
            if total:
                first = np.cumsum(cnt) - cnt
                pos = np.repeat(start - first, cnt) + np.arange(total)
                s = np.repeat(self.s_sent, cnt)
                t = self.t_code[pos] % (self.m + 1)
                w = (np.repeat(self.s_w, cnt) + self.t_w[pos]) / 2.0
                flat = band.index(s + 1, t + 1)
                ok = flat >= 0
                out = np.bincount(flat[ok], weights=w[ok], minlength=band.size).astype(np.float64)
        self._band, self._pair = band, out
        return out

    def score(self, band: Band, a: int, b: int, out: np.ndarray | None = None) -> np.ndarray:
        """Smoothed weighted Dice of the bead's anchor sets, unmatched anchors counting against."""
        pair = self.pair_matches(band)
        ok, bad, i0, j0 = band.starts(a, b)
        out = np.empty(band.size) if out is None else out
        # In the band's scratch arrays: this runs for every bead shape over every band cell.
        matched, val = band.work("scorer0"), band.work("scorer1")
        matched.fill(0.0)
        for da in range(a):
            for db in range(b):
                idx = band.shift_index(da, db)
                np.take(pair, np.maximum(idx, 0, out=band.work("scorer_int", np.int64)), out=val)
                np.copyto(val, 0.0, where=np.less(idx, 0, out=band.work("scorer_bool", np.bool_)))
                matched += val
        mass_s, mass_t, tmp = band.work("scorer2"), band.work("scorer3"), band.work("scorer4")
        np.subtract(np.take(self.cs, band.rows, out=mass_s), np.take(self.cs, i0, out=tmp), out=mass_s)
        np.subtract(np.take(self.ct, band.cols, out=mass_t), np.take(self.ct, j0, out=tmp), out=mass_t)
        # Summing pair overlaps can count one key twice in multi-sentence beads.
        np.minimum(matched, np.minimum(mass_s, mass_t, out=tmp), out=matched)
        unmatched = np.add(mass_s, mass_t, out=tmp)
        unmatched -= np.multiply(matched, 2.0, out=val)
        unmatched *= self.mismatch
        numerator = np.subtract(val, unmatched, out=val)
        denominator = np.add(mass_s, mass_t, out=tmp)
        denominator += self.smoothing
        np.divide(numerator, denominator, out=out)
        np.copyto(out, 0.0, where=bad)
        return out
