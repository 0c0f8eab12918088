"""Report writers: JSON (schema), CSV (BOM, one row per finding), HTML (self-contained, marked spans)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from interop import require_module

from bilingual_pr.qa.model import Finding, Report, Segment
from bilingual_pr.qa.report_csv import mark_text, render_csv
from bilingual_pr.qa.report_html import highlight, render_html
from bilingual_pr.qa.report_json import SCHEMA, report_dict
from bilingual_pr.qa.runner import run_checks
from conftest import ROOT, fixture_path


@pytest.fixture(scope="module")
def report() -> Report:
    from bilingual_pr.glossary import load_glossary
    from bilingual_pr.qa.inputs import open_input

    g = load_glossary(fixture_path("qa", "glossary.csv"), "en", "fr")
    src = open_input([fixture_path("qa", "seeded.tmx")])
    return run_checks(src.read, glossary=g, input_name="seeded.tmx")


def test_json_follows_schema(report):
    jsonschema = require_module("jsonschema")
    data = json.loads(json.dumps(report_dict(report), ensure_ascii=False))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["schema_version"] == 1
    assert data["summary"]["findings"] == len(data["findings"]) == 26
    f = next(f for f in data["findings"] if f["check"] == "term-forbidden")
    (a, b), = f["target"]["spans"]
    assert f["target"]["text"][a:b] == "expert autonome"
    # A report that breaks the schema is caught.
    data["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_docs_show_the_schema_in_force():
    text = (ROOT / "docs" / "qa.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- schema:begin -->\s*```json\n(.*?)```\s*<!-- schema:end -->", text, re.S)
    assert block, "docs/qa.md lost its schema block"
    assert json.loads(block.group(1)) == SCHEMA


def test_csv_has_bom_one_row_per_finding_and_is_spreadsheet_safe(report, tmp_path):
    from click.testing import CliRunner

    from bilingual_pr.cli import main

    out = tmp_path / "r.csv"
    res = CliRunner().invoke(main, ["check", str(fixture_path("qa", "seeded.tmx")), "-g",
                                    str(fixture_path("qa", "glossary.csv")), "-r", str(out)])
    assert res.exit_code == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 26
    row = next(r for r in rows if r["check"] == "term-forbidden")
    assert "[[expert autonome]]" in row["target_marked"] and "é" in row["target"]
    evil = Report([Finding("untranslated", "error", "=HYPERLINK(1)", 0)], {0: Segment(0, "=1+1", "@SUM(A1)")}, 1,
                  "fr-FR")
    cells = next(csv.DictReader(io.StringIO(render_csv(evil))))
    assert cells["message"] == "'=HYPERLINK(1)" and cells["source"] == "'=1+1" and cells["target"] == "'@SUM(A1)"


def test_mark_helpers():
    assert mark_text("abc def", ((4, 7),)) == "abc [[def]]"
    assert highlight("a<b> c", ((0, 1), (5, 5))) == '<mark>a</mark>&lt;b&gt; <mark class="gap" title="something is missing here">‸</mark>c'
    assert "U+00A0" in highlight("a\u00a0b", ((1, 2),))


def test_html_is_self_contained_and_accessible(report):
    from bilingual_pr.xmlsafe import parse_html_bytes

    page = render_html(report)
    root = parse_html_bytes(page.encode("utf-8"), "utf-8")
    for el in root.iter():
        for attr in ("src", "href"):
            value = el.get(attr)
            assert value is None or value.startswith("#"), f"external reference {el.tag} {attr}={value}"
    assert not root.xpath("//link") and not root.xpath("//script[@src]") and not root.xpath("//img")
    assert root.xpath("//meta[@http-equiv='Content-Security-Policy']")
    assert "@media print" in page
    items = root.xpath("//li[contains(@class,'finding')]")
    assert len(items) == 26
    assert all(li.get("tabindex") == "0" and li.get("data-check") and li.get("data-severity") for li in items)
    assert {e.get("accesskey") for e in root.xpath("//*[@accesskey]")} >= {"c", "e", "w", "i", "a"}
    forbidden = next(li for li in items if li.get("data-check") == "term-forbidden")
    assert [m.text_content() for m in forbidden.xpath(".//mark")] == ["independent expert", "expert autonome"]
    # Summary: one row per check found.
    assert len(root.xpath("//table[@id='summary']/tbody/tr")) == len(report.counts_by_check())


def test_html_escapes_segment_text():
    evil = Report([Finding("untranslated", "error", "<script>alert(1)</script>", 0, ((0, 3),))],
                  {0: Segment(0, "<img src=x onerror=alert(1)>", "</li><script>x()</script>")}, 1, "fr-FR")
    page = render_html(evil)
    assert "<img src=x" not in page and "<script>x()" not in page and "<script>alert" not in page
