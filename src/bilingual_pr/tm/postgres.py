"""The PostgreSQL translation memory (a team's shared server): psycopg 3 and GIN full-text indexes.

The same tables as the SQLite backend (``backend.UNIT_COLUMNS``, ``meta``, ``src_df``, ``pairs``).
Fuzzy candidates follow ``backend.candidate_plan`` as in SQLite: an ``(md5(src_words), src_base,
tgt_base, id)`` index for the same words, the source's full-text index for all the content
words and for the rarest ones (``src_df``, counted at import), newest hits first and bounded,
then ``backend.overlap_order``; concordance from each side's full-text index (``'simple'``
configuration: no stemming, no stop words, the words ``backend.index_words`` folded), the
phrase tested on the folded words and confirmed by ``backend.phrase_spans``.

A GIN index gives its hits in no order: "the newest N" would sort every hit, and a common
word has hundreds of thousands. So each side's full-text index also holds lexemes no text
can give (the ``'simple'`` parser never yields ``#``): the unit's id bucket (``#b`` + id >>
``BUCKET_BITS``), its side's language (``#lfr``) and, in the source index, the target's
(``#ten``). A lookup reads windows of newest buckets (:func:`_windows`), each query costing
what its window holds, and stops when it has enough. psycopg is the ``team`` extra (``pip
install bilingual-pr[team]``); without it a ``postgresql://`` database is refused with that advice.
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

#: The id buckets' size (id >> 12: 4,096 units): what one bucket lexeme of the full-text indexes covers.
BUCKET_BITS = 12
#: How many windows of buckets (1 then 2: 12,000 units) a lookup reads at least before ``enough`` stops it.
WINDOWS = 2
# What each side's full-text index holds: the folded words, then lexemes the 'simple' parser never
# gives (it drops "#"): the side's language, the source's target language, and the id bucket.
_VECTOR = {
    "src": "(to_tsvector('simple', src_words) || array_to_tsvector(ARRAY['#l' || src_base, '#t' || tgt_base, "
           f"'#b' || (id >> {BUCKET_BITS})::text]))",
    "tgt": "(to_tsvector('simple', tgt_words) || array_to_tsvector(ARRAY['#l' || tgt_base, "
           f"'#b' || (id >> {BUCKET_BITS})::text]))",
}

#: Below this many estimated hits (document frequencies), one query without buckets is cheapest.
DIRECT_HITS = 1000

# Lookups' helpers (a database made before them gets them on open): the source words' document
# frequencies, the language pairs present (as in SQLite), an index finding a source's exact words
# newest first (md5: a b-tree entry has a size limit), and the full-text indexes with languages and
# id buckets (replacing the plain ones and the trigram index, which no lookup reads).
_LOOKUP_TABLES = [
    "CREATE TABLE IF NOT EXISTS src_df (term text PRIMARY KEY, n bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS pairs (src_base text NOT NULL, tgt_base text NOT NULL, PRIMARY KEY (src_base, tgt_base))",
    "INSERT INTO pairs SELECT DISTINCT src_base, tgt_base FROM units ON CONFLICT DO NOTHING",
    "CREATE INDEX IF NOT EXISTS units_src_md5_id ON units (md5(src_words), src_base, tgt_base, id)",
    f"CREATE INDEX IF NOT EXISTS units_src_fts_lb ON units USING gin ({_VECTOR['src']})",
    f"CREATE INDEX IF NOT EXISTS units_tgt_fts_lb ON units USING gin ({_VECTOR['tgt']})",
    "DROP INDEX IF EXISTS units_src_md5",
    "DROP INDEX IF EXISTS units_src_fts",
    "DROP INDEX IF EXISTS units_tgt_fts",
    "DROP INDEX IF EXISTS units_src_trgm",
]
_FTS_INDEXES = ("units_src_fts_lb", "units_tgt_fts_lb")
#: What a database made before them lacks.
_LOOKUP_RELATIONS = ("src_df", "pairs", "units_src_md5_id", "units_src_fts_lb", "units_tgt_fts_lb")

_SCHEMA = [
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
            elif not all(map(self._has, _LOOKUP_RELATIONS)):
                with self._db.transaction():
                    self._db.execute("SELECT pg_advisory_xact_lock(7319001)")
                    if not all(map(self._has, _LOOKUP_RELATIONS)):
                        count = not self._has("src_df")
                        for statement in _LOOKUP_TABLES:
                            self._db.execute(statement)
                        if count:
                            self._db.execute("INSERT INTO src_df SELECT word, ndoc FROM ts_stat("
                                             "'SELECT to_tsvector(''simple'', src_words) FROM units')")
        except self._psycopg.Error as err:
            raise self._error(err) from None

    def _has(self, relation: str) -> bool:
        return self._db.execute("SELECT to_regclass(%s)", (relation,)).fetchone()[0] is not None

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
                with self._db.cursor() as cur:
                    cur.executemany("INSERT INTO pairs VALUES (%s, %s) ON CONFLICT DO NOTHING",
                                    list({(base(u.source_lang), base(u.target_lang)) for u in by_key.values()}))
                # The new rows' words (ids after the last one: the table is locked against other imports).
                counts: Counter[str] = Counter()
                for (src_words,) in self._db.execute("SELECT src_words FROM units WHERE id > %s", (last,)):
                    counts.update(set(src_words.split()))
                if counts:
                    with self._db.cursor() as cur:
                        cur.executemany("INSERT INTO src_df (term, n) VALUES (%s, %s) ON CONFLICT (term) "
                                        "DO UPDATE SET n = src_df.n + excluded.n", list(counts.items()))
                # New rows wait in the full-text indexes' pending lists (fast to fill), which every lookup
                # reads whole until autovacuum merges them: merged here, at the end of the import (by the
                # indexes' owner only: PostgreSQL refuses anyone else, and autovacuum will do it then).
                self._db.execute("SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.oid = ANY(%s::regclass[]) "
                                 "AND pg_has_role(c.relowner, 'USAGE')", (list(_FTS_INDEXES),))
            if added and added >= before:
                # The table at least doubled: fresh statistics now, not when autovacuum comes by (without
                # them, the first lookups after a first import may test every row rather than read an index).
                self._db.execute("ANALYZE units")
        except self._psycopg.Error as err:
            raise self._error(err) from None
        return ImportReport(source_file, read, added, stored - added, read - stored, skipped)

    def _query(self, sql: str, params: Sequence[Any]) -> list[StoredUnit]:
        try:
            return [stored_unit(r) for r in self._db.execute(sql, params).fetchall()]
        except self._psycopg.Error as err:
            raise self._error(err) from None

    def _newest(self, columns: str, side: str, tsquery: str, text: str, languages: Sequence[str], limit: int, *,
                top: int, direct: bool, enough: int | None = None, where: str = "",
                params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows whose ``side`` matches ``tsquery`` (SQL of ``text``) and ``where``: newest first, at most ``limit``.

        Read window by window (:func:`_windows`; ``top``: the highest id); ``enough``: after
        ``WINDOWS`` windows, that many stop it. ``direct``: few hits are expected, so one query
        over every bucket, with the language lexemes, is cheapest.
        """
        if direct:
            steps = [" & ".join(map(_lexeme, languages))]
        else:
            # Not the languages: a language's postings are as long as the memory, and the index reads
            # them before a window's (the SQL tests the languages of the rows a window gives).
            steps = [" | ".join(map(_lexeme, buckets)) for buckets in _windows(top)]
        out: list[tuple[Any, ...]] = []
        for n, wanted in enumerate(steps):
            if len(out) >= limit or (enough is not None and n >= WINDOWS and len(out) >= enough):
                break
            out += self._db.execute(
                f"SELECT {columns} FROM units u WHERE {_VECTOR[side]} @@ ({tsquery} && %s::tsquery)"
                # "+ 0": sorted after the index, never read by walking the ids backwards and computing each
                # row's vector (the planner's choice for a small limit); and a plan for these values, not a
                # prepared statement's generic one.
                f"{where} ORDER BY u.id + 0 DESC LIMIT %s", (text, wanted, *params, limit - len(out)),
                prepare=False).fetchall()
        return out

    def candidates(self, text: str, source_lang: str, target_lang: str, limit: int = 50) -> list[StoredUnit]:
        """Units in this language pair whose source shares words with ``text``, from the index, likeliest first."""
        ws = candidate_words(text)
        if not ws or limit <= 0:
            return []
        cap = max(limit, HITS_PER_QUERY)
        pair = (base(source_lang), base(target_lang))
        try:
            df = dict(self._db.execute("SELECT term, n FROM src_df WHERE term = ANY(%s)", (ws,)).fetchall())
            if not self._db.execute("SELECT 1 FROM pairs WHERE src_base = %s AND tgt_base = %s", pair).fetchone():
                return []  # none in this pair: no window need be read
            top = self._db.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
            hits: dict[int, str] = {}
            for kind, query in candidate_plan(text, df):
                if kind == "exact":
                    key = " ".join(query)
                    # The words compared here, not in SQL: an estimate of "src_words = ..." near zero makes
                    # the planner sort every copy of a common sentence rather than read the index newest first.
                    rows = [r for r in self._db.execute(
                        "SELECT id, src_words FROM units WHERE md5(src_words) = md5(%s) AND src_base = %s "
                        "AND tgt_base = %s ORDER BY id DESC LIMIT %s", (key, *pair, cap), prepare=False).fetchall() if r[1] == key]
                else:
                    # The words are letters and digits only (backend.words): safe in a tsquery.
                    estimate = min(df[w] for w in query) if kind == "and" else sum(df[w] for w in query)
                    rows = self._newest("u.id, u.src_words", "src", "to_tsquery('simple', %s)",
                                        (" & " if kind == "and" else " | ").join(query),
                                        (f"#l{pair[0]}", f"#t{pair[1]}"), cap, top=top,
                                        direct=estimate <= DIRECT_HITS, enough=limit,
                                        where=" AND u.src_base = %s AND u.tgt_base = %s", params=pair)
                hits.update(dict(rows))
        except self._psycopg.Error as err:
            raise self._error(err) from None
        best = overlap_order(ws, df, max(top, 1), hits.items())[:limit]
        if not best:
            return []
        by_id = {u.id: u for u in self._query(f"{_SELECT} WHERE u.id = ANY(%s)", (best,))}
        return [by_id[i] for i in best]

    def concordance(self, phrase: str, lang: str, limit: int = 20) -> list[StoredUnit]:
        """Units with the phrase (whole words, accents and case ignored) in their side in ``lang``, newest first."""
        ws = words(phrase)
        if not ws or limit <= 0:
            return []
        lang = base(lang)
        query = " ".join(ws)
        found: dict[int, StoredUnit] = {}
        try:
            df = dict(self._db.execute("SELECT term, n FROM src_df WHERE term = ANY(%s)", (ws,)).fetchall())
            top = self._db.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
            present = self._db.execute("SELECT coalesce(bool_or(src_base = %s), false), "
                                       "coalesce(bool_or(tgt_base = %s), false) FROM pairs", (lang, lang)).fetchone()
            # Only the sides some unit has in this language (the windows would read the other for nothing).
            for side in [s for s, there in zip(("src", "tgt"), present) if there]:
                # The index finds the units with every word (a phrase query would recompute each one's
                # vector to check positions); the folded words with a space either side hold the phrase's
                # exactly where phrase_spans finds it, so the limit counts only true hits.
                rows = self._newest(", ".join(f"u.{c}" for c in ("id",) + UNIT_COLUMNS), side,
                                    "to_tsquery('simple', %s)", " & ".join(dict.fromkeys(ws)), (f"#l{lang}",),
                                    limit, top=top,
                                    direct=side == "src" and min(df.get(w, 0) for w in ws) <= DIRECT_HITS,
                                    where=f" AND u.{side}_base = %s AND (' ' || u.{side}_words || ' ') LIKE %s",
                                    params=(lang, f"% {query} %"))
                for unit in map(stored_unit, rows):
                    if has_phrase(unit, phrase, lang):
                        found[unit.id] = unit
        except self._psycopg.Error as err:
            raise self._error(err) from None
        return [found[i] for i in sorted(found, reverse=True)[:limit]]

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


def _windows(top: int) -> list[list[str]]:
    """The id windows a lookup reads, newest first: each a list of bucket lexemes, of 1, 2, 4, 8... buckets.

    A query's cost grows with its window and with its words: a common word stops in the first
    windows, a rarer one doubles until it has what it needs.
    """
    out: list[list[str]] = []
    bucket, size = top >> BUCKET_BITS, 1
    while bucket >= 0:
        out.append([f"#b{b}" for b in range(bucket, max(bucket - size, -1), -1)])
        bucket, size = bucket - size, size * 2
    return out


def _lexeme(text: str) -> str:
    """A tsquery operand for ``text`` as it is (quoted: a language tag is not parsed or folded)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
