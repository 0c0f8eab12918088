"""Term matching: longest match, boundaries, case, apostrophes, hyphens, elision, inflection, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.glossary import Entry, Glossary, Term, TermMatcher, load_glossary
from bilingual_pr.glossary.inflect import en_plural_word, fr_plural_word, variants

ROOT = Path(__file__).resolve().parents[1]


def E(eid: str, *terms: Term, dnt: bool = False) -> Entry:
    return Entry(eid, tuple(terms), dnt=dnt)


GLOSSARY = Glossary((
    E("unog", Term("Office des Nations Unies à Genève", "fr", "preferred"),
      Term("ONUG", "fr", "preferred", type="acronym"),
      Term("United Nations Office at Geneva", "en", "preferred"), Term("UNOG", "en", "preferred", type="acronym")),
    E("un", Term("Nations Unies", "fr", "preferred", number="plural"), Term("United Nations", "en", "preferred")),
    E("office", Term("Office", "fr", "preferred"), Term("Office", "en", "preferred")),
    E("dg", Term("Directeur général", "fr", "preferred", type="title", gender="masculine"),
      Term("Directrice générale", "fr", "preferred", type="title", gender="feminine"),
      Term("Director-General", "en", "preferred", type="title"),
      Term("Director General", "en", "deprecated", type="title")),
    E("ddg", Term("Directeur général adjoint", "fr", "preferred", type="title", gender="masculine"),
      Term("Deputy Director-General", "en", "preferred", type="title")),
    E("ms", Term("État membre", "fr", "preferred"), Term("Member State", "en", "preferred")),
    E("hr", Term("droits de l'homme", "fr", "preferred", number="plural"),
      Term("droits de l'Homme", "fr", "deprecated", number="plural"), Term("human rights", "en", "preferred")),
    E("cern", Term("CERN", "fr", "preferred", type="acronym"), Term("CERN", "en", "preferred", type="acronym"), dnt=True),
    E("sr", Term("Rapporteur spécial", "fr", "preferred", type="title", gender="masculine"),
      Term("Special Rapporteur", "en", "preferred", type="title")),
    E("hc", Term("Haut-Commissaire", "fr", "preferred", type="title", gender="masculine"),
      Term("High Commissioner", "en", "preferred", type="title")),
    E("sg", Term("Secrétaire général", "fr", "preferred", type="title", gender="masculine"),
      Term("Secretary-General", "en", "preferred", type="title")),
    E("icrc", Term("Comité international de la Croix-Rouge", "fr", "preferred"),
      Term("International Committee of the Red Cross", "en", "preferred")),
))
FR = TermMatcher(GLOSSARY, "fr")
EN = TermMatcher(GLOSSARY, "en")


def found(matcher: TermMatcher, text: str) -> list[tuple[str, str, str]]:
    """(surface, entry id, term) for each match, checking that offsets point into the original text."""
    out = []
    for m in matcher.find(text):
        assert text[m.start:m.end] == m.surface
        out.append((m.surface, m.entry.id, m.term.text))
    return out


def test_longest_match_first() -> None:
    text = "L'Office des Nations Unies à Genève accueille les Nations Unies."
    assert found(FR, text) == [("Office des Nations Unies à Genève", "unog", "Office des Nations Unies à Genève"),
                               ("Nations Unies", "un", "Nations Unies")]
    assert found(FR, "le Directeur général adjoint") == [("Directeur général adjoint", "ddg", "Directeur général adjoint")]
    assert found(EN, "the Deputy Director-General said") == [("Deputy Director-General", "ddg", "Deputy Director-General")]


def test_word_boundaries() -> None:
    assert found(FR, "Officer, officieux, bureaux") == []
    assert found(FR, "CERNE et ONUGE") == []
    assert found(EN, "UNOGS") == []
    assert [s for s, _, _ in found(EN, "CERN-based teams, (CERN), CERN's")] == ["CERN", "CERN", "CERN"]


def test_acronyms_are_case_sensitive_common_nouns_are_not() -> None:
    assert found(FR, "l'onug et le cern") == []
    assert found(FR, "Cern") == []
    assert found(FR, "OFFICE DES NATIONS UNIES À GENÈVE")[0][1] == "unog"
    assert found(EN, "MEMBER STATES and member states") == [("MEMBER STATES", "ms", "Member State"),
                                                             ("member states", "ms", "Member State")]


def test_accents_are_folded() -> None:
    assert found(FR, "les Etats membres") == [("Etats membres", "ms", "État membre")]
    assert found(FR, "ETATS MEMBRES") == [("ETATS MEMBRES", "ms", "État membre")]


def test_apostrophes_and_deprecated_case_variant() -> None:
    assert found(FR, "les droits de l’homme") == [("droits de l’homme", "hr", "droits de l'homme")]
    # Same letters, different case: the matcher picks the term that is written like the text.
    assert found(FR, "les droits de l'Homme") == [("droits de l'Homme", "hr", "droits de l'Homme")]
    m = FR.find("droits de l’Homme")[0]
    assert m.term.status == "deprecated"


def test_hyphen_and_space_variants() -> None:
    assert found(EN, "the Director General spoke") == [("Director General", "dg", "Director General")]
    assert EN.find("the Director General spoke")[0].term.status == "deprecated"
    assert found(EN, "the Director-General spoke")[0][2] == "Director-General"
    # Non-breaking hyphen U+2011 and a line break inside a term.
    assert found(EN, "Director\u2011General") == [("Director\u2011General", "dg", "Director-General")]
    assert found(FR, "le Haut Commissaire") == [("Haut Commissaire", "hc", "Haut-Commissaire")]
    assert found(FR, "Comité international de la Croix Rouge") == [
        ("Comité international de la Croix Rouge", "icrc", "Comité international de la Croix-Rouge")]
    assert found(FR, "Office des Nations\nUnies à  Genève")[0][1] == "unog"


def test_french_elision() -> None:
    assert found(FR, "le siège de l'ONUG") == [("ONUG", "unog", "ONUG")]
    assert found(FR, "l’ONUG") == [("ONUG", "unog", "ONUG")]
    assert found(FR, "le directeur d'Office") == [("Office", "office", "Office")]
    assert found(FR, "jusqu'à l'État membre") == [("État membre", "ms", "État membre")]


@pytest.mark.parametrize("text,term", [
    ("Directeur général", "Directeur général"),
    ("Directrice générale", "Directrice générale"),
    ("Directeurs généraux", "Directeur général"),
    ("Directrices générales", "Directrice générale"),
    ("Rapporteuse spéciale", "Rapporteur spécial"),
    ("Rapporteurs spéciaux", "Rapporteur spécial"),
    ("Hauts-Commissaires", "Haut-Commissaire"),
    ("Haute-Commissaire", "Haut-Commissaire"),
    ("Secrétaire générale", "Secrétaire général"),
    ("États membres", "État membre"),
])
def test_french_gender_and_number(text: str, term: str) -> None:
    got = found(FR, f"Les {text} se sont réunis.")
    assert got == [(text, got[0][1], term)]


@pytest.mark.parametrize("text,term", [
    ("Member States", "Member State"),
    ("Special Rapporteurs", "Special Rapporteur"),
    ("Secretaries-General", "Secretary-General"),
    ("High Commissioners", "High Commissioner"),
])
def test_english_plurals(text: str, term: str) -> None:
    assert found(EN, f"All {text} agreed.") == [(text, found(EN, text)[0][1], term)]


def test_plural_words() -> None:
    assert [fr_plural_word(w) for w in ("général", "bureau", "Conseil", "pays", "festival", "travail")] == [
        "généraux", "bureaux", "Conseils", "pays", "festivals", "travaux"]
    assert [en_plural_word(w) for w in ("State", "Secretary", "box", "Chairman", "day")] == [
        "States", "Secretaries", "boxes", "Chairmen", "days"]
    # Words after the first preposition do not agree.
    assert "Conseils des droits de l'homme" in variants(Term("Conseil des droits de l'homme", "fr"))
    assert variants(Term("CERN", "fr", type="acronym")) == ["CERN"]


def test_homonyms_give_one_match_per_entry() -> None:
    g = Glossary((
        E("pres", Term("Président", "fr", "preferred"), Term("President", "en", "preferred")),
        E("chair", Term("Président", "fr", "preferred"), Term("Chair", "en", "preferred")),
    ))
    ms = TermMatcher(g, "fr").find("Le Président a ouvert la séance.")
    assert [(m.entry.id, m.start, m.end) for m in ms] == [("pres", 3, 12), ("chair", 3, 12)]


def test_offsets_with_decomposed_accents_and_ligatures() -> None:
    text = "Les E\u0301tats membres et l'ŒUVRE du Directeur ge\u0301ne\u0301ral"
    ms = FR.find(text)
    assert [(text[m.start:m.end], m.entry.id) for m in ms] == [
        ("E\u0301tats membres", "ms"), ("Directeur ge\u0301ne\u0301ral", "dg")]


def test_statuses_filter() -> None:
    only_approved = TermMatcher(GLOSSARY, "en", statuses=frozenset({"preferred", "admitted"}))
    # Without the deprecated term, "Director General" still finds the entry through the hyphen folding.
    assert [m.term.status for m in only_approved.find("Director General")] == ["preferred"]


def test_bundled_glossary_examples() -> None:
    g = load_glossary(ROOT / "glossaries" / "unog-cern.tbx")
    fr = TermMatcher(g, "fr")
    ids = [m.entry.id for m in fr.find(
        "Le Grand collisionneur de hadrons du CERN et la Directrice de la recherche et de l'informatique ; "
        "le Président Tokaïev à l'Office des Nations Unies à Genève.")]
    assert ids == ["lhc-full", "cern", "dir-research", "president", "chair", "tokayev", "unog"]
    en = TermMatcher(g, "en")
    ms = en.find("Kassym-Jomart Tokayev met the Secretary General.")
    assert [(m.entry.id, m.term.status) for m in ms] == [("tokayev", "preferred"), ("sg", "deprecated")]


words = st.sampled_from(["Office", "des", "Nations", "Unies", "à", "Genève", "l'", "ONUG", "CERN", "État",
                         "membre", "membres", "Directrice", "générale", "É", "œ", "ß", "\u00a0", "  ", "\u0301",
                         "-", "\u2011", "\u00ad", "x", ",", "\n", "İ"])


@settings(max_examples=200, deadline=None)
@given(st.lists(words, max_size=25).map(" ".join))
def test_offsets_always_point_into_the_original(text: str) -> None:
    for m in FR.find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
        assert m.surface.strip() == m.surface or m.surface[-1] == "\u0301"
    spans = [(m.start, m.end) for m in FR.find(text)]
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert (s1, e1) == (s2, e2) or e1 <= s2


# Terms whose folded keys start or end with punctuation, hold digits, one letter, elision, hyphens.
ODD = Glossary((
    E("cpp", Term("C++", "en", "preferred"), Term("C++", "fr", "preferred")),
    E("net", Term(".NET framework", "en", "preferred"), Term("cadre .NET", "fr", "preferred")),
    E("etc", Term("etc.", "en", "preferred"), Term("etc.", "fr", "preferred")),
    E("list", Term("(a) item", "en", "preferred"), Term("point (a)", "fr", "preferred")),
    E("g20", Term("G20 summit", "en", "preferred"), Term("sommet du G20", "fr", "preferred")),
    E("mail", Term("e-mail", "en", "preferred"), Term("courrier électronique", "fr", "preferred")),
    E("x", Term("x", "en", "preferred"), Term("x", "fr", "preferred")),
    E("mu", Term("µg dose", "en", "preferred"), Term("dose en µg", "fr", "preferred")),
    E("hr", Term("human rights", "en", "preferred"), Term("droits de l'homme", "fr", "preferred")),
    E("hrc", Term("Human Rights Council", "en", "preferred"), Term("Conseil des droits de l'homme", "fr", "preferred")),
    E("off", Term("Office", "en", "preferred"), Term("Office", "fr", "preferred")),
))
ODD_PIECES = ["C++", "C", "+", ".NET", "NET", "framework", "etc.", "etc", "(a)", "(", ")", "a", "item", "point", "G20",
              "G", "20", "summit", "sommet", "du", "e-mail", "e", "mail", "x", "xx", "µg", "µ", "g", "dose", "en",
              "human", "rights", "Human Rights Council", "council", "droits", "de", "l'homme", "l’homme", "Conseil",
              "des", "Office", "offices", "é", "É", "ß", "œ", "\u00a0", "  ", "-", ",", ".", "'", "İ", "Ω", "’"]


@pytest.mark.parametrize("glossary", [GLOSSARY, ODD], ids=["un", "odd"])
@settings(max_examples=600, deadline=None)
@given(text=st.lists(st.sampled_from(ODD_PIECES + ["Nations", "Unies", "État", "membre", "Member", "State",
                                                   "Director-General", "Directeur", "général"]),
                     max_size=14).flatmap(lambda ws: st.sampled_from(["", " "]).map(lambda sep: sep.join(ws))))
def test_run_index_hits_are_the_automaton_hits(glossary: Glossary, text: str) -> None:
    for lang in ("en", "fr"):
        matcher = TermMatcher(glossary, lang) if glossary is ODD else (EN if lang == "en" else FR)
        # Private on purpose: the run-index path and the automaton must agree; find() shows only one of them.
        norm, index = matcher._fold.fold(text)
        fast: dict = {}
        if index is not None or not matcher._run_hits(norm, fast):
            continue  # the automaton runs anyway
        slow: dict = {}
        matcher._hits(text, norm, index, matcher._ci, slow)
        assert fast == slow


def test_a_punctuation_only_key_keeps_the_automaton() -> None:
    glossary = Glossary((E("amp", Term("&", "en", "preferred")), E("hr", Term("human rights", "en", "preferred"))))
    matcher = TermMatcher(glossary, "en")
    assert not matcher._run_hits("human rights & more", {})  # private on purpose: the path, then the public result
    assert [m.surface for m in matcher.find("human rights & more")] == ["human rights", "&"]
