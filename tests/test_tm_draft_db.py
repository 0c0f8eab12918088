"""``draft``/``run --tm DB``: a memory database drafts with the same leverage rules as a memory file.

Every test that takes ``tm_db`` runs on an SQLite file and on a database of the throwaway
PostgreSQL cluster (``pg_cluster`` in conftest.py; skipped without PostgreSQL or psycopg,
failed instead under BILINGUAL_PR_REQUIRE_INTEROP=1). The memory is imported with ``tm import``.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import TmxHeader, TmxWriter
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.formats.xliff import read_xliff

# Last year's aligned release (WFP / pledging conference style), written for these tests.
LAST_YEAR = [
    ("La conférence d'annonces de contributions s'est tenue au Palais des Nations.",
     "The pledging conference was held at the Palais des Nations."),
    ("Le Programme alimentaire mondial a distribué 12 500 tonnes de vivres en 2025.",
     "The World Food Programme distributed 12,500 tonnes of food in 2025."),
    ("Les délégations ont salué l'engagement des pays hôtes.",
     "Delegations commended the commitment of host countries."),
]
# This year's French: changed figures, an unchanged sentence (other neighbours: exact, not context), a new one.
THIS_YEAR = [
    "Le Programme alimentaire mondial a distribué 14 200 tonnes de vivres en 2026.",
    "Les délégations ont salué l'engagement des pays hôtes.",
    "La Secrétaire générale adjointe a appelé à un accès humanitaire sans entrave.",
]
REPAIRED = "The World Food Programme distributed 14,200 tonnes of food in 2026."
EN_THIS_YEAR = [REPAIRED, LAST_YEAR[2][1],
                "The Under-Secretary-General called for unimpeded humanitarian access."]


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def aligned_tmx(path: Path, pairs=LAST_YEAR) -> Path:
    """A TMX as ``align`` writes it (x-Origin Alignment, a confidence, the release's tuids)."""
    with TmxWriter(path, TmxHeader(srclang="fr-FR")) as w:
        for n, (fr, en) in enumerate(pairs, 1):
            props = (("x-confidence", "0.91"), ("x-source-doc", "WFP25-014.fr.txt"), ("x-Origin", "Alignment"))
            w.write(TranslationUnit(fr, en, "fr-FR", "en-GB", f"WFP25-014:{n}", props,
                                    creationdate="20250312T090000Z", changedate="20250312T090000Z"))
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def tm_db(request, tmp_path: Path) -> str:
    """A memory database holding LAST_YEAR, imported through ``tm import``: an SQLite path or a PostgreSQL URL."""
    if request.param == "sqlite":
        (tmp_path / "tmx").mkdir()
        db = str(tmp_path / "tmx" / "memory.sqlite")
    else:
        db = request.getfixturevalue("pg_cluster").new_database()
    res = invoke("tm", "import", aligned_tmx(tmp_path / "WFP25-014.tmx"), "--db", db)
    assert res.exit_code == 0, res.output
    return db


def french(tmp_path: Path) -> Path:
    path = tmp_path / "WFP26-009.fr.txt"
    path.write_text("\n\n".join(THIS_YEAR) + "\n", encoding="utf-8")
    return path


def check_drafted(xlf: Path) -> None:
    """Exact 100, a repaired tm-fuzzy with its notes, an untranslated new sentence."""
    units = list(read_xliff(xlf))
    assert [u.prop("x-origin") for u in units] == ["tm-fuzzy", "tm-exact", "untranslated"]
    assert [u.target for u in units[:2]] == [REPAIRED, LAST_YEAR[2][1]]
    assert units[1].prop("x-match-quality") == "100"
    # Two substitutions (1 point each) and the aligned origin (2 points): never exact.
    assert units[0].prop("x-match-quality") == "96"
    assert "x-match: repaired 96; origin:aligned -2" in units[0].notes
    assert "tm repair: 12,500 -> 14,200 (12 500 -> 14 200)" in units[0].notes
    assert "tm repair: 2025 -> 2026 (2025 -> 2026)" in units[0].notes
    assert "x-match: exact 98; origin:aligned -2" in units[1].notes


def test_draft_with_a_memory_database(tmp_path: Path, tm_db: str) -> None:
    out = tmp_path / "out.xlf"
    res = invoke("draft", french(tmp_path), "--from", "fr", "--to", "en", "--tm", tm_db, "--no-mt", "-o", out,
                 "--xliff-version", "1.2")
    assert res.exit_code == 0, res.output
    assert "1 tm-exact, 1 tm-fuzzy, 1 tm-fuzzy-repaired, 1 untranslated" in res.output
    check_drafted(out)


def test_run_with_a_memory_database(tmp_path: Path, tm_db: str) -> None:
    fr = french(tmp_path)
    en = tmp_path / "WFP26-009.en.txt"
    en.write_text("\n\n".join(EN_THIS_YEAR) + "\n", encoding="utf-8")
    res = invoke("run", fr, en, "--tm", tm_db, "-o", tmp_path / "out", "--no-mt", "--no-glossary", "--no-embeddings",
                 "--name", "WFP26-009", "-q")
    assert res.exit_code == 0, res.output
    check_drafted(tmp_path / "out" / "WFP26-009.draft.xlf")


def test_files_and_databases_mix_and_the_best_match_wins(tmp_path: Path) -> None:
    db = tmp_path / "memory.sqlite"
    assert invoke("tm", "import", aligned_tmx(tmp_path / "WFP25-014.tmx"), "--db", db).exit_code == 0
    # An SQLite memory is known by its header whatever its name.
    renamed = tmp_path / "memory.data"
    shutil.copy(db, renamed)
    # The file memory has the new sentence (reviewed) and a human translation of the unchanged one,
    # which outranks the database's aligned unit (no origin penalty).
    reviewed = tmp_path / "reviewed.tsv"
    reviewed.write_text(f"fr\ten\n{THIS_YEAR[2]}\t{EN_THIS_YEAR[2]}\n"
                        f"{THIS_YEAR[1]}\tDelegations praised the commitment of host countries.\n", encoding="utf-8")
    out = tmp_path / "out.xlf"
    res = invoke("draft", french(tmp_path), "--from", "fr", "--to", "en", "--tm", renamed, "--tm", reviewed,
                 "--no-mt", "-o", out, "--xliff-version", "1.2")
    assert res.exit_code == 0, res.output
    units = list(read_xliff(out))
    assert [u.prop("x-origin") for u in units] == ["tm-fuzzy", "tm-exact", "tm-exact"]
    assert [u.target for u in units] == [REPAIRED, "Delegations praised the commitment of host countries.",
                                         EN_THIS_YEAR[2]]
    assert [u.prop("x-engine") for u in units] == ["memory.data", "reviewed.tsv", "reviewed.tsv"]


def _newer_schema(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()


@pytest.mark.parametrize("broken, message", [
    ("missing.sqlite", "missing.sqlite: no such"),
    ("notes.db", "file is not a database"),
    ("newer.sqlite", "schema version 99 is newer"),
])
def test_a_broken_database_is_one_line_and_nothing_is_written(tmp_path: Path, broken: str, message: str) -> None:
    (tmp_path / "notes.db").write_text("not a database, just notes\n" * 20, encoding="utf-8")
    newer = tmp_path / "newer.sqlite"
    assert invoke("tm", "import", aligned_tmx(tmp_path / "WFP25-014.tmx"), "--db", newer).exit_code == 0
    _newer_schema(newer)
    fr = french(tmp_path)
    en = tmp_path / "WFP26-009.en.txt"
    en.write_text("\n\n".join(EN_THIS_YEAR) + "\n", encoding="utf-8")
    db = tmp_path / broken
    res = invoke("draft", fr, "--from", "fr", "--to", "en", "--tm", db, "--no-mt", "-o", tmp_path / "out.xlf")
    assert res.exit_code == 2, res.output
    assert message in res.output and len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert not (tmp_path / "out.xlf").exists()
    res = invoke("run", fr, en, "--tm", db, "-o", tmp_path / "out", "--no-mt", "--no-glossary", "--no-embeddings")
    assert res.exit_code == 2, res.output
    assert message in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "missing.sqlite").exists()  # drafting never creates a memory


def test_a_locked_database_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "memory.sqlite"
    assert invoke("tm", "import", aligned_tmx(tmp_path / "WFP25-014.tmx"), "--db", db).exit_code == 0
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program writing: readers wait, then give up (5 s)
    try:
        res = invoke("draft", french(tmp_path), "--from", "fr", "--to", "en", "--tm", db, "--no-mt",
                     "-o", tmp_path / "out.xlf")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert res.exit_code == 2, res.output
    assert "locked by another program" in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "out.xlf").exists()


