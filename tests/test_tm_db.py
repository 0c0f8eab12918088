"""The translation memory database (``tm``): both backends through the same tests, no mock database.

Every test that takes ``db`` runs twice: on an SQLite file and on a database
of a throwaway PostgreSQL cluster (tests/interop/postgres.py; skipped without
PostgreSQL or psycopg, failed instead under BILINGUAL_PR_REQUIRE_INTEROP=1).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx import TmxHeader, TmxWriter, validate_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.tm import open_tm
from bilingual_pr.tm.backend import SCHEMA_VERSION, phrase_spans

# A UNOG-style release, aligned (our aligner's props), written for these tests.
RELEASE = [
    ("Le Conseil des droits de l'homme a ouvert ce matin sa cinquante-neuvième session à Genève.",
     "The Human Rights Council this morning opened its fifty-ninth session in Geneva."),
    ("La Haute-Commissaire a présenté son rapport annuel, qui couvre 1 200 communications.",
     "The High Commissioner presented her annual report, which covers 1,200 communications."),
    ("Le Conseil reprendra ses travaux le 3 octobre 2026 à 15 heures.",
     "The Council will resume its work on 3 October 2026 at 3 p.m."),
]
FIRST_DATE = "20260310T090000Z"


def aligned_tmx(path: Path, pairs=RELEASE, *, changed: str = FIRST_DATE, doc: str = "HRC26-001.fr.txt",
                release: str = "HRC26-001") -> Path:
    """A TMX as ``align`` writes it (x-confidence, x-bead, x-source-doc, x-Origin Alignment), with dates."""
    with TmxWriter(path, TmxHeader(srclang="fr-FR")) as w:
        for n, (fr, en) in enumerate(pairs, 1):
            props = (("x-confidence", "0.93"), ("x-bead", "1-1"), ("x-source-doc", doc),
                     ("x-target-doc", doc.replace(".fr.", ".en.")), ("x-Origin", "Alignment"))
            w.write(TranslationUnit(fr, en, "fr-FR", "en-GB", f"{release}:{n}", props,
                                    creationdate=FIRST_DATE, changedate=changed))
    return path


def tool_tmx(path: Path) -> Path:
    """A memory a CAT tool wrote (no origin props): a memory from elsewhere, origin ``tm``."""
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="OmegaT" '
        'creationtoolversion="3.6" segtype="sentence" o-tmf="OmegaT TMX" adminlang="EN-US" srclang="fr-FR" '
        'datatype="plaintext"/><body>\n'
        '<tu changedate="20260401T101500Z" changeid="rkeller"><tuv xml:lang="fr-FR"><seg>Le Comité contre la '
        'torture examinera le rapport de la Suisse.</seg></tuv><tuv xml:lang="en-GB"><seg>The Committee '
        'against Torture will review the report of Switzerland.</seg></tuv></tu>\n'
        '</body></tmx>\n', encoding="utf-8")
    return path


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="CERN-2026-07.fr.txt" source-language="fr-FR" target-language="en-GB" datatype="plaintext">
  <body>
   <trans-unit id="1"><source>Le CERN a célébré son soixante-dixième anniversaire.</source>
    <target state="translated">CERN celebrated its seventieth anniversary.</target></trans-unit>
   <trans-unit id="2"><source>Le Grand collisionneur de hadrons redémarrera en mai.</source>
    <target state="needs-review-translation" state-qualifier="mt-suggestion">The Large Hadron Collider will
     restart in May.</target></trans-unit>
   <trans-unit id="3"><source>Les physiciens ont présenté 42 nouveaux résultats.</source>
    <target state="needs-translation">Les physiciens ont présenté 42 nouveaux résultats.</target></trans-unit>
   <trans-unit id="4"><source>La conférence se tiendra à Meyrin.</source>
    <target state="final">The conference will be held in Meyrin.</target></trans-unit>
  </body>
 </file>
</xliff>
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path: Path) -> str:
    """An empty memory: an SQLite file path, or the URL of a new PostgreSQL database."""
    if request.param == "sqlite":
        (tmp_path / "tmx").mkdir()
        return str(tmp_path / "tmx" / "memory.sqlite")
    return request.getfixturevalue("pg_cluster").new_database()


def run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def units_of(db: str) -> list:
    tm = open_tm(db)
    try:
        return list(tm.export())
    finally:
        tm.close()


def _set_schema_version(db: str, version: int) -> None:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(version),))
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        conn.close()


# ------------------------------------------------------------------ import


def test_import_records_origin_confidence_document_dates_and_context(db: str, tmp_path: Path) -> None:
    res = run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), tool_tmx(tmp_path / "omegat.tmx"), "--db", db)
    assert res.exit_code == 0, res.output
    assert "hrc.tmx: 3 units: 3 added, 0 updated, 0 unchanged" in res.output
    units = {u.source: u for u in units_of(db)}
    first, second, third = (units[fr] for fr, _ in RELEASE)
    assert (first.origin, first.confidence, first.document, first.tuid) == \
        ("aligned", 0.93, "HRC26-001.fr.txt", "HRC26-001:1")
    assert (first.source_lang, first.target_lang, first.created, first.changed) == \
        ("fr-FR", "en-GB", FIRST_DATE, FIRST_DATE)
    assert (first.prev_source, first.next_source) == (None, second.source)
    assert (second.prev_source, second.next_source) == (first.source, third.source)
    assert first.props == (("x-bead", "1-1"), ("x-target-doc", "HRC26-001.en.txt"), ("x-Origin", "Alignment"))
    other = units["Le Comité contre la torture examinera le rapport de la Suisse."]
    assert (other.origin, other.document, other.changed, other.confidence) == \
        ("tm", "omegat.tmx", "20260401T101500Z", None)


@pytest.mark.parametrize(("props", "origin"), [
    ((("x-Origin", "Alignment"), ("x-needs-review", "no")), "confirmed"),
    ((("x-Origin", "Alignment"), ("x-needs-review", "yes")), "aligned"),
    ((("x-Origin", "MachineTranslation"), ("x-bilingual-pr-origin", "mt")), "mt"),
    ((("x-Origin", "TM"),), "tm"),
    ((("x-tm-origin", "human"), ("x-Origin", "TM")), "human"),
])
def test_tmx_props_give_the_origin(tmp_path: Path, props, origin: str) -> None:
    tmx = tmp_path / "one.tmx"
    with TmxWriter(tmx) as w:
        w.write(TranslationUnit(*RELEASE[0], "fr-FR", "en-GB", props=props))
    db = str(tmp_path / "memory.sqlite")
    assert run("tm", "import", tmx, "--db", db).exit_code == 0
    assert [u.origin for u in units_of(db)] == [origin]


def test_reimport_is_idempotent(db: str, tmp_path: Path) -> None:
    tmx = aligned_tmx(tmp_path / "hrc.tmx")
    assert run("tm", "import", tmx, "--db", db).exit_code == 0
    before = units_of(db)
    res = run("tm", "import", tmx, "--db", db)
    assert res.exit_code == 0 and "3 units: 0 added, 0 updated, 3 unchanged" in res.output, res.output
    assert units_of(db) == before


def test_a_newer_change_date_wins_and_an_older_one_does_not(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "v1.tmx"), "--db", db)
    fixed = [RELEASE[0], (RELEASE[1][0], "The High Commissioner presented her yearly report, covering "
                                         "1,200 communications."), RELEASE[2]]
    newer = aligned_tmx(tmp_path / "v2.tmx", fixed, changed="20260315T120000Z")
    res = run("tm", "import", newer, "--db", db)
    assert "3 units: 0 added, 3 updated, 0 unchanged" in res.output, res.output
    stored = units_of(db)
    assert len(stored) == 3 and stored[1].target == fixed[1][1] and stored[1].changed == "20260315T120000Z"
    older = aligned_tmx(tmp_path / "v0.tmx", [(RELEASE[1][0], "An old draft.")] * 3, changed="20250101T000000Z")
    res = run("tm", "import", older, "--db", db)
    assert "0 added, 0 updated, 3 unchanged" in res.output, res.output
    assert [u.target for u in units_of(db)] == [en for _, en in fixed]
    tm = open_tm(db)
    try:  # the index follows the update
        assert [u.target for u in tm.concordance("yearly report", "en")] == [fixed[1][1]]
        assert tm.concordance("annual report", "en") == []
    finally:
        tm.close()


@pytest.mark.parametrize("body", [
    '<tu><tuv xml:lang="fr-FR"><seg>Une phrase.</seg></tuv><tuv xml:lang="en-GB"><seg>A sentence.</seg></tuv>',
    '<tu><tuv xml:lang="fr-FR"><seg>&xxe;</seg></tuv></tu>',
], ids=["truncated", "entity"])
def test_a_malformed_or_hostile_file_leaves_nothing_of_it(db: str, tmp_path: Path, body: str) -> None:
    good = aligned_tmx(tmp_path / "good.tmx")
    bad = tmp_path / "bad.tmx"
    # Valid units first: they are read before the fault and must not be stored either.
    units = "".join(f'<tu><tuv xml:lang="fr-FR"><seg>Phrase {n}.</seg></tuv><tuv xml:lang="en-GB"><seg>'
                    f"Sentence {n}.</seg></tuv></tu>\n" for n in range(50))
    bad.write_text('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                   f'<tmx version="1.4"><header srclang="fr-FR"/><body>\n{units}{body}\n', encoding="utf-8")
    res = run("tm", "import", good, bad, "--db", db)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.tmx" in lines[0] and "Traceback" not in res.output
    assert sorted(u.source for u in units_of(db)) == sorted(fr for fr, _ in RELEASE)


def test_xliff_keeps_post_edited_targets_as_human_and_skips_drafts(db: str, tmp_path: Path) -> None:
    xlf = tmp_path / "CERN-2026-07.xlf"
    xlf.write_text(XLIFF, encoding="utf-8")
    res = run("tm", "import", xlf, "--db", db)
    assert res.exit_code == 0 and "2 units: 2 added, 0 updated, 0 unchanged, 2 skipped" in res.output, res.output
    units = units_of(db)
    assert [(u.target, u.origin, u.tuid) for u in units] == [
        ("CERN celebrated its seventieth anniversary.", "human", "1"),
        ("The conference will be held in Meyrin.", "human", "4")]
    assert units[0].document == "CERN-2026-07.xlf" and units[0].changed is not None
    # Context is the document's neighbouring sentences, skipped drafts included.
    assert (units[0].next_source, units[1].prev_source) == \
        ("Le Grand collisionneur de hadrons redémarrera en mai.", "Les physiciens ont présenté 42 nouveaux résultats.")
    assert run("tm", "import", xlf, "--db", db).output.count("2 unchanged") == 1


def test_tsv_and_csv_pairs(db: str, tmp_path: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("fr\ten\nL'Organisation mondiale de la Santé publie un rapport.\tThe World Health "
                   "Organization publishes a report.\n", encoding="utf-8")
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text('en,fr\n"Geneva, 12 May 2026","Genève, le 12 mai 2026"\n', encoding="utf-8")
    res = run("tm", "import", tsv, csv_file, "--db", db, "--origin", "confirmed")
    assert res.exit_code == 0, res.output
    pairs = {(u.source_lang, u.source, u.target, u.origin) for u in units_of(db)}
    assert pairs == {("fr", "L'Organisation mondiale de la Santé publie un rapport.",
                      "The World Health Organization publishes a report.", "confirmed"),
                     ("en", "Geneva, 12 May 2026", "Genève, le 12 mai 2026", "confirmed")}


def test_pairs_without_languages_are_refused(db: str, tmp_path: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("Bonjour.\tHello.\n", encoding="utf-8")
    res = run("tm", "import", tsv, "--db", db)
    assert res.exit_code == 2 and "pairs.tsv" in res.stderr and "--source-lang" in res.stderr
    assert run("tm", "import", tsv, "--db", db, "--source-lang", "fr", "--target-lang", "en").exit_code == 0


# ------------------------------------------------------------------ schema and errors


def test_a_newer_schema_version_is_refused(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    _set_schema_version(db, SCHEMA_VERSION + 1)
    for args in (("stats",), ("concord", "Conseil", "--lang", "fr"), ("import", tmp_path / "hrc.tmx")):
        res = run("tm", *args, "--db", db)
        assert res.exit_code == 2, res.output
        assert f"schema version {SCHEMA_VERSION + 1} is newer" in res.stderr and len(res.stderr.splitlines()) == 1


def test_stats(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), tool_tmx(tmp_path / "omegat.tmx"), "--db", db)
    found = json.loads(run("tm", "stats", "--db", db, "--format", "json").output)
    assert (found["units"], found["by_origin"], found["by_pair"], found["documents"], found["schema_version"]) == \
        (4, {"aligned": 3, "tm": 1}, {"fr-en": 4}, 2, SCHEMA_VERSION)
    assert "units: 4  documents: 2" in run("tm", "stats", "--db", db).output


def test_a_locked_sqlite_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bilingual_pr.cli.tm as cli_tm

    db = tmp_path / "memory.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    monkeypatch.setattr(cli_tm, "open_tm", functools.partial(open_tm, timeout=0.2))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        res = run("tm", "import", tool_tmx(tmp_path / "omegat.tmx"), "--db", db)
        assert res.exit_code == 2 and "locked by another program" in res.stderr, res.output
        assert len(res.stderr.splitlines()) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(units_of(str(db))) == 3


def test_not_a_database_and_a_missing_one(tmp_path: Path) -> None:
    junk = tmp_path / "memory.sqlite"
    junk.write_bytes(b"this is a text file, not SQLite\n" * 100)
    res = run("tm", "stats", "--db", junk)
    assert res.exit_code == 2 and "memory.sqlite" in res.stderr and len(res.stderr.splitlines()) == 1
    res = run("tm", "stats", "--db", tmp_path / "none.sqlite")
    assert res.exit_code == 2 and "no such translation memory" in res.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_an_unreachable_postgresql_is_a_clear_error(tmp_path: Path) -> None:
    from interop import require_module

    require_module("psycopg")
    url = f"postgresql://nobody:secret@/tm?host={tmp_path}&port=1"
    res = run("tm", "stats", "--db", url)
    assert res.exit_code == 2 and "cannot connect to PostgreSQL" in res.stderr, res.output
    assert "secret" not in res.stderr and len(res.stderr.splitlines()) == 1


# ------------------------------------------------------------------ lookups


def test_candidates_come_from_the_index_for_the_language_pair(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), tool_tmx(tmp_path / "omegat.tmx"), "--db", db)
    tm = open_tm(db)
    try:
        found = tm.candidates("Le Conseil reprendra ses travaux le 5 novembre 2027 à 10 heures.", "fr-CH", "en")
        assert found and found[0].source == RELEASE[2][0] and found[0].target == RELEASE[2][1]
        assert tm.candidates("Le Conseil reprendra ses travaux le 5 novembre 2027.", "en", "fr") == []
        assert tm.candidates("Zxqv wyrt plomb.", "fr", "en") == []
    finally:
        tm.close()


def test_concordance_is_word_boundary_accent_and_case_insensitive(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), tool_tmx(tmp_path / "omegat.tmx"), "--db", db)
    tm = open_tm(db)
    try:
        def sources(phrase: str, lang: str) -> list[str]:
            return [u.source for u in tm.concordance(phrase, lang)]

        assert sources("GENEVE", "fr") == [RELEASE[0][0]]
        assert sources("droits de l’Homme", "fr") == [RELEASE[0][0]]  # typographic apostrophe, case
        assert sources("Conseil", "fr") == [RELEASE[2][0], RELEASE[0][0]]  # newest first
        assert sources("conse", "fr") == []  # whole words only
        assert sources("Geneva", "en") == [RELEASE[0][0]]  # the English side
        assert sources("Genève", "en") == []  # ... in the language asked
        assert sources("session Genève", "fr") == []  # words in sequence, not anywhere
        assert len(tm.concordance("Conseil", "fr", limit=1)) == 1
    finally:
        tm.close()


def test_concord_highlights_the_phrase_and_lists_json(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    res = run("tm", "concord", "haute commissaire", "--db", db, "--lang", "fr")
    assert res.exit_code == 0, res.output
    assert "fr-FR: La [Haute-Commissaire] a présenté" in res.output
    assert "aligned (HRC26-001.fr.txt)" in res.output
    hits = json.loads(run("tm", "concord", "COMMUNICATIONS", "--db", db, "--lang", "en", "--format", "json").output)
    assert [(h["source"], h["target"], h["origin"], h["document"]) for h in hits] == \
        [(RELEASE[1][0], RELEASE[1][1], "aligned", "HRC26-001.fr.txt")]


def test_phrase_spans_map_back_to_the_text() -> None:
    text = "Le Cœur de l’Europe : le CERN, à Genève."
    assert [text[a:b] for a, b in phrase_spans(text, "coeur de l'europe")] == ["Cœur de l’Europe"]
    assert [text[a:b] for a, b in phrase_spans(text, "genève")] == ["Genève"]
    assert phrase_spans(text, "Gen") == [] and phrase_spans(text, "...") == []


# ------------------------------------------------------------------ export


def test_export_round_trip_validates_and_keeps_everything(db: str, tmp_path: Path) -> None:
    xlf = tmp_path / "CERN-2026-07.xlf"
    xlf.write_text(XLIFF, encoding="utf-8")
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), tool_tmx(tmp_path / "omegat.tmx"), xlf, "--db", db)
    out = tmp_path / "out" / "memory.tmx"
    out.parent.mkdir()
    res = run("tm", "export", "--db", db, "-o", out)
    assert res.exit_code == 0 and "6 units" in res.stderr, res.output
    assert validate_tmx(out).valid
    again = str(tmp_path / "again.sqlite")
    assert run("tm", "import", out, "--db", again).exit_code == 0

    def fields(units):
        return sorted((u.source, u.target, u.source_lang, u.target_lang, u.origin, u.confidence, u.document,
                       u.created, u.changed, u.prev_source, u.next_source, u.tuid, u.props) for u in units)

    assert fields(units_of(again)) == fields(units_of(db))


def test_export_filters(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), tool_tmx(tmp_path / "omegat.tmx"), "--db", db)
    out = tmp_path / "x.tmx"

    def exported(*args) -> list[str]:
        res = run("tm", "export", "--db", db, "-o", out, *args)
        assert res.exit_code == 0, res.output
        return [u.source for u in units_of_tmx(out)]

    assert len(exported("--origin", "tm")) == 1
    assert len(exported("--origin", "tm", "--origin", "aligned")) == 4
    assert len(exported("--since", "2026-03-31")) == 1
    assert len(exported("--since", "20260301T000000Z")) == 4
    assert len(exported("--document", "HRC26-001.fr.txt")) == 3
    res = run("tm", "export", "--db", db, "-o", out, "--since", "last week")
    assert res.exit_code == 2 and "--since" in res.stderr


def units_of_tmx(path: Path) -> list[TranslationUnit]:
    from bilingual_pr.formats.tmx import read_tmx

    return list(read_tmx(path))


def test_open_tm_raises_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such translation memory"):
        open_tm(tmp_path / "missing.sqlite", create=False)


def test_characters_xml_cannot_carry_are_dropped_on_import(db: str, tmp_path: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_bytes("fr\ten\nLe Conseil\x1f se réunit\x0b.\tThe Council\x1f meets.\n".encode())
    res = run("tm", "import", tsv, "--db", db)
    assert res.exit_code == 0, res.output
    assert [(u.source, u.target) for u in units_of(db)] == [("Le Conseil se réunit.", "The Council meets.")]


def test_concordance_reads_past_hits_in_the_other_language(db: str, tmp_path: Path) -> None:
    fr = tmp_path / "fr.tsv"
    fr.write_text("fr\ten\nLe CERN accueille 12 000 scientifiques.\tCERN hosts 12,000 scientists.\n", encoding="utf-8")
    en = tmp_path / "en.tsv"
    # Newer units whose English source names CERN and whose French target does not.
    en.write_text("en\tfr\n" + "".join(f"CERN opened building {n}.\tL'Organisation a ouvert le bâtiment {n}.\n"
                                          for n in range(40)), encoding="utf-8")
    assert run("tm", "import", fr, en, "--db", db).exit_code == 0
    tm = open_tm(db)
    try:
        assert [u.source for u in tm.concordance("cern", "fr", limit=1)] == ["Le CERN accueille 12 000 scientifiques."]
        assert len(tm.concordance("cern", "en", limit=100)) == 41
    finally:
        tm.close()


def test_a_hostile_xliff_leaves_nothing_of_it(db: str, tmp_path: Path) -> None:
    xlf = tmp_path / "hostile.xlf"
    xlf.write_text(XLIFF.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                                 '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY boom "Boum">]>\n')
                   .replace("Meyrin.</target>", "Meyrin &boom;.</target>"), encoding="utf-8")
    res = run("tm", "import", xlf, "--db", db)
    assert res.exit_code == 2 and "hostile.xlf" in res.stderr and len(res.stderr.splitlines()) == 1, res.output
    assert units_of(db) == []


def test_a_file_with_nothing_to_keep(db: str, tmp_path: Path) -> None:
    xlf = tmp_path / "drafts.xlf"
    xlf.write_text(XLIFF.replace('state="translated"', 'state="new"').replace('state="final"', 'state="initial"'),
                   encoding="utf-8")
    res = run("tm", "import", xlf, "--db", db)
    assert res.exit_code == 0 and "0 units: 0 added, 0 updated, 0 unchanged, 4 skipped" in res.output, res.output


# ------------------------------------------------------------------ search (leverage over the index)


def test_search_repairs_changed_figures_and_never_calls_them_exact(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    exact = json.loads(run("tm", "search", RELEASE[1][0], "--db", db, "--source-lang", "fr", "--target-lang", "en",
                           "--format", "json").output)
    assert exact[0]["kind"] == "exact" and exact[0]["target"] == RELEASE[1][1] and not exact[0]["repaired"]
    assert exact[0]["origin"] == "aligned" and ["origin:aligned", 2] in exact[0]["penalties"]
    next_year = "Le Conseil reprendra ses travaux le 5 octobre 2027 à 16 heures."
    res = run("tm", "search", next_year, "--db", db, "--source-lang", "fr", "--target-lang", "en")
    assert res.exit_code == 0, res.output
    first = res.output.splitlines()
    assert first[0].split()[1] == "repaired" and float(first[0].split()[0]) < 100
    assert "en-GB: The Council will resume its work on 5 October 2027 at 4 p.m." in res.output
    assert "repaired:" in res.output
    hits = json.loads(run("tm", "search", next_year, "--db", db, "--source-lang", "fr", "--target-lang", "en",
                          "--format", "json").output)
    assert hits[0]["repaired"] and hits[0]["score"] < 100 and hits[0]["stored_target"] == RELEASE[2][1]


def test_search_finds_nothing_below_the_minimum(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    res = run("tm", "search", "Le CERN inaugure un nouvel accélérateur de particules.", "--db", db,
              "--source-lang", "fr", "--target-lang", "en", "--min", "90")
    assert res.exit_code == 0 and res.stdout == "" and "no match at or above 90" in res.stderr


# ------------------------------------------------------------------ fuzzy candidates: bounded, same best match

FIXTURES = Path(__file__).parent / "fixtures" / "tm"


def _tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line]


def _spliced(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Decoys: the first half of one sentence with the second half of another (many shared words)."""
    out = []
    for i, (fr_a, en_a) in enumerate(pairs):
        for j, (fr_b, en_b) in enumerate(pairs):
            if i != j:
                fa, fb, ea, eb = fr_a.split(), fr_b.split(), en_a.split(), en_b.split()
                out.append((" ".join(fa[:len(fa) // 2] + fb[len(fb) // 2:]),
                            " ".join(ea[:len(ea) // 2] + eb[len(eb) // 2:])))
    return out


def test_candidates_give_the_best_match_a_full_scan_gives(db: str, tmp_path: Path) -> None:
    from bilingual_pr.tm.leverage import rank_matches
    from bilingual_pr.tm.search import CANDIDATES, search

    # Well below `tm search --min` (75): every match the leverage rules could offer. (With no minimum, a new
    # sentence's "best" differs: a 45 % decoy from the full scan, a 40 % one from the candidates.)
    MINIMUM = 50.0

    last_year = {p.stem: [(fr, en) for fr, en in _tsv(p)] for p in sorted(FIXTURES.glob("*-2025.tsv"))}
    every = [pair for pairs in last_year.values() for pair in pairs]
    files = [aligned_tmx(tmp_path / f"{name}.tmx", pairs, doc=f"{name}.fr.txt", release=name)
             for name, pairs in last_year.items()]
    decoys = _spliced(every)
    files.append(aligned_tmx(tmp_path / "decoys.tmx", decoys, doc="decoys.fr.txt", release="DECOY"))
    assert run("tm", "import", *files, "--db", db).exit_code == 0
    stored = units_of(db)
    assert len(stored) > 20 * CANDIDATES  # the index must choose: far more units than one lookup reads
    tm = open_tm(db)
    try:
        checked, missed = 0, []
        for path in sorted(FIXTURES.glob("*-2026.tsv")):
            rows = _tsv(path)
            for i, (_status, fr, _en) in enumerate(rows):
                prev = rows[i - 1][1] if i else None
                nxt = rows[i + 1][1] if i + 1 < len(rows) else None
                full = [m for m in rank_matches(fr, stored, prev_source=prev, next_source=nxt, target_lang="en")
                        if m.score >= MINIMUM]
                found = search(tm, fr, "fr", "en", minimum=MINIMUM, limit=1, prev_source=prev, next_source=nxt)
                want = (full[0].unit.source, full[0].target, full[0].score, full[0].kind) if full else None
                got = (found[0].unit.source, found[0].target, found[0].score, found[0].kind) if found else None
                if got != want:
                    missed.append((fr, got, want))
                checked += bool(want)
        assert not missed and checked >= 30, (checked, missed)
    finally:
        tm.close()


def test_an_old_exact_match_is_found_among_many_newer_near_ones(db: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from bilingual_pr.tm import sqlite as tm_sqlite

    # Every query reads its newest hits only, as in a memory of millions.
    monkeypatch.setattr(tm_sqlite, "RANKED_HITS", 0)
    sentence = "Le Comité contre la torture a examiné le rapport présenté par la Norvège."
    aligned_tmx(tmp_path / "old.tmx", [(sentence, "The Committee against Torture reviewed the report of Norway.")])
    # Newer units holding every word of the sentence, and more.
    near = [(f"Le Comité contre la torture a examiné le rapport {n} présenté par la Norvège.", f"Report {n}.")
            for n in range(2 * tm_sqlite.HITS_PER_QUERY)]
    aligned_tmx(tmp_path / "new.tmx", near, doc="CAT26-002.fr.txt", release="CAT26-002")
    run("tm", "import", tmp_path / "old.tmx", "--db", db)
    run("tm", "import", tmp_path / "new.tmx", "--db", db)
    tm = open_tm(db)
    try:
        found = tm.candidates(sentence, "fr", "en", 5)
        assert found[0].source == sentence
        repair = tm.candidates(sentence.replace("rapport", "rapport 12345"), "fr", "en", 5)
        assert len(repair) == 5 and all(u.target.startswith("Report") for u in repair)
    finally:
        tm.close()


def test_other_language_pairs_do_not_crowd_out_the_pair_asked(db: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from bilingual_pr.tm import sqlite as tm_sqlite

    monkeypatch.setattr(tm_sqlite, "RANKED_HITS", 0)  # newest first, as in a memory of millions
    sentence = "Le Comité contre la torture a examiné le rapport présenté par la Norvège."
    aligned_tmx(tmp_path / "old.tmx", [(sentence, "The Committee against Torture reviewed the report of Norway.")])
    # Newer French-German units with the same source, more than one index query reads.
    decoys = tmp_path / "de.tsv"
    decoys.write_text("".join(f"{sentence}\tDer Ausschuss prüfte Bericht {n}.\n"
                              for n in range(2 * tm_sqlite.HITS_PER_QUERY)), encoding="utf-8")
    assert run("tm", "import", tmp_path / "old.tmx", "--db", db).exit_code == 0
    res = run("tm", "import", decoys, "--db", db, "--source-lang", "fr", "--target-lang", "de")
    assert res.exit_code == 0, res.output
    tm = open_tm(db)
    try:
        assert [u.target_lang for u in tm.candidates(sentence, "fr", "en", 5)] == ["en-GB"]
        near = tm.candidates(sentence.replace("Norvège", "Suisse"), "fr", "en", 5)
        assert [u.source for u in near] == [sentence]
        assert len(tm.candidates(sentence, "fr", "de", 5)) == 5
    finally:
        tm.close()


def test_lookups_past_the_newest_units_give_what_a_full_scan_gives(db: str, tmp_path: Path) -> None:
    from bilingual_pr.tm.backend import has_phrase

    # Old units with the phrase, thousands without it (but with its words, so that the index must
    # read more than the newest units: PostgreSQL reads them 4,096 ids at a time), then a few new ones.
    old = [(f"La séance numéro {n} du Comité a eu lieu à Genève.", f"Meeting number {n} of the Committee took place "
            "in Geneva.") for n in range(30)]
    filler = "".join(f"La séance du point {n} a suivi le numéro {n + 1} de l'ordre du jour.\tItem {n}.\n"
                     for n in range(9000))
    new = [(f"La séance numéro {n} du Conseil s'est tenue à Genève.", f"Meeting number {n} of the Council was held "
            "in Geneva.") for n in range(5)]
    (tmp_path / "filler.tsv").write_text(filler, encoding="utf-8")
    assert run("tm", "import", aligned_tmx(tmp_path / "old.tmx", old, doc="OLD.fr.txt", release="OLD"),
               "--db", db).exit_code == 0
    assert run("tm", "import", tmp_path / "filler.tsv", "--db", db, "--source-lang", "fr",
               "--target-lang", "en").exit_code == 0
    assert run("tm", "import", aligned_tmx(tmp_path / "new.tmx", new, doc="NEW.fr.txt", release="NEW"),
               "--db", db).exit_code == 0
    stored = units_of(db)
    tm = open_tm(db)
    try:
        for limit in (3, 10, 40):
            want = [u.id for u in sorted(stored, key=lambda u: -u.id) if has_phrase(u, "séance numéro", "fr")][:limit]
            assert [u.id for u in tm.concordance("séance numéro", "fr", limit)] == want
        assert [u.source for u in tm.concordance("Meeting number 12", "en", 5)] == [old[12][0]]
        assert tm.candidates(old[12][0], "fr", "en", 5)[0].source == old[12][0]
        near = tm.candidates("La séance numéro 12 du Comité a eu lieu à Meyrin.", "fr", "en", 5)
        assert near[0].source == old[12][0]
    finally:
        tm.close()


def test_a_team_member_who_does_not_own_the_tables_imports_and_searches(pg_cluster, tmp_path: Path) -> None:
    import psycopg

    db = pg_cluster.new_database()
    assert run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db).exit_code == 0
    role = f"editor{pg_cluster.counter}"
    with psycopg.connect(db, autocommit=True) as owner:
        owner.execute(f"CREATE ROLE {role} LOGIN")
        owner.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        owner.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
    member = db.replace(db.split("://", 1)[1].split("@", 1)[0] + "@", f"{role}@", 1)
    res = run("tm", "import", tool_tmx(tmp_path / "omegat.tmx"), "--db", member)
    assert res.exit_code == 0, res.output  # the indexes' maintenance is left to autovacuum, not refused
    tm = open_tm(member)
    try:
        assert [u.source for u in tm.concordance("torture", "fr")] == [
            "Le Comité contre la torture examinera le rapport de la Suisse."]
    finally:
        tm.close()


def _sql(db: str, statement: str) -> list:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db, autocommit=True) as pg:
            cur = pg.execute(statement)
            return cur.fetchall() if cur.description else []
    with sqlite3.connect(db) as conn:
        rows = conn.execute(statement).fetchall()
    conn.close()
    return rows


def test_a_database_without_word_frequencies_gets_them_on_open(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    counted = dict(_sql(db, "SELECT term, n FROM src_df"))
    assert counted["conseil"] == 2 and counted["geneve"] == 1 and counted["1"] == 1
    _sql(db, "DROP TABLE src_df")  # as a database written before the table existed
    tm = open_tm(db)
    try:
        assert tm.candidates(RELEASE[2][0], "fr", "en")[0].source == RELEASE[2][0]
    finally:
        tm.close()
    assert dict(_sql(db, "SELECT term, n FROM src_df")) == counted
