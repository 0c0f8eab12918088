"""``tmx stats`` with several jobs: each worker counts whole pieces; the counts are exactly the serial ones."""

from __future__ import annotations

import pytest

from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx import parallel as tmxchunks
from bilingual_pr.formats.tmx import stats as tmxstats
from bilingual_pr.formats.tmx import tmx_stats
from test_tmx_parallel import HEAD, TAIL, small_pieces  # noqa: F401 - the same memory head and cuts


@pytest.fixture
def no_serial_read(monkeypatch):
    """Fail if tmx_stats falls back to reading the file in this process."""
    def refuse(*args, **kwargs):
        raise AssertionError("read serially")

    monkeypatch.setattr(tmxstats, "TmxReader", refuse)


def _tu(i: int) -> str:
    props = f'<prop type="x-confidence">{"0.%d" % (i % 10) if i % 9 else "n/a"}</prop>'
    if i % 4 == 0:
        props += '<prop type="x-needs-review">yes</prop>'
    props += f'<prop type="x-bead">{"1-1" if i % 5 else "2-1"}</prop><prop type="x-source-doc">PR-{i % 7}.fr</prop>'
    en = "" if i % 17 == 0 else f"The Council adopted text No. {i % 30 if i % 11 else i % 29}."
    fr_lang = "fr-FR" if i % 6 else "fr-CA"
    return (f'<tu tuid="t{i}">{props}<tuv xml:lang="{fr_lang}"><seg>Le Conseil a adopté le texte n° {i % 30}.</seg>'
            f'</tuv><tuv xml:lang="en-GB"><seg>{en}</seg></tuv></tu>\n')


def _memory(tmp_path, extra: dict[int, str] | None = None):
    body = [_tu(i) for i in range(150)]
    for at, text in sorted((extra or {}).items(), reverse=True):
        body.insert(at, text)
    path = tmp_path / "m.tmx"
    path.write_text(HEAD + "".join(body) + TAIL, encoding="utf-8")
    return path


@pytest.mark.usefixtures("small_pieces")
def test_counts_of_the_pieces_are_the_serial_counts(tmp_path, monkeypatch) -> None:
    path = _memory(tmp_path, {40: '<tu tuid="half"><tuv xml:lang="fr-FR"><seg>seul</seg></tuv></tu>\n',
                              90: "<!-- <tu> in a comment -->\n"})
    serial = tmx_stats(path)
    assert serial.units == 150 and serial.skipped == 1 and serial.duplicates > 0 and serial.conflicting_sources > 0
    assert serial.needs_review and serial.empty_targets and serial.scored < 150 and len(serial.beads) == 2
    assert len(tmxchunks.plan_chunks(path).chunks) > 20
    for src, tgt in ((None, None), ("fr-CA", "en")):
        expected = tmx_stats(path, src, tgt)
        with monkeypatch.context() as m:
            m.setattr(tmxstats, "TmxReader", lambda *a, **k: pytest.fail("read serially"))
            assert tmx_stats(path, src, tgt, jobs=2) == expected
            assert tmx_stats(path, src, tgt, jobs=3) == expected


@pytest.mark.usefixtures("small_pieces")
def test_a_piece_that_does_not_parse_gives_the_serial_answer(tmp_path) -> None:
    # A comment full of "<tu " makes cuts land inside it: those pieces fail, the file is fine.
    comment = "<!-- " + " ".join(f"<tu n='{i}'>" for i in range(200)) + " -->\n"
    path = _memory(tmp_path, {60: comment})
    seen: list[int] = []
    assert tmx_stats(path, jobs=2, progress=seen.append) == tmx_stats(path)
    assert path.stat().st_size - len(TAIL) <= sum(seen) <= path.stat().st_size  # each byte reported once


@pytest.mark.usefixtures("small_pieces")
def test_a_malformed_file_gives_the_serial_error(tmp_path) -> None:
    path = _memory(tmp_path, {70: '<tu tuid="bad"><tuv xml:lang="fr-FR"><seg>x</tuv></tu>\n'})
    with pytest.raises(UserError) as serial:
        tmx_stats(path)
    with pytest.raises(UserError) as parallel:
        tmx_stats(path, jobs=2)
    assert str(parallel.value) == str(serial.value) and ":" in str(serial.value)


def test_small_files_are_counted_serially(tmp_path, no_serial_read) -> None:
    path = _memory(tmp_path)
    with pytest.raises(AssertionError, match="read serially"):
        tmx_stats(path, jobs=2)
