"""Drafting with a memory file uses the leverage rules: repaired matches are marked, never exact."""

from __future__ import annotations

from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import read_tmx, write_tmx
from bilingual_pr.formats.units import PROP_ORIGIN, TranslationUnit
from bilingual_pr.formats.xliff import read_xliff
from bilingual_pr.translate.draft import draft_sentences, summarize, tmx_units, xliff_segments
from bilingual_pr.translate.memory import MemoryEngine, MemoryEntry, MemorySuggestion, TranslationMemory

LAST_YEAR = [
    ("Genève, le 4 mars 2025 (DG25/031F)", "Geneva, 4 March 2025 (DG25/031E)"),
    ("Au total, 38 donateurs ont pris des engagements.", "In total, 38 donors made pledges."),
    ("La prochaine réunion se tiendra le mercredi 3 décembre 2025 à 14 h 30.",
     "The next meeting will be held on Wednesday, 3 December 2025 at 2.30 p.m."),
]


def _memory(origin: str = "Alignment") -> TranslationMemory:
    units = [TranslationUnit(fr, en, "fr-FR", "en-GB", props=((PROP_ORIGIN, origin),)) for fr, en in LAST_YEAR]
    return TranslationMemory.from_units(units, origin="2025.tmx")


def test_a_draft_repairs_changed_figures_and_says_so():
    sources = ["Genève, le 10 mars 2026 (DG26/040F)", "Au total, 41 donateurs ont pris des engagements.",
               "La prochaine réunion se tiendra le mercredi 3 décembre 2025 à 14 h 30."]
    segs = draft_sentences(sources, [MemoryEngine(_memory(), 75)])
    assert [s.target for s in segs] == ["Geneva, 10 March 2026 (DG26/040E)", "In total, 41 donors made pledges.",
                                        LAST_YEAR[2][1]]
    assert [s.origin for s in segs] == ["tm-fuzzy", "tm-fuzzy", "tm-exact"]
    assert [s.repaired for s in segs] == [True, True, False]
    # Aligned units lose 2 points and a repair 1 point per substitution; an exact match is recorded
    # as 100 (the penalty ranked it and is noted).
    assert [s.score for s in segs] == [100 - 3 - 2, 100 - 1 - 2, 100]
    assert [s.match for s in segs] == ["repaired 95; origin:aligned -2", "repaired 97; origin:aligned -2",
                                       "exact 98; origin:aligned -2"]
    assert summarize(segs)["tm-fuzzy-repaired"] == 2 and summarize(segs)["tm-fuzzy"] == 2
    x = xliff_segments(segs)
    assert "x-match: repaired 95; origin:aligned -2" in x[0].notes
    assert "tm repair: 2025 -> 2026 (2025 -> 2026)" in x[0].notes
    assert not any(n.startswith("tm repair") for n in x[2].notes)
    props = [dict(u.props) for u in tmx_units(segs, "fr-FR", "en-GB")]
    assert props[1]["x-match"].startswith("repaired 97") and props[1]["x-bilingual-pr-origin"] == "tm-fuzzy"
    assert props[2]["x-match-quality"] == "100"


def test_a_penalised_context_match_still_reads_back_as_context(tmp_path):
    from bilingual_pr.translate.draft import write_draft

    sources = [fr for fr, _ in LAST_YEAR]
    segs = draft_sentences(sources, [MemoryEngine(_memory(), 75)])
    assert [s.origin for s in segs] == ["tm-context"] * 3 and [s.score for s in segs] == [101] * 3
    assert segs[1].match == "context 99; origin:aligned -2"
    write_draft(tmp_path / "d.xlf", segs, "fr-FR", "en-GB", "d.txt", "1.2")
    assert [u.prop("x-origin") for u in read_xliff(tmp_path / "d.xlf")] == ["tm-context"] * 3


def test_a_memory_without_languages_ranks_but_repairs_nothing():
    memory = TranslationMemory([MemoryEntry(fr, en) for fr, en in LAST_YEAR])
    segs = draft_sentences(["Au total, 41 donateurs ont pris des engagements."], [MemoryEngine(memory, 75)])
    assert segs[0].origin == "tm-fuzzy" and not segs[0].repaired and segs[0].target == LAST_YEAR[1][1]


def test_a_short_sentence_with_new_figures_is_found_below_the_fuzzy_threshold():
    # "Genève, le 4 mars 2025" and "Genève, le 10 mai 2026" are far apart as text (similarity < 75),
    # but differ only in placeables: the skeleton index finds the unit and the repair uses it.
    memory = TranslationMemory.from_units([TranslationUnit("Genève, le 4 mars 2025", "Geneva, 4 March 2025",
                                                           "fr", "en")])
    sug = MemoryEngine(memory, 75).suggest(["Genève, le 10 mai 2026"], [0])[0]
    assert isinstance(sug, MemorySuggestion) and sug.repaired and sug.target == "Geneva, 10 May 2026"
    assert sug.origin == "tm-fuzzy" and sug.score < 100


def test_mt_origin_units_rank_below_reviewed_ones():
    fr = "Au total, 38 donateurs ont pris des engagements."
    units = [TranslationUnit(fr, "Overall, 38 donors committed.", "fr", "en",
                             props=((PROP_ORIGIN, "MachineTranslation"),)),
             TranslationUnit(fr, "In total, 38 donors made pledges.", "fr", "en", props=(("x-state", "final"),))]
    sug = MemoryEngine(TranslationMemory.from_units(units), 75).suggest([fr], [0])[0]
    assert sug.target == "In total, 38 donors made pledges." and sug.origin == "tm-exact"
    assert sug.penalties == (("multiple-translations", 1.0),)


def test_cli_draft_marks_repaired_segments_in_xliff_and_tmx(tmp_path):
    tm = tmp_path / "2025.tmx"
    write_tmx(tm, [TranslationUnit(fr, en, "fr-FR", "en-GB") for fr, en in LAST_YEAR])
    src = tmp_path / "2026.txt"
    src.write_text("Au total, 41 donateurs ont pris des engagements.\n\n"
                   "La prochaine réunion se tiendra le mercredi 3 décembre 2025 à 14 h 30.\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["draft", str(src), "--from", "fr", "--to", "en", "--tm", str(tm), "--no-mt",
                               "-o", str(tmp_path / "o.xlf"), "--xliff-version", "1.2"])
    assert res.exit_code == 0, res.output
    assert "1 tm-fuzzy-repaired" in res.output
    xml = (tmp_path / "o.xlf").read_text(encoding="utf-8")
    assert 'state="needs-review-translation"' in xml and "x-match: repaired 99" in xml
    units = list(read_xliff(tmp_path / "o.xlf"))
    assert [u.prop("x-origin") for u in units] == ["tm-fuzzy", "tm-exact"]
    assert units[0].target == "In total, 41 donors made pledges."
    res = runner.invoke(main, ["draft", str(src), "--from", "fr", "--to", "en", "--tm", str(tm), "--no-mt",
                               "-o", str(tmp_path / "o.tmx")])
    assert res.exit_code == 0, res.output
    out = list(read_tmx(tmp_path / "o.tmx"))
    assert out[0].prop("x-match") == "repaired 99" and out[0].target == "In total, 41 donors made pledges."
    assert out[1].prop("x-match") is None  # an exact match of a unit without penalties: nothing to note
