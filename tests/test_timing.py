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
