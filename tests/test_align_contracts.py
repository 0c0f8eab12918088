"""The aligner's plug-in contracts: scorers, the optional coarse capability, the MT engine type,
calibrations looked up by the set of scorers, and the signature every alignment TMX records."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bilingual_pr import __version__
from bilingual_pr.align import align_documents, align_sentences, default_scorers
from bilingual_pr.align.anchors import AnchorScorer
from bilingual_pr.align.base import AlignSignature, Band, CoarsePrepared, Scorer, coarsened
from bilingual_pr.align.confidence import CALIBRATIONS, UNCALIBRATED, calibration_for
from bilingual_pr.align.embeddings import EmbeddingScorer
from bilingual_pr.align.length import LengthScorer
from bilingual_pr.align.mt import MTScorer
from bilingual_pr.align.position import PositionScorer
from bilingual_pr.align.writers import OutputMeta, write_tmx_pairs
from bilingual_pr.batch import MERGED_NAME
from bilingual_pr.cli import main
from bilingual_pr.documents import Block, Document
from bilingual_pr.formats.units import PROP_SIGNATURE
from bilingual_pr.translate.testengine import TestEngine

ROOT = Path(__file__).resolve().parents[1]
EX_FR, EX_EN = ROOT / "examples" / "DG26-014F.fr.txt", ROOT / "examples" / "DG26-014E.en.txt"

FR = ["Le Directeur général a ouvert la session le 3 mars 2026 à Genève.",
      "Quelque 120 délégations y participent.",
      "La réunion se termine vendredi."]
EN = ["The Director-General opened the session on 3 March 2026 in Geneva.",
      "Some 120 delegations are taking part.",
      "The meeting ends on Friday."]
LEXICON = {"le": "the", "la": "the", "directeur": "director", "général": "general", "a": "has", "ouvert": "opened",
           "session": "session", "réunion": "meeting", "se": "", "termine": "ends", "vendredi": "Friday"}


def _encode(texts: list[str]) -> np.ndarray:
    # A stand-in encoder: the e5 model is not needed to check contracts.
    return np.array([[len(t), t.count(" ") + 1.0, 1.0] for t in texts], dtype=np.float32)


def _doc(sentences: list[str], lang: str) -> Document:
    text = "\n\n".join(sentences)
    blocks, pos = [], 0
    for s in sentences:
        blocks.append(Block(s, "paragraph", pos, pos + len(s)))
        pos += len(s) + 2
    return Document(tuple(blocks), text, f"release.{lang}.txt", "text", "utf-8", lang)


ALL_SCORERS = [LengthScorer(), AnchorScorer(), PositionScorer(), EmbeddingScorer(encode=_encode),
               MTScorer(TestEngine(LEXICON))]


# ------------------------------------------------------------------ scorer contract


@pytest.mark.parametrize("scorer", ALL_SCORERS, ids=lambda s: s.name)
def test_every_scorer_meets_the_contract_with_read_only_identity(scorer) -> None:
    assert isinstance(scorer, Scorer)
    for attr, value in (("name", "other"), ("default_weight", 99.0), ("coarse", not scorer.coarse)):
        # Slotted class constants refuse it (AttributeError; a frozen slotted dataclass of Python 3.11
        # says TypeError from its generated __setattr__).
        with pytest.raises((AttributeError, TypeError, dataclasses.FrozenInstanceError)):
            setattr(scorer, attr, value)
        assert getattr(scorer, attr) == getattr(type(scorer), attr)
    assert scorer.name in {"length", "anchors", "position", "embeddings", "mt"}


def test_identity_is_not_a_constructor_argument() -> None:
    with pytest.raises(TypeError):
        LengthScorer(name="anchors")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        AnchorScorer(default_weight=1.0)  # type: ignore[call-arg]


def test_coarsening_is_an_optional_declared_capability() -> None:
    prepared = {s.name: s.prepare(FR, EN) for s in ALL_SCORERS}
    able = {name for name, p in prepared.items() if isinstance(p, CoarsePrepared)}
    assert able == {"length", "anchors"}
    group = coarsened(prepared["length"], 2)
    assert group is not None and group.score(Band.full(2, 2), 1, 1).shape == (9,)
    assert coarsened(prepared["position"], 2) is None
    # Every scorer the coarse pass may use either coarsens itself or is cheap to prepare again.
    assert all(s.coarse == (s.name in able) for s in ALL_SCORERS)


def test_mt_scorer_takes_an_mt_engine_only() -> None:
    class Duck:
        name = "duck"

        def translate_batch(self, sentences):
            return list(sentences)

    with pytest.raises(TypeError, match="MTEngine"):
        MTScorer(Duck())  # type: ignore[arg-type]
    assert MTScorer(TestEngine(LEXICON)).engine.name == "test-engine"


# ------------------------------------------------------------------ calibrations by scorer set


def test_calibration_is_found_by_the_set_of_scorer_names() -> None:
    fitted = calibration_for(["length", "anchors", "position"])
    assert fitted.fitted and fitted is calibration_for(["position", "length", "anchors"])
    assert all(isinstance(key, frozenset) for key in CALIBRATIONS)
    assert calibration_for(["length", "anchors", "position", "embeddings"]) is not fitted


def test_a_set_without_fitted_calibration_is_uncalibrated_with_one_warning(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="bilingual_pr")
    names = ["length", "anchors", "position", "unfitted-test-scorer"]
    first = calibration_for(names)
    again = calibration_for(list(reversed(names)))
    assert not first.fitted and first.id == UNCALIBRATED and again is first
    # Not another combination's coefficients.
    assert all((first.slope, first.intercept) != (c.slope, c.intercept) for c in CALIBRATIONS.values())
    warnings = [r for r in caplog.records if "unfitted-test-scorer" in r.getMessage()]
    assert len(warnings) == 1 and "uncalibrated" in warnings[0].getMessage()


def test_mt_alignment_is_marked_uncalibrated() -> None:
    with_mt = align_documents(_doc(FR, "fr"), _doc(EN, "en"), scorers=default_scorers(mt=TestEngine(LEXICON)))
    plain = align_documents(_doc(FR, "fr"), _doc(EN, "en"), scorers=default_scorers())
    assert not with_mt.calibrated and with_mt.signature.calibration == UNCALIBRATED
    assert plain.calibrated and plain.signature.calibration == calibration_for(["length", "anchors", "position"]).id
    assert [(p.src, p.tgt) for p in with_mt.pairs] == [(p.src, p.tgt) for p in plain.pairs]


def test_a_reordered_default_set_keeps_its_calibration() -> None:
    forward = align_sentences(FR, EN, scorers=default_scorers())
    backward = align_sentences(FR, EN, scorers=list(reversed(default_scorers())))
    assert [b.confidence for b in forward] == pytest.approx([b.confidence for b in backward])


# ------------------------------------------------------------------ signature


def _header_props(path: Path) -> dict[str, str]:
    from bilingual_pr.formats.tmx import read_tmx_header

    return dict(read_tmx_header(path).props)


def test_signature_text() -> None:
    sig = AlignSignature((("length", 1.0), ("anchors", 8.0)), "dev23-x")
    assert str(sig) == f"bilingual-pr {__version__}|scorers=length:1.0+anchors:8.0|calibration=dev23-x"
    assert sig.calibrated and not AlignSignature((("mt", 20.0),), UNCALIBRATED).calibrated


def test_signature_changes_with_the_scorers_and_is_in_the_tmx_header(tmp_path: Path) -> None:
    from bilingual_pr.formats.tmx import validate_tmx

    signatures = []
    for name, scorers in (("plain", default_scorers()), ("mt", default_scorers(mt=TestEngine(LEXICON)))):
        al = align_documents(_doc(FR, "fr"), _doc(EN, "en"), scorers=scorers)
        out = tmp_path / f"{name}.tmx"
        write_tmx_pairs(out, al.pairs, OutputMeta("fr-FR", "en-GB", "a.fr", "a.en", "R1", al.signature), False,
                        list(range(1, len(al.pairs) + 1)))
        assert validate_tmx(out).valid
        signatures.append(_header_props(out)[PROP_SIGNATURE])
    plain, mt = signatures
    assert plain == (f"bilingual-pr {__version__}|scorers=length:1.0+anchors:8.0+position:1.0"
                     f"|calibration={calibration_for(['length', 'anchors', 'position']).id}")
    assert mt.startswith(f"bilingual-pr {__version__}|scorers=length:1.0+anchors:8.0+position:1.0+mt:20.0|")
    assert mt.endswith("|calibration=uncalibrated")


def test_signature_records_the_weights_actually_used() -> None:
    from bilingual_pr.align import AlignParams

    al = align_documents(_doc(FR, "fr"), _doc(EN, "en"), scorers=default_scorers(),
                         params=AlignParams().with_weight("anchors", 4.0))
    assert "+anchors:4.0+" in str(al.signature)


def _write_pair(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    fr, en = folder / "DG26-014F.fr.txt", folder / "DG26-014E.en.txt"
    fr.write_bytes(EX_FR.read_bytes())
    en.write_bytes(EX_EN.read_bytes())
    return fr, en


@pytest.fixture()
def no_model(monkeypatch):
    import bilingual_pr.align.embeddings as emb
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)
    monkeypatch.setattr(emb, "embeddings_available", lambda: False)


def test_align_run_and_batch_tmx_record_the_signature(tmp_path: Path, no_model) -> None:
    fr, en = _write_pair(tmp_path / "in")
    runner = CliRunner()
    res = runner.invoke(main, ["align", str(fr), str(en), "-o", str(tmp_path / "a.tmx"), "--min-confidence", "0.99"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["run", str(fr), str(en), "-o", str(tmp_path / "run"), "--no-mt"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "batch"), "-j", "1"])
    assert res.exit_code == 0, res.output
    outputs = [tmp_path / "a.tmx", tmp_path / "a.review.tmx", *sorted((tmp_path / "run").rglob("*.tmx")),
               *sorted((tmp_path / "batch").rglob("*.tmx"))]
    # merged.tmx keeps the signature its inputs share (formats/tmx/ops.py merge_tmx).
    assert any(p.name == MERGED_NAME for p in outputs)
    assert len([p for p in outputs if "run" in p.parts]) >= 1 and len([p for p in outputs if "batch" in p.parts]) >= 1
    expected = (f"bilingual-pr {__version__}|scorers=length:1.0+anchors:8.0+position:1.0"
                f"|calibration={calibration_for(['length', 'anchors', 'position']).id}")
    for path in outputs:
        assert _header_props(path).get(PROP_SIGNATURE) == expected, path
        check = runner.invoke(main, ["tmx", "validate", str(path)])
        assert check.exit_code == 0, check.output


def test_cli_mt_warns_once_and_says_uncalibrated(tmp_path: Path, monkeypatch) -> None:
    import bilingual_pr.align.confidence as confidence

    engine = TestEngine(LEXICON)
    monkeypatch.setattr("bilingual_pr.translate.argos.find_model", lambda src, tgt: object())
    monkeypatch.setattr("bilingual_pr.translate.argos.ArgosEngine", lambda model: engine)
    # Private on purpose: the warn-once memory is process-wide and has no public reset; start it empty.
    monkeypatch.setattr(confidence, "_warned", set())
    fr, en = tmp_path / "a.fr.txt", tmp_path / "a.en.txt"
    fr.write_text("\n".join(FR) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    out = tmp_path / "o.json"
    res = CliRunner().invoke(main, ["align", str(fr), str(en), "--presegmented", "--mt", "--no-embeddings",
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    lines = [line for line in res.stderr.splitlines() if "uncalibrated" in line]
    assert len(lines) == 1 and "length+anchors+position+mt" in lines[0]
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["calibration"] == "uncalibrated" and "mt:20.0" in payload["signature"]
    tmx = tmp_path / "o.tmx"
    res = CliRunner().invoke(main, ["align", str(fr), str(en), "--presegmented", "--mt", "--no-embeddings",
                                    "--min-confidence", "0", "-o", str(tmx)])
    assert res.exit_code == 0, res.output
    assert _header_props(tmx)[PROP_SIGNATURE].endswith("|calibration=uncalibrated")


@pytest.mark.omegat
def test_omegat_loads_an_aligned_memory_with_a_signature(tmp_path: Path) -> None:
    from interop.omegat import build_project, require_omegat, run_omegat

    require_omegat()
    al = align_documents(_doc(FR, "fr"), _doc(EN, "en"), scorers=default_scorers())
    memory = tmp_path / "release.tmx"
    write_tmx_pairs(memory, al.pairs, OutputMeta("fr-FR", "en-GB", "a.fr", "a.en", "R1", al.signature), False,
                    list(range(1, len(al.pairs) + 1)))
    assert PROP_SIGNATURE in _header_props(memory)
    project = build_project(tmp_path / "project", sources={"release.utf8": "\n".join(FR) + "\n"},
                            tm_auto={"release.tmx": memory})
    result = run_omegat(project)
    assert "release.utf8" in result.targets, f"no target written; log problems: {result.log_problems}"
    assert result.target_lines("release.utf8") == EN, result.log_problems
    assert "TF_TM_LOAD_ERROR" not in result.log_problems


def test_a_merge_keeps_only_a_signature_every_input_shares(tmp_path: Path) -> None:
    from bilingual_pr.formats.tmx import merge_tmx, write_tmx
    from bilingual_pr.formats.units import TmxHeader, TranslationUnit

    def memory(name: str, signature: str | None, n: int) -> Path:
        props = ((PROP_SIGNATURE, signature),) if signature else ()
        unit = TranslationUnit(f"Le Conseil a siégé {n} jours.", f"The Council sat for {n} days.", "fr-FR", "en-GB")
        write_tmx(tmp_path / name, [unit], TmxHeader(props=props))
        return tmp_path / name

    same = [memory("a.tmx", "bilingual-pr 1|x", 1), memory("b.tmx", "bilingual-pr 1|x", 2)]
    merge_tmx(same, tmp_path / "same.tmx")
    assert _header_props(tmp_path / "same.tmx").get(PROP_SIGNATURE) == "bilingual-pr 1|x"
    mixed = [memory("c.tmx", "bilingual-pr 1|x", 3), memory("d.tmx", "bilingual-pr 1|y", 4), memory("e.tmx", None, 5)]
    for inputs in (mixed[:2], [mixed[0], mixed[2]]):
        merge_tmx(inputs, tmp_path / "mixed.tmx")
        assert PROP_SIGNATURE not in _header_props(tmp_path / "mixed.tmx")
