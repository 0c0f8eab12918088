"""The alignment review page: both versions side by side, and the reviewer's decision on each pair.

One self-contained HTML file rendered from ``pages/templates/review.html.j2``
(style ``review.css``, script ``marks.js`` + ``review.js``, inlined): every bead
with its confidence, bead type and sentence numbers, glossary terms highlighted
with ``<mark>`` on both sides (a concept found on one side only is marked
differently), pairs below the confidence threshold flagged in words as well as
colour. "Only low-confidence pairs" is a checkbox, the ``l`` key and the URL
hash ``#low``; ``j``/``k`` move between the pairs shown; printing prints what is
shown. On each pair with a TMX unit the reviewer accepts, rejects, edits, merges
or splits by key; the decisions (kind ``review``, subject: release and memory
checksum, see :mod:`bilingual_pr.review_apply`) stay in local storage and leave
as a decisions file or, under ``review serve``, are saved to disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from bilingual_pr import __version__
from bilingual_pr.formats.units import PROP_BEAD, PROP_SOURCE_DOC, PROP_TARGET_DOC

if TYPE_CHECKING:
    from bilingual_pr.align import Alignment
    from bilingual_pr.formats.units import TranslationUnit
    from bilingual_pr.glossary import Glossary
    from bilingual_pr.review_files import ReleaseMemory


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
    def unit_text(self) -> tuple[str, str]:
        """Source and target as the TMX unit holds them (one line each): what checksums are taken of."""
        from bilingual_pr.formats.units import clean_xml_text
        from bilingual_pr.segment import one_line

        return clean_xml_text(one_line(self.src_text))[0], clean_xml_text(one_line(self.tgt_text))[0]

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
    find = _finder(glossary, src_lang, tgt_lang)
    rows = []
    for n, p in enumerate(alignment.pairs, 1):
        s_hits, t_hits = find(p.src_text, p.tgt_text)
        tuid = bead_tuid(release, n) if release and p.is_pair else None
        rows.append(ReviewRow(n, p.src_text, p.tgt_text, p.src, p.tgt, p.kind, p.confidence,
                              p.confidence < min_confidence, s_hits, t_hits, tuid))
    return rows


def _finder(glossary: "Glossary | None", src_lang: str, tgt_lang: str) -> Callable[[str, str], tuple[tuple[TermHit, ...], tuple[TermHit, ...]]]:
    """A function giving the glossary hits of a source and a target text (none without a glossary)."""
    if glossary is None:
        return lambda src, tgt: ((), ())
    from bilingual_pr.glossary import TermMatcher

    matchers = (TermMatcher(glossary, src_lang), TermMatcher(glossary, tgt_lang))

    def find(src: str, tgt: str) -> tuple[tuple[TermHit, ...], tuple[TermHit, ...]]:
        sm = matchers[0].find(src) if src else []
        tm = matchers[1].find(tgt) if tgt else []
        s_ids, t_ids = {str(m.entry.id) for m in sm}, {str(m.entry.id) for m in tm}
        return _hits(sm, t_ids, tgt_lang), _hits(tm, s_ids, src_lang)

    return find


def unit_rows(memory: Sequence["TranslationUnit"], review: Sequence["TranslationUnit"], glossary: "Glossary | None",
              ) -> tuple[list[ReviewRow], dict[int, tuple[tuple[str, ...], tuple[str, ...]]]]:
    """The rows of a release's memory and review TMX units, in bead order, and each row's sentences."""
    from bilingual_pr.review_apply import bead_order
    from bilingual_pr.segment import segment_strings

    units = [*memory, *review]
    src_lang = units[0].source_lang[:2].lower() if units else "fr"
    tgt_lang = units[0].target_lang[:2].lower() if units else "en"
    find = _finder(glossary, src_lang, tgt_lang)
    in_review = {id(u) for u in review}
    rows: list[ReviewRow] = []
    sentences: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    at = [0, 0]
    for u in bead_order(units):
        number = int(u.tuid.rsplit(":", 1)[1]) if u.tuid and u.tuid.rsplit(":", 1)[-1].isdigit() else len(rows) + 1
        sides = (tuple(segment_strings(u.source, src_lang)) or (u.source,),
                 tuple(segment_strings(u.target, tgt_lang)) or (u.target,))
        idx = tuple(tuple(range(at[i], at[i] + len(sides[i]))) for i in (0, 1))
        at = [at[0] + len(sides[0]), at[1] + len(sides[1])]
        low = id(u) in in_review
        confidence = u.confidence if u.confidence is not None else (0.0 if low else 1.0)
        s_hits, t_hits = find(u.source, u.target)
        rows.append(ReviewRow(number, u.source, u.target, idx[0], idx[1], u.prop(PROP_BEAD) or
                              f"{len(sides[0])}-{len(sides[1])}", confidence, low, s_hits, t_hits, u.tuid))
        sentences[number] = sides
    return rows, sentences


def pieces(text: str, hits: Sequence[TermHit]) -> list[tuple[str, TermHit | None]]:
    """TEXT cut into plain runs and glossary hits (overlapping hits: the first one wins), for the template."""
    out: list[tuple[str, TermHit | None]] = []
    pos = 0
    for h in sorted(hits, key=lambda h: h.start):
        if h.start < pos:
            continue
        if h.start > pos:
            out.append((text[pos:h.start], None))
        out.append((text[h.start:h.end], h))
        pos = h.end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def _sentence_numbers(idx: tuple[int, ...]) -> str:
    if not idx:
        return "–"
    return str(idx[0] + 1) if len(idx) == 1 else f"{idx[0] + 1}–{idx[-1] + 1}"


def _sentences(alignment: "Alignment", side: str, idx: tuple[int, ...]) -> tuple[str, ...]:
    from bilingual_pr.segment import one_line

    sentences = alignment.src_sentences if side == "src" else alignment.tgt_sentences
    return tuple(one_line(getattr(sentences[i], "text", sentences[i])) for i in idx)


def render_review_page(alignment: "Alignment", *, glossary: "Glossary | None" = None, min_confidence: float = 0.5,
                       src_name: str = "", tgt_name: str = "", title: str | None = None,
                       generated: datetime | None = None, release: str | None = None) -> str:
    """The whole review page as one self-contained HTML document (``release``: the name the TMX tuids start with)."""
    rows = review_rows(alignment, glossary, min_confidence, release)
    sentences = {r.number: (_sentences(alignment, "src", r.src), _sentences(alignment, "tgt", r.tgt)) for r in rows}
    return render_rows(rows, sentences, src_lang=alignment.src_lang[:2], tgt_lang=alignment.tgt_lang[:2],
                       counts=(len(alignment.src_sentences), len(alignment.tgt_sentences)), glossary=glossary,
                       min_confidence=min_confidence, src_name=src_name, tgt_name=tgt_name, title=title,
                       generated=generated, release=release)


def render_rows(rows: Sequence[ReviewRow], sentences: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]], *,
                src_lang: str, tgt_lang: str, counts: tuple[int, int], glossary: "Glossary | None",
                min_confidence: float, src_name: str, tgt_name: str, title: str | None,
                generated: datetime | None = None, release: str | None = None, server: bool = False) -> str:
    """The review page of ROWS (``sentences``: each row's sentences, what a split moves; ``server``: served by
    ``review serve``, so the page saves its decisions there)."""
    from bilingual_pr.align.writers import threshold_text
    from bilingual_pr.pages import render
    from bilingual_pr.review_apply import unit_checksum

    units = [{"tuid": r.tuid, "number": r.number, "checksum": unit_checksum(r.unit_text[0], r.unit_text[1]),
              "source": list(sentences[r.number][0]), "target": list(sentences[r.number][1])}
             for r in rows if r.tuid]
    subject = {"release": release or "", "memory": memory_checksum_of_rows(rows)}
    memory = sum(1 for r in rows if not r.one_sided and not r.low)
    gloss = glossary.path if glossary is not None else None
    heading = title or f"{src_name} ↔ {tgt_name}"
    return render("review.html.j2", rows=rows, pieces=pieces, sentence_numbers=_sentence_numbers,
                  src_lang=src_lang, tgt_lang=tgt_lang, counts=counts, heading=heading,
                  src_name=src_name, tgt_name=tgt_name, limit=threshold_text(min_confidence),
                  threshold=min_confidence, memory=memory,
                  review=sum(1 for r in rows if not r.one_sided and r.low),
                  one_sided=sum(1 for r in rows if r.one_sided),
                  shown=sum(r.to_look_at for r in rows),
                  mean=sum(r.confidence for r in rows) / len(rows) if rows else 0.0,
                  one_side=sum(not h.paired for r in rows for h in r.src_hits + r.tgt_hits),
                  glossary_name=Path(str(gloss)).name if gloss else None,
                  when=(generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
                  version=__version__, server=server,
                  data={"storageKey": f"bilingual-pr-review:{subject['release']}:{subject['memory']}",
                        "subject": subject, "units": units, "server": server,
                        "file": f"{subject['release'] or 'review'}.decisions.json"})


def memory_checksum_of_rows(rows: Sequence[ReviewRow]) -> str:
    """The memory checksum of the TMX units ROWS stand for (the pairs with a tuid), as ``review apply`` computes it."""
    from bilingual_pr.formats.units import TranslationUnit
    from bilingual_pr.review_apply import memory_checksum

    return memory_checksum(TranslationUnit(r.unit_text[0], r.unit_text[1], "", "", tuid=r.tuid)
                           for r in rows if r.tuid)


def write_review_page(path: str | Path, alignment: "Alignment", *, glossary: "Glossary | None" = None,
                      min_confidence: float = 0.5, src_name: str = "", tgt_name: str = "", title: str | None = None,
                      use_default_glossary: bool = True, release: str | None = None) -> None:
    """Write the review page atomically; without a glossary the bundled one marks the terms (unless told not to)."""
    from bilingual_pr.fileio import write_text_atomic

    if glossary is None and use_default_glossary:
        glossary = default_glossary()
    write_text_atomic(path, render_review_page(alignment, glossary=glossary, min_confidence=min_confidence,
                                               src_name=src_name, tgt_name=tgt_name, title=title,
                                               release=release))


def default_glossary() -> "Glossary":
    """The bundled glossary, which marks the terms when no other is given."""
    from bilingual_pr.glossary import load_glossary
    from bilingual_pr.glossary.files import default_glossary_path

    return load_glossary(default_glossary_path())


def render_release_page(found: "ReleaseMemory", glossary: "Glossary | None", server: bool = False) -> str:
    """The review page of a release's memory read back from its TMX files (``review TMX|RUN_DIR``, ``review serve``)."""
    rows, sentences = unit_rows(found.memory, found.review, glossary)
    # The memory holds the pairs at or above the threshold the release was split at: its lowest one bounds it.
    kept = [r.confidence for r in rows if not r.low]
    threshold = min(kept) if kept else 1.0
    units = [*found.memory, *found.review]
    langs = (units[0].source_lang[:2].lower(), units[0].target_lang[:2].lower()) if units else ("fr", "en")
    return render_rows(rows, sentences, src_lang=langs[0], tgt_lang=langs[1],
                       counts=(sum(len(s[0]) for s in sentences.values()), sum(len(s[1]) for s in sentences.values())),
                       glossary=glossary, min_confidence=threshold,
                       src_name=(units[0].prop(PROP_SOURCE_DOC) or "") if units else "",
                       tgt_name=(units[0].prop(PROP_TARGET_DOC) or "") if units else "",
                       title=found.release, release=found.release, server=server)
