"""The HTML report for reviewers: one self-contained page, findings grouped per unit, filterable, printable.

The page is ``pages/templates/qa_report.html.j2`` on the shared shell
(``bilingual_pr.pages``): its style and script are the package files
``pages/static/qa-report.css`` and ``qa-report.js``, inlined, under a Content
Security Policy that forbids anything else. Each unit's text is shown once with
every finding of the unit under it. Filters (check, severity, release, accepted)
and the sort live in the URL hash (``#check=term-missing&severity=error,warning``),
so a filtered view can be bookmarked or sent to a colleague. A reviewer can tick
a finding as accepted (a false positive): the page saves those as an ignore file
for ``check --ignore`` (qa/ignore.py makes each finding's key; the page only stores it).
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Any, Mapping

from markupsafe import Markup

from bilingual_pr import __version__, pages
import bilingual_pr.qa.families  # noqa: F401  (registers the families, filling CHECKS)
from bilingual_pr.qa.ignore import SUBJECT, ignore_key, key_id
from bilingual_pr.qa.model import CHECKS, SEVERITIES, SEVERITY_RANK, Finding, Report, Segment, Span

_CONTEXT = 30  # characters of context either side of a quoted span
_QUOTES_PER_SIDE = 4

_WS_SHOW = {" ": ("␣", "U+0020 ordinary space"), "\u00a0": ("⍽", "U+00A0 no-break space"),
            "\u202f": ("⍽", "U+202F narrow no-break space"), "\u2009": ("⍽", "U+2009 thin space"),
            "\t": ("⇥", "tab")}

def _show_ws(text: str) -> str:
    out = []
    for ch in text:
        shown = _WS_SHOW.get(ch)
        if shown:
            out.append(f'<span class="ws" title="{shown[1]}">{shown[0]}</span>')
        else:
            out.append(html.escape(ch))
    return "".join(out)


def highlight(text: str, spans: tuple[Span, ...]) -> str:
    """HTML for ``text`` with each span in <mark>; a mark made only of spaces shows them (␣, ⍽)."""
    out, last = [], 0
    for a, b in sorted(set(spans)):
        a, b = max(a, 0), min(b, len(text))
        if a < last:
            continue
        out.append(html.escape(text[last:a]))
        if a == b:
            out.append('<mark class="gap" title="something is missing here">‸</mark>')
        else:
            piece = text[a:b]
            # Only a mark made of spaces needs them visible (typography, spacing findings).
            shown = _show_ws(piece) if not piece.strip(" \u00a0\u202f\u2009\t") else html.escape(piece)
            out.append(f"<mark>{shown}</mark>")
        last = b
    out.append(html.escape(text[last:]))
    return "".join(out)




def _clusters(spans: tuple[Span, ...]) -> list[list[Span]]:
    """Spans in order, grouped when they are close enough to be quoted in one excerpt."""
    out: list[list[Span]] = []
    for a, b in sorted(set(spans)):
        if out and a - out[-1][-1][1] <= 2 * _CONTEXT:
            out[-1].append((a, b))
        else:
            out.append([(a, b)])
    return out


def excerpts(text: str, spans: tuple[Span, ...]) -> list[str]:
    """HTML excerpts of ``text`` around its spans, marked (what a finding is about, under the unit's whole text)."""
    out = []
    for group in _clusters(spans)[:_QUOTES_PER_SIDE]:
        start, end = max(0, group[0][0] - _CONTEXT), min(len(text), group[-1][1] + _CONTEXT)
        marked = highlight(text[start:end], tuple((a - start, b - start) for a, b in group))
        out.append(("…" if start > 0 else "") + marked + ("…" if end < len(text) else ""))
    return out


def _unit_label(report: Report, unit: int, seg: Segment | None) -> tuple[str, str]:
    """(long label, short label) of a unit: its number, and its tuid or id."""
    tuid = report.tuid(unit)
    ident = f"tuid {tuid}" if tuid else (seg.id if seg is not None and seg.id else "")
    return f"Unit #{unit + 1}" + (f" ({ident})" if ident else ""), f"unit #{unit + 1}"


@dataclass(frozen=True, slots=True)
class _Quote:
    side: str
    lang: str
    html: Markup


@dataclass(frozen=True, slots=True)
class _Related:
    unit: int
    linked: bool
    label: str


@dataclass(frozen=True, slots=True)
class _FindingView:
    """One finding as the template lists it under its unit."""

    n: int
    check: str
    severity: str
    message: str
    key: str  # its ignore id (qa/ignore.py)
    quotes: list[_Quote]
    suggestion: str | None
    related: list[_Related]


@dataclass(frozen=True, slots=True)
class _GroupView:
    """One unit with findings: its text once, and its findings."""

    unit: int
    label: str
    short: str
    release: str
    tuid: str
    severity: str
    has_text: bool
    source: Markup | str
    target: Markup | str
    source_lang: str
    target_lang: str
    findings: list[_FindingView]


def _finding_view(n: int, f: Finding, seg: Segment | None, report: Report, grouped: Mapping[int, Any],
                  keys: dict[str, Any]) -> _FindingView:
    key = ignore_key(f, seg)
    ident = key_id(key)
    keys[ident] = key
    quotes = []
    if seg is not None:
        for side, text, spans, lang in (("src", seg.source, f.source_spans, seg.source_lang),
                                        ("tgt", seg.target, f.target_spans, seg.target_lang)):
            quotes += [_Quote(side, lang, Markup(q)) for q in excerpts(text, spans)]
    related = []
    for r in f.related:
        tuid = report.tuid(r)
        related.append(_Related(r, r in grouped, f"unit #{r + 1}" + (f" (tuid {tuid})" if tuid else "")))
    return _FindingView(n, f.check, f.severity, f.message, ident, quotes, f.suggestion, related)


def report_context(report: Report, generated: datetime | None = None, carried: Mapping[str, Any] | None = None,
                   skipped: int = 0, ignore_name: str = "") -> dict[str, Any]:
    """What the report template shows: the findings grouped per unit (in file order) and the filters' choices."""
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    by_unit: dict[int, list[tuple[int, Finding]]] = {}
    for n, f in enumerate(report.findings, 1):
        by_unit.setdefault(f.unit, []).append((n, f))
    keys: dict[str, Any] = {}
    groups = []
    releases: Counter[str] = Counter()
    for unit in sorted(by_unit):
        seg = report.segments.get(unit)
        found = by_unit[unit]
        long_label, short = _unit_label(report, unit, seg)
        release = seg.doc if seg is not None and seg.doc else ""
        if release:
            releases[release] += len(found)
        # The unit's text once, with every finding's spans marked; each finding quotes its own.
        src_spans = tuple(s for _, f in found for s in f.source_spans)
        tgt_spans = tuple(s for _, f in found for s in f.target_spans)
        groups.append(_GroupView(
            unit, long_label, short, release, report.tuid(unit) or "",
            max((f.severity for _, f in found), key=SEVERITY_RANK.__getitem__), seg is not None,
            Markup(highlight(seg.source, src_spans)) if seg is not None else "",
            Markup(highlight(seg.target, tgt_spans)) if seg is not None else "",
            seg.source_lang if seg is not None else "", seg.target_lang if seg is not None else "",
            [_finding_view(n, f, seg, report, by_unit, keys) for n, f in found]))
    by_check = report.counts_by_check()
    by_sev = report.counts_by_severity()
    stem = PurePath(report.input_name).name or "input"
    return {
        "input_name": report.input_name, "source_lang": report.source_lang, "target_lang": report.target_lang,
        "units": report.units, "glossary_name": report.glossary_name, "profile": report.profile,
        "generated": when, "version": __version__, "findings_total": len(report.findings),
        "ignored": skipped, "ignore_name": ignore_name,
        "by_severity": [(s, by_sev.get(s, 0)) for s in reversed(SEVERITIES)],
        "summary": [{"check": c, "description": CHECKS[c][2], "severity": CHECKS[c][1], "count": n}
                    for c, n in by_check.items()],
        "releases": sorted(releases.items()),
        "groups": groups,
        "data": {"subject": SUBJECT, "storage": f"bilingual-pr/qa-ignore/{stem}", "keys": keys,
                 "carried": dict(carried or {}), "filename": f"{PurePath(stem).stem}.qa-ignore.json"},
    }


def render_html(report: Report, generated: datetime | None = None, carried: Mapping[str, Any] | None = None,
                skipped: int = 0, ignore_name: str = "") -> str:
    """The whole report as one self-contained HTML page (CARRIED: the ignore file's keys, kept in its export)."""
    return pages.render("qa_report.html.j2", **report_context(report, generated, carried, skipped, ignore_name))
