"""The SQLite translation memory (the embedded default): one file, stdlib ``sqlite3``, an FTS5 word index.

``units`` holds one row per unit (columns in ``backend.UNIT_COLUMNS``), and
``units_fts`` an external-content FTS5 index of the folded words of both sides
(``backend.index_words``): new rows are indexed together at the end of their
import (five times faster than a trigger a row), updated and deleted ones by triggers. Fuzzy candidates
follow ``backend.candidate_plan``: the units with the same words (an index on ``src_words``), FTS5
queries of all the content words and of the rarest words (``src_df``, the source words' document
frequencies, counted at import), each reading at most its newest ``HITS_PER_QUERY`` hits, then
``backend.overlap_order``; concordance an FTS5 phrase query, confirmed by ``backend.phrase_spans``.
Neither reads the whole table. ``meta`` holds the schema version; a database made before
``src_df`` gets it (and the ``src_words`` index) when opened.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.tm.backend import (
    EXTRA_COLUMNS,
    SCHEMA_VERSION,
    UNIT_COLUMNS,
    ImportReport,
    NewUnit,
    StoredUnit,
    base,
    HITS_PER_QUERY,
    RANKED_HITS,
    candidate_plan,
    candidate_words,
    overlap_order,
    check_schema,
    has_phrase,
    newest_per_key,
    stored_unit,
    unit_row,
    export_filters,
    words,
)

_COLUMNS = UNIT_COLUMNS + EXTRA_COLUMNS
_SRC_BASE = _COLUMNS.index("src_base")  # tgt_base follows it
assert _COLUMNS[_SRC_BASE + 1] == "tgt_base"
_SELECT = "SELECT u.id, " + ", ".join(f"u.{c}" for c in UNIT_COLUMNS) + " FROM units u"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL, target TEXT NOT NULL, source_lang TEXT NOT NULL, target_lang TEXT NOT NULL,
    origin TEXT NOT NULL, confidence REAL, document TEXT, created TEXT, changed TEXT,
    creation_id TEXT, change_id TEXT, prev_source TEXT, next_source TEXT, tuid TEXT,
    props TEXT NOT NULL, notes TEXT NOT NULL,
    ukey TEXT NOT NULL UNIQUE, src_base TEXT NOT NULL, tgt_base TEXT NOT NULL,
    src_words TEXT NOT NULL, tgt_words TEXT NOT NULL, source_file TEXT);
CREATE INDEX IF NOT EXISTS units_pair ON units (src_base, tgt_base);
CREATE TABLE IF NOT EXISTS pairs (src_base TEXT NOT NULL, tgt_base TEXT NOT NULL, PRIMARY KEY (src_base, tgt_base));
CREATE INDEX IF NOT EXISTS units_document ON units (document);
CREATE TABLE IF NOT EXISTS src_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS units_src_words ON units (src_words);
CREATE VIRTUAL TABLE IF NOT EXISTS units_fts USING fts5(
    src_words, tgt_words, content='units', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS units_ad AFTER DELETE ON units BEGIN
    INSERT INTO units_fts(units_fts, rowid, src_words, tgt_words)
    VALUES ('delete', old.id, old.src_words, old.tgt_words);
END;
CREATE TRIGGER IF NOT EXISTS units_au AFTER UPDATE ON units BEGIN
    INSERT INTO units_fts(units_fts, rowid, src_words, tgt_words)
    VALUES ('delete', old.id, old.src_words, old.tgt_words);
    INSERT INTO units_fts(rowid, src_words, tgt_words) VALUES (new.id, new.src_words, new.tgt_words);
END;
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');
"""

# A re-imported unit replaces the stored one only when its change date is newer (backend.is_newer).
_UPSERT = (f"INSERT INTO units ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
           "ON CONFLICT (ukey) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "ukey")
           + " WHERE excluded.changed IS NOT NULL AND (units.changed IS NULL OR excluded.changed > units.changed)")


def _fts_phrase(ws: Sequence[str]) -> str:
    return '"' + " ".join(ws) + '"'


