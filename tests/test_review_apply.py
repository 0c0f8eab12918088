"""Review decisions applied to a release's memory: the library (review_apply, review_files) and `review apply`.

The page that writes the decisions is driven in Chromium in tests/test_review_decisions_chromium.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.decisions import Decisions, write_decisions
from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx import TmxHeader, read_tmx, read_tmx_header, write_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.review_apply import (PROP_RELEASE_REVIEWED, PROP_REVIEW_BASE, apply_decisions, review_subject,
                                       unit_checksum)

RELEASE = "T-007"
WHEN = "2026-12-08T10:15:00Z"
# (bead, French, English, confidence): written for these tests, in the style of a UNOG release.
MEMORY = [
    (1, "L'Office des Nations Unies à Genève accueille la conférence.",
     "The United Nations Office at Geneva hosts the conference.", 0.95),
    (2, "Les délégations arriveront lundi.", "Delegations arrive on Tuesday.", 0.91),
    (6, "pour accéder au Palais des Nations.", "to enter the Palais des Nations.", 0.62),
    (7, "La séance est publique.", "The press conference starts at noon.", 0.60),
]
REVIEW = [
    (3, "Le Directeur général prendra la parole.", "The Director-General will speak. A reception follows.", 0.41),
    (4, "Une réception suivra. Les journalistes sont les bienvenus.", "Journalists are welcome.", 0.33),
    (5, "L'accréditation est obligatoire", "Accreditation is required", 0.30),
]


def _unit(n: int, fr: str, en: str, conf: float, review: bool) -> TranslationUnit:
    props = (("x-confidence", f"{conf:.2f}"), ("x-bead", "1-1"), ("x-source-doc", f"{RELEASE}F.fr.txt"),
             ("x-target-doc", f"{RELEASE}E.en.txt"), ("x-Origin", "Alignment"))
    return TranslationUnit(fr, en, "fr-FR", "en-GB", tuid=f"{RELEASE}:{n}",
                           props=props + ((("x-needs-review", "yes"),) if review else ()))


def units() -> tuple[list[TranslationUnit], list[TranslationUnit]]:
    return [_unit(*r, False) for r in MEMORY], [_unit(*r, True) for r in REVIEW]


def write_release(folder: Path) -> tuple[Path, Path]:
    """The memory and review TMX of the release, as align writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    memory, review = units()
    header = TmxHeader(props=(("x-bilingual-pr-signature", "test"),))
    write_tmx(folder / f"{RELEASE}.tmx", memory, header)
    write_tmx(folder / f"{RELEASE}.review.tmx", review, header)
    return folder / f"{RELEASE}.tmx", folder / f"{RELEASE}.review.tmx"


def decided(unit: TranslationUnit, action: str, **more) -> dict:
    return {"action": action, "checksum": unit_checksum(unit.source, unit.target), "reviewer": "mdupont",
            "date": WHEN, **more}


def the_decisions() -> Decisions:
    """Accept 1, edit 2, split 3 and 4 (an English sentence moves), merge 5 and 6, reject 7."""
    memory, review = units()
    u = {int(x.tuid.split(":")[1]): x for x in memory + review}
    items = {
        u[1].tuid: decided(u[1], "accept"),
        u[2].tuid: decided(u[2], "edit", source=u[2].source, target="Delegations will arrive on Monday."),
        u[3].tuid: decided(u[3], "split", source=u[3].source, target="The Director-General will speak.",
                           **{"with": u[4].tuid}),
        u[4].tuid: decided(u[4], "split", source=u[4].source,
                           target="A reception follows. Journalists are welcome.", **{"with": u[3].tuid}),
        u[5].tuid: decided(u[5], "merge", source="L'accréditation est obligatoire pour accéder au Palais des Nations.",
                           target="Accreditation is required to enter the Palais des Nations.",
                           **{"with": u[6].tuid}),
        u[6].tuid: decided(u[6], "merged", into=u[5].tuid),
        u[7].tuid: decided(u[7], "reject"),
    }
    return Decisions("review", review_subject(RELEASE, memory + review), items)


