"""Drafting pipeline: memory matches, MT ordering and batching, glossary enforcement, outputs."""

from __future__ import annotations

import random

import pytest

from bilingual_pr.formats.tmx import read_tmx, write_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.glossary import Entry, Glossary, Term
from bilingual_pr.translate.draft import (draft_document, draft_sentences, output_format, summarize, text_output,
                                          tmx_units, write_draft)
from bilingual_pr.translate.enforce import GlossaryEnforcer, term_pattern
from bilingual_pr.translate.memory import MemoryEngine, MemoryEntry, TranslationMemory, normalize
from bilingual_pr.translate.testengine import TestEngine
from bilingual_pr.errors import UserError

FR_EN = {
    "le": "the", "la": "the", "les": "the", "comité": "committee", "a adopté": "adopted", "adopté": "adopted",
    "deux": "two", "trois": "three", "résolutions": "resolutions", "rapport": "report", "ont": "have",
    "approuvé": "approved", "états membres": "member countries", "secrétaire général": "General Secretary",
    "a visité": "visited", "cern": "Cern organisation", "conseil": "Board", "et": "and", "du": "of the",
    "réunion": "meeting", "aujourd'hui": "today", "nouveau": "new", "budget": "budget",
}
EN_FR = {
    "the": "le", "committee": "comité", "adopted": "a adopté", "two": "deux", "resolutions": "résolutions",
    "member states": "pays membres", "secretary-general": "Secrétaire générale", "have": "ont",
    "approved": "approuvé", "report": "rapport", "cern": "le Cern", "visited": "a visité",
}


def glossary() -> Glossary:
    """A small glossary: term pairs with rejected variants, a do-not-translate name, an ambiguous case."""
    return Glossary((
        Entry("states", (Term("États membres", "fr", "preferred"), Term("Member States", "en", "preferred"),
                         Term("member countries", "en", "deprecated"), Term("pays membres", "fr", "forbidden"))),
        Entry("sg", (Term("Secrétaire général", "fr", "preferred"), Term("Secretary-General", "en", "preferred"),
                     Term("General Secretary", "en", "forbidden"), Term("Secrétaire générale", "fr", "admitted"))),
        Entry("cern", (Term("CERN", "fr", "preferred"), Term("CERN", "en", "preferred")), dnt=True),
        Entry("council", (Term("Conseil", "fr", "preferred"), Term("Council", "en", "preferred"),
                          Term("Board", "en", "deprecated"))),
        Entry("board", (Term("Conseil d'administration", "fr", "preferred"), Term("Board", "en", "preferred"))),
    ))


def memory() -> TranslationMemory:
    units = [
        TranslationUnit("Le Comité a adopté trois résolutions.", "The Committee adopted three resolutions.", "fr-FR", "en-GB"),
        TranslationUnit("La réunion a lieu aujourd'hui.", "The meeting takes place today.", "fr-FR", "en-GB"),
        TranslationUnit("Le rapport est publié.", "The report is published.", "fr-FR", "en-GB"),
    ]
    return TranslationMemory.from_units(units, origin="mem.tmx")


# ----------------------------------------------------------------- memory


def test_exact_context_and_fuzzy_matches():
    tm = memory()
    ctx = tm.exact("La réunion a lieu aujourd'hui.", "Le Comité a adopté trois résolutions.", "Le rapport est publié.")
    assert ctx is not None and ctx.kind == "tm-context" and ctx.score == 101
    ex = tm.exact("La réunion a lieu aujourd'hui.", "Autre chose.", None)
    assert ex is not None and ex.kind == "tm-exact" and ex.score == 100
    # Whitespace differences still match exactly; a different word does not.
    assert tm.exact("La  réunion a lieu\naujourd'hui.") is not None
    assert tm.exact("La réunion a lieu demain.") is None
    fz = tm.fuzzy("Le Comité a adopté deux résolutions.", 75)
    assert fz is not None and fz.kind == "tm-fuzzy" and 75 <= fz.score < 100
    assert fz.entry.target == "The Committee adopted three resolutions."
    assert tm.fuzzy("Le Comité a adopté deux résolutions.", 95) is None
    assert tm.fuzzy("Tout autre chose sans rapport aucun.", 75) is None


def test_memory_boundaries_count_as_context():
    tm = memory()
    first = tm.exact("Le Comité a adopté trois résolutions.", None, "La réunion a lieu aujourd'hui.")
    assert first is not None and first.kind == "tm-context"


