"""The PostgreSQL translation memory (a team's shared server): psycopg 3, ``pg_trgm`` and full-text indexes.

The same tables as the SQLite backend (``backend.UNIT_COLUMNS``, ``meta``).
Fuzzy candidates follow ``backend.candidate_plan`` as in SQLite: an md5 index for the
same words, the full-text index for all the content words and for the rarest ones
(``src_df``, counted at import), newest hits first and bounded, then
``backend.overlap_order``; concordance from a GIN full-text
index (``'simple'`` configuration: no stemming, no stop words, the words
``backend.index_words`` folded) with a phrase query, confirmed by
``backend.phrase_spans``. psycopg is the ``team`` extra (``pip install
bilingual-pr[team]``); without it a ``postgresql://`` database is refused with
that advice.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Iterator, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.tm.backend import (
    EXTRA_COLUMNS,
    SCHEMA_VERSION,
    UNIT_COLUMNS,
    ImportReport,
    NewUnit,
    StoredUnit,
    HITS_PER_QUERY,
    base,
    candidate_plan,
    candidate_words,
    overlap_order,
    check_schema,
    export_filters,
    has_phrase,
    newest_per_key,
    stored_unit,
    unit_row,
    words,
)

_COLUMNS = UNIT_COLUMNS + EXTRA_COLUMNS
_SELECT = "SELECT u.id, " + ", ".join(f"u.{c}" for c in UNIT_COLUMNS) + " FROM units u"

# Fuzzy lookups' helpers (a database made before them gets them on open): the source words'
# document frequencies, and an index finding a source's exact words (md5: a b-tree entry has a size limit).
_LOOKUP_TABLES = [
    "CREATE TABLE IF NOT EXISTS src_df (term text PRIMARY KEY, n bigint NOT NULL)",
    "CREATE INDEX IF NOT EXISTS units_src_md5 ON units (md5(src_words))",
]

_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE IF NOT EXISTS units (
        id bigserial PRIMARY KEY,
        source text NOT NULL, target text NOT NULL, source_lang text NOT NULL, target_lang text NOT NULL,
        origin text NOT NULL, confidence double precision, document text, created text, changed text,
        creation_id text, change_id text, prev_source text, next_source text, tuid text,
        props text NOT NULL, notes text NOT NULL,
        ukey text NOT NULL UNIQUE, src_base text NOT NULL, tgt_base text NOT NULL,
        src_words text NOT NULL, tgt_words text NOT NULL, source_file text)""",
    "CREATE INDEX IF NOT EXISTS units_pair ON units (src_base, tgt_base)",
    "CREATE INDEX IF NOT EXISTS units_document ON units (document)",
    "CREATE INDEX IF NOT EXISTS units_src_trgm ON units USING gin (src_words gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS units_src_fts ON units USING gin (to_tsvector('simple', src_words))",
    "CREATE INDEX IF NOT EXISTS units_tgt_fts ON units USING gin (to_tsvector('simple', tgt_words))",
    *_LOOKUP_TABLES,
    f"INSERT INTO meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}') ON CONFLICT DO NOTHING",
]

_UPSERT = (f"INSERT INTO units ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
           "ON CONFLICT (ukey) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "ukey")
           + " WHERE excluded.changed IS NOT NULL AND (units.changed IS NULL OR excluded.changed > units.changed)")


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise UserError("a postgresql:// translation memory needs psycopg: pip install 'bilingual-pr[team]'") from None
    return psycopg


