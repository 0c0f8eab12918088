"""Web addresses, e-mail addresses and press-release symbols that must survive translation.

The rules that find and read them are :mod:`bilingual_pr.lexical`'s (``placeables``:
the same URL and e-mail addresses the aligner anchors on; ``RELEASE_SYMBOL_TEXT`` and
``symbol_key`` for the numbers family: the language letter of a press-release symbol may
differ, DG26/014F is DG26/014E). An address compares without its scheme, case or trailing slash, and the
language part of a localised address (``/fr/`` and ``/en/``, ``lang=F`` and ``lang=E``,
``_fr`` and ``_en``) may differ. Document symbols with a slash (A/HRC/55/1, DG26/014F)
are the numbers family's ``symbol-mismatch``; this family adds the release symbols
written with ``-`` or ``_`` (DG11-005F, PR_24_003F), which have no slash.
"""

from __future__ import annotations

import re

from bilingual_pr.lexical import RELEASE_SYMBOL_TEXT, placeables
from bilingual_pr.qa.model import Family, Finding, Segment, Span, finding

# The language part of a localised address: a path or name part, or a lang= parameter.
# Taken out of the key, so that an English address without one (home.cern/news) meets home.cern/fr/news.
# Only in the path: www.fr.ch is not www.ch.
_LANG_PART = re.compile(r"[/_.\-(](?:fr|en|fra|eng|french|english|francais|anglais)(?=[/_.\-)#?&]|$)"
                        r"|[_-][fe](?=\.[a-z]{2,4}$|$)|(?<=[?&])(?:lang(?:id|uage)?|ln)=[a-z]{1,3}")


# What every RELEASE_SYMBOL_TEXT match without a slash holds: two capitals, then a - or _ and a digit.
_RELEASE_PROBE = re.compile(r"[A-Z]{2}[A-Z0-9]*[_-]\d").search


def _may_have_address(text: str) -> bool:
    return "@" in text or "://" in text or "www." in text or "WWW." in text


def _address_key(value: str) -> str:
    """A folded address without its trailing slash and its language part."""
    value = value.rstrip("/")
    cut = value.find("/")
    if cut < 0 or "@" in value:
        return value
    return value[:cut] + _LANG_PART.sub("", value[cut:])


def addresses(text: str, lang: str) -> list[tuple[str, str, Span]]:
    """(kind, key, span) of each web or e-mail address of one side."""
    if not _may_have_address(text):
        return []
    return [(p.kind, _address_key(p.value), p.span) for p in placeables(text, lang) if p.kind in ("url", "email")]


def release_symbols(text: str, lang: str) -> list[tuple[str, str, Span]]:
    """("symbol", key, span) of each press-release symbol written without a slash (DG11-005F)."""
    if ("-" not in text and "_" not in text) or _RELEASE_PROBE(text) is None:
        return []  # the symbol pattern opens with a look-behind, tried at every position: probe first
    out = []
    for m in RELEASE_SYMBOL_TEXT.finditer(text):
        if "/" in m.group(1):
            continue  # a slash makes it a document symbol: the numbers family's
        # Group 1 is the symbol without its language letter: DG11-005F and DG11-005E are one document.
        out.append(("symbol", re.sub(r"[_-]", "-", m.group(1)), m.span()))
    return out


def _diff(src: list[tuple[str, str, Span]], tgt: list[tuple[str, str, Span]]
          ) -> tuple[list[tuple[str, str, Span]], list[tuple[str, str, Span]]]:
    left = list(tgt)
    missing = []
    for item in src:
        hit = next((i for i, other in enumerate(left) if other[1] == item[1]), None)
        if hit is None:
            missing.append(item)
        else:
            left.pop(hit)
    return missing, left


_NAMES = {"url": "address", "email": "e-mail address", "symbol": "release symbol"}


def _report(check: str, seg: Segment, missing: list, extra: list) -> Finding:
    parts = []
    if missing:
        parts.append("source " + ", ".join(f"{_NAMES[k]} {seg.source[a:b]}" for k, _, (a, b) in missing)
                     + " not in the target")
    if extra:
        parts.append("target " + ", ".join(f"{_NAMES[k]} {seg.target[a:b]}" for k, _, (a, b) in extra)
                     + " not in the source")
    return finding(check, "Copy addresses and symbols unchanged: " + "; ".join(parts) + ".", seg.index,
                   tuple(sp for _, _, sp in missing), tuple(sp for _, _, sp in extra))


def check_addresses(seg: Segment) -> list[Finding]:
    """Compare web and e-mail addresses and slash-less release symbols between source and target."""
    src, tgt = seg.source, seg.target
    if not tgt or not src:
        return []
    out: list[Finding] = []
    if _may_have_address(src) or _may_have_address(tgt):
        missing, extra = _diff(addresses(src, seg.source_lang), addresses(tgt, seg.target_lang))
        if missing or extra:
            out.append(_report("address-mismatch", seg, missing, extra))
    if "-" in src or "_" in src or "-" in tgt or "_" in tgt:
        missing, extra = _diff(release_symbols(src, seg.source_lang), release_symbols(tgt, seg.target_lang))
        if missing or extra:
            out.append(_report("release-symbol-mismatch", seg, missing, extra))
    return out


FAMILY = Family(
    "addresses",
    checks={
        "address-mismatch": ("error", "A web or e-mail address is missing, added or changed in the target."),
        "release-symbol-mismatch": ("error", "A press-release symbol (DG11-005F) is missing or changed in the target."),
    },
    unit=lambda setup: check_addresses,
)
