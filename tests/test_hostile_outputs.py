"""Outputs: atomic under Ctrl-C/kill, never over an input, never an invalid file, never a lost memory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import read_tmx, write_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.formats.xliff import XliffSegment, read_xliff, write_xliff
from bilingual_pr.glossary import Entry, Glossary, Term, load_glossary
from bilingual_pr.glossary.tbx import write_tbx

# The source tree, for the static guard below (the tests themselves use the installed package).
SRC = Path(__file__).resolve().parents[1] / "src" / "bilingual_pr"
TMX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="fr-FR" creationtool="t" '
            'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext"/><body>\n')


def big_tmx(path: Path, units: int, offset: int = 0) -> Path:
    """A generated TMX of ``units`` distinct pairs (written directly: much faster than the writer)."""
    rows = (f'<tu><tuv xml:lang="fr-FR"><seg>Phrase {i} du communiqué sur le Conseil.</seg></tuv>'
            f'<tuv xml:lang="en-GB"><seg>Sentence {i} of the release on the Council.</seg></tuv></tu>\n'
            for i in range(offset, offset + units))
    path.write_text(TMX_HEAD + "".join(rows) + "</body></tmx>\n", encoding="utf-8")
    return path


def parts(folder: Path) -> list[str]:
    """Temporary files left beside the outputs."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part") or p.name.endswith(".spool"))


def _cli_env() -> dict[str, str]:
    # The installed package, as a user runs it (not src/ put on the path).
    return dict(os.environ)


# --------------------------------------------------------------------------- interrupted runs


@pytest.fixture(scope="module")
def big_inputs(tmp_path_factory) -> tuple[Path, Path]:
    """Two large memories whose merge takes a while (seconds) and writes ~20 MB."""
    d = tmp_path_factory.mktemp("big")
    return big_tmx(d / "a.tmx", 60_000), big_tmx(d / "b.tmx", 60_000, offset=1_000_000)


