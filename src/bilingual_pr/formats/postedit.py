"""Post-edited drafts: which segments a person translated or edited, and how far from the draft.

A draft XLIFF (``draft``, ``run``) records, for every segment, what it proposed (the ``<alt-trans>``
target in 1.2, the ``<mtc:match>`` target in 2.x: ``x-draft-target``; nothing for an untranslated
sentence). When it comes back from OmegaT or another tool, a segment holds a person's translation
(:func:`is_human`) when its state says it was translated or checked (``xliff.confirmed``), or when
its target is no longer what the draft proposed: OmegaT 3.6 changes the target text and leaves
``state`` as it was, so a state alone would lose everything translated in OmegaT. A segment is
**edited** when its translation differs from the draft (an untranslated sentence translated counts).

The **post-editing distance** of a segment is the measure ``run`` estimates its effort with
(:func:`edit_distances`): rapidfuzz's normalised Levenshtein distance between the draft and the
final text, whitespace runs folded, over characters and over words (edits divided by the longer
length; 0 = kept as drafted, 1 = everything retyped; no draft at all = 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from bilingual_pr.formats.units import PROP_DRAFT_ORIGIN, PROP_EDIT_DISTANCE, PROP_EDITED, TranslationUnit
from bilingual_pr.formats.xliff import PROP_DRAFT_TARGET, PROP_ORIGIN, confirmed, read_xliff
#: The XLIFF 1.2 state ``draft`` writes a sentence in when it proposes nothing (its source as a placeholder
#: for OmegaT, which then replaces the text and keeps the state); 2.x drafts say so in subState.
_NOTHING_PROPOSED_STATE = "needs-translation"


def _flat(text: str) -> str:
    return " ".join(text.split())


def edit_distances(draft: str, final: str) -> tuple[float, float]:
    """Normalised Levenshtein distances (characters, words) between a draft and its final text, whitespace folded."""
    from rapidfuzz.distance import Levenshtein

    a, b = _flat(draft), _flat(final)
    return Levenshtein.normalized_distance(a, b), Levenshtein.normalized_distance(a.split(), b.split())


def draft_of(unit: TranslationUnit) -> str | None:
    """What the draft proposed for this segment: its text, "" when it proposed nothing, None when the file does not say."""
    proposed = unit.prop(PROP_DRAFT_TARGET)
    if proposed is not None:
        return proposed
    origin = unit.prop(PROP_ORIGIN)
    if origin == "untranslated" or (origin is None and unit.state == _NOTHING_PROPOSED_STATE):
        # Written with no target (or the source as a placeholder for OmegaT): nothing was proposed.
        return ""
    return None


def is_human(unit: TranslationUnit) -> bool:
    """Whether the segment holds a person's translation: a translated/checked state, or a target the draft did not propose."""
    if not unit.target.strip():
        return False
    if confirmed(unit):
        return True
    draft = draft_of(unit)
    return draft is not None and _flat(draft) != _flat(unit.target)


@dataclass(frozen=True, slots=True)
class PostEdit:
    """One segment of a post-edited draft: what was proposed, what the person kept, and the distance between."""

    id: str | None
    source: str
    draft: str | None  # None: the file does not say what was proposed
    final: str
    draft_origin: str | None
    state: str | None
    human: bool  # a person translated or checked it (else: a draft nobody confirmed)
    edited: bool | None  # None when the draft is unknown
    char_distance: float | None
    word_distance: float | None


def post_edit(unit: TranslationUnit) -> PostEdit:
    """The post-editing record of one XLIFF segment."""
    human = is_human(unit)
    draft = draft_of(unit)
    edited = chars = words = None
    if human and draft is not None:
        edited = _flat(draft) != _flat(unit.target)
        chars, words = edit_distances(draft, unit.target)
        chars, words = round(chars, 4), round(words, 4)
    origin = unit.prop(PROP_ORIGIN) or ("untranslated" if draft == "" else None)
    return PostEdit(unit.tuid, unit.source, draft, unit.target, origin, unit.state, human, edited, chars, words)


def post_edits(path: str | Path) -> list[PostEdit]:
    """The post-editing record of every segment of an XLIFF 1.2/2.x file, in file order."""
    return [post_edit(u) for u in read_xliff(path)]


def memory_unit(unit: TranslationUnit) -> TranslationUnit | None:
    """The unit a memory keeps from a post-edited segment (edited or not, how much, the draft's origin), None if no person's."""
    pe = post_edit(unit)
    if not pe.human:
        return None
    props = list(unit.props)
    if pe.edited is not None:
        props.append((PROP_EDITED, "yes" if pe.edited else "no"))
        props.append((PROP_EDIT_DISTANCE, f"{pe.char_distance:.2f}"))
    if pe.draft_origin:
        props.append((PROP_DRAFT_ORIGIN, pe.draft_origin))
    return replace(unit, props=tuple(props))


@dataclass(frozen=True, slots=True)
class PostEditSummary:
    """The real post-editing effort of a file, in the measures of ``run``'s estimate (pipeline.Effort)."""

    segments: int
    human: int  # segments a person translated or checked: those measured
    not_reviewed: int  # drafts left as proposed, in a state nobody confirmed
    edited: int
    unknown_draft: int  # human segments whose draft the file does not record (not measured)
    mean_edit_distance: float  # over the measured segments, characters
    mean_word_edit_distance: float
    no_edit_share: float

    def as_dict(self) -> dict[str, Any]:
        """The summary as a JSON-ready dict."""
        return asdict(self)


def summarize(edits: Sequence[PostEdit]) -> PostEditSummary:
    """Counts and mean distances over the segments a person translated or checked and whose draft is known."""
    measured = [e for e in edits if e.human and e.char_distance is not None]
    n = len(measured)
    mean = (lambda values: round(sum(values) / n, 4)) if n else (lambda values: 0.0)
    return PostEditSummary(
        segments=len(edits), human=sum(e.human for e in edits), not_reviewed=sum(not e.human for e in edits),
        edited=sum(bool(e.edited) for e in measured), unknown_draft=sum(e.human and e.char_distance is None for e in edits),
        mean_edit_distance=mean([e.char_distance or 0.0 for e in measured]),
        mean_word_edit_distance=mean([e.word_distance or 0.0 for e in measured]),
        no_edit_share=mean([0.0 if e.edited else 1.0 for e in measured]))