def test_the_database_is_closed_after_draft_and_run(tmp_path: Path, monkeypatch) -> None:
    from bilingual_pr.tm.sqlite import SqliteTM

    db = tmp_path / "memory.sqlite"
    assert invoke("tm", "import", aligned_tmx(tmp_path / "WFP25-014.tmx"), "--db", db).exit_code == 0
    closed: list[str] = []
    real_close = SqliteTM.close
    monkeypatch.setattr(SqliteTM, "close", lambda self: (closed.append(self.location), real_close(self))[1])
    res = invoke("draft", french(tmp_path), "--from", "fr", "--to", "en", "--tm", db, "--no-mt",
                 "-o", tmp_path / "out.xlf")
    assert res.exit_code == 0, res.output
    assert closed == [str(db)]
    en = tmp_path / "WFP26-009.en.txt"
    en.write_text("\n\n".join(EN_THIS_YEAR) + "\n", encoding="utf-8")
    res = invoke("run", french(tmp_path), en, "--tm", db, "-o", tmp_path / "out", "--no-mt", "--no-glossary",
                 "--no-embeddings", "-q")
    assert res.exit_code == 0, res.output
    assert closed == [str(db)] * 2


def test_an_unreachable_postgresql_is_one_line_without_the_password(tmp_path: Path) -> None:
    from interop import require_module

    require_module("psycopg")
    url = "postgresql://press:s3cret@/tm?host=/nonexistent-socket-dir&port=5"
    fr = french(tmp_path)
    en = tmp_path / "WFP26-009.en.txt"
    en.write_text("\n\n".join(EN_THIS_YEAR) + "\n", encoding="utf-8")
    for args in (("draft", fr, "--from", "fr", "--to", "en", "-o", tmp_path / "out" / "d.xlf"),
                 ("run", fr, en, "-o", tmp_path / "out", "--no-glossary", "--no-embeddings")):
        res = invoke(*args, "--tm", url, "--no-mt")
        assert res.exit_code == 2, res.output
        assert "cannot connect to PostgreSQL" in res.output and "s3cret" not in res.output
        assert len(res.output.strip().splitlines()) == 1
        assert not (tmp_path / "out").exists()


def test_another_programs_sqlite_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    # Inputs are never modified: our schema must not be written into a database that is not ours.
    import sqlite3

    from bilingual_pr.cli import main
    from click.testing import CliRunner

    other = tmp_path / "contacts.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE people (name TEXT)")
        con.execute("INSERT INTO people VALUES ('Roth')")
    con.close()
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    fr = tmp_path / "r.fr.txt"
    fr.write_text("Le Conseil se réunira demain.\n", encoding="utf-8")
    for db, why in ((other, "not a bilingual-pr translation memory"), (empty, "not a translation memory")):
        before = db.read_bytes()
        for args in (["draft", str(fr), "--source-lang", "fr", "--target-lang", "en", "--tm", str(db), "--no-mt",
                      "-o", str(tmp_path / "out.xlf")], ["tm", "stats", "--db", str(db)]):
            res = CliRunner().invoke(main, args)
            assert res.exit_code == 2 and why in res.output, (args, res.output)
        assert db.read_bytes() == before
    assert not (tmp_path / "out.xlf").exists()
    res = CliRunner().invoke(main, ["tm", "stats", "--db", str(tmp_path / "new.sqlite")])
    assert res.exit_code == 2 and not (tmp_path / "new.sqlite").exists()
