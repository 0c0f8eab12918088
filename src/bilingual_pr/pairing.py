"""Which files make a release pair and what the release is called: document symbols, names, manifests.

Pure functions over small frozen dataclasses: ``symbol_in_name``/``symbol_in_text``
find a document symbol (``DG11/005F``), ``derive_name`` names a release,
``pair_files`` pairs files keyed by symbol or by their ``*.fr.*``/``*.en.*``
name, ``parse_manifest`` reads a CSV manifest (``fr,en[,name]``). Files are read
only at the edges: ``discover_pairs`` (a folder) and ``load_pairs`` (a folder or
a manifest). ``pipeline`` names a release with them; ``batch`` pairs a folder.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from bilingual_pr.errors import UserError
# UNOG/CERN-style release symbols (DG26/014F, DG11-005E, PR_24_003F): the lexical rules' one pattern.
from bilingual_pr.lexical import RELEASE_SYMBOL_NAME, RELEASE_SYMBOL_TEXT

#: Extensions read as release documents when a folder is given.
DOC_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".docx"})

_LANG_MARK = re.compile(r"\.(fr|en)(?=\.|$)", re.IGNORECASE)


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
    found = RELEASE_SYMBOL_NAME.search(name)
    return _symbol(found) if found else None


def symbol_in_text(text: str, head_chars: int = 400) -> Symbol | None:
    """The document symbol near the top of a release (``DG26/014F`` on its first line), or None."""
    found = RELEASE_SYMBOL_TEXT.search(text[:head_chars])
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


def release_name(fr_path: str | Path, fr_text: str = "", given: str | None = None) -> str:
    """The name a release's outputs take: the one given (made file-name-safe), else ``derive_name``."""
    return safe_name(given) if given else derive_name(fr_path, fr_text)


# ------------------------------------------------------------------ pairing (pure)


@dataclass(frozen=True, slots=True)
class ReleasePair:
    """The French and English files of one release and the name of its outputs."""

    name: str
    fr: Path
    en: Path