def test_index_prefilter_agrees_with_brute_force():
    rng = random.Random(3)
    # Zipf-like pseudo-vocabulary: a few very common words, many rare ones.
    words = [f"{rng.choice('bcdfglmnprstv')}{rng.choice('aeiou')}{rng.choice('lmnrst')}{i}" for i in range(600)]
    weights = [1 / (r + 1) for r in range(len(words))]
    sents = [" ".join(rng.choices(words, weights, k=rng.randint(6, 16))).capitalize() + "." for _ in range(3000)]
    tm = TranslationMemory([MemoryEntry(s, f"T{i}") for i, s in enumerate(sents)])
    agree = 0
    queries = []
    for s in sents[:200]:
        w = s[:-1].split()
        w[rng.randrange(len(w))] = rng.choices(words, weights)[0]
        queries.append(" ".join(w) + ".")
    for q in queries:
        fast, slow = tm.fuzzy(q, 75), tm.fuzzy_bruteforce(q, 75)
        if (fast is None) == (slow is None) and (fast is None or fast.score == slow.score):
            agree += 1
    assert agree >= 190, agree


def test_memory_loads_tmx_in_both_directions(tmp_path):
    path = tmp_path / "m.tmx"
    write_tmx(path, [TranslationUnit("Le rapport est publié.", "The report is published.", "fr-FR", "en-GB")])
    fr_en = TranslationMemory.load([path], "fr", "en")
    en_fr = TranslationMemory.load([path], "en", "fr")
    assert fr_en.exact("Le rapport est publié.").entry.target == "The report is published."
    assert en_fr.exact("The report is published.").entry.target == "Le rapport est publié."
    assert normalize(" a \u00a0 b ") == "a b"


# ----------------------------------------------------------------- pipeline


def test_order_tm_then_mt_then_untranslated_with_origins():
    engine = TestEngine(FR_EN)
    sources = [
        "Le Comité a adopté trois résolutions.",  # context match
        "La réunion a lieu aujourd'hui.",  # exact: the next sentence differs from the memory's
        "Le Comité a adopté deux résolutions.",  # fuzzy
        "Le nouveau budget.",  # MT
        "Le rapport est publié.",  # exact, not in context
        "Le nouveau budget.",  # duplicate: translated once
    ]
    segs = draft_sentences(sources, [MemoryEngine(memory(), 75), engine])
    assert [s.origin for s in segs] == ["tm-context", "tm-exact", "tm-fuzzy", "mt", "tm-exact", "mt"]
    assert segs[0].score == 101 and segs[4].score == 100 and 75 <= segs[2].score < 100
    assert segs[2].match_source == "Le Comité a adopté trois résolutions."
    assert segs[3].target == "The new budget." and segs[3].engine == "test-engine"
    assert engine.batches == [1]  # one batch, duplicates merged
    no_mt = draft_sentences(sources, [MemoryEngine(memory(), 75)])
    assert [s.origin for s in no_mt][3] == "untranslated" and no_mt[3].target is None
    assert summarize(no_mt)["untranslated"] == 2


def test_mt_gets_all_remaining_sentences_in_one_batch():
    engine = TestEngine(FR_EN)
    sources = [f"Le rapport {i}." for i in range(40)]
    segs = draft_sentences(sources, [MemoryEngine(memory(), 75), engine])
    assert engine.batches == [40]
    assert all(s.origin == "mt" for s in segs)


def test_fuzzy_threshold_option_moves_sentences_to_mt():
    sources = ["Le Comité a adopté deux résolutions."]
    assert draft_sentences(sources, [MemoryEngine(memory(), 75), TestEngine(FR_EN)])[0].origin == "tm-fuzzy"
    assert draft_sentences(sources, [MemoryEngine(memory(), 98), TestEngine(FR_EN)])[0].origin == "mt"


def test_reverse_direction_en_fr():
    tm = TranslationMemory.from_units([TranslationUnit("The report is published.", "Le rapport est publié.",
                                                       "en-GB", "fr-FR")])
    engine = TestEngine(EN_FR, "en", "fr")
    segs = draft_sentences(["The report is published.", "The Committee adopted two resolutions."],
                           [MemoryEngine(tm), engine])
    assert [s.origin for s in segs] == ["tm-exact", "mt"]  # the memory unit had no next sentence
    assert segs[1].target == "Le comité a adopté deux résolutions."


# ----------------------------------------------------------------- glossary


def test_term_pattern_accepts_inflections():
    assert term_pattern("Member State", "en").search("two member states agreed")
    assert term_pattern("État membre", "fr").search("les États membres")
    assert term_pattern("rapport spécial", "fr").search("des rapports spéciaux")
    assert term_pattern("rapport spécial", "fr").search("le rapporteur spécial") is None  # another word
    assert term_pattern("comité national", "fr").search("comités nationaux")


