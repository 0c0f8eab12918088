"""The unit a translation-memory database stores and returns: source, target and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from bilingual_pr.formats.units import PROP_CONFIRMED, PROP_EDITED

#: Where a stored translation came from, most trusted first (leverage.py penalises by it).
ORIGINS = ("human", "confirmed", "tm", "aligned", "mt")
#: The prop ``tm export`` writes so that a re-import keeps the unit's origin.
PROP_TM_ORIGIN = "x-tm-origin"


@dataclass(frozen=True, slots=True)
class StoredUnit:
    """One source/target pair of a memory database, with its provenance and neighbours."""

    id: int
    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: str  # 'aligned' | 'confirmed' | 'human' | 'mt' | 'tm'
    confidence: float | None = None
    document: str | None = None
    created: str | None = None
    changed: str | None = None
    creation_id: str | None = None
    change_id: str | None = None
    prev_source: str | None = None
    next_source: str | None = None
    props: tuple[tuple[str, str], ...] = ()
    tuid: str | None = None
    notes: tuple[str, ...] = ()


# Trados x-Origin values and our drafts' x-bilingual-pr-origin values -> stored origin.
_TRADOS_ORIGIN = {"alignment": "aligned", "machinetranslation": "mt", "tm": "tm", "adaptivemt": "mt",
                  "interactive": "human", "source": "human"}
_DRAFT_ORIGIN = {"mt": "mt", "tm-fuzzy": "tm", "tm-exact": "tm", "tm-context": "tm"}
_CONFIRMED_STATES = frozenset({"final", "signed-off", "reviewed", "translated", "needs-review-l10n"})


def origin_from_props(props: tuple[tuple[str, str], ...] | dict[str, str]) -> tuple[str, float | None]:
    """The stored origin and confidence a memory file's unit props give (``x-Origin=Alignment`` -> aligned).

    Pairs a reviewer confirmed (``x-confirmed``, written by ``review apply``) and aligned pairs a
    person marked reviewed (``x-needs-review=no``) are ``confirmed``; an XLIFF
    segment in a confirmed state (translated, reviewed, final, signed-off) or whose draft a person
    edited (``x-edited=yes``) is ``human``; one left as the machine or memory proposed it keeps the
    draft's origin; anything else is ``tm``.
    """
    p = dict(props)
    confidence: float | None = None
    try:
        confidence = float(p["x-confidence"]) if "x-confidence" in p else None
    except ValueError:
        confidence = None
    own = p.get(PROP_TM_ORIGIN, "").strip().lower()
    if own in ORIGINS:  # written by `tm export`: the origin the database had
        return own, confidence
    draft = _DRAFT_ORIGIN.get(p.get("x-bilingual-pr-origin", "") or p.get("x-origin", ""))
    state = p.get("x-state")
    if state is not None:
        # An XLIFF segment: its state says whether a person translated or checked it; OmegaT leaves
        # the state as the draft had it, so a segment whose draft a person changed is theirs too.
        if state in _CONFIRMED_STATES or p.get(PROP_EDITED) == "yes":
            return "human", confidence
        return draft or "tm", confidence
    if p.get(PROP_CONFIRMED):  # written by `review apply`: a reviewer accepted or corrected the pair
        return "confirmed", confidence
    origin = _TRADOS_ORIGIN.get(p.get("x-Origin", "").lower(), None)
    if origin == "aligned" and p.get("x-needs-review") == "no":
        origin = "confirmed"
    return origin or draft or "tm", confidence
