"""Translation memory databases: every aligned, confirmed or post-edited unit, searchable and leveraged.

``units`` holds the stored unit every backend returns and the origin rule; ``backend`` the
contract (:class:`~bilingual_pr.tm.backend.TMBackend`) and the rules both backends share;
``sqlite`` is the embedded default (a file), ``postgres`` the team server (a ``postgresql://``
URL); ``exchange`` reads TMX/XLIFF/TSV/CSV files in and writes TMX out. ``leverage`` ranks a
sentence's candidate units (origin penalties, multiple translations, context matches) and
``repair`` substitutes changed numbers, dates, times, symbols, addresses and glossary terms into
a fuzzy match's target: pure functions over stored units. :func:`open_tm` picks the backend
from the ``--db`` value. docs/tm.md describes the schema, the commands and the rules.
"""

from __future__ import annotations

from pathlib import Path

from bilingual_pr.tm.backend import TMBackend

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
#: File names a memory database goes by (``draft``/``run --tm`` tell it from a TMX, XLIFF or TSV file).
DATABASE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
_SQLITE_HEADER = b"SQLite format 3\x00"


def is_database(value: str | Path) -> bool:
    """Whether a ``--tm`` value is a memory database: a PostgreSQL URL, an SQLite file (its header), or named so."""
    text = str(value)
    if text.startswith(POSTGRES_SCHEMES) or Path(text).suffix.lower() in DATABASE_SUFFIXES:
        return True
    try:
        with open(text, "rb") as f:
            return f.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def open_tm(db: str | Path, *, create: bool = True, timeout: float = 5.0) -> TMBackend:
    """The translation memory at ``db``: a PostgreSQL URL, else an SQLite file (created unless ``create`` is False)."""
    text = str(db)
    if text.startswith(POSTGRES_SCHEMES):
        from bilingual_pr.tm.postgres import PostgresTM

        return PostgresTM(text, timeout=timeout)
    from bilingual_pr.tm.sqlite import SqliteTM

    return SqliteTM(text, create=create, timeout=timeout)
