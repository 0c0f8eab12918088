"""A ready OmegaT 3.6 project: the new documents, the memories placed by trust, the glossary, the MT draft.

``plan_project`` is a pure function from what was read to a :class:`ProjectPlan` (which file goes
where, with what units); ``write_project`` writes a plan at the edge, whole or not at all (a
temporary folder beside the output, renamed into place). ``read_memories`` and
``new_documents`` are the readers. Where a memory unit goes (docs/omegat.md):

- ``tm/auto/``: units a person made or checked (origin ``human``, ``confirmed``): OmegaT inserts
  their exact matches as translations when the project loads;
- ``tm/penalty-NN/``: unreviewed aligned units, NN the points ``tm.leverage`` takes off such a unit
  (origin, low confidence): OmegaT 3.6 only proposes them, their score lowered by NN;
- ``tm/mt/penalty-NN/``: machine translation (memory units of origin ``mt`` and the MT draft of the
  new documents): penalised in 3.6, and shown as MT by the OmegaT versions that know ``tm/mt/``;
- ``tm/``: memories from elsewhere (origin ``tm``): proposed as they are, never inserted.

The facts this rests on (what OmegaT 3.6 reads from ``tm/``, its ``penalty-(\\d+)`` rule, the
glossary formats it loads) are recorded in shared/standards/INTEROP.md and checked by
tests/test_omegat_project.py with OmegaT itself.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.language import base_language

if TYPE_CHECKING:
    from bilingual_pr.documents import Document
    from bilingual_pr.glossary import Glossary
    from bilingual_pr.tm.leverage import LeverageRules
    from bilingual_pr.translate.base import MTEngine

#: Origins OmegaT may insert: a person made or checked the translation.
TRUSTED_ORIGINS = frozenset({"human", "confirmed"})
AUTO_DIR = "tm/auto"
REFERENCE_DIR = "tm"
MT_DIR = "tm/mt"
GLOSSARY_NAME = "glossary.utf8"
#: The project folders OmegaT expects, made even when empty.
FOLDERS = ("source", "target", "tm", "tm/auto", "glossary", "dictionary", "omegat")
# Plain-text sources are written in UTF-8 under their own name; filters.xml says so for *.txt and
# *.utf8 (OmegaT reads *.txt in the platform charset otherwise) and cuts one segment per line, which
# sentence segmentation then splits (the text filter's default is one segment per blank-line paragraph).
_TEXT_SUFFIXES = (".txt", ".text", ".utf8")
_FILTERS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<filters removeTags="false" removeSpacesNonseg="false" preserveSpaces="false" ignoreFileContext="false">
  <filter className="org.omegat.filters2.text.TextFilter" enabled="true">
    <files sourceFilenameMask="*.txt" targetFilenamePattern="${filename}" sourceEncoding="UTF-8" targetEncoding="UTF-8"/>
    <files sourceFilenameMask="*.text" targetFilenamePattern="${filename}" sourceEncoding="UTF-8" targetEncoding="UTF-8"/>
    <files sourceFilenameMask="*.utf8" targetFilenamePattern="${filename}" sourceEncoding="UTF-8" targetEncoding="UTF-8"/>
    <option name="segmentOn" value="BREAKS"/>
  </filter>
</filters>
"""
_PROJECT_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes>
      <mask>**/.svn/**</mask>
      <mask>**/CVS/**</mask>
      <mask>**/.git/**</mask>
    </source_dir_excludes>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{src}</source_lang>
    <target_lang>{tgt}</target_lang>
    <source_tok>{src_tok}</source_tok>
    <target_tok>{tgt_tok}</target_tok>
    <sentence_seg>{sentence_seg}</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
_TOKENIZERS = {"fr": "org.omegat.tokenizer.LuceneFrenchTokenizer", "en": "org.omegat.tokenizer.LuceneEnglishTokenizer"}
_DEFAULT_TOKENIZER = "org.omegat.tokenizer.DefaultTokenizer"


@dataclass(frozen=True, slots=True)
class MemoryUnit:
    """One unit of a memory given with ``--tm``: the pair, its origin and confidence, and the memory's name."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: str
    confidence: float | None
    memory: str  # the file or database it came from, as OmegaT will name its TMX
    changed: str | None = None
    creation_id: str | None = None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A new document as the project's ``source/`` holds it."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class MemoryFile:
    """A TMX of the project: its path in the project and its units (the last of one source wins in OmegaT)."""

    path: str
    units: tuple[TranslationUnit, ...]
    origin: str  # what they are: trusted, aligned, mt, tm


@dataclass(frozen=True, slots=True)
class ProjectPlan:
    """Every file of the project to write, and what was left out."""

    src_tag: str
    tgt_tag: str
    sources: tuple[SourceFile, ...]
    memories: tuple[MemoryFile, ...]
    glossary: str | None  # OmegaT tab-separated glossary text, written as glossary/glossary.utf8
    glossary_entries: int = 0
    other_direction: int = 0  # memory units of another language pair, left out

    def files(self) -> Iterator[tuple[str, bytes]]:
        """The project's small files (path in the project, bytes); the memories are written apart."""
        yield "omegat.project", project_xml(self.src_tag, self.tgt_tag).encode("utf-8")
        yield "omegat/filters.xml", _FILTERS_XML.encode("utf-8")
        for s in self.sources:
            yield f"source/{s.name}", s.data
        if self.glossary is not None:
            yield f"glossary/{GLOSSARY_NAME}", self.glossary.encode("utf-8")


def project_xml(src_tag: str, tgt_tag: str, sentence_seg: bool = True) -> str:
    """The ``omegat.project`` file: languages, their tokenizers, sentence segmentation (on unless asked)."""
    def tok(tag: str) -> str:
        try:
            return _TOKENIZERS.get(base_language(tag), _DEFAULT_TOKENIZER)
        except UserError:  # a tag OmegaT may take and we do not know (the interop tests try some)
            return _DEFAULT_TOKENIZER

    return _PROJECT_XML.format(src=escape(src_tag), tgt=escape(tgt_tag), src_tok=tok(src_tag), tgt_tok=tok(tgt_tag),
                               sentence_seg="true" if sentence_seg else "false")


def penalty_points(origin: str, confidence: float | None, rules: "LeverageRules | None" = None) -> int:
    """The points OmegaT should take off a unit: those ``tm.leverage`` takes off it (origin, low confidence), rounded up."""
    import math

    from bilingual_pr.tm.leverage import DEFAULT_RULES

    rules = rules or DEFAULT_RULES
    points = rules.origin_penalty(origin)
    if confidence is not None and confidence < rules.low_confidence_below:
        points += rules.low_confidence
    return int(math.ceil(points))


def placement(origin: str, confidence: float | None, rules: "LeverageRules | None" = None) -> str:
    """The folder of the project where a unit of this origin and confidence goes (see the module docstring)."""
    if origin in TRUSTED_ORIGINS:
        return AUTO_DIR
    points = penalty_points(origin, confidence, rules)
    if origin == "mt":
        return f"{MT_DIR}/penalty-{points}" if points else MT_DIR
    return f"tm/penalty-{points}" if points else REFERENCE_DIR


_UNSAFE = re.compile(r"[^\w.+-]+")


def _tmx_name(memory: str, used: set[str]) -> str:
    stem = _UNSAFE.sub("_", Path(memory).name)
    for suffix in (".gz", ".tmx", ".xlf", ".xliff", ".sqlite", ".db", ".tsv", ".csv"):
        if stem.lower().endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
    stem = stem.strip("._") or "memory"
    name, n = f"{stem}.tmx", 1
    while name in used:
        n += 1
        name = f"{stem}-{n}.tmx"
    used.add(name)
    return name


def _as_unit(u: MemoryUnit, src_tag: str, tgt_tag: str) -> TranslationUnit:
    from bilingual_pr.formats.units import PROP_CONFIDENCE, PROP_ORIGIN
    from bilingual_pr.tm.units import PROP_TM_ORIGIN

    # Only what OmegaT uses or shows: no context props (OmegaT reads file/id/prev/next as
    # alternative-translation keys); the project's own language tags on both sides.
    props: list[tuple[str, str]] = [(PROP_TM_ORIGIN, u.origin)]
    if u.origin == "mt":
        props.append((PROP_ORIGIN, "MachineTranslation"))
    if u.confidence is not None:
        props.append((PROP_CONFIDENCE, f"{u.confidence:.2f}"))
    return TranslationUnit(u.source, u.target, src_tag, tgt_tag, props=tuple(props), changedate=u.changed,
                           creationid=u.creation_id)


def plan_memories(units: Iterable[MemoryUnit], src_tag: str, tgt_tag: str,
                  rules: "LeverageRules | None" = None) -> tuple[tuple[MemoryFile, ...], int]:
    """The project's TMX files: each memory's units split by :func:`placement`; and how many were of another pair."""
    src, tgt = base_language(src_tag), base_language(tgt_tag)
    groups: dict[tuple[str, str], list[MemoryUnit]] = {}
    other = 0
    for u in units:
        if base_language(u.source_lang) != src or base_language(u.target_lang) != tgt:
            other += 1
            continue
        if not (u.source.strip() and u.target.strip()):
            continue
        groups.setdefault((placement(u.origin, u.confidence, rules), u.memory), []).append(u)
    used: dict[str, set[str]] = {}
    out = []
    for (folder, memory), members in groups.items():
        # OmegaT lets the last of several translations of one source win: the newest goes last.
        members = sorted(members, key=lambda m: m.changed or "")
        name = _tmx_name(memory, used.setdefault(folder, set()))
        kind = "trusted" if folder == AUTO_DIR else members[0].origin
        out.append(MemoryFile(f"{folder}/{name}", tuple(_as_unit(m, src_tag, tgt_tag) for m in members), kind))
    out.sort(key=lambda f: f.path)
    return tuple(out), other


def mt_memory(document: str, sources: Sequence[str], targets: Sequence[str | None], engine: str,
              src_tag: str, tgt_tag: str, rules: "LeverageRules | None" = None) -> MemoryFile | None:
    """The MT draft of one new document as a memory of the ``tm/mt/`` folder (None when nothing was translated)."""
    units = [MemoryUnit(s, t, src_tag, tgt_tag, "mt", None, f"{Path(document).name}.mt", creation_id=engine)
             for s, t in zip(sources, targets, strict=True) if t]
    if not units:
        return None
    files, _ = plan_memories(units, src_tag, tgt_tag, rules)
    return files[0]


def plan_project(sources: Sequence[SourceFile], src_tag: str, tgt_tag: str, *, memory_units: Iterable[MemoryUnit] = (),
                 mt_memories: Sequence[MemoryFile] = (), glossary: "Glossary | None" = None,
                 rules: "LeverageRules | None" = None) -> ProjectPlan:
    """Everything the project will hold: sources, memories placed by trust, the MT drafts, the glossary."""
    names = [s.name for s in sources]
    for name in names:
        if name in ("", ".", "..") or Path(name).name != name or "\\" in name:
            raise UserError(f"{name!r}: a document in source/ needs a plain file name")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise UserError(f"two new documents are named {dup}: OmegaT's source/ folder can hold only one")
    memories, other = plan_memories(memory_units, src_tag, tgt_tag, rules)
    text, entries = None, 0
    if glossary is not None:
        from bilingual_pr.glossary.csvio import omegat_tsv_text

        src, tgt = base_language(src_tag), base_language(tgt_tag)
        text, skipped = omegat_tsv_text(glossary, src, tgt)
        entries = len(glossary.entries) - skipped
    return ProjectPlan(src_tag, tgt_tag, tuple(sources), memories + tuple(mt_memories), text, entries, other)


# ------------------------------------------------------------------ readers (the edge)


def source_file(path: str | Path) -> SourceFile:
    """A new document for ``source/``: plain text re-encoded as UTF-8 (as filters.xml declares), others as they are."""
    from bilingual_pr.documents import decode_text
    from bilingual_pr.fileio import read_input_bytes

    path = Path(path)
    data = read_input_bytes(path)
    if path.suffix.lower() in _TEXT_SUFFIXES:
        text, _ = decode_text(data, str(path))
        data = text.encode("utf-8")
    return SourceFile(path.name, data)


def read_memories(paths: Sequence[str | Path], src_tag: str, tgt_tag: str) -> list[MemoryUnit]:
    """The units of every ``--tm`` memory (TMX, XLIFF, TSV/CSV files or databases) with their origins."""
    from bilingual_pr.tm import is_database, open_tm
    from bilingual_pr.tm.exchange import read_memory_file

    out: list[MemoryUnit] = []
    for p in paths:
        if is_database(p):
            from bilingual_pr.translate.memory import database_name

            backend = open_tm(p, create=False)
            try:
                name = database_name(str(p))
                out += [MemoryUnit(u.source, u.target, u.source_lang, u.target_lang, u.origin, u.confidence, name,
                                   u.changed or u.created, u.creation_id) for u in backend.export()]
            finally:
                backend.close()
            continue
        units, _ = read_memory_file(p, source_lang=src_tag, target_lang=tgt_tag)
        out += [MemoryUnit(u.source, u.target, u.source_lang, u.target_lang, u.origin, u.confidence, Path(p).name,
                           u.changed or u.created, u.creation_id) for u in units]
    return out


def mt_drafts(documents: Sequence["Document"], src_tag: str, tgt_tag: str, *, glossary: "Glossary | None" = None,
              mt: "MTEngine | None" = None, rules: "LeverageRules | None" = None) -> tuple[list[MemoryFile], str | None]:
    """The MT draft of each new document as a ``tm/mt/`` memory, and the engine's name (None: no model installed)."""
    from bilingual_pr.segment import one_line, segment_document
    from bilingual_pr.translate.draft import draft_document

    src, tgt = base_language(src_tag), base_language(tgt_tag)
    if mt is None:
        from bilingual_pr.translate.argos import ArgosEngine, find_model

        model = find_model(src, tgt)
        if model is None:
            return [], None
        mt = ArgosEngine(model)  # loaded once for all the documents
    out: list[MemoryFile] = []
    engine: str | None = None
    for doc in documents:
        texts = [one_line(s.text) for s in segment_document(doc, src)]
        result = draft_document(texts, src, tgt, glossary=glossary, use_mt=True, mt=mt)
        if result.mt_engine is None:
            return [], None
        engine = result.mt_engine
        found = mt_memory(doc.path, texts, [s.target for s in result.segments], engine, src_tag, tgt_tag, rules)
        if found is not None:
            out.append(found)
    return out, engine


# ------------------------------------------------------------------ writing (the edge)


def write_project(plan: ProjectPlan, out_dir: str | Path) -> None:
    """Write the project into ``out_dir`` whole or not at all (a new or empty folder): built beside it, then renamed."""
    from bilingual_pr.fileio import atomic_output
    from bilingual_pr.formats.tmx import TmxWriter
    from bilingual_pr.formats.units import TmxHeader

    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"{out}: exists and is not an empty folder; give a new folder for the project")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"{out}: folder {parent} does not exist")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=parent))
    except OSError as err:
        raise UserError(f"{out}: cannot write here ({err.strerror})") from None
    try:
        for folder in FOLDERS:
            (tmp / folder).mkdir(parents=True, exist_ok=True)
        for rel, data in plan.files():
            with atomic_output(tmp / rel, "wb", encoding=None) as fh:
                fh.write(data)
        header = TmxHeader(srclang=plan.src_tag)
        for m in plan.memories:
            (tmp / m.path).parent.mkdir(parents=True, exist_ok=True)
            with TmxWriter(tmp / m.path, replace(header, creationid=f"bilingual-pr omegat-project ({m.origin})")) as w:
                for u in m.units:
                    w.write(u)
        if out.is_dir():
            out.rmdir()  # empty, checked above
        os.rename(tmp, out)
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, OSError):
            raise UserError(f"{out}: cannot write the project ({err.strerror or err})") from None
        raise