def test_repair_replaces_an_unambiguous_rejected_variant():
    enf = GlossaryEnforcer(glossary(), "fr", "en", "repair")
    engine = TestEngine(FR_EN)
    out = enf.translate(engine, ["Les États membres ont approuvé le rapport.", "Le Secrétaire général a visité le CERN."])
    assert out[0].target == "The Member States have approved the report."
    assert out[0].repairs and not out[0].issues
    assert "Secretary-General visited" in out[1].target
    # In repair-only mode the name was translated by the engine and is flagged, not fixed.
    assert "CERN" not in out[1].target and [i.entry_id for i in out[1].issues] == ["cern"]


def test_auto_protects_do_not_translate_terms_with_placeholders():
    enf = GlossaryEnforcer(glossary(), "fr", "en", "auto")
    engine = TestEngine(FR_EN)
    out = enf.translate(engine, ["Le Secrétaire général a visité le CERN."])
    assert out[0].target == "The Secretary-General visited the CERN."
    assert out[0].protected == 1 and not out[0].issues and not out[0].retranslated
    assert engine.batches == [1]


def test_protect_everything_restores_approved_targets():
    enf = GlossaryEnforcer(glossary(), "fr", "en", "protect")
    out = enf.translate(TestEngine(FR_EN), ["Les États membres ont approuvé le rapport."])
    assert out[0].target == "The Member States have approved the report."
    assert out[0].protected == 1 and not out[0].repairs


def test_lost_placeholders_are_retranslated_and_flagged():
    class Lossy(TestEngine):
        def placeholder_survives(self, placeholder: str) -> bool:
            return True  # claims so, then damages them

    engine = Lossy(FR_EN, mangle=True)
    enf = GlossaryEnforcer(glossary(), "fr", "en", "auto")
    out = enf.translate(engine, ["Le CERN a visité le Comité.", "Le rapport."])
    assert out[0].retranslated and out[0].protected == 0
    assert [i.kind for i in out[0].issues] == ["missing-term"]
    assert engine.batches == [2, 1]  # the whole batch, then only the damaged sentence


def test_engine_without_surviving_placeholders_is_not_masked():
    engine = TestEngine(FR_EN, mangle=True)  # says placeholders do not survive
    out = GlossaryEnforcer(glossary(), "fr", "en", "auto").translate(engine, ["Le CERN a visité le Comité."])
    assert out[0].protected == 0 and not out[0].retranslated and engine.batches == [1]


def test_ambiguous_variant_is_flagged_not_replaced():
    enf = GlossaryEnforcer(glossary(), "fr", "en", "repair")
    out = enf.translate(TestEngine(FR_EN), ["Le Conseil a approuvé le rapport."])
    assert out[0].target == "The Board a approved the report."  # the engine copies "a": noise, but kept
    assert not out[0].repairs and [i.kind for i in out[0].issues] == ["ambiguous"]


def test_off_strategy_only_flags():
    out = GlossaryEnforcer(glossary(), "fr", "en", "off").translate(
        TestEngine(FR_EN), ["Les États membres ont approuvé le rapport."])
    assert "member countries" in out[0].target and out[0].issues and not out[0].repairs


def test_glossary_en_fr_direction():
    enf = GlossaryEnforcer(glossary(), "en", "fr", "auto")
    out = enf.translate(TestEngine(EN_FR, "en", "fr"),
                        ["The Member States have approved the report.", "The Secretary-General visited CERN."])
    assert out[0].target == "Le États membres ont approuvé le rapport."
    assert out[0].repairs == ("'pays membres' -> 'États membres'",)
    assert "CERN" in out[1].target and out[1].protected == 1
    assert "Secrétaire générale" in out[1].target and not out[1].issues  # admitted term is fine


def test_memory_matches_are_checked_but_never_rewritten():
    tm = TranslationMemory.from_units([TranslationUnit("Les États membres ont approuvé le rapport.",
                                                       "The member countries approved the report.", "fr", "en")])
    enf = GlossaryEnforcer(glossary(), "fr", "en")
    seg = draft_sentences(["Les États membres ont approuvé le rapport."], [MemoryEngine(tm)], enforcer=enf)[0]
    assert seg.target == "The member countries approved the report." and seg.issues


# ----------------------------------------------------------------- outputs


