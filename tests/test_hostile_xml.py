"""Hostile XML through every reader and CLI command: no expansion, no file or network access, no leak.

Each case runs in a forked child (the CLI exactly as a user runs it, or a library
reader), which reports its wall time and the growth of its peak RSS; the test
checks: under 2 s, under 200 MB, a one-line error or a safe result, no traceback,
and never the content of the secret file an XXE points at.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import resource
import secrets
import signal
import sys
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from interop import require_module

from bilingual_pr.cli import COMMANDS, main
from bilingual_pr.formats.tmx import write_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.formats.xliff import XliffSegment, xliff_bytes
from bilingual_pr.glossary import Entry, Glossary, Term
from bilingual_pr.glossary.tbx import tbx_bytes

TIME_LIMIT_S = 2.0  # CPU seconds of the child: the shared test machines make wall time noisy
WALL_LIMIT_S = 6.0  # and a looser wall-clock bound, so a blocking network or file wait still fails
MEMORY_LIMIT_MB = 200
PLACEHOLDER = b"PLACEHOLDER"

# Import every command module now, so that the forked children measure the work, not imports.
for _target in COMMANDS.values():
    importlib.import_module(_target.split(":")[0])
for _name in ("bilingual_pr.formats.xliff", "bilingual_pr.qa.runner", "bilingual_pr.qa.inputs",
              "bilingual_pr.qa.report_html", "bilingual_pr.qa.annotate", "bilingual_pr.glossary.lint"):
    importlib.import_module(_name)
import docx  # noqa: E402,F401  (python-docx, imported lazily by the .docx reader)


@pytest.fixture(scope="module", autouse=True)
def _warm_language_models() -> None:
    """Load the language detector once before forking: its cold start is not what is measured here."""
    from bilingual_pr.language import detect_language

    detect_language("The Council met in Geneva and adopted two resolutions on human rights.", "en")
    detect_language("Le Conseil s'est réuni à Genève et a adopté deux résolutions.", "fr")


@dataclass(frozen=True)
class Outcome:
    """What a forked child did: exit status, its output, wall time and peak-RSS growth."""

    code: int
    out: str
    err: str
    seconds: float
    cpu_seconds: float
    grown_mb: float


def run_forked(fn: Callable[[], object], tmp: Path, limit_s: float = 10.0) -> Outcome:
    """Run ``fn`` in a forked child with stdout/stderr captured at the file-descriptor level."""
    out_p, err_p, res_p = tmp / "child.out", tmp / "child.err", tmp / "child.json"
    for p in (out_p, err_p, res_p):
        p.unlink(missing_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            fo = os.open(out_p, os.O_WRONLY | os.O_CREAT, 0o600)
            fe = os.open(err_p, os.O_WRONLY | os.O_CREAT, 0o600)
            os.dup2(fo, 1)
            os.dup2(fe, 2)
            # pytest's capture replaced sys.stdout/err; give the child plain streams on the new fds.
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="replace")
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="replace")
            before = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            try:
                fn()
            except SystemExit as err:
                code = err.code if isinstance(err.code, int) else (0 if err.code is None else 1)
            except BaseException as err:  # noqa: BLE001 - the test reports it
                from bilingual_pr.errors import UserError

                if isinstance(err, UserError):
                    print(f"UserError: {err}", file=sys.stderr)
                    code = 2
                else:
                    traceback.print_exc()
                    code = 99
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            grown = (after.ru_maxrss - before.ru_maxrss) / 1024
            sys.stdout.flush()
            sys.stderr.flush()
            res_p.write_text(json.dumps({"seconds": seconds, "cpu": cpu, "grown_mb": grown}))
        finally:
            os._exit(code)
    deadline = time.monotonic() + limit_s
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"still running after {limit_s} s")
        time.sleep(0.005)
    nan = float("nan")
    stats = json.loads(res_p.read_text()) if res_p.exists() else {"seconds": nan, "cpu": nan, "grown_mb": nan}
    return Outcome(os.waitstatus_to_exitcode(status), out_p.read_text(errors="replace"),
                   err_p.read_text(errors="replace"), stats["seconds"], stats["cpu"], stats["grown_mb"])


def cli(*args: str) -> Callable[[], object]:
    """A callable running ``bilingual-pr ARGS`` the way the console script does."""
    return lambda: main(list(args), prog_name="bilingual-pr")


# ----------------------------------------------------------------------------- payloads


def _laughs() -> tuple[str, bytes]:
    decls = ['<!ENTITY lol0 "lol">']
    decls += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return "".join(decls), b"&lol9;"


def _quadratic() -> tuple[str, bytes]:
    return f'<!ENTITY a "{"A" * 40_000}">', b"&a;" * 40_000


PAYLOADS = ["billion-laughs", "quadratic-blowup", "xxe-file", "xxe-url", "xxe-parameter", "external-dtd",
            "xxe-after-long-comment", "huge-text-node"]


def make_payload(kind: str, base: bytes, root: str, secret: Path) -> bytes:
    """Turn a well-formed file with PLACEHOLDER in a text node into the hostile variant ``kind``."""
    body = re.sub(rb"<!DOCTYPE[^>\[]*>\s*", b"", base)  # drop a harmless DOCTYPE (TBX 2008) to add ours
    decl_end = body.index(b"?>") + 2 if body.startswith(b"<?xml") else 0
    head, rest = body[:decl_end], body[decl_end:]
    url = secret.resolve().as_uri()
    doctype, ref, pad = "", b"", ""
    if kind == "billion-laughs":
        decls, ref = _laughs()
    elif kind == "quadratic-blowup":
        decls, ref = _quadratic()
    elif kind in ("xxe-file", "xxe-after-long-comment"):
        decls, ref = f'<!ENTITY xxe SYSTEM "{url}">', b"&xxe;"
        pad = "<!--" + "padding " * 10_000 + "-->\n" if kind == "xxe-after-long-comment" else ""
    elif kind == "xxe-url":
        decls, ref = '<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret.txt">', b"&xxe;"
    elif kind == "xxe-parameter":
        decls, ref = f'<!ENTITY % ext SYSTEM "{url}"> %ext;', b"x"
    elif kind == "external-dtd":
        doctype, ref = f'<!DOCTYPE {root} SYSTEM "{url}">', b"&xxe;"
    elif kind == "huge-text-node":
        return head + rest.replace(PLACEHOLDER, b"Geneva " * 1_600_000, 1)  # 11 MB, past libxml2's 10 MB cap
    else:
        raise AssertionError(kind)
    if not doctype:
        doctype = f"<!DOCTYPE {root} [{decls}]>"
    return head + f"\n{pad}{doctype}\n".encode() + rest.replace(PLACEHOLDER, ref)


# ----------------------------------------------------------------------------- well-formed bases


def _tmx_base(path: Path) -> bytes:
    write_tmx(path, [TranslationUnit("Bonjour PLACEHOLDER.", "Hello PLACEHOLDER.", "fr-FR", "en-GB"),
                     TranslationUnit("Le Conseil.", "The Council.", "fr-FR", "en-GB")])
    return path.read_bytes()


def _glossary() -> Glossary:
    return Glossary(entries=(Entry("e1", (Term("Conseil PLACEHOLDER", "fr", "preferred"),
                                          Term("Council", "en", "preferred"))),))


def _segments() -> list[XliffSegment]:
    return [XliffSegment("1", "Bonjour PLACEHOLDER.", "Hello PLACEHOLDER.", "mt"),
            XliffSegment("2", "Le Conseil.", "The Council.", "tm-exact")]


_SRX_BASE = b"""<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="no"/>
  <body>
    <languagerules>
      <languagerule languagerulename="Default">
        <rule break="yes"><beforebreak>[.?!]PLACEHOLDER</beforebreak><afterbreak>\\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules><languagemap languagepattern=".*" languagerulename="Default"/></maprules>
  </body>
