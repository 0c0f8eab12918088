"""The registry of QA check families: the runner, ``check --checks``, the reports and the docs read it.

Each family is one module of qa/ that declares a :class:`~bilingual_pr.qa.model.Family`
named ``FAMILY``; adding a family is one new module and one line below.
"""

from __future__ import annotations

from bilingual_pr.qa import (addresses, consistency, misaligned, numbers, omission, repetition, rules, spacing,
                             tags, terms, typography, untranslated)
from bilingual_pr.qa import model
from bilingual_pr.qa.model import CHECKS, FAMILY_NAMES, Family

REGISTRY: dict[str, Family] = {}
_CHECK_TABLE = CHECKS  # filled in place: qa.model.CHECKS is this very dict


def register(family: Family) -> Family:
    """Add a family (after those registered before it); its check ids must be new."""
    if family.name in REGISTRY:
        raise ValueError(f"check family {family.name!r} is already registered")
    taken = [c for c in family.checks if c in _CHECK_TABLE]
    if taken:
        raise ValueError(f"check id {taken[0]!r} of family {family.name!r} is already declared")
    REGISTRY[family.name] = family
    _rebuild()
    return family


def unregister(name: str) -> None:
    """Remove a family (tests register a dummy one and take it away again)."""
    del REGISTRY[name]
    _rebuild()


def _rebuild() -> None:
    # In place: qa.model holds these very objects.
    _CHECK_TABLE.clear()
    FAMILY_NAMES[:] = list(REGISTRY)
    for fam in REGISTRY.values():
        for check, (severity, description) in fam.checks.items():
            _CHECK_TABLE[check] = (fam.name, severity, description)


def names() -> tuple[str, ...]:
    """The registered family names, in registry order (the order of reports and of ``--checks``)."""
    return tuple(REGISTRY)


# From here on the registry is the one source: drop what the modules declared on import.
model.registry_loaded = True
_CHECK_TABLE.clear()
for _family in (
    terms.FAMILY,
    consistency.FAMILY,
    numbers.FAMILY,
    untranslated.FAMILY,
    typography.FAMILY,
    spacing.FAMILY,
    tags.FAMILY,
    addresses.FAMILY,
    repetition.FAMILY,
    omission.FAMILY,
    misaligned.FAMILY,
    rules.FAMILY,
):
    register(_family)
