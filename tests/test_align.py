"""The alignment engine: bead types, edge cases, search exactness, scorers, evaluation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bilingual_pr.align import AlignParams, Band, Bead, align_documents, align_sentences
from bilingual_pr.align.anchors import AnchorScorer, extract_anchors, fold
from bilingual_pr.align.base import BEAD_TYPES
from bilingual_pr.align.core import read_presegmented
from bilingual_pr.align.embeddings import EmbeddingScorer
from bilingual_pr.align.evaluate import char_link_scores, format_beads, parse_beads, score_alignments
from bilingual_pr.align.length import LengthScorer, log_erfc
from bilingual_pr.align.search import plan_band, search_band, shape_prior
from bilingual_pr.documents import read_document, read_text_string

FIX = Path(__file__).parent / "fixtures" / "align"
NO_EMB = [LengthScorer.for_languages("fr", "en"), AnchorScorer()]


def pairs(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in beads]


def covers_once(beads: list[Bead], n: int, m: int) -> bool:
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    return src == list(range(n)) and tgt == list(range(m))


# --------------------------------------------------------------------------- fixture release


def test_fixture_presegmented_matches_hand_alignment() -> None:
    doc_fr, fr = read_presegmented(str(FIX / "hrc58.fr.sent"), "fr")
    doc_en, en = read_presegmented(str(FIX / "hrc58.en.sent"), "en")
    gold = parse_beads((FIX / "hrc58.gold").read_text())
    result = align_documents(doc_fr, doc_en, scorers=NO_EMB, src_sentences=fr, tgt_sentences=en)
    assert pairs(list(result.beads)) == gold
    kinds = {b.kind for b in result.beads}
    assert {"1-1", "1-2", "2-1", "1-0", "0-1"} <= kinds


def test_fixture_end_to_end_with_paragraph_mismatch() -> None:
    # The English splits one French paragraph in two, and has a paragraph the French lacks.
    fr = read_document(FIX / "hrc58.fr.txt", "fr")
    en = read_document(FIX / "hrc58.en.txt", "en")
    result = align_documents(fr, en, scorers=NO_EMB)
    texts = [(p.src_text, p.tgt_text) for p in result.pairs]
    split = [p for p in result.pairs if "A/HRC/58/12" in p.src_text or p.src_text.startswith("Dans sa déclaration")]
    assert len(split) == 2 and all(p.kind == "1-1" for p in split)
    fr_blocks = {result.src_sentences[p.src[0]].block for p in split}
    en_blocks = {result.tgt_sentences[p.tgt[0]].block for p in split}
    assert len(fr_blocks) == 1 and len(en_blocks) == 2
    assert ("Genève, le 24 février 2025", "Geneva, 24 February 2025") in texts
    assert any(s.startswith("Il a rappelé que le rapport A/HRC/58/12") and t.startswith("He recalled") for s, t in texts)
    assert ("Partager cette page", "") in texts
    for p in result.pairs:
        if p.src_span:
            # Offsets point into Document.text; joined sentences keep their words.
            assert fr.text[p.src_span[0] : p.src_span[1]].split() == p.src_text.split()
        if p.tgt_span:
            assert en.text[p.tgt_span[0] : p.tgt_span[1]].split() == p.tgt_text.split()
    assert covers_once(list(result.beads), len(result.src_sentences), len(result.tgt_sentences))


def test_confidence_is_a_probability_and_ranks_right_pairs_higher() -> None:
    _, fr = read_presegmented(str(FIX / "hrc58.fr.sent"), "fr")
    _, en = read_presegmented(str(FIX / "hrc58.en.sent"), "en")
    right = align_sentences([s.text for s in fr], [s.text for s in en], scorers=NO_EMB)
    assert all(0.0 <= b.confidence <= 1.0 for b in right)
    # The same sentences against a shuffled English side: whatever is aligned is unreliable.
    shuffled = [en[k].text for k in (7, 2, 11, 0, 9, 4, 1, 10, 5, 3, 8, 6)]
    wrong = align_sentences([s.text for s in fr], shuffled, scorers=NO_EMB)
    mean = lambda beads: np.mean([b.confidence for b in beads if b.src and b.tgt])  # noqa: E731
    assert mean(right) > 0.8
    assert mean(wrong) < mean(right) - 0.2


# --------------------------------------------------------------------------- bead types


def test_one_to_three_and_three_to_one() -> None:
    fr = [
        "Le Comité a adopté son ordre du jour.",
        "Le budget 2026 prévoit 120 postes, 45 bureaux régionaux et 7 centres d'information dans 31 pays, "
        "soit un réseau complet.",
        "La prochaine réunion aura lieu le 12 mai.",
    ]
    en = [
        "The Committee adopted its agenda.",
        "The 2026 budget provides for 120 posts.",
        "It covers 45 regional offices.",
        "It funds 7 information centres in 31 countries.",
        "The next meeting will take place on 12 May.",
    ]
    beads = align_sentences(fr, en, scorers=NO_EMB)
    assert pairs(beads) == [((0,), (0,)), ((1,), (1, 2, 3)), ((2,), (4,))]
    beads = align_sentences(en, fr, src_lang="en", tgt_lang="fr", scorers=NO_EMB)
    assert pairs(beads) == [((0,), (0,)), ((1, 2, 3), (1,)), ((4,), (2,))]
    assert beads[1].kind == "3-1"


def test_two_to_two() -> None:
    # Two sentences cut at different places: neither 1-1 pairing has proportional lengths.
    fr = ["Le rapport A/78/112, publié le 3 juin 2024 par le Secrétariat après de longues consultations "
          "avec 41 États membres, compte 212 pages.",
          "Il sera examiné en septembre.",
          "La séance est levée à 18 heures."]
    en = ["Report A/78/112 was published on 3 June 2024.",
          "Prepared by the Secretariat after lengthy consultations with 41 Member States, its 212 pages will be "
          "considered in September.",
          "The meeting rose at 6 p.m."]
    beads = align_sentences(fr, en, scorers=NO_EMB, params=AlignParams(merge_penalty=1.0, big_bead_penalty=0.0))
    assert pairs(beads)[0] == ((0, 1), (0, 1))
    assert beads[0].kind == "2-2"


def test_every_bead_type_is_searched() -> None:
    assert set(BEAD_TYPES) == {(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1)}


# --------------------------------------------------------------------------- edge cases


def test_empty_sides() -> None:
    assert align_sentences([], [], scorers=NO_EMB) == []
    beads = align_sentences([], ["Only English here.", "And here."], scorers=NO_EMB)
    assert pairs(beads) == [((), (0,)), ((), (1,))]
    beads = align_sentences(["Seulement en français."], [], scorers=NO_EMB)
    assert pairs(beads) == [((0,), ())]
    assert all(b.confidence == pytest.approx(1.0, abs=1e-6) for b in beads)


def test_very_different_lengths() -> None:
    # Three French sentences against a long English page that contains their translations in the middle.
    fr = ["Le Directeur général s'est rendu à Nairobi le 14 mars 2025.",
          "Il a rencontré le Président de la Commission, M. Ruto, et 12 ministres.",
          "La visite s'est achevée le 16 mars par une conférence de presse au siège du PNUE."]
    filler = [f"Item {k}: the {k * 37 % 101}th working paper of series {k * 13} was circulated to members." for k in range(30)]
    en = filler[:15] + [
        "The Director-General visited Nairobi on 14 March 2025.",
        "He met the President of the Commission, Mr. Ruto, and 12 ministers.",
        "The visit ended on 16 March with a press conference at UNEP headquarters.",
    ] + filler[15:]
    beads = align_sentences(fr, en, scorers=NO_EMB)
    assert covers_once(beads, len(fr), len(en))
    matched = [(b.src, b.tgt) for b in beads if b.src and b.tgt]
    assert matched == [((0,), (15,)), ((1,), (16,)), ((2,), (17,))]


def test_identical_documents_align_diagonally() -> None:
    _, en = read_presegmented(str(FIX / "hrc58.en.sent"), "en")
    text = [s.text for s in en]
    beads = align_sentences(text, text, src_lang="en", tgt_lang="en", scorers=NO_EMB)
    assert pairs(beads) == [((k,), (k,)) for k in range(len(text))]
    assert min(b.confidence for b in beads) > 0.9


def test_blocks_must_match_sentence_counts() -> None:
    with pytest.raises(ValueError):
        align_sentences(["a"], ["b"], scorers=NO_EMB, blocks=([0, 1], [0]))


def test_block_boundaries_discourage_crossing_beads() -> None:
    fr = ["Titre de la note", "Le texte suit ici avec quelques mots."]
    en = ["Note title and the text follows here with a few words."]
    blocks = ([0, 1], [0])
    strong = AlignParams(cross_block=20.0)
    beads = align_sentences(fr, en, scorers=[LengthScorer()], blocks=blocks, params=strong)
    assert all(len(b.src) < 2 for b in beads)
    beads = align_sentences(fr, en, scorers=[LengthScorer()], blocks=blocks, params=AlignParams(cross_block=0.0))
    assert pairs(beads) == [((0, 1), (0,))]


# --------------------------------------------------------------------------- search exactness


class TableScorer:
    """Random but fixed scores per (bead start, shape), to compare the DP with brute force."""

    name = "table"
    default_weight = 1.0
    coarse = True

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.table: dict = {}

    def prepare(self, src, tgt):
        return self

    def value(self, i0: int, a: int, j0: int, b: int) -> float:
        key = (i0, a, j0, b)
        if key not in self.table:
            self.table[key] = float(self.rng.normal(0.0, 2.0))
        return self.table[key]

    def score(self, band: Band, a: int, b: int) -> np.ndarray:
        return np.array([self.value(i - a, a, j - b, b) if i >= a and j >= b else 0.0
                         for i, j in zip(band.rows, band.cols)])


def brute_force(n: int, m: int, scorer: TableScorer, params: AlignParams):
    def paths(i: int, j: int):
        if (i, j) == (n, m):
            yield 0.0, ()
            return
        for a, b in BEAD_TYPES:
            if i + a <= n and j + b <= m:
                s = scorer.value(i, a, j, b) if a and b else 0.0
                s += shape_prior(a, b, params)
                for rest, beads in paths(i + a, j + b):
                    yield s + rest, ((tuple(range(i, i + a)), tuple(range(j, j + b))),) + beads

    return list(paths(0, 0))


@pytest.mark.parametrize("seed,n,m", [(1, 3, 3), (2, 4, 2), (3, 2, 5), (4, 4, 4), (5, 0, 3), (6, 1, 4)])
def test_dp_and_margins_equal_brute_force(seed: int, n: int, m: int) -> None:
    params = AlignParams(deletion=-1.5)
    scorer = TableScorer(seed)
    all_paths = brute_force(n, m, scorer, params)
    top_score, top_beads = max(all_paths, key=lambda p: p[0])
    band = Band.full(n, m)
    got = search_band(band, [(scorer.prepare([], []), 1.0)], params)
    assert [(b.src, b.tgt) for b in got] == list(top_beads)
    for bead in got:
        without = [s for s, beads in all_paths if (bead.src, bead.tgt) not in beads]
        expected = top_score - max(without) if without else math.inf
        assert bead.margin == pytest.approx(expected, abs=1e-4)


def test_coarse_to_fine_band_on_long_input() -> None:
    rng = np.random.default_rng(7)
    n = 600
    src = [f"Le paragraphe {k} cite {rng.integers(1000, 9999)} cas." + " mot" * int(rng.integers(1, 30)) for k in range(n)]
    tgt = [s.replace("Le paragraphe", "Paragraph").replace("cite", "cites").replace(" mot", " word") for s in src]
    del tgt[200:230]  # a passage only the French has
    scorers = [LengthScorer(), AnchorScorer()]
    band = plan_band(src, tgt, scorers, AlignParams(), full_cells=20_000)
    assert band.size < 0.2 * (n + 1) * (len(tgt) + 1)
    prepared = [(s.prepare(src, tgt), s.default_weight) for s in scorers]
    beads = search_band(band, prepared, AlignParams())
    expected = [((k,), (k if k < 200 else k - 30,)) for k in range(n) if not 200 <= k < 230]
    got = [(b.src, b.tgt) for b in beads if b.src and b.tgt]
    assert got == expected
    assert sum(1 for b in beads if not b.tgt) == 30


# --------------------------------------------------------------------------- scorers


def test_anchor_extraction_survives_translation() -> None:
    fr = extract_anchors("Le rapport A/HRC/58/12 recense 1 200 cas (3,5 %) depuis le 4 avril ; voir www.ohchr.org/fr.")
    en = extract_anchors("Report A/HRC/58/12 lists 1,200 cases (3.5%) since 4 April; see www.ohchr.org/fr.")
    for key in ("s:A/HRC/58/12", "n:1200", "n:3.5", "n:4", "m:4", "u:www.ohchr.org/fr"):
        assert key in fr and key in en, key
    # Acronyms permuted between languages share a key; shouting headlines are not acronyms.
    assert "a:gnou" in extract_anchors("L'ONUG accueille la réunion.")
    assert "a:gnou" in extract_anchors("UNOG hosts the meeting.")
    assert not any(k.startswith("a:") for k in extract_anchors("LE CONSEIL OUVRE SA SESSION ANNUELLE"))
    assert fold("Genève Œuvre") == "geneve oeuvre"


class FakeMatcher:
    """A stand-in for glossary.TermMatcher: finds fixed words and reports their entry."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words

    def find(self, text: str):
        from types import SimpleNamespace

        out = []
        for word, entry in self.words.items():
            k = text.find(word)
            if k >= 0:
                out.append(SimpleNamespace(entry=SimpleNamespace(id=entry), term=None, start=k, end=k + len(word),
                                           surface=word))
        return out


