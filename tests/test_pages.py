"""The page shell: autoescaped templates, assets inlined from package files."""

from __future__ import annotations

import re

import jinja2
import pytest

from bilingual_pr import pages


def _render_child(tmp_path, monkeypatch, body: str, **context) -> str:
    """Render a one-off template that extends the real base, from a loader that also sees the package's."""
    env = pages._environment()
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({"child.html.j2": body}), env.loader])
    monkeypatch.setattr(env, "loader", loader)
    env.cache = {} if env.cache is not None else None
    return pages.render("child.html.j2", **context)


def test_text_from_a_memory_is_escaped(tmp_path, monkeypatch):
    html = _render_child(tmp_path, monkeypatch,
                         '{% extends "base.html.j2" %}{% block title %}{{ t }}{% endblock %}'
                         '{% block body %}<p>{{ t }}</p>{% endblock %}',
                         t='<script>alert("x")</script> & « ONUG »')
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; « ONUG »" in html


def test_the_shell_inlines_its_style_and_script_and_forbids_fetching(tmp_path, monkeypatch):
    html = _render_child(tmp_path, monkeypatch, '{% extends "base.html.j2" %}{% block title %}T{% endblock %}')
    assert "function moveIn(items, step)" in html
    assert ".visually-hidden{" in html
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert csp.startswith("default-src 'none';")
    assert "http" not in csp
    assert "<link" not in html and " src=" not in html


def test_data_for_a_script_cannot_close_the_script(tmp_path, monkeypatch):
    html = _render_child(tmp_path, monkeypatch,
                         '{% extends "base.html.j2" %}{% block script %}var d = {{ d|tojson }};{% endblock %}',
                         d={"target": "</script><b>x</b>"})
    script = html.split("<script>", 1)[1]
    assert script.count("</script>") == 1


def test_a_misspelt_variable_is_an_error_not_an_empty_string(tmp_path, monkeypatch):
    with pytest.raises(jinja2.UndefinedError):
        _render_child(tmp_path, monkeypatch, '{% extends "base.html.j2" %}{% block body %}{{ nope }}{% endblock %}')


def test_an_asset_that_would_close_its_element_is_refused(monkeypatch, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "bad.js").write_text("var x = '</SCRIPT>';", encoding="utf-8")

    class Files:
        def joinpath(self, *parts):
            return tmp_path.joinpath(*parts)

    monkeypatch.setattr(pages.resources, "files", lambda _package: Files())
    pages.asset.cache_clear()
    try:
        with pytest.raises(ValueError, match="closing style or script tag"):
            pages.asset("bad.js")
    finally:
        pages.asset.cache_clear()
