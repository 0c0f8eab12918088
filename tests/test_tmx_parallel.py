"""The parallel TMX reader (formats/tmx/parallel.py) gives exactly what the serial reader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx import parallel as tmxchunks
from bilingual_pr.formats.tmx import TmxReader, TmxWriter
from bilingual_pr.formats.units import TranslationUnit

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n'
        '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
        'srclang="fr-FR" datatype="plaintext"/>\n<body>\n')
TAIL = "</body>\n</tmx>\n"


@pytest.fixture
def small_pieces(monkeypatch):
    """Cut even tiny files into pieces of a few hundred bytes, so tests exercise many cuts."""
    monkeypatch.setattr(tmxchunks, "CHUNK_BYTES", 300)
    monkeypatch.setattr(tmxchunks, "MIN_PARALLEL_BYTES", 0)


def _tu(i: int, fr: str = "", en: str = "", extra: str = "") -> str:
    fr = fr or f"Le Conseil n° {i} &amp; « annexe »."
    en = en or f"The Council No. {i} &amp; “annex”."
    return (f'<tu tuid="t{i}" creationdate="20250101T000000Z">{extra}<prop type="x-confidence">0.{i % 10}</prop>'
            f'<tuv xml:lang="fr-FR"><seg>{fr}</seg></tuv><tuv xml:lang="en-GB"><seg>{en}</seg></tuv></tu>\n')


def _read(path: Path, jobs: int, **kw) -> tuple:
    reader = TmxReader(path, jobs=jobs, **kw)
    units = list(reader)
    return units, reader.units, reader.skipped, reader.skip_reasons, dict(reader.languages), reader.header


def _same(path: Path, **kw) -> list[TranslationUnit]:
    serial = _read(path, 1, **kw)
    parallel = _read(path, 2, **kw)
    assert parallel == serial
    return serial[0]


def test_many_pieces_read_like_the_serial_reader(tmp_path, small_pieces) -> None:
    body = []
    for i in range(60):
        extra = ""
        if i % 7 == 0:
            extra = "<note>à revoir</note>"
        body.append(_tu(i, extra=extra))
        if i % 11 == 0:
            # Things that hold the bytes "<tu" without being a <tu>: a cut there must not change anything.
            body.append("<!-- old unit: <tu><tuv xml:lang='fr'><seg>x</seg></tuv></tu> -->\n")
        if i % 13 == 0:
            body.append(_tu(1000 + i, fr="<![CDATA[a <tu> in CDATA & more]]>", en="<bpt i='1'>&lt;b&gt;</bpt>"
                            "bold<ept i='1'>&lt;/b&gt;</ept> <hi>kept</hi>"))
        if i % 17 == 0:
            body.append('<tu tuid="lonely"><tuv xml:lang="fr-FR"><seg>seul</seg></tuv></tu>\n')
        if i % 19 == 0:
            body.append('<tu><tuv xml:lang="fr-FR" changedate="20240101T000000Z"><seg>a</seg></tuv>'
                        '<tuv xml:lang="de-DE"><seg>b</seg></tuv><tuv xml:lang="en-GB" creationid="omegat">'
                        '<seg>c</seg></tuv></tu>\n')
    path = tmp_path / "mixed.tmx"
    path.write_text(HEAD + "".join(body) + TAIL, encoding="utf-8")
    plan = tmxchunks.plan_chunks(path)
    assert plan is not None and len(plan.chunks) > 20
    units = _same(path)
    assert len(units) == 60 + 5 + 4
    assert any(u.source == "a <tu> in CDATA & more" for u in units)
    picked = _same(path, src_lang="fr", tgt_lang="en")
    assert [u.target for u in picked if u.source == "a"] == ["c"] * 4
    # Skip reasons carry the file's own line numbers.
    reader = TmxReader(path, jobs=2)
    list(reader)
    lines = path.read_text(encoding="utf-8").splitlines()
    for reason in reader.skip_reasons:
        line = int(reason.split(":")[1])
        assert 'tuid="lonely"' in lines[line - 1], reason
    assert len(reader.skip_reasons) == 4


def test_written_memory_with_tricky_text(tmp_path, small_pieces) -> None:
    path = tmp_path / "w.tmx"
    with TmxWriter(path) as writer:
        for i in range(200):
            writer.write(TranslationUnit(f"Texte\t{i} «\u00a0x\u00a0» <b>&amp;\r\nfin", f"Text {i}\u202f!", "fr-FR",
                                         "en-GB", tuid=f"u{i}", props=(("x-bead", "1-1"),)))
    assert len(_same(path)) == 200


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40)), min_size=1,
                max_size=40))
def test_round_trip_property(tmp_path, small_pieces, pairs) -> None:
    path = tmp_path / "h.tmx"
    with TmxWriter(path) as writer:
        for i, (fr, en) in enumerate(pairs):
            writer.write(TranslationUnit(fr, en, "fr-FR", "en-GB", tuid=str(i)))
    _same(path)


@pytest.mark.parametrize("odd", [
    # A <tu> inside another's <seg>: the serial reader meets the inner one first.
    '<tu tuid="outer"><tuv xml:lang="fr-FR"><seg>a<hi>b<tu tuid="inner"><tuv xml:lang="fr-FR"><seg>x</seg></tuv>'
    '<tuv xml:lang="en-GB"><seg>y</seg></tuv></tu>c</hi>d</seg></tuv><tuv xml:lang="en-GB"><seg>z</seg></tuv></tu>\n',
    '<header srclang="en-GB"/>\n',
    '<x:tu xmlns:x="urn:x" tuid="ns"><tuv xml:lang="fr-FR"><seg>n</seg></tuv><tuv xml:lang="en-GB"><seg>s</seg>'
    '</tuv></x:tu>\n',
    '<?keep this?><!-- a comment --><other><tu tuid="deep"><tuv xml:lang="fr-FR"><seg>p</seg></tuv>'
    '<tuv xml:lang="en-GB"><seg>q</seg></tuv></tu></other>\n',
])
def test_odd_structure_reads_like_the_serial_reader(tmp_path, small_pieces, odd) -> None:
    body = [_tu(i) for i in range(30)]
    for at in (3, 17):
        body.insert(at, odd)
    path = tmp_path / "odd.tmx"
    path.write_text(HEAD + "".join(body) + TAIL, encoding="utf-8")
    assert tmxchunks.plan_chunks(path) is not None
    _same(path)
    _same(path, src_lang="en", tgt_lang="fr")


def test_plain_pieces_are_parsed_whole(tmp_path, small_pieces, monkeypatch) -> None:
    # The incremental parse is only for pieces with odd nesting; a plain memory never needs it.
    path = tmp_path / "plain.tmx"
    path.write_text(HEAD + "".join(_tu(i) for i in range(40)) + TAIL, encoding="utf-8")
    serial = _read(path, 1)

    def refuse(*args, **kwargs):
        raise AssertionError("a plain piece went through iterparse")

    monkeypatch.setattr(tmxchunks, "iterparse_xml", refuse)
    assert _read(path, 2) == serial


def test_malformed_unit_gives_every_unit_before_it_then_the_error(tmp_path, small_pieces) -> None:
    # The promise, for one process and for two alike (and whatever libxml2 release): every unit
    # before the malformed one, in order, then the error naming the file and the fault's line.
    body = [_tu(i) for i in range(40)]
    body[25] = body[25].replace("</seg></tuv></tu>", "</tuv></tu>", 1)
    path = tmp_path / "bad.tmx"
    path.write_text(HEAD + "".join(body) + TAIL, encoding="utf-8")
    fault_line = (HEAD + "".join(body[:25])).count("\n") + 1
    for jobs in (1, 2):
        got = []
        with pytest.raises(UserError) as err:
            for unit in TmxReader(path, jobs=jobs):
                got.append(unit)
        assert [u.tuid for u in got] == [f"t{i}" for i in range(25)], jobs
        assert str(err.value).startswith(f"{path}:{fault_line}: malformed XML"), jobs


def test_cut_inside_a_comment_falls_back_to_one_exact_pass(tmp_path, small_pieces) -> None:
    # A long comment full of "<tu " makes several cuts land inside it.
    comment = "<!-- " + " ".join(f"<tu n='{i}'>" for i in range(200)) + " -->\n"
    body = [_tu(i) for i in range(10)] + [comment] + [_tu(i) for i in range(10, 20)]
    path = tmp_path / "comment.tmx"
    path.write_text(HEAD + "".join(body) + TAIL, encoding="utf-8")
    assert len(_same(path)) == 20


@pytest.mark.parametrize("change", [
    lambda t: t.replace("<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">", "<!DOCTYPE tmx [<!ATTLIST tu tuid CDATA 'x'>]>"),
    lambda t: t.replace('<tmx version="1.4">', '<tmx version="1.4" xmlns:x="urn:x">'),
    lambda t: t.replace("</tmx>", "</tmx><!-- after -->"),
    lambda t: t.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
    lambda t: t.replace("<body>", "<body><tu><tuv xml:lang='fr'><seg>a</seg></tuv></tu>").replace(
        "<header ", "<header><tu/></header><x ").replace('datatype="plaintext"/>', 'datatype="plaintext"/>'),
])
def test_files_the_cut_cannot_serve_are_read_serially(tmp_path, small_pieces, change) -> None:
    text = change(HEAD + "".join(_tu(i) for i in range(30)) + TAIL)
    path = tmp_path / "odd.tmx"
    path.write_bytes(text.encode("latin-1" if "ISO-8859-1" in text else "utf-8", errors="replace"))
    assert tmxchunks.plan_chunks(path) is None
    try:
        serial = _read(path, 1)
    except UserError as err:
        with pytest.raises(UserError, match=str(err).split(":")[-1].strip()[:20]):
            _read(path, 2)
    else:
        assert _read(path, 2) == serial


def test_small_files_and_single_job_stay_serial(tmp_path) -> None:
    path = tmp_path / "s.tmx"
    path.write_text(HEAD + "".join(_tu(i) for i in range(5)) + TAIL, encoding="utf-8")
    assert tmxchunks.plan_chunks(path) is None
    reader = TmxReader(path, jobs=1)
    assert tmxchunks.read_parallel(reader) is None


def test_progress_counts_every_byte_once(tmp_path, small_pieces) -> None:
    path = tmp_path / "p.tmx"
    path.write_text(HEAD + "".join(_tu(i) for i in range(50)) + TAIL, encoding="utf-8")
    seen = []
    list(TmxReader(path, jobs=2, progress=seen.append))
    assert 0 < sum(seen) <= path.stat().st_size
    assert sum(seen) >= path.stat().st_size - len(TAIL)


def test_stopping_early_leaves_no_workers_and_no_files(tmp_path, small_pieces, monkeypatch) -> None:
    import multiprocessing
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    path = tmp_path / "e.tmx"
    path.write_text(HEAD + "".join(_tu(i) for i in range(100)) + TAIL, encoding="utf-8")
    it = iter(TmxReader(path, jobs=2))
    first = [next(it) for _ in range(3)]
    # The workers' pieces wait in a scratch folder until their turn comes.
    assert [p.name.startswith("bilingual-pr-read-") for p in scratch.iterdir()] == [True]
    it.close()
    assert [u.tuid for u in first] == ["t0", "t1", "t2"]
    assert not multiprocessing.active_children()
    assert not list(scratch.iterdir())
    assert len(list(TmxReader(path, jobs=2))) == 100
    assert not list(scratch.iterdir())


def test_cli_commands_give_the_same_output_with_several_jobs(tmp_path, small_pieces) -> None:
    from click.testing import CliRunner

    from bilingual_pr.cli import main

    path = tmp_path / "cli.tmx"
    body = [_tu(i % 40) for i in range(120)]  # duplicates on purpose, for stats and merge
    path.write_text(HEAD + "".join(body) + TAIL, encoding="utf-8")
    runner = CliRunner()
    outputs = []
    for jobs in ("1", "2"):
        stats = runner.invoke(main, ["tmx", "stats", str(path), "--json", "--jobs", jobs])
        export = runner.invoke(main, ["tmx", "export", str(path), "--format", "json", "--jobs", jobs])
        merged = tmp_path / f"merged{jobs}.tmx"
        merge = runner.invoke(main, ["tmx", "merge", str(path), "-o", str(merged), "--jobs", jobs])
        assert stats.exit_code == export.exit_code == merge.exit_code == 0, (stats.output, merge.output)
        body_lines = [line for line in merged.read_text(encoding="utf-8").splitlines() if "<tu " in line]
        outputs.append((stats.stdout, export.stdout, body_lines))
    assert outputs[0] == outputs[1]
    assert '"duplicates": 80' in outputs[0][0]


@pytest.mark.linux_timing
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_ctrl_c_to_the_whole_process_group_stops_reader_and_workers(tmp_path, sig) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "big.tmx"
    with TmxWriter(path) as writer:
        for i in range(100_000):
            writer.write(TranslationUnit(f"Le Conseil des droits de l'homme, séance n° {i}.",
                                         f"The Human Rights Council, meeting No. {i}.", "fr-FR", "en-GB"))
    assert path.stat().st_size > 2 * tmxchunks.MIN_PARALLEL_BYTES
    proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "tmx", "stats", str(path), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    children: list[str] = []
    while not children and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    if proc.poll() is not None:
        pytest.fail(f"stats ended before it could be interrupted: {proc.communicate()[1][-300:]!r}")
    os.killpg(proc.pid, getattr(signal, sig))  # what a terminal's Ctrl-C does: every process of the group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + getattr(signal, sig), err
    message = err.decode().strip()
    assert "Traceback" not in message and message.count("\n") == 0, message
    time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() and "bilingual_pr" in Path(f"/proc/{pid}/cmdline").read_text()
                   for pid in children)


def test_split_starts_here_and_follows_measured_costs() -> None:
    split = tmxchunks.PieceSplit(2)
    first = split.share
    assert 0.3 < first < 0.6
    picks = [split.next_is_mine() for _ in range(200)]
    assert picks[0] and not picks[1]
    assert abs(sum(picks) / 200 - first) < 0.01
    # Slow workers (or units that cost much to take here): this process reads more itself.
    for _ in range(50):
        split.record_worker(4000, 0.02, 0.4)
        split.record_own(4000, 0.1)
    assert split.share > 0.7
    # Slow here (a busy consumer, say): the workers take nearly everything.
    for _ in range(500):
        split.record_own(4000, 2.0)
        split.record_worker(4000, 0.01, 0.1)
    assert split.share < 0.1
    # The balance itself: own 20, receive 5, worker 35 µs a unit -> f * 20 + (1 - f) * 5 = (1 - f) * 35.
    assert abs(tmxchunks.main_share(2, 20.0, 5.0, 35.0) - 30 / 50) < 1e-9
    balanced = tmxchunks.PieceSplit(2)  # measured costs that outweigh the prior by far settle on that balance
    balanced.record_own(10**9, 20e-6 * 10**9)
    balanced.record_worker(10**9, 5e-6 * 10**9, 35e-6 * 10**9)
    assert abs(balanced.share - 30 / 50) < 1e-3
    assert tmxchunks.PieceSplit(1).share == 1.0
    assert tmxchunks.PieceSplit(3).share < first