def test_glossary_terms_are_anchors() -> None:
    fr = FakeMatcher({"examen périodique universel": "c17"})
    en = FakeMatcher({"universal periodic review": "c17"})
    scorer = AnchorScorer(fr, en)
    src = ["Elle a présenté l'examen périodique universel.", "Elle a remercié le personnel."]
    tgt = ["She thanked the staff.", "She presented the universal periodic review."]
    prep = scorer.prepare(src, tgt)
    band = Band.full(2, 2)
    s = prep.score(band, 1, 1)
    at = lambda i, j: s[band.index(np.array([i + 1]), np.array([j + 1]))[0]]  # noqa: E731
    assert at(0, 1) > at(0, 0)
    assert at(0, 1) > AnchorScorer().prepare(src, tgt).score(band, 1, 1)[band.index(np.array([1]), np.array([2]))[0]]


def test_length_scorer_prefers_proportional_lengths() -> None:
    prep = LengthScorer().prepare(["x" * 100, "y" * 20], ["x" * 100, "y" * 20])
    band = Band.full(2, 2)
    s = prep.score(band, 1, 1)
    good = s[band.index(np.array([1]), np.array([1]))[0]]
    bad = s[band.index(np.array([1]), np.array([2]))[0]]
    assert good > bad
    assert good == pytest.approx(0.0, abs=0.05)
    assert log_erfc(np.array([0.0]))[0] == pytest.approx(0.0, abs=1e-6)
    assert log_erfc(np.array([3.0]))[0] == pytest.approx(math.log(math.erfc(3.0)), rel=1e-3)


