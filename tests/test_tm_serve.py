"""``tm serve``: the team server's JSON API on both backends, its refusals, imports, threads and the command.

The server runs in a thread on port 0 and is asked with urllib, as a script of a team
would; the tests that take ``db`` run on an SQLite file and on a throwaway PostgreSQL
database (tests/test_tm_db.py's fixture). The page in a browser: tests/test_tm_serve_chromium.py.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest

from bilingual_pr.tm.exchange import upload_name
from bilingual_pr.tm.records import concordance_record
from bilingual_pr.tm.server import ServeOptions, TMServer, is_loopback
from bilingual_pr.tm.units import StoredUnit

import test_tm_db
from test_tm_db import RELEASE, aligned_tmx, run

db = test_tm_db.db  # the memory fixture: an SQLite file, then a PostgreSQL database

SRC = Path(__file__).resolve().parents[1] / "src"


@contextlib.contextmanager
def serving(db_url: str, **options: Any) -> Iterator[TMServer]:
    """A server of ``db_url`` on a free loopback port, in a thread, stopped and closed at the end."""
    server = TMServer(ServeOptions(db=db_url, port=0, **options))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def call(server: TMServer, path: str, params: dict[str, str] | None = None, *, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """The status and the JSON answer of one request (an HTTP error's body too)."""
    url = server.url + path.lstrip("/") + ("?" + urllib.parse.urlencode(params) if params else "")
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        raw = err.read()
        assert raw.count(b"\n") == 1 and b"Traceback" not in raw, raw  # one JSON line
        return err.code, json.loads(raw)


def cli_json(*args: object) -> Any:
    res = run(*args, "--format", "json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


OCTETS = {"Content-Type": "application/octet-stream"}


def test_the_api_answers_what_the_command_line_prints(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    with serving(db) as server:
        sentence = "Le Conseil reprendra ses travaux le 5 octobre 2027 à 16 heures."
        status, found = call(server, "/api/search", {"q": sentence, "from": "fr", "to": "en", "min": "50"})
        assert status == 200
        assert found == cli_json("tm", "search", sentence, "--db", db, "--source-lang", "fr", "--target-lang", "en",
                                 "--min", "50")
        assert found[0]["kind"] == "repaired" and "5 October 2027" in found[0]["target"]
        status, hits = call(server, "/api/concord", {"q": "haute commissaire", "lang": "fr"})
        assert status == 200
        assert hits == cli_json("tm", "concord", "haute commissaire", "--db", db, "--lang", "fr")
        assert [(h["source"], h["spans"]) for h in hits] == [(RELEASE[1][0], {"source": [[3, 20]], "target": []})]
        status, stats = call(server, "/api/stats")
        assert status == 200 and stats["units"] == len(RELEASE) and stats["by_pair"] == {"fr-en": len(RELEASE)}
        assert call(server, "/api/concord", {"q": "Conseil", "lang": "fr", "limit": "1"})[1][0]["source"] == RELEASE[2][0]


def test_concordance_spans_are_code_points_in_the_side_asked() -> None:
    unit = StoredUnit(1, "Le 🇨🇭 Conseil des droits de l’Homme, à Genève.",
                      "The Human Rights Council, in Geneva.", "fr-CH", "en-GB", "human")
    record = concordance_record(unit, "droits de l'homme", "fr")
    (start, end), = record["spans"]["source"]
    assert unit.source[start:end] == "droits de l’Homme" and record["spans"]["target"] == []
    at = unit.target.index("Geneva")
    assert concordance_record(unit, "geneva", "en")["spans"] == {"source": [], "target": [[at, at + 6]]}
    assert record["id"] == 1 and record["origin"] == "human"  # every field of the unit besides


@pytest.mark.parametrize(("path", "params", "status", "says"), [
    ("/api/search", {"from": "fr", "to": "en"}, 400, "q: give a text"),
    ("/api/search", {"q": "Genève", "from": "fr"}, 400, "to: give a language"),
    ("/api/search", {"q": "Genève", "from": "de", "to": "en"}, 400, "from: unsupported language 'de'"),
    ("/api/search", {"q": "Genève", "from": "fr", "to": "en", "min": "120"}, 400, "min: '120' is not a number"),
    ("/api/search", {"q": "Genève", "from": "fr", "to": "en", "limit": "0"}, 400, "limit: '0' is not a whole number"),
    ("/api/search", {"q": "x" * 2001, "from": "fr", "to": "en"}, 400, "longer than 2000"),
    ("/api/concord", {"q": "Genève", "lang": "fr", "langue": "fr"}, 400, "unknown parameter 'langue'"),
    ("/api/concord", {"q": "Genève", "lang": "fr", "limit": "deux"}, 400, "limit: 'deux'"),
    ("/api/stats", {"q": "x"}, 400, "unknown parameter 'q'"),
    ("/api/nothing", None, 404, "no such page or endpoint: /api/nothing"),
])
def test_a_bad_request_is_one_json_line(tmp_path: Path, path, params, status, says) -> None:
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    with serving(str(db_path)) as server:
        got, answer = call(server, path, params)
    assert got == status and says in answer["error"], answer


def test_malformed_queries_and_methods(tmp_path: Path) -> None:
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    with serving(str(db_path)) as server:
        assert call(server, "/api/concord?q=%ff&lang=fr")[0] == 400  # not UTF-8
        assert call(server, "/api/concord?q=a&q=b&lang=fr") == (400, {"error": "parameter 'q' given twice"})
        status, answer = call(server, "/api/search", data=b"x", headers=OCTETS)
        assert status == 405 and "takes GET" in answer["error"]
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request("DELETE", "/api/stats")
        res = conn.getresponse()
        assert res.status == 501 and json.loads(res.read())["error"].startswith("Unsupported method")


def test_a_fault_of_ours_is_logged_on_the_server_never_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bilingual_pr.tm import server as server_module

    def broken(backend, query):
        raise RuntimeError("secret detail of the fault")

    monkeypatch.setattr(server_module, "concord_answer", broken)
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    lines: list[str] = []
    with serving(str(db_path), log=lines.append) as server:
        assert call(server, "/api/concord", {"q": "Genève", "lang": "fr"}) == \
            (500, {"error": "internal error (see the server's log)"})
        assert call(server, "/api/stats")[0] == 200  # the worker serves on
    assert any("Traceback" in line and "secret detail of the fault" in line for line in lines)
    assert any('"GET /api/stats HTTP/1.1" 200' in line for line in lines)


def test_a_read_only_server_refuses_imports(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    body = aligned_tmx(tmp_path / "next.tmx", [("Le CERN a inauguré un nouvel accélérateur.",
                                                "CERN inaugurated a new accelerator.")], release="CERN-1").read_bytes()
    with serving(db) as server:
        status, answer = call(server, "/api/import", {"name": "next.tmx"}, data=body, headers=OCTETS)
        assert status == 403 and "read-only" in answer["error"] and "--allow-import" in answer["error"]
        assert call(server, "/api/stats")[1]["units"] == len(RELEASE)


def test_an_import_is_one_transaction_and_idempotent(db: str, tmp_path: Path) -> None:
    cern = [("Le CERN a inauguré un nouvel accélérateur à Meyrin.", "CERN inaugurated a new accelerator in Meyrin."),
            ("La cérémonie a réuni 300 invités.", "The ceremony brought together 300 guests.")]
    body = aligned_tmx(tmp_path / "cern.tmx", cern, doc="CERN-2026-09.fr.txt", release="CERN-9").read_bytes()
    with serving(db, allow_import=True) as server:
        status, report = call(server, "/api/import", {"name": "cern.tmx"}, data=body, headers=OCTETS)
        assert (status, report) == (200, {"file": "cern.tmx", "read": 2, "added": 2, "updated": 0, "unchanged": 0,
                                          "skipped": 0})
        assert call(server, "/api/import", {"name": "cern.tmx"}, data=body, headers=OCTETS)[1]["unchanged"] == 2
        hits = call(server, "/api/concord", {"q": "Meyrin", "lang": "en"})[1]
        assert [(h["origin"], h["document"]) for h in hits] == [("aligned", "CERN-2026-09.fr.txt")]
        # A file broken after its first units leaves nothing of it, as `tm import` does.
        broken = body.replace(b"Meyrin", b"Prevessin")[:-30]
        status, answer = call(server, "/api/import", {"name": "broken.tmx"}, data=broken, headers=OCTETS)
        assert status == 400 and answer["error"].startswith("broken.tmx") and "/tmp" not in answer["error"]
        assert call(server, "/api/concord", {"q": "Prevessin", "lang": "en"})[1] == []
        # Pairs: the name gives the format and the document, from/to the languages.
        pairs = "Le Comité se réunira à Genève.\tThe Committee will meet in Geneva.\n".encode()
        status, report = call(server, "/api/import", {"name": "../../etc/comite.tsv", "from": "fr", "to": "en"},
                              data=pairs, headers=OCTETS)
        assert status == 200 and report["file"] == "comite.tsv" and report["added"] == 1
        hits = call(server, "/api/concord", {"q": "comité", "lang": "fr"})[1]
        assert [(h["document"], h["origin"]) for h in hits] == [("comite.tsv", "human")]
        status, answer = call(server, "/api/import", {"name": "x.tsv", "origin": "robot"}, data=pairs, headers=OCTETS)
        assert status == 400 and "origin: 'robot'" in answer["error"]


def test_an_import_must_come_from_a_script_not_a_web_page(tmp_path: Path) -> None:
    db_path = str(tmp_path / "m.sqlite")
    pairs = "fr\ten\nLe Comité se réunira à Genève.\tThe Committee will meet in Geneva.\n".encode()
    with serving(db_path, allow_import=True, max_upload=1000) as server:
        # What a form on another site could send without asking first is refused.
        status, answer = call(server, "/api/import", {"name": "a.tsv"}, data=pairs,
                              headers={"Content-Type": "text/plain"})
        assert status == 415 and "application/octet-stream" in answer["error"]
        status, answer = call(server, "/api/import", {"name": "a.tsv"}, data=pairs,
                              headers={**OCTETS, "Origin": "http://evil.example"})
        assert status == 403 and "another site" in answer["error"]
        status, answer = call(server, "/api/import", {"name": "a.tsv"}, data=pairs * 50, headers=OCTETS)
        assert status == 413 and "at most 1000" in answer["error"]
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.putrequest("POST", "/api/import?name=a.tsv")
        conn.putheader("Content-Type", "application/octet-stream")
        conn.endheaders()
        res = conn.getresponse()
        assert res.status == 411 and "Content-Length" in json.loads(res.read())["error"]
        assert call(server, "/api/stats")[1]["units"] == 0
        same_site = {**OCTETS, "Origin": server.url.rstrip("/")}
        assert call(server, "/api/import", {"name": "a.tsv"}, data=pairs, headers=same_site)[1]["added"] == 1


def test_a_loopback_server_answers_only_to_its_own_names(tmp_path: Path) -> None:
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    port = None
    with serving(str(db_path)) as server:
        port = server.server_address[1]
        for host, status in ((f"evil.example:{port}", 421), (f"localhost:{port}", 200), (f"127.0.0.1:{port}", 200)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/stats", headers={"Host": host})
            res = conn.getresponse()
            assert res.status == status, (host, res.read())
            res.read()
    assert port


def test_each_worker_has_its_own_connection(db: str, tmp_path: Path) -> None:
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db)
    with serving(db, workers=4) as server:
        expected = call(server, "/api/concord", {"q": "Conseil", "lang": "fr"})
        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(lambda _: call(server, "/api/concord", {"q": "Conseil", "lang": "fr"}), range(48)))
    assert expected[0] == 200 and len(expected[1]) == 2
    assert answers == [expected] * 48


def test_a_lost_postgresql_connection_is_opened_again(pg_cluster, tmp_path: Path) -> None:
    import psycopg

    url = pg_cluster.new_database()
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", url)
    with serving(url, workers=1) as server:
        assert call(server, "/api/stats")[1]["units"] == len(RELEASE)
        with psycopg.connect(url, autocommit=True) as admin:
            ended = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()
        assert ended == (1,)  # the worker's connection, as a server restart would end it
        status, hits = call(server, "/api/concord", {"q": "Genève", "lang": "fr"})
        assert status == 200 and [h["source"] for h in hits] == [RELEASE[0][0]]


def test_the_page_is_served_from_the_template(tmp_path: Path) -> None:
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    with serving(str(db_path)) as server:
        with urllib.request.urlopen(server.url, timeout=10) as res:
            html = res.read().decode("utf-8")
            assert res.headers["Content-Type"] == "text/html; charset=utf-8"
            assert res.headers["X-Frame-Options"] == "DENY"
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert csp.endswith("; connect-src 'self'") and "http" not in csp
    assert 'id="q"' in html and 'value="concord" checked' in html and "function marked(text, spans)" in html
    assert "innerHTML" not in html and " src=" not in html and "<link" not in html


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.10") and not is_loopback("::")


def test_an_upload_name_is_a_safe_base_name() -> None:
    assert upload_name("../../etc/passwd.tmx") == "passwd.tmx"
    assert upload_name("C:\\Users\\rk\\HRC 26.tmx") == "HRC 26.tmx"
    assert upload_name("..") == "upload" and upload_name("a\x00b;c.tsv") == "a_b_c.tsv"


# ------------------------------------------------------------------ the command


def test_serve_refuses_a_missing_database_in_one_line(tmp_path: Path) -> None:
    res = run("tm", "serve", "--db", tmp_path / "none.sqlite", "--port", "0")
    assert res.exit_code == 2 and "no such translation memory" in res.output and "Traceback" not in res.output


def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    with serving(str(db_path)) as server:
        res = run("tm", "serve", "--db", db_path, "--port", server.server_address[1])
    assert res.exit_code == 2 and f"cannot listen on 127.0.0.1:{server.server_address[1]}" in res.output
    assert len(res.output.strip().splitlines()) == 1


def _start(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "tm", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(SRC)})
    line = proc.stdout.readline() if proc.stdout else ""
    found = re.search(r"at (http://\S+/) ", line)
    if found is None:
        proc.kill()
        pytest.fail(f"no URL printed: {line!r} {proc.communicate(timeout=10)}")
    return proc, found.group(1)


@pytest.mark.linux_timing
def test_serve_prints_its_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    proc, url = _start("--db", str(db_path), "--port", "0")
    try:
        with urllib.request.urlopen(url + "api/stats", timeout=10) as res:
            assert json.loads(res.read())["units"] == len(RELEASE)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err and "warning" not in err
    assert '"GET /api/stats HTTP/1.1" 200' in err


@pytest.mark.linux_timing
def test_serve_on_another_address_warns(tmp_path: Path) -> None:
    db_path = tmp_path / "m.sqlite"
    run("tm", "import", aligned_tmx(tmp_path / "hrc.tmx"), "--db", db_path)
    proc, url = _start("--db", str(db_path), "--host", "0.0.0.0", "--port", "0")
    try:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and url.startswith("http://0.0.0.0:")
    assert "warning: serving on 0.0.0.0: anyone who can reach this address can read the memory" in err
