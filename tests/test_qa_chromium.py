"""The HTML report in headless Chromium: it renders, filters and keys work, no console error, screenshot saved.

Skipped when Chromium is missing, failed instead under BILINGUAL_PR_REQUIRE_INTEROP=1.
Two drivers: a plain command-line run (--screenshot, console messages read
from --enable-logging) and, in one browser for the rest, the DevTools protocol
over a websocket (filters from the URL hash, key presses, clicking filters,
print media, exceptions and console errors); both from tests/interop/chromium.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import fixture_path
from interop.chromium import console_problems, devtools, run_chromium

pytestmark = pytest.mark.chromium


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    from bilingual_pr.glossary import load_glossary
    from bilingual_pr.qa.inputs import open_input
    from bilingual_pr.qa.report_html import render_html
    from bilingual_pr.qa.runner import run_checks

    g = load_glossary(fixture_path("qa", "glossary.csv"), "en", "fr")
    report = run_checks(open_input([fixture_path("qa", "seeded.tmx")]).read, glossary=g, input_name="seeded.tmx")
    assert len(report.findings) == 26
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def test_renders_and_saves_a_screenshot(report_html, tmp_path):
    shot = tmp_path / "report.png"
    res = run_chromium([f"--screenshot={shot}", "--window-size=1280,1800", report_html.as_uri()], tmp_path / "ud-shot")
    assert res.returncode == 0, res.stderr[-2000:]
    assert console_problems(res.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.fixture(scope="module")
def cdp(tmp_path_factory):
    with devtools(tmp_path_factory.mktemp("cdp") / "ud") as client:
        yield client


def test_error_capture_works(cdp, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><title>x</title><script>console.error('boom'); nope();</script>", encoding="utf-8")
    cdp.open(bad.as_uri())
    cdp.js("1")  # let pending events arrive
    assert any(e.get("method") == "Runtime.exceptionThrown" for e in cdp.errors())


@pytest.mark.parametrize("hash_, shown, checks", [
    ("#check=term-forbidden", 1, {"term-forbidden"}),
    ("#severity=info", 2, {"inconsistent-source", "edge-space"}),
    ("#check=term-forbidden&severity=warning", 0, set()),
])
def test_filters_read_from_the_url_hash(report_html, cdp, hash_, shown, checks):
    cdp.open(report_html.as_uri() + hash_)
    assert cdp.js("document.body.dataset.ready") == "1"
    assert cdp.js("document.body.dataset.shown") == str(shown)
    visible = cdp.js("Array.from(document.querySelectorAll('li.finding')).filter(li => !li.hidden)"
                     ".map(li => li.dataset.check)")
    assert set(visible) == checks and len(visible) == shown
    assert cdp.js("document.getElementById('empty').hidden") is (shown != 0)
    assert cdp.errors() == []


def test_keyboard_filters_print_and_no_console_error(report_html, cdp, tmp_path):
    cdp.open(report_html.as_uri())
    assert cdp.js("document.body.dataset.ready") == "1"
    assert cdp.js("document.body.dataset.shown") == "26"
    # j / k move between findings, "/" jumps to the check filter.
    cdp.press("j")
    assert cdp.focused() == "F1"
    cdp.press("j")
    assert cdp.focused() == "F2"
    cdp.press("k")
    assert cdp.focused() == "F1"
    cdp.press("/")
    assert cdp.focused() == "f-check"
    # Filtering with the controls, as a reviewer does, updates the count and the URL hash.
    cdp.js("var s=document.getElementById('f-check'); s.value='number-mismatch'; s.dispatchEvent(new Event('change'))")
    assert cdp.js("document.body.dataset.shown") == "1"
    assert cdp.js("location.hash") == "#check=number-mismatch"
    cdp.js("document.querySelector('input[name=severity][value=error]').click()")
    assert cdp.js("document.body.dataset.shown") == "0"
    assert cdp.js("document.getElementById('empty').hidden") is False
    cdp.js("document.getElementById('reset').click()")
    assert cdp.js("document.body.dataset.shown") == "26"
    # The summary's check buttons filter too.
    cdp.js("document.querySelector('button[data-filter-check=\"untranslated\"]').click()")
    assert cdp.js("document.body.dataset.shown") == "1"
    # Tab order: from the last control, Tab lands on the (only) finding shown.
    cdp.js("document.getElementById('reset').focus()")
    cdp.press("Tab")
    assert cdp.js("document.activeElement.dataset.check") == "untranslated"
    # Print media hides the controls; a PDF comes out.
    cdp.media("print")
    assert cdp.js("getComputedStyle(document.getElementById('filters')).display") == "none"
    assert cdp.print_pdf(tmp_path / "report.pdf").startswith(b"%PDF")
    cdp.media("screen")
    cdp.screenshot(tmp_path / "report-cdp.png")
    assert cdp.errors() == []
