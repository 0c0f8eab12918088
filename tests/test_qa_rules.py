"""Rule packs (check --rules): conditions on source and target, the rule's severity, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.errors import UserError
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.rules import check_rules, load_rules, parse_rules
from conftest import ROOT

PACK = ROOT / "glossaries" / "unog-cern.rules.toml"


def _seg(source: str, target: str, sl: str = "en", tl: str = "fr") -> Segment:
    return Segment(0, source, target, sl, tl)


def test_the_shipped_pack_finds_what_its_rules_say():
    pack = load_rules(PACK)
    found = check_rules(_seg("The United States and the United Nations Office at Geneva.",
                             "Les Etats-Unis et l'Office des Nations unies à Genève."), pack)
    assert [(f.message.split("]")[0], f.severity) for f in found] == [("[etats-accent", "warning"),
                                                                     ("[onu-geneve-capital", "warning")]
    tgt = "Les Etats-Unis et l'Office des Nations unies à Genève."
    assert [tgt[a:b] for f in found for a, b in f.target_spans] == ["Etats", "Nations unies"]
    assert check_rules(_seg("x", "Les États-Unis et l'Office des Nations Unies."), pack) == []
    # A French target rule does not fire on an English target.
    assert check_rules(_seg("Les Etats", "Etats", "fr", "en"), pack) == []


def test_must_match_and_must_not_match_like_a_checklist():
    pack = load_rules(PACK)
    source = "Le Directeur général de l'Office des Nations Unies à Genève a ouvert la session."
    missing = check_rules(_seg(source, "The Director-General of the Geneva office opened the session.", "fr", "en"), pack)
    assert [f.message.split("]")[0] for f in missing] == ["[unog-name"]
    (a, b), = missing[0].source_spans
    assert source[a:b] == "Office des Nations Unies à Genève" and missing[0].target_spans == ()
    said = "The Director-General of the United Nations Office at Geneva opened the session."
    assert check_rules(_seg(source, said, "fr", "en"), pack) == []
    assert [f.severity for f in check_rules(_seg("x", "The CERN Director General spoke.", "fr", "en"), pack)] == [
        "warning", "info"]


@pytest.mark.parametrize("text, message", [
    ('[[rule]]\nid = "a"\nmessage = "m"\ntarget = "(unclosed"\n', "rule 'a': bad regular expression in 'target'"),
    ('[[rule]]\nid = "a"\nmessage = "m"\ntargt = "x"\n', "rule 'a': unknown key 'targt'"),
    ('[[rule]]\nid = "a"\ntarget = "x"\n', "rule 'a': 'message' missing or empty"),
    ('[[rule]]\nmessage = "m"\ntarget = "x"\n', "rule #1: 'id' missing"),
    ('[[rule]]\nid = "a"\nmessage = "m"\n', "rule 'a': give at least one of source, source_not, target, target_not"),
    ('[[rule]]\nid = "a"\nmessage = "m"\ntarget_not = "x"\n', "rule 'a': a rule with only"),
    ('[[rule]]\nid = "a"\nmessage = "m"\ntarget = "x"\nseverity = "fatal"\n', "severity 'fatal' is not one of"),
    ('[[rule]]\nid = "a"\nmessage = "m"\ntarget = "x"\ntarget_lang = "xx-1"\n', "rule 'a': unknown language"),
    ('[[rule]]\nid = "a"\nmessage = "m"\ntarget = "x"\n[[rule]]\nid = "a"\nmessage = "m"\ntarget = "y"\n',
     "rule 'a': this id is used by an earlier rule"),
    ('[[rule]]\nid = "a"\nmessage = "m"\ntarget = "x"\nignore_case = "yes"\n', "'ignore_case' must be true or false"),
    ('title = "x"\n', "unknown top-level key 'title'"),
    ('', "no [[rule]] table"),
    ('[[rule]\nid = "a"', "not a TOML rule pack"),
])
def test_a_broken_pack_is_one_line_naming_file_and_rule(text, message):
    with pytest.raises(UserError) as err:
        parse_rules(text.encode("utf-8"), "house.toml")
    assert str(err.value).startswith("house.toml: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def _tsv(path: Path) -> Path:
    path.write_text("en\tfr\nThe United States welcomed the report.\tLes Etats-Unis ont salué le rapport.\n"
                    "The Council adopted the text.\tLe Conseil a adopté le texte.\n", encoding="utf-8")
    return path


def test_check_rules_on_the_command_line(tmp_path):
    res = CliRunner().invoke(main, ["check", str(_tsv(tmp_path / "p.tsv")), "--rules", str(PACK),
                                    "--fail-on", "warning"])
    assert res.exit_code == 1, res.output
    assert "warning: [rule] [etats-accent]" in res.stdout
    # Without the pack, or with the family left out, no rule runs.
    res = CliRunner().invoke(main, ["check", str(tmp_path / "p.tsv"), "--fail-on", "warning"])
    assert res.exit_code == 0 and "etats-accent" not in res.stdout
    res = CliRunner().invoke(main, ["check", str(tmp_path / "p.tsv"), "--rules", str(PACK), "--checks", "numbers",
                                    "--fail-on", "warning"])
    assert res.exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\nmessage = "m"\nsource = "["\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(tmp_path / "p.tsv"), "--rules", str(bad)])
    assert res.exit_code == 2 and "bad.toml: rule 'x': bad regular expression in 'source'" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_rules_run_the_same_in_worker_processes(tmp_path):
    from bilingual_pr.qa.inputs import open_input
    from bilingual_pr.qa.runner import run_checks

    rows = "".join(f"Statement {n}.\tLes Etats et les Nations unies, déclaration {n}.\n" for n in range(60))
    path = tmp_path / "many.tsv"
    path.write_text("en\tfr\n" + rows, encoding="utf-8")
    pack = load_rules(PACK)
    one = run_checks(open_input([path]).read, rules=pack, families=["rules"])
    two = run_checks(open_input([path]).read, rules=pack, families=["rules"], jobs=2)
    assert len(one.findings) == 120 and one.findings == two.findings
