"""``-v`` prints how long each stage of ``align`` and ``run`` took; without ``-v`` nothing."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "align"
FR, EN = ROOT / "examples" / "DG26-014F.fr.txt", ROOT / "examples" / "DG26-014E.en.txt"
LINE = re.compile(r"^bilingual-pr: time (\w+) +\d+\.\d\d s \(CPU \d+\.\d\d s\)$", re.M)


def stages(stderr: str) -> list[str]:
    return LINE.findall(stderr)


class Records(logging.Handler):
    """The timing logger's records (caplog misses them once a CLI test has set propagate=False)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture()
def timing_log(request):
    def attach(level: int) -> Records:
        logger = logging.getLogger("bilingual_pr.timing")
        handler, old = Records(), logger.level
        logger.addHandler(handler)
        logger.setLevel(level)
        request.addfinalizer(lambda: (logger.removeHandler(handler), logger.setLevel(old)))
        return handler
    return attach


@pytest.fixture()
def no_model(monkeypatch):
    import bilingual_pr.align.embeddings as emb
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)
    monkeypatch.setattr(emb, "embeddings_available", lambda: False)


def test_align_verbose_lists_its_stages(tmp_path: Path) -> None:
    out = tmp_path / "o.tsv"
    res = CliRunner().invoke(main, ["-v", "align", str(FIX / "hrc58.fr.txt"), str(FIX / "hrc58.en.txt"),
                                    "--no-embeddings", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert stages(res.stderr) == ["read", "segment", "align", "write"]


def test_align_presegmented_reads_without_segmenting(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["-v", "align", str(FIX / "hrc58.fr.sent"), str(FIX / "hrc58.en.sent"),
                                    "--presegmented", "--no-embeddings", "--format", "beads"])
    assert res.exit_code == 0, res.output
    assert stages(res.stderr) == ["read", "align", "write"]


def test_align_without_verbose_prints_no_timing(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["align", str(FIX / "hrc58.fr.txt"), str(FIX / "hrc58.en.txt"),
                                    "--no-embeddings", "-o", str(tmp_path / "o.tsv")])
    assert res.exit_code == 0, res.output
    assert "time" not in res.stderr and res.stderr == ""


def test_run_verbose_lists_its_stages(tmp_path: Path, no_model) -> None:
    res = CliRunner().invoke(main, ["-v", "run", str(FR), str(EN), "--no-embeddings", "--no-mt",
                                    "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert stages(res.stderr) == ["read", "segment", "align", "check", "write", "draft"]
    quiet = CliRunner().invoke(main, ["run", str(FR), str(EN), "--no-embeddings", "--no-mt",
                                      "-o", str(tmp_path / "out2")])
    assert quiet.exit_code == 0 and stages(quiet.stderr) == []


def test_embedding_time_is_its_own_stage_and_not_counted_in_align(timing_log) -> None:
    from bilingual_pr.align import align_sentences
    from bilingual_pr.align.embeddings import EmbeddingScorer
    from bilingual_pr.timing import stage

    def slow_encode(texts: list[str]) -> np.ndarray:
        time.sleep(0.3)
        return np.ones((len(texts), 4), dtype=np.float32)

    src, tgt = ["Le Conseil se réunit.", "Il adopte le texte."], ["The Council meets.", "It adopts the text."]
    log = timing_log(logging.INFO)
    with stage("align"):
        align_sentences(src, tgt, scorers=[EmbeddingScorer(encode=slow_encode)])
    times = {m.group(1): float(m.group(2)) for m in
             (re.match(r"time (\w+) +(\d+\.\d\d) s", r.getMessage()) for r in log.records) if m}
    assert list(times) == ["embed", "align"]
    assert times["embed"] >= 0.3 > times["align"]


def test_stage_logs_nothing_below_info(timing_log) -> None:
    from bilingual_pr.timing import stage

    log = timing_log(logging.WARNING)
    with stage("read"):
        pass
    assert log.records == []
    log = timing_log(logging.INFO)
    with stage("read"):
        pass
    assert [r.getMessage().split()[:2] for r in log.records] == [["time", "read"]]


def test_a_failed_stage_logs_no_time(timing_log) -> None:
    from bilingual_pr.timing import stage

    log = timing_log(logging.INFO)
    with pytest.raises(ValueError):
        with stage("read"):
            raise ValueError("boom")
    assert log.records == []


def _releases(folder: Path, n: int) -> Path:
    """``n`` copies of the bundled release, each under its own symbol."""
    folder.mkdir()
    for i in range(1, n + 1):
        for src, letter in ((FR, "F"), (EN, "E")):
            body = src.read_text(encoding="utf-8").split("\n\n", 1)[1]
            (folder / f"DG21-00{i}{letter}.txt").write_text(f"DG21/00{i}{letter}\n\n{body}", encoding="utf-8")
    return folder


TOTAL = re.compile(r"^bilingual-pr: time (\w+) +(\d+\.\d\d) s \(CPU (\d+\.\d\d) s\) over (\d+) releases$", re.M)


def test_batch_verbose_prints_stage_totals_over_all_releases(tmp_path: Path) -> None:
    src = _releases(tmp_path / "in", 3)
    res = CliRunner().invoke(main, ["-vv", "batch", str(src), "-o", str(tmp_path / "out"), "-j", "1", "--no-html",
                                    "--no-glossary"])
    assert res.exit_code == 0, res.output
    totals = {m[0]: (float(m[1]), float(m[2]), int(m[3])) for m in TOTAL.findall(res.stderr)}
    assert list(totals) == ["read", "segment", "align", "check", "write"]
    assert {n for _, _, n in totals.values()} == {3}
    # With -vv each release's own stage lines are there too (debug): the totals are their sums.
    per_release = [(name, float(w), float(c)) for name, w, c in
                   re.findall(r"^bilingual-pr: time (\w+) +(\d+\.\d\d) s \(CPU (\d+\.\d\d) s\)$", res.stderr, re.M)]
    assert len(per_release) == 3 * len(totals)
    for name, (wall, cpu, _) in totals.items():
        assert wall == pytest.approx(sum(w for n, w, _ in per_release if n == name), abs=0.02)
        assert cpu == pytest.approx(sum(c for n, _, c in per_release if n == name), abs=0.02)


def test_parallel_batch_verbose_totals_count_the_workers_releases(tmp_path: Path) -> None:
    src = _releases(tmp_path / "in", 3)
    res = CliRunner().invoke(main, ["-v", "batch", str(src), "-o", str(tmp_path / "out"), "-j", "2", "--no-html",
                                    "--no-glossary"])
    assert res.exit_code == 0, res.output
    totals = TOTAL.findall(res.stderr)
    assert [m[0] for m in totals] == ["read", "segment", "align", "check", "write"]
    assert {m[3] for m in totals} == {"3"} and all(float(m[1]) > 0 or m[0] != "align" for m in totals)
    assert stages(res.stderr) == []  # -v: the totals only, not a line per release and stage
    quiet = CliRunner().invoke(main, ["batch", str(src), "-o", str(tmp_path / "out2"), "-j", "1", "--no-html",
                                      "--no-glossary"])
    assert quiet.exit_code == 0 and TOTAL.findall(quiet.stderr) == []