def test_embedding_scorer_with_a_fake_encoder() -> None:
    # Sentences about the same topic get the same basis vector: the scorer must pair them.
    topics = {"budget": 0, "vote": 1, "visite": 2, "visit": 2, "meeting": 3, "réunion": 3}

    def encode(texts: list[str]) -> np.ndarray:
        out = np.full((len(texts), 8), 0.05, dtype=np.float32)
        for k, t in enumerate(texts):
            for word, dim in topics.items():
                if word in t.lower():
                    out[k, dim] = 1.0
        return out

    src = ["La visite est prévue.", "La réunion commence."]
    tgt = ["The meeting begins.", "The visit is planned."]
    beads = align_sentences(src, tgt, scorers=[EmbeddingScorer(encode=encode)],
                            params=AlignParams(weights=(("embeddings", 10.0),), deletion=-1.0))
    assert [(b.src, b.tgt) for b in beads if b.src and b.tgt] == [((0,), (1,))] or \
        [(b.src, b.tgt) for b in beads if b.src and b.tgt] == [((1,), (0,))]


def test_custom_scorer_plugs_in_without_touching_the_search() -> None:
    class PreferSecond:
        name, default_weight, coarse = "prefer", 50.0, False

        def prepare(self, src, tgt):
            return self

        def score(self, band: Band, a: int, b: int) -> np.ndarray:
            return np.where((band.rows == 1) & (band.cols == 2) & (a == 1) & (b == 1), 1.0, 0.0)

    beads = align_sentences(["Un.", "Deux."], ["One.", "Two."], scorers=[LengthScorer(), PreferSecond()])
    assert ((0,), (1,)) in pairs(beads)


