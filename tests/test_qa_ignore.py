"""False-positive memory: a finding's ignore key does not depend on its position; check --ignore skips exactly those."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.decisions import Decisions, write_decisions
from bilingual_pr.qa.ignore import KIND, SUBJECT, apply_ignore, finding_id, ignore_key, read_ignore
from bilingual_pr.qa.model import Finding, Report, Segment
from bilingual_pr.qa.report_html import render_html
from bilingual_pr.qa.runner import run_checks

# Unit texts written for these tests (UNOG/CERN release style).
LATE = ("La réunion se tiendra à 15 heures au Palais des Nations.", "The meeting will be held at 4 p.m. at the Palais.")
DOUBLE = ("Le CERN publie ses résultats.", "CERN  publishes its  results.")
CLEAN = ("Le Conseil des droits de l'homme ouvre sa session.", "The Human Rights Council opens its session.")
EXTRA = ("Le Directeur général a pris la parole.", "The Director-General took the floor.")


def _tmx(path: Path, pairs) -> Path:
    tus = "".join(f'<tu tuid="t{n}"><tuv xml:lang="fr"><seg>{fr}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu>\n'
                  for n, (fr, en) in enumerate(pairs, 1))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
                    'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="fr" '
                    f'datatype="plaintext"/><body>\n{tus}</body></tmx>\n', encoding="utf-8")
    return path


def _report(path: Path) -> Report:
    from bilingual_pr.qa.inputs import open_input

    return run_checks(open_input([path]).read, input_name=path.name)


def _ignore_file(path: Path, report: Report, checks: set[str]) -> Path:
    keys = {finding_id(f, report.segments[f.unit]): ignore_key(f, report.segments[f.unit])
            for f in report.findings if f.check in checks}
    write_decisions(path, Decisions(KIND, SUBJECT, keys))
    return path


def test_the_key_is_the_same_wherever_the_unit_stands():
    f = Finding("number-mismatch", "error", "15 vs 4", 0, ((31, 33),), ((33, 34),))
    moved = Finding("number-mismatch", "error", "another wording", 7, ((31, 33),), ((33, 34),))
    a, b = Segment(0, *LATE, id="t1"), Segment(7, *LATE, id="t9")
    assert finding_id(f, a) == finding_id(moved, b)
    assert finding_id(f, a) != finding_id(f, Segment(0, LATE[0], LATE[1] + " "))
    assert finding_id(f, a) != finding_id(Finding("date-mismatch", "error", "", 0, ((31, 33),), ((33, 34),)), a)
    assert ignore_key(f, a) == {"check": "number-mismatch", "source": LATE[0], "target": LATE[1],
                                "source_spans": [[31, 33]], "target_spans": [[33, 34]]}


def test_ignore_skips_exactly_the_accepted_findings_in_the_next_version_of_the_memory(tmp_path):
    first = _report(_tmx(tmp_path / "v1.tmx", [LATE, DOUBLE, CLEAN]))
    assert {f.check for f in first.findings} == {"number-mismatch", "double-space"}
    ignore = _ignore_file(tmp_path / "ignore.json", first, {"number-mismatch"})
    # Next version: a unit added before, the double-space unit's text changed elsewhere, order changed.
    second = _report(_tmx(tmp_path / "v2.tmx", [EXTRA, DOUBLE, CLEAN, LATE]))
    kept, skipped = apply_ignore(second, read_ignore(ignore))
    assert skipped == 1
    assert [f.check for f in kept.findings] == ["double-space"]
    # The same false positive with a changed text is checked afresh.
    changed = _report(_tmx(tmp_path / "v3.tmx", [(LATE[0], LATE[1].replace("Palais", "Palais des Nations"))]))
    assert apply_ignore(changed, read_ignore(ignore))[1] == 0


def test_check_ignore_on_the_command_line(tmp_path):
    memory = _tmx(tmp_path / "m.tmx", [LATE, DOUBLE])
    ignore = _ignore_file(tmp_path / "ignore.json", _report(memory), {"double-space"})
    res = CliRunner().invoke(main, ["check", str(memory), "--ignore", str(ignore)])
    assert res.exit_code == 1, res.output  # the number mismatch is still an error
    assert "[number-mismatch]" in res.stdout and "double-space" not in res.stdout
    assert "1 accepted finding(s) skipped" in res.stderr
    html = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["check", str(memory), "--ignore", str(ignore), "-r", str(html),
                                    "--fail-on", "never"])
    assert res.exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert 'data-check="double-space"' not in page and "1</strong> accepted finding skipped" in page
    # The skipped finding's key travels in the page, so the file it exports still holds it.
    data = json.loads(re.search(r'<script type="application/json" id="qa-data">(.*?)</script>', page, re.S).group(1))
    assert list(data["carried"]) == list(read_ignore(ignore))


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(kind="review"), "holds 'review' decisions, not 'qa-ignore' ones"),
    (lambda d: d.update(subject={"tool": "review"}), "not for bilingual-pr check"),
    (lambda d: d.update(subject={"tool": "check", "key": 9}), "ignore keys of version 9"),
    (lambda d: next(iter(d["decisions"].values())).pop("target"), "'target' missing or not a str"),
    (lambda d: next(iter(d["decisions"].values())).update(unit=3), "unknown field 'unit'"),
    (lambda d: next(iter(d["decisions"].values())).update(target_spans=[[1]]), "list of [start, end] pairs"),
])
def test_a_wrong_ignore_file_is_one_line_and_exit_2(tmp_path, edit, message):
    memory = _tmx(tmp_path / "m.tmx", [DOUBLE])
    ignore = _ignore_file(tmp_path / "ignore.json", _report(memory), {"double-space"})
    doc = json.loads(ignore.read_text(encoding="utf-8"))
    edit(doc)
    ignore.write_text(json.dumps(doc), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(memory), "--ignore", str(ignore)])
    assert res.exit_code == 2 and message in res.output and len(res.output.strip().splitlines()) == 1


def test_the_html_report_shows_a_unit_once_with_its_findings_under_it(tmp_path):
    from bilingual_pr.xmlsafe import parse_html_bytes

    # Two findings on one unit (number and doubled spaces), one on another.
    busy = ("La session s'ouvre à 10 heures.", "The session  opens at 11  a.m.")
    report = _report(_tmx(tmp_path / "m.tmx", [busy, LATE]))
    assert len(report.findings) == 3
    root = parse_html_bytes(render_html(report).encode("utf-8"), "utf-8")
    groups = root.xpath("//section[contains(@class,'unit-group')]")
    assert [g.get("id") for g in groups] == ["unit-0", "unit-1"]
    first = groups[0]
    assert [li.get("data-check") for li in first.xpath(".//li")] == ["number-mismatch", "double-space"]
    assert first.get("data-severity") == "error"
    # The unit's text once, with every finding's spans marked.
    assert len(first.xpath(".//div[contains(@class,'side')]")) == 2
    assert first.xpath(".//div[contains(@class,'tgt')]/p")[0].text_content().count("opens at") == 1
    # Each finding links to its unit and carries its ignore key; the page data maps the key.
    data = json.loads(root.xpath("//script[@id='qa-data']")[0].text)
    for li, f in zip(root.xpath("//li[contains(@class,'finding')]"), report.findings, strict=True):
        assert li.xpath(".//a[@class='unit']")[0].get("href") == f"#unit-{f.unit}"
        assert li.get("data-key") == finding_id(f, report.segments[f.unit])
        assert data["keys"][li.get("data-key")] == ignore_key(f, report.segments[f.unit])
        assert li.xpath(".//input[@class='accept-box']")[0].get("data-key") == li.get("data-key")
    assert data["subject"] == SUBJECT and data["filename"] == "m.qa-ignore.json"
