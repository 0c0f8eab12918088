"""Rule packs (``check --rules FILE``): a user's own checks, regular expressions on source and/or target.

In the spirit of Xbench checklists: a rule fires on a unit when every condition
it gives holds -- ``source`` matches the source, ``source_not`` does not match
it, ``target`` matches the target, ``target_not`` does not. A pack is a TOML
file of ``[[rule]]`` tables (format and an example in docs/qa.md; a UNOG/CERN
pack in glossaries/unog-cern.rules.toml); any mistake in it (TOML syntax, an
unknown key, a bad regular expression, a missing message) is one line naming
the file and the rule, before anything is checked.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import read_input_bytes
from bilingual_pr.qa.model import SEVERITIES, CheckSetup, Family, Finding, Segment, UnitCheck, finding

_PATTERNS = ("source", "source_not", "target", "target_not")
_KEYS = ("id", "message", "severity", *_PATTERNS, "ignore_case", "source_lang", "target_lang")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_MAX_BYTES = 8 * 1024 * 1024  # a pack is a few hundred rules at most


@dataclass(frozen=True)
class Rule:
    """One rule of a pack: its conditions (compiled), and what a finding says."""

    id: str
    message: str
    severity: str
    source: re.Pattern[str] | None = None
    source_not: re.Pattern[str] | None = None
    target: re.Pattern[str] | None = None
    target_not: re.Pattern[str] | None = None
    source_lang: str | None = None
    target_lang: str | None = None

    def spans(self, seg: Segment) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]] | None:
        """(source spans, target spans) of what the rule found in SEG, or None when it does not fire there."""
        if (self.source_lang and seg.source_lang != self.source_lang) or (
                self.target_lang and seg.target_lang != self.target_lang):
            return None
        if self.source_not is not None and self.source_not.search(seg.source):
            return None
        if self.target_not is not None and self.target_not.search(seg.target):
            return None
        src = tuple(m.span() for m in self.source.finditer(seg.source)) if self.source is not None else ()
        if self.source is not None and not src:
            return None
        tgt = tuple(m.span() for m in self.target.finditer(seg.target)) if self.target is not None else ()
        if self.target is not None and not tgt:
            return None
        return src, tgt


@dataclass(frozen=True)
class RulePack:
    """The rules of one pack file, in file order."""

    path: str
    rules: tuple[Rule, ...]


def _rule(table: Any, n: int, name: str, seen: set[str]) -> Rule:
    """One validated rule from the N-th ``[[rule]]`` table of file NAME."""
    where = f"{name}: rule #{n}"
    if not isinstance(table, dict):
        raise UserError(f"{where}: must be a table of keys")
    rid = table.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise UserError(f"{where}: 'id' missing or not a name (letters, digits, '-', '_', '.')")
    where = f"{name}: rule {rid!r}"
    if rid in seen:
        raise UserError(f"{where}: this id is used by an earlier rule")
    seen.add(rid)
    unknown = [k for k in table if k not in _KEYS]
    if unknown:
        raise UserError(f"{where}: unknown key {unknown[0]!r} (use {', '.join(_KEYS)})")
    message = table.get("message")
    if not isinstance(message, str) or not message.strip():
        raise UserError(f"{where}: 'message' missing or empty")
    severity = table.get("severity", "warning")
    if severity not in SEVERITIES:
        raise UserError(f"{where}: severity {severity!r} is not one of {', '.join(reversed(SEVERITIES))}")
    ignore_case = table.get("ignore_case", False)
    if not isinstance(ignore_case, bool):
        raise UserError(f"{where}: 'ignore_case' must be true or false")
    compiled: dict[str, re.Pattern[str]] = {}
    for key in _PATTERNS:
        pattern = table.get(key)
        if pattern is None:
            continue
        if not isinstance(pattern, str) or not pattern:
            raise UserError(f"{where}: {key!r} must be a non-empty regular expression")
        try:
            compiled[key] = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        except re.error as err:
            raise UserError(f"{where}: bad regular expression in {key!r}: {err}") from None
    if not compiled:
        raise UserError(f"{where}: give at least one of {', '.join(_PATTERNS)}")
    if "source" not in compiled and "target" not in compiled:
        raise UserError(f"{where}: a rule with only 'source_not'/'target_not' would fire on nearly every unit; "
                        "add 'source' or 'target'")
    langs = {}
    for key in ("source_lang", "target_lang"):
        value = table.get(key)
        if value is not None:
            from bilingual_pr.language import parse_language

            if not isinstance(value, str):
                raise UserError(f"{where}: {key!r} must be a language such as fr or en")
            try:
                langs[key] = parse_language(value)
            except UserError as err:
                raise UserError(f"{where}: {err}") from None
    return Rule(rid, message.strip(), severity, compiled.get("source"), compiled.get("source_not"),
                compiled.get("target"), compiled.get("target_not"), langs.get("source_lang"), langs.get("target_lang"))


def parse_rules(data: bytes, name: str) -> RulePack:
    """The rule pack in DATA (file NAME for messages); any mistake is a one-line UserError."""
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError(f"{name}: a rule pack must be UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"{name}: not a TOML rule pack ({err})") from None
    other = [k for k in doc if k != "rule"]
    if other:
        raise UserError(f"{name}: unknown top-level key {other[0]!r} (a pack holds [[rule]] tables only)")
    tables = doc.get("rule")
    if not isinstance(tables, list) or not tables:
        raise UserError(f"{name}: no [[rule]] table")
    seen: set[str] = set()
    return RulePack(name, tuple(_rule(t, n, name, seen) for n, t in enumerate(tables, 1)))


def load_rules(path: str | Path) -> RulePack:
    """Read and validate the rule pack at PATH."""
    return parse_rules(read_input_bytes(path, _MAX_BYTES), str(path))


def check_rules(seg: Segment, pack: RulePack) -> list[Finding]:
    """The findings of every rule of PACK that fires on SEG (message prefixed with the rule id)."""
    out = []
    for rule in pack.rules:
        found = rule.spans(seg)
        if found is not None:
            out.append(finding("rule", f"[{rule.id}] {rule.message}", seg.index, found[0], found[1],
                               severity=rule.severity))
    return out


def _unit_check(setup: CheckSetup) -> UnitCheck | None:
    pack = setup.rules
    return None if pack is None else partial(check_rules, pack=pack)


FAMILY = Family(
    "rules",
    checks={"rule": ("warning", "A rule of the --rules pack fired (the message starts with the rule id; "
                                "the rule sets its severity).")},
    unit=_unit_check,
)
