"""The translation unit every exchange format shares, and the text rules they all follow.

A :class:`TranslationUnit` is one source/target pair with its languages and the
context reviewers need (``props``: ``(type, value)`` pairs such as
``("x-confidence", "0.93")``). The TMX, XLIFF and TBX writers all take these,
and all remove the characters XML 1.0 cannot carry with :func:`clean_xml_text`.
The XLIFF reader yields :class:`TaggedUnit`, a TranslationUnit that also keeps
the inline codes (``<g>``, ``<x/>``, ``<ph>``, ``<pc>``...) lifted out of its
texts as :class:`InlineCode` offsets, so that QA can compare them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone


def _tool_version() -> str:
    # Looked up when a header is made, not at import: importlib.metadata slows every start (issue 22).
    from bilingual_pr import __version__

    return __version__


# Property types the project writes or reads (documented in docs/tmx.md).
PROP_CONFIDENCE = "x-confidence"      # alignment confidence, "0.00".."1.00"
PROP_BEAD = "x-bead"                  # alignment bead type, e.g. "1-1", "1-2"
PROP_NEEDS_REVIEW = "x-needs-review"  # "yes" when a person should check the pair
PROP_SOURCE_DOC = "x-source-doc"      # file name (or symbol) of the source document
PROP_TARGET_DOC = "x-target-doc"      # file name (or symbol) of the target document
PROP_CONTEXT_PRE = "x-context-pre"    # previous source segment (Trados/MateCat convention); read by draft --tm
PROP_CONTEXT_POST = "x-context-post"  # next source segment
PROP_ORIGIN = "x-Origin"              # Trados-style origin: Alignment, MachineTranslation, TM
PROP_SIGNATURE = "x-bilingual-pr-signature"  # header prop: version, scorers:weights, calibration of an alignment
PROP_STATE = "x-state"                # XLIFF state of the target, as the XLIFF reader reports it
PROP_CONFIRMED = "x-confirmed"        # date a reviewer confirmed the pair (review apply): origin "confirmed"
PROP_REVIEWER = "x-reviewer"          # who confirmed it
PROP_REVIEW_ACTION = "x-review-action"  # what the reviewer did: accept, edit, merge, split
PROP_EDITED = "x-edited"              # a post-edited draft's segment: "yes" when the person changed the draft
PROP_EDIT_DISTANCE = "x-edit-distance"  # its normalised character distance from the draft, "0.00".."1.00"
PROP_DRAFT_ORIGIN = "x-draft-origin"  # what the draft was: tm-context, tm-exact, tm-fuzzy, mt, untranslated

# XML 1.0 allows TAB, LF, CR and everything from U+0020 up, except the
# surrogates and U+FFFE/U+FFFF; a lone surrogate can also not be encoded in UTF-8.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_BASIC_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
# OmegaT and some exporters write the extended ISO form; accept it when reading.
_EXTENDED_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$")


@dataclass(frozen=True, slots=True)
class TranslationUnit:
    """One source/target pair with its languages, identifiers, dates and context properties."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    tuid: str | None = None
    props: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    creationdate: str | None = None
    changedate: str | None = None
    creationid: str | None = None

    def prop(self, type_: str) -> str | None:
        """Value of the first property of this type, or None."""
        for key, value in self.props:
            if key == type_:
                return value
        return None

    @property
    def confidence(self) -> float | None:
        """The ``x-confidence`` property as a number, or None when absent or not a number."""
        value = self.prop(PROP_CONFIDENCE)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            return None
        return number if number == number else None  # NaN is "no confidence"

    @property
    def needs_review(self) -> bool:
        """True when the ``x-needs-review`` property says yes."""
        return (self.prop(PROP_NEEDS_REVIEW) or "").strip().lower() in {"yes", "true", "1"}

    @property
    def state(self) -> str | None:
        """The XLIFF state of the target (``x-state`` property), None when the unit has none (TMX)."""
        return self.prop(PROP_STATE)


@dataclass(frozen=True, slots=True)
class InlineCode:
    """An inline tag of a segment, kept out of the text at offset ``pos``."""

    kind: str  # ph, pc-open, pc-close, x, bx, ex, g-open, g-close, sc, ec, bpt, ept, it
    id: str
    pos: int


@dataclass(frozen=True, slots=True)
class TaggedUnit(TranslationUnit):
    """A TranslationUnit whose texts had their inline codes lifted out (XLIFF), the codes kept apart."""

    # A subclass rather than two more TranslationUnit fields: the TMX reader builds its
    # units field by field (formats/tmx.py, _new_unit), and TMX units carry no codes.
    source_codes: tuple[InlineCode, ...] = ()
    target_codes: tuple[InlineCode, ...] = ()


@dataclass(frozen=True, slots=True)
class TmxHeader:
    """The attributes, properties and notes of a TMX ``<header>`` (defaults: this tool, fr-FR)."""

    srclang: str = "fr-FR"
    creationtool: str = "bilingual-pr"
    creationtoolversion: str = field(default_factory=_tool_version)
    segtype: str = "sentence"
    o_tmf: str = "bilingual-pr"
    adminlang: str = "en"
    datatype: str = "plaintext"
    creationdate: str | None = None
    creationid: str | None = None
    changedate: str | None = None
    changeid: str | None = None
    o_encoding: str | None = None
    props: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


def clean_xml_text(text: str) -> tuple[str, int]:
    """Remove the characters XML 1.0 cannot carry; return the text and how many were removed."""
    if _XML_ILLEGAL.search(text) is None:
        return text, 0
    cleaned, count = _XML_ILLEGAL.subn("", text)
    return cleaned, count


def tmx_date(moment: datetime | None = None) -> str:
    """A TMX date (ISO 8601 basic, UTC: ``YYYYMMDDThhmmssZ``); now when no moment is given."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def parse_tmx_date(value: str | None) -> datetime | None:
    """Parse a TMX date (basic form, or the extended form OmegaT also reads); None if invalid."""
    if not value:
        return None
    text = value.strip()
    match = _BASIC_DATE.match(text) or _EXTENDED_DATE.match(text)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None


def normalize_tmx_date(value: str | None) -> str | None:
    """Rewrite a readable date in the TMX basic form; None when it is missing or invalid."""
    if value and _BASIC_DATE.match(value) and parse_tmx_date(value) is not None:
        return value
    moment = parse_tmx_date(value)
    return tmx_date(moment) if moment is not None else None
