"""The alignment review page in Chromium: rendering, filter, keys and print (content checks: tests/test_review.py).

These tests skip when Chromium is missing and fail instead under
BILINGUAL_PR_REQUIRE_INTEROP=1 (helpers in tests/interop/chromium.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bilingual_pr.align import Alignment

from test_review import LOW, ROWS, THRESHOLD, review_alignment, write_page


@pytest.fixture(scope="module")
def glossary():
    from bilingual_pr.glossary import load_glossary
    from bilingual_pr.glossary.files import default_glossary_path

    return load_glossary(default_glossary_path())


@pytest.fixture(scope="module")
def page(tmp_path_factory, glossary) -> Path:
    return write_page(tmp_path_factory.mktemp("review"), glossary)


@pytest.mark.chromium
def test_renders_with_screenshot_and_dom(page, tmp_path):
    from interop.chromium import console_problems, run_chromium

    shot = tmp_path / "review.png"
    res = run_chromium([f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri()], tmp_path / "ud-shot")
    assert res.returncode == 0, res.stderr[-2000:]
    assert console_problems(res.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    res = run_chromium(["--dump-dom", page.as_uri() + "#low"], tmp_path / "ud-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    assert 'data-ready="1"' in dom and f'data-shown="{len(LOW)}"' in dom
    hidden = set(re.findall(r'<tr class="pair[^"]*" id="p(\d+)"[^>]*hidden', dom))
    assert hidden == {str(n) for n in range(1, len(ROWS) + 1) if n not in LOW}


@pytest.fixture(scope="module")
def cdp(tmp_path_factory):
    from interop.chromium import devtools

    with devtools(tmp_path_factory.mktemp("cdp") / "ud") as client:
        yield client


@pytest.mark.chromium
def test_keys_filter_and_print(page, cdp, tmp_path):
    cdp.open(page.as_uri())
    assert cdp.js("document.body.dataset.ready") == "1"
    assert cdp.js("document.body.dataset.shown") == str(len(ROWS))
    cdp.press("j")
    assert cdp.focused() == "p1"
    cdp.press("j")
    assert cdp.focused() == "p2"
    cdp.press("k")
    assert cdp.focused() == "p1"
    # "l" shows only the low-confidence pairs and says so in the URL; j then walks those only.
    cdp.press("l")
    assert cdp.js("document.body.dataset.shown") == str(len(LOW))
    assert cdp.js("location.hash") == "#low"
    assert cdp.js("document.getElementById('only-low').checked") is True
    cdp.press("j")
    assert cdp.focused() == f"p{LOW[0]}"
    cdp.press("j")
    assert cdp.focused() == f"p{LOW[1]}"
    # The checkbox does the same with the mouse or the space bar.
    cdp.js("document.getElementById('only-low').click()")
    assert cdp.js("document.body.dataset.shown") == str(len(ROWS))
    assert cdp.js("location.hash") == ""
    # Tab from the checkbox reaches the first pair.
    cdp.js("document.getElementById('only-low').focus()")
    cdp.press("Tab")
    assert cdp.focused() == "p1"
    # Print: the controls disappear, rows do not split, a PDF comes out.
    cdp.media("print")
    assert cdp.js("getComputedStyle(document.getElementById('controls')).display") == "none"
    assert cdp.js("getComputedStyle(document.getElementById('p1')).breakInside") == "avoid"
    assert cdp.print_pdf(tmp_path / "review.pdf").startswith(b"%PDF")
    cdp.media("screen")
    cdp.screenshot(tmp_path / "review-cdp.png")
    assert cdp.errors() == []


@pytest.mark.chromium
def test_hash_opens_filtered_and_empty_message(tmp_path, cdp, glossary):
    from bilingual_pr.review import write_review_page

    calm = tmp_path / "calm.html"
    al = review_alignment()
    write_review_page(calm, Alignment(al.src_sentences, al.tgt_sentences, (), al.pairs[:2], "fr", "en"),
                      glossary=glossary, min_confidence=THRESHOLD)
    cdp.open(calm.as_uri() + "#low")
    assert cdp.js("document.body.dataset.shown") == "0"
    assert cdp.js("document.getElementById('empty').hidden") is False
    assert cdp.errors() == []
