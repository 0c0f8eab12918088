"""Review decisions applied to a release's memory: confirmed, removed, merged and split units.

The review page (:mod:`bilingual_pr.review`) records, per TMX unit (its ``tuid``),
what the reviewer decided, with the checksum of the unit as the page showed it;
the decisions file's subject names the release and the checksum of its whole
memory (main and review TMX together). :func:`apply_decisions` turns the units
and the decisions into the corrected memory and what is still to review:

- ``accept``: the unit, confirmed (``x-confirmed`` date, ``x-reviewer``; origin ``confirmed``);
- ``edit``, ``merge``, ``split``: the unit rebuilt with the decision's texts, confirmed;
- ``reject`` and ``merged`` (the second bead of a merge): the unit removed;
- no decision: the unit stays where it was (memory or review file).

Applying the same decisions again changes nothing: an already rebuilt unit is
recognised by the checksum of the decision's texts, a removed one by its absence
from a memory that records (header ``x-bilingual-pr-review-base``) the memory
the decisions were taken on. Decisions for another version, tampered or
inconsistent ones are refused with a UserError naming the first bad item, before
anything is written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from bilingual_pr.decisions import Decisions
from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import (PROP_CONFIRMED, PROP_NEEDS_REVIEW, PROP_REVIEW_ACTION, PROP_REVIEWER,
                                        TranslationUnit, tmx_date)

#: Header prop of a memory written by ``review apply``: the memory checksum its decisions were taken on.
PROP_REVIEW_BASE = "x-bilingual-pr-review-base"
#: Header prop: the release was marked reviewed (date and reviewer).
PROP_RELEASE_REVIEWED = "x-bilingual-pr-release-reviewed"
#: The decision id of the "whole release reviewed" mark (tuids hold a colon, so it meets no tuid).
RELEASE_ID = "release"
KEEP = ("accept",)
REBUILD = ("edit", "merge", "split")
REMOVE = ("reject", "merged")
ACTIONS = KEEP + REBUILD + REMOVE
_TUID_NUMBER = re.compile(r":(\d+)$")


def unit_checksum(source: str, target: str) -> str:
    """The checksum of a unit's two texts, as the page and the decisions file carry it."""
    return hashlib.sha256(f"{source}\x00{target}".encode("utf-8")).hexdigest()[:16]


def memory_checksum(units: Iterable[TranslationUnit]) -> str:
    """The checksum of a release's memory: every unit's tuid and text checksum, in tuid order."""
    lines = sorted(f"{u.tuid or ''}\t{unit_checksum(u.source, u.target)}" for u in units)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:32]


def review_subject(release: str, units: Iterable[TranslationUnit]) -> dict[str, str]:
    """The subject of a release's review decisions: its name and its memory's checksum."""
    return {"release": release, "memory": memory_checksum(units)}


def bead_order(units: Sequence[TranslationUnit]) -> list[TranslationUnit]:
    """The units in bead order (the number after the tuid's colon), units without one after, as they came."""
    def key(item: tuple[int, TranslationUnit]) -> tuple[int, int]:
        m = _TUID_NUMBER.search(item[1].tuid or "")
        return (int(m.group(1)), item[0]) if m else (1 << 62, item[0])

    return [u for _, u in sorted(enumerate(units), key=key)]


def confirm(unit: TranslationUnit, source: str, target: str, decision: Mapping[str, Any]) -> TranslationUnit:
    """UNIT with the texts given, marked confirmed by the decision's reviewer on its date (no needs-review)."""
    own = (PROP_CONFIRMED, PROP_REVIEWER, PROP_REVIEW_ACTION, PROP_NEEDS_REVIEW)
    props = tuple(p for p in unit.props if p[0] not in own) + (
        (PROP_CONFIRMED, str(decision["date"])), (PROP_REVIEWER, str(decision["reviewer"])),
        (PROP_REVIEW_ACTION, str(decision["action"])))
    return replace(unit, source=source, target=target, props=props, changedate=_tmx_date(str(decision["date"])))


def _tmx_date(iso: str) -> str | None:
    """The TMX date (``20261208T101500Z``) of an ISO date and time in UTC as the page writes it, else None."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return tmx_date(moment.astimezone(timezone.utc)) if moment.tzinfo is not None else None


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying decisions gives: the corrected memory, what is left to review, and counts by action."""

    memory: tuple[TranslationUnit, ...]
    review: tuple[TranslationUnit, ...]
    counts: tuple[tuple[str, int], ...]
    base: str  # the memory checksum the decisions were taken on (header prop of both outputs)
    release_reviewed: str | None  # "date reviewer" when the whole release was marked reviewed


