"""Mapping between file values (TBX picklists, CSV cells) and the model's values.

Readers are lenient on spelling (``preferredTerm-admn-sts``, ``preferred``,
``Preferred term``) and report what they cannot map; writers always emit the
canonical TBX-Basic values.
"""

from __future__ import annotations

import re

from bilingual_pr.glossary.model import GENDERS, NUMBERS, PARTS_OF_SPEECH, TERM_TYPES

# TBX administrativeStatus / normativeAuthorization values -> model status.
# supersededTerm is read as deprecated: for a reviewer both mean "do not use
# any more" (the distinction is lost on writing; see docs/glossary.md).
_STATUS_ALIASES = {
    "preferred": "preferred", "preferredterm": "preferred", "standardizedterm": "preferred",
    "admitted": "admitted", "admittedterm": "admitted", "legalterm": "admitted", "regulatedterm": "admitted",
    "deprecated": "deprecated", "deprecatedterm": "deprecated", "supersededterm": "deprecated",
    "superseded": "deprecated", "obsolete": "deprecated",
    "forbidden": "forbidden", "forbiddenterm": "forbidden", "rejected": "forbidden",
}
STATUS_TO_TBX = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "deprecated": "deprecatedTerm-admn-sts",
    # TBX-Basic has no "forbidden": written as deprecated plus an extension note.
    "forbidden": "deprecatedTerm-admn-sts",
}
_TYPE_ALIASES = {t.lower(): t for t in TERM_TYPES} | {
    "full form": "fullForm", "full": "fullForm", "fullform": "fullForm", "initialism": "acronym",
    "short form": "shortForm", "abbr": "abbreviation", "abbrev": "abbreviation", "phraseologicalunit": "phrase",
}
# TBX-Basic's termType picklist; "title" is written as fullForm plus an extension note.
TBX_BASIC_TYPES = frozenset({"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"})
_POS_ALIASES = {p: p for p in PARTS_OF_SPEECH} | {"n": "noun", "propernoun": "noun", "proper noun": "noun",
                                                   "adj": "adjective", "v": "verb", "adv": "adverb"}
_GENDER_ALIASES = {g: g for g in GENDERS} | {"m": "masculine", "f": "feminine", "n": "neuter",
                                            "masc": "masculine", "fem": "feminine"}
_NUMBER_ALIASES = {n: n for n in NUMBERS} | {"sg": "singular", "s": "singular", "pl": "plural", "p": "plural"}

# Extension notes: <note>bilingual-pr: key=value; key=value</note>.
EXT_PREFIX = "bilingual-pr:"
_EXT_RE = re.compile(r"^\s*bilingual-pr:\s*(.*?)\s*$", re.S)


def _key(raw: str) -> str:
    return raw.strip().lower().removesuffix("-admn-sts")


def map_status(raw: str) -> str | None:
    """Model status for a file value, or None when unknown."""
    return _STATUS_ALIASES.get(_key(raw))


def map_type(raw: str) -> str | None:
    """Model term type for a file value, or None when unknown."""
    return _TYPE_ALIASES.get(raw.strip().lower().replace("-", " ")) or _TYPE_ALIASES.get(raw.strip().lower())


def map_pos(raw: str) -> str | None:
    """Model part of speech for a file value, or None when unknown."""
    return _POS_ALIASES.get(raw.strip().lower())


def map_gender(raw: str) -> str | None:
    """Model grammatical gender for a file value, or None when unknown."""
    return _GENDER_ALIASES.get(raw.strip().lower())


def map_number(raw: str) -> str | None:
    """Model grammatical number for a file value, or None when unknown."""
    return _NUMBER_ALIASES.get(raw.strip().lower())


def parse_bool(raw: str) -> bool | None:
    """yes/no/true/false/1/0/x (any case) as a bool, '' as False, None when unknown."""
    v = raw.strip().lower()
    if v in ("yes", "y", "true", "1", "x", "dnt"):
        return True
    if v in ("no", "n", "false", "0", ""):
        return False
    return None


def parse_extension(text: str) -> dict[str, str] | None:
    """The key=value pairs of an extension note, or None for an ordinary note."""
    m = _EXT_RE.match(text)
    if not m:
        return None
    pairs: dict[str, str] = {}
    for part in m.group(1).split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            pairs[k.strip()] = v.strip()
    return pairs


def format_extension(pairs: dict[str, str]) -> str:
    """Write key=value pairs as an extension note text."""
    return EXT_PREFIX + " " + "; ".join(f"{k}={v}" for k, v in pairs.items())

