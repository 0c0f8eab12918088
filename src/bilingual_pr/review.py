"""The alignment review page: both versions side by side before pairs enter a memory.

One self-contained HTML file (inline style and script, a Content Security
Policy that forbids anything else): every bead with its confidence, bead type
and sentence numbers, glossary terms highlighted with ``<mark>`` on both sides
(a concept found on one side only is marked differently), pairs below the
confidence threshold flagged in words as well as colour. "Only low-confidence
pairs" is a checkbox, the ``l`` key and the URL hash ``#low``; ``j``/``k`` move
between the pairs shown; printing prints what is shown.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from bilingual_pr import __version__
from bilingual_pr.htmlpage import focus_walk_js, page_end, page_head

if TYPE_CHECKING:
    from bilingual_pr.align import Alignment
    from bilingual_pr.glossary import Glossary


@dataclass(frozen=True, slots=True)
class TermHit:
    """A glossary term found in one side of a bead, and whether the other side has the same concept."""

    start: int
    end: int
    entry_id: str
    term: str
    status: str
    counterpart: tuple[str, ...]  # approved terms of the concept in the other language
    paired: bool


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One bead as the page shows it."""

    number: int
    src_text: str
    tgt_text: str
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    kind: str
    confidence: float
    low: bool
    src_hits: tuple[TermHit, ...]
    tgt_hits: tuple[TermHit, ...]
    tuid: str | None = None  # the TMX unit's tuid (a pair with both sides, when the release is named)

    @property
    def one_sided(self) -> bool:
        """A sentence with no counterpart: it goes to neither TMX."""
        return not (self.src and self.tgt)

    @property
    def to_look_at(self) -> bool:
        """What the "only what needs a look" filter shows: a pair below the threshold or a one-sided sentence."""
        return self.low or self.one_sided


def _hits(matches: Sequence[Any], other_ids: set[str], other_lang: str) -> tuple[TermHit, ...]:
    return tuple(TermHit(m.start, m.end, str(m.entry.id), m.term.text, m.term.status,
                         tuple(t.text for t in m.entry.approved(other_lang)), str(m.entry.id) in other_ids)
                 for m in matches)


def review_rows(alignment: "Alignment", glossary: "Glossary | None", min_confidence: float,
                release: str | None = None) -> list[ReviewRow]:
    """The beads with their glossary hits (TermMatcher on each side), low-confidence flags and TMX tuids."""
    from bilingual_pr.align.writers import bead_tuid

    src_lang, tgt_lang = alignment.src_lang[:2], alignment.tgt_lang[:2]
    matchers = None
    if glossary is not None:
        from bilingual_pr.glossary import TermMatcher

        matchers = (TermMatcher(glossary, src_lang), TermMatcher(glossary, tgt_lang))
    rows = []
    for n, p in enumerate(alignment.pairs, 1):
        s_hits: tuple[TermHit, ...] = ()
        t_hits: tuple[TermHit, ...] = ()
        if matchers is not None:
            sm = matchers[0].find(p.src_text) if p.src_text else []
            tm = matchers[1].find(p.tgt_text) if p.tgt_text else []
            s_ids, t_ids = {str(m.entry.id) for m in sm}, {str(m.entry.id) for m in tm}
            s_hits, t_hits = _hits(sm, t_ids, tgt_lang), _hits(tm, s_ids, src_lang)
        tuid = bead_tuid(release, n) if release and p.is_pair else None
        rows.append(ReviewRow(n, p.src_text, p.tgt_text, p.src, p.tgt, p.kind, p.confidence,
                              p.confidence < min_confidence, s_hits, t_hits, tuid))
    return rows


def marked(text: str, hits: Sequence[TermHit], other_lang: str) -> str:
    """Escaped text with each glossary hit in a ``<mark>`` (class ``one-side`` when the other side lacks it)."""
    e = html.escape
    out, pos = [], 0
    for h in sorted(hits, key=lambda h: h.start):
        if h.start < pos:
            continue
        out.append(e(text[pos:h.start]))
        other = " / ".join(h.counterpart) or "no approved term"
        tip = f"{h.entry_id}: {h.term} ({h.status}) ↔ {other_lang}: {other}"
        if not h.paired:
            tip += f" — not found in the {other_lang} side"
        cls = "term" if h.paired else "term one-side"
        if h.status in ("deprecated", "forbidden"):
            cls += " rejected"
        out.append(f'<mark class="{cls}" data-entry="{e(h.entry_id)}" title="{e(tip)}">{e(text[h.start:h.end])}</mark>')
        pos = h.end
    out.append(e(text[pos:]))
    return "".join(out)


def _sentence_numbers(idx: tuple[int, ...]) -> str:
    if not idx:
        return "–"
    return str(idx[0] + 1) if len(idx) == 1 else f"{idx[0] + 1}–{idx[-1] + 1}"


