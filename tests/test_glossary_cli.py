"""``bilingual-pr glossary``: lookup, convert, lint findings, stats and suggest."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.glossary import Entry, Glossary, Term, load_glossary
from bilingual_pr.glossary.lint import lint
from bilingual_pr.glossary.tbx import write_tbx

FIX = Path(__file__).resolve().parent / "fixtures" / "glossary"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_lookup_default_glossary_french() -> None:
    res = run("glossary", "lookup", "Le Directeur général de l’ONUG et le Conseil des droits de l'Homme.", "--lang", "fr")
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Directeur général  (entry dg" in out and "en: Director-General   (avoid: Director General)" in out
    assert "ONUG  (entry unog" in out and "en: United Nations Office at Geneva; UNOG" in out
    assert "Conseil des droits de l'Homme [deprecated]" in out and "use in fr: Conseil des droits de l'homme" in out


def test_lookup_json_english_and_stdin() -> None:
    res = run("glossary", "lookup", "-", "--lang", "en", "--format", "json",
              input="The Secretaries-General visited CERN.")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [(d["surface"], d["entry"], d["term"]) for d in data] == [
        ("Secretaries-General", "sg", "Secretary-General"), ("CERN", "cern", "CERN")]
    assert data[0]["equivalents"]["fr"] == ["Secrétaire général", "Secrétaire générale"]
    assert data[1]["dnt"] is True


def test_lookup_errors_are_one_line(tmp_path: Path) -> None:
    res = run("glossary", "lookup", "x", "--lang", "de")
    assert res.exit_code == 2 and "unsupported language" in res.output
    bad = tmp_path / "bad.tbx"
    bad.write_text("<tbx><unclosed></tbx>", encoding="utf-8")
    res = run("glossary", "lookup", "x", "--lang", "fr", "--glossary", str(bad))
    assert res.exit_code == 2
    assert "bad.tbx:1: malformed XML" in res.output and "Traceback" not in res.output


def test_convert_by_extension_and_to(tmp_path: Path) -> None:
    src = FIX / "mini.tbx"
    for name, fmt in (("g.martif.tbx", "tbx2008"), ("g.csv", "csv"), ("g.utf8", "omegat"), ("g.tsv", "tsv")):
        res = run("glossary", "convert", str(src), str(tmp_path / name))
        assert res.exit_code == 0, res.output
        assert f"({fmt})" in res.output
    assert (tmp_path / "g.martif.tbx").read_text(encoding="utf-8").count("<termEntry") == 2
    assert load_glossary(tmp_path / "g.csv").entries == load_glossary(src).entries
    res = run("glossary", "convert", str(tmp_path / "g.csv"), str(tmp_path / "back.xml"), "--to", "tbx")
    assert res.exit_code == 0
    assert load_glossary(tmp_path / "back.xml").entries == load_glossary(src).entries
    res = run("glossary", "convert", str(src), str(tmp_path / "g.xyz"))
    assert res.exit_code == 2 and "use --to" in res.output
    res = run("glossary", "convert", str(src), str(src))
    assert res.exit_code == 2 and "also an input" in res.output


def test_convert_leaves_nothing_behind_on_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"id,lang,term\na,fr,\n")
    out = tmp_path / "out.tbx"
    res = run("glossary", "convert", str(bad), str(out))
    assert res.exit_code == 2 and "bad.csv:2: empty term" in res.output
    assert list(tmp_path.iterdir()) == [bad]


def _glossary_with_problems() -> Glossary:
    T = Term
    return Glossary((
        Entry("a", (T("Président", "fr", "preferred"), T("President", "en", "preferred"))),
        Entry("b", (T("Président", "fr", "preferred"), T("Chair", "en", "preferred"))),
        Entry("c", (T("Secrétaire général", "fr", "preferred"), T("Secretary-General", "en", "preferred"),
                    T("Secretary-General", "en", "admitted"))),
        Entry("d", (T("Secretary-General", "en", "deprecated"), T("Secrétaire", "fr", "preferred"))),
        Entry("e", (T("ONUG", "fr", "preferred"),)),
        Entry("f", (T("CERN", "fr", "preferred"), T("Cern", "en", "preferred")), dnt=True),
        Entry("a", (T("x", "fr", "preferred"), T("y", "en", "preferred"))),
        Entry("g", (T("x", "fr", "preferred"), T("y", "en", "preferred"))),
        Entry("h", (T("État membre", "fr", "preferred"), T("État-membre", "fr", "preferred"),
                    T("Member State", "en", "preferred"))),
    ))


def test_lint_findings() -> None:
    found = sorted((f.code, f.where, f.message) for f in lint(_glossary_with_problems()))
    assert [(c, w) for c, w, _ in found] == sorted([
        ("ambiguous-term", "entry a"),       # Président approved in a and b, without usage notes
        ("ambiguous-term", "entry a"),       # x approved in the second a and in g
        ("ambiguous-term", "entry a"),       # y likewise
        ("duplicate-term", "entry c"),       # Secretary-General twice in c
        ("conflicting-entries", "entry c"),  # Secretary-General approved in c, deprecated in d
        ("missing-language", "entry d"),     # d has only a deprecated English term
        ("missing-language", "entry e"),     # e has no English at all
        ("dnt-mismatch", "entry f"),         # CERN vs Cern
        ("duplicate-id", "entry a"),
        ("duplicate-entry", "entry g"),      # same terms as the second a
        ("several-preferred", "entry h"),    # two preferred French full forms
    ])
    messages = " | ".join(m for _, _, m in found)
    assert "fr term 'Président' is approved in entries a, b" in messages
    assert "is approved here but deprecated/forbidden in entry d" in messages
    assert "no preferred or admitted en term, only rejected ones" in messages
    # Usage notes on both homonyms settle the ambiguity.
    g = Glossary((
        Entry("a", (Term("Président", "fr", note="of a council"), Term("President", "en"))),
        Entry("b", (Term("Président", "fr", note="of a meeting"), Term("Chair", "en"))),
    ))
    assert lint(g) == []


def test_lint_exit_codes(tmp_path: Path) -> None:
    res = run("glossary", "lint")
    assert res.exit_code == 0, res.output
    assert "0 finding(s) in" in res.output
    bad = tmp_path / "bad.tbx"
    write_tbx(_glossary_with_problems(), bad)
    res = run("glossary", "lint", str(bad), "--format", "json")
    assert res.exit_code == 1
    assert {d["code"] for d in json.loads(res.output)} >= {"ambiguous-term", "duplicate-term", "conflicting-entries",
                                                           "missing-language", "dnt-mismatch", "several-preferred"}
    csv = tmp_path / "unknown.csv"
    csv.write_text("id,lang,term,status\na,fr,x,approved-ish\na,en,y,preferred\n", encoding="utf-8")
    res = run("glossary", "lint", str(csv))
    assert res.exit_code == 1
    assert "unknown.csv:2: unknown-status: term 'x': unknown status value 'approved-ish'" in res.output


def test_stats() -> None:
    res = run("glossary", "stats", "--json")
    assert res.exit_code == 0
    s = json.loads(res.output)
    assert s["entries"] >= 80 and s["properties"]["typography.fr"] == "fr-CH"
    assert set(s["terms_by_status"]) == {"preferred", "admitted", "deprecated", "forbidden"}
    res = run("glossary", "stats", str(FIX / "wide.csv"))
    assert res.exit_code == 0 and "entries: 3" in res.output


def test_suggest_from_tsv_pairs(tmp_path: Path) -> None:
    out = tmp_path / "proposals.tbx"
    res = run("glossary", "suggest", str(FIX / "aligned.tsv"), "-o", str(out), "--no-known")
    assert res.exit_code == 0, res.output
    g = load_glossary(out)
    pairs = {(e.terms[0].text, e.terms[1].text): e for e in g.entries}
    assert set(pairs) == {("Conseil des droits de l'homme", "Human Rights Council"), ("HCDH", "OHCHR"),
                          ("Rapporteuse spéciale", "Special Rapporteur"), ("CERN", "CERN")}
    assert pairs[("CERN", "CERN")].dnt
    assert pairs[("Conseil des droits de l'homme", "Human Rights Council")].note.startswith(
        "suggested: together in 3 aligned pairs")
    # With the bundled glossary, known pairs are not proposed again.
    res = run("glossary", "suggest", str(FIX / "aligned.tsv"), "-o", str(out))
    assert res.exit_code == 1 and "no new term pairs" in res.output


def test_suggest_from_tmx(tmp_path: Path) -> None:
    from bilingual_pr.formats.tmx import write_tmx
    from bilingual_pr.formats.units import TranslationUnit

    lines = [l.split("\t") for l in (FIX / "aligned.tsv").read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    tmx = tmp_path / "aligned.tmx"
    write_tmx(tmx, [TranslationUnit(fr, en, "fr-FR", "en-GB") for fr, en in lines])
    out = tmp_path / "p.tbx"
    res = run("glossary", "suggest", str(tmx), "-o", str(out), "--no-known", "--min-count", "3")
    assert res.exit_code == 0, res.output
    assert [(e.terms[0].text, e.terms[1].text) for e in load_glossary(out).entries] == [
        ("Conseil des droits de l'homme", "Human Rights Council")]
