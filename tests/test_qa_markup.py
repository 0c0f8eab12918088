"""Inline markup in TMX memories (<bpt>/<ept>/<it>/<ph>/<hi>) and XLIFF codes: the tags family compares them.

The TMX reader keeps the codes only when asked (the QA read); the default read drops them, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main
from bilingual_pr.formats.tmx import read_tmx
from bilingual_pr.formats.tmx.reader import SerialTmxReader
from bilingual_pr.formats.units import InlineCode
from bilingual_pr.qa.inputs import open_input
from bilingual_pr.qa.model import Segment
from bilingual_pr.qa.runner import run_checks
from bilingual_pr.qa.tags import check_tags

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
         'segtype="sentence" o-tmf="t" adminlang="en" srclang="fr-FR" datatype="plaintext"/><body>\n')


def _tu(fr: str, en: str, tuid: str) -> str:
    return (f'<tu tuid="{tuid}"><tuv xml:lang="fr-FR"><seg>{fr}</seg></tuv>'
            f'<tuv xml:lang="en-GB"><seg>{en}</seg></tuv></tu>\n')


def _tmx(tmp_path: Path, *tus: tuple[str, str]) -> Path:
    path = tmp_path / "m.tmx"
    body = "".join(_tu(fr, en, f"u{i}") for i, (fr, en) in enumerate(tus))
    path.write_text(_HEAD + body + "</body></tmx>\n", encoding="utf-8")
    return path


B, E = '<bpt i="1">&lt;b&gt;</bpt>', '<ept i="1">&lt;/b&gt;</ept>'
I2, J2 = '<bpt i="2">&lt;i&gt;</bpt>', '<ept i="2">&lt;/i&gt;</ept>'
PH = '<ph x="3">&lt;br/&gt;</ph>'

CLEAN = [
    (f"Le {B}Conseil des droits de l'homme{E} se réunit à Genève.",
     f"The {B}Human Rights Council{E} meets in Geneva."),
    # Paired codes in another order: fine.
    (f"La {B}session{E} du {I2}Conseil{J2} s'ouvre lundi.",
     f"The {I2}Council{J2} {B}session{E} opens on Monday."),
    (f"Le CERN{PH} publie ses résultats.", f"CERN{PH} publishes its results."),
    ('Voir <hi type="bold">la note</hi> jointe.', 'See the attached <hi type="bold">note</hi>.'),
    ('Suite du texte<it pos="end" x="5">&lt;/b&gt;</it> ici.', 'Text continued<it pos="end" x="5">&lt;/b&gt;</it> here.'),
]
DAMAGED = [
    # An unpaired <bpt> in the target.
    (f"Le {B}Conseil{E} se réunit à Genève.", f"The {B}Council meets in Geneva."),
    # A code missing.
    (f"Le CERN{PH} publie ses résultats.", "CERN publishes its results."),
    # A code duplicated.
    (f"Le CERN{PH} publie ses résultats.", f"CERN{PH} publishes{PH} its results."),
    # A code not in the source.
    ("Le CERN publie ses résultats.", f"CERN{PH} publishes its results."),
    # The closing code before the opening one.
    (f"Le {B}Conseil{E} se réunit.", f"The {E}Council{B} meets."),
    # <hi> dropped.
    ('Voir <hi type="bold">la note</hi> jointe.', 'See the attached note.'),
    # <it> of the other position.
    ('Suite<it pos="end" x="5">&lt;/b&gt;</it> ici.', 'Continued<it pos="begin" x="5">&lt;b&gt;</it> here.'),
]


def _findings(tmp_path: Path, pairs: list[tuple[str, str]], jobs: int = 1) -> dict[int, list[str]]:
    inp = open_input([_tmx(tmp_path, *pairs)])
    report = run_checks(inp.read, families=["tags"], jobs=jobs)
    out: dict[int, list[str]] = {}
    for f in report.findings:
        out.setdefault(f.unit, []).append(f.check)
    return out


def test_the_default_tmx_read_keeps_no_codes_and_the_same_text(tmp_path: Path) -> None:
    path = _tmx(tmp_path, *CLEAN)
    plain = list(read_tmx(path))
    coded = list(SerialTmxReader(path, codes=True))
    assert [type(u).__name__ for u in plain] == ["TranslationUnit"] * len(CLEAN)
    assert [(u.source, u.target) for u in plain] == [(u.source, u.target) for u in coded]
    assert plain[0].target == "The Human Rights Council meets in Geneva."
    first = coded[0]
    assert first.target_codes == (InlineCode("bpt", "1", 4), InlineCode("ept", "1", 24))


def test_clean_tmx_codes_give_no_finding(tmp_path: Path) -> None:
    assert _findings(tmp_path, CLEAN) == {}


@pytest.mark.parametrize("pair", DAMAGED, ids=range(len(DAMAGED)))
def test_each_damaged_tmx_unit_gives_one_tag_mismatch(tmp_path: Path, pair: tuple[str, str]) -> None:
    assert _findings(tmp_path, [pair]) == {0: ["tag-mismatch"]}


def test_the_worker_strategy_sees_the_codes_too(tmp_path: Path) -> None:
    assert _findings(tmp_path, CLEAN + DAMAGED, jobs=2) == {len(CLEAN) + i: ["tag-mismatch"]
                                                            for i in range(len(DAMAGED))}


def test_check_cli_fails_on_an_unpaired_bpt_in_a_tmx_target(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["check", str(_tmx(tmp_path, DAMAGED[0])), "--checks", "tags"])
    assert res.exit_code == 1, res.output
    assert "tag-mismatch" in res.output and "ept#1" in res.output


def test_xliff_bpt_ept_out_of_order_is_found_only_when_the_source_pairs_them() -> None:
    src = (InlineCode("bpt", "1", 3), InlineCode("ept", "1", 8))
    bad = (InlineCode("ept", "1", 3), InlineCode("bpt", "1", 8))
    seg = Segment(0, "Le Conseil.", "The Council.", source_codes=src, target_codes=bad)
    assert [f.check for f in check_tags(seg)] == ["tag-mismatch"]
    # A span that opens in this segment and closes in the next one: the same in both, nothing to say.
    open_only = (InlineCode("bx", "1", 3),)
    seg = Segment(0, "Le Conseil.", "The Council.", source_codes=open_only, target_codes=open_only)
    assert check_tags(seg) == []


def test_workers_reading_their_own_pieces_see_the_codes_too(tmp_path: Path, monkeypatch) -> None:
    from bilingual_pr.formats.tmx import parallel as tmxchunks

    monkeypatch.setattr(tmxchunks, "CHUNK_BYTES", 300)
    monkeypatch.setattr(tmxchunks, "MIN_PARALLEL_BYTES", 0)
    inp = open_input([_tmx(tmp_path, *(CLEAN + DAMAGED))])
    assert inp.pieces is not None and len(inp.pieces()) > 3
    report = run_checks(inp.read, families=["tags"], jobs=2, pieces=inp.pieces)
    assert [(f.unit, f.check) for f in report.findings] == [(len(CLEAN) + i, "tag-mismatch")
                                                            for i in range(len(DAMAGED))]


def test_codes_are_read_from_the_seg_after_a_tuv_prop(tmp_path: Path) -> None:
    path = tmp_path / "p.tmx"
    path.write_text(_HEAD + '<tu><tuv xml:lang="fr-FR"><prop type="x-a">v</prop><seg>Le CERN' + PH
                    + ' publie.</seg></tuv><tuv xml:lang="en-GB"><note>n</note><seg>CERN publishes.</seg></tuv></tu>'
                    + "</body></tmx>\n", encoding="utf-8")
    (unit,) = list(SerialTmxReader(path, codes=True))
    assert unit.source == "Le CERN publie." and unit.source_codes == (InlineCode("ph", "3", 7),)
    report = run_checks(open_input([path]).read, families=["tags"])
    assert [f.check for f in report.findings] == ["tag-mismatch"]
