"""Inline tags and placeholders that must be carried over unchanged."""

from __future__ import annotations

import re
from collections import Counter

from bilingual_pr.qa.model import Family, Finding, InlineCode, Segment, Span, finding

# {0}, {name}, {user.name}, %s, %1$s, %d, %(name)s, %.2f -- not "45 %" nor "45% of".
_PLACEHOLDER = re.compile(r"\{\{?\s*[A-Za-z_0-9][\w.]*\s*\}\}?|%(?:\(\w+\)|\d+\$)?[-+#0]?\d*(?:\.\d+)?[sdifuxXeEgGc@](?![^\W\d_])")
# Markup typed into the text (TSV, TMX without inline elements): <b>, </b>, <br/>; not "x < 3".
_MARKUP = re.compile(r"</?([A-Za-z][\w:-]*)(?:\s[^<>]*)?/?>")


def _maybe(text: str) -> bool:
    """True when ``text`` may hold markup or a placeholder (cheap test before the regexes)."""
    # Three substring searches run in C; a regex character class tests every character.
    return "{" in text or "%" in text or "<" in text


def placeholders(text: str) -> list[tuple[str, Span]]:
    """Placeholders of the {0} / {name} / %s / %1$s families with their spans."""
    return [(re.sub(r"\s+", "", m.group()), m.span()) for m in _PLACEHOLDER.finditer(text)]


def markup(text: str) -> list[tuple[str, Span]]:
    """Inline markup tags written in the text, reduced to their name and direction."""
    out = []
    for m in _MARKUP.finditer(text):
        tag = m.group()
        name = m.group(1).lower()
        kind = "/" + name if tag.startswith("</") else (name + "/" if tag.endswith("/>") else name)
        out.append((kind, m.span()))
    return out


def _code_key(code: InlineCode) -> str:
    return f"{code.kind}#{code.id}"


def _diff(src: list[tuple[str, Span]], tgt: list[tuple[str, Span]]) -> tuple[list[tuple[str, Span]], list[tuple[str, Span]]]:
    left = Counter(k for k, _ in tgt)
    missing = []
    for key, span in src:
        if left[key]:
            left[key] -= 1
        else:
            missing.append((key, span))
    right = Counter(k for k, _ in src)
    extra = []
    for key, span in tgt:
        if right[key]:
            right[key] -= 1
        else:
            extra.append((key, span))
    return missing, extra


def _message(what: str, missing: list, extra: list) -> str:
    parts = []
    if missing:
        parts.append("missing in the target: " + ", ".join(k for k, _ in missing))
    if extra:
        parts.append("not in the source: " + ", ".join(k for k, _ in extra))
    return f"{what} differ; " + "; ".join(parts) + "."


def check_tags(seg: Segment) -> list[Finding]:
    """Compare XLIFF inline codes, typed-in markup and placeholders between source and target."""
    out: list[Finding] = []
    if seg.source_codes or seg.target_codes:
        s = [(_code_key(c), (c.pos, c.pos)) for c in seg.source_codes]
        t = [(_code_key(c), (c.pos, c.pos)) for c in seg.target_codes]
        missing, extra = _diff(s, t)
        if missing or extra:
            out.append(finding("tag-mismatch", _message("Inline codes", missing, extra), seg.index,
                               tuple(sp for _, sp in missing), tuple(sp for _, sp in extra)))
        elif _bad_nesting(seg.target_codes) and not _bad_nesting(seg.source_codes):
            out.append(finding("tag-mismatch", "Paired inline codes close before they open in the target.",
                               seg.index, (), tuple((c.pos, c.pos) for c in seg.target_codes)))
    if not (_maybe(seg.source) or _maybe(seg.target)):
        return out
    missing, extra = _diff(markup(seg.source), markup(seg.target))
    if missing or extra:
        out.append(finding("tag-mismatch", _message("Markup tags", missing, extra), seg.index,
                           tuple(sp for _, sp in missing), tuple(sp for _, sp in extra)))
    missing, extra = _diff(placeholders(seg.source), placeholders(seg.target))
    if missing or extra:
        out.append(finding("placeholder-mismatch", _message("Placeholders", missing, extra), seg.index,
                           tuple(sp for _, sp in missing), tuple(sp for _, sp in extra)))
    return out


# Codes that open and close a span: XLIFF <g>/<pc> (-open/-close), <bx/>/<ex/>, <sc/>/<ec/>;
# TMX <bpt>/<ept> (paired by their i) and <hi> (-open/-close).
_OPENING = {"bpt": "ept", "bx": "ex", "sc": "ec"}
_CLOSING = {v: k for k, v in _OPENING.items()}


def _bad_nesting(codes: tuple[InlineCode, ...]) -> bool:
    """True when a paired code closes before it opens, or opens and never closes."""
    open_ids: list[str] = []
    for c in codes:
        kind = c.kind
        if kind.endswith("-open") or kind in _OPENING:
            open_ids.append(kind.removesuffix("-open") + "#" + c.id if kind.endswith("-open") else kind + "#" + c.id)
        elif kind.endswith("-close") or kind in _CLOSING:
            key = kind.removesuffix("-close") + "#" + c.id if kind.endswith("-close") else _CLOSING[kind] + "#" + c.id
            if key not in open_ids:
                return True
            open_ids.remove(key)
    return bool(open_ids)


FAMILY = Family(
    "tags",
    checks={
        "tag-mismatch": ("error", "Inline tags or codes differ between source and target."),
        "placeholder-mismatch": ("error", "Placeholders ({0}, %s, {name}) differ between source and target."),
    },
    unit=lambda setup: check_tags,
)
