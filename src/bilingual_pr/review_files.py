"""A release's memory on disk for review: finding its TMX files, applying a decisions file, writing the result.

A release's memory is ``<name>.tmx`` (pairs at or above the threshold) and
``<name>.review.tmx`` (below), as ``align``, ``run`` and ``batch`` write them;
the release is the name before the colon of its units' tuids. Inputs may be
either TMX file (its sibling is added) or a ``run``/``batch`` output folder
(searched for the release). Inputs are never modified: ``review apply`` writes
OUT.tmx and OUT.review.tmx atomically, after every check has passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import TmxHeader, TranslationUnit

_REVIEW_SUFFIX = ".review.tmx"
_TUID = re.compile(r"^(.+):\d+$")


@dataclass(frozen=True)
class ReleaseMemory:
    """The units of one release's memory and review TMX, with where they came from."""

    release: str
    memory_path: Path | None
    review_path: Path | None
    memory: tuple[TranslationUnit, ...]
    review: tuple[TranslationUnit, ...]
    header: TmxHeader
    recorded_base: str | None  # x-bilingual-pr-review-base: written by an earlier `review apply`

    @property
    def paths(self) -> tuple[Path, ...]:
        """The TMX files read."""
        return tuple(p for p in (self.memory_path, self.review_path) if p is not None)

    @property
    def folder(self) -> Path:
        """The folder of the memory, where ``review serve`` saves the decisions file."""
        return self.paths[0].parent

    @property
    def decisions_path(self) -> Path:
        """Where ``review serve`` saves the release's decisions: beside its memory."""
        return self.folder / f"{self.release}.decisions.json"


def _pairs_of(paths: Sequence[Path]) -> list[tuple[Path | None, Path | None]]:
    """(memory, review) TMX paths for the inputs: a TMX file with its sibling, every pair in a folder."""
    found: dict[Path, list[Path | None]] = {}
    for path in paths:
        if path.is_dir():
            files = sorted(path.rglob("*.tmx"))
        elif path.exists():
            files = [path]
        else:
            raise UserError(f"{path}: no such file or folder")
        for f in files:
            review = f.name.lower().endswith(_REVIEW_SUFFIX)
            stem = f.with_name(f.name[:-len(_REVIEW_SUFFIX)] if review else f.stem)
            slot = found.setdefault(stem, [None, None])
            slot[1 if review else 0] = f
            if not path.is_dir():  # a file named alone brings its sibling
                sibling = stem.with_name(stem.name + (".tmx" if review else _REVIEW_SUFFIX))
                if sibling.exists():
                    slot[0 if review else 1] = sibling
    return [(m, r) for m, r in found.values()]


def _release_of(units: Sequence[TranslationUnit]) -> str | None:
    names = {m.group(1) for u in units if u.tuid and (m := _TUID.match(u.tuid))}
    return names.pop() if len(names) == 1 else None


def load_release(paths: Sequence[Path], release: str | None = None) -> ReleaseMemory:
    """The memory of RELEASE (or of the one release) found in PATHS: TMX files or run/batch output folders."""
    from bilingual_pr.formats.tmx import read_tmx, read_tmx_header
    from bilingual_pr.review_apply import PROP_REVIEW_BASE

    if not paths:
        raise UserError("give the release's TMX (or review TMX), or a run or batch output folder")
    candidates: list[ReleaseMemory] = []
    for memory_path, review_path in _pairs_of(paths):
        memory = tuple(read_tmx(memory_path)) if memory_path else ()
        review = tuple(read_tmx(review_path)) if review_path else ()
        name = _release_of([*memory, *review])
        if name is None or (release is not None and name != release):
            continue
        header = read_tmx_header(memory_path or review_path)  # type: ignore[arg-type]
        bases = {dict(read_tmx_header(p).props).get(PROP_REVIEW_BASE) for p in (memory_path, review_path) if p}
        if len(bases) > 1:
            raise UserError(f"{memory_path} and {review_path} come from different reviews: give the pair "
                            "`review apply` wrote together")
        candidates.append(ReleaseMemory(name, memory_path, review_path, memory, review, header, bases.pop()))
    where = ", ".join(str(p) for p in paths)
    if not candidates:
        if release is not None:
            raise UserError(f"no memory of release {release} in {where}")
        raise UserError(f"no release memory in {where} (TMX units with tuids <release>:<bead>, as align, run "
                        "and batch write them)")
    if len(candidates) > 1:
        names = ", ".join(sorted(c.release for c in candidates))
        raise UserError(f"{where} holds several releases ({names}): give the TMX of one")
    return candidates[0]


def apply_files(decisions_path: Path, paths: Sequence[Path], output: Path) -> tuple[Path, Path, dict[str, int]]:
    """Apply the decisions file to the release's memory in PATHS; write OUTPUT and its review file."""
    from bilingual_pr.align.writers import review_path
    from bilingual_pr.decisions import read_decisions
    from bilingual_pr.fileio import refuse_overwriting_inputs
    from bilingual_pr.formats.tmx import write_tmx
    from bilingual_pr.review_apply import PROP_RELEASE_REVIEWED, PROP_REVIEW_BASE, apply_decisions

    decisions = read_decisions(decisions_path, "review")
    release = decisions.subject.get("release")
    if not isinstance(release, str) or not release:
        raise UserError(f"{decisions_path}: the decisions' subject names no release")
    found = load_release(paths, release)
    try:
        applied = apply_decisions(found.memory, found.review, decisions, release, found.recorded_base)
    except UserError as err:
        raise UserError(f"{decisions_path}: {err}; nothing written") from None
    rest = review_path(output)
    for out in (output, rest):
        refuse_overwriting_inputs(out, [decisions_path, *found.paths])
    own = (PROP_REVIEW_BASE, PROP_RELEASE_REVIEWED)
    props = tuple(p for p in found.header.props if p[0] not in own) + ((PROP_REVIEW_BASE, applied.base),)
    if applied.release_reviewed:
        props += ((PROP_RELEASE_REVIEWED, applied.release_reviewed),)
    header = replace(found.header, props=props)
    write_tmx(output, applied.memory, header)
    write_tmx(rest, applied.review, header)
    return output, rest, dict(applied.counts)
