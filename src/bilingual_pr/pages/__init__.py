"""The self-contained HTML pages (QA report, alignment review, concordance): one shell, rendered by Jinja2.

A page is a template under ``pages/templates/`` that extends ``base.html.j2``.
Autoescape is on for every template, so text from memories can never become
markup. Style and script are package files under ``pages/static/``, inlined at
render time with ``asset("name")`` so that a saved page works offline, under a
Content Security Policy that forbids fetching anything. Data for a script goes
through Jinja2's ``tojson`` filter, which escapes ``<``, ``>``, ``&`` and ``'``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

# A closing tag inside an inlined asset would end its element early and let the rest render as markup.
_CLOSERS = ("</style", "</script")


@lru_cache(maxsize=None)
def asset(name: str) -> Markup:
    """The text of the package file ``pages/static/NAME``, safe to inline inside ``<style>`` or ``<script>``."""
    text = resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")
    if any(closer in text.lower() for closer in _CLOSERS):
        raise ValueError(f"pages/static/{name} contains a closing style or script tag")
    return Markup(text)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt variable is a bug, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = asset
    return env


def render(template: str, **context: Any) -> str:
    """The page that ``pages/templates/TEMPLATE`` renders with CONTEXT (autoescaped, assets inlined)."""
    return _environment().get_template(template).render(**context)
