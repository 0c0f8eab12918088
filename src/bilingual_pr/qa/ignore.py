"""False-positive memory: the key of a finding a reviewer accepted, and ``check --ignore`` skipping those findings.

The key is what the finding is about, never where it is: the check id, the
unit's source and target text, and the finding's spans as offsets into those
texts. The same false positive in the next run of the memory (units added,
removed or reordered around it) has the same key; a unit whose text changed
is checked afresh. The HTML report embeds each finding's key and its id (made
here, so the page never recomputes it); its "accept" checkboxes store them
with ``pages/static/marks.js`` (kind ``qa-ignore``) and export a decisions file
(``bilingual_pr.decisions``) that :func:`read_ignore` reads back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from bilingual_pr.errors import UserError
from bilingual_pr.qa.model import Finding, Report, Segment

KIND = "qa-ignore"
#: The subject every ignore file carries. Not the memory's checksum: the keys hold the texts
#: they apply to, so a file must stay usable on the next (changed) version of the memory.
#: ``key`` is the version of the key rule below; a file made under another rule is refused.
SUBJECT: dict[str, Any] = {"tool": "check", "key": 1}
_KEY_FIELDS = {"check": str, "source": str, "target": str, "source_spans": list, "target_spans": list}


def ignore_key(f: Finding, seg: Segment | None) -> dict[str, Any]:
    """The position-free key of finding F on unit SEG: check, both texts, spans within them."""
    return {"check": f.check, "source": seg.source if seg is not None else "",
            "target": seg.target if seg is not None else "",
            "source_spans": [list(s) for s in f.source_spans], "target_spans": [list(s) for s in f.target_spans]}


def key_id(key: Mapping[str, Any]) -> str:
    """The short id of an ignore key (the decision id in an ignore file and on the page)."""
    blob = json.dumps(key, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def finding_id(f: Finding, seg: Segment | None) -> str:
    """The ignore id of finding F on unit SEG."""
    return key_id(ignore_key(f, seg))


def _valid_key(value: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(value) - set(_KEY_FIELDS))
    if unknown:
        raise UserError(f"{where}: unknown field {unknown[0]!r} (an ignore key has {', '.join(_KEY_FIELDS)})")
    for name, kind in _KEY_FIELDS.items():
        if not isinstance(value.get(name), kind):
            raise UserError(f"{where}: {name!r} missing or not a {kind.__name__}")
    for name in ("source_spans", "target_spans"):
        for span in value[name]:
            if not (isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span)):
                raise UserError(f"{where}: {name!r} must be a list of [start, end] pairs")
    return {name: value[name] for name in _KEY_FIELDS}


def read_ignore(path: str | Path) -> dict[str, dict[str, Any]]:
    """The ignore keys of the decisions file at PATH, by id (recomputed from each key: the key decides)."""
    from bilingual_pr.decisions import read_decisions

    doc = read_decisions(path, KIND)
    if doc.subject.get("tool") != SUBJECT["tool"]:
        raise UserError(f"{path}: these qa-ignore decisions are not for bilingual-pr check")
    if doc.subject.get("key") != SUBJECT["key"]:
        raise UserError(f"{path}: ignore keys of version {doc.subject.get('key')!r}; "
                        f"this bilingual-pr reads version {SUBJECT['key']}")
    keys = {}
    for ident, value in doc.decisions.items():
        key = _valid_key(value, f"{path}: decision {ident!r}")
        keys[key_id(key)] = key
    return keys


def apply_ignore(report: Report, keys: Mapping[str, Any]) -> tuple[Report, int]:
    """REPORT without the findings whose key is in KEYS, and how many were skipped."""
    kept = [f for f in report.findings if finding_id(f, report.segments.get(f.unit)) not in keys]
    skipped = len(report.findings) - len(kept)
    if not skipped:
        return report, 0
    used = {f.unit for f in kept} | {r for f in kept for r in f.related}
    segments = {i: s for i, s in report.segments.items() if i in used}
    return replace(report, findings=kept, segments=segments), skipped
