"""Less noise: a sentence with no counterpart is one info finding; a quotation over two sentences is one warning."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.runner import run_checks
from bilingual_pr.qa.spacing import check_spacing

CSV_GLOSSARY = "id,lang,term,status\nc1,fr,Conseil des droits de l'homme,preferred\nc1,en,Human Rights Council,preferred\n"


def _run(segments: list[Segment], tmp_path: Path, aligned: bool) -> list[tuple[int, str, str]]:
    from bilingual_pr.glossary import load_glossary

    path = tmp_path / "g.csv"
    path.write_text(CSV_GLOSSARY, encoding="utf-8")
    report = run_checks(lambda: iter(segments), glossary=load_glossary(path, "fr", "en"), aligned=aligned)
    return [(f.unit, f.check, f.severity) for f in report.findings]


OMITTED = "Le Conseil des droits de l'homme a adopté 12 résolutions le 5 avril 2024 : « un succès »."


def test_a_one_sided_bead_is_one_no_counterpart_info(tmp_path: Path) -> None:
    segs = [Segment(0, OMITTED, ""), Segment(1, "", "The session closed on Friday.")]
    assert _run(segs, tmp_path, aligned=True) == [(0, "no-counterpart", "info"), (1, "no-counterpart", "info")]


def test_an_empty_target_outside_an_alignment_is_one_empty_target_warning(tmp_path: Path) -> None:
    # Not also a missing term (and nothing else about the missing sentence).
    assert _run([Segment(0, OMITTED, "")], tmp_path, aligned=False) == [(0, "empty-target", "warning")]


def test_check_on_two_documents_reports_the_omitted_sentence_as_no_counterpart(tmp_path: Path) -> None:
    fr = tmp_path / "r.fr.txt"
    en = tmp_path / "r.en.txt"
    fr.write_text("Genève, le 4 mars 2024.\n\nLe CERN a présenté ses résultats à la presse.\n\n"
                  "Le Conseil se réunira de nouveau en juin pour examiner le budget de l'Organisation.\n\n"
                  "La séance a été levée à 18 heures.\n", encoding="utf-8")
    en.write_text("Geneva, 4 March 2024.\n\nCERN presented its results to the press.\n\n"
                  "The meeting rose at 6 p.m.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(fr), str(en), "--fail-on", "never"])
    lines = [line for line in res.stdout.splitlines() if "[" in line]
    assert any("[no-counterpart]" in line and ": info:" in line for line in lines), res.output
    assert not any("empty-target" in line for line in lines), res.output


def test_a_quotation_over_two_sentences_is_one_warning() -> None:
    first = Segment(0, "Il a déclaré que l'accord renforcerait la coopération.",
                    "“The agreement will strengthen cooperation.")
    second = Segment(1, "Il s'agit d'une étape importante, a-t-il conclu.", "It is an important step,” he concluded.")
    found = [f.check for seg in (first, second) for f in check_spacing(seg)]
    assert found == ["unbalanced-quotes"]


def test_a_missing_closing_quote_is_still_found() -> None:
    seg = Segment(0, "Le slogan « Ne laisser personne de côté » a été adopté.",
                  "The slogan “Leave no one behind was adopted.")
    assert [f.check for f in check_spacing(seg)] == ["unbalanced-quotes"]
