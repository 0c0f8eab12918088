"""Headless Chromium for the tests of self-contained HTML pages: command-line runs and a small DevTools client.

``chromium_exe()`` skips (or fails under BILINGUAL_PR_REQUIRE_INTEROP=1) when
Chromium is missing. ``run_chromium`` runs one command-line job (``--dump-dom``,
``--screenshot``) with a fresh profile; ``devtools(profile)`` starts one browser
and yields a ``Cdp`` client for key presses, JavaScript, print media, PDF and screenshots.
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from interop import require_module, unavailable

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars"]
# DevTools key events want the DOM code and the Windows virtual-key code as well as the key.
KEYS = {"j": ("KeyJ", 74), "k": ("KeyK", 75), "l": ("KeyL", 76), "/": ("Slash", 191), "Tab": ("Tab", 9)}


def chromium_exe() -> str:
    """Path of the Chromium binary (skip, or fail when interop tools are required)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        unavailable("chromium not installed (Debian package chromium)")
    return exe  # type: ignore[return-value]


def run_chromium(args: list[str], profile: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    """One headless Chromium run with a fresh user-data-dir; console messages land in stderr."""
    cmd = [chromium_exe(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def console_problems(stderr: str) -> list[str]:
    """Console messages and uncaught exceptions reported by a command-line run."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


class Cdp:
    """A minimal DevTools-protocol client over websocket-client."""

    def __init__(self, ws) -> None:
        self.ws, self.n, self.events = ws, 0, []

    def call(self, method: str, **params):
        """Send one command and return its result (events met meanwhile are kept)."""
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                assert "error" not in msg, msg
                return msg.get("result", {})
            self.events.append(msg)

    def wait(self, method: str, timeout: float = 60) -> dict:
        """The next event called ``method``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for e in self.events:
                if e.get("method") == method:
                    self.events.remove(e)
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise AssertionError(f"no {method} event")

    def js(self, expr: str):
        """Evaluate JavaScript in the page and return its value."""
        res = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        assert "exceptionDetails" not in res, res
        return res["result"].get("value")

    def key(self, key: str, code: str, vk: int) -> None:
        """Press and release one key."""
        for kind in ("keyDown", "keyUp"):
            params = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk}
            if kind == "keyDown" and len(key) == 1:
                params["text"] = key
            self.call("Input.dispatchKeyEvent", **params)

    def press(self, key: str) -> None:
        """Press and release one of the keys the pages use (j, k, l, /, Tab)."""
        self.key(key, *KEYS[key])

    def focused(self) -> str:
        """The id of the focused element."""
        return self.js("document.activeElement.id")

    def media(self, kind: str) -> None:
        """Emulate the CSS media type ``print`` or ``screen``."""
        self.call("Emulation.setEmulatedMedia", media=kind)

    def print_pdf(self, path: Path) -> bytes:
        """Print the page to PDF, save it at ``path`` and return its bytes."""
        pdf = base64.b64decode(self.call("Page.printToPDF")["data"])
        path.write_bytes(pdf)
        return pdf

    def screenshot(self, path: Path) -> bytes:
        """Save a PNG screenshot of the page at ``path`` and return its bytes."""
        png = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(png)
        return png

    def open(self, url: str) -> None:
        """Load a page (through about:blank, so the same URL with another hash loads afresh)."""
        self.events.clear()
        self.call("Page.navigate", url="about:blank")
        self.wait("Page.loadEventFired")
        self.call("Page.navigate", url=url)
        self.wait("Page.loadEventFired")

    def errors(self) -> list[dict]:
        """Exceptions, console errors/warnings and log errors seen since the last ``open``."""
        return [e for e in self.events if e.get("method") == "Runtime.exceptionThrown"
                or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "warning"))
                or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]


@contextlib.contextmanager
def devtools(profile: Path) -> Iterator[Cdp]:
    """Start one headless Chromium with a DevTools port and yield a client attached to its page."""
    websocket = require_module("websocket")
    proc = subprocess.Popen([chromium_exe(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
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
        client = Cdp(ws)
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            client.call(domain)
        try:
            yield client
        finally:
            ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
