"""The seeded memory: every seeded error is found, nothing else; its clean twin gives no finding."""

from __future__ import annotations

import json

import pytest

from bilingual_pr.qa.inputs import open_input
import bilingual_pr.qa.families  # noqa: F401  (registers the families)
from bilingual_pr.qa.model import CHECKS
from bilingual_pr.qa.runner import run_checks
from conftest import fixture_path


@pytest.fixture(scope="module")
def glossary():
    from bilingual_pr.glossary import load_glossary

    return load_glossary(fixture_path("qa", "glossary.csv"), "en", "fr")


def _run(name: str, glossary):
    source = open_input([fixture_path("qa", name)])
    report = run_checks(source.read, glossary=glossary, profile="fr-FR")
    ids = {i: s.id for i, s in report.segments.items()}
    return report, {(ids[f.unit], f.check) for f in report.findings}


def test_fixture_files_match_their_generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_seeded", fixture_path("qa", "make_seeded.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    expected = {t: list(c) for t, _, _, _, c in mod.UNITS if c}
    assert json.loads(fixture_path("qa", "seeded.expected.json").read_text(encoding="utf-8")) == expected
    clean = mod._tmx([(t, en, fr) for t, en, fr, _, _ in mod.UNITS])
    seeded = mod._tmx([(t, en, fr if bad is None else bad) for t, en, fr, bad, _ in mod.UNITS])
    assert fixture_path("qa", "clean.tmx").read_text(encoding="utf-8") == clean
    assert fixture_path("qa", "seeded.tmx").read_text(encoding="utf-8") == seeded


def test_every_seeded_error_is_found_and_nothing_else(glossary):
    expected = json.loads(fixture_path("qa", "seeded.expected.json").read_text(encoding="utf-8"))
    wanted = {(tuid, check) for tuid, checks in expected.items() for check in checks}
    report, found = _run("seeded.tmx", glossary)
    assert report.units == 41
    assert wanted - found == set(), "seeded errors not found"
    assert found - wanted == set(), "findings that were not seeded"


def test_every_check_family_is_seeded():
    expected = json.loads(fixture_path("qa", "seeded.expected.json").read_text(encoding="utf-8"))
    seeded = {c for checks in expected.values() for c in checks}
    # typo-en-space needs an English target; the memory is English -> French. no-counterpart needs an
    # alignment's one-sided bead or an empty source (tests/test_qa_noise.py). rule needs the user's
    # --rules pack (tests/test_qa_rules.py). partly-untranslated is seeded, with its look-alikes, in the
    # damaged memory of tests/test_qa_damaged.py.
    assert set(CHECKS) - seeded == {"typo-en-space", "no-counterpart", "rule", "partly-untranslated"}


def test_clean_twin_gives_no_finding(glossary):
    report, found = _run("clean.tmx", glossary)
    assert report.units == 41
    assert report.findings == [], [f"{f.unit} {f.check}: {f.message}" for f in report.findings]
