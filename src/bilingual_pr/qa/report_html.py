"""The HTML report for reviewers: one self-contained file, filterable, keyboard-friendly, printable.

No external asset: styles and the small script are inline, and a Content
Security Policy forbids anything else. Filters live in the URL hash
(``#check=term-missing&severity=error,warning``), so a filtered view can be
bookmarked or sent to a colleague.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone

from bilingual_pr import __version__
from bilingual_pr.htmlpage import focus_walk_js, page_end, page_head
import bilingual_pr.qa.families  # noqa: F401  (registers the families, filling CHECKS)
from bilingual_pr.qa.model import CHECKS, SEVERITIES, Finding, Report, Span

_WS_SHOW = {" ": ("␣", "U+0020 ordinary space"), "\u00a0": ("⍽", "U+00A0 no-break space"),
            "\u202f": ("⍽", "U+202F narrow no-break space"), "\u2009": ("⍽", "U+2009 thin space"),
            "\t": ("⇥", "tab")}

_CSS = """
:root{--err:#b00020;--warn:#8a5a00;--info:#1a5fb4;--bg:#fff;--fg:#1b1b1b;--muted:#555;--line:#ccc;--mark:#ffe066}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0}
.meta-line{color:var(--muted);margin:.2rem 0 1rem}
a.skip{position:absolute;left:-999px}a.skip:focus{left:1rem;top:1rem;background:#fff;padding:.3rem;border:2px solid}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
button,select,input{font:inherit}
button.linklike{background:none;border:0;color:#0645ad;text-decoration:underline;cursor:pointer;padding:0}
#filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem;border:1px solid var(--line);border-radius:6px;position:sticky;top:0;background:var(--bg);z-index:1}
fieldset{border:0;margin:0;padding:0;display:flex;gap:.8rem;align-items:center}
legend{float:left;margin-right:.5rem}
:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
ol#findings{list-style:none;padding:0;margin:1rem 0}
li.finding{border:1px solid var(--line);border-left:6px solid var(--line);border-radius:6px;padding:.5rem .8rem;margin:.6rem 0}
li.finding[hidden]{display:none}
li.sev-error{border-left-color:var(--err)}li.sev-warning{border-left-color:var(--warn)}li.sev-info{border-left-color:var(--info)}
.badge{display:inline-block;font-size:.8rem;font-weight:600;padding:0 .4rem;border-radius:3px;color:#fff}
.badge.error{background:var(--err)}.badge.warning{background:var(--warn)}.badge.info{background:var(--info)}
.head{display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
.unit{color:var(--muted)}
.msg{margin:.3rem 0}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}
.side{background:#f7f7f7;border-radius:4px;padding:.3rem .6rem}
.side h3{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:0}
.side p{margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
mark{background:var(--mark);color:inherit;border-bottom:2px solid #c99a00;padding:0 1px}
mark.gap{background:#ffb3b3;border-bottom-color:var(--err)}
.ws{color:#a0522d}
.suggestion{margin:.3rem 0 0}
#empty{font-style:italic}
kbd{border:1px solid var(--line);border-radius:3px;padding:0 .3rem;font-size:.85em}
@media (max-width:700px){.pair{grid-template-columns:1fr}}
@media print{
 body{max-width:none;font-size:10pt;padding:0}
 #filters,a.skip,.keys,button.linklike{display:none}
 #filters+p{display:none}
 li.finding{break-inside:avoid;page-break-inside:avoid;border-left-width:4px}
 .side{background:none;border:1px solid #999}
 mark{background:none;border:0;outline:1.5px solid #000;font-weight:600}
 .badge{color:#000;border:1px solid #000;background:none!important}
 a{color:inherit;text-decoration:none}
}
"""

_JS = r"""
(function(){
  "use strict";
  var list = document.getElementById("findings");
  var items = Array.prototype.slice.call(list.querySelectorAll("li.finding"));
  var checkSel = document.getElementById("f-check");
  var sevBoxes = Array.prototype.slice.call(document.querySelectorAll("input[name=severity]"));
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  function readHash(){
    if (location.hash && location.hash.indexOf("=") < 0) { return false; }
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var check = params.get("check") || "";
    if (check && !checkSel.querySelector('option[value="' + check.replace(/"/g, "") + '"]')) { check = ""; }
    checkSel.value = check;
    var sev = params.get("severity");
    var wanted = sev ? sev.split(",") : null;
    sevBoxes.forEach(function(b){ b.checked = wanted ? wanted.indexOf(b.value) >= 0 : true; });
    return true;
  }
  function writeHash(){
    var parts = [];
    if (checkSel.value) { parts.push("check=" + encodeURIComponent(checkSel.value)); }
    var on = sevBoxes.filter(function(b){ return b.checked; }).map(function(b){ return b.value; });
    if (on.length !== sevBoxes.length) { parts.push("severity=" + on.join(",")); }
    var hash = parts.length ? "#" + parts.join("&") : " ";
    history.replaceState(null, "", hash === " " ? location.pathname + location.search : hash);
  }
  function apply(){
    var check = checkSel.value;
    var on = {};
    sevBoxes.forEach(function(b){ on[b.value] = b.checked; });
    var n = 0;
    items.forEach(function(li){
      var show = (!check || li.dataset.check === check) && on[li.dataset.severity];
      li.hidden = !show;
      if (show) { n += 1; }
    });
    shown.textContent = n + " of " + items.length + " findings shown";
    document.body.dataset.shown = String(n);
    empty.hidden = n !== 0;
  }
""" + focus_walk_js("items") + r"""
  document.getElementById("filters").addEventListener("submit", function(ev){ ev.preventDefault(); });
  checkSel.addEventListener("change", function(){ apply(); writeHash(); });
  sevBoxes.forEach(function(b){ b.addEventListener("change", function(){ apply(); writeHash(); }); });
  document.getElementById("reset").addEventListener("click", function(){
    checkSel.value = ""; sevBoxes.forEach(function(b){ b.checked = true; }); apply(); writeHash();
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-filter-check]"), function(btn){
    btn.addEventListener("click", function(){
      checkSel.value = btn.dataset.filterCheck; apply(); writeHash(); checkSel.focus();
    });
  });
  document.addEventListener("keydown", function(ev){
    var tag = (ev.target.tagName || "").toLowerCase();
    if (ev.altKey || ev.ctrlKey || ev.metaKey || tag === "select" || tag === "input" || tag === "textarea") { return; }
    if (ev.key === "j" || ev.key === "n") { move(1); ev.preventDefault(); }
    else if (ev.key === "k" || ev.key === "p") { move(-1); ev.preventDefault(); }
    else if (ev.key === "/") { checkSel.focus(); ev.preventDefault(); }
  });
  window.addEventListener("hashchange", function(){ if (readHash()) { apply(); } });
  readHash();
  apply();
  document.body.dataset.ready = "1";
})();
"""


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


def _finding_html(n: int, f: Finding, report: Report, has_findings: set[int], anchored: set[int]) -> str:
    seg = report.segments.get(f.unit)
    e = html.escape
    tuid = report.tuid(f.unit)
    unit_label = f"unit #{f.unit + 1}" + (f" (tuid {e(tuid)})" if tuid else f" ({e(seg.id)})" if seg and seg.id else "")
    anchor = "" if f.unit in anchored else f'<span id="unit-{f.unit}"></span>'
    anchored.add(f.unit)
    parts = [f'<li class="finding sev-{f.severity}" id="F{n}" tabindex="0" data-check="{f.check}" '
             f'data-severity="{f.severity}" data-unit="{f.unit}"'
             + (f' data-tuid="{e(tuid)}"' if tuid else "") + f' aria-labelledby="F{n}-msg">',
             anchor, '<div class="head">', f'<span class="badge {f.severity}">{f.severity}</span>',
             f"<code>{f.check}</code>", f'<span class="unit">{unit_label}</span>', "</div>",
             f'<p class="msg" id="F{n}-msg">{e(f.message)}</p>']
    if seg is not None:
        parts += ['<div class="pair">',
                  f'<div class="side src" lang="{e(seg.source_lang)}"><h3>Source ({e(seg.source_lang)})</h3>'
                  f"<p>{highlight(seg.source, f.source_spans)}</p></div>",
                  f'<div class="side tgt" lang="{e(seg.target_lang)}"><h3>Target ({e(seg.target_lang)})</h3>'
                  f"<p>{highlight(seg.target, f.target_spans)}</p></div>", "</div>"]
    if f.suggestion:
        parts.append(f'<p class="suggestion"><strong>Suggestion:</strong> {e(f.suggestion)}</p>')
    if f.related:
        names = {r: f"unit #{r + 1}" + (f" (tuid {e(t)})" if (t := report.tuid(r)) else "") for r in f.related}
        links = ", ".join(f'<a href="#unit-{r}">{names[r]}</a>' if r in has_findings else names[r]
                          for r in f.related)
        parts.append(f'<p class="related">Compare with {links}.</p>')
    parts.append("</li>")
    return "".join(parts)


def render_html(report: Report, generated: datetime | None = None) -> str:
    """The whole report as one self-contained HTML page."""
    e = html.escape
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    by_check = report.counts_by_check()
    by_sev = report.counts_by_severity()
    units_with_findings = {f.unit for f in report.findings}
    rows = []
    for check, count in by_check.items():
        fam, sev, desc = CHECKS[check]
        rows.append(f'<tr><td><button type="button" class="linklike" data-filter-check="{check}" '
                    f'title="Show only {check}"><code>{check}</code></button></td><td>{e(desc)}</td>'
                    f'<td><span class="badge {sev}">{sev}</span></td><td class="n">{count}</td></tr>')
    summary = ("<table id=\"summary\"><caption class=\"visually-hidden\">Findings per check</caption>"
               "<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">What it means</th>"
               "<th scope=\"col\">Default severity</th><th scope=\"col\">Findings</th></tr></thead><tbody>"
               + "".join(rows) + "</tbody></table>") if rows else "<p>No finding: every check passed.</p>"
    options = "".join(f'<option value="{c}">{c} ({n})</option>' for c, n in by_check.items())
    keys = {"error": "e", "warning": "w", "info": "i"}
    boxes = "".join(f'<label><input type="checkbox" name="severity" value="{s}" checked accesskey="{keys[s]}"> '
                    f'{s} ({by_sev.get(s, 0)})</label>' for s in reversed(SEVERITIES))
    anchored: set[int] = set()
    items = [_finding_html(n, f, report, units_with_findings, anchored) for n, f in enumerate(report.findings, 1)]
    meta = [f"Input <strong>{e(report.input_name)}</strong> ({e(report.source_lang)} → {e(report.target_lang)}, "
            f"{report.units} units)"]
    if report.glossary_name:
        meta.append(f"glossary <strong>{e(report.glossary_name)}</strong>")
    meta.append(f"typography profile <strong>{e(report.profile)}</strong>")
    meta.append(f"generated {when} by bilingual-pr {e(__version__)}")
    return "".join([
        page_head(f"QA report – {report.input_name}",
                  _CSS + ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"),
        "<body>",
        '<a class="skip" href="#findings">Skip to findings</a>',
        "<header><h1>Terminology QA report</h1>",
        f'<p class="meta-line">{"; ".join(meta)}.</p>',
        f'<p><strong>{len(report.findings)}</strong> findings in {len({f.unit for f in report.findings})} units: '
        + ", ".join(f'<span class="badge {s}">{by_sev[s]} {s}</span>' for s in by_sev) + "</p></header>",
        '<section aria-labelledby="sum-h"><h2 id="sum-h">Summary per check</h2>', summary, "</section>",
        '<form id="filters" role="search" aria-label="Filter findings">',
        '<label for="f-check">Check</label> <select id="f-check" accesskey="c">'
        f'<option value="">All checks ({len(report.findings)})</option>{options}</select>',
        f"<fieldset><legend>Severity</legend>{boxes}</fieldset>",
        '<button type="button" id="reset" accesskey="a">Show all</button>',
        '<output id="shown" aria-live="polite"></output></form>',
        '<p class="keys">Keys: <kbd>j</kbd>/<kbd>n</kbd> next finding, <kbd>k</kbd>/<kbd>p</kbd> previous, '
        "<kbd>/</kbd> check filter; access keys (Alt+Shift in Firefox, Alt in Chrome and Edge) "
        "<kbd>c</kbd> check filter, <kbd>e</kbd>/<kbd>w</kbd>/<kbd>i</kbd> error/warning/info, "
        "<kbd>a</kbd> show all. Printing prints the findings shown.</p>",
        '<main><h2>Findings</h2><p id="empty" hidden>No finding matches the filters.</p>',
        '<ol id="findings">', "".join(items), "</ol></main>",
        page_end(_JS),
    ])
