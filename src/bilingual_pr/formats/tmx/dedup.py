"""Duplicate and conflict arithmetic over 64-bit pair keys, for ``tmx stats`` and ``tmx merge``.

The keys come as ``array('q')`` (8 bytes a unit). A large memory is worked with numpy sorts, in
flat arrays; a small one (a release's tens of units) with dicts, because importing numpy alone
costs more CPU (about 0.1 s) than the whole command otherwise does at that size (issue 22). Both
paths give the same answers (``tests/test_tmx_dedup.py`` compares them on random keys).
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter

from bilingual_pr.formats.tmx.reader import lang_base

# Below this many units the dict path costs less than importing numpy (0.3-1 µs a unit against
# about 0.1 s) and its memory (some 200 bytes a unit) stays small.
SMALL = 50_000


@functools.lru_cache(maxsize=256)
def _bases(source_lang: str, target_lang: str) -> tuple[str, str]:
    return lang_base(source_lang), lang_base(target_lang)


def pair_keys(source_lang: str, target_lang: str, source: str, target: str) -> tuple[int, int]:
    """The 64-bit keys of a unit's (languages, source, target) and (languages, source): same pair, same key."""
    langs = _bases(source_lang, target_lang)
    # Python's 64-bit string hashing: a false duplicate needs a collision (about 1e-7 for 1M pairs).
    return hash((langs, source, target)), hash((langs, source))


def distinct(pairs: array, sources: array, small: int = SMALL) -> tuple[int, int]:
    """How many distinct pairs, and how many sources have more than one distinct pair."""
    if len(pairs) < small:
        first: dict[int, int] = {}
        for pair, source in zip(pairs, sources):
            first.setdefault(pair, source)
        per_source = Counter(first.values())
        return len(first), sum(1 for count in per_source.values() if count > 1)
    import numpy as np

    pair_arr = np.frombuffer(pairs, dtype=np.int64)
    src_arr = np.frombuffer(sources, dtype=np.int64)
    unique, index = np.unique(pair_arr, return_index=True)
    _, per = np.unique(src_arr[index], return_counts=True)
    return int(unique.size), int((per > 1).sum())


def merge_actions(pairs: array, sources: array, dates: array, small: int = SMALL) -> tuple[list[int], int, int]:
    """What merge does with each unit, how many sources conflict, how many units are kept.

    Per identical pair the newest unit wins (the first met among equals). A source with more than
    one winning target keeps them all, its newest moved last (OmegaT: the last one wins). Each
    unit's action: 0 drop, 1 write in the first pass, 3 the same and a conflict's member, 2 write last.
    """
    if len(pairs) < small:
        return _merge_actions_dicts(pairs, sources, dates)
    return _merge_actions_numpy(pairs, sources, dates)


def _merge_actions_dicts(pairs: array, sources: array, dates: array) -> tuple[list[int], int, int]:
    best: dict[int, int] = {}
    for i, pair in enumerate(pairs):
        j = best.get(pair)
        if j is None or dates[i] > dates[j]:
            best[pair] = i
    groups: dict[int, list[int]] = {}
    for i in best.values():
        groups.setdefault(sources[i], []).append(i)
    actions = [0] * len(pairs)
    for i in best.values():
        actions[i] = 1
    conflicts = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        conflicts += 1
        for i in members:
            actions[i] = 3
        newest = max(members, key=lambda i: (dates[i], i))
        if newest != max(members):
            actions[newest] = 2
    return actions, conflicts, len(best)


def _merge_actions_numpy(pairs: array, sources: array, dates: array) -> tuple[list[int], int, int]:
    import numpy as np

    n = len(pairs)
    keep = np.zeros(n, dtype=bool)
    last = np.zeros(n, dtype=bool)
    member = np.zeros(n, dtype=bool)
    n_conflicts = 0
    if n:
        pair_arr = np.frombuffer(pairs, dtype=np.int64)
        src_arr = np.frombuffer(sources, dtype=np.int64)
        date_arr = np.frombuffer(dates, dtype=np.int64)
        idx = np.arange(n)
        # Per identical pair: the newest, then the first met.
        order = np.lexsort((idx, -date_arr, pair_arr))
        head = np.ones(n, dtype=bool)
        head[1:] = pair_arr[order][1:] != pair_arr[order][:-1]
        winners = order[head]
        keep[winners] = True
        # Sources with more than one kept target: all kept, the newest last (OmegaT: last one wins).
        srcs, counts = np.unique(src_arr[winners], return_counts=True)
        conflicted = srcs[counts > 1]
        n_conflicts = int(conflicted.size)
        if n_conflicts:
            members = winners[np.isin(src_arr[winners], conflicted)]
            member[members] = True
            by_date = members[np.lexsort((members, date_arr[members], src_arr[members]))]
            by_pos = members[np.lexsort((members, src_arr[members]))]
            ends = np.ones(members.size, dtype=bool)
            ends[:-1] = src_arr[by_date][:-1] != src_arr[by_date][1:]
            # Same grouping in both orders, so the group ends line up: newest vs last in the stream.
            move = by_date[ends][by_date[ends] != by_pos[ends]]
            last[move] = True
    # 0: drop; 1: write in the first pass (3: and it is a conflict example); 2: write last.
    action = (keep & ~last).astype(np.int8) + 2 * last + 2 * (keep & ~last & member)
    return action.tolist(), n_conflicts, int(keep.sum())
