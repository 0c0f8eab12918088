"""The registry of QA check families: every family is registered once, and the runner, ``check --checks``
and the reports take a new family from its registration alone, whatever the execution strategy."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import parallel as tmxchunks
from bilingual_pr.qa import families
from bilingual_pr.qa.inputs import open_input
from bilingual_pr.qa.model import CHECKS, Family, Finding, Report, Segment, finding
from bilingual_pr.qa.report_json import render_json
from bilingual_pr.qa.runner import run_checks
from conftest import fixture_path


def _family_modules() -> dict[str, Family]:
    import bilingual_pr.qa as qa

    found = {}
    for info in pkgutil.iter_modules(qa.__path__):
        module = importlib.import_module(f"bilingual_pr.qa.{info.name}")
        if isinstance(getattr(module, "FAMILY", None), Family):
            found[info.name] = module.FAMILY
    return found


def test_the_registry_lists_every_family_module_once() -> None:
    modules = _family_modules()
    assert set(families.names()) == {fam.name for fam in modules.values()}
    assert {"terms", "consistency", "numbers", "untranslated", "typography", "spacing", "tags"} <= set(modules)
    assert all(families.REGISTRY[fam.name] is fam for fam in modules.values())


def test_every_check_id_comes_from_its_family_declaration() -> None:
    declared = {check: (fam.name, sev, desc) for fam in families.REGISTRY.values()
                for check, (sev, desc) in fam.checks.items()}
    assert dict(CHECKS) == declared
    assert all(sev in ("info", "warning", "error") and desc.endswith(".") for _, sev, desc in declared.values())


def test_a_family_or_check_id_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):
        families.register(Family("numbers", checks={}))
    with pytest.raises(ValueError, match="already declared"):
        families.register(Family("numbers-again", checks={"number-mismatch": ("error", "Twice.")}))
    assert "numbers-again" not in families.names()


def _run_cli(*args: str):
    return CliRunner().invoke(main, ["check", str(fixture_path("qa", "pairs.tsv")), "--fail-on", "never", *args])


@pytest.mark.parametrize("name", ["terms", "consistency", "numbers", "untranslated", "typography", "spacing",
                                  "tags", "shouting", "grammar"])
def test_check_accepts_exactly_the_registered_families(name: str, registered_dummy) -> None:
    res = _run_cli("--checks", name)
    if name in families.names():
        assert res.exit_code == 0, res.output
    else:
        assert res.exit_code == 2 and f"unknown check family {name!r}" in res.output


def test_check_help_lists_the_registered_families(registered_dummy) -> None:
    res = CliRunner().invoke(main, ["check", "--help"])
    assert res.exit_code == 0
    assert ", ".join(families.names()) in " ".join(res.output.split())


# A family written for this test only: nothing in the runner or the CLI knows it.

def _shouting(seg: Segment) -> list[Finding]:
    if seg.target.isupper():
        return [finding("all-caps-target", "The target is in capitals.", seg.index, (), ((0, len(seg.target)),))]
    return []


class _SameInitialPass:
    """Units whose target starts with the letter of an earlier unit's target (a content-based whole pass)."""

    def __init__(self) -> None:
        self._part: list[tuple[int, str]] = []
        self._seen: list[tuple[int, str]] = []

    def add(self, seg: Segment) -> None:
        if seg.target:
            self._part.append((seg.index, seg.target[0]))

    def take(self) -> Any:
        part, self._part = self._part, []
        return part

    def merge(self, taken: Any, offset: int) -> None:
        self._seen.extend((unit + offset, letter) for unit, letter in taken)

    def _pairs(self) -> list[tuple[int, int]]:
        first: dict[str, int] = {}
        out = []
        for unit, letter in sorted(self._seen):
            if letter in first:
                out.append((unit, first[letter]))
            else:
                first[letter] = unit
        return out

    def wanted(self) -> set[int]:
        return {u for pair in self._pairs() for u in pair}

    def findings(self, segments: dict[int, Segment]) -> list[Finding]:
        return [finding("same-initial", f"Starts like unit {segments[ref].id or ref}.", unit, related=(ref,))
                for unit, ref in self._pairs()]


DUMMY = Family("shouting", checks={"all-caps-target": ("warning", "The target is in capitals."),
                                   "same-initial": ("info", "The target starts like an earlier one.")},
               unit=lambda setup: _shouting, whole=lambda setup: _SameInitialPass())


