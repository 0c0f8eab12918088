"""The glossary data model: concepts (entries) holding French and English terms.

The model follows TBX: a concept entry has terms in several languages, and each
term carries its own usage status and grammar. Values are the TBX-Basic ones
(``fullForm``, ``noun``, ``masculine``...) plus two extensions this project
needs: the status ``forbidden`` and the term type ``title`` (see docs/glossary.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

STATUSES: tuple[str, ...] = ("preferred", "admitted", "deprecated", "forbidden")
APPROVED: frozenset[str] = frozenset({"preferred", "admitted"})
REJECTED: frozenset[str] = frozenset({"deprecated", "forbidden"})
TERM_TYPES: tuple[str, ...] = ("fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase", "title")
PARTS_OF_SPEECH: tuple[str, ...] = ("noun", "adjective", "verb", "adverb", "other")
GENDERS: tuple[str, ...] = ("masculine", "feminine", "neuter", "other")
NUMBERS: tuple[str, ...] = ("singular", "plural", "other")
DEFAULT_STATUS = "admitted"

_STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a concept in one language, with its usage status and grammar."""

    text: str
    lang: str
    status: str = DEFAULT_STATUS
    type: str | None = None
    pos: str | None = None
    gender: str | None = None
    number: str | None = None
    note: str | None = None

    @property
    def approved(self) -> bool:
        """True for preferred and admitted terms."""
        return self.status in APPROVED

    @property
    def status_rank(self) -> int:
        """0 for preferred ... 3 for forbidden (sort key)."""
        return _STATUS_RANK.get(self.status, 1)


@dataclass(frozen=True, slots=True)
class Entry:
    """A concept: its terms in every language, subject field, note and do-not-translate flag."""

    id: str
    terms: tuple[Term, ...]
    subject: str | None = None
    note: str | None = None
    dnt: bool = False

    def terms_in(self, lang: str) -> list[Term]:
        """All terms in ``lang``, in file order."""
        return [t for t in self.terms if t.lang == lang]

    def approved(self, lang: str) -> list[Term]:
        """Preferred then admitted terms in ``lang``."""
        return sorted((t for t in self.terms if t.lang == lang and t.approved), key=lambda t: t.status_rank)

    def rejected(self, lang: str) -> list[Term]:
        """Deprecated and forbidden terms in ``lang``."""
        return [t for t in self.terms if t.lang == lang and t.status in REJECTED]

    def preferred(self, lang: str) -> Term | None:
        """The preferred term in ``lang``, else the first admitted one, else None."""
        approved = self.approved(lang)
        return approved[0] if approved else None

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages with at least one term, in first-seen order."""
        return tuple(dict.fromkeys(t.lang for t in self.terms))


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """Something odd but not fatal found while reading a glossary (reported by lint)."""

    where: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Glossary:
    """A whole glossary: entries plus glossary-level properties."""

    entries: tuple[Entry, ...]
    title: str | None = None
    description: str | None = None
    properties: tuple[tuple[str, str], ...] = ()
    path: str | None = None
    dialect: str | None = field(default=None, compare=False)
    issues: tuple[LoadIssue, ...] = field(default=(), compare=False)

    def prop(self, key: str) -> str | None:
        """The value of a glossary-level property (e.g. 'typography.fr'), or None."""
        for k, v in self.properties:
            if k == key:
                return v
        return None

    def typography(self, lang: str) -> str | None:
        """The typography profile set for ``lang`` (e.g. 'fr-CH'), or None."""
        return self.prop(f"typography.{lang}")

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language used by some term, in first-seen order."""
        return tuple(dict.fromkeys(t.lang for e in self.entries for t in e.terms))

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        for e in self.entries:
            if e.id == entry_id:
                return e
        return None


def replace_entries(glossary: Glossary, entries: tuple[Entry, ...]) -> Glossary:
    """A copy of the glossary with other entries (properties and title kept)."""
    return replace(glossary, entries=entries)
