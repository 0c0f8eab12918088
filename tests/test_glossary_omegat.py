"""OmegaT 3.6 loads the glossaries that ``bilingual-pr glossary convert`` exports.

OmegaT never applies glossaries in console mode, so a Groovy script run at the
COMPILE event calls OmegaT's own readers (GlossaryReaderTBX for TBX 2008,
GlossaryReaderTSV for ``.utf8``) on ``glossary/`` and dumps what they loaded.
Skips without OmegaT, fails instead under BILINGUAL_PR_REQUIRE_INTEROP=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.glossary import load_glossary
from interop.omegat import build_project, require_omegat, run_omegat

pytestmark = pytest.mark.omegat

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).resolve().parent / "fixtures" / "glossary"


def _convert(src: Path, out: Path, *extra: str) -> Path:
    res = CliRunner().invoke(main, ["glossary", "convert", *extra, str(src), str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_omegat_loads_exported_glossaries(tmp_path: Path) -> None:
    require_omegat()
    bundled = ROOT / "glossaries" / "unog-cern.tbx"
    ex = tmp_path / "exports"
    ex.mkdir()
    files = {
        "approved.martif.tbx": _convert(bundled, ex / "approved.martif.tbx", "--approved-only"),
        "full.martif.tbx": _convert(bundled, ex / "full.martif.tbx"),
        "unog-cern.utf8": _convert(bundled, ex / "unog-cern.utf8"),
        "unog-cern-v3.tbx": _convert(bundled, ex / "unog-cern-v3.tbx"),
    }
    project = build_project(
        tmp_path / "proj", sources={"release.utf8": "Le Directeur général de l'ONUG au Palais des Nations.\n"},
        glossary=files)
    result = run_omegat(project, script=(FIX / "dump_glossaries.groovy").resolve())
    dump = project.root / "glossary-dump.tsv"
    assert dump.is_file(), result.log[-3000:]
    by_file: dict[str, list[list[str]]] = {}
    for line in dump.read_text(encoding="utf-8").splitlines():
        row = line.split("\t")
        by_file.setdefault(row[0] if row[0] != "ERROR" else "ERROR:" + row[1], []).append(row)

    g = load_glossary(bundled)
    fr_terms = {t.text for e in g.entries for t in e.terms_in("fr")}
    approved_en = {t.text for e in g.entries for t in e.approved("en")}
    rejected_en = {t.text for e in g.entries for t in e.rejected("en")} - approved_en
    # TSV: one line per French term, with the approved English term of the same type.
    tsv = {(r[1], r[2]) for r in by_file["unog-cern.utf8"]}
    assert tsv == {(s.text, next((t for t in e.approved("en") if t.type == s.type), e.approved("en")[0]).text)
                   for e in g.entries for s in e.terms_in("fr")}
    assert ("ONUG", "UNOG") in tsv and ("Directrice générale", "Director-General") in tsv
    # TBX 2008: OmegaT pairs every French term with every English term of the entry...
    full = by_file["full.martif.tbx"]
    assert {r[1] for r in full} == fr_terms
    assert ("Secrétaire général", "Secretary General") in {(r[1], r[2]) for r in full}
    # ...so the export for OmegaT users leaves the rejected English terms out.
    approved = by_file["approved.martif.tbx"]
    assert {r[1] for r in approved} == fr_terms
    assert {r[2] for r in approved} == approved_en and not {r[2] for r in approved} & rejected_en
    assert ("CERN", "CERN") in {(r[1], r[2]) for r in approved}
    # TBX v3 is not readable by OmegaT 3.6 (shared/standards/INTEROP.md): the reason martif is exported.
    assert "UnmarshalException" in by_file["ERROR:unog-cern-v3.tbx"][0][2]
