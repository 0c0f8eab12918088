"""`check --jobs N` on a large TMX: workers read their own pieces and find exactly what one process finds."""

from __future__ import annotations

import re

import pytest

from bilingual_pr import workers
from bilingual_pr.formats.tmx import parallel as tmxchunks
from bilingual_pr.qa.inputs import open_input
from bilingual_pr.qa.runner import run_checks
from conftest import fixture_path


@pytest.fixture(scope="module")
def glossary():
    from bilingual_pr.glossary import load_glossary

    return load_glossary(fixture_path("qa", "glossary.csv"), "en", "fr")


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(tmxchunks, "CHUNK_BYTES", 400)
    monkeypatch.setattr(tmxchunks, "MIN_PARALLEL_BYTES", 0)


def _repeated(tmp_path, copies: int):
    """The seeded memory several times over (new tuids): consistency groups then span many pieces."""
    text = fixture_path("qa", "seeded.tmx").read_text(encoding="utf-8")
    head, rest = text.split("<body>", 1)
    body, tail = rest.rsplit("</body>", 1)
    parts = [re.sub(r'tuid="([^"]*)"', rf'tuid="\1-{k}"', body) for k in range(copies)]
    path = tmp_path / f"seeded-x{copies}.tmx"
    path.write_text(head + "<body>" + "".join(parts) + "</body>" + tail, encoding="utf-8")
    return path


def _report(path, glossary, **kw):
    source = open_input([path])
    report = run_checks(source.read, glossary=glossary, profile="fr-FR", **kw)
    return report, source


@pytest.mark.parametrize("copies", [1, 4])
def test_pieces_give_the_same_report(tmp_path, glossary, small_pieces, copies) -> None:
    path = _repeated(tmp_path, copies)
    one, source = _report(path, glossary, jobs=1)
    assert source.pieces() is not None and len(source.pieces()) > 10
    seen: list[int] = []
    two, _ = _report(path, glossary, jobs=2, pieces=source.pieces, piece_progress=seen.append)
    assert two.units == one.units == 41 * copies
    assert two.findings == one.findings
    assert two.segments == one.segments
    assert sum(seen) <= path.stat().st_size and len(seen) == len(source.pieces())
    checks = {f.check for f in one.findings}
    assert {"inconsistent-target", "inconsistent-source"} <= checks or copies == 1


def test_a_broken_piece_gives_the_error_one_process_gives(tmp_path, glossary, small_pieces) -> None:
    # The promise: checking a malformed memory on two processes fails exactly as on one, with
    # the file and line of the fault; opening the file may be where it fails, on either path.
    from bilingual_pr.errors import UserError

    path = _repeated(tmp_path, 3)
    text = path.read_text(encoding="utf-8")
    cut = text.index("</seg>", len(text) // 2)
    path.write_text(text[:cut] + text[cut + len("</seg>"):], encoding="utf-8")

    def error(jobs: int) -> str:
        with pytest.raises(UserError) as err:
            source = open_input([path])
            extra = {"pieces": source.pieces} if jobs > 1 else {}
            run_checks(source.read, glossary=glossary, profile="fr-FR", jobs=jobs, **extra)
        return str(err.value)

    one, two = error(1), error(2)
    assert one == two
    assert re.match(rf"{re.escape(str(path))}:\d+: malformed XML", one)


def _wait_like_an_idle_worker(init, ready, held) -> None:
    init()
    ready.set()
    held.acquire()  # as an idle pool worker waits for the task queue's lock


@pytest.mark.linux_timing
def test_check_workers_die_on_sigterm_whatever_handler_they_inherit() -> None:
    # When a pool ends, its idle workers wait on a lock nobody will release, and only its
    # terminate() (SIGTERM) ends them: a Python handler inherited from the parent (the CLI
    # installs one) that does not exit would make the pool wait for them forever.
    import multiprocessing
    import signal

    from bilingual_pr.qa import runner

    ctx = multiprocessing.get_context("fork")
    ready, held = ctx.Event(), ctx.Lock()
    held.acquire()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        with workers.signals_held():
            # Private on purpose: the pool's initializer is what a real check worker runs before its first task.
            worker = ctx.Process(target=_wait_like_an_idle_worker, args=(runner._init_check_worker, ready, held))
            worker.start()
    finally:
        signal.signal(signal.SIGTERM, previous)
    try:
        assert ready.wait(30)
        worker.terminate()
        worker.join(10)
        assert worker.exitcode == -signal.SIGTERM
    finally:
        if worker.exitcode is None:
            worker.kill()
            worker.join()
