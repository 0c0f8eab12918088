"""Which file extension is which memory/bilingual format: the one table, for reading and for writing.

As translate-toolkit's ``storage/factory.py``: every command that reads a memory
or a bilingual file (``check``, ``draft --tm``, ``run --tm``, ``glossary suggest``)
asks :func:`input_format`, and every command that writes one picks its format
with :func:`output_format` (``align -o``, ``draft -o``), so a new extension is
added here once. A file whose extension names no format is recognised by its
first bytes (``<tmx``, ``<xliff``, a tab).

Documents to align (``.txt``/``.html``/``.docx``, ``documents.sniff_format``)
and glossaries (``.tbx``/``.csv``/OmegaT ``.txt``, ``glossary/files.py``) are
other concerns with their own tables: a ``.txt`` is a document to ``align``,
the plain-text draft to ``draft -o``, and an OmegaT glossary to ``-g``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from bilingual_pr.errors import UserError
from bilingual_pr.formats.units import TranslationUnit


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A format, the extensions that name it, and whether it is read as a memory/bilingual file."""

    name: str
    label: str
    extensions: tuple[str, ...]  # the first is the one named in messages
    readable: bool  # a memory/bilingual input (check, draft --tm, glossary suggest)
    writable: tuple[str, ...] = ()  # the extensions an output of this format may have (subset of extensions)


#: The table. ``writable`` leaves out the extensions of other tools' dialects (.sdlxliff, .mqxliff):
#: an XLIFF written by this tool is not an SDL or memoQ file.
FORMATS: tuple[FileFormat, ...] = (
    FileFormat("tmx", "TMX", (".tmx",), True, (".tmx",)),
    FileFormat("xliff", "XLIFF", (".xlf", ".xliff", ".xlf2", ".sdlxliff", ".mqxliff"), True, (".xlf", ".xliff", ".xlf2")),
    FileFormat("tsv", "TSV of pairs", (".tsv", ".tab"), True, (".tsv", ".tab")),
    FileFormat("json", "alignment JSON", (".json",), False, (".json",)),
    FileFormat("beads", "vecalign beads", (".beads", ".align", ".gold"), False, (".beads", ".align", ".gold")),
    FileFormat("text", "plain text", (".txt",), False, (".txt",)),
)
BY_NAME: dict[str, FileFormat] = {f.name: f for f in FORMATS}
#: extension -> format name, for every memory/bilingual input.
READ_EXTENSIONS: dict[str, str] = {ext: f.name for f in FORMATS if f.readable for ext in f.extensions}
#: The formats a memory/bilingual input may be in.
READABLE: tuple[str, ...] = tuple(f.name for f in FORMATS if f.readable)

_SNIFF_BYTES = 4096


def _suffix(path: str | Path) -> str:
    return Path(path).suffix.lower()


def sniff(head: bytes) -> str | None:
    """The memory/bilingual format the first bytes of a file show (tmx, xliff, tsv), or None."""
    low = head.lower()
    if b"<tmx" in low:
        return "tmx"
    if b"<xliff" in low:
        return "xliff"
    if b"\t" in head:
        return "tsv"
    return None


def input_format(path: str | Path, hint: str = "") -> str:
    """The format of a memory/bilingual input: by extension, else by its first bytes; a UserError if neither."""
    found = READ_EXTENSIONS.get(_suffix(path))
    if found is not None:
        return found
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read: {err.strerror or err}") from None
    found = sniff(head)
    if found is None:
        raise UserError(f"{path}: not a TMX, XLIFF or TSV file" + (f"; {hint}" if hint else ""))
    return found


def output_format(path: str | Path, choices: tuple[str, ...], option: str = "") -> str:
    """The format, among ``choices``, an output file's extension names; a UserError listing them if none."""
    suffix = _suffix(path)
    for name in choices:
        if suffix in BY_NAME[name].writable:
            return name
    named = ", ".join(f"{BY_NAME[n].writable[0]} ({BY_NAME[n].label})" for n in choices)
    also = f", or {option}" if option else ""
    raise UserError(f"{path}: unknown output type; use {named}{also}")


def read_units(path: str | Path, source_lang: str | None = None,
               target_lang: str | None = None) -> Iterator[TranslationUnit]:
    """Stream the units of a memory/bilingual file, whatever its format (TMX sides chosen by language)."""
    fmt = input_format(path)
    if fmt == "tmx":
        from bilingual_pr.formats.tmx import read_tmx

        return iter(read_tmx(path, src_lang=source_lang, tgt_lang=target_lang))
    if fmt == "xliff":
        from bilingual_pr.formats.xliff import read_xliff

        return read_xliff(path)
    from bilingual_pr.formats.tsv import read_tsv

    return iter(read_tsv(path, source_lang, target_lang))


def memory_units(path: str | Path, source_lang: str, target_lang: str) -> list[TranslationUnit]:
    """The units of a memory/bilingual file in ``source_lang`` -> ``target_lang``, in file order.

    TMX sides and TSV columns follow the languages; an XLIFF file that goes the other
    way is turned round, and a target no person translated, checked or edited
    (``formats.postedit.is_human``) reads as empty: a memory must not reuse drafts.
    """
    if input_format(path) != "xliff":
        return list(read_units(path, source_lang, target_lang))
    from bilingual_pr.formats.postedit import is_human
    from bilingual_pr.formats.xliff import read_xliff
    from bilingual_pr.language import base_language

    wanted = (base_language(source_lang), base_language(target_lang))
    out: list[TranslationUnit] = []
    for u in read_xliff(path):
        if not is_human(u):
            u = replace(u, target="", target_codes=())
        if wanted[0] != wanted[1] and (base_language(u.target_lang), base_language(u.source_lang)) == wanted:
            u = replace(u, source=u.target, target=u.source, source_lang=u.target_lang,
                        target_lang=u.source_lang, source_codes=u.target_codes, target_codes=u.source_codes)
        out.append(u)
    return out