# --------------------------------------------------------------------------- evaluation


def test_vecalign_scores_by_hand() -> None:
    gold = parse_beads("[0]:[0]\n[1]:[1,2]\n[2]:[]\n[]:[3]\n[3]:[4]\n")
    test = parse_beads("[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n[]:[3]\n[3]:[4]\n")
    s = score_alignments([gold], [test])
    # precision: 6 predicted; strict right: [0]:[0], [2]:[], []:[3], [3]:[4]; lax adds [1]:[1]
    assert s.precision_strict == pytest.approx(4 / 6)
    assert s.precision_lax == pytest.approx(5 / 6)
    # recall over gold non-deletion beads (3), against predicted non-deletion beads
    assert s.recall_strict == pytest.approx(2 / 3)
    assert s.recall_lax == pytest.approx(1.0)
    assert format_beads(gold) == "[0]:[0]\n[1]:[1,2]\n[2]:[]\n[]:[3]\n[3]:[4]\n"
    with pytest.raises(ValueError):
        parse_beads("[0]-[1]")


def test_char_link_scores() -> None:
    src, tgt = "aa bb", "AA BB"
    gold = [((0, 2), (0, 2)), ((3, 5), (3, 5))]
    common, pred, ref = char_link_scores(gold, gold, src, tgt)
    assert common == pred == ref == 8
    merged = [((0, 5), (0, 5))]
    common, pred, ref = char_link_scores(gold, merged, src, tgt)
    assert (common, pred, ref) == (8, 16, 8)


