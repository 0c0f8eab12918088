"""Decisions files: what a reviewer decided on a page (review beads, accepted QA findings), as one JSON envelope.

The pages keep decisions in the browser's local storage (``pages/static/marks.js``)
and export them as this file; ``review apply`` and ``check --ignore`` read it back.
One envelope for every kind, so that a file of one kind, of another version of the
memory or of another tool is refused in one line before anything is changed::

    {"format": "bilingual-pr-decisions", "version": 1, "kind": "review",
     "subject": {...what the decisions apply to, e.g. the memory's checksum...},
     "saved": "2026-12-08T10:00:00Z",
     "decisions": {"<item id>": {...one decision...}, ...}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import read_input_bytes, write_text_atomic

FORMAT = "bilingual-pr-decisions"
VERSION = 1
KINDS = ("review", "qa-ignore")
# A decisions file is a reviewer's work on one release or report: far below this.
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Decisions:
    """One decisions file: its kind, the subject it applies to, and the decisions by item id."""

    kind: str
    subject: Mapping[str, Any]
    decisions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    saved: str = ""


def parse_decisions(data: bytes, name: str, kind: str) -> Decisions:
    """The decisions of KIND in DATA (file NAME for messages); any other content is a one-line UserError."""
    if kind not in KINDS:
        raise ValueError(f"unknown decisions kind {kind!r}")
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{name}: not a decisions file (not UTF-8)") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{name}: not a decisions file (broken or truncated JSON at line {err.lineno})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UserError(f"{name}: not a bilingual-pr decisions file")
    if doc.get("version") != VERSION:
        raise UserError(f"{name}: decisions file version {doc.get('version')!r}; this bilingual-pr reads version {VERSION}")
    if doc.get("kind") != kind:
        raise UserError(f"{name}: holds {doc.get('kind')!r} decisions, not {kind!r} ones")
    subject, decisions, saved = doc.get("subject"), doc.get("decisions"), doc.get("saved", "")
    if not isinstance(subject, dict):
        raise UserError(f"{name}: the decisions file has no subject")
    if not isinstance(decisions, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) for k, v in decisions.items()):
        raise UserError(f"{name}: 'decisions' must map item ids to objects")
    if not isinstance(saved, str):
        raise UserError(f"{name}: 'saved' must be a date string")
    return Decisions(kind, subject, decisions, saved)


def read_decisions(path: str | Path, kind: str) -> Decisions:
    """Read and validate the decisions file at PATH, which must hold decisions of KIND."""
    return parse_decisions(read_input_bytes(path, MAX_BYTES), str(path), kind)


def dump_decisions(decisions: Decisions) -> str:
    """The JSON text of DECISIONS as a decisions file (the page's export writes the same)."""
    return json.dumps({"format": FORMAT, "version": VERSION, "kind": decisions.kind,
                       "subject": dict(decisions.subject),
                       "saved": decisions.saved or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "decisions": {k: dict(v) for k, v in decisions.decisions.items()}},
                      ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_decisions(path: str | Path, decisions: Decisions) -> None:
    """Write DECISIONS to PATH atomically."""
    write_text_atomic(path, dump_decisions(decisions))
