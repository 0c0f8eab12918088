"""The dict path (small inputs, no numpy import) and the numpy path give the same answers.

Keys are drawn from tiny ranges so that duplicates, conflicts and equal dates are common.
"""

from __future__ import annotations

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.formats.tmx.dedup import distinct, merge_actions
from bilingual_pr.qa.consistency import ConsistencyTracker
from bilingual_pr.qa.model import Segment

rows = st.lists(st.tuples(st.integers(-3, 3), st.integers(-2, 2), st.integers(0, 3)), max_size=40)
BIG = 10**9


def _arrays(data):
    return (array("q", (r[0] + 10 * r[1] for r in data)), array("q", (r[1] for r in data)),
            array("q", (r[2] for r in data)))


@settings(max_examples=300, deadline=None)
@given(rows)
def test_distinct_dicts_and_numpy_agree(data):
    pairs, sources, _ = _arrays(data)
    assert distinct(pairs, sources, small=BIG) == distinct(pairs, sources, small=0)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_merge_actions_dicts_and_numpy_agree(data):
    pairs, sources, dates = _arrays(data)
    assert merge_actions(pairs, sources, dates, small=BIG) == merge_actions(pairs, sources, dates, small=0)


def test_merge_actions_example():
    # Units 0 and 2 are one pair (2 is newer: it wins); 1 and 3 share a source with 2 and differ in
    # target: a conflict of three winners, the newest (3) already last; 4 stands alone.
    pairs, sources, dates = array("q", [7, 8, 7, 9, 5]), array("q", [1, 1, 1, 1, 2]), array("q", [1, 1, 2, 3, 1])
    for small in (0, BIG):
        assert merge_actions(pairs, sources, dates, small=small) == ([0, 3, 3, 3, 1], 1, 4)
    # The newest of the conflict comes first in the stream: it is moved last.
    dates = array("q", [1, 5, 2, 3, 1])
    for small in (0, BIG):
        assert merge_actions(pairs, sources, dates, small=small) == ([0, 2, 3, 3, 1], 1, 4)


texts = st.sampled_from(["Le Comité", "le  comité", "La séance", "Fin", " "])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, texts), max_size=30))
def test_consistency_dicts_and_numpy_agree(data):
    found = []
    for small in (BIG, 0):
        tracker = ConsistencyTracker(small=small)
        for n, (source, target) in enumerate(data):
            tracker.add(Segment(n, source, target))
        found.append(tracker.conflicts())
    assert found[0] == found[1]
