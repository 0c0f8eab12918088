"""Shared vocabulary of the QA checks: segments, findings, severities and check ids."""

from __future__ import annotations

from dataclasses import dataclass

from bilingual_pr.formats.units import InlineCode

SEVERITIES: tuple[str, ...] = ("info", "warning", "error")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}

# id -> (family, default severity, one-line description for reports and docs)
CHECKS: dict[str, tuple[str, str, str]] = {
    "term-missing": ("terms", "error", "A glossary term in the source has none of its approved target terms in the target."),
    "term-forbidden": ("terms", "error", "The target uses a term the glossary forbids."),
    "term-deprecated": ("terms", "warning", "The target uses a term the glossary marks as deprecated."),
    "term-dnt": ("terms", "error", "A do-not-translate term of the source is not kept unchanged in the target."),
    "inconsistent-target": ("consistency", "warning", "The same source segment is translated differently elsewhere."),
    "inconsistent-source": ("consistency", "info", "The same target segment translates different source segments."),
    "inconsistent-term": ("consistency", "warning", "One glossary concept is rendered by different terms in one document."),
    "number-mismatch": ("numbers", "error", "A number, percentage or time differs between source and target."),
    "date-mismatch": ("numbers", "error", "A month in a date differs between source and target."),
    "symbol-mismatch": ("numbers", "error", "A document symbol (A/HRC/55/1...) is missing or changed in the target."),
    "untranslated": ("untranslated", "error", "The target is the source text left untranslated."),
    "empty-target": ("untranslated", "warning", "The target is empty."),
    "typo-space-before": ("typography", "warning", "Wrong or missing space before ; : ! ? for the typography profile."),
    "typo-guillemets": ("typography", "warning", "Wrong or missing space inside « » for the typography profile."),
    "typo-en-space": ("typography", "warning", "A space before ; : ! ? in an English target."),
    "double-space": ("spacing", "warning", "Two or more spaces in a row in the target."),
    "edge-space": ("spacing", "info", "Leading or trailing whitespace differs between source and target."),
    "unbalanced-brackets": ("spacing", "warning", "Brackets are unbalanced in the target but not in the source."),
    "unbalanced-quotes": ("spacing", "warning", "Quotation marks are unbalanced in the target but not in the source."),
    "tag-mismatch": ("tags", "error", "Inline tags or codes differ between source and target."),
    "placeholder-mismatch": ("tags", "error", "Placeholders ({0}, %s, {name}) differ between source and target."),
}

FAMILIES: tuple[str, ...] = ("terms", "consistency", "numbers", "untranslated", "typography", "spacing", "tags")

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Segment:
    """One source/target pair to check, with its place in the input."""

    index: int
    source: str
    target: str
    source_lang: str = "fr"
    target_lang: str = "en"
    id: str | None = None
    doc: str | None = None
    source_codes: tuple[InlineCode, ...] = ()
    target_codes: tuple[InlineCode, ...] = ()


_SEGMENT_SETTERS = tuple(getattr(Segment, name).__set__ for name in (
    "index", "source", "target", "source_lang", "target_lang", "id", "doc", "source_codes", "target_codes"))


def segment_from_tuple(packed: tuple, _new=object.__new__, _cls=Segment, _set=_SEGMENT_SETTERS) -> Segment:
    """``Segment(*packed)`` for a full 9-field tuple, in half the time (worker processes build one per unit)."""
    # A frozen dataclass's __init__ goes through object.__setattr__ once per field; the slots'
    # own setters, called directly, skip that lookup. The result is an ordinary frozen Segment.
    obj = _new(_cls)
    _set[0](obj, packed[0])
    _set[1](obj, packed[1])
    _set[2](obj, packed[2])
    _set[3](obj, packed[3])
    _set[4](obj, packed[4])
    _set[5](obj, packed[5])
    _set[6](obj, packed[6])
    _set[7](obj, packed[7])
    _set[8](obj, packed[8])
    return obj


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one unit, with the offending spans on each side."""

    check: str
    severity: str
    message: str
    unit: int
    source_spans: tuple[Span, ...] = ()
    target_spans: tuple[Span, ...] = ()
    suggestion: str | None = None
    related: tuple[int, ...] = ()

    @property
    def family(self) -> str:
        """The check family (terms, numbers...) this finding belongs to."""
        return CHECKS[self.check][0]


def finding(check: str, message: str, unit: int, source_spans: tuple[Span, ...] = (),
            target_spans: tuple[Span, ...] = (), suggestion: str | None = None,
            related: tuple[int, ...] = (), severity: str | None = None) -> Finding:
    """Build a Finding with the check's default severity unless one is given."""
    return Finding(check, severity or CHECKS[check][1], message, unit, tuple(source_spans),
                   tuple(target_spans), suggestion, tuple(related))


@dataclass(slots=True)
class Report:
    """Everything a report writer needs: findings plus the units they point at."""

    findings: list[Finding]
    segments: dict[int, Segment]
    units: int
    profile: str
    input_name: str = "<input>"
    glossary_name: str | None = None
    source_lang: str = "fr"
    target_lang: str = "en"
    checks: tuple[str, ...] = FAMILIES
    elapsed_s: float = 0.0
    tuids: bool = False  # the segments' ids are TMX tuids (a TMX input; run and batch, whose tuids their TMX has)

    def tuid(self, unit: int) -> str | None:
        """The TMX tuid of a unit, when the input's ids are tuids and this unit has one."""
        seg = self.segments.get(unit)
        return seg.id if self.tuids and seg is not None else None

    def counts_by_check(self) -> dict[str, int]:
        """Number of findings per check id, in CHECKS order, zeros left out."""
        counts = {c: 0 for c in CHECKS}
        for f in self.findings:
            counts[f.check] += 1
        return {c: n for c, n in counts.items() if n}

    def counts_by_severity(self) -> dict[str, int]:
        """Number of findings per severity, every severity listed."""
        counts = {s: 0 for s in reversed(SEVERITIES)}
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    def worst(self) -> str | None:
        """The highest severity found, or None when there is no finding."""
        return max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__, default=None)
