"""Real consumers load the TMX bilingual-pr writes: OmegaT 3.6 (head-less) and translate-toolkit.

Skipped when the tool is missing, failed instead under BILINGUAL_PR_REQUIRE_INTEROP=1 (CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_pr.formats.tmx import write_tmx
from bilingual_pr.formats.units import TmxHeader, TranslationUnit, clean_xml_text
from interop import unavailable
from interop.omegat import build_project, require_omegat, run_omegat

PAIRS = [
    ("Le Conseil des droits de l’homme ouvre sa session à Genève.",
     "The Human Rights Council opens its session in Geneva."),
    ("Prix\u00a0: 5\u00a0€ «\u00a0net\u00a0» & taxes <incluses>.", "Price: EUR 5 “net” & taxes <included>."),
    ("Combien\u202f? Trois\u202f!", "How many? Three!"),
    ("Nom\tPrénom\tFonction", "Last name\tFirst name\tPosition"),
    ("Le symbole 𝄞 figure dans la partition.", "The 𝄞 symbol appears in the score."),
    ("La séance est levée à 18\u00a0h\u00a030.", "The meeting rose at 6.30 p.m."),
    ("Une phrase avec un caractère de contrôle.", "A sentence with a control\x01 character."),
]
UNTRANSLATED = "Cette phrase ne figure pas dans la mémoire."


def units() -> list[TranslationUnit]:
    out = []
    for i, (fr, en) in enumerate(PAIRS, 1):
        out.append(TranslationUnit(
            fr, en,
            source_lang="fr_FR" if i == 3 else "fr-FR", target_lang="EN-gb" if i == 3 else "en-GB",
            tuid=f"PR-2025-07/s{i}", creationdate="20250301T090000Z", creationid="bilingual-pr-align",
            props=(("x-confidence", f"0.{90 + i}"), ("x-bead", "1-1"), ("x-needs-review", "no"),
                   ("x-source-doc", "PR-2025-07.fr.docx"), ("x-context", f"PR-2025-07:{i}")),
            notes=(f"sentence {i} of the release",),
        ))
    return out


@pytest.fixture(scope="module")
def memory(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tmx") / "release.tmx"
    assert write_tmx(path, units(), TmxHeader(srclang="fr-FR")) == len(PAIRS)
    return path


@pytest.mark.omegat
def test_omegat_applies_the_memory_exact_matches(memory: Path, tmp_path: Path) -> None:
    require_omegat()
    source_lines = [fr for fr, _ in PAIRS] + [UNTRANSLATED]
    project = build_project(tmp_path / "project", sources={"release.utf8": "\n".join(source_lines) + "\n"},
                            tm_auto={"release.tmx": memory})
    result = run_omegat(project)
    assert "release.utf8" in result.targets, f"no target written; log problems: {result.log_problems}"
    lines = result.target_lines("release.utf8")
    expected = [clean_xml_text(en)[0] for _, en in PAIRS] + [UNTRANSLATED]
    assert lines == expected, result.log_problems
    assert "TF_TM_LOAD_ERROR" not in result.log_problems
    assert not [p for p in result.log_problems if p.startswith("TMXR_WARNING")], result.log_problems


@pytest.mark.translate_toolkit
def test_translate_toolkit_reads_every_unit(memory: Path) -> None:
    try:
        from translate.storage import tmx as ttk_tmx
    except ImportError:
        unavailable("translate-toolkit not installed (pip install translate-toolkit)")
    written = [(fr, clean_xml_text(en)[0]) for fr, en in PAIRS]
    with open(memory, "rb") as fh:
        store = ttk_tmx.tmxfile(fh)
    assert store.sourcelanguage == "fr-FR"
    assert [(u.source, u.target) for u in store.units] == written
    assert [u.getid() for u in store.units] == [f"PR-2025-07/s{i}" for i in range(1, len(PAIRS) + 1)]
    assert store.units[1].getcontext() == "PR-2025-07:2"
    assert "sentence 2 of the release" in store.units[1].getnotes()
    # Asked for the exact languages, it finds them too (it does not fall back from fr-FR to fr).
    with open(memory, "rb") as fh:
        explicit = ttk_tmx.tmxfile(fh, sourcelanguage="fr-FR", targetlanguage="en-GB")
    assert [(u.source, u.target) for u in explicit.units] == written
