"""The JSON shapes of a memory's answers: one home for ``tm search/concord --format json`` and the ``tm serve`` API.

A fuzzy match is :func:`match_record`; a concordance hit is :func:`concordance_record`
(every field of the stored unit, plus ``spans``: where the phrase is in each side, as
``[start, end)`` offsets in code points, from the one rule :func:`backend.phrase_spans`);
a file imported is :func:`import_record`. The command line prints lists of them and the
server answers with the same lists, so a script written against one reads the other.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bilingual_pr.tm.backend import ImportReport, base, phrase_spans
from bilingual_pr.tm.leverage import Match
from bilingual_pr.tm.units import StoredUnit

#: The most matches one fuzzy search gives, and units one concordance gives (CLI and server alike).
SEARCH_LIMIT = 100
CONCORD_LIMIT = 10000


def match_record(m: Match) -> dict[str, Any]:
    """A fuzzy match as JSON: score, kind, repaired target, the stored unit's texts and provenance, why it scores so."""
    return {"score": m.score, "kind": m.kind, "repaired": m.repaired, "target": m.target,
            "source": m.unit.source, "stored_target": m.unit.target, "origin": m.unit.origin,
            "document": m.unit.document, "id": m.unit.id, "similarity": m.raw_similarity,
            "penalties": [list(p) for p in m.penalties], "alternatives": m.alternatives,
            "changes": [str(c) for c in m.changes]}


def concordance_record(unit: StoredUnit, phrase: str, lang: str) -> dict[str, Any]:
    """A concordance hit as JSON: every field of the unit, and the phrase's spans in its side(s) in ``lang``."""
    record = dataclasses.asdict(unit)
    wanted = base(lang)
    record["spans"] = {
        side: [list(s) for s in phrase_spans(text, phrase)] if base(side_lang) == wanted else []
        for side, text, side_lang in (("source", unit.source, unit.source_lang),
                                      ("target", unit.target, unit.target_lang))}
    return record


def import_record(report: ImportReport) -> dict[str, Any]:
    """What importing one file did, as JSON: file, read, added, updated, unchanged, skipped."""
    return dataclasses.asdict(report)
