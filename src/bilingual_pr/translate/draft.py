"""The drafting pipeline over a document's sentences: memory, then MT, then nothing.

Each sentence is offered to the engines in order (translation memory first,
machine translation second); the first suggestion wins. Machine translation
sees all remaining sentences at once (duplicates translated once) so a neural
engine can batch them. Glossary enforcement wraps the MT step; memory matches
are only checked (flagged, never rewritten: a reviewed translation is not
second-guessed). Sentences nobody could translate stay untranslated and are
flagged. A memory match whose numbers, dates, times, symbols or terms were
repaired (tm/repair.py) is drafted as ``tm-fuzzy`` and says so: ``x-match:
repaired 96`` and one ``tm repair:`` note per substitution in XLIFF, the
``x-match`` prop in TMX; it is never presented as an exact match.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from bilingual_pr.translate.base import Engine, MTEngine, Origin, Suggestion
from bilingual_pr.translate.enforce import GlossaryEnforcer, Strategy
from bilingual_pr.translate.memory import Memories, MemorySuggestion

if TYPE_CHECKING:
    from bilingual_pr.formats.units import TranslationUnit
    from bilingual_pr.formats.xliff import XliffSegment
    from bilingual_pr.glossary import Glossary
    from bilingual_pr.translate.memory import TranslationMemory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DraftSegment:
    """One source sentence with its draft target and where the target came from."""

    index: int
    source: str
    target: str | None
    origin: Origin
    engine: str | None = None
    score: float | None = None
    match_source: str | None = None
    block: int = 0
    repairs: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    match: str | None = None  # a repaired or penalised memory match: "repaired 96", "exact 98; origin:aligned -2"
    tm_repairs: tuple[str, ...] = ()  # the substitutions of a repaired memory match

    @property
    def needs_translation(self) -> bool:
        """True when no engine produced a target."""
        return self.target is None

    @property
    def repaired(self) -> bool:
        """True for a memory match whose placeables were substituted (a fuzzy match, never an exact one)."""
        return bool(self.tm_repairs)


def _dedupe(indices: Sequence[int], sources: Sequence[str]) -> tuple[list[int], dict[int, int]]:
    first: dict[str, int] = {}
    rep: dict[int, int] = {}
    for i in indices:
        rep[i] = first.setdefault(sources[i], i)
    return list(dict.fromkeys(rep.values())), rep


def draft_sentences(sources: Sequence[str], engines: Sequence[Engine | MTEngine], *,
                    enforcer: GlossaryEnforcer | None = None,
                    blocks: Sequence[int] | None = None) -> list[DraftSegment]:
    """Draft a target for every sentence with the engines in order; unmatched ones stay untranslated."""
    n = len(sources)
    chosen: list[tuple[Suggestion, tuple[str, ...], tuple[str, ...]] | None] = [None] * n
    for engine in engines:
        todo = [i for i in range(n) if chosen[i] is None and sources[i].strip()]
        if not todo:
            break
        if isinstance(engine, MTEngine):
            unique, rep = _dedupe(todo, sources)
            if enforcer is not None:
                results = enforcer.translate(engine, [sources[i] for i in unique])
                got = {i: (Suggestion(r.target, "mt", engine.name), r.repairs,
                           tuple(f"{x.kind}: {x.message}" for x in r.issues))
                       for i, r in zip(unique, results)}
            else:
                texts = engine.translate_batch([sources[i] for i in unique])
                got = {i: (Suggestion(t, "mt", engine.name), (), ()) for i, t in zip(unique, texts)}
            for i in todo:
                drafted = got[rep[i]]
                if drafted[0].target.strip():
                    chosen[i] = drafted
        else:
            for i, sug in zip(todo, engine.suggest(sources, todo)):
                if sug is not None:
                    issues: tuple[str, ...] = ()
                    if enforcer is not None:
                        res = enforcer.check(sug.target, enforcer.requirements(sources[i]), repair=False)
                        issues = tuple(f"{x.kind}: {x.message}" for x in res.issues)
                    chosen[i] = (sug, (), issues)
    out = []
    for i, src in enumerate(sources):
        block = blocks[i] if blocks is not None else 0
        c = chosen[i]
        if c is None:
            out.append(DraftSegment(i, src, None, "untranslated", block=block))
        else:
            s, repairs, issues = c
            match, tm_repairs = (s.match_note, s.changes) if isinstance(s, MemorySuggestion) else (None, ())
            out.append(DraftSegment(i, src, s.target, s.origin, s.engine, s.score, s.match_source, block,
                                    repairs, issues, match, tm_repairs))
    return out


def summarize(segments: Sequence[DraftSegment]) -> dict[str, int]:
    """Count segments per origin (and glossary-flagged ones)."""
    counts = Counter(s.origin for s in segments)
    result = {o: counts.get(o, 0) for o in ("tm-context", "tm-exact", "tm-fuzzy")}
    result["tm-fuzzy-repaired"] = sum(1 for s in segments if s.repaired)  # part of tm-fuzzy
    result.update((o, counts.get(o, 0)) for o in ("mt", "untranslated"))
    result["glossary-flagged"] = sum(1 for s in segments if s.issues)
    return result


# ------------------------------------------------------------------ outputs


def xliff_segments(segments: Sequence[DraftSegment]) -> list["XliffSegment"]:
    """The drafts as XLIFF segments (one group per document block)."""
    from bilingual_pr.formats.xliff import XliffSegment

    notes = lambda s: (tuple(f"glossary {x}" for x in s.issues) + tuple(f"glossary repair: {x}" for x in s.repairs)  # noqa: E731
                       + ((f"x-match: {s.match}",) if s.match else ()) + tuple(f"tm repair: {x}" for x in s.tm_repairs))
    return [XliffSegment(f"s{s.index + 1}", s.source, s.target, s.origin, s.engine, s.score, s.match_source,
                         f"b{s.block + 1}", notes(s)) for s in segments]


def text_output(segments: Sequence[DraftSegment], src_lang: str) -> str:
    """Plain-text draft: blocks separated by blank lines; untranslated sentences as ``[fr: …]``."""
    blocks: list[list[str]] = []
    last = None
    for s in segments:
        if s.block != last:
            blocks.append([])
            last = s.block
        blocks[-1].append(s.target if s.target is not None else f"[{src_lang}: {s.source}]")
    return "\n\n".join(" ".join(b) for b in blocks) + "\n"


ORIGIN_PROP = {"tm-context": "TM", "tm-exact": "TM", "tm-fuzzy": "TM", "mt": "MachineTranslation"}


def tmx_units(segments: Sequence[DraftSegment], src_tag: str, tgt_tag: str) -> list["TranslationUnit"]:
    """Drafted pairs as TMX units (untranslated ones left out), origin recorded Trados-style."""
    from bilingual_pr.formats.units import PROP_ORIGIN, TranslationUnit, tmx_date

    now = tmx_date()
    out = []
    for s in segments:
        if s.target is None:
            continue
        props = [(PROP_ORIGIN, ORIGIN_PROP[s.origin]), ("x-bilingual-pr-origin", s.origin),
                 ("x-needs-review", "no" if s.origin == "tm-context" else "yes")]
        if s.score is not None:
            props.append(("x-match-quality", f"{s.score:g}"))
        if s.match:
            props.append(("x-match", s.match))
        notes = tuple(s.issues)
        out.append(TranslationUnit(s.source, s.target, src_tag, tgt_tag, tuid=f"s{s.index + 1}",
                                   props=tuple(props), notes=notes, creationdate=now,
                                   creationid=s.engine or "bilingual-pr"))
    return out


# ------------------------------------------------------------------ whole documents


@dataclass(frozen=True, slots=True)
class DraftResult:
    """Drafted segments plus what the MT step could use."""

    segments: list[DraftSegment]
    mt_engine: str | None  # engine name, None when no model was used
    missing_model: bool  # MT was wanted but no model is installed for the pair


OUTPUT_FORMATS = ("xliff", "text", "tmx")  # their extensions: formats/factory.py


def output_format(path: str | Path) -> str:
    """The output format named by a file extension (.xlf/.xliff, .txt, .tmx)."""
    from bilingual_pr.formats import factory

    return factory.output_format(path, OUTPUT_FORMATS)


def draft_document(sentences: Sequence[str], src_lang: str, tgt_lang: str, *, blocks: Sequence[int] | None = None,
                   tm_paths: Sequence[str | Path] = (), glossary: Glossary | None = None, fuzzy: float = 75.0,
                   use_mt: bool = True, strategy: Strategy = "auto", mt: MTEngine | None = None,
                   engine_options: dict | None = None, progress: Callable[[int], None] | None = None,
                   memory: "TranslationMemory | Memories | None" = None) -> DraftResult:
    """Draft sentences: memories (``memory``, or opened from ``tm_paths``: files and databases), then Argos."""
    from bilingual_pr.translate.memory import MemoryEngine, open_memories

    if memory is None and tm_paths:
        opened = open_memories(tm_paths, src_lang, tgt_lang)
        log.info("translation memory: %d units from %d file(s), %d database(s)",
                 len(opened.files) if opened.files is not None else 0, len(tm_paths) - len(opened.databases),
                 len(opened.databases))
        try:
            return draft_document(sentences, src_lang, tgt_lang, blocks=blocks, glossary=glossary, fuzzy=fuzzy,
                                  use_mt=use_mt, strategy=strategy, mt=mt, engine_options=engine_options,
                                  progress=progress, memory=opened)
        finally:
            opened.close()
    engines: list[Engine | MTEngine] = []
    if isinstance(memory, Memories):
        engines.append(memory.engine(fuzzy, glossary, src_lang, tgt_lang))
    elif memory is not None:
        engines.append(MemoryEngine(memory, fuzzy, name="tm", glossary=glossary))
    missing = False
    if use_mt and mt is None:
        from bilingual_pr.translate.argos import ArgosEngine, find_model

        model = find_model(src_lang, tgt_lang)
        if model is None:
            missing = True
        else:
            mt = ArgosEngine(model, **(engine_options or {}))
            mt.progress = progress
    if use_mt and mt is not None:
        engines.append(mt)
    enforcer = GlossaryEnforcer(glossary, src_lang, tgt_lang, strategy) if glossary is not None else None
    started = time.perf_counter()
    segments = draft_sentences(sentences, engines, enforcer=enforcer, blocks=blocks)
    log.info("drafted %d sentences in %.2f s", len(segments), time.perf_counter() - started)
    return DraftResult(segments, mt.name if (use_mt and mt is not None) else None, missing)


def write_draft(path: str | Path, segments: Sequence[DraftSegment], src_tag: str, tgt_tag: str, original: str,
                xliff_version: str | None = None) -> str:
    """Write drafts in the format the extension names; return that format."""
    from bilingual_pr import __version__
    from bilingual_pr.fileio import write_text_atomic

    fmt = output_format(path)
    if fmt == "xliff":
        from bilingual_pr.formats.xliff import DEFAULT_XLIFF_VERSION, write_xliff

        write_xliff(path, xliff_segments(segments), src_tag, tgt_tag, original,
                    xliff_version or DEFAULT_XLIFF_VERSION, __version__)
    elif fmt == "text":
        write_text_atomic(path, text_output(segments, src_tag.split("-")[0]))
    else:
        from bilingual_pr.formats.tmx import write_tmx
        from bilingual_pr.formats.units import TmxHeader

        header = TmxHeader(srclang=src_tag, creationid="bilingual-pr draft",
                           notes=("Unreviewed drafts (x-Origin=MachineTranslation/TM). Do not put in OmegaT tm/auto/.",))
        write_tmx(path, tmx_units(segments, src_tag, tgt_tag), header)
    return fmt
