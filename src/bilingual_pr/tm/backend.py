"""The translation memory database contract: the stored unit, the backend Protocol, and the rules both backends share.

A backend (:mod:`bilingual_pr.tm.sqlite`, :mod:`bilingual_pr.tm.postgres`)
stores :class:`NewUnit` objects and gives back :class:`StoredUnit` objects
(the same fields and the database ``id``). What is decided here, once, for
both: the identity of a unit (:func:`unit_key`, what re-importing recognises),
the words the indexes hold (:func:`index_words`, folded by
:func:`bilingual_pr.lexical.fold`), when a re-imported unit replaces the stored
one (a newer change date), the schema version, and where a concordance phrase
is in a text (:func:`phrase_spans`, which the backends also use to confirm
what their index found). The leverage rules (``tm/leverage.py``) work on the
:class:`StoredUnit` lists :meth:`TMBackend.candidates` returns.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Protocol, Sequence

from bilingual_pr.errors import UserError
from bilingual_pr.lexical import fold
# The stored unit, its origins and the origin prop have one home, tm/units.py (leverage reads it too).
from bilingual_pr.tm.units import ORIGINS, PROP_TM_ORIGIN, StoredUnit  # noqa: F401  (the contract's names)

#: The schema this code writes and reads; a database with a higher one is refused.
SCHEMA_VERSION = 1

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class NewUnit:
    """One memory unit to store: texts, languages, where it came from, dates, context and original props."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: str  # one of ORIGINS
    confidence: float | None = None
    document: str | None = None
    created: str | None = None  # TMX basic dates (YYYYMMDDThhmmssZ): they sort as text
    changed: str | None = None
    creation_id: str | None = None
    change_id: str | None = None
    prev_source: str | None = None
    next_source: str | None = None
    props: tuple[tuple[str, str], ...] = ()
    tuid: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing one file did: units read, added, updated (newer change date), unchanged, skipped."""

    file: str
    read: int
    added: int
    updated: int
    unchanged: int
    skipped: int = 0


class TMBackend(Protocol):
    """A translation memory database (SQLite file or PostgreSQL server)."""

    location: str

    def import_units(self, units: Iterable[NewUnit], *, source_file: str, skipped: int = 0) -> ImportReport:
        """Store the units of one file in one transaction (all or nothing); idempotent, a newer change date wins."""
        ...

    def candidates(self, text: str, source_lang: str, target_lang: str, limit: int = 50) -> list[StoredUnit]:
        """Units in this language pair whose source shares words with ``text``, from the index, likeliest first."""
        ...

    def concordance(self, phrase: str, lang: str, limit: int = 20) -> list[StoredUnit]:
        """Units with the phrase (whole words, accents and case ignored) in their side in ``lang``, newest first."""
        ...

    def export(self, *, origin: Sequence[str] = (), since: str | None = None,
               document: str | None = None) -> Iterator[StoredUnit]:
        """The stored units, by id, of these origins, changed (or created) since a TMX date, of one document."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counts: units, by origin, by language pair, documents; the schema version and backend."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...


def base(tag: str) -> str:
    """The primary language of a tag as stored for lookups ('fr-CH' -> 'fr')."""
    return tag.replace("_", "-").split("-", 1)[0].strip().lower()


@functools.lru_cache(maxsize=1 << 16)
def _folded(raw: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(raw)))


def words(text: str) -> list[str]:
    """The folded words of a text (case, accents, ligatures, apostrophes folded; punctuation dropped)."""
    # Word by word through a cache: a memory's vocabulary is small, and fold() costs 13 us a sentence.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for raw in _WORD.findall(text):
        out += _folded(raw)
    return out


def index_words(text: str) -> str:
    """The text both backends index: its folded words separated by single spaces."""
    return " ".join(words(text))


