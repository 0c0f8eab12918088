"""Shared vocabulary of the QA checks: segments, findings, severities and check ids."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bilingual_pr.formats.units import InlineCode

SEVERITIES: tuple[str, ...] = ("info", "warning", "error")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}

#: Check id -> (family, default severity, one-line description), as the families declare them.
#: qa/families.py fills this very dict as each family registers: the family modules import this
#: module, so it cannot import them (or the registry) back. Until the registry is loaded, each
#: family module's own declaration fills it (see Family), so a family's check functions work alone.
CHECKS: dict[str, tuple[str, str, str]] = {}
#: The registered family names, in registry order; filled like CHECKS.
FAMILY_NAMES: list[str] = []
#: Set by qa/families.py once it has registered the families: CHECKS is then exactly the registry's.
registry_loaded = False


def _family_names() -> tuple[str, ...]:
    return tuple(FAMILY_NAMES)


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
    checks: tuple[str, ...] = field(default_factory=_family_names)
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


UnitCheck = Callable[[Segment], list[Finding]]


@dataclass(frozen=True, slots=True)
class Edit:
    """A safe correction a family proposes: replace ``[start, end)`` of one side of a unit with ``text``."""

    side: str  # "source" or "target"
    start: int
    end: int
    text: str
    check: str  # the check id whose finding this edit corrects


UnitFix = Callable[[Segment], list[Edit]]


class CheckSetup:
    """The options of one check run, and the resources its families share (built once, before workers fork)."""

    def __init__(self, glossary: Any | None = None, profile: str = "fr-FR", families: frozenset[str] = frozenset(),
                 matcher_factory: Callable[[Any, str], Any] | None = None, aligned: bool = False,
                 rules: Any | None = None) -> None:
        self.glossary, self.profile, self.families, self.matcher_factory = glossary, profile, families, matcher_factory
        self.aligned = aligned  # the units are an alignment's beads: one empty side means no counterpart
        self.rules = rules  # the user's rule pack (qa.rules.RulePack), for the rules family
        self._shared: dict[str, Any] = {}

    def shared(self, key: str, make: Callable[[], Any]) -> Any:
        """The resource ``key`` of this run, made on first request (two families may use one glossary matcher)."""
        res = self._shared.get(key)
        if res is None:
            res = self._shared[key] = make()
        return res

    def prepare(self, source_lang: str, target_lang: str) -> None:
        """Build the shared resources of a language pair now, before worker processes fork and inherit them."""
        for res in self._shared.values():
            prep = getattr(res, "prepare", None)
            if prep is not None:
                prep(source_lang, target_lang)


class WholePass(Protocol):
    """A family's pass over the whole input (consistency): collected unit by unit, judged at the end.

    ``add`` and ``take`` run where units are checked (a worker process, or the main
    one); ``take`` hands over, picklable, what was added since the last call, and the
    main process ``merge``s it, shifting unit numbers by ``offset``. At the end the
    runner fetches the ``wanted`` units (those findings quote) and asks for the findings.
    """

    def add(self, seg: Segment) -> None:
        """Record one unit."""

    def take(self) -> Any:
        """What was recorded since the last call (and forget it)."""

    def merge(self, taken: Any, offset: int) -> None:
        """Add what a ``take`` handed over, its unit numbers shifted by ``offset``."""

    def wanted(self) -> set[int]:
        """The units the findings will quote."""

    def findings(self, segments: dict[int, Segment]) -> list[Finding]:
        """The findings of the whole input; ``segments`` holds at least the wanted units."""


@dataclass(frozen=True)
class Family:
    """A QA check family: the contract each module of qa/ fills and qa/families.py registers.

    ``checks``: check id -> (default severity, one-line description for reports and docs).
    ``unit``: builds the per-unit check of a run from its setup (None: nothing to check per unit).
    ``whole``: builds its pass over the whole input (None: none).
    ``silencing``: check ids that, found on a unit, make every other finding of that unit noise.
    ``fix``: builds its safe corrections for a run (``check --fix``: French spacing, doubled spaces),
    from the very detection its checks use (None: the family corrects nothing).
    """

    name: str
    checks: Mapping[str, tuple[str, str]]
    unit: Callable[[CheckSetup], UnitCheck | None] | None = None
    whole: Callable[[CheckSetup], WholePass | None] | None = None
    silencing: frozenset[str] = frozenset()
    fix: Callable[[CheckSetup], UnitFix | None] | None = None

    def __post_init__(self) -> None:
        if not registry_loaded:
            for check, (severity, description) in self.checks.items():
                CHECKS.setdefault(check, (self.name, severity, description))