def _check_decision(tuid: str, d: Mapping[str, Any]) -> None:
    action = d.get("action")
    if tuid == RELEASE_ID:
        if action != "release-reviewed" or not isinstance(d.get("reviewer"), str) or not d.get("reviewer"):
            raise UserError(f"decision {tuid!r}: not a 'release-reviewed' mark with a reviewer")
        return
    if action not in ACTIONS:
        raise UserError(f"decision for {tuid}: unknown action {action!r} (one of {', '.join(ACTIONS)})")
    for key in ("checksum", "reviewer", "date"):
        if not isinstance(d.get(key), str) or not d.get(key):
            raise UserError(f"decision for {tuid}: no {key}")
    if _tmx_date(d["date"]) is None:
        raise UserError(f"decision for {tuid}: date {d['date']!r} is not an ISO date and time")
    if action in REBUILD:
        for key in ("source", "target"):
            if not isinstance(d.get(key), str) or not d[key].strip():
                raise UserError(f"decision for {tuid}: {action} needs a non-empty {key} text")
    partner = "with" if action == "merge" else "into" if action == "merged" else None
    if partner and not isinstance(d.get(partner), str):
        raise UserError(f"decision for {tuid}: {action} names no '{partner}' unit")


def _check_pairs(decided: Mapping[str, Mapping[str, Any]]) -> None:
    # A merge removes its second bead: both halves must be there, pointing at each other.
    for tuid, d in decided.items():
        if d.get("action") == "merge":
            other = decided.get(d["with"], {})
            if other.get("action") != "merged" or other.get("into") != tuid:
                raise UserError(f"decision for {tuid}: merged with {d['with']}, which is not marked merged into it")
        elif d.get("action") == "merged":
            other = decided.get(d["into"], {})
            if other.get("action") != "merge" or other.get("with") != tuid:
                raise UserError(f"decision for {tuid}: merged into {d['into']}, which has no merge with it")


def apply_decisions(memory: Sequence[TranslationUnit], review: Sequence[TranslationUnit], decisions: Decisions,
                    release: str, recorded_base: str | None = None) -> Applied:
    """The corrected memory and remaining review units once DECISIONS are applied to a release's units.

    ``recorded_base``: the ``x-bilingual-pr-review-base`` the input memory's header records, when it
    was written by an earlier ``review apply`` (then units those decisions removed may be missing).
    """
    subject = dict(decisions.subject)
    if subject.get("release") != release:
        raise UserError(f"these decisions are for release {subject.get('release')!r}, not {release!r}")
    current = memory_checksum([*memory, *review])
    base = subject.get("memory")
    if not isinstance(base, str):
        raise UserError("the decisions' subject names no memory checksum")
    if base != current and base != recorded_base:
        raise UserError(f"these decisions are for another version of the {release} memory "
                        f"(checksum {base}, the memory's is {current})")
    again = base != current  # a memory written from this base by an earlier apply
    decided = dict(decisions.decisions)
    for tuid, d in decided.items():
        _check_decision(tuid, d)
    _check_pairs(decided)
    units = {u.tuid: u for u in [*memory, *review] if u.tuid}
    for tuid, d in decided.items():
        if tuid == RELEASE_ID:
            continue
        u = units.get(tuid)
        if u is None:
            if again and d["action"] in REMOVE:
                continue
            raise UserError(f"decision for {tuid}: no unit with this tuid in the {release} memory")
        now = unit_checksum(u.source, u.target)
        done = d["action"] in REBUILD and now == unit_checksum(d["source"], d["target"])
        if now != d["checksum"] and not (again and done):
            raise UserError(f"decision for {tuid}: the unit's text differs from the one reviewed "
                            f"(checksum {now}, the decision's {d['checksum']}): tampered or another version")
    counts: dict[str, int] = {}
    out_memory: list[TranslationUnit] = []
    out_review: list[TranslationUnit] = []
    in_review = {id(u) for u in review}
    for u in bead_order([*memory, *review]):
        found = decided.get(u.tuid or "") if u.tuid != RELEASE_ID else None
        if found is None:
            (out_review if id(u) in in_review else out_memory).append(u)
            continue
        action = found["action"]
        counts[action] = counts.get(action, 0) + 1
        if action in REMOVE:
            continue
        source, target = (u.source, u.target) if action in KEEP else (found["source"], found["target"])
        out_memory.append(confirm(u, source, target, found))
    mark = decided.get(RELEASE_ID)
    reviewed = f"{mark.get('date', '')} {mark['reviewer']}".strip() if mark else None
    return Applied(tuple(out_memory), tuple(out_review), tuple(sorted(counts.items())), str(base), reviewed)
