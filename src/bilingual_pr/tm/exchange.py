"""Files in and out of a translation memory database: TMX, post-edited XLIFF and TSV/CSV pairs in, TMX out.

Each file read becomes :class:`~bilingual_pr.tm.backend.NewUnit` objects with
an origin (:func:`tmx_origin`: x-Origin says ``aligned``, ``mt``, ``tm``; aligned
and reviewed is ``confirmed``; a memory from elsewhere is ``tm``),
a document (the ``x-source-doc`` prop, else the file name), dates, and the
previous/next source segment of the same document (context matches). From
XLIFF only the targets a person translated, checked or edited
(``formats.postedit.is_human``) are kept, as ``human``, with ``x-edited``,
``x-edit-distance`` and ``x-draft-origin``; drafts waiting for review are skipped. ``import_files`` stores each file in one transaction.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import (
    PROP_CONFIDENCE,
    PROP_CONTEXT_POST,
    PROP_CONTEXT_PRE,
    PROP_SOURCE_DOC,
    TranslationUnit,
    clean_xml_text,
    normalize_tmx_date,
    tmx_date,
)
from bilingual_pr.tm.backend import ImportReport, NewUnit, TMBackend
from bilingual_pr.tm.units import PROP_TM_ORIGIN, StoredUnit, origin_from_props

#: Props stored as the unit's own fields (origin, document, confidence, context), not kept twice in its props;
#: ``tm export`` writes them back.
_DERIVED_PROPS = {PROP_TM_ORIGIN, PROP_SOURCE_DOC, PROP_CONFIDENCE, PROP_CONTEXT_PRE, PROP_CONTEXT_POST}
_CSV_EXTENSIONS = (".csv",)


def tmx_origin(unit: TranslationUnit) -> str:
    """The origin of a TMX unit, by the one rule of :func:`bilingual_pr.tm.units.origin_from_props`."""
    return origin_from_props(unit.props)[0]


def _with_context(units: Iterable[NewUnit]) -> Iterator[NewUnit]:
    """Units with the previous/next source of the same document where their props did not say."""
    prev: NewUnit | None = None
    pending: NewUnit | None = None
    for unit in units:
        if pending is not None:
            same = pending.document == unit.document
            if pending.next_source is None and same:
                pending = replace(pending, next_source=unit.source)
            yield pending
        if unit.prev_source is None and prev is not None and prev.document == unit.document:
            unit = replace(unit, prev_source=prev.source)
        prev = pending = unit
    if pending is not None:
        yield pending


def _new_unit(u: TranslationUnit, origin: str, document: str, changed: str | None = None) -> NewUnit:
    props = tuple(p for p in u.props if p[0] not in _DERIVED_PROPS)
    # What a TMX cannot carry is not stored either, so that an export gives back what was stored.
    return NewUnit(
        source=clean_xml_text(u.source)[0], target=clean_xml_text(u.target)[0], source_lang=u.source_lang, target_lang=u.target_lang, origin=origin,
        confidence=u.confidence, document=u.prop(PROP_SOURCE_DOC) or document,
        created=normalize_tmx_date(u.creationdate), changed=normalize_tmx_date(u.changedate) or changed,
        creation_id=u.creationid, prev_source=u.prop(PROP_CONTEXT_PRE), next_source=u.prop(PROP_CONTEXT_POST),
        tuid=u.tuid, props=props, notes=u.notes)


def _file_date(path: Path) -> str:
    return tmx_date(datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))


def _read_csv(path: Path, source_lang: str | None, target_lang: str | None) -> list[TranslationUnit]:
    """Pairs of a CSV file (``source,target[,id]``, an optional ``fr,en`` header), as formats.tsv reads TSV."""
    from bilingual_pr.documents import decode_text
    from bilingual_pr.fileio import read_input_bytes
    from bilingual_pr.language import base_language

    text, _ = decode_text(read_input_bytes(path), str(path))
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if any(len(r) < 2 for r in rows):
        bad = next(i for i, r in enumerate(rows) if len(r) < 2) + 1
        raise UserError(f"{path}:{bad}: expected source,target on every line")
    sl, tl = source_lang or "", target_lang or ""
    if rows and all(len(c.strip()) in (2, 5) and c.strip()[:2].isalpha() for c in rows[0][:2]):
        try:
            header = (base_language(rows[0][0]), base_language(rows[0][1]))
        except UserError:
            header = None
        if header is not None:
            rows = rows[1:]
            if (sl and base_language(sl) == header[1]) and (not tl or base_language(tl) == header[0]):
                rows = [[r[1], r[0], *r[2:]] for r in rows]
            sl, tl = sl or header[0], tl or header[1]
    return [TranslationUnit(r[0], r[1], sl, tl, r[2] if len(r) > 2 and r[2] else None) for r in rows]


def read_memory_file(path: str | Path, *, origin: str | None = None, source_lang: str | None = None,
                     target_lang: str | None = None) -> tuple[list[NewUnit], int]:
    """The units of one TMX, XLIFF, TSV or CSV file to store, and how many were skipped (drafts, empty sides).

    ``origin`` replaces the origin each unit would get; languages choose TMX sides and name TSV/CSV columns.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    document = path.name
    skipped = 0
    units: list[NewUnit] = []
    if path.suffix.lower() in _CSV_EXTENSIONS:
        fmt = "csv"
    else:
        from bilingual_pr.formats.factory import input_format

        fmt = input_format(path)
    try:
        if fmt == "tmx":
            from bilingual_pr.formats.tmx import TmxReader

            reader = TmxReader(path, source_lang, target_lang)
            units = [_new_unit(u, origin or tmx_origin(u), document) for u in reader]
            skipped = reader.skipped
        elif fmt == "xliff":
            from bilingual_pr.formats.postedit import memory_unit
            from bilingual_pr.formats.xliff import read_xliff

            changed = _file_date(path)  # XLIFF has no dates: a post-edited file is as new as its last save
            # A draft nobody translated or checked is no translation (left out below), but its source is
            # context; a person's translation keeps whether it edited the draft (formats/postedit.py).
            units = [_new_unit(mine if (mine := memory_unit(u)) is not None else replace(u, target=""),
                               origin or "human", document, changed)
                     for u in read_xliff(path)]
        else:
            if fmt == "csv":
                pairs = _read_csv(path, source_lang, target_lang)
            else:
                from bilingual_pr.formats.tsv import read_tsv

                pairs = read_tsv(path, source_lang, target_lang)
            units = [_new_unit(u, origin or "human", document) for u in pairs]
    except UserError as err:
        raise UserError(str(err) if str(path) in str(err) else f"{path}: {err}") from None
    kept = [u for u in _with_context(units) if u.source.strip() and u.target.strip()]
    if any(not (u.source_lang and u.target_lang) for u in kept):
        raise UserError(f"{path}: the languages of the pairs are unknown; give --source-lang and --target-lang "
                        "(or a header line such as fr<TAB>en)")
    return kept, skipped + len(units) - len(kept)


