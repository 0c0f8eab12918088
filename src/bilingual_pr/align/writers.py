"""Output of an alignment: TMX (through formats.tmx), TSV, JSON and vecalign beads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bilingual_pr.align.base import AlignSignature
from bilingual_pr.align.core import AlignedPair
from bilingual_pr.errors import UserError
from bilingual_pr.fileio import atomic_output
from bilingual_pr.segment import one_line

FORMATS = ("tmx", "tsv", "json", "beads")


def format_for(path: str | Path | None, fmt: str | None) -> str:
    """The output format: the one asked for, else the one the file extension names (tsv on stdout)."""
    from bilingual_pr.formats.factory import output_format

    if fmt:
        return fmt
    if path is None:
        return "tsv"
    return output_format(path, FORMATS, "--format " + "|".join(FORMATS))


def review_path(path: str | Path) -> Path:
    """Where pairs that need review go: ``out.tmx`` -> ``out.review.tmx``."""
    p = Path(path)
    return p.with_name(f"{p.stem}.review{p.suffix}") if p.suffix else p.with_name(p.name + ".review")


@dataclass(frozen=True, slots=True)
class OutputMeta:
    """What every output records about the alignment's origin."""

    src_lang: str
    tgt_lang: str
    src_doc: str
    tgt_doc: str
    release: str | None = None  # the release name the TMX tuids start with (None: no tuid)
    signature: AlignSignature | None = None  # what made the alignment (``Alignment.signature``)


def bead_tuid(release: str, number: int) -> str:
    """The TMX ``tuid`` of an aligned bead: release name, colon, 1-based bead number (``DG26-014:12``)."""
    # The number is the bead's row on the review page and its "unit #" in the QA reports, so a
    # tuid found anywhere leads back to the same bead; release names (safe_name) hold no colon.
    return f"{release}:{number}"


@dataclass(frozen=True, slots=True)
class BeadRoutes:
    """Where the beads of an alignment go, as 1-based bead numbers (the tuid numbers)."""

    memory: tuple[int, ...]  # both sides, confidence at or above the threshold: the main TMX
    review: tuple[int, ...]  # both sides, below the threshold: the review TMX
    one_sided: tuple[int, ...]  # a sentence with no counterpart (1-0, 0-1): in no TMX


def threshold_text(min_confidence: float) -> str:
    """A confidence threshold as summaries print it: two decimals (0.90), more when it has more (0.995)."""
    two = f"{min_confidence:.2f}"
    return two if float(two) == min_confidence else f"{min_confidence:g}"


def route_beads(pairs: Sequence[AlignedPair], min_confidence: float) -> BeadRoutes:
    """Which beads go to the memory, which to review and which to no TMX at all (one side only)."""
    memory: list[int] = []
    review: list[int] = []
    one_sided: list[int] = []
    for n, p in enumerate(pairs, 1):
        (one_sided if not p.is_pair else memory if p.confidence >= min_confidence else review).append(n)
    return BeadRoutes(tuple(memory), tuple(review), tuple(one_sided))


def tsv_text(pairs: Sequence[AlignedPair], meta: OutputMeta) -> str:
    """Tab-separated: confidence, bead type, source sentence(s), target sentence(s); one bead per line."""
    lines = [f"confidence\tbead\t{meta.src_lang}\t{meta.tgt_lang}\n"]
    for p in pairs:
        lines.append(f"{p.confidence:.3f}\t{p.kind}\t{one_line(p.src_text)}\t{one_line(p.tgt_text)}\n")
    return "".join(lines)


