"""The machine-translation scorer: evidence from translating the source once and comparing with the target."""

from __future__ import annotations

import numpy as np
import pytest
from interop import require_module
from click.testing import CliRunner

from bilingual_pr.align import align_sentences
from bilingual_pr.align.core import default_scorers
from bilingual_pr.align.length import LengthScorer
from bilingual_pr.align.mt import MTScorer, ngram_profiles
from bilingual_pr.cli import main
from bilingual_pr.translate.testengine import TestEngine

LEXICON = {
    "le": "the", "la": "the", "les": "the", "conseil": "council", "a": "has", "adopté": "adopted",
    "résolution": "resolution", "une": "a", "un": "a", "sur": "on", "eau": "water", "l'": "the",
    "vent": "wind", "souffle": "blows", "fort": "hard", "ville": "city", "brille": "shines",
    "nuit": "night", "de": "of", "des": "of the", "réfugiés": "refugees", "rapport": "report",
    "publié": "published", "été": "been", "directrice": "director", "générale": "general",
    "ouvert": "opened", "session": "session", "ce": "this", "soir": "evening", "très": "very",
}


def test_profiles_are_normalised_and_discriminate() -> None:
    p = ngram_profiles(["The Council adopted a resolution.", "the council adopted a resolution",
                        "Refugees crossed the border at night."])
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0)
    same, other = float(p[0] @ p[1]), float(p[0] @ p[2])
    assert same > 0.95 and other < 0.5


def test_engine_is_called_once_in_one_batch() -> None:
    engine = TestEngine(LEXICON)
    MTScorer(engine).prepare(["Le conseil a adopté une résolution.", "Le vent souffle."], ["x", "y"])
    assert engine.batches == [2]


def test_engine_must_answer_every_sentence() -> None:
    class Short(TestEngine):
        def translate_batch(self, sentences):  # noqa: D102 - a broken engine
            return []

    with pytest.raises(ValueError):
        MTScorer(Short(LEXICON)).prepare(["Le vent souffle."], ["The wind blows."])


FR = [
    "Le conseil a adopté une résolution sur l'eau.",
    "La ville brille la nuit.",
    "Le vent souffle très fort ce soir sur la ville.",
    "Le rapport a été publié.",
]
# The English leaves out the second French sentence; its lengths suggest dropping the third.
EN = [
    "The Council adopted a resolution on water.",
    "The wind blows hard.",
    "The report has been published.",
]
TRUTH = [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))]


def _beads(scorers) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in align_sentences(FR, EN, scorers=scorers)]


def test_mt_evidence_fixes_what_length_alone_gets_wrong() -> None:
    assert _beads([LengthScorer.for_languages("fr", "en")]) != TRUTH
    assert _beads([LengthScorer.for_languages("fr", "en"), MTScorer(TestEngine(LEXICON))]) == TRUTH


def test_mt_composes_with_the_default_scorers() -> None:
    scorers = default_scorers(mt=TestEngine(LEXICON))
    assert [s.name for s in scorers][-1] == "mt"
    assert _beads(scorers) == TRUTH


def test_cli_mt_without_model_is_one_line(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("bilingual_pr.translate.argos.find_model", lambda src, tgt: None)
    fr, en = tmp_path / "a.fr.txt", tmp_path / "a.en.txt"
    fr.write_text("\n".join(FR) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["align", str(fr), str(en), "--presegmented", "--mt", "-o", str(tmp_path / "o.tsv")])
    assert res.exit_code == 2
    assert "Argos model" in res.output and res.output.strip().count("\n") == 0
    assert not (tmp_path / "o.tsv").exists()


def test_cli_mt_uses_the_installed_engine(tmp_path, monkeypatch) -> None:
    engine = TestEngine(LEXICON)
    monkeypatch.setattr("bilingual_pr.translate.argos.find_model", lambda src, tgt: object())
    monkeypatch.setattr("bilingual_pr.translate.argos.ArgosEngine", lambda model: engine)
    fr, en = tmp_path / "a.fr.txt", tmp_path / "a.en.txt"
    fr.write_text("\n".join(FR) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    out = tmp_path / "o.beads"
    res = CliRunner().invoke(main, ["align", str(fr), str(en), "--presegmented", "--mt", "--no-embeddings",
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert engine.batches == [4]
    assert out.read_text(encoding="utf-8").split() == ["[0]:[0]", "[1]:[]", "[2]:[1]", "[3]:[2]"]


@pytest.mark.slow
@pytest.mark.mt
def test_cli_mt_with_a_real_argos_package(tmp_path) -> None:
    """Slow-ish: the real discovery and engine path, with a tiny untrained package (its output is noise)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    require_module("ctranslate2")
    require_module("argostranslate")
    import argos_tiny

    env = dict(os.environ, HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               ARGOS_PACKAGES_DIR=str(tmp_path / "packages"))
    fr, en = tmp_path / "a.fr.txt", tmp_path / "a.en.txt"
    fr.write_text("\n".join(FR) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bilingual_pr", *args], env=env, capture_output=True, text=True,
                              timeout=120, cwd=Path(__file__).resolve().parents[1])

    missing = cli("align", str(fr), str(en), "--presegmented", "--mt", "--no-embeddings", "--format", "beads")
    assert missing.returncode == 2 and missing.stdout == ""
    assert len(missing.stderr.strip().splitlines()) == 1 and "fr->en Argos model" in missing.stderr

    pkg = argos_tiny.build_package(tmp_path / "translate-fr_en-test.argosmodel", "fr", "en")
    assert cli("models", "install", str(pkg)).returncode == 0
    res = cli("-v", "align", str(fr), str(en), "--presegmented", "--mt", "--no-embeddings", "--format", "beads")
    assert res.returncode == 0, res.stderr
    assert "length+anchors+position+mt" in res.stderr
    beads = res.stdout.split()
    # Whatever the noise model says, the beads cover every sentence once, in order.
    src = [int(k) for b in beads for k in b.split(":")[0].strip("[]").split(",") if k]
    tgt = [int(k) for b in beads for k in b.split(":")[1].strip("[]").split(",") if k]
    assert src == list(range(len(FR))) and tgt == list(range(len(EN)))
