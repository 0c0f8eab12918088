"""French and English files swapped, or a file in the wrong language: run and batch (issue 16, item 3)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main

FIX = Path(__file__).resolve().parent / "fixtures" / "parallel"
CERN = (FIX / "cern-detector.fr.txt", FIX / "cern-detector.en.txt")
UNOG = (FIX / "unog-archives.fr.txt", FIX / "unog-archives.en.txt")


@pytest.fixture()
def no_model(monkeypatch):
    """No Argos model and no embeddings: the tests run the same wherever they run."""
    import bilingual_pr.align.embeddings as emb
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)
    monkeypatch.setattr(emb, "embeddings_available", lambda: False)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _units(path: Path) -> list:
    from bilingual_pr.formats.tmx import read_tmx

    return list(read_tmx(path)) if path.exists() else []


def _summary(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        return {r["name"]: r for r in csv.DictReader(fh)}


def _folder(tmp_path: Path, fr_of_second: Path, en_of_second: Path) -> Path:
    """A good pair (nutest) and a second pair (archives) made of the given files."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CERN[0], src / "nutest.fr.txt")
    shutil.copy(CERN[1], src / "nutest.en.txt")
    shutil.copy(fr_of_second, src / "archives.fr.txt")
    shutil.copy(en_of_second, src / "archives.en.txt")
    return src


def test_run_refuses_swapped_files_and_swap_ok_swaps_them(tmp_path, no_model):
    out = tmp_path / "out"
    res = invoke("run", CERN[1], CERN[0], "-o", out, "--no-mt", "--no-glossary", "--name", "nutest")
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "looks swapped: the French file is in English" in lines[0]
    assert "--swap-ok" in lines[0] and not (out / "nutest.tmx").exists()

    res = invoke("run", CERN[1], CERN[0], "-o", out, "--no-mt", "--no-glossary", "--name", "nutest", "--swap-ok")
    assert res.exit_code == 0, res.output
    assert "looks swapped" in res.stderr and "swapped (--swap-ok)" in res.stderr
    units = _units(out / "nutest.tmx")
    french, english = CERN[0].read_text(encoding="utf-8"), CERN[1].read_text(encoding="utf-8")
    assert len(units) >= 6
    assert all(u.source in french and u.target in english for u in units)  # the right way round


def test_batch_fails_a_swapped_pair_and_swap_ok_swaps_it(tmp_path, no_model):
    src = _folder(tmp_path, UNOG[1], UNOG[0])  # archives.fr.txt holds English, archives.en.txt French
    out = tmp_path / "out"
    res = invoke("batch", src, "-o", out, "--no-glossary", "--jobs", "1")
    assert res.exit_code == 1, res.output
    failed = [line for line in res.stderr.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "looks swapped: the French file is in English" in failed[0]
    rows = _summary(out)
    assert rows["archives"]["status"] == "failed" and "looks swapped" in rows["archives"]["error"]
    assert {u.source for u in _units(out / "merged.tmx")} == {u.source for u in _units(out / "nutest" / "nutest.tmx")}

    res = invoke("batch", src, "-o", out, "--no-glossary", "--jobs", "1", "--swap-ok")
    assert res.exit_code == 0, res.output
    assert any("archives:" in line and "swapped (--swap-ok)" in line for line in res.stderr.splitlines())
    rows = _summary(out)
    assert rows["archives"]["status"] == "done" and "swapped (--swap-ok)" in rows["archives"]["warnings"]
    assert rows["nutest"]["warnings"] == ""
    french, english = UNOG[0].read_text(encoding="utf-8"), UNOG[1].read_text(encoding="utf-8")
    archives = _units(out / "archives" / "archives.tmx")
    assert len(archives) >= 5 and all(u.source in french and u.target in english for u in archives)
    merged = {(u.source, u.target) for u in _units(out / "merged.tmx")}
    assert {(u.source, u.target) for u in archives} <= merged


def test_batch_shows_language_warnings_and_strict_fails_the_pair(tmp_path, no_model):
    src = _folder(tmp_path, UNOG[0], UNOG[0])  # the "English" file is the French one again
    out = tmp_path / "out"
    res = invoke("batch", src, "-o", out, "--no-glossary", "--jobs", "1")
    assert res.exit_code == 0, res.output
    warned = [line for line in res.stderr.splitlines() if "archives:" in line]
    assert len(warned) == 1 and "given as English but looks like French" in warned[0]
    rows = _summary(out)
    assert rows["archives"]["status"] == "done"
    assert "given as English but looks like French" in rows["archives"]["warnings"]

    res = invoke("batch", src, "-o", out, "--no-glossary", "--jobs", "1", "--strict")
    assert res.exit_code == 1, res.output
    rows = _summary(out)
    assert rows["archives"]["status"] == "failed"
    assert "given as English but looks like French" in rows["archives"]["error"]
    assert rows["nutest"]["status"] == "done"  # --strict changes the stamp's options: redone, and fine