def unit_key(unit: NewUnit) -> str:
    """The identity of a unit: same key, same unit (an update when newer).

    A unit with an id is the same unit whatever its texts (a corrected target
    replaces the old one when it is newer); one without is its texts: another
    target for the same source is another unit, kept beside it.
    """
    parts = [base(unit.source_lang), base(unit.target_lang), unit.document or ""]
    parts += ["id", unit.tuid] if unit.tuid else ["text", unit.source, unit.target]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def newest_per_key(units: Iterable[NewUnit]) -> dict[str, NewUnit]:
    """The units of one file by key; a key met twice keeps the unit with the newer change date (else the first)."""
    out: dict[str, NewUnit] = {}
    for unit in units:
        key = unit_key(unit)
        old = out.get(key)
        if old is None or is_newer(unit.changed, old.changed):
            out[key] = unit
    return out


def is_newer(new: str | None, old: str | None) -> bool:
    """Whether a change date replaces another: later, or given where there was none (TMX basic dates)."""
    return new is not None and (old is None or new > old)


def since_date(value: str) -> str:
    """A ``--since`` date (YYYY-MM-DD, or a TMX date) as the TMX basic date it compares with; UserError if neither."""
    from bilingual_pr.formats.units import normalize_tmx_date

    text = value.strip()
    m = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", text)
    found = normalize_tmx_date(f"{m[1]}{m[2]}{m[3]}T000000Z" if m else text)
    if found is None:
        raise UserError(f"--since {value!r}: not a date (use YYYY-MM-DD or a TMX date such as 20260131T120000Z)")
    return found


def check_schema(found: int | None, location: str) -> None:
    """Refuse a database written by a newer version of the tool (a UserError, exit 2)."""
    if found is not None and found > SCHEMA_VERSION:
        raise UserError(f"{location}: translation memory schema version {found} is newer than this bilingual-pr "
                        f"reads ({SCHEMA_VERSION}); use a newer bilingual-pr")


def phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where the phrase is in the text as whole words, accents, case and punctuation between words ignored."""
    wanted = words(phrase)
    if not wanted:
        return []
    # Each word of the text with its span in the original text: fold() works per character here,
    # so that an offset in the folded words maps back to the text shown.
    found: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(text):
        for w in _folded(m.group()):
            found.append((w, m.start(), m.end()))
    spans = []
    n = len(wanted)
    for i in range(len(found) - n + 1):
        if all(found[i + k][0] == wanted[k] for k in range(n)):
            spans.append((found[i][1], found[i + n - 1][2]))
    return spans


def side_in(unit: StoredUnit, lang: str) -> list[str]:
    """The texts of a unit that are in ``lang`` (source, target or both)."""
    out = []
    if base(unit.source_lang) == base(lang):
        out.append(unit.source)
    if base(unit.target_lang) == base(lang):
        out.append(unit.target)
    return out


def has_phrase(unit: StoredUnit, phrase: str, lang: str) -> bool:
    """Whether the unit's side in ``lang`` holds the phrase as :func:`phrase_spans` finds it."""
    return any(phrase_spans(text, phrase) for text in side_in(unit, lang))


def candidate_words(text: str) -> list[str]:
    """The distinct words of a text a fuzzy candidate query looks up: the longer ones when there are any."""
    seen = list(dict.fromkeys(words(text)))
    long_ = [w for w in seen if len(w) > 2 or w.isdigit()]
    return long_ or seen


#: How many of a sentence's rarest words the ``or`` query of a fuzzy lookup asks for.
RARE_WORDS = 5
#: The most index hits one query of a fuzzy lookup reads (its newest), so a lookup's cost is bounded.
HITS_PER_QUERY = 400
#: Below this many hits in all (document frequencies summed), the ``or`` query is ranked by relevance
#: (bm25) rather than read newest first: scoring that many is still a few milliseconds.
RANKED_HITS = 20_000


def is_content(word: str) -> bool:
    """Whether a folded word is a content word (no digit: figures change between releases, words do not)."""
    return not any(c.isdigit() for c in word)


