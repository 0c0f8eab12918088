"""The concordance page of ``tm serve`` in headless Chromium: type a phrase, see the hits with the phrase marked.

Skips when Chromium is missing and fails instead under BILINGUAL_PR_REQUIRE_INTEROP=1
(tests/interop/chromium.py). The API itself: tests/test_tm_serve.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from test_tm_db import RELEASE, aligned_tmx, run
from test_tm_serve import serving

# Memory text that looks like markup: it must show as text, never run or render.
HOSTILE = [("Le communiqué <b>embargo</b> cite la Haute-Commissaire.",
            "The <b>embargoed</b> release quotes the High Commissioner."),
           ("La Haute-Commissaire a écrit <script>window.pwned=1</script> dans sa note.",
            "The High Commissioner wrote <script>window.pwned=1</script> in her note."),
           ("<img src=x onerror=\"window.pwned=2\"> La Haute-Commissaire s’est rendue à Genève.",
            "<img src=x onerror=\"window.pwned=2\"> The High Commissioner went to Geneva.")]


@pytest.fixture(scope="module")
def cdp(tmp_path_factory):
    from interop.chromium import devtools

    with devtools(tmp_path_factory.mktemp("cdp") / "ud") as client:
        yield client


def _until(cdp, expr: str, timeout: float = 20) -> object:
    """Poll a JavaScript expression until it is truthy; its value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = cdp.js(expr)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"never true: {expr}")


def _type(cdp, text: str) -> None:
    """Type into the focused element as a keyboard would (input events and all)."""
    cdp.call("Input.insertText", text=text)


@pytest.mark.chromium
def test_typing_a_phrase_shows_the_hits_marked_and_memory_markup_as_text(tmp_path: Path, cdp) -> None:
    db = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), aligned_tmx(tmp_path / "odd.tmx", HOSTILE,
        changed="20260411T090000Z", doc="HRC26-009.fr.txt", release="HRC26-009"), "--db", db)
    with serving(str(db)) as server:
        cdp.open(server.url)
        assert cdp.js("document.body.dataset.ready") == "1"
        assert cdp.focused() == "q"  # the search box takes the keys at once
        _until(cdp, "document.getElementById('memory').textContent.includes('6 units')")
        _type(cdp, "haute commissaire")
        _until(cdp, "document.body.dataset.state === 'done'")
        assert cdp.js("document.body.dataset.shown") == "4"
        hits = json.loads(cdp.js("JSON.stringify(Array.from(document.querySelectorAll('#hits .hit')).map(li => ({"
                                 "marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent),"
                                 "sides: Array.from(li.querySelectorAll('.side')).map(p => [p.lang, "
                                 "p.textContent]),"
                                 "meta: li.querySelector('.meta').textContent})))"))
        # Newest first; the phrase marked where it is, in the French side only; the document shown.
        assert [h["marks"] for h in hits] == [["Haute-Commissaire"]] * 4
        assert hits[0]["sides"][0] == ["fr-FR", "fr-FR" + HOSTILE[2][0]]
        assert hits[1]["sides"][1] == ["en-GB", "en-GB" + HOSTILE[1][1]]
        assert "HRC26-009.fr.txt" in hits[0]["meta"] and "aligned" in hits[0]["meta"]
        assert hits[3]["sides"][0][1] == "fr-FR" + RELEASE[1][0] and "HRC26-001.fr.txt" in hits[3]["meta"]
        # Markup in a memory is text: no element made of it, nothing it says has run.
        assert cdp.js("document.querySelectorAll('#hits b, #hits script, #hits img').length") == 0
        assert cdp.js("typeof window.pwned") == "undefined"
        assert cdp.js("document.getElementById('status').textContent") == "4 units with “haute commissaire”"
        assert "q=haute+commissaire" in cdp.js("location.search")  # a link to share
        # The keyboard: j/k walk the hits, / goes back to the box.
        cdp.js("document.getElementById('q').blur()")
        cdp.press("j")
        assert cdp.focused() == "h1"
        cdp.press("j")
        assert cdp.focused() == "h2"
        cdp.press("k")
        assert cdp.focused() == "h1"
        cdp.press("/")
        assert cdp.focused() == "q"
        # Fuzzy matches of a sentence, in the other mode.
        cdp.js("document.querySelector('input[value=fuzzy]').click()")
        cdp.js("document.getElementById('q').value = ''")
        cdp.js("document.getElementById('q').focus()")
        _type(cdp, "Le Conseil reprendra ses travaux le 5 octobre 2027 à 16 heures.")
        _until(cdp, "document.body.dataset.state === 'done' && document.body.dataset.mode === 'fuzzy'"
                    " && document.querySelector('#hits .score') !== null")
        first = cdp.js("document.querySelector('#hits .hit').textContent")
        assert "repaired" in first and "The Council will resume its work on 5 October 2027 at 4 p.m." in first
        assert cdp.js("document.querySelectorAll('#hits mark').length") == 0
        cdp.js("document.querySelector('input[value=fuzzy]').focus()")
        cdp.press("j")  # on a radio button j is a command, not text
        assert cdp.focused() == "h1"
        assert cdp.errors() == []
        # A refusal of the server is said in the status line, not thrown.
        cdp.js("document.getElementById('min').focus(); document.getElementById('min').select()")
        _type(cdp, "150")
        _until(cdp, "document.body.dataset.state === 'error'")
        assert "min: '150' is not a number" in cdp.js("document.getElementById('status').textContent")
        assert cdp.js("document.querySelectorAll('#hits .hit').length") == 0
        # Esc in the search box clears the search.
        cdp.js("document.getElementById('q').focus()")
        cdp.key("Escape", "Escape", 27)
        _until(cdp, "document.body.dataset.state === 'idle'")
        assert cdp.js("document.getElementById('q').value") == "" and "q=" not in cdp.js("location.search")
