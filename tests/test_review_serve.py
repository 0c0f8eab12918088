"""`review serve` and `review TMX|RUN_DIR`: the loopback-only server that saves decisions, and the page command."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.decisions import dump_decisions
from bilingual_pr.errors import UserError

from test_review_apply import RELEASE, the_decisions, write_release


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org", "10.0.0.1"])
def test_non_loopback_hosts_are_refused(tmp_path, host):
    mem, _ = write_release(tmp_path / "run")
    res = CliRunner().invoke(main, ["review", "serve", str(mem), "--host", host])
    assert res.exit_code == 2 and "loopback" in res.output and "\n" not in res.output.strip()


@pytest.mark.parametrize("host, address", [("localhost", "127.0.0.1"), ("127.0.0.2", "127.0.0.2"), ("::1", "::1")])
def test_loopback_hosts_are_taken(host, address):
    from bilingual_pr.review_server import loopback_address

    assert loopback_address(host) == address


@pytest.fixture()
def served(tmp_path):
    from bilingual_pr.review import render_release_page
    from bilingual_pr.review_files import load_release
    from bilingual_pr.review_server import make_server, url_of

    mem, _ = write_release(tmp_path / "run")
    found = load_release([mem])
    server = make_server(found, lambda: render_release_page(found, None, server=True), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url_of(server), tmp_path / "run" / f"{RELEASE}.decisions.json"
    finally:
        server.shutdown()
        server.server_close()


def _request(url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


JSON = {"Content-Type": "application/json"}


def test_the_page_and_its_decisions(served):
    url, saved = served
    code, page = _request(url)
    assert code == 200 and "connect-src 'self'" in page and '"server": true' in page
    assert _request(url + "decisions")[0] == 404  # nothing saved yet
    body = dump_decisions(the_decisions()).encode("utf-8")
    code, text = _request(url + "decisions", body, JSON)
    assert code == 200 and "saved to" in text, text
    assert json.loads(saved.read_text(encoding="utf-8"))["decisions"] == dict(the_decisions().decisions)
    code, back = _request(url + "decisions")
    assert code == 200 and json.loads(back)["subject"] == dict(the_decisions().subject)


@pytest.mark.parametrize("change, code, message", [
    ("other memory", 400, "another version"),
    ("truncated", 400, "truncated"),
    ("text/plain", 415, "application/json"),
    ("foreign host", 403, "Host"),
    ("foreign origin", 403, "other sites"),
])
def test_bad_posts_leave_the_file_alone(served, change, code, message):
    url, saved = served
    good = dump_decisions(the_decisions())
    assert _request(url + "decisions", good.encode("utf-8"), JSON)[0] == 200
    before = saved.read_bytes()
    body, headers = good, dict(JSON)
    if change == "other memory":
        doc = json.loads(good)
        doc["subject"]["memory"] = "sha256:" + "1" * 32
        body = json.dumps(doc)
    elif change == "truncated":
        body = good[: len(good) // 3]
    elif change == "text/plain":
        headers = {"Content-Type": "text/plain"}
    elif change == "foreign host":
        headers["Host"] = "attacker.example:80"
    elif change == "foreign origin":
        headers["Origin"] = "http://attacker.example"
    got, text = _request(url + "decisions", body.encode("utf-8"), headers)
    assert got == code and message in text, text
    assert saved.read_bytes() == before


def test_page_command_finds_the_release_in_a_folder(tmp_path):
    write_release(tmp_path / "batch" / "one")
    res = CliRunner().invoke(main, ["review", str(tmp_path / "batch"), "-o", str(tmp_path / "p.html")])
    assert res.exit_code == 0, res.output
    assert f"7 pairs of {RELEASE} (3 to review)" in res.output
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert page.count('class="pair') == 7 and 'data-tuid="T-007:3"' in page
    # A review TMX alone brings its memory with it.
    res = CliRunner().invoke(main, ["review", str(tmp_path / "batch" / "one" / f"{RELEASE}.review.tmx"),
                                    "-o", str(tmp_path / "q.html")])
    assert res.exit_code == 0 and "7 pairs" in res.output


def test_page_command_errors_in_one_line(tmp_path):
    from bilingual_pr.formats.tmx import TmxHeader, write_tmx
    from bilingual_pr.formats.units import TranslationUnit

    write_release(tmp_path / "a")
    (tmp_path / "a" / "T-008.tmx").write_bytes((tmp_path / "a" / f"{RELEASE}.tmx").read_bytes()
                                               .replace(b"T-007:", b"T-008:"))
    write_tmx(tmp_path / "plain.tmx", [TranslationUnit("Bonjour.", "Hello.", "fr-FR", "en-GB")], TmxHeader())
    for args, message in [([str(tmp_path / "a")], "holds several releases (T-007, T-008)"),
                          ([str(tmp_path / "nowhere")], "no such file or folder"),
                          ([str(tmp_path / "plain.tmx")], "no release memory")]:
        res = CliRunner().invoke(main, ["review", *args, "-o", str(tmp_path / "p.html")])
        assert res.exit_code == 2 and message in res.output, res.output
        assert "\n" not in res.output.strip()
    assert not (tmp_path / "p.html").exists()


def test_load_release_by_name(tmp_path):
    from bilingual_pr.review_files import load_release

    write_release(tmp_path / "a")
    assert load_release([tmp_path], RELEASE).release == RELEASE
    with pytest.raises(UserError, match="no memory of release T-009"):
        load_release([tmp_path], "T-009")


def test_review_help_lists_the_subcommands():
    res = CliRunner().invoke(main, ["review", "--help"])
    assert res.exit_code == 0 and "apply" in res.output and "serve" in res.output and "page" in res.output


def test_ipv6_loopback_server(tmp_path):
    from bilingual_pr.review_files import load_release
    from bilingual_pr.review_server import make_server, url_of

    mem, _ = write_release(tmp_path / "run")
    try:
        server = make_server(load_release([mem]), lambda: "page", "::1", 0)
    except UserError:
        pytest.skip("no IPv6 loopback here")
    try:
        assert url_of(server).startswith("http://[::1]:")
    finally:
        server.server_close()