_CSS = """
:root{--low:#b00020;--ok:#2e7d32;--line:#ccc;--muted:#555;--mark:#ffe066;--one:#ffc4c4}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;max-width:1400px;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0}
.meta{color:var(--muted);margin:.2rem 0 .8rem}
a.skip{position:absolute;left:-999px}a.skip:focus{left:1rem;top:1rem;background:#fff;padding:.3rem;border:2px solid}
#controls{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.5rem .7rem;border:1px solid var(--line);border-radius:6px;position:sticky;top:0;background:#fff;z-index:1}
:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
table{border-collapse:collapse;width:100%;margin:.8rem 0}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{position:sticky;top:3.2rem;background:#f4f4f4}
td.num,td.conf{white-space:nowrap;font-variant-numeric:tabular-nums}
td.text{width:38%;overflow-wrap:anywhere}
tr.pair[hidden]{display:none}
tr.low td{background:#fff3f3}
tr.low td.conf{border-left:5px solid var(--low)}
.flag{display:inline-block;font-size:.75rem;font-weight:700;color:#fff;background:var(--low);border-radius:3px;padding:0 .35rem;margin-top:.2rem}
.sent{display:block;color:var(--muted);font-size:.8rem}
.none{color:var(--muted);font-style:italic}
meter{width:4.5rem;display:block}
mark.term{background:var(--mark);color:inherit;border-bottom:2px solid #c99a00;padding:0 1px}
mark.one-side{background:var(--one);border-bottom:2px dashed var(--low)}
mark.rejected{text-decoration:line-through}
.legend mark{font-size:.9em}
kbd{border:1px solid var(--line);border-radius:3px;padding:0 .3rem;font-size:.85em}
@media print{
 body{max-width:none;font-size:9.5pt;padding:0}
 #controls,.keys,a.skip{display:none}
 thead th{position:static}
 tr{break-inside:avoid;page-break-inside:avoid}
 tr.low td{background:none}
 .flag{color:#000;background:none;border:1px solid #000}
 mark.term{background:none;outline:1px solid #000;font-weight:600}
 mark.one-side{outline-style:dashed}
}
"""

_JS = r"""
(function(){
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.pair"));
  var box = document.getElementById("only-low");
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  function apply(){
    var only = box.checked, n = 0;
    rows.forEach(function(r){
      var hide = only && r.dataset.low !== "1";
      r.hidden = hide;
      if (!hide) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " pairs shown";
    document.body.dataset.shown = String(n);
    empty.hidden = n !== 0;
  }
  function writeHash(){
    var target = box.checked ? "#low" : location.pathname + location.search;
    try { history.replaceState(null, "", target); } catch (err) { location.hash = box.checked ? "low" : ""; }
  }
  function readHash(){ box.checked = location.hash === "#low"; }
""" + focus_walk_js("rows") + r"""
  box.addEventListener("change", function(){ apply(); writeHash(); });
  document.addEventListener("keydown", function(ev){
    var tag = (ev.target.tagName || "").toLowerCase();
    if (ev.altKey || ev.ctrlKey || ev.metaKey || tag === "textarea" || tag === "select" ||
        (tag === "input" && ev.target.type !== "checkbox")) { return; }
    if (ev.key === "j") { move(1); ev.preventDefault(); }
    else if (ev.key === "k") { move(-1); ev.preventDefault(); }
    else if (ev.key === "l") { box.checked = !box.checked; apply(); writeHash(); ev.preventDefault(); }
  });
  window.addEventListener("hashchange", function(){ readHash(); apply(); });
  readHash();
  apply();
  document.body.dataset.ready = "1";
})();
"""


def _row_html(row: ReviewRow, src_lang: str, tgt_lang: str, threshold: float) -> str:
    e = html.escape
    src = marked(row.src_text, row.src_hits, tgt_lang) if row.src_text else '<span class="none">no counterpart</span>'
    tgt = marked(row.tgt_text, row.tgt_hits, src_lang) if row.tgt_text else '<span class="none">no counterpart</span>'
    flag = ('<span class="flag">no counterpart</span>' if row.one_sided
            else '<span class="flag">review</span>' if row.low else "")
    tuid = f' data-tuid="{e(row.tuid)}"' if row.tuid else ""
    return (f'<tr class="pair{" low" if row.to_look_at else ""}" id="p{row.number}" tabindex="0" '
            f'data-low="{int(row.to_look_at)}"{tuid} '
            f'data-confidence="{row.confidence:.3f}" data-bead="{e(row.kind)}" '
            f'data-terms="{len(row.src_hits) + len(row.tgt_hits)}">'
            f'<td class="num">{row.number}'
            + (f'<span class="sent" title="TMX tuid">{e(row.tuid)}</span>' if row.tuid else "") + '</td>'
            f'<td class="conf">{row.confidence:.2f}<meter min="0" max="1" low="{threshold:.3f}" optimum="1" '
            f'value="{row.confidence:.3f}" '
            f'aria-hidden="true"></meter>{flag}</td>'
            f'<td class="bead">{e(row.kind)}<span class="sent">{src_lang} {_sentence_numbers(row.src)} · '
            f'{tgt_lang} {_sentence_numbers(row.tgt)}</span></td>'
            f'<td class="text src" lang="{e(src_lang)}">{src}</td><td class="text tgt" lang="{e(tgt_lang)}">{tgt}</td>'
            "</tr>")


