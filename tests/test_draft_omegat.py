"""OmegaT 3.6 (head-less) opens the draft XLIFF that ``draft`` writes by default and sees every sentence.

OmegaT 3.6 reads no XLIFF 2, and its XLIFF 1.2 filter offers the text of each
``<target>`` for translation: drafts are 1.2 by default and an untranslated
sentence's target holds its source. Skipped without OmegaT, failed instead
under BILINGUAL_PR_REQUIRE_INTEROP=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import write_tmx
from bilingual_pr.formats.units import TmxHeader, TranslationUnit
from bilingual_pr.formats.xliff import read_xliff
from interop.omegat import build_project, project_segment_count, require_omegat, run_omegat

# Our own release-style text: four paragraphs, one sentence each.
PAIRS = [
    ("L'Organisation météorologique mondiale publie son bulletin annuel sur le climat.",
     "The World Meteorological Organization publishes its annual bulletin on the climate."),
    ("Le bulletin sera présenté au Palais des Nations le 12 mars 2026.",
     "The bulletin will be presented at the Palais des Nations on 12 March 2026."),
    ("Les États membres sont invités à transmettre leurs données avant la fin du mois.",
     "Member States are invited to send their data before the end of the month."),
    ("Une conférence de presse suivra la présentation.",
     "A press conference will follow the presentation."),
]


def _memory(path: Path, pairs: list[tuple[str, str]]) -> Path:
    write_tmx(path, [TranslationUnit(fr, en, source_lang="fr-FR", target_lang="en-GB") for fr, en in pairs],
              TmxHeader(srclang="fr-FR"))
    return path


def _draft(tmp_path: Path, *extra: str) -> Path:
    src = tmp_path / "wmo.fr.txt"
    src.write_text("\n\n".join(fr for fr, _ in PAIRS) + "\n", encoding="utf-8")
    # The memory covers the first two sentences; the other two stay untranslated (no MT).
    tm = _memory(tmp_path / "known.tmx", PAIRS[:2])
    out = tmp_path / f"wmo{len(extra)}.xlf"
    res = CliRunner().invoke(main, ["draft", str(src), "--source-lang", "fr", "--target-lang", "en", "--tm", str(tm),
                                    "--no-mt", "-o", str(out), *extra])
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.omegat
def test_omegat_sees_every_sentence_of_the_default_draft(tmp_path: Path) -> None:
    require_omegat()
    draft = _draft(tmp_path)
    units = list(read_xliff(draft))
    assert [u.prop("x-origin")[:3] for u in units] == ["tm-", "tm-", "unt", "unt"]
    assert [u.target for u in units] == [en for _, en in PAIRS[:2]] + ["", ""]
    # OmegaT's own memory translates the two sentences the draft left untranslated.
    project = build_project(tmp_path / "project", sources={"wmo.xlf": draft},
                            tm_auto={"rest.tmx": _memory(tmp_path / "rest.tmx", PAIRS[2:])})
    result = run_omegat(project)
    assert project_segment_count(project) == len(PAIRS), result.log_problems
    assert "wmo.xlf" in result.targets, result.log_problems
    back = list(read_xliff(project.target / "wmo.xlf"))
    assert [u.source for u in back] == [fr for fr, _ in PAIRS]
    assert [u.target for u in back] == [en for _, en in PAIRS]


@pytest.mark.omegat
def test_omegat_sees_nothing_in_a_21_draft(tmp_path: Path) -> None:
    """Why 2.1 is only on request: OmegaT 3.6 loads no segment from it."""
    require_omegat()
    draft = _draft(tmp_path, "--xliff-version", "2.1")
    project = build_project(tmp_path / "project", sources={"wmo.xlf": draft})
    run_omegat(project)
    assert project_segment_count(project) == 0


def test_run_writes_its_draft_in_xliff_12(tmp_path: Path) -> None:
    fr, en = tmp_path / "wmo.fr.txt", tmp_path / "wmo.en.txt"
    fr.write_text("\n\n".join(f for f, _ in PAIRS) + "\n", encoding="utf-8")
    en.write_text("\n\n".join(e for _, e in PAIRS) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(fr), str(en), "-o", str(tmp_path / "out"), "--no-glossary", "--no-mt",
                                    "--no-embeddings", "--name", "wmo", "-q"])
    assert res.exit_code == 0, res.output
    draft = tmp_path / "out" / "wmo.draft.xlf"
    assert b'version="1.2"' in draft.read_bytes()[:300]
    from bilingual_pr.xmlsafe import parse_xml_file

    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    targets = [t.text for t in parse_xml_file(draft).getroot().iterfind(".//x:trans-unit/x:target", ns)]
    assert targets == [f for f, _ in PAIRS]  # nothing drafted: each target offers its source to OmegaT


def test_check_reads_the_copied_source_as_no_translation(tmp_path: Path) -> None:
    draft = _draft(tmp_path)
    res = CliRunner().invoke(main, ["check", str(draft), "--checks", "untranslated"])
    lines = [line for line in res.stdout.splitlines() if "[" in line]
    # The two untranslated sentences: empty targets (a warning), not "the target repeats the source" (an error).
    assert len(lines) == 2 and all("empty-target" in line for line in lines), res.output