def candidate_plan(text: str, df: dict[str, int]) -> list[tuple[str, list[str]]]:
    """The index queries of a fuzzy lookup, in order: ``("exact" | "and" | "or", words)``.

    ``df``: how many units' sources hold each of the text's :func:`candidate_words` (absent:
    none). A lookup must not rank every unit sharing any word (in a templated memory that is
    most of it), yet must keep the matches the leverage rules want: the units whose source has
    the same words in the same order (exact and context matches), those with all its content words (the same sentence
    with other figures: a repair), and the units holding its rarest words (what sets it apart),
    at least one content word among them.
    """
    present = [w for w in candidate_words(text) if df.get(w, 0) > 0]  # a word no unit has narrows nothing
    if not present:
        return []
    plan = [("exact", words(text))]
    content = [w for w in present if is_content(w)]
    plan.append(("and", content or present))
    rare = sorted(present, key=lambda w: (df[w], w))[:RARE_WORDS]
    if content and not any(is_content(w) for w in rare):
        rare.append(min(content, key=lambda w: (df[w], w)))
    plan.append(("or", rare))
    return plan


def overlap_order(ws: Sequence[str], df: dict[str, int], total: int,
                  hits: Iterable[tuple[int, str]]) -> list[int]:
    """Ids of ``(id, indexed source words)`` hits, most of the sentence's words shared first (IDF-weighted), then newest."""
    import math

    weight = {w: math.log(1 + total / (1 + df.get(w, 0))) for w in ws}
    whole = sum(weight.values()) or 1.0
    scored = []
    for uid, src_words in hits:
        # The stored words are folded already: candidate_words' rule (the longer ones) without folding again.
        have = {w for w in src_words.split() if len(w) > 2 or w.isdigit()}
        shared = sum(v for w, v in weight.items() if w in have)
        # Extra words in the unit lower its similarity too: the share times a Dice-like length factor.
        scored.append((-shared / whole * 2 * len(weight) / (len(weight) + len(have) or 1), -uid))
    return [-negid for _, negid in sorted(scored)]


#: The unit columns both schemas have, in :class:`NewUnit` order (props and notes as JSON text).
UNIT_COLUMNS = ("source", "target", "source_lang", "target_lang", "origin", "confidence", "document", "created",
                "changed", "creation_id", "change_id", "prev_source", "next_source", "props", "tuid", "notes")
#: What each row stores besides them: the key, the base languages and the indexed words.
EXTRA_COLUMNS = ("ukey", "src_base", "tgt_base", "src_words", "tgt_words", "source_file")


def unit_row(unit: NewUnit, source_file: str) -> tuple[Any, ...]:
    """The values of one row, in UNIT_COLUMNS then EXTRA_COLUMNS order."""
    import json

    values = [getattr(unit, c) for c in UNIT_COLUMNS[:-3]]
    values += [json.dumps(unit.props, ensure_ascii=False) if unit.props else "[]", unit.tuid,
               json.dumps(unit.notes, ensure_ascii=False) if unit.notes else "[]"]
    values += [unit_key(unit), base(unit.source_lang), base(unit.target_lang), index_words(unit.source),
               index_words(unit.target), source_file]
    return tuple(values)


def stored_unit(row: Sequence[Any]) -> StoredUnit:
    """The StoredUnit of a row read as ``id`` then UNIT_COLUMNS."""
    import json

    props = tuple((str(t), str(v)) for t, v in json.loads(row[14] or "[]"))
    notes = tuple(str(n) for n in json.loads(row[16] or "[]"))
    uid, source, target, sl, tl, origin, conf, doc, created, changed, cid, chid, prev, nxt = row[:14]
    return StoredUnit(uid, source, target, sl, tl, origin, conf, doc, created, changed, cid, chid, prev, nxt,
                      props, row[15], notes)


def export_filters(origin: Sequence[str], since: str | None, document: str | None,
                   mark: str = "?") -> tuple[str, list[Any]]:
    """The WHERE clause (alias ``u``) and parameters of an export (``mark``: the driver's parameter mark)."""
    clauses: list[str] = []
    params: list[Any] = []
    if origin:
        clauses.append(f"u.origin IN ({', '.join([mark] * len(origin))})")
        params += list(origin)
    if since:
        clauses.append(f"COALESCE(u.changed, u.created) >= {mark}")
        params.append(since)
    if document is not None:
        clauses.append(f"u.document = {mark}")
        params.append(document)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
