"""The HTML report in headless Chromium: it renders, filters and keys work, no console error, screenshot saved.

Skipped when Chromium is missing, failed instead under BILINGUAL_PR_REQUIRE_INTEROP=1.
Two drivers: a plain command-line run (--screenshot, console messages read
from --enable-logging) and, in one browser for the rest, the DevTools protocol
over a websocket (filters from the URL hash, key presses, clicking filters,
print media, exceptions and console errors).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import fixture_path
from interop import unavailable

pytestmark = pytest.mark.chromium

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars"]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        unavailable("chromium not installed (Debian package chromium)")
    return exe


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    from bilingual_pr.glossary import load_glossary
    from bilingual_pr.qa.inputs import open_input
    from bilingual_pr.qa.report_html import render_html
    from bilingual_pr.qa.runner import run_checks

    g = load_glossary(fixture_path("qa", "glossary.csv"), "en", "fr")
    report = run_checks(open_input([fixture_path("qa", "seeded.tmx")]).read, glossary=g, input_name="seeded.tmx")
    assert len(report.findings) == 20
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def _run(args: list[str], profile: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    cmd = [_chromium(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def _console_problems(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def test_renders_and_saves_a_screenshot(report_html, tmp_path):
    shot = tmp_path / "report.png"
    res = _run([f"--screenshot={shot}", "--window-size=1280,1800", report_html.as_uri()], tmp_path / "ud-shot")
    assert res.returncode == 0, res.stderr[-2000:]
    assert _console_problems(res.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


class _Cdp:
    """A minimal DevTools-protocol client over websocket-client."""

    def __init__(self, ws) -> None:
        self.ws, self.n, self.events = ws, 0, []

    def call(self, method: str, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                assert "error" not in msg, msg
                return msg.get("result", {})
            self.events.append(msg)

    def wait(self, method: str, timeout: float = 60) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for e in self.events:
                if e.get("method") == method:
                    self.events.remove(e)
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise AssertionError(f"no {method} event")

    def js(self, expr: str):
        res = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        assert "exceptionDetails" not in res, res
        return res["result"].get("value")

    def key(self, key: str, code: str, vk: int) -> None:
        for kind in ("keyDown", "keyUp"):
            params = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk}
            if kind == "keyDown" and len(key) == 1:
                params["text"] = key
            self.call("Input.dispatchKeyEvent", **params)


@pytest.fixture(scope="module")
def cdp(tmp_path_factory):
    websocket = pytest.importorskip("websocket") if not _interop() else __import__("websocket")
    profile = tmp_path_factory.mktemp("cdp") / "ud"
    proc = subprocess.Popen([_chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "--remote-allow-origins=*", "--window-size=1280,1000", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(600):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        else:
            pytest.fail("chromium did not open its DevTools port within 60 s")
        port = int(port_file.read_text().split()[0])
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = next(t for t in targets if t["type"] == "page")
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        client = _Cdp(ws)
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            client.call(domain)
        yield client
        ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _open(cdp: _Cdp, url: str) -> None:
    cdp.events.clear()
    cdp.call("Page.navigate", url="about:blank")
    cdp.wait("Page.loadEventFired")
    cdp.call("Page.navigate", url=url)
    cdp.wait("Page.loadEventFired")


def _errors(cdp: _Cdp) -> list[dict]:
    return [e for e in cdp.events if e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "warning"))
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]


def test_error_capture_works(cdp, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><title>x</title><script>console.error('boom'); nope();</script>", encoding="utf-8")
    _open(cdp, bad.as_uri())
    cdp.js("1")  # let pending events arrive
    assert any(e.get("method") == "Runtime.exceptionThrown" for e in _errors(cdp))


@pytest.mark.parametrize("hash_, shown, checks", [
    ("#check=term-forbidden", 1, {"term-forbidden"}),
    ("#severity=info", 2, {"inconsistent-source", "edge-space"}),
    ("#check=term-forbidden&severity=warning", 0, set()),
])
def test_filters_read_from_the_url_hash(report_html, cdp, hash_, shown, checks):
    _open(cdp, report_html.as_uri() + hash_)
    assert cdp.js("document.body.dataset.ready") == "1"
    assert cdp.js("document.body.dataset.shown") == str(shown)
    visible = cdp.js("Array.from(document.querySelectorAll('li.finding')).filter(li => !li.hidden)"
                     ".map(li => li.dataset.check)")
    assert set(visible) == checks and len(visible) == shown
    assert cdp.js("document.getElementById('empty').hidden") is (shown != 0)
    assert _errors(cdp) == []


def _interop() -> bool:
    from interop import interop_required

    return interop_required()


def test_keyboard_filters_print_and_no_console_error(report_html, cdp, tmp_path):
    _open(cdp, report_html.as_uri())
    assert cdp.js("document.body.dataset.ready") == "1"
    assert cdp.js("document.body.dataset.shown") == "20"
    # j / k move between findings, "/" jumps to the check filter.
    cdp.key("j", "KeyJ", 74)
    assert cdp.js("document.activeElement.id") == "F1"
    cdp.key("j", "KeyJ", 74)
    assert cdp.js("document.activeElement.id") == "F2"
    cdp.key("k", "KeyK", 75)
    assert cdp.js("document.activeElement.id") == "F1"
    cdp.key("/", "Slash", 191)
    assert cdp.js("document.activeElement.id") == "f-check"
    # Filtering with the controls, as a reviewer does, updates the count and the URL hash.
    cdp.js("var s=document.getElementById('f-check'); s.value='number-mismatch'; s.dispatchEvent(new Event('change'))")
    assert cdp.js("document.body.dataset.shown") == "1"
    assert cdp.js("location.hash") == "#check=number-mismatch"
    cdp.js("document.querySelector('input[name=severity][value=error]').click()")
    assert cdp.js("document.body.dataset.shown") == "0"
    assert cdp.js("document.getElementById('empty').hidden") is False
    cdp.js("document.getElementById('reset').click()")
    assert cdp.js("document.body.dataset.shown") == "20"
    # The summary's check buttons filter too.
    cdp.js("document.querySelector('button[data-filter-check=\"untranslated\"]').click()")
    assert cdp.js("document.body.dataset.shown") == "1"
    # Tab order: from the last control, Tab lands on the (only) finding shown.
    cdp.js("document.getElementById('reset').focus()")
    cdp.key("Tab", "Tab", 9)
    assert cdp.js("document.activeElement.dataset.check") == "untranslated"
    # Print media hides the controls; a PDF comes out.
    cdp.call("Emulation.setEmulatedMedia", media="print")
    assert cdp.js("getComputedStyle(document.getElementById('filters')).display") == "none"
    pdf = base64.b64decode(cdp.call("Page.printToPDF")["data"])
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)
    cdp.call("Emulation.setEmulatedMedia", media="screen")
    shot = base64.b64decode(cdp.call("Page.captureScreenshot", format="png")["data"])
    (tmp_path / "report-cdp.png").write_bytes(shot)
    assert _errors(cdp) == []