def test_read_presegmented_blocks_and_offsets(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text("Première phrase.\nDeuxième phrase.\n\n  Troisième, autre paragraphe.\n", encoding="utf-8")
    doc, sents = read_presegmented(str(f), "fr")
    assert [s.block for s in sents] == [0, 0, 1]
    assert all(doc.text[s.start : s.end] == s.text for s in sents)
    assert sents[2].text == "Troisième, autre paragraphe."
    assert read_text_string("x").text == "x"


def test_read_presegmented_block_spans(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text("\n  Un.\nDeux.  \n\n\nTrois.\n\nQuatre.\nCinq.", encoding="utf-8")
    doc, sents = read_presegmented(str(f), "fr")
    assert [(b.text, b.start, b.end) for b in doc.blocks] == [("Un.\nDeux.", 3, 12), ("Trois.", 17, 23),
                                                               ("Quatre.\nCinq.", 25, 38)]
    assert all(doc.text[b.start : b.end] == b.text for b in doc.blocks)


def test_read_presegmented_is_linear_in_a_long_paragraph(tmp_path: Path) -> None:
    """A 20,000-line file without blank lines is one block: reading it must not copy the block per line."""
    import resource

    f = tmp_path / "long.txt"
    # The apostrophe U+2019 makes the text two bytes per character, as in most French releases.
    f.write_text("".join(f"Le Conseil des droits de l’homme a adopté la résolution A/HRC/58/L.{k} sans vote, "
                         "a déclaré le Président à l’issue de la séance.\n" for k in range(20_000)), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF)
    doc, sents = read_presegmented(str(f), "fr")
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert len(sents) == 20_000 and len(doc.blocks) == 1 and doc.blocks[0].end == sents[-1].end
    # Linear reading takes about 0.2 s; copying the growing block at every line took about 9 s.
    assert cpu < 1.5, cpu