def test_each_action_gives_its_unit():
    from bilingual_pr.tm.exchange import tmx_origin

    memory, review = units()
    out = apply_decisions(memory, review, the_decisions(), RELEASE)
    got = {u.tuid: u for u in out.memory}
    assert list(got) == [f"{RELEASE}:{n}" for n in (1, 2, 3, 4, 5)]  # 6 merged into 5, 7 rejected
    assert got[f"{RELEASE}:1"].target == MEMORY[0][2]
    assert got[f"{RELEASE}:2"].target == "Delegations will arrive on Monday."
    assert got[f"{RELEASE}:3"].target == "The Director-General will speak."
    assert got[f"{RELEASE}:4"].target == "A reception follows. Journalists are welcome."
    assert got[f"{RELEASE}:5"].source == "L'accréditation est obligatoire pour accéder au Palais des Nations."
    for unit in out.memory:
        assert unit.prop("x-confirmed") == WHEN and unit.prop("x-reviewer") == "mdupont"
        assert unit.changedate == "20261208T101500Z" and not unit.needs_review
        assert tmx_origin(unit) == "confirmed"  # what `tm import` stores
    assert got[f"{RELEASE}:5"].prop("x-review-action") == "merge"
    assert out.review == ()
    assert dict(out.counts) == {"accept": 1, "reject": 1, "split": 2, "merge": 1, "merged": 1, "edit": 1}


def test_undecided_units_stay_where_they_were():
    memory, review = units()
    d = the_decisions()
    keep = {memory[0].tuid: d.decisions[memory[0].tuid]}  # only bead 1 accepted
    out = apply_decisions(memory, review, Decisions("review", d.subject, keep), RELEASE)
    assert [u.tuid for u in out.memory] == [u.tuid for u in memory]
    assert out.memory[1:] == tuple(memory[1:])
    assert out.review == tuple(review)
    assert out.release_reviewed is None


def _apply_cli(*args) -> object:
    from bilingual_pr.cli import main

    out = Path(args[args.index("-o") + 1])
    out.parent.mkdir(parents=True, exist_ok=True)
    return CliRunner().invoke(main, ["review", "apply", *map(str, args)])


def _snapshot(path: Path) -> list[tuple]:
    return [(u.tuid, u.source, u.target, u.props, u.changedate) for u in read_tmx(path)]


def test_cli_apply_twice_changes_nothing(tmp_path):
    mem, rev = write_release(tmp_path / "run")
    before = (mem.read_bytes(), rev.read_bytes())
    dec = tmp_path / "decisions.json"
    write_decisions(dec, the_decisions())
    res = _apply_cli(dec, tmp_path / "run", "-o", tmp_path / "out" / "fixed.tmx")
    assert res.exit_code == 0, res.output
    assert "1 accept" in res.output and "1 edit" in res.output and "2 split" in res.output
    fixed, rest = tmp_path / "out" / "fixed.tmx", tmp_path / "out" / "fixed.review.tmx"
    assert [u.tuid for u in read_tmx(fixed)] == [f"{RELEASE}:{n}" for n in (1, 2, 3, 4, 5)]
    assert list(read_tmx(rest)) == []
    assert dict(read_tmx_header(fixed).props)[PROP_REVIEW_BASE] == the_decisions().subject["memory"]
    assert dict(read_tmx_header(fixed).props)["x-bilingual-pr-signature"] == "test"
    assert (mem.read_bytes(), rev.read_bytes()) == before  # inputs untouched
    # The same decisions on the corrected memory: the same units again.
    res = _apply_cli(dec, fixed, "-o", tmp_path / "again" / "fixed.tmx")
    assert res.exit_code == 0, res.output
    assert _snapshot(tmp_path / "again" / "fixed.tmx") == _snapshot(fixed)
    assert _snapshot(tmp_path / "again" / "fixed.review.tmx") == []