def test_text_and_tmx_outputs(tmp_path):
    segs = draft_sentences(["Le rapport est publié.", "Le nouveau budget.", "Inconnu ici."],
                           [MemoryEngine(memory()), TestEngine({"le": "the", "nouveau": "new", "budget": "budget"})],
                           blocks=[0, 0, 1])
    # The test engine copies unknown words: make the last one untranslated by giving no MT.
    segs = segs[:2] + draft_sentences(["Inconnu ici."], [MemoryEngine(memory())], blocks=[1])
    assert text_output(segs, "fr") == "The report is published. The new budget.\n\n[fr: Inconnu ici.]\n"
    units = tmx_units(segs, "fr-FR", "en-GB")
    assert len(units) == 2
    assert units[0].prop("x-Origin") == "TM" and units[0].creationid == "mem.tmx"
    assert units[1].prop("x-Origin") == "MachineTranslation" and units[1].creationid == "test-engine"
    out = tmp_path / "d.tmx"
    assert write_draft(out, segs, "fr-FR", "en-GB", "in.txt") == "tmx"
    back = list(read_tmx(out, "fr", "en"))
    assert [u.target for u in back] == ["The report is published.", "The new budget."]
    assert back[1].prop("x-Origin") == "MachineTranslation"


def test_output_format_by_extension():
    assert output_format("a.xlf") == "xliff" and output_format("a.TXT") == "text" and output_format("a.tmx") == "tmx"
    with pytest.raises(UserError):
        output_format("a.docx")


def test_draft_document_without_model_reports_missing(monkeypatch):
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda s, t: None)
    res = draft_document(["Le rapport est publié.", "Autre phrase."], "fr", "en")
    assert res.missing_model and res.mt_engine is None
    assert [s.origin for s in res.segments] == ["untranslated", "untranslated"]


# ----------------------------------------------------------------- command line (memory only, in-process)


def test_cli_draft_memory_only_outputs(tmp_path):
    from click.testing import CliRunner

    from bilingual_pr.cli import main
    from bilingual_pr.formats.xliff import read_xliff

    src = tmp_path / "in.txt"
    src.write_text("Le Comité a adopté trois résolutions. La réunion a lieu aujourd'hui.\n\n"
                   "Le rapport sera publié demain matin.\n", encoding="utf-8")
    tm = tmp_path / "m.tmx"
    write_tmx(tm, [TranslationUnit("Le Comité a adopté trois résolutions.", "The Committee adopted three resolutions.",
                                   "fr-FR", "en-GB"),
                   TranslationUnit("La réunion a lieu aujourd'hui.", "The meeting takes place today.", "fr-FR", "en-GB"),
                   TranslationUnit("Le rapport sera publié demain.", "The report will be published tomorrow.",
                                   "fr-FR", "en-GB")])
    runner = CliRunner()
    res = runner.invoke(main, ["draft", str(src), "--from", "fr", "--to", "en-US", "--tm", str(tm), "--no-mt",
                               "-o", str(tmp_path / "o.xlf"), "--xliff-version", "1.2"])
    assert res.exit_code == 0, res.output
    units = list(read_xliff(tmp_path / "o.xlf"))
    assert [u.prop("x-origin") for u in units] == ["tm-context", "tm-exact", "tm-fuzzy"]
    assert units[0].target_lang == "en-US" and units[0].source_lang == "fr-FR"
    res = runner.invoke(main, ["draft", str(src), "--from", "fr", "--to", "en", "--tm", str(tm), "--no-mt",
                               "--fuzzy", "95", "-o", str(tmp_path / "o.txt")])
    assert res.exit_code == 0
    assert (tmp_path / "o.txt").read_text(encoding="utf-8") == (
        "The Committee adopted three resolutions. The meeting takes place today.\n\n"
        "[fr: Le rapport sera publié demain matin.]\n")
    assert "need translation: s3" in res.output


@pytest.mark.parametrize("args, message", [
    (["--from", "fr", "--to", "fr", "-o", "x.xlf"], "nothing to translate"),
    (["--from", "fr", "--to", "en", "-o", "x.docx"], "unknown output type"),
    (["--from", "de", "--to", "en", "-o", "x.xlf"], "unsupported language"),
])
def test_cli_draft_user_errors(tmp_path, args, message):
    from click.testing import CliRunner

    from bilingual_pr.cli import main

    src = tmp_path / "in.txt"
    src.write_text("Bonjour.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["draft", str(src), *[str(tmp_path / a) if a.startswith("x.") else a for a in args]])
    assert res.exit_code == 2 and message in res.output


def test_cli_refuses_to_overwrite_an_input(tmp_path):
    from click.testing import CliRunner

    from bilingual_pr.cli import main

    src = tmp_path / "in.txt"
    src.write_text("Bonjour.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["draft", str(src), "--from", "fr", "--to", "en", "--no-mt", "-o", str(src)])
    assert res.exit_code == 2 and "also an input" in res.output
    assert src.read_text(encoding="utf-8") == "Bonjour.\n"
