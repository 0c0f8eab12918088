"""``omegat-project``: a ready OmegaT 3.6 project, memories placed by trust, glossary and MT draft.

The placement rules are checked as pure functions; the OmegaT-marked test runs OmegaT 3.6 itself
(console-translate, with tests/fixtures/omegat/dump_project.groovy at the COMPILE event): the exact
matches of the trusted memory are in target/, the unreviewed and MT units are not, OmegaT's own
fuzzy matcher scores them with the penalty of their folder, and its glossary reader loads the
glossary. Skipped without OmegaT, failed instead under BILINGUAL_PR_REQUIRE_INTEROP=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.documents import read_document
from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx import TmxReader, write_tmx
from bilingual_pr.formats.units import TmxHeader, TranslationUnit
from bilingual_pr.omegat import (
    MemoryFile,
    MemoryUnit,
    ProjectPlan,
    SourceFile,
    mt_drafts,
    penalty_points,
    placement,
    plan_memories,
    plan_project,
    project_xml,
    read_memories,
    source_file,
    write_project,
)
from bilingual_pr.translate.memory import database_name
from bilingual_pr.translate.testengine import TestEngine

FIX = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]

# Our own release-style sentences: one line each, the second line two sentences.
HUMAN = ("Le Conseil des droits de l’homme ouvre sa session à Genève.",
         "The Human Rights Council opens its session in Geneva.")
CONFIRMED = ("La session durera trois semaines.", "The session will last three weeks.")
ALIGNED = ("Le Directeur général de l’ONUG salue les délégations.",
           "The Director-General of UNOG welcomes the delegations.")
OTHER_TM = ("Une conférence de presse suivra.", "A press conference will follow.")
NEW = "Les résultats seront publiés au Palais des Nations en mars."
RELEASE = "\n".join([HUMAN[0] + " " + CONFIRMED[0], ALIGNED[0], OTHER_TM[0], NEW]) + "\n"
LEXICON = {"les": "the", "résultats": "results", "seront": "will be", "publiés": "published", "au": "at the",
           "en": "in", "mars": "March", "le": "the", "directeur général": "Director-General", "de l’onug": "of UNOG",
           "salue": "welcomes", "délégations": "delegations"}


def _units(memory: str = "m.tmx") -> list[MemoryUnit]:
    return [MemoryUnit(*HUMAN, "fr-FR", "en-GB", "human", None, memory),
            MemoryUnit(*CONFIRMED, "fr-FR", "en-GB", "confirmed", 0.97, memory),
            MemoryUnit(*ALIGNED, "fr-FR", "en-GB", "aligned", 0.8, memory),
            MemoryUnit(*OTHER_TM, "fr", "en", "tm", None, memory)]


def test_placement_follows_the_leverage_penalties() -> None:
    assert placement("human", None) == placement("confirmed", 0.2) == "tm/auto"
    assert penalty_points("aligned", 0.9) == 2 and placement("aligned", 0.9) == "tm/penalty-2"
    # A low alignment confidence costs the leverage rules' extra points here too.
    assert penalty_points("aligned", 0.3) == 5 and placement("aligned", 0.3) == "tm/penalty-5"
    assert placement("mt", None) == "tm/mt/penalty-10"
    assert placement("tm", None) == "tm"


def test_memories_are_split_by_trust_and_relabelled() -> None:
    units = _units() + [MemoryUnit("The Council.", "Le Conseil.", "en-GB", "fr-FR", "human", None, "m.tmx")]
    files, other = plan_memories(units, "fr-FR", "en-GB")
    assert other == 1
    by_path = {f.path: f for f in files}
    assert sorted(by_path) == ["tm/auto/m.tmx", "tm/m.tmx", "tm/penalty-2/m.tmx"]
    assert [u.source for u in by_path["tm/auto/m.tmx"].units] == [HUMAN[0], CONFIRMED[0]]
    # Every unit carries the project's tags (OmegaT warns about fr vs fr-FR) and its origin.
    assert {(u.source_lang, u.target_lang) for f in files for u in f.units} == {("fr-FR", "en-GB")}
    assert by_path["tm/m.tmx"].units[0].prop("x-tm-origin") == "tm"


def test_the_newest_translation_goes_last_where_omegat_lets_the_last_win() -> None:
    new = MemoryUnit(HUMAN[0], "The Council opens.", "fr-FR", "en-GB", "human", None, "m.tmx", "20260301T000000Z")
    old = MemoryUnit(*HUMAN, "fr-FR", "en-GB", "human", None, "m.tmx", "20250301T000000Z")
    (auto,), _ = plan_memories([new, old], "fr-FR", "en-GB")
    assert [u.target for u in auto.units] == [HUMAN[1], "The Council opens."]


def test_two_memories_of_one_name_get_two_files() -> None:
    files, _ = plan_memories(_units("a/mem.tmx")[:1] + _units("b/mem.tmx")[:1], "fr-FR", "en-GB")
    assert [f.path for f in files] == ["tm/auto/mem-2.tmx", "tm/auto/mem.tmx"]


def test_project_file_has_languages_and_sentence_segmentation() -> None:
    xml = project_xml("fr-FR", "en-GB")
    assert "<source_lang>fr-FR</source_lang>" in xml and "<target_lang>en-GB</target_lang>" in xml
    assert "<sentence_seg>true</sentence_seg>" in xml and "LuceneFrenchTokenizer" in xml


def test_mt_draft_becomes_an_mt_memory() -> None:
    from bilingual_pr.documents import read_text_string

    doc = read_text_string(RELEASE, "release.txt", "fr")
    files, engine = mt_drafts([doc], "fr-FR", "en-GB", mt=TestEngine(LEXICON))
    assert engine == "test-engine"
    (mt,) = files
    assert mt.path == "tm/mt/penalty-10/release.txt.mt.tmx"
    by_source = {u.source: u for u in mt.units}
    assert by_source[NEW].target == "The results will be published at the Palais des Nations in March."
    assert by_source[NEW].prop("x-Origin") == "MachineTranslation" and by_source[NEW].creationid == "test-engine"


def _write(path: Path, text: str | None) -> Path:
    path.write_text(text or "", encoding="utf-8")
    return path


def test_write_project_is_whole_or_nothing(tmp_path: Path) -> None:
    plan = plan_project([source_file(_write(tmp_path / "release.txt", RELEASE))], "fr-FR", "en-GB",
                        memory_units=_units())
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    with pytest.raises(UserError, match="not an empty folder"):
        write_project(plan, busy)
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
    # A failure half-way leaves neither the project nor its temporary folder.
    broken = plan_project([source_file(tmp_path / "release.txt")], "fr-FR", "en-GB",
                          memory_units=[MemoryUnit("a", "b", "fr-FR", "en-GB", "human", None, "bad\x00name")])
    write_project(broken, tmp_path / "ok")  # an odd memory name is made safe
    assert (tmp_path / "ok" / "tm" / "auto" / "bad_name.tmx").is_file()
    before = sorted(p.name for p in tmp_path.iterdir())
    half = ProjectPlan("fr-FR", "en-GB", (SourceFile("release.txt", b"x"),),
                       (MemoryFile("tm/auto/m.tmx", (TranslationUnit("a", "b", "fr-FR", "en-GB"),), "trusted"),
                        MemoryFile("tm/auto/m.tmx/x.tmx", (), "trusted")), None)
    with pytest.raises(UserError):
        write_project(half, tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with pytest.raises(UserError, match="plain file name"):
        plan_project([SourceFile("../escape.txt", b"")], "fr-FR", "en-GB")
    with pytest.raises(UserError, match="named release.txt"):
        plan_project([plan.sources[0], plan.sources[0]], "fr-FR", "en-GB")


def _memory_files(tmp_path: Path) -> tuple[Path, Path]:
    tmx = tmp_path / "aligned.tmx"
    write_tmx(tmx, [
        TranslationUnit(*CONFIRMED, "fr-FR", "en-GB", props=(("x-Origin", "Alignment"), ("x-needs-review", "no"),
                                                               ("x-confidence", "0.97"))),
        TranslationUnit(*ALIGNED, "fr-FR", "en-GB", props=(("x-Origin", "Alignment"), ("x-needs-review", "yes"),
                                                             ("x-confidence", "0.80"))),
        TranslationUnit(*OTHER_TM, "fr-FR", "en-GB"),
    ], TmxHeader(srclang="fr-FR"))
    tsv = _write(tmp_path / "reviewed.tsv", f"fr\ten\n{HUMAN[0]}\t{HUMAN[1]}\n")
    return tmx, tsv


def test_cli_builds_the_project_from_files_and_a_database(tmp_path: Path) -> None:
    tmx, tsv = _memory_files(tmp_path)
    db = tmp_path / "memory.sqlite"
    res = CliRunner().invoke(main, ["tm", "import", str(tsv), "--db", str(db)])
    assert res.exit_code == 0, res.output
    release = _write(tmp_path / "release.txt", RELEASE)
    out = tmp_path / "proj"
    res = CliRunner().invoke(main, ["omegat-project", str(release), "--from", "fr", "--to", "en", "--tm", str(tmx),
                                    "--tm", str(db), "-g", str(ROOT / "glossaries" / "unog-cern.tbx"),
                                    "--no-mt", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "source" / "release.txt").read_text(encoding="utf-8") == RELEASE
    assert {p.relative_to(out).as_posix() for p in (out / "tm").rglob("*.tmx")} == {
        "tm/auto/aligned.tmx", "tm/auto/memory.tmx", "tm/penalty-2/aligned.tmx", "tm/aligned.tmx"}
    assert [u.source for u in TmxReader(out / "tm" / "auto" / "memory.tmx")] == [HUMAN[0]]
    assert [u.source for u in TmxReader(out / "tm" / "penalty-2" / "aligned.tmx")] == [ALIGNED[0]]
    assert "ONUG\tUNOG" in (out / "glossary" / "glossary.utf8").read_text(encoding="utf-8")
    for folder in ("target", "dictionary", "omegat"):
        assert (out / folder).is_dir()
    # The same folder again: refused, nothing changed.
    again = CliRunner().invoke(main, ["omegat-project", str(release), "--from", "fr", "--to", "en", "--no-mt",
                                      "-o", str(out)])
    assert again.exit_code == 2 and "not an empty folder" in again.output


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_database_units_keep_their_origin(backend: str, tmp_path: Path, request) -> None:
    tmx, tsv = _memory_files(tmp_path)
    db = str(tmp_path / "memory.sqlite") if backend == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    res = CliRunner().invoke(main, ["tm", "import", str(tmx), str(tsv), "--db", db])
    assert res.exit_code == 0, res.output
    units = read_memories([db], "fr-FR", "en-GB")
    assert {(u.source, u.origin) for u in units} == {(CONFIRMED[0], "confirmed"), (ALIGNED[0], "aligned"),
                                                    (OTHER_TM[0], "tm"), (HUMAN[0], "human")}
    # Named as drafts name a database: the file's name, or postgresql: and the database (no password).
    assert {u.memory for u in units} == {"memory.sqlite" if backend == "sqlite" else database_name(db)}
    files, _ = plan_memories(units, "fr-FR", "en-GB")
    assert {f.path.rsplit("/", 1)[0] for f in files} == {"tm/auto", "tm/penalty-2", "tm"}


def test_a_latin1_text_source_is_written_in_utf8(tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_bytes(RELEASE.replace("’", "'").encode("latin-1"))
    assert source_file(release).data == RELEASE.replace("’", "'").encode("utf-8")


def test_read_memories_gives_origins(tmp_path: Path) -> None:
    tmx, tsv = _memory_files(tmp_path)
    got = {(u.source, u.origin) for u in read_memories([tmx, tsv], "fr-FR", "en-GB")}
    assert got == {(CONFIRMED[0], "confirmed"), (ALIGNED[0], "aligned"), (OTHER_TM[0], "tm"), (HUMAN[0], "human")}


@pytest.mark.omegat
def test_omegat_inserts_the_trusted_matches_and_penalises_the_others(tmp_path: Path) -> None:
    from interop.omegat import OmegaTProject, require_omegat, run_omegat

    require_omegat()
    tmx, tsv = _memory_files(tmp_path)
    release = _write(tmp_path / "release.txt", RELEASE)
    page = _write(tmp_path / "page.html", f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Communiqué'
                                          f'</title></head><body><main><p>{HUMAN[0]}</p><p>{NEW}</p></main></body></html>')
    docs = [read_document(release, "fr"), read_document(page, "fr")]
    mt_files, _ = mt_drafts(docs, "fr-FR", "en-GB", mt=TestEngine(LEXICON))
    from bilingual_pr.glossary import load_glossary

    plan = plan_project([source_file(release), source_file(page)], "fr-FR", "en-GB",
                        memory_units=read_memories([tmx, tsv], "fr-FR", "en-GB"),
                        mt_memories=mt_files, glossary=load_glossary(ROOT / "glossaries" / "unog-cern.tbx"))
    write_project(plan, tmp_path / "proj")
    project = OmegaTProject(root=tmp_path / "proj", config=tmp_path / "omegat-config")
    project.config.mkdir()
    result = run_omegat(project, script=(FIX / "omegat" / "dump_project.groovy").resolve())
    assert "TF_TM_LOAD_ERROR" not in result.log_problems
    # Exact matches of the human and confirmed units are inserted (sentence segmentation on:
    # the first line is two segments); aligned, MT and foreign-memory units are not.
    assert result.target_lines("release.txt") == [f"{HUMAN[1]} {CONFIRMED[1]}", ALIGNED[0], OTHER_TM[0], NEW]
    # An HTML source goes through OmegaT's own HTML filter (filters.xml names only the text filter).
    assert f"<p>{HUMAN[1]}</p>" in result.targets["page.html"] and f"<p>{NEW}</p>" in result.targets["page.html"]
    rows = [line.split("\t") for line in (project.root / "project-dump.tsv").read_text(encoding="utf-8").splitlines()]
    loaded = {r[1]: int(r[2]) for r in rows if r[0] == "tm"}
    assert loaded == {"auto/aligned.tmx": 1, "auto/reviewed.tmx": 1, "penalty-2/aligned.tmx": 1, "aligned.tmx": 1,
                      "mt/penalty-10/release.txt.mt.tmx": 5, "mt/penalty-10/page.html.mt.tmx": 2}
    best = {}
    for r in rows:
        if r[0] == "match":
            for memory in r[3].split("|"):
                where = Path(memory).relative_to(project.root / "tm").as_posix()
                best[(r[1], where)] = max(int(r[4]), best.get((r[1], where), 0))
    # OmegaT's own fuzzy matcher: an exact aligned match proposed at 98, MT at 90, the other memory at 100.
    assert best[(ALIGNED[0], "penalty-2/aligned.tmx")] == 98
    assert best[(NEW, "mt/penalty-10/release.txt.mt.tmx")] == 90
    assert best[(OTHER_TM[0], "aligned.tmx")] == 100
    assert best[(HUMAN[0], "auto/reviewed.tmx")] == 100
    gloss = {(r[2], r[3]) for r in rows if r[0] == "gloss"}
    assert ("ONUG", "UNOG") in gloss and len(gloss) >= plan.glossary_entries
    assert not [r for r in rows if r[0] == "gloss-error"]