def test_partial_decisions_then_the_rest(tmp_path):
    mem, rev = write_release(tmp_path / "run")
    d = the_decisions()
    first = Decisions("review", d.subject, {k: v for k, v in d.decisions.items() if k.endswith((":1", ":2"))})
    write_decisions(tmp_path / "d1.json", first)
    assert _apply_cli(tmp_path / "d1.json", mem, "-o", tmp_path / "a" / "m.tmx").exit_code == 0
    assert [u.tuid for u in read_tmx(tmp_path / "a" / "m.review.tmx")] == [u.tuid for u in units()[1]]
    # All decisions, taken on the same memory, applied to what the first apply wrote: as if applied at once.
    write_decisions(tmp_path / "d2.json", d)
    assert _apply_cli(tmp_path / "d2.json", tmp_path / "a" / "m.tmx", "-o", tmp_path / "b" / "m.tmx").exit_code == 0
    assert _apply_cli(tmp_path / "d2.json", mem, "-o", tmp_path / "c" / "m.tmx").exit_code == 0
    assert _snapshot(tmp_path / "b" / "m.tmx") == _snapshot(tmp_path / "c" / "m.tmx")


def test_release_reviewed_mark_goes_to_the_header(tmp_path):
    mem, _ = write_release(tmp_path / "run")
    d = the_decisions()
    marked = Decisions("review", d.subject, {**d.decisions, "release": {"action": "release-reviewed",
                                                                         "reviewer": "mdupont", "date": WHEN}})
    write_decisions(tmp_path / "d.json", marked)
    assert _apply_cli(tmp_path / "d.json", mem, "-o", tmp_path / "o.tmx").exit_code == 0
    assert dict(read_tmx_header(tmp_path / "o.tmx").props)[PROP_RELEASE_REVIEWED] == f"{WHEN} mdupont"


def _tampered(how: str) -> Decisions:
    d = the_decisions()
    items = {k: dict(v) for k, v in d.decisions.items()}
    subject = dict(d.subject)
    if how == "other memory":
        subject["memory"] = "sha256:" + "0" * 32
    elif how == "other release":
        subject["release"] = "T-008"
    elif how == "unit checksum":
        items[f"{RELEASE}:2"]["checksum"] = unit_checksum("autre", "other")
    elif how == "unknown tuid":
        items[f"{RELEASE}:99"] = dict(items[f"{RELEASE}:1"])
    elif how == "merge half":
        del items[f"{RELEASE}:6"]
    elif how == "no reviewer":
        items[f"{RELEASE}:1"]["reviewer"] = ""
    elif how == "unknown action":
        items[f"{RELEASE}:1"]["action"] = "approve"
    elif how == "empty edit":
        items[f"{RELEASE}:2"]["target"] = " "
    return Decisions("review", subject, items)


@pytest.mark.parametrize("how, message", [
    ("other memory", "another version of the T-007 memory"),
    ("other release", "no memory of release T-008"),
    ("unit checksum", f"decision for {RELEASE}:2: the unit's text differs"),
    ("unknown tuid", f"decision for {RELEASE}:99: no unit with this tuid"),
    ("merge half", f"decision for {RELEASE}:5: merged with {RELEASE}:6, which is not marked merged"),
    ("no reviewer", f"decision for {RELEASE}:1: no reviewer"),
    ("unknown action", f"decision for {RELEASE}:1: unknown action 'approve'"),
    ("empty edit", f"decision for {RELEASE}:2: edit needs a non-empty target"),
])
def test_bad_decisions_are_refused_in_one_line_and_nothing_is_written(tmp_path, how, message):
    mem, rev = write_release(tmp_path / "run")
    before = (mem.read_bytes(), rev.read_bytes())
    write_decisions(tmp_path / "d.json", _tampered(how))
    out = tmp_path / "out.tmx"
    res = _apply_cli(tmp_path / "d.json", tmp_path / "run", "-o", out)
    assert res.exit_code == 2, res.output
    line = res.output.strip()
    assert "\n" not in line and message in line and "Traceback" not in line, line
    assert not out.exists() and not (tmp_path / "out.review.tmx").exists()
    assert (mem.read_bytes(), rev.read_bytes()) == before