@dataclass(frozen=True, slots=True)
class Unpaired:
    """A file that could not be paired, and why."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class FileKey:
    """What pairing knows about one file: its language and the key its counterpart shares."""

    path: Path
    lang: str | None
    key: str | None
    label: str  # the release name this key gives
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Pairing:
    """The pairs found and the files left over."""

    pairs: tuple[ReleasePair, ...]
    unpaired: tuple[Unpaired, ...] = ()


def key_from_name(path: Path, rel_parent: str = "") -> FileKey:
    """Language and key from a file name: a symbol (``DG11-005F``) or a ``.fr.``/``.en.`` mark."""
    name = path.name
    mark, sym = language_mark(name), symbol_in_name(name)
    if sym is not None:
        return FileKey(path, mark or sym.lang, f"sym:{sym.core}", sym.core)
    if mark is not None:
        stem = plain_stem(name)
        return FileKey(path, mark, f"stem:{rel_parent}/{stem.casefold()}",
                       f"{rel_parent.replace('/', '-')}-{stem}" if rel_parent else stem)
    return FileKey(path, None, None, plain_stem(name))


def key_from_text(path: Path, text: str) -> FileKey:
    """Language and key from the document symbol at the top of the text (``DG26/014F``)."""
    sym = symbol_in_text(text)
    if sym is None:
        return FileKey(path, None, None, plain_stem(path.name),
                       "cannot tell the language or the release: no .fr./.en. in the name and no document symbol "
                       "ending in F/E in the name or at the top of the text")
    return FileKey(path, sym.lang, f"sym:{sym.core}", sym.core)


def _unique(names: Iterable[str]) -> list[str]:
    # The first of each name keeps it; a repeat takes the first free -2, -3…, never a name that
    # another release has (two releases in one folder, one tuid twice in merged.tmx).
    bases = [safe_name(n) for n in names]
    taken: set[str] = set()
    out: list[str | None] = []
    for base in bases:
        out.append(None if base.casefold() in taken else base)
        taken.add(base.casefold())
    for i, base in enumerate(bases):
        if out[i] is None:
            k = 2
            while f"{base}-{k}".casefold() in taken:
                k += 1
            out[i] = f"{base}-{k}"
            taken.add(f"{base}-{k}".casefold())
    return [n for n in out if n is not None]


def pair_files(files: Sequence[FileKey]) -> Pairing:
    """Pair files sharing a key, one French with one English; everything else is reported unpaired."""
    groups: dict[str, dict[str, list[FileKey]]] = defaultdict(lambda: {"fr": [], "en": []})
    unpaired: list[Unpaired] = []
    for f in files:
        if f.key is None or f.lang not in ("fr", "en"):
            unpaired.append(Unpaired(f.path, f.problem or "cannot tell the language or the release"))
        else:
            groups[f.key][f.lang].append(f)
    found: list[tuple[str, Path, Path]] = []
    for key in sorted(groups):
        fr, en = groups[key]["fr"], groups[key]["en"]
        if len(fr) == 1 and len(en) == 1:
            found.append((fr[0].label, fr[0].path, en[0].path))
            continue
        label = (fr or en)[0].label
        if not fr or not en:
            missing = "English" if not en else "French"
            unpaired.extend(Unpaired(f.path, f"no {missing} counterpart for {label}") for f in fr + en)
        else:
            unpaired.extend(Unpaired(f.path, f"{len(fr)} French and {len(en)} English files for {label}: "
                                             "pair them with a manifest") for f in fr + en)
    found.sort(key=lambda t: (t[0].casefold(), str(t[1])))
    names = _unique(t[0] for t in found)
    pairs = tuple(ReleasePair(n, fr, en) for n, (_, fr, en) in zip(names, found))
    return Pairing(pairs, tuple(sorted(unpaired, key=lambda u: str(u.path))))


def parse_manifest(text: str, base: Path, where: str = "<manifest>") -> Pairing:
    """Pairs from CSV text with columns fr,en[,name] (a header row names them; paths relative to ``base``)."""
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise UserError(f"{where}: empty manifest; expected a CSV with columns fr,en[,name]")
    head = [c.strip().lower() for c in rows[0]]
    if "fr" in head and "en" in head:
        cols = (head.index("fr"), head.index("en"), head.index("name") if "name" in head else None)
        rows = rows[1:]
    else:
        cols = (0, 1, 2)
    triples = []
    for n, row in enumerate(rows, 2 if cols != (0, 1, 2) else 1):
        try:
            fr, en = row[cols[0]].strip(), row[cols[1]].strip()
        except IndexError:
            raise UserError(f"{where}:{n}: expected fr,en[,name] columns") from None
        if not fr or not en:
            raise UserError(f"{where}:{n}: empty fr or en path")
        name = row[cols[2]].strip() if cols[2] is not None and len(row) > cols[2] else ""
        fr_p, en_p = base / fr, base / en
        symbol = symbol_in_name(fr_p.name)
        triples.append((name or (symbol.core if symbol else plain_stem(fr_p.name)), fr_p, en_p))
    names = _unique(t[0] for t in triples)
    return Pairing(tuple(ReleasePair(n, fr, en) for n, (_, fr, en) in zip(names, triples)))


# ------------------------------------------------------------------ pairing (files)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def discover_pairs(folder: Path, exclude: Sequence[Path] = ()) -> Pairing:
    """Pair the release documents under ``folder`` (recursively; hidden files and ``exclude`` folders skipped)."""
    from bilingual_pr.documents import read_document

    keys: list[FileKey] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in DOC_SUFFIXES or any(_inside(path, x) for x in exclude):
            continue
        key = key_from_name(path, rel.parent.as_posix() if rel.parent != Path(".") else "")
        if key.key is None:
            try:
                key = key_from_text(path, read_document(path).text)
            except UserError as err:
                key = FileKey(path, None, None, path.name, str(err))
        keys.append(key)
    return pair_files(keys)


def load_pairs(source: Path, exclude: Sequence[Path] = ()) -> Pairing:
    """The pairs of a folder of releases, or of a CSV manifest."""
    if source.is_dir():
        return discover_pairs(source, exclude)
    if not source.exists():
        raise UserError(f"{source}: no such file or folder")
    if source.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise UserError(f"{source}: give a folder of releases or a CSV manifest (fr,en[,name])")
    from bilingual_pr.documents import decode_text
    from bilingual_pr.fileio import read_input_bytes

    text, _ = decode_text(read_input_bytes(source), str(source))
    return parse_manifest(text, source.parent, str(source))
