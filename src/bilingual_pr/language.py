"""Language tags (the one BCP 47 rule of the tool) and the "is this file really French?" check.

Every language tag the tool reads from a user, writes into a file or checks in
one goes through :func:`is_language_tag` and :func:`canonical_tag`: the CLI
options, the TMX reader, writer and validator agree, so a tag the writer
accepts is one the validator accepts. Well-formedness (RFC 5646
syntax, not registry validity: ``en-UK`` passes, ``en-12`` does not) is
checked by langcodes' tag parser; an underscore (``fr_FR``) is an error in a
file, and is written as a hyphen by :func:`canonical_tag`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bilingual_pr.errors import UserError

SUPPORTED = ("fr", "en")
DEFAULT_REGION = {"fr": "fr-FR", "en": "en-GB"}
_NAMES = {"fr": "French", "en": "English"}


@functools.lru_cache(maxsize=1024)
def is_language_tag(tag: str) -> bool:
    """True when ``tag`` is a well-formed BCP 47 language tag as written (``fr-FR`` yes, ``fr_FR`` no)."""
    # langcodes' parser reads "_" as "-" and lets digits into language and extlang subtags
    # ("123", "eh-kni-i2v"); it also takes the reserved 4-letter languages ("abcd"). None of
    # these is a tag in use as written in a file, so they are refused here.
    if not tag or not tag.isascii() or "_" in tag or tag != tag.strip():
        return False
    # Imported on first use: langcodes loads its registry tables (about 40 ms and 5 MB), which
    # `--help` and the commands that never see a tag should not pay for.
    from langcodes.tag_parser import LanguageTagError, parse_tag

    try:
        parsed = parse_tag(tag)
    except LanguageTagError:
        return False
    kind, value = parsed[0]
    if kind == "language" and not value.startswith("x-") and not (value.isalpha() and len(value) <= 3):
        return False
    return all(value.isalpha() for kind, value in parsed if kind == "extlang")


def base_language(tag: str) -> str:
    """Return the primary language subtag of a language tag, lower-cased ('fr-CH' -> 'fr')."""
    return re.split(r"[-_]", tag.strip())[0].lower()


def parse_language(tag: str) -> str:
    """Validate a user-given language (fr, en, fr-CH, en-US...) and return its base code."""
    if not tag or not is_language_tag(tag.strip().replace("_", "-")):
        raise UserError(f"unknown language {tag!r}: use fr or en (optionally with a region, e.g. fr-CH)")
    base = base_language(tag)
    if base not in SUPPORTED:
        raise UserError(f"unsupported language {tag!r}: bilingual-pr handles French (fr) and English (en)")
    return base


def canonical_tag(tag: str) -> str:
    """Write a BCP 47 tag canonically: 'FR_fr' -> 'fr-FR', 'en' -> 'en'; a malformed tag ('en-12') is a UserError."""
    hyphened = tag.replace("_", "-")
    if not is_language_tag(hyphened):
        raise UserError(f"invalid language tag {tag!r}: expected BCP 47, e.g. fr-FR or en-GB")
    # RFC 5646's case conventions: language lower, script title, region upper, the rest lower.
    parts = hyphened.split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 2 and p.isalpha():
            out.append(p.upper())
        elif len(p) == 4 and p.isalpha():
            out.append(p.title())
        else:
            out.append(p.lower())
    return "-".join(out)


def language_name(code: str) -> str:
    """English name of a supported language code."""
    return _NAMES.get(base_language(code), code)


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    # A few neighbours so a German or Spanish file is not forced into fr/en.
    return LanguageDetectorBuilder.from_languages(
        Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.SPANISH, Language.ITALIAN,
        Language.PORTUGUESE,
    ).build()


#: lingua uses only its trigram models for a text of about 120 letters or more, and loads every model
#: from unigrams to fivegrams for a shorter one: 1.7 s of CPU and 170 MB instead of 0.1 s and 17 MB.
LONG_TEXT_LETTERS = 120
_WARM_UP_TEXT = ("Le programme est présenté aujourd'hui à Genève par la Directrice générale, qui a rappelé "
                 "les priorités de l'Organisation pour l'année à venir. Les États membres examineront "
                 "ensuite le budget et le rapport annuel du Comité consultatif.")


def warm_detector() -> None:
    """Load the detector's models that a release needs (a text of ``LONG_TEXT_LETTERS`` letters or more), once."""
    # A short warm-up sentence would load every n-gram model, which a release never uses: its sample
    # runs to thousands of characters. A short document still gets them, lazily, when one is met.
    detect_language(_WARM_UP_TEXT, "fr")


@dataclass(frozen=True, slots=True)
class LanguageVerdict:
    """What the detector thinks of a text given as ``expected``."""

    expected: str
    detected: str | None
    confidence: float

    @property
    def ok(self) -> bool:
        """True unless the text is confidently in another language."""
        return self.detected is None or self.detected == self.expected


def detect_language(text: str, expected: str, sample_chars: int = 6000) -> LanguageVerdict:
    """Detect the language of a text (first few thousand characters) against what was expected."""
    sample = text[:sample_chars]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 20:
        return LanguageVerdict(expected, None, 0.0)
    det = _detector()
    values = det.compute_language_confidence_values(sample)
    if not values:
        return LanguageVerdict(expected, None, 0.0)
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if top.value < 0.5:
        return LanguageVerdict(expected, None, top.value)
    return LanguageVerdict(expected, code, top.value)


def language_warning(text: str, path: str, expected: str, strict: bool = False) -> str | None:
    """A warning when ``text`` is not in ``expected``; with ``strict`` a UserError instead."""
    return verdict_warning(detect_language(text, expected), path, strict)


def verdict_warning(verdict: LanguageVerdict, path: str, strict: bool = False) -> str | None:
    """The warning (with ``strict`` the UserError) of a detector's verdict on one file, None when it is fine."""
    if verdict.ok:
        return None
    msg = mismatch_message(path, verdict)
    if strict:
        raise UserError(msg)
    return msg


def mismatch_message(path: str, verdict: LanguageVerdict) -> str:
    """One-line warning for a file that does not look like the language it was given as."""
    return (f"{path}: given as {language_name(verdict.expected)} but looks like "
            f"{language_name(verdict.detected or '?')} (confidence {verdict.confidence:.2f}); "
            "were the French and English files swapped?")


def looks_swapped(src: LanguageVerdict, tgt: LanguageVerdict) -> bool:
    """True when each of two texts is confidently in the language the other was given as."""
    return src.expected != tgt.expected and src.detected == tgt.expected and tgt.detected == src.expected


def swapped_message(src_path: str, tgt_path: str, src: LanguageVerdict, tgt: LanguageVerdict) -> str:
    """One line saying that two files look swapped (``looks_swapped``)."""
    return (f"looks swapped: the {language_name(src.expected)} file is in {language_name(src.detected or '?')} "
            f"and the {language_name(tgt.expected)} file in {language_name(tgt.detected or '?')} "
            f"({src_path}, {tgt_path})")