def test_truncated_and_foreign_files_are_refused(tmp_path):
    mem, _ = write_release(tmp_path / "run")
    write_decisions(tmp_path / "d.json", the_decisions())
    text = (tmp_path / "d.json").read_text(encoding="utf-8")
    (tmp_path / "cut.json").write_text(text[: len(text) // 2], encoding="utf-8")
    res = _apply_cli(tmp_path / "cut.json", mem, "-o", tmp_path / "o.tmx")
    assert res.exit_code == 2 and "truncated" in res.output and not (tmp_path / "o.tmx").exists()
    qa = json.loads(text)
    qa["kind"] = "qa-ignore"
    (tmp_path / "qa.json").write_text(json.dumps(qa), encoding="utf-8")
    res = _apply_cli(tmp_path / "qa.json", mem, "-o", tmp_path / "o.tmx")
    assert res.exit_code == 2 and "not 'review' ones" in res.output


def test_a_modified_memory_is_another_version(tmp_path):
    mem, rev = write_release(tmp_path / "run")
    write_decisions(tmp_path / "d.json", the_decisions())
    memory, review = units()
    memory[1] = TranslationUnit(memory[1].source, "Delegations arrive on Wednesday.", "fr-FR", "en-GB",
                                tuid=memory[1].tuid, props=memory[1].props)
    write_tmx(mem, memory, TmxHeader())
    res = _apply_cli(tmp_path / "d.json", mem, "-o", tmp_path / "o.tmx")
    assert res.exit_code == 2 and "another version of the T-007 memory" in res.output


def test_refuses_to_write_over_its_inputs(tmp_path):
    mem, _ = write_release(tmp_path / "run")
    write_decisions(tmp_path / "d.json", the_decisions())
    before = mem.read_bytes()
    res = _apply_cli(tmp_path / "d.json", mem, "-o", mem)
    assert res.exit_code == 2 and mem.read_bytes() == before


def test_subject_of_a_page_matches_the_memory_written_by_align(tmp_path):
    """`align --review` writes a page whose subject is the checksum `review apply` computes from the TMX files."""
    from bilingual_pr.cli import main

    root = Path(__file__).resolve().parents[1]
    fr, en = root / "examples" / "DG26-014F.fr.txt", root / "examples" / "DG26-014E.en.txt"
    res = CliRunner().invoke(main, ["align", str(fr), str(en), "--no-embeddings", "--min-confidence", "0.995",
                                    "-o", str(tmp_path / "a.tmx"), "--review", str(tmp_path / "a.html")])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="review-data">', 1)[1].split("</script>", 1)[0])
    tmx_units = list(read_tmx(tmp_path / "a.tmx")) + list(read_tmx(tmp_path / "a.review.tmx"))
    assert len(tmx_units) == 13 and any(u.needs_review for u in tmx_units)
    assert data["subject"] == review_subject("DG26-014", tmx_units)
    assert {u["tuid"]: u["checksum"] for u in data["units"]} == {
        u.tuid: unit_checksum(u.source, u.target) for u in tmx_units}
    res = CliRunner().invoke(main, ["review", str(tmp_path / "a.tmx"), "-o", str(tmp_path / "b.html")])
    assert res.exit_code == 0, res.output
    again = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert json.loads(again.split('id="review-data">', 1)[1].split("</script>", 1)[0])["subject"] == data["subject"]


def test_library_refusal_names_the_first_bad_item():
    memory, review = units()
    with pytest.raises(UserError, match=f"decision for {RELEASE}:2"):
        apply_decisions(memory, review, _tampered("unit checksum"), RELEASE)


@pytest.mark.omegat
def test_omegat_uses_the_corrected_memory(tmp_path):
    """OmegaT 3.6 loads the memory `review apply` wrote and fills the reviewed translations in."""
    from interop.omegat import build_project, require_omegat, run_omegat

    require_omegat()
    mem, _ = write_release(tmp_path / "run")
    write_decisions(tmp_path / "d.json", the_decisions())
    out = tmp_path / "fixed.tmx"
    assert _apply_cli(tmp_path / "d.json", mem, "-o", out).exit_code == 0
    fixed = list(read_tmx(out))
    project = build_project(tmp_path / "project", sources={"t.utf8": "\n".join(u.source for u in fixed) + "\n"},
                            src_lang="fr-FR", tgt_lang="en-GB", tm_auto={"fixed.tmx": out})
    result = run_omegat(project)
    assert "t.utf8" in result.targets, f"no target written; log problems: {result.log_problems}"
    assert result.target_lines("t.utf8") == [u.target for u in fixed], result.log_problems
    assert "Delegations will arrive on Monday." in result.target_lines("t.utf8")
    assert not [p for p in result.log_problems if p.startswith("TMXR_WARNING") or p == "TF_TM_LOAD_ERROR"]