def upload_name(name: str) -> str:
    """A file name sent with an upload, reduced to a safe base name (its extension gives the format)."""
    kept = re.sub(r"[^\w.\- ]", "_", Path(name.replace("\\", "/")).name).strip(" .")[:120]
    return kept or "upload"


def read_upload(data: bytes, name: str, *, origin: str | None = None, source_lang: str | None = None,
                target_lang: str | None = None) -> tuple[list[NewUnit], int, str]:
    """The units of one file received as bytes (``tm serve``'s import), read as :func:`read_memory_file` reads a file.

    Returns the units, how many were skipped, and the safe name (the document and ``source_file``).
    """
    from bilingual_pr.fileio import ScratchDir, write_scratch

    safe = upload_name(name)
    scratch = ScratchDir("upload")
    try:
        path = Path(scratch.path) / safe
        write_scratch(path, [data])
        try:
            units, skipped = read_memory_file(path, origin=origin, source_lang=source_lang, target_lang=target_lang)
        except UserError as err:
            # The client knows its file by its name, not by our scratch folder.
            raise UserError(str(err).replace(str(path), safe)) from None
    finally:
        scratch.cleanup()
    return units, skipped, safe


def import_files(backend: TMBackend, paths: Sequence[str | Path], *, origin: str | None = None,
                 source_lang: str | None = None, target_lang: str | None = None) -> Iterator[ImportReport]:
    """Import each file in its own transaction, reporting each; a bad file stops with a UserError naming it."""
    for path in paths:
        units, skipped = read_memory_file(path, origin=origin, source_lang=source_lang, target_lang=target_lang)
        yield backend.import_units(units, source_file=os.fspath(path), skipped=skipped)


def as_translation_unit(unit: StoredUnit) -> TranslationUnit:
    """A stored unit as a TMX unit: its props, its origin (x-tm-origin), document and context as props."""
    props = list(unit.props)
    if unit.confidence is not None:
        props.append((PROP_CONFIDENCE, str(unit.confidence)))
    if unit.document:
        props.append((PROP_SOURCE_DOC, unit.document))
    if unit.prev_source:
        props.append((PROP_CONTEXT_PRE, unit.prev_source))
    if unit.next_source:
        props.append((PROP_CONTEXT_POST, unit.next_source))
    props.append((PROP_TM_ORIGIN, unit.origin))
    return TranslationUnit(unit.source, unit.target, unit.source_lang, unit.target_lang, unit.tuid, tuple(props),
                           unit.notes, unit.created, unit.changed, unit.creation_id)


def export_tmx(backend: TMBackend, out: str | Path, *, origin: Sequence[str] = (), since: str | None = None,
               document: str | None = None) -> int:
    """Write the units an export selects to a TMX file (atomically); return how many were written."""
    from bilingual_pr.formats.tmx import TmxWriter

    # OmegaT's own context props (prev, next, file...) imported from its memories go back out as they came.
    with TmxWriter(out, allow_context_props=True) as writer:
        for unit in backend.export(origin=origin, since=since, document=document):
            writer.write(as_translation_unit(unit))
    return writer.written
