"""Translation memory databases: every aligned, confirmed or post-edited unit, searchable.

``backend`` holds the contract (:class:`~bilingual_pr.tm.backend.StoredUnit`,
:class:`~bilingual_pr.tm.backend.TMBackend`) and the rules both backends share;
``sqlite`` is the embedded default (a file), ``postgres`` the team server (a
``postgresql://`` URL); ``exchange`` reads TMX/XLIFF/TSV/CSV files in and
writes TMX out. :func:`open_tm` picks the backend from the ``--db`` value.
docs/tm.md describes the schema and the commands.
"""

from __future__ import annotations

from pathlib import Path

from bilingual_pr.tm.backend import TMBackend

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_tm(db: str | Path, *, create: bool = True, timeout: float = 5.0) -> TMBackend:
    """The translation memory at ``db``: a PostgreSQL URL, else an SQLite file (created unless ``create`` is False)."""
    text = str(db)
    if text.startswith(POSTGRES_SCHEMES):
        from bilingual_pr.tm.postgres import PostgresTM

        return PostgresTM(text, timeout=timeout)
    from bilingual_pr.tm.sqlite import SqliteTM

    return SqliteTM(text, create=create, timeout=timeout)
