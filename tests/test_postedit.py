"""Post-edited drafts back: which segments a person translated or edited, the distance, and where it goes.

A draft XLIFF (1.2 or 2.1, as ``draft`` writes it) is post-edited here the way OmegaT 3.6 does
it (new target text, ``state`` left as it was; tests/test_omegat_project.py and the OmegaT test
below show that it does) or the way an XLIFF 2 editor does (new text and state). ``tm import``
and ``tmx merge`` keep the person's translations with ``x-edited``; ``draft --report`` gives the
distance per segment, in the measure of ``run``'s effort estimate.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from bilingual_pr.cli import main
from bilingual_pr.formats.postedit import edit_distances, is_human, post_edits, summarize
from bilingual_pr.formats.tmx import TmxReader, write_tmx
from bilingual_pr.formats.units import TmxHeader, TranslationUnit
from bilingual_pr.formats.xliff import XliffSegment, read_xliff, xliff_bytes
from bilingual_pr.tm import open_tm
from bilingual_pr.tm.units import origin_from_props

CONTEXT = ("Le Conseil des droits de l’homme ouvre sa session à Genève.",
           "The Human Rights Council opens its session in Geneva.")
EXACT = ("La session durera trois semaines.", "The session will last three weeks.")
MT = ("Le Directeur général salue les délégations.", "The General Director greets the delegations.")
NONE = "Une conférence de presse suivra."
EDITED_MT = "The Director-General welcomes the delegations."
TRANSLATED = "A press conference will follow."


def _segments() -> list[XliffSegment]:
    return [XliffSegment("s1", CONTEXT[0], CONTEXT[1], "tm-context", "old.tmx", 101.0, CONTEXT[0]),
            XliffSegment("s2", EXACT[0], EXACT[1], "tm-exact", "old.tmx", 100.0, EXACT[0]),
            XliffSegment("s3", MT[0], MT[1], "mt", "argos fr-en"),
            XliffSegment("s4", NONE, None, "untranslated")]


def _post_edit(data: bytes, edits: dict[int, tuple[str, str | None]]) -> bytes:
    """Replace the target text (and state, when given) of the n-th segment, as a CAT tool saves it."""
    root = etree.fromstring(data)
    v2 = root.get("version", "").startswith("2")
    segs = root.findall(".//{*}segment" if v2 else ".//{*}trans-unit")
    for n, (text, state) in edits.items():
        seg = segs[n]
        target = seg.find("{*}target")
        if target is None:
            target = etree.SubElement(seg, f"{{{etree.QName(seg).namespace}}}target")
        target.text = text
        if state is not None:
            (seg if v2 else target).set("state", state)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _draft(tmp_path: Path, version: str = "1.2", edits: dict | None = None, name: str = "back.xlf") -> Path:
    data = xliff_bytes(_segments(), "fr-FR", "en-GB", "release.txt", version)
    path = tmp_path / name
    # OmegaT's way: segment 3 (MT) edited, segment 4 (untranslated) translated, states untouched.
    path.write_bytes(_post_edit(data, {2: (EDITED_MT, None), 3: (TRANSLATED, None)} if edits is None else edits))
    return path


def test_the_draft_proposal_is_read_back(tmp_path: Path) -> None:
    for version in ("1.2", "2.1"):
        units = list(read_xliff(_draft(tmp_path, version, {})))
        assert [u.prop("x-draft-target") for u in units] == [CONTEXT[1], EXACT[1], MT[1], None], version


def test_omegat_style_post_edits_are_a_persons_work(tmp_path: Path) -> None:
    edits = post_edits(_draft(tmp_path))
    assert [(e.id, e.human, e.edited) for e in edits] == [
        ("s1", True, False),  # a context match, drafted "translated", kept
        ("s2", False, None),  # an exact match nobody confirmed: a draft, not a translation
        ("s3", True, True),  # MT edited: the person's, though OmegaT left needs-review-translation
        ("s4", True, True)]  # translated from nothing
    assert [e.draft_origin for e in edits] == ["tm-context", "tm-exact", "mt", "untranslated"]
    chars, words = edit_distances(MT[1], EDITED_MT)
    assert edits[2].char_distance == round(chars, 4) and edits[2].word_distance == round(words, 4)
    assert 0 < chars < 1 and edits[0].char_distance == 0.0 and edits[3].char_distance == 1.0


def test_an_untouched_draft_is_no_translation(tmp_path: Path) -> None:
    units = list(read_xliff(_draft(tmp_path, "1.2", {})))
    assert [is_human(u) for u in units] == [True, False, False, False]


def test_xliff21_post_edits_with_states(tmp_path: Path) -> None:
    path = _draft(tmp_path, "2.1", {1: (EXACT[1], "reviewed"), 2: (EDITED_MT, None), 3: (TRANSLATED, "translated")})
    edits = post_edits(path)
    assert [(e.human, e.edited) for e in edits] == [(True, False), (True, False), (True, True), (True, True)]
    total = summarize(edits)
    assert (total.segments, total.human, total.edited, total.not_reviewed) == (4, 4, 2, 0)
    assert total.no_edit_share == 0.5
    assert total.mean_edit_distance == round((edits[2].char_distance + 1.0) / 4, 4)


def test_effort_and_post_edit_distance_are_one_measure() -> None:
    # pipeline.estimate_effort calls this same function: whitespace folded, edits over the longer length.
    assert edit_distances("The  session\nwill last.", "The session will last.") == (0.0, 0.0)
    assert edit_distances("", "Anything") == (1.0, 1.0)
    assert edit_distances("abcd", "abcx")[0] == 0.25


def test_tm_import_keeps_which_segments_were_edited(tmp_path: Path) -> None:
    db = tmp_path / "memory.sqlite"
    res = CliRunner().invoke(main, ["tm", "import", str(_draft(tmp_path)), "--db", str(db)])
    assert res.exit_code == 0 and "3 units: 3 added" in res.output and "1 skipped" in res.output, res.output
    tm = open_tm(db)
    try:
        units = {u.source: u for u in tm.export()}
    finally:
        tm.close()
    assert set(units) == {CONTEXT[0], MT[0], NONE}
    assert units[MT[0]].target == EDITED_MT and units[MT[0]].origin == "human"
    props = {s: dict(u.props) for s, u in units.items()}
    assert props[MT[0]]["x-edited"] == "yes" and props[CONTEXT[0]]["x-edited"] == "no"
    assert props[MT[0]]["x-draft-origin"] == "mt" and props[NONE]["x-edit-distance"] == "1.00"


def test_an_edited_segment_stays_human_through_a_tmx(tmp_path: Path) -> None:
    # OmegaT left the MT segment's state as drafted: without x-edited it would read back as MT.
    props = (("x-state", "needs-review-translation"), ("x-origin", "mt"))
    assert origin_from_props(props)[0] == "mt"
    assert origin_from_props(props + (("x-edited", "yes"),))[0] == "human"


def test_tmx_merge_takes_post_edited_xliff(tmp_path: Path) -> None:
    tmx = tmp_path / "old.tmx"
    write_tmx(tmx, [TranslationUnit(*EXACT, "fr-FR", "en-GB")], TmxHeader(srclang="fr-FR"))
    out = tmp_path / "merged.tmx"
    res = CliRunner().invoke(main, ["tmx", "merge", str(tmx), str(_draft(tmp_path)), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "1 XLIFF segments nobody translated" in res.output
    got = {u.source: u for u in TmxReader(out)}
    assert set(got) == {EXACT[0], CONTEXT[0], MT[0], NONE}
    assert got[MT[0]].target == EDITED_MT and got[MT[0]].prop("x-edited") == "yes"
    assert got[CONTEXT[0]].prop("x-edited") == "no" and got[EXACT[0]].prop("x-edited") is None
    # Only XLIFF, 2.1: the header's languages come from the XLIFF file.
    only = tmp_path / "only.tmx"
    res = CliRunner().invoke(main, ["tmx", "merge", str(_draft(tmp_path, "2.1", name="b.xlf")), "-o", str(only)])
    assert res.exit_code == 0, res.output
    assert b'srclang="fr-FR"' in only.read_bytes() and len(list(TmxReader(only))) == 3


def test_a_post_edited_draft_as_a_memory_gives_the_persons_translations(tmp_path: Path) -> None:
    from bilingual_pr.formats.factory import memory_units

    got = [(u.source, u.target) for u in memory_units(_draft(tmp_path), "fr", "en")]
    assert got == [CONTEXT, (EXACT[0], ""), (MT[0], EDITED_MT), (NONE, TRANSLATED)]


def test_tmx_merge_refuses_other_files_in_one_line(tmp_path: Path) -> None:
    other = tmp_path / "pairs.tsv"
    other.write_text("fr\ten\na\tb\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["tmx", "merge", str(other), "-o", str(tmp_path / "m.tmx")])
    assert res.exit_code == 2 and "not a TMX or XLIFF file" in res.output and len(res.output.splitlines()) == 1


def test_draft_report_per_segment_and_beside_the_run_estimate(tmp_path: Path) -> None:
    run_json = tmp_path / "release.run.json"
    run_json.write_text(json.dumps({"effort": {"compared": 4, "drafted": 3, "mean_edit_distance": 0.1,
                                               "mean_word_edit_distance": 0.2, "no_edit_share": 0.75}}))
    back = _draft(tmp_path)
    res = CliRunner().invoke(main, ["draft", str(back), "--report", "--run", str(run_json)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "s1\ttm-context\tkept: distance 0.00 (characters) / 0.00 (words)"
    assert lines[1] == "s2\ttm-exact\tnot reviewed (draft left as proposed)"
    assert lines[2].startswith("s3\tmt\tedited: distance ")
    assert lines[3] == "s4\tuntranslated\ttranslated (nothing drafted): distance 1.00 (characters) / 1.00 (words)"
    assert "3 translated or checked by a person (2 edited), 1 drafts not reviewed" in lines[4]
    assert lines[5].startswith("run estimate: mean edit distance 0.10 (characters) / 0.20 (words), 75% need no edit")
    res = CliRunner().invoke(main, ["draft", str(back), "--report", "--format", "json"])
    data = json.loads(res.output)
    assert data["summary"]["edited"] == 2 and data["segments"][2]["draft"] == MT[1] and data["estimate"] is None


def test_draft_report_refuses_what_is_not_a_run_json(tmp_path: Path) -> None:
    back = _draft(tmp_path)
    for text in ("not json", "[1, 2]", '{"stats": {}}', '{"effort": 3}'):
        bad = tmp_path / "bad.run.json"
        bad.write_text(text)
        res = CliRunner().invoke(main, ["draft", str(back), "--report", "--run", str(bad)])
        assert res.exit_code == 2 and len(res.output.splitlines()) == 1 and "run.json" in res.output, res.output
    unestimated = tmp_path / "none.run.json"
    unestimated.write_text('{"effort": null, "effort_not_estimated": "nothing was drafted"}')
    res = CliRunner().invoke(main, ["draft", str(back), "--report", "--run", str(unestimated)])
    assert res.exit_code == 0 and res.output.splitlines()[-1] == "run estimate: not estimated"


def test_draft_without_report_still_needs_its_options(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["draft", str(_draft(tmp_path)), "--from", "fr", "--to", "en"])
    assert res.exit_code == 2 and "Missing option '-o' / '--output'" in res.output, res.output
    res = CliRunner().invoke(main, ["draft", str(tmp_path / "x.txt"), "--report"])
    assert res.exit_code == 2 and len(res.output.splitlines()) == 1


@pytest.mark.omegat
def test_a_draft_post_edited_in_omegat_goes_back_with_its_edits(tmp_path: Path) -> None:
    from interop.omegat import build_project, require_omegat, run_omegat

    require_omegat()
    draft = tmp_path / "release.xlf"
    draft.write_bytes(xliff_bytes(_segments(), "fr-FR", "en-GB", "release.txt"))
    # The translator's work, as OmegaT stores it: the segment text (the draft's target) -> the translation.
    work = tmp_path / "work.tmx"
    write_tmx(work, [TranslationUnit(MT[1], EDITED_MT, "fr-FR", "en-GB"),
                     TranslationUnit(NONE, TRANSLATED, "fr-FR", "en-GB")], TmxHeader(srclang="fr-FR"))
    project = build_project(tmp_path / "proj", sources={"release.xlf": draft}, tm_auto={"work.tmx": work})
    result = run_omegat(project)
    assert "release.xlf" in result.targets, result.log_problems
    back = project.target / "release.xlf"
    # OmegaT changed the texts and left every state as the draft had it.
    assert [u.state for u in read_xliff(back)] == [u.state for u in read_xliff(draft)]
    edits = post_edits(back)
    assert [(e.final, e.human, e.edited) for e in edits] == [
        (CONTEXT[1], True, False), (EXACT[1], False, None), (EDITED_MT, True, True), (TRANSLATED, True, True)]