class PostgresTM:
    """A translation memory in a PostgreSQL database (tables created on first use)."""

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        self.location = redacted(url)
        psycopg = self._psycopg = _driver()
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout)))
        except psycopg.Error as err:
            raise UserError(f"{self.location}: cannot connect to PostgreSQL: {_first_line(err)}") from None
        try:
            self._setup()
        except BaseException:
            self._db.close()
            raise

    def _error(self, err: Exception) -> UserError:
        return UserError(f"{self.location}: {_first_line(err)}")

    def _setup(self) -> None:
        try:
            found = self._version()
            check_schema(found, self.location)
            if found is None:
                with self._db.transaction():
                    # Two first imports at once must not both create the tables.
                    self._db.execute("SELECT pg_advisory_xact_lock(7319001)")
                    for statement in _SCHEMA:
                        self._db.execute(statement)
            elif self._db.execute("SELECT to_regclass('src_df')").fetchone()[0] is None:
                with self._db.transaction():
                    self._db.execute("SELECT pg_advisory_xact_lock(7319001)")
                    if self._db.execute("SELECT to_regclass('src_df')").fetchone()[0] is None:
                        for statement in _LOOKUP_TABLES:
                            self._db.execute(statement)
                        self._db.execute("INSERT INTO src_df SELECT word, ndoc FROM ts_stat("
                                         "'SELECT to_tsvector(''simple'', src_words) FROM units')")
        except self._psycopg.Error as err:
            raise self._error(err) from None

    def _version(self) -> int | None:
        if self._db.execute("SELECT to_regclass('meta')").fetchone()[0] is None:
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def import_units(self, units: Iterable[NewUnit], *, source_file: str, skipped: int = 0) -> ImportReport:
        """Store the units of one file in one transaction (all or nothing); idempotent, a newer change date wins."""
        by_key = newest_per_key(units)
        rows = [unit_row(u, source_file) for u in by_key.values()]
        read = len(by_key)
        try:
            with self._db.transaction():
                self._db.execute("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE")  # counts below stay true
                before = self._db.execute("SELECT count(*) FROM units").fetchone()[0]
                last = self._db.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
                stored = 0
                if rows:
                    with self._db.cursor() as cur:
                        cur.executemany(_UPSERT, rows)  # pipelined; rowcount sums the rows inserted or updated
                        stored = max(cur.rowcount, 0)
                added = self._db.execute("SELECT count(*) FROM units").fetchone()[0] - before
                # The new rows' words (ids after the last one: the table is locked against other imports).
                counts: Counter[str] = Counter()
                for (src_words,) in self._db.execute("SELECT src_words FROM units WHERE id > %s", (last,)):
                    counts.update(set(src_words.split()))
                if counts:
                    with self._db.cursor() as cur:
                        cur.executemany("INSERT INTO src_df (term, n) VALUES (%s, %s) ON CONFLICT (term) "
                                        "DO UPDATE SET n = src_df.n + excluded.n", list(counts.items()))
        except self._psycopg.Error as err:
            raise self._error(err) from None
        return ImportReport(source_file, read, added, stored - added, read - stored, skipped)

    def _query(self, sql: str, params: Sequence[Any]) -> list[StoredUnit]:
        try:
            return [stored_unit(r) for r in self._db.execute(sql, params).fetchall()]
        except self._psycopg.Error as err:
            raise self._error(err) from None

    def candidates(self, text: str, source_lang: str, target_lang: str, limit: int = 50) -> list[StoredUnit]:
        """Units in this language pair whose source shares words with ``text``, from the index, likeliest first."""
        ws = candidate_words(text)
        if not ws or limit <= 0:
            return []
        cap = max(limit, HITS_PER_QUERY)
        try:
            df = dict(self._db.execute("SELECT term, n FROM src_df WHERE term = ANY(%s)", (ws,)).fetchall())
            ids: dict[int, None] = {}
            for kind, query in candidate_plan(text, df):
                if kind == "exact":
                    key = " ".join(query)
                    rows = self._db.execute("SELECT id FROM units WHERE md5(src_words) = md5(%s) AND src_words = %s "
                                            "ORDER BY id DESC LIMIT %s", (key, key, cap))
                else:
                    # The words are letters and digits only (backend.words): safe in a tsquery.
                    tsquery = (" & " if kind == "and" else " | ").join(query)
                    rows = self._db.execute("SELECT id FROM units WHERE to_tsvector('simple', src_words) "
                                            "@@ to_tsquery('simple', %s) ORDER BY id DESC LIMIT %s", (tsquery, cap))
                ids.update(dict.fromkeys(r[0] for r in rows.fetchall()))
            if not ids:
                return []
            # "|| ''": the ids lead, not the language pair's index (which would walk every unit of the pair).
            hits = self._db.execute("SELECT id, src_words FROM units WHERE id = ANY(%s) AND src_base || '' = %s "
                                    "AND tgt_base || '' = %s", (list(ids), base(source_lang), base(target_lang))
                                    ).fetchall()
            total = self._db.execute("SELECT coalesce(max(id), 1) FROM units").fetchone()[0]
        except self._psycopg.Error as err:
            raise self._error(err) from None
        best = overlap_order(ws, df, total, hits)[:limit]
        if not best:
            return []
        by_id = {u.id: u for u in self._query(f"{_SELECT} WHERE u.id = ANY(%s)", (best,))}
        return [by_id[i] for i in best]

    def concordance(self, phrase: str, lang: str, limit: int = 20) -> list[StoredUnit]:
        """Units with the phrase (whole words, accents and case ignored) in their side in ``lang``, newest first."""
        ws = words(phrase)
        if not ws or limit <= 0:
            return []
        side = (f"({_SELECT} WHERE to_tsvector('simple', u.{{0}}_words) @@ phraseto_tsquery('simple', %s) "
                "AND u.{0}_base = %s)")
        sql = f"{side.format('src')} UNION {side.format('tgt')} ORDER BY 1 DESC LIMIT %s"
        query = " ".join(ws)
        units = self._query(sql, (query, base(lang), query, base(lang), limit * 2))
        return [u for u in units if has_phrase(u, phrase, lang)][:limit]

    def export(self, *, origin: Sequence[str] = (), since: str | None = None,
               document: str | None = None) -> Iterator[StoredUnit]:
        """The stored units, by id, of these origins, changed (or created) since a TMX date, of one document."""
        where, params = export_filters(origin, since, document, mark="%s")
        try:
            with self._db.transaction(), self._db.cursor(name="tm_export") as cur:
                cur.execute(f"{_SELECT}{where} ORDER BY u.id", params)
                for row in cur:
                    yield stored_unit(row)
        except self._psycopg.Error as err:
            raise self._error(err) from None

    def stats(self) -> dict[str, Any]:
        """Counts: units, by origin, by language pair, documents; the schema version and backend."""
        q = self._db.execute
        try:
            return {
                "backend": "postgresql", "location": self.location, "schema_version": self._version(),
                "units": q("SELECT count(*) FROM units").fetchone()[0],
                "by_origin": dict(q("SELECT origin, count(*) FROM units GROUP BY origin ORDER BY origin").fetchall()),
                "by_pair": {f"{s}-{t}": n for s, t, n in q(
                    "SELECT src_base, tgt_base, count(*) FROM units GROUP BY 1, 2 ORDER BY 1, 2").fetchall()},
                "documents": q("SELECT count(DISTINCT document) FROM units").fetchone()[0],
                "bytes": q("SELECT pg_total_relation_size('units')").fetchone()[0],
            }
        except self._psycopg.Error as err:
            raise self._error(err) from None

    def close(self) -> None:
        """Close the connection."""
        self._db.close()


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
