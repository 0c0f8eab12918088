"""The JSON report for CI pipelines: a stable, versioned schema (docs/qa.md)."""

from __future__ import annotations

import json
from typing import Any

from bilingual_pr import __version__
import bilingual_pr.qa.families  # noqa: F401  (registers the families, filling CHECKS)
from bilingual_pr.qa.model import CHECKS, Finding, Report, Segment

SCHEMA_ID = "https://bilingual-pr.invalid/schema/qa-report-1.json"
SCHEMA_VERSION = 1

_SPANS = {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0},
                                     "minItems": 2, "maxItems": 2}}
_SIDE = {"type": "object", "required": ["lang", "text", "spans"], "additionalProperties": False,
         "properties": {"lang": {"type": "string"}, "text": {"type": "string"}, "spans": _SPANS}}

# JSON Schema (draft 2020-12) of the report; docs/qa.md shows the same document.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "bilingual-pr QA report",
    "type": "object",
    "required": ["schema_version", "tool", "input", "profile", "summary", "findings"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "tool": {"type": "object", "required": ["name", "version"],
                 "properties": {"name": {"const": "bilingual-pr"}, "version": {"type": "string"}}},
        "input": {"type": "object", "required": ["name", "source_lang", "target_lang", "units"],
                  "properties": {"name": {"type": "string"}, "source_lang": {"type": "string"},
                                 "target_lang": {"type": "string"}, "units": {"type": "integer", "minimum": 0},
                                 "glossary": {"type": ["string", "null"]}}},
        "profile": {"enum": ["fr-FR", "fr-CH", "off"]},
        "checks": {"type": "array", "items": {"type": "string"}},
        "summary": {
            "type": "object", "required": ["findings", "by_severity", "by_check"],
            "properties": {
                "findings": {"type": "integer", "minimum": 0},
                "units_with_findings": {"type": "integer", "minimum": 0},
                "by_severity": {"type": "object", "required": ["error", "warning", "info"],
                                "additionalProperties": {"type": "integer", "minimum": 0}},
                "by_check": {"type": "object", "propertyNames": {"enum": list(CHECKS)},
                             "additionalProperties": {"type": "integer", "minimum": 1}},
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "check", "family", "severity", "message", "unit", "source", "target"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^F[0-9]+$"},
                    "check": {"enum": list(CHECKS)},
                    "family": {"enum": sorted({fam for fam, _, _ in CHECKS.values()})},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "message": {"type": "string"},
                    "unit": {"type": "object", "required": ["index", "id"], "additionalProperties": False,
                             "properties": {"index": {"type": "integer", "minimum": 0},
                                            "id": {"type": ["string", "null"]},
                                            "tuid": {"type": ["string", "null"]},
                                            "doc": {"type": ["string", "null"]}}},
                    "source": _SIDE,
                    "target": _SIDE,
                    "suggestion": {"type": ["string", "null"]},
                    "related_units": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                    "related_tuids": {"type": "array", "items": {"type": ["string", "null"]}},
                },
            },
        },
    },
}


def finding_dict(number: int, f: Finding, seg: Segment | None, tuid: str | None = None,
                 related_tuids: list[str | None] | None = None) -> dict[str, Any]:
    """One finding as the JSON report writes it (``tuid``, ``related_tuids``: the TMX units', when known)."""
    return {
        "id": f"F{number}",
        "check": f.check,
        "family": f.family,
        "severity": f.severity,
        "message": f.message,
        "unit": {"index": f.unit, "id": seg.id if seg else None, "tuid": tuid, "doc": seg.doc if seg else None},
        "source": {"lang": seg.source_lang if seg else "", "text": seg.source if seg else "",
                   "spans": [list(s) for s in f.source_spans]},
        "target": {"lang": seg.target_lang if seg else "", "text": seg.target if seg else "",
                   "spans": [list(s) for s in f.target_spans]},
        "suggestion": f.suggestion,
        "related_units": list(f.related),
        "related_tuids": related_tuids if related_tuids is not None else [None] * len(f.related),
    }


def report_dict(report: Report) -> dict[str, Any]:
    """The whole report as a JSON-ready dict following SCHEMA."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bilingual-pr", "version": __version__},
        "input": {"name": report.input_name, "source_lang": report.source_lang, "target_lang": report.target_lang,
                  "units": report.units, "glossary": report.glossary_name},
        "profile": report.profile,
        "checks": list(report.checks),
        "summary": {"findings": len(report.findings),
                    "units_with_findings": len({f.unit for f in report.findings}),
                    "by_severity": report.counts_by_severity(),
                    "by_check": report.counts_by_check()},
        "findings": [finding_dict(n, f, report.segments.get(f.unit), report.tuid(f.unit),
                                  [report.tuid(r) for r in f.related])
                     for n, f in enumerate(report.findings, 1)],
    }


def render_json(report: Report) -> str:
    """The report as pretty-printed UTF-8 JSON text."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
