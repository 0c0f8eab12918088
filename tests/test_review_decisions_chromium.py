"""The review page's decisions in Chromium: keys, an edit typed in, reload, export, import, then `review apply`.

The release is the one of tests/test_review_apply.py (its TMX written by ``write_release``); the
decisions taken here by key are those of its ``the_decisions()``, so that the memory `review apply`
writes from the exported file must hold the same texts. Skips without Chromium (fails under
BILINGUAL_PR_REQUIRE_INTEROP=1).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import read_tmx, read_tmx_header

from test_review_apply import RELEASE, the_decisions, write_release

ROOT = Path(__file__).resolve().parents[1]
KEYS = {k: (f"Key{k.upper()}", ord(k.upper())) for k in "aejkmrsu"} | {"2": ("Digit2", 50)}


def press(cdp, key: str, modifiers: int = 0) -> None:
    code, vk = KEYS[key] if key in KEYS else (key, {"Enter": 13}[key])
    for kind in ("keyDown", "keyUp"):
        params = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers}
        if kind == "keyDown" and len(key) == 1 and not modifiers:
            params["text"] = key
        cdp.call("Input.dispatchKeyEvent", **params)


def decisions_on_page(cdp) -> dict:
    return json.loads(cdp.js("JSON.stringify(reviewMarks.envelope())"))["decisions"]


@pytest.fixture(scope="module")
def cdp(tmp_path_factory):
    from interop.chromium import devtools

    with devtools(tmp_path_factory.mktemp("cdp") / "ud") as client:
        yield client


def review_by_key(cdp) -> None:
    """Take the_decisions() on the open page: accept 1, edit 2, split 3/4, merge 5 with 6, reject 7."""
    cdp.js("document.getElementById('reviewer').focus()")
    cdp.call("Input.insertText", text="mdupont")
    cdp.js("document.getElementById('reviewer').blur()")
    press(cdp, "j")
    assert cdp.focused() == "p1"
    press(cdp, "a")
    press(cdp, "j")
    press(cdp, "e")
    assert cdp.js("document.activeElement.tagName") == "TEXTAREA"
    cdp.js("document.querySelectorAll('#p2 textarea')[1].focus(); document.querySelectorAll('#p2 textarea')[1].select()")
    cdp.call("Input.insertText", text="Delegations will arrive on Monday.")
    press(cdp, "Enter", modifiers=2)  # Ctrl+Enter saves
    assert cdp.focused() == "p2"
    press(cdp, "j")
    press(cdp, "s")
    press(cdp, "2")  # the last English sentence of 3 goes to 4
    press(cdp, "j")
    press(cdp, "j")
    assert cdp.focused() == "p5"
    press(cdp, "m")
    press(cdp, "j")
    press(cdp, "j")
    assert cdp.focused() == "p7"
    press(cdp, "r")


@pytest.mark.chromium
def test_decisions_by_key_survive_a_reload_and_apply(tmp_path, cdp):
    mem, _ = write_release(tmp_path / "run")
    page = tmp_path / "review.html"
    res = CliRunner().invoke(main, ["review", str(tmp_path / "run"), "-o", str(page)])
    assert res.exit_code == 0, res.output
    cdp.open(page.as_uri())
    cdp.js("localStorage.clear()")
    cdp.open(page.as_uri())
    assert cdp.js("document.body.dataset.left") == "7"
    # Without a reviewer id nothing is decided, and the page says why.
    press(cdp, "j")
    press(cdp, "a")
    assert cdp.js("document.body.dataset.left") == "7"
    assert "reviewer id" in cdp.js("document.getElementById('message').textContent")
    review_by_key(cdp)
    actions = cdp.js("Array.from(document.querySelectorAll('tr.pair')).map(r => r.dataset.decision).join(',')")
    assert actions == "accept,edit,split,split,merge,merged,reject"
    assert cdp.js("document.getElementById('p4').querySelector('td.tgt').textContent") == \
        "A reception follows. Journalists are welcome."
    assert cdp.js("document.body.dataset.left") == "0"
    assert cdp.js("document.getElementById('release-reviewed').disabled") is False
    cdp.js("document.getElementById('release-reviewed').click()")
    # Undo and redo one, then reload: everything is kept in local storage.
    cdp.js("document.getElementById('p7').focus()")
    press(cdp, "u")
    assert cdp.js("document.body.dataset.left") == "1"
    assert "release" not in decisions_on_page(cdp)  # a release with an open pair is not reviewed
    press(cdp, "r")
    cdp.js("document.getElementById('release-reviewed').click()")
    cdp.open(page.as_uri())
    assert cdp.js("document.body.dataset.left") == "0"
    assert cdp.js("document.getElementById('reviewer').value") == "mdupont"
    assert cdp.js("document.getElementById('release-reviewed').checked") is True
    # Order by confidence and filter: the lowest first, the undecided only (none left).
    cdp.js("var o = document.getElementById('order'); o.value = 'confidence'; o.dispatchEvent(new Event('change'))")
    assert cdp.js("document.querySelector('tr.pair').id") == "p5"
    cdp.js("document.getElementById('only-open').click()")
    assert cdp.js("document.body.dataset.shown") == "0"
    cdp.js("document.getElementById('only-open').click()")
    cdp.screenshot(tmp_path / "decided.png")
    assert cdp.errors() == []

    # Export through the page's own button (a download), then apply.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    cdp.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
    cdp.js("document.getElementById('export').click()")
    exported = downloads / f"{RELEASE}.decisions.json"
    for _ in range(100):
        if exported.exists() and exported.stat().st_size:
            break
        time.sleep(0.1)
    page_decisions = json.loads(exported.read_text(encoding="utf-8"))
    assert page_decisions["subject"] == dict(the_decisions().subject)
    out = tmp_path / "out" / "fixed.tmx"
    out.parent.mkdir()
    res = CliRunner().invoke(main, ["review", "apply", str(exported), str(mem), "-o", str(out)])
    assert res.exit_code == 0, res.output
    from bilingual_pr.review_apply import apply_decisions
    from test_review_apply import units

    expected = apply_decisions(*units(), the_decisions(), RELEASE)
    got = list(read_tmx(out))
    assert [(u.tuid, u.source, u.target, u.prop("x-review-action")) for u in got] == \
        [(u.tuid, u.source, u.target, u.prop("x-review-action")) for u in expected.memory]
    assert all(u.prop("x-reviewer") == "mdupont" and u.prop("x-confirmed") for u in got)
    assert list(read_tmx(out.with_name("fixed.review.tmx"))) == []
    assert dict(read_tmx_header(out).props)["x-bilingual-pr-release-reviewed"].endswith(" mdupont")

    # Import: a fresh browser storage gets the decisions back from the file; a file of another memory is refused.
    cdp.js("localStorage.clear()")
    cdp.open(page.as_uri())
    assert cdp.js("document.body.dataset.left") == "7"
    other = json.loads(exported.read_text(encoding="utf-8"))
    other["subject"]["memory"] = "sha256:" + "0" * 32
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    _choose_file(cdp, tmp_path / "other.json")
    assert "another version" in _wait_message(cdp)
    assert cdp.js("document.body.dataset.left") == "7"
    _choose_file(cdp, exported)
    assert _wait_message(cdp) == "Decisions imported."
    assert cdp.js("document.body.dataset.left") == "0"
    assert cdp.errors() == []


def _choose_file(cdp, path: Path) -> None:
    cdp.js("document.getElementById('message').textContent = ''")
    root = cdp.call("DOM.getDocument")["root"]["nodeId"]
    node = cdp.call("DOM.querySelector", nodeId=root, selector="#import")["nodeId"]
    cdp.call("DOM.setFileInputFiles", nodeId=node, files=[str(path)])


def _wait_message(cdp) -> str:
    for _ in range(100):
        text = cdp.js("document.getElementById('message').textContent")
        if text:
            return text
        time.sleep(0.05)
    return ""


@pytest.mark.chromium
def test_served_page_saves_each_decision_to_disk(tmp_path, cdp):
    mem, _ = write_release(tmp_path / "run")
    proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "review", "serve", str(mem), "--no-glossary"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        line = proc.stdout.readline()
        url = line.split(": ", 1)[1].split(" ", 1)[0]
        assert url.startswith("http://127.0.0.1:"), line
        cdp.open(url)
        cdp.js("localStorage.clear()")
        cdp.open(url)
        review_by_key(cdp)
        saved = tmp_path / "run" / f"{RELEASE}.decisions.json"
        for _ in range(100):
            if cdp.js("document.body.dataset.saved") == "7":
                break
            time.sleep(0.05)
        on_disk = json.loads(saved.read_text(encoding="utf-8"))
        assert on_disk["decisions"] == decisions_on_page(cdp) and len(on_disk["decisions"]) == 7
        assert "saved to" in cdp.js("document.getElementById('saved').textContent")
        # Another browser (storage cleared) gets them back from the server.
        cdp.js("localStorage.clear()")
        cdp.open(url)
        for _ in range(100):  # the served page starts once it has fetched what was saved
            if cdp.js("document.body.dataset.ready") == "1":
                break
            time.sleep(0.05)
        assert cdp.js("document.body.dataset.left") == "0"
        assert cdp.errors() == []
        # The saved file applies as the exported one does.
        out = tmp_path / "fixed.tmx"
        res = CliRunner().invoke(main, ["review", "apply", str(saved), str(mem), "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert len(list(read_tmx(out))) == 5
    finally:
        proc.terminate()
        proc.wait(timeout=10)
