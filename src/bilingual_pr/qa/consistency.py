"""Consistency across a whole input, kept to hashes so memory stays small.

Each unit adds three 64-bit integers (source hash, target hash, index) to
growable arrays; the groups are found at the end with one numpy sort, or with
dicts for a small input (numpy's import alone costs more than checking a release,
issue 22). The texts of the few units involved are fetched afterwards by the runner.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bilingual_pr.qa.model import CheckSetup, Family, Finding, Segment, UnitCheck, finding
from bilingual_pr.qa.terms import TermMatching, Usage, concept_findings, merge_usage, term_matching

if TYPE_CHECKING:
    import numpy as np

# Below this many units the groups are found with dicts: faster than importing numpy (about 0.1 s).
SMALL = 50_000

_FOLD_PAIRS = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'), ("‐", "-"), ("–", "-"))


def loose_key(text: str) -> str:
    """Text reduced to what a reviewer would call "the same": case, spaces and quote styles folded."""
    if not text.isascii():
        # Chained replace() is C-fast; str.translate with a dict is not.
        for a, b in _FOLD_PAIRS:
            if a in text:
                text = text.replace(a, b)
    # str.split() splits on every Unicode space, no-break ones included. Every space but " " is
    # unprintable, so a printable text without doubled or edge spaces is already joined (this
    # skips building a list of its words, the larger part of the cost).
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text.casefold()
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class Conflict:
    """A unit whose rendering differs from the usual one of its group (``reference`` is that usual unit)."""

    check: str
    unit: int
    reference: int


class ConsistencyTracker:
    """Collects per-unit hashes and finds same-source/different-target groups and the reverse."""

    def __init__(self, small: int = SMALL) -> None:
        self.small = small
        self._src = array("q")
        self._tgt = array("q")
        self._idx = array("q")

    def add(self, seg: Segment) -> None:
        """Record one unit (empty targets are left out: they are reported as untranslated)."""
        if not seg.target.strip() or not seg.source.strip():
            return
        self._src.append(hash(loose_key(seg.source)))
        self._tgt.append(hash(loose_key(seg.target)))
        self._idx.append(seg.index)

    def extend(self, other: "ConsistencyTracker", offset: int = 0) -> None:
        """Append the records of another tracker (a worker's batch; same hash seed, as after fork).

        ``offset`` is added to its unit numbers (a worker that numbered its piece from 0).
        """
        self._src.extend(other._src)
        self._tgt.extend(other._tgt)
        if offset:
            import numpy as np

            self._idx.extend(array("q", (np.frombuffer(other._idx, dtype=np.int64) + offset).tobytes()))
        else:
            self._idx.extend(other._idx)

    def __len__(self) -> int:
        return len(self._idx)

    def conflicts(self) -> list[Conflict]:
        """All units that break consistency, each with the unit showing the majority rendering."""
        if not self._idx:
            return []
        if len(self._idx) < self.small:
            return (_groups_dicts("inconsistent-target", self._src, self._tgt, self._idx)
                    + _groups_dicts("inconsistent-source", self._tgt, self._src, self._idx))
        import numpy as np

        src = np.frombuffer(self._src, dtype=np.int64)
        tgt = np.frombuffer(self._tgt, dtype=np.int64)
        idx = np.frombuffer(self._idx, dtype=np.int64)
        return (_groups("inconsistent-target", src, tgt, idx)
                + _groups("inconsistent-source", tgt, src, idx))


def _groups_dicts(check: str, key: array, value: array, idx: array) -> list[Conflict]:
    """:func:`_groups` for a small input, with dicts: the same conflicts in the same order."""
    groups: dict[int, list[tuple[int, int]]] = {}
    for k, v, i in zip(key, value, idx):
        groups.setdefault(k, []).append((v, i))
    out: list[Conflict] = []
    for k in sorted(groups):
        rows = groups[k]
        if len(rows) < 2 or all(v == rows[0][0] for v, _ in rows):
            continue
        rows.sort()
        first: dict[int, int] = {}
        count: dict[int, int] = {}
        for val, unit in rows:
            first.setdefault(val, unit)
            count[val] = count.get(val, 0) + 1
        usual = min(count, key=lambda val: (-count[val], first[val]))
        ref = first[usual]
        out.extend(Conflict(check, unit, ref) for val, unit in rows if val != usual)
    return out


def _groups(check: str, key: np.ndarray, value: np.ndarray, idx: np.ndarray) -> list[Conflict]:
    import numpy as np

    order = np.lexsort((idx, value, key))
    k, v, i = key[order], value[order], idx[order]
    same_key = k[1:] == k[:-1]
    differs = same_key & (v[1:] != v[:-1])
    if not differs.any():
        return []
    out: list[Conflict] = []
    bad_keys = np.unique(k[1:][differs])
    starts = np.searchsorted(k, bad_keys, side="left")
    ends = np.searchsorted(k, bad_keys, side="right")
    for a, b in zip(starts.tolist(), ends.tolist()):
        vals, units = v[a:b].tolist(), i[a:b].tolist()
        first: dict[int, int] = {}
        count: dict[int, int] = {}
        for val, unit in zip(vals, units):
            first.setdefault(val, unit)
            first[val] = min(first[val], unit)
            count[val] = count.get(val, 0) + 1
        # The usual rendering: the most frequent, then the earliest.
        usual = min(count, key=lambda val: (-count[val], first[val]))
        ref = first[usual]
        out.extend(Conflict(check, unit, ref) for val, unit in zip(vals, units) if val != usual)
    return out


def _label(seg: Segment) -> str:
    return f"unit {seg.id}" if seg.id else f"unit #{seg.index + 1}"


def _clip(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def conflict_findings(conflicts: list[Conflict], segments: dict[int, Segment],
                      neighbours_judged: bool = False) -> list[Finding]:
    """Turn conflicts into findings a reviewer can act on, quoting the other rendering.

    ``neighbours_judged``: the misaligned family judges two neighbouring units of one document with the
    same target (which of them the target does not translate), so no ``inconsistent-source`` is given for them.
    """
    out = []
    for c in conflicts:
        seg, ref = segments.get(c.unit), segments.get(c.reference)
        if seg is None or ref is None:
            continue
        if neighbours_judged and c.check == "inconsistent-source" and abs(c.unit - c.reference) == 1 \
                and seg.doc == ref.doc:
            continue
        if c.check == "inconsistent-target":
            msg = (f"The same source is translated differently in {_label(ref)}: “{_clip(ref.target)}”.")
            out.append(finding(c.check, msg, c.unit, (), ((0, len(seg.target)),), suggestion=ref.target,
                               related=(c.reference,)))
        else:
            msg = (f"The same target translates a different source in {_label(ref)}: “{_clip(ref.source)}”.")
            out.append(finding(c.check, msg, c.unit, ((0, len(seg.source)),), (), related=(c.reference,)))
    return out


class ConsistencyPass:
    """The consistency family's pass over the whole input: unit hashes, and the glossary's concept renderings."""

    def __init__(self, terms: TermMatching | None, neighbours_judged: bool = False) -> None:
        self._terms = terms
        self._neighbours_judged = neighbours_judged
        self._part = ConsistencyTracker()   # added here since the last take
        self._tracker = ConsistencyTracker()  # merged: the whole input
        self._usage: Usage = {}
        self._conflicts: list[Conflict] | None = None
        self._concept: list[Finding] = []

    def add(self, seg: Segment) -> None:
        """Record one unit's hashes."""
        self._part.add(seg)

    def take(self) -> tuple[ConsistencyTracker, Usage]:
        """The hashes and renderings recorded since the last call."""
        part, self._part = self._part, ConsistencyTracker()
        return part, self._terms.take_usage() if self._terms is not None else {}

    def merge(self, taken: Any, offset: int) -> None:
        """Add a take's hashes and renderings, unit numbers shifted by ``offset``."""
        tracker, usage = taken
        self._tracker.extend(tracker, offset)
        merge_usage(self._usage, usage, offset)

    def wanted(self) -> set[int]:
        """The units the conflicts and concept findings quote."""
        self._conflicts = self._tracker.conflicts()
        self._concept = concept_findings(self._usage)
        wanted = {c.unit for c in self._conflicts} | {c.reference for c in self._conflicts}
        return wanted | {f.unit for f in self._concept} | {r for f in self._concept for r in f.related}

    def findings(self, segments: dict[int, Segment]) -> list[Finding]:
        """Conflict findings (quoting ``segments``), then concept findings."""
        if self._conflicts is None:
            self.wanted()
        assert self._conflicts is not None
        return conflict_findings(self._conflicts, segments, self._neighbours_judged) + self._concept


def _unit_check(setup: CheckSetup) -> UnitCheck | None:
    # Without the terms family the glossary is still matched: "one concept, several terms" needs the renderings.
    matching = term_matching(setup)
    if matching is None or "terms" in setup.families:
        return None

    def match_only(seg: Segment) -> list[Finding]:
        matching.check(seg)
        return []

    return match_only


FAMILY = Family(
    "consistency",
    checks={
        "inconsistent-target": ("warning", "The same source segment is translated differently elsewhere."),
        "inconsistent-source": ("info", "The same target segment translates different source segments."),
        "inconsistent-term": ("warning", "One glossary concept is rendered by different terms in one document."),
    },
    unit=_unit_check,
    whole=lambda setup: ConsistencyPass(term_matching(setup), "misaligned" in setup.families),
)