def render_review_page(alignment: "Alignment", *, glossary: "Glossary | None" = None, min_confidence: float = 0.5,
                       src_name: str = "", tgt_name: str = "", title: str | None = None,
                       generated: datetime | None = None, release: str | None = None) -> str:
    """The whole review page as one self-contained HTML document (``release``: the name the TMX tuids start with)."""
    from bilingual_pr.align.writers import route_beads, threshold_text

    e = html.escape
    src_lang, tgt_lang = alignment.src_lang[:2], alignment.tgt_lang[:2]
    rows = review_rows(alignment, glossary, min_confidence, release)
    routes = route_beads(alignment.pairs, min_confidence)
    shown = sum(r.to_look_at for r in rows)
    limit = threshold_text(min_confidence)
    one = len(routes.one_sided)
    mean = sum(r.confidence for r in rows) / len(rows) if rows else 0.0
    one_side = sum(not h.paired for r in rows for h in r.src_hits + r.tgt_hits)
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    heading = title or f"{src_name} ↔ {tgt_name}"
    gloss = glossary.path if glossary is not None else None
    meta = [f"<strong>{e(src_name or src_lang)}</strong> ({src_lang}, {len(alignment.src_sentences)} sentences) ↔ "
            f"<strong>{e(tgt_name or tgt_lang)}</strong> ({tgt_lang}, {len(alignment.tgt_sentences)} sentences)",
            f"glossary {('<strong>' + e(Path(str(gloss)).name) + '</strong>') if gloss else 'none'}",
            f"generated {when} by bilingual-pr {e(__version__)}"]
    return "".join([
        page_head(f"Alignment review – {heading}", _CSS),
        '<body data-ready="0">',
        '<a class="skip" href="#pairs">Skip to the pairs</a>',
        f"<header><h1>Alignment review: {e(heading)}</h1>",
        f'<p class="meta">{"; ".join(meta)}.</p>',
        f'<p id="totals"><strong>{len(rows)}</strong> beads, mean confidence <strong>{mean:.2f}</strong>: '
        f'<strong id="memory-count">{len(routes.memory)}</strong> pair{"" if len(routes.memory) == 1 else "s"} '
        f'for the memory, <strong id="review-count">{len(routes.review)}</strong> '
        f'pair{"" if len(routes.review) == 1 else "s"} below {limit} to review (they go to the '
        f'<code>.review.tmx</code>, not the memory), <strong id="no-counterpart-count">{one}</strong> '
        f'sentence{"" if one == 1 else "s"} with no counterpart (in neither TMX); '
        f'{one_side} glossary term{"" if one_side == 1 else "s"} found on one side only.</p>',
        '<p class="legend">Legend: <mark class="term">term</mark> glossary term found on both sides; '
        '<mark class="term one-side">term</mark> on this side only (check the translation); '
        '<span class="flag">review</span> confidence below the threshold; '
        '<span class="flag">no counterpart</span> a sentence aligned with nothing.</p></header>',
        '<div id="controls" role="region" aria-label="Filter">',
        f'<label><input type="checkbox" id="only-low" accesskey="l"> Only pairs below {limit} and sentences with '
        f'no counterpart (<span id="low-count">{shown}</span>)</label>',
        '<output id="shown" aria-live="polite"></output></div>',
        '<p class="keys">Keys: <kbd>j</kbd> next pair, <kbd>k</kbd> previous, <kbd>l</kbd> only low-confidence '
        "pairs on/off (or the URL ending <code>#low</code>); <kbd>Tab</kbd> also walks the pairs. "
        "Printing prints the pairs shown.</p>",
        '<main><p id="empty" hidden>No pair below the threshold and no sentence without counterpart: '
        "nothing to review.</p>",
        f'<table id="pairs"><caption>Aligned pairs, {e(src_lang)} left, {e(tgt_lang)} right</caption>',
        '<thead><tr><th scope="col">#</th><th scope="col">Confidence</th><th scope="col">Bead</th>'
        f'<th scope="col">{e(src_lang.upper())}</th><th scope="col">{e(tgt_lang.upper())}</th></tr></thead><tbody>',
        "".join(_row_html(r, src_lang, tgt_lang, min_confidence) for r in rows),
        "</tbody></table></main>",
        page_end(_JS),
    ])


def write_review_page(path: str | Path, alignment: "Alignment", *, glossary: "Glossary | None" = None,
                      min_confidence: float = 0.5, src_name: str = "", tgt_name: str = "", title: str | None = None,
                      use_default_glossary: bool = True, release: str | None = None) -> None:
    """Write the review page atomically; without a glossary the bundled one marks the terms (unless told not to)."""
    from bilingual_pr.fileio import write_text_atomic

    if glossary is None and use_default_glossary:
        from bilingual_pr.glossary import load_glossary
        from bilingual_pr.glossary.files import default_glossary_path

        glossary = load_glossary(default_glossary_path())
    write_text_atomic(path, render_review_page(alignment, glossary=glossary, min_confidence=min_confidence,
                                               src_name=src_name, tgt_name=tgt_name, title=title,
                                               release=release))