@pytest.mark.linux_timing
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_interrupted_merge_keeps_previous_output(tmp_path: Path, big_inputs, sig: signal.Signals) -> None:
    out = tmp_path / "memory.tmx"
    out.write_text("previous output\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "tmx", "merge", *map(str, big_inputs),
                             "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_cli_env(),
                            # A CI runner may start us with SIGINT ignored; Python then keeps ignoring it.
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not parts(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.fail(f"merge ended before it could be interrupted: {proc.communicate()[1][-300:]!r}")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert out.read_text(encoding="utf-8") == "previous output\n"
    if sig == signal.SIGKILL:
        # Nothing can clean up after SIGKILL: at most the documented .part file remains, never a broken output.
        assert all(re.fullmatch(r"\.memory\.tmx\..+\.part", n) for n in parts(tmp_path)), parts(tmp_path)
        return
    assert proc.returncode == 128 + sig, err
    assert parts(tmp_path) == []
    msg = err.decode().strip()
    assert "Traceback" not in msg and msg.count("\n") == 0 and msg.endswith(("interrupted", "terminated"))


def test_interrupt_while_the_writer_opens_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    # The window `tmx merge` was interrupted in, 1 run in 15: the temporary file exists, the
    # header is being written, and the writer's __exit__ will never run.
    from bilingual_pr.formats import tmx
    from bilingual_pr.formats.units import TmxHeader

    def interrupted(self, header) -> None:
        raise KeyboardInterrupt

    # Private on purpose: the header write is the one step between opening the temporary file and the first unit.
    monkeypatch.setattr(tmx.TmxWriter, "_write_header", interrupted)
    out = tmp_path / "memory.tmx"
    out.write_text("previous output\n", encoding="utf-8")
    left = None
    try:
        with tmx.TmxWriter(out, TmxHeader()):
            pass
    except KeyboardInterrupt:
        # Looked at while the interrupt is handled, as the CLI exits from there.
        left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["memory.tmx"]
    assert out.read_text(encoding="utf-8") == "previous output\n"


@pytest.mark.linux_timing
def test_interrupted_align_leaves_no_temporary_file(tmp_path: Path) -> None:
    fr = tmp_path / "long.fr.txt"
    en = tmp_path / "long.en.txt"
    fr.write_text("\n\n".join(f"Le Conseil a adopté la résolution {i} sur les droits de l'homme à Genève."
                              for i in range(3000)), encoding="utf-8")
    en.write_text("\n\n".join(f"The Council adopted resolution {i} on human rights in Geneva."
                              for i in range(3000)), encoding="utf-8")
    out = tmp_path / "pairs.tsv"
    out.write_text("previous\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "align", str(fr), str(en), "--no-embeddings",
                             "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_cli_env())
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert parts(tmp_path) == []
    assert b"Traceback" not in err
    got = out.read_text(encoding="utf-8")
    if got != "previous\n":
        # The signal came after the output was renamed into place: then it must be the whole
        # output, byte for byte what an uninterrupted run writes.
        whole = tmp_path / "whole" / "pairs.tsv"
        whole.parent.mkdir()
        done = subprocess.run([sys.executable, "-m", "bilingual_pr", "align", str(fr), str(en), "--no-embeddings",
                               "-o", str(whole)], capture_output=True, env=_cli_env(), timeout=120)
        assert done.returncode == 0, done.stderr
        assert got == whole.read_text(encoding="utf-8"), (proc.returncode, err)


# --------------------------------------------------------------------------- output == input


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    """One small input of each kind the commands read."""
    f = {
        "fr": tmp_path / "release.fr.txt",
        "en": tmp_path / "release.en.txt",
        "tmx": tmp_path / "memory.tmx",
        "tmx2": tmp_path / "other.tmx",
        "tbx": tmp_path / "glossary.tbx",
        "srx": tmp_path / "rules.srx",
        "pairs": tmp_path / "pairs.csv",  # a TSV of pairs that happens to end in .csv, like a report
    }
    f["pairs"].write_text("Le Conseil.\tThe Council.\n", encoding="utf-8")
    f["fr"].write_text("Le Conseil s'est réuni à Genève. Il a adopté deux résolutions.\n", encoding="utf-8")
    f["en"].write_text("The Council met in Geneva. It adopted two resolutions.\n", encoding="utf-8")
    big_tmx(f["tmx"], 3)
    big_tmx(f["tmx2"], 3, offset=10)
    write_tbx(Glossary(entries=(Entry("c", (Term("Conseil", "fr", "preferred"), Term("Council", "en", "preferred"))),)),
              f["tbx"])
    f["srx"].write_bytes((resources.files("bilingual_pr") / "data" / "bilingual-pr.srx").read_bytes())
    return f


# (argv template, the input the output collides with). {x} is replaced with the path of input x.
SAME_PATH_CASES = [
    (["extract", "--lang", "fr", "{fr}", "-o", "{fr}"], "fr"),
    (["segment", "--lang", "fr", "{fr}", "-o", "{fr}"], "fr"),
    (["segment", "--lang", "fr", "--srx", "{srx}", "{fr}", "-o", "{srx}"], "srx"),
    (["align", "{fr}", "{en}", "--no-embeddings", "-o", "{en}"], "en"),
    (["align", "{fr}", "{en}", "--no-embeddings", "--glossary", "{tbx}", "-o", "{tbx}"], "tbx"),
    (["draft", "--from", "fr", "--to", "en", "--no-mt", "{fr}", "-o", "{fr}"], "fr"),
    (["draft", "--from", "fr", "--to", "en", "--no-mt", "--tm", "{tmx}", "{fr}", "-o", "{tmx}"], "tmx"),
    (["tmx", "merge", "{tmx}", "{tmx2}", "-o", "{tmx2}"], "tmx2"),
    (["tmx", "export", "{tmx}", "-o", "{tmx}"], "tmx"),
    (["tmx", "filter", "{tmx}", "--min-confidence", "0.5", "-o", "{tmx}"], "tmx"),
    (["glossary", "convert", "{tbx}", "{tbx}"], "tbx"),
    (["glossary", "suggest", "{tmx}", "-g", "{tbx}", "-o", "{tmx}"], "tmx"),
    (["check", "{tmx}", "--annotate", "{tmx}"], "tmx"),
    (["check", "{pairs}", "--report", "{pairs}"], "pairs"),
]


def _spell(path: Path, how: str) -> str:
    if how == "dotdot":
        return str(path.parent / ".." / path.parent.name / path.name)
    if how == "symlink":
        link = path.parent / f"link-to-{path.name}"
        if not link.exists():
            link.symlink_to(path)
        return str(link)
    return str(path)


@pytest.mark.parametrize("how", ["same", "dotdot", "symlink"])
@pytest.mark.parametrize("argv,victim", SAME_PATH_CASES, ids=[" ".join(c[0][:2]) + f"-{c[1]}" for c in SAME_PATH_CASES])
def test_output_equal_to_input_is_refused(files: dict[str, Path], argv: list[str], victim: str, how: str) -> None:
    before = {k: p.read_bytes() for k, p in files.items()}
    args = []
    for i, a in enumerate(argv):
        m = re.fullmatch(r"\{(\w+)\}", a)
        if m is None:
            args.append(a)
        else:
            # The output position (after -o, or glossary convert's second path) gets the chosen spelling.
            is_output = (i > 0 and argv[i - 1] in ("-o", "--annotate", "--report")) or (argv[:2] == ["glossary", "convert"] and i == 3)
            args.append(_spell(files[m.group(1)], how) if is_output else str(files[m.group(1)]))
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert "input" in res.output and "Traceback" not in res.output
    assert {k: p.read_bytes() for k, p in files.items()} == before
    assert parts(files["fr"].parent) == []


# --------------------------------------------------------------------------- merge failures


def test_merge_with_malformed_second_input_keeps_existing_output(tmp_path: Path) -> None:
    good = big_tmx(tmp_path / "good.tmx", 5)
    bad = tmp_path / "bad.tmx"
    bad.write_text(TMX_HEAD + '<tu><tuv xml:lang="fr-FR"><seg>Coupé', encoding="utf-8")
    out = tmp_path / "existing.tmx"
    big_tmx(out, 40, offset=500)
    before = out.read_bytes()
    res = CliRunner().invoke(main, ["tmx", "merge", str(good), str(bad), "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert "bad.tmx" in res.output and res.output.strip().count("\n") == 0
    assert out.read_bytes() == before
    assert len(list(read_tmx(out))) == 40
    assert parts(tmp_path) == []


def test_merge_into_missing_folder_is_one_line(tmp_path: Path) -> None:
    good = big_tmx(tmp_path / "good.tmx", 2)
    res = CliRunner().invoke(main, ["tmx", "merge", str(good), "-o", str(tmp_path / "nowhere" / "out.tmx")])
    assert res.exit_code == 2 and "does not exist" in res.output


# --------------------------------------------------------------------------- illegal characters in writers

NASTY = "Le\x00 Conseil\x1b a\x0b dit\ud800 «\u00a0oui\u00a0»\uffff & <non>\x7f\U0001F600."
CLEAN = "Le Conseil a dit «\u00a0oui\u00a0» & <non>\x7f\U0001F600."


def _strict_parse(path: Path) -> etree._ElementTree:
    # A strict parser (no recovery): the written file must be well-formed XML 1.0.
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, recover=False))


def test_tmx_writer_removes_illegal_characters(tmp_path: Path) -> None:
    out = tmp_path / "out.tmx"
    write_tmx(out, [TranslationUnit(NASTY, "The\x02 Council\udfff.", "fr-FR", "en-GB", notes=("n\x01ote",),
                                    props=(("x-context", "a\x03b"),))])
    _strict_parse(out)
    (unit,) = read_tmx(out)
    assert (unit.source, unit.target, unit.notes, unit.props) == (CLEAN, "The Council.", ("note",),
                                                                   (("x-context", "ab"),))


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_xliff_writer_removes_illegal_characters(tmp_path: Path, version: str) -> None:
    out = tmp_path / "out.xlf"
    write_xliff(out, [XliffSegment("1", NASTY, "The\x02 Council\udfff.", "mt", notes=("n\x01ote",))],
                "fr-FR", "en-GB", "release\x00.txt", version)
    _strict_parse(out)
    (unit,) = read_xliff(out)
    assert (unit.source, unit.target) == (CLEAN, "The Council.")


@pytest.mark.parametrize("dialect", ["v3", "2008"])
def test_tbx_writer_removes_illegal_characters(tmp_path: Path, dialect: str) -> None:
    out = tmp_path / "out.tbx"
    write_tbx(Glossary(entries=(Entry("e\x00", (Term("Conseil\x1b\ud800 d'État", "fr", "preferred", note="x\x02y"),
                                                Term("Council\uffff", "en", "preferred"))),)), out, dialect)
    _strict_parse(out)
    terms = [(t.text, t.note) for e in load_glossary(out).entries for t in e.terms]
    assert ("Conseil d'État", "xy") in terms and ("Council", None) in [(t, None) for t, _ in terms]


def test_align_tmx_output_from_documents_with_control_characters(tmp_path: Path) -> None:
    fr = tmp_path / "c.fr.txt"
    en = tmp_path / "c.en.txt"
    fr.write_text("Le Conseil\x1b s'est réuni.\x0b Il a adopté deux textes.\n", encoding="utf-8")
    en.write_text("The Council\x1b met.\x0b It adopted two texts.\n", encoding="utf-8")
    out = tmp_path / "pairs.tmx"
    res = CliRunner().invoke(main, ["align", str(fr), str(en), "--no-embeddings", "-o", str(out),
                                    "--min-confidence", "0"])
    assert res.exit_code in (0, 2), res.output
    if res.exit_code == 0:
        _strict_parse(out)
        text = " ".join(u.source + " " + u.target for u in read_tmx(out))
        assert "\x1b" not in text and "Conseil" in text


# --------------------------------------------------------------------------- writers in the code base


def test_every_writer_goes_through_atomic_output() -> None:
    # Static guard: files are only ever opened for writing inside fileio.atomic_output.
    write_open = re.compile(r"""\bopen\([^)]*["'][^"']*[wax+][^"']*["']""")
    direct = re.compile(r"\.(write_text|write_bytes)\(|shutil\.(copy|move)|\.save\(")
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "fileio.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if (write_open.search(code) and "TemporaryFile" not in code) or direct.search(code):
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert offenders == []
