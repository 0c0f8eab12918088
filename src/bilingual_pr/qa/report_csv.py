"""The CSV report: one finding per row, UTF-8 with a BOM so Excel shows accents right."""

from __future__ import annotations

import csv
import io

from bilingual_pr.qa.model import Report, Span
from bilingual_pr.spreadsheet import text_cell as _safe

COLUMNS = ("finding", "severity", "check", "unit_index", "tuid", "unit_id", "message", "source_spans", "source_marked",
           "target_spans", "target_marked", "suggestion", "related_units",
           "related_tuids", "source", "target")

def _spans(spans: tuple[Span, ...]) -> str:
    return " ".join(f"{a}-{b}" for a, b in spans)


def mark_text(text: str, spans: tuple[Span, ...]) -> str:
    """The text with each span wrapped in [[ ]] (an empty span shows as [[]])."""
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out += [text[last:a], "[[", text[a:b], "]]"]
        last = b
    out.append(text[last:])
    return "".join(out)


def render_csv(report: Report) -> str:
    """The report as CSV text (without the BOM; write it with encoding 'utf-8-sig')."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n, f in enumerate(report.findings, 1):
        seg = report.segments.get(f.unit)
        src, tgt = (seg.source, seg.target) if seg else ("", "")
        writer.writerow([f"F{n}", f.severity, f.check, f.unit, _safe(report.tuid(f.unit) or ""),
                         _safe(seg.id or "") if seg else "", _safe(f.message),
                         _spans(f.source_spans), _safe(mark_text(src, f.source_spans)), _spans(f.target_spans),
                         _safe(mark_text(tgt, f.target_spans)), _safe(f.suggestion or ""),
                         " ".join(str(r) for r in f.related),
                         _safe(" ".join(t for t in map(report.tuid, f.related) if t)), _safe(src), _safe(tgt)])
    return buf.getvalue()
