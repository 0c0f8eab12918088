"""The shell shared by the self-contained HTML pages (QA report, alignment review).

Both pages carry their style and script inline under a Content Security Policy
that forbids any other asset, and both let ``j``/``k`` walk the items shown.
"""

from __future__ import annotations

import html

# Only inline style and script, and data: images: nothing can be fetched from elsewhere.
_HEAD = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'; img-src data:\">")


def page_head(title: str, css: str) -> str:
    """The doctype and ``<head>`` (charset, viewport, CSP, escaped title, inline CSS) of a self-contained page."""
    return f"{_HEAD}<title>{html.escape(title)}</title><style>{css}</style></head>"


def page_end(js: str) -> str:
    """The inline script and the closing tags of a self-contained page."""
    return f"<script>{js}</script></body></html>\n"


def focus_walk_js(items: str) -> str:
    """JavaScript ``visible()`` and ``move(step)`` that focus the next or previous shown element of array ``items``."""
    return f"""  function visible(){{ return {items}.filter(function(el){{ return !el.hidden; }}); }}
  function move(step){{
    var vis = visible();
    if (!vis.length) {{ return; }}
    var at = vis.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : vis.length - 1) : Math.min(vis.length - 1, Math.max(0, at + step));
    vis[next].focus();
    vis[next].scrollIntoView({{block: "nearest"}});
  }}"""