</srx>
"""

_HTML_BASE = b"""<?xml version="1.0" encoding="UTF-8"?>
<html lang="en"><head><title>Release</title></head>
<body><main><h1>News</h1><p>The Council met in Geneva. PLACEHOLDER It adopted two texts.</p></main></body></html>
"""


def _docx_base(path: Path) -> bytes:
    d = docx.Document()
    d.add_paragraph("The Council met in Geneva. PLACEHOLDER It adopted two texts.")
    d.save(str(path))
    return path.read_bytes()


def _docx_with(document_xml_base: bytes, kind: str, secret: Path) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(document_xml_base))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = make_payload(kind, data, "w:document", secret)
            out.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> dict[str, Path]:
    """A secret file, a harmless TMX and document, and the well-formed bases of every format."""
    tmp = tmp_path_factory.mktemp("hostile-xml")
    marker = f"SECRET-MARKER-{secrets.token_hex(6)}"
    (tmp / "secret.txt").write_text(marker + "\n", encoding="utf-8")
    (tmp / "good.tmx").write_bytes(_tmx_base(tmp / "good-base.tmx").replace(PLACEHOLDER, b"ami"))
    (tmp / "doc.txt").write_text("The Council met. It adopted two texts.\n", encoding="utf-8")
    bases = {
        "tmx": _tmx_base(tmp / "base.tmx"),
        "tbx3": tbx_bytes(_glossary(), "v3"),
        "tbx2008": tbx_bytes(_glossary(), "2008"),
        "xliff12": xliff_bytes(_segments(), "fr-FR", "en-GB", "release.txt", "1.2"),
        "xliff21": xliff_bytes(_segments(), "fr-FR", "en-GB", "release.txt", "2.1"),
        "srx": _SRX_BASE,
        "html": _HTML_BASE,
        "docx": _docx_base(tmp / "base.docx"),
    }
    paths = {"tmp": tmp, "secret": tmp / "secret.txt", "marker": Path(marker)}
    for name, data in bases.items():
        (tmp / f"base.{name}").write_bytes(data)
        paths[name] = tmp / f"base.{name}"
    return paths


ROOTS = {"tmx": "tmx", "tbx3": "tbx", "tbx2008": "martif", "xliff12": "xliff", "xliff21": "xliff", "srx": "srx",
         "html": "html"}
SUFFIX = {"tmx": ".tmx", "tbx3": ".tbx", "tbx2008": ".tbx", "xliff12": ".xlf", "xliff21": ".xlf", "srx": ".srx",
          "html": ".html", "docx": ".docx"}


def hostile_file(w: dict[str, Path], fmt: str, kind: str) -> Path:
    """Write the hostile variant of format ``fmt`` and return its path."""
    base = w[fmt].read_bytes()
    data = _docx_with(base, kind, w["secret"]) if fmt == "docx" else make_payload(kind, base, ROOTS[fmt], w["secret"])
    path = w["tmp"] / f"{fmt}-{kind}{SUFFIX[fmt]}"
    path.write_bytes(data)
    return path


def _read_tmx(p: Path) -> None:
    from bilingual_pr.formats.tmx import read_tmx

    print(sum(len(u.source) + len(u.target) for u in read_tmx(p)))


def _read_xliff(p: Path) -> None:
    from bilingual_pr.formats.xliff import read_xliff

    print(sum(len(u.source) + len(u.target) for u in read_xliff(p)))


def _read_glossary(p: Path) -> None:
    from bilingual_pr.glossary import load_glossary

    print(sum(len(t.text) for e in load_glossary(p).entries for t in e.terms))


def _read_srx(p: Path) -> None:
    from bilingual_pr.segment import load_srx

    load_srx(p)


def _read_doc(p: Path) -> None:
    from bilingual_pr.documents import read_document

    print(len(read_document(p).text))


def commands(fmt: str, f: Path, w: dict[str, Path]) -> list[tuple[str, Callable[[], object]]]:
    """Every CLI command (and the library reader) that reads format ``fmt``."""
    t = w["tmp"]
    s = str(f)
    table: dict[str, list[tuple[str, Callable[[], object]]]] = {
        "tmx": [("tmx validate", cli("tmx", "validate", s)), ("tmx stats", cli("tmx", "stats", s)),
                ("tmx merge", cli("tmx", "merge", s, str(w["tmp"] / "good.tmx"), "-o", str(t / "merged.tmx"))),
                ("tmx export", cli("tmx", "export", s)), ("check", cli("check", s)),
                ("read_tmx", lambda: _read_tmx(f))],
        "tbx": [("glossary stats", cli("glossary", "stats", s)),
                ("glossary lookup", cli("glossary", "lookup", "--lang", "fr", "-g", s, "Le Conseil")),
                ("glossary convert", cli("glossary", "convert", s, str(t / "converted.csv"))),
                ("load_glossary", lambda: _read_glossary(f))],
        "xliff": [("check", cli("check", s)), ("read_xliff", lambda: _read_xliff(f))],
        "srx": [("segment --srx", cli("segment", "--lang", "en", "--srx", s, str(t / "doc.txt"))),
                ("load_srx", lambda: _read_srx(f))],
        "doc": [("extract", cli("extract", "--lang", "en", s)), ("read_document", lambda: _read_doc(f))],
    }
    family = {"tbx3": "tbx", "tbx2008": "tbx", "xliff12": "xliff", "xliff21": "xliff", "html": "doc",
              "docx": "doc"}.get(fmt, fmt)
    return table[family]


FORMATS = ["tmx", "tbx3", "tbx2008", "xliff12", "xliff21", "srx", "html", "docx"]


def _outputs_written(w: dict[str, Path]) -> str:
    texts = []
    for name in ("merged.tmx", "converted.csv"):
        p = w["tmp"] / name
        if p.exists():
            texts.append(p.read_text(errors="replace"))
            p.unlink()
    return "\n".join(texts)


@pytest.mark.linux_timing
@pytest.mark.parametrize("kind", PAYLOADS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_xml_is_refused_quickly_and_leaks_nothing(workdir, fmt: str, kind: str) -> None:
    f = hostile_file(workdir, fmt, kind)
    marker = workdir["marker"].name
    chosen = commands(fmt, f, workdir)
    if kind not in ("billion-laughs", "xxe-file"):
        chosen = [chosen[0], chosen[-1]]  # every command gets the two classic attacks; the rest, one CLI + library
    for label, fn in chosen:
        res = run_forked(fn, workdir["tmp"])
        where = f"{fmt}/{kind} via {label}: rc={res.code} err={res.err[-400:]!r}"
        assert res.code in (0, 1, 2), where
        assert "Traceback" not in res.err + res.out and "internal error" not in res.err, where
        assert marker not in res.out + res.err + _outputs_written(workdir), f"secret leaked: {where}"
        assert res.cpu_seconds < TIME_LIMIT_S, f"{res.cpu_seconds:.2f} CPU s: {where}"
        assert res.seconds < WALL_LIMIT_S, f"{res.seconds:.2f} s: {where}"
        assert res.grown_mb < MEMORY_LIMIT_MB, f"{res.grown_mb:.0f} MB: {where}"
        if res.code == 2:
            lines = [ln for ln in res.err.splitlines() if ln.strip()]
            assert len(lines) == 1, where
        if kind == "huge-text-node" and res.code == 2 and fmt not in ("html", "docx"):
            assert "larger than 10 MB" in res.err, where
        if kind != "huge-text-node":
            # Nothing expanded: no output carries the repeated entity text.
            assert "lollollol" not in res.out and "AAAAAAAAAA" not in res.out, where
        if kind in ("billion-laughs", "quadratic-blowup", "xxe-file", "xxe-url", "xxe-parameter",
                    "xxe-after-long-comment") and fmt != "html":
            assert res.code != 0, f"hostile entity declarations accepted: {where}"


@pytest.mark.linux_timing
def test_html_never_touches_entities_or_network(workdir) -> None:
    # The HTML parser has no DTD machinery: an entity declaration is inert text, never expanded.
    f = hostile_file(workdir, "html", "xxe-file")
    res = run_forked(cli("extract", "--lang", "en", str(f)), workdir["tmp"])
    assert res.code == 0 and workdir["marker"].name not in res.out
    assert "The Council met in Geneva." in res.out


@pytest.mark.linux_timing
def test_external_dtd_reference_is_not_silently_dropped(workdir) -> None:
    # &xxe; defined only in a never-loaded external DTD: the tree readers say so instead of losing text.
    f = hostile_file(workdir, "xliff21", "external-dtd")
    res = run_forked(lambda: _read_xliff(f), workdir["tmp"])
    assert res.code == 2 and "&xxe;" in res.err


@pytest.mark.linux_timing
def test_safe_result_for_harmless_files(workdir) -> None:
    # The same commands on the well-formed bases succeed: the checks above test the payloads, not breakage.
    for fmt in FORMATS:
        f = workdir["tmp"] / f"plain-{fmt}{SUFFIX[fmt]}"
        f.write_bytes(workdir[fmt].read_bytes())
        for label, fn in commands(fmt, f, workdir):
            if label in ("check", "tmx validate"):
                continue  # their exit status reports findings, not success
            res = run_forked(fn, workdir["tmp"])
            assert res.code == 0, f"{fmt} via {label}: {res.err[-300:]}"
    _outputs_written(workdir)


# ----------------------------------------------------------------------------- committed hostile files

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
READERS = {".tmx": _read_tmx, ".tbx": _read_glossary, ".xlf": _read_xliff, ".srx": _read_srx}


@pytest.mark.linux_timing
@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.iterdir() if p.suffix in READERS))
def test_committed_hostile_files_are_refused(tmp_path: Path, name: str) -> None:
    path = HOSTILE / name
    res = run_forked(lambda: READERS[path.suffix](path), tmp_path)
    assert res.code == 2 and "entity" in res.err.lower(), res.err
    assert res.cpu_seconds < TIME_LIMIT_S and res.grown_mb < MEMORY_LIMIT_MB
    assert "root:" not in res.out + res.err  # nothing of /etc/passwd


# ----------------------------------------------------------------------------- fuzzing regressions

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
REGRESSIONS = Path(__file__).resolve().parent / "fixtures" / "fuzz-regressions"


@pytest.mark.parametrize("name", sorted(p.name for p in REGRESSIONS.iterdir() if not p.name.startswith(".")))
def test_fuzz_regressions_replay(name: str) -> None:
    # Each input once crashed fuzz/fuzz_<target>.py; the target's own checks replay it here.
    require_module("atheris")
    target = name.split("-", 1)[0]
    sys.path.insert(0, str(FUZZ))
    try:
        module = importlib.import_module(f"fuzz_{target}")
    finally:
        sys.path.remove(str(FUZZ))
    module.one_input((REGRESSIONS / name).read_bytes())