def json_text(pairs: Sequence[AlignedPair], meta: OutputMeta, needs_review: bool) -> str:
    """JSON with one object per bead: texts, sentence indices, character spans, bead type, score and confidence."""
    payload = {
        "src_lang": meta.src_lang, "tgt_lang": meta.tgt_lang, "source_doc": meta.src_doc, "target_doc": meta.tgt_doc,
        "needs_review": needs_review,
        **({"signature": str(meta.signature), "calibration": meta.signature.calibration} if meta.signature else {}),
        "pairs": [
            {"src": list(p.src), "tgt": list(p.tgt), "src_text": p.src_text, "tgt_text": p.tgt_text,
             "src_span": list(p.src_span) if p.src_span else None, "tgt_span": list(p.tgt_span) if p.tgt_span else None,
             "bead": p.kind, "score": round(p.score, 4), "confidence": round(p.confidence, 4)}
            for p in pairs
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def beads_text(pairs: Sequence[AlignedPair]) -> str:
    """vecalign bead lines (``[0]:[0]``, ``[1,2]:[3]``, ``[4]:[]``), 0-based sentence indices."""
    return "".join(f"[{','.join(map(str, p.src))}]:[{','.join(map(str, p.tgt))}]\n" for p in pairs)


def write_tmx_pairs(path: str | Path, pairs: Sequence[AlignedPair], meta: OutputMeta, needs_review: bool,
                    numbers: Sequence[int] | None = None) -> int:
    """Write the pairs with text on both sides as TMX units with confidence, bead and origin properties.

    With ``meta.release`` and the pairs' bead ``numbers`` each unit gets its ``bead_tuid``; with
    ``meta.signature`` the header records it (``x-bilingual-pr-signature``).
    """
    from bilingual_pr.formats.tmx import TmxHeader, TmxWriter
    from bilingual_pr.formats.units import (PROP_BEAD, PROP_CONFIDENCE, PROP_NEEDS_REVIEW, PROP_ORIGIN,
                                            PROP_SIGNATURE, PROP_SOURCE_DOC, PROP_TARGET_DOC, TranslationUnit)

    tuids = ([bead_tuid(meta.release, n) for n in numbers] if meta.release and numbers is not None
             else [None] * len(pairs))
    header_props = ((PROP_SIGNATURE, str(meta.signature)),) if meta.signature is not None else ()
    with TmxWriter(path, TmxHeader(srclang=meta.src_lang, props=header_props)) as writer:
        for p, tuid in zip(pairs, tuids, strict=True):
            if not p.is_pair:
                continue
            props: tuple[tuple[str, str], ...] = (
                (PROP_CONFIDENCE, f"{p.confidence:.2f}"), (PROP_BEAD, p.kind),
                (PROP_SOURCE_DOC, meta.src_doc), (PROP_TARGET_DOC, meta.tgt_doc), (PROP_ORIGIN, "Alignment"))
            if needs_review:
                props += ((PROP_NEEDS_REVIEW, "yes"),)
            writer.write(TranslationUnit(one_line(p.src_text), one_line(p.tgt_text), meta.src_lang, meta.tgt_lang,
                                         tuid=tuid, props=props))
    return writer.written


def write_output(path: str | Path, fmt: str, pairs: Sequence[AlignedPair], meta: OutputMeta,
                 needs_review: bool = False, numbers: Sequence[int] | None = None) -> None:
    """Write one output file atomically in the given format (``numbers``: the pairs' bead numbers, for tuids)."""
    if fmt == "tmx":
        write_tmx_pairs(path, pairs, meta, needs_review, numbers)
        return
    if fmt == "tsv":
        text = tsv_text(pairs, meta)
    elif fmt == "json":
        text = json_text(pairs, meta, needs_review)
    elif fmt == "beads":
        text = beads_text(pairs)
    else:
        raise UserError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    with atomic_output(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def render(fmt: str, pairs: Sequence[AlignedPair], meta: OutputMeta) -> str:
    """The text of a non-TMX output (for stdout)."""
    if fmt == "tsv":
        return tsv_text(pairs, meta)
    if fmt == "json":
        return json_text(pairs, meta, False)
    if fmt == "beads":
        return beads_text(pairs)
    raise UserError(f"{fmt} output needs a file: use -o OUT")
