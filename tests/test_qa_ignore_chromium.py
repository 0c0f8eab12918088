"""The QA report's accepted findings in headless Chromium: filter, tick, reload, download, then check --ignore.

Skipped when Chromium is missing, failed instead under BILINGUAL_PR_REQUIRE_INTEROP=1 (tests/interop/chromium.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from interop.chromium import devtools

pytestmark = pytest.mark.chromium

# Units written for this test: two releases, an error, warnings and an info, two findings on one unit (t3).
UNITS = [
    ("DG26-014", "La session s'ouvre à 10 heures.", "The session opens at 11 a.m."),
    ("DG26-014", "Le CERN publie ses résultats.", "CERN  publishes its  results."),
    ("DG26-015", "Le Conseil a adopté la résolution.", "The Council  adopted the resolution. "),
    ("DG26-015", "Le rapport compte 40 pages.", "The report has 40  pages."),
]


def _memory(path: Path) -> Path:
    tus = "".join(
        f'<tu tuid="t{n}"><prop type="x-source-doc">{doc}</prop><tuv xml:lang="fr"><seg>{fr}</seg></tuv>'
        f'<tuv xml:lang="en"><seg>{en}</seg></tuv></tu>\n' for n, (doc, fr, en) in enumerate(UNITS, 1))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
                    'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="fr" '
                    f'datatype="plaintext"/><body>\n{tus}</body></tmx>\n', encoding="utf-8")
    return path


def _check(*args: str):
    return CliRunner().invoke(main, ["check", *args, "--fail-on", "never"])


@pytest.fixture(scope="module")
def cdp(tmp_path_factory):
    with devtools(tmp_path_factory.mktemp("cdp") / "ud") as client:
        yield client


def _shown(cdp) -> list[str]:
    return cdp.js("Array.from(document.querySelectorAll('li.finding')).filter(li => !li.hidden)"
                  ".map(li => li.dataset.check + '@' + li.dataset.unit)")


def test_accept_a_finding_reload_download_and_ignore_it_next_run(cdp, tmp_path):
    memory = _memory(tmp_path / "release.tmx")
    page = tmp_path / "report.html"
    assert _check(str(memory), "-r", str(page)).exit_code == 0
    cdp.open(page.as_uri())
    assert cdp.js("document.body.dataset.ready") == "1"
    assert cdp.js("document.body.dataset.shown") == "5" and cdp.js("document.body.dataset.units") == "4"
    # Filter by severity as a reviewer does: errors off leaves the warnings and the info.
    cdp.js("document.querySelector('input[name=severity][value=error]').click()")
    assert "number-mismatch@0" not in _shown(cdp) and len(_shown(cdp)) == 4
    assert cdp.js("location.hash") == "#severity=warning,info"
    assert cdp.js("document.getElementById('unit-0').hidden") is True  # a unit with nothing shown is hidden
    # By release, then sorted by severity (the unit with an error first once errors are shown again).
    cdp.js("var r=document.getElementById('f-release'); r.value='DG26-015'; r.dispatchEvent(new Event('change'))")
    assert sorted(_shown(cdp)) == ["double-space@2", "double-space@3", "edge-space@2"]
    cdp.js("document.getElementById('reset').click()")
    cdp.js("var s=document.getElementById('f-sort'); s.value='severity'; s.dispatchEvent(new Event('change'))")
    assert cdp.js("document.querySelector('section.unit-group').id") == "unit-0"
    assert cdp.js("location.hash") == "#sort=severity"
    # Tick the doubled spaces of unit 2 (the click), and the key x on the focused finding of unit 3.
    key = cdp.js("document.querySelector('li[data-check=\"double-space\"][data-unit=\"1\"]').dataset.key")
    cdp.js(f"document.querySelector('input.accept-box[data-key=\"{key}\"]').click()")
    cdp.js("document.querySelector('li[data-check=\"double-space\"][data-unit=\"3\"]').focus()")
    cdp.key("x", "KeyX", 88)
    assert cdp.js("document.getElementById('accepted-count').textContent") == "2"
    # A reload keeps the ticks (local storage); hiding accepted findings hides them.
    cdp.open(page.as_uri())
    ticked = cdp.js("Array.from(document.querySelectorAll('input.accept-box')).filter(b => b.checked)"
                    ".map(b => b.closest('li').dataset.check + '@' + b.closest('li').dataset.unit)")
    assert sorted(ticked) == ["double-space@1", "double-space@3"]
    cdp.js("document.getElementById('f-accepted').click()")
    assert "double-space@1" not in _shown(cdp) and len(_shown(cdp)) == 3
    # Download the ignore file through the page's button.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    cdp.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
    cdp.js("document.getElementById('download').click()")
    saved = downloads / "release.qa-ignore.json"
    for _ in range(100):
        if saved.exists() and saved.stat().st_size:
            break
        time.sleep(0.1)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["kind"] == "qa-ignore" and len(doc["decisions"]) == 2
    assert cdp.errors() == []
    # Next run: exactly those two findings are skipped.
    res = _check(str(memory), "--ignore", str(saved))
    assert "2 accepted finding(s) skipped" in res.stderr
    listed = [line.split(": ", 1)[1] for line in res.stdout.splitlines()]
    assert sum("[double-space]" in line for line in listed) == 1 and len(listed) == 3
    # The next report, opened in a fresh browser storage, still exports what the file accepted.
    again = tmp_path / "again.html"
    assert _check(str(memory), "--ignore", str(saved), "-r", str(again)).exit_code == 0
    cdp.open(again.as_uri())
    cdp.js("localStorage.clear()")
    cdp.open(again.as_uri())
    assert cdp.js("document.body.dataset.shown") == "3"
    assert cdp.js("Object.keys(JSON.parse(localStorage.getItem('bilingual-pr/qa-ignore/release.tmx'))).length") == 2
    assert cdp.errors() == []
    # "Load ignore file" in a browser that has none: the first report ticks the two again.
    cdp.js("localStorage.clear()")
    cdp.open(page.as_uri())
    assert cdp.js("document.getElementById('accepted-count').textContent") == "0"
    _choose_file(cdp, saved)
    assert _wait(cdp, "document.getElementById('accepted-count').textContent") == "2"
    assert cdp.js("document.querySelectorAll('input.accept-box:checked').length") == 2
    # Another kind of decisions file is refused in one line on the page.
    review = tmp_path / "review.json"
    review.write_text(json.dumps({**doc, "kind": "review"}), encoding="utf-8")
    _choose_file(cdp, review)
    assert "not qa-ignore ones" in _wait(cdp, "document.getElementById('load-error').textContent")
    assert cdp.errors() == []


def _choose_file(cdp, path: Path) -> None:
    root = cdp.call("DOM.getDocument")["root"]["nodeId"]
    node = cdp.call("DOM.querySelector", nodeId=root, selector="#load")["nodeId"]
    cdp.call("DOM.setFileInputFiles", files=[str(path)], nodeId=node)


def _wait(cdp, expr: str):
    """The value of EXPR once it is truthy and not "0" (the page reads a chosen file asynchronously)."""
    for _ in range(100):
        value = cdp.js(expr)
        if value and value != "0":
            return value
        time.sleep(0.05)
    return cdp.js(expr)