class SqliteTM:
    """A translation memory in an SQLite file (created on first use)."""

    def __init__(self, path: str | Path, *, timeout: float = 5.0, create: bool = True) -> None:
        self.location = str(path)
        self._create = create
        if not create and not Path(path).exists():
            raise UserError(f"{path}: no such translation memory")
        try:
            self._db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as err:
            raise UserError(f"{path}: cannot open the translation memory: {err}") from None
        try:
            self._setup()
        except BaseException:
            self._db.close()
            raise

    def _error(self, err: sqlite3.Error) -> UserError:
        message = str(err)
        if "locked" in message or "busy" in message:
            return UserError(f"{self.location}: the translation memory is locked by another program; try again later")
        return UserError(f"{self.location}: {message}")

    def _setup(self) -> None:
        try:
            found = self._version()
            check_schema(found, self.location)
            if found is None:
                # Never write our schema into another program's database, nor into a file a
                # command only reads (draft --tm, tm search): inputs are never modified.
                if self._db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None:
                    raise UserError(f"{self.location}: an SQLite database, but not a bilingual-pr translation memory")
                if not self._create:
                    raise UserError(f"{self.location}: not a translation memory (an empty database); "
                                    "fill it with bilingual-pr tm import")
                try:
                    # executescript commits what is pending first: the transaction is inside the script.
                    self._db.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            else:
                self._add_lookup_tables()
        except sqlite3.DatabaseError as err:
            raise self._error(err) from None

    def _count_words(self, last: int) -> None:
        """Add the rows after id ``last`` to the source words' document frequencies (``src_df``)."""
        counts: Counter[str] = Counter()
        for (src_words,) in self._db.execute("SELECT src_words FROM units WHERE id > ?", (last,)):
            counts.update(set(src_words.split()))
        self._db.executemany("INSERT INTO src_df (term, n) VALUES (?, ?) "
                             "ON CONFLICT (term) DO UPDATE SET n = n + excluded.n", counts.items())

    def _add_lookup_tables(self) -> None:
        """Give a database made before them the word frequencies (counted from the FTS5 index) and the exact index."""
        if self._db.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('src_df', 'units_src_words')"
                            ).fetchone()[0] == 2:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("CREATE INDEX IF NOT EXISTS units_src_words ON units (src_words)")
            if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'src_df'").fetchone():
                self._db.execute("CREATE TABLE src_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
                self._db.execute("CREATE VIRTUAL TABLE temp.src_vocab USING fts5vocab(main, 'units_fts', 'col')")
                self._db.execute("INSERT INTO src_df SELECT term, doc FROM temp.src_vocab WHERE col = 'src_words'")
                self._db.execute("DROP TABLE temp.src_vocab")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _version(self) -> int | None:
        has_meta = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if has_meta is None:
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else None

    def import_units(self, units: Iterable[NewUnit], *, source_file: str, skipped: int = 0) -> ImportReport:
        """Store the units of one file in one transaction (all or nothing); idempotent, a newer change date wins."""
        # Reading the whole file first: a malformed file fails before anything is written.
        by_key = newest_per_key(units)
        rows = [unit_row(u, source_file) for u in by_key.values()]
        read = len(by_key)
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                before = self._db.execute("SELECT count(*) FROM units").fetchone()[0]
                last = self._db.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
                cur = self._db.executemany(_UPSERT, rows)
                stored = max(cur.rowcount, 0)
                self._db.executemany("INSERT OR IGNORE INTO pairs VALUES (?, ?)",
                                     {(r[_SRC_BASE], r[_SRC_BASE + 1]) for r in rows})
                # New rows get ids above the last one (INTEGER PRIMARY KEY without AUTOINCREMENT).
                self._db.execute("INSERT INTO units_fts(rowid, src_words, tgt_words) "
                                 "SELECT id, src_words, tgt_words FROM units WHERE id > ?", (last,))
                self._count_words(last)
                added = self._db.execute("SELECT count(*) FROM units").fetchone()[0] - before
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as err:
            raise self._error(err) from None
        return ImportReport(source_file, read, added, stored - added, read - stored, skipped)

    def _query(self, sql: str, params: Sequence[Any]) -> list[StoredUnit]:
        try:
            return [stored_unit(r) for r in self._db.execute(sql, params)]
        except sqlite3.Error as err:
            raise self._error(err) from None

    def candidates(self, text: str, source_lang: str, target_lang: str, limit: int = 50) -> list[StoredUnit]:
        """Units in this language pair whose source shares words with ``text``, from the index, likeliest first."""
        ws = candidate_words(text)
        if not ws or limit <= 0:
            return []
        pair = (base(source_lang), base(target_lang))
        try:
            marks = ", ".join("?" * len(ws))
            df = dict(self._db.execute(f"SELECT term, n FROM src_df WHERE term IN ({marks})", ws).fetchall())
            ids: dict[int, None] = {}
            for kind, query in candidate_plan(text, df):
                if kind == "exact":
                    # The same words: an index finds them (an FTS5 phrase of common words would read
                    # their whole position lists).
                    # The language pair before the limit: another pair's units must not crowd this one's out.
                    ids.update(dict.fromkeys(r[0] for r in self._db.execute(
                        "SELECT id FROM units INDEXED BY units_src_words WHERE src_words = ? AND src_base = ? "
                        "AND tgt_base = ? ORDER BY id DESC LIMIT ?", (" ".join(query), *pair, max(limit, HITS_PER_QUERY)))))
                    continue
                match = "src_words : (" + f" {kind.upper()} ".join(_fts_phrase([w]) for w in query) + ")"
                # Few enough hits: the most relevant (bm25); else the newest, so that no query reads a
                # common word's whole doclist.
                order = "rank" if kind == "or" and sum(df[w] for w in query) <= RANKED_HITS else "rowid DESC"
                ids.update(dict.fromkeys(r[0] for r in self._db.execute(
                    f"SELECT f.rowid FROM units_fts f JOIN units u ON u.id = f.rowid WHERE units_fts MATCH ? "
                    f"AND u.src_base = ? AND u.tgt_base = ? ORDER BY f.{order} LIMIT ?",
                    (match, *pair, max(limit, HITS_PER_QUERY)))))
            if not ids:
                return []
            marks = ", ".join("?" * len(ids))
            hits = self._db.execute(f"SELECT id, src_words FROM units WHERE id IN ({marks}) "
                                    "AND src_base = ? AND tgt_base = ?", (*ids, *pair))
            total = self._db.execute("SELECT max(id) FROM units").fetchone()[0] or 1
            best = overlap_order(ws, df, total, hits)[:limit]
        except sqlite3.Error as err:
            raise self._error(err) from None
        if not best:
            return []
        by_id = {u.id: u for u in self._query(f"{_SELECT} WHERE u.id IN ({', '.join('?' * len(best))})", best)}
        return [by_id[i] for i in best]

    def concordance(self, phrase: str, lang: str, limit: int = 20) -> list[StoredUnit]:
        """Units with the phrase (whole words, accents and case ignored) in their side in ``lang``, newest first."""
        ws = words(phrase)
        if not ws or limit <= 0:
            return []
        lang = base(lang)
        found: dict[int, StoredUnit] = {}
        try:
            sides = self._db.execute("SELECT max(src_base = ?), max(tgt_base = ?) FROM pairs", (lang, lang)).fetchone()
        except sqlite3.Error as err:
            raise self._error(err) from None
        # Only the sides some unit has in this language: a phrase query on the other column would
        # read the doclists of its words in both columns for nothing.
        for column, lang_column, present in (("src_words", "src_base", sides[0]), ("tgt_words", "tgt_base", sides[1])):
            if not present:
                continue
            for unit in self._phrase_hits(f"{column} : {_fts_phrase(ws)}", lang_column, lang, limit):
                if has_phrase(unit, phrase, lang):
                    found[unit.id] = unit
        return [found[i] for i in sorted(found, reverse=True)[:limit]]

    def _phrase_hits(self, match: str, lang_column: str, lang: str, limit: int) -> Iterator[StoredUnit]:
        """The units an FTS5 query finds with ``lang_column`` = lang, newest first, read in batches.

        FTS5 gives rowids in descending order without reading whole doclists, so a common
        phrase costs what a rare one does (a bm25 ranking would score every hit).
        """
        batch, below, given = max(limit * 2, 16), 1 << 62, 0
        while given < limit:
            ids = [r[0] for r in self._db.execute(
                "SELECT rowid FROM units_fts WHERE units_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
                (match, below, batch))]
            if not ids:
                return
            marks = ", ".join("?" * len(ids))
            # "+": the ids lead, not the language index (which would walk every unit in that language).
            for unit in self._query(f"{_SELECT} WHERE u.id IN ({marks}) AND +u.{lang_column} = ? ORDER BY u.id DESC",
                                    (*ids, lang)):
                given += 1
                yield unit
            if len(ids) < batch:
                return
            below = ids[-1]

    def export(self, *, origin: Sequence[str] = (), since: str | None = None,
               document: str | None = None) -> Iterator[StoredUnit]:
        """The stored units, by id, of these origins, changed (or created) since a TMX date, of one document."""
        where, params = export_filters(origin, since, document)
        try:
            cur = self._db.execute(f"{_SELECT}{where} ORDER BY u.id", params)
            for row in cur:
                yield stored_unit(row)
        except sqlite3.Error as err:
            raise self._error(err) from None

    def stats(self) -> dict[str, Any]:
        """Counts: units, by origin, by language pair, documents; the schema version and backend."""
        db = self._db
        try:
            return {
                "backend": "sqlite", "location": self.location, "schema_version": self._version(),
                "units": db.execute("SELECT count(*) FROM units").fetchone()[0],
                "by_origin": dict(db.execute("SELECT origin, count(*) FROM units GROUP BY origin ORDER BY origin")),
                "by_pair": {f"{s}-{t}": n for s, t, n in db.execute(
                    "SELECT src_base, tgt_base, count(*) FROM units GROUP BY 1, 2 ORDER BY 1, 2")},
                "documents": db.execute("SELECT count(DISTINCT document) FROM units").fetchone()[0],
                "bytes": Path(self.location).stat().st_size if Path(self.location).exists() else 0,
            }
        except sqlite3.Error as err:
            raise self._error(err) from None

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