@pytest.fixture
def registered_dummy():
    families.register(DUMMY)
    try:
        yield DUMMY
    finally:
        families.unregister(DUMMY.name)
    assert "all-caps-target" not in CHECKS


def test_a_registered_family_runs_through_the_runner(registered_dummy) -> None:
    units = [Segment(0, "Le Conseil se réunit.", "THE COUNCIL MEETS."),
             Segment(1, "Le Conseil a adopté la résolution.", "The Council adopted the resolution.")]
    report = run_checks(lambda: iter(units), families=["shouting"])
    assert [(f.check, f.severity, f.unit, f.family) for f in report.findings] == [
        ("all-caps-target", "warning", 0, "shouting"), ("same-initial", "info", 1, "shouting")]
    assert report.checks == ("shouting",)
    assert report.counts_by_check() == {"all-caps-target": 1, "same-initial": 1}
    assert '"all-caps-target"' in render_json(report)
    everything = run_checks(lambda: iter(units))
    assert everything.checks == families.names() and everything.checks[-1] == "shouting"
    assert {f.check for f in everything.findings} >= {"all-caps-target", "same-initial"}


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(tmxchunks, "CHUNK_BYTES", 400)
    monkeypatch.setattr(tmxchunks, "MIN_PARALLEL_BYTES", 0)


@pytest.fixture(scope="module")
def glossary():
    from bilingual_pr.glossary import load_glossary

    return load_glossary(fixture_path("qa", "glossary.csv"), "en", "fr")


def _strategies(path, glossary, **kw) -> dict[str, Report]:
    def run(**extra):
        source = open_input([path])
        return run_checks(source.read, glossary=glossary, profile="fr-FR", input_name="m.tmx", **kw, **extra)

    pieces = open_input([path]).pieces
    assert pieces() is not None and len(pieces()) > 10
    read: list[int] = []  # the workers did read the pieces (no fallback to the usual read)
    reports = {"in-process": run(jobs=1), "batches": run(jobs=2),
               "pieces": run(jobs=2, pieces=pieces, piece_progress=read.append)}
    assert len(read) == len(pieces())
    return reports


def _same(reports: dict[str, Report]) -> Report:
    one = reports["in-process"]
    for name, other in reports.items():
        assert other.findings == one.findings, name
        assert other.segments == one.segments, name
        assert (other.units, other.checks, other.source_lang, other.target_lang) == \
            (one.units, one.checks, one.source_lang, one.target_lang), name
    return one


def _repeated(tmp_path, copies: int):
    text = fixture_path("qa", "seeded.tmx").read_text(encoding="utf-8")
    head, rest = text.split("<body>", 1)
    body, tail = rest.rsplit("</body>", 1)
    parts = [re.sub(r'tuid="([^"]*)"', rf'tuid="\1-{k}"', body) for k in range(copies)]
    path = tmp_path / "seeded-x.tmx"
    path.write_text(head + "<body>" + "".join(parts) + "</body>" + tail, encoding="utf-8")
    return path


def test_the_three_strategies_give_the_same_report_on_the_seeded_memory(tmp_path, glossary, small_pieces,
                                                                         monkeypatch) -> None:
    from bilingual_pr.qa import runner

    # Private on purpose (no public batch-size option): several batches in flight, and batch edges inside groups.
    monkeypatch.setattr(runner, "_BATCH", 7)
    one = _same(_strategies(_repeated(tmp_path, 3), glossary))
    assert one.units == 123
    checks = {f.check for f in one.findings}
    assert {"inconsistent-target", "inconsistent-source", "inconsistent-term", "term-forbidden",
            "number-mismatch", "untranslated"} <= checks


def test_the_three_strategies_run_a_registered_whole_pass_alike(tmp_path, glossary, small_pieces, monkeypatch,
                                                                registered_dummy) -> None:
    from bilingual_pr.qa import runner

    monkeypatch.setattr(runner, "_BATCH", 7)  # private on purpose: see the test above
    one = _same(_strategies(_repeated(tmp_path, 2), glossary, families=["shouting", "numbers"]))
    same = [f for f in one.findings if f.check == "same-initial"]
    assert len(same) > 20 and all(f.related[0] in one.segments for f in same)
    assert {f.check for f in one.findings} >= {"same-initial", "number-mismatch"}


def test_the_docs_table_lists_the_registered_checks() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "qa.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w-]+)` \| (\w+) \| (\w+)", text, re.M)
    assert {check: (fam, sev) for check, fam, sev in rows} == {c: (f, s) for c, (f, s, _) in CHECKS.items()}
