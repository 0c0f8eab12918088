"""The TMX 1.4b validator: each defect reported once, on its line, with errors vs warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_pr.errors import UserError
from bilingual_pr.xmlsafe import parse_xml_file
from bilingual_pr.formats.tmx import validate_tmx

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tmx version="1.4">\n'
        '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
        'srclang="fr-FR" datatype="plaintext"/>\n'
        '<body>\n')
TAIL = "</body>\n</tmx>\n"
GOOD_TU = '<tu><tuv xml:lang="fr-FR"><seg>Bonjour.</seg></tuv><tuv xml:lang="en-GB"><seg>Hello.</seg></tuv></tu>\n'


def check(tmp_path: Path, body: str, head: str = HEAD, tail: str = TAIL):
    path = tmp_path / "v.tmx"
    path.write_text(head + body + tail, encoding="utf-8")
    return validate_tmx(path)


def lines_of(result, severity: str = "error") -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in result.problems if p.severity == severity]


def test_a_clean_file_is_valid(tmp_path: Path) -> None:
    result = check(tmp_path, GOOD_TU * 3)
    assert result.valid and result.units == 3 and result.problems == ()


def test_shared_samples(standards: Path) -> None:
    good = validate_tmx(standards / "samples" / "tmx14_fr-en.valid.tmx")
    assert good.valid and good.units == 2 and good.errors == 0
    bad = validate_tmx(standards / "samples" / "tmx14_missing-srclang.invalid.tmx")
    messages = " | ".join(p.message for p in bad.problems)
    assert not bad.valid
    for expected in ("'srclang'", "'o-tmf'", "'adminlang'", "'xml:lang'"):
        assert expected in messages


# (body line, expected message fragment); the defect sits on line 5 (first line of <body>).
ERROR_CASES = {
    "lang instead of xml:lang": ('<tu><tuv lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>',
                                 "deprecated lang= but not the required xml:lang"),
    "posix locale tag": ('<tu><tuv xml:lang="fr_FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>',
                         "not a BCP 47 language tag"),
    "no source tuv": ('<tu><tuv xml:lang="it-IT"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>',
                      "no <tuv> in the source language"),
    "two segs": ('<tu><tuv xml:lang="fr-FR"><seg>a</seg><seg>c</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>',
                 "exactly one <seg>, found 2"),
    "no tuv": ('<tu><prop type="x-a">1</prop></tu>', "at least one <tuv>"),
    "text in tu": ('<tu>stray<tuv xml:lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>',
                   "text 'stray' is not allowed directly in <tu>"),
    "prop after tuv": ('<tu><tuv xml:lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv>'
                       '<prop type="x-a">1</prop></tu>', "must come before the <tuv>"),
    "unknown element": ('<tu><tuv xml:lang="fr-FR"><seg>a <b>gras</b></seg></tuv><tuv xml:lang="en-GB"><seg>b</seg>'
                        '</tuv></tu>', "<seg> may contain only"),
    "bad date": ('<tu creationdate="2024-01-01"><tuv xml:lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB">'
                 '<seg>b</seg></tuv></tu>', "not a TMX date"),
    "impossible date": ('<tu changedate="20240230T120000Z"><tuv xml:lang="fr-FR"><seg>a</seg></tuv>'
                        '<tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>', "not a TMX date"),
    "unknown attribute": ('<tu id="3"><tuv xml:lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg>'
                          '</tuv></tu>', "no attribute 'id'"),
    "bad segtype": ('<tu segtype="line"><tuv xml:lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg>'
                    '</tuv></tu>', "segtype='line'"),
    "bpt without ept": ('<tu><tuv xml:lang="fr-FR"><seg><bpt i="1">&lt;b&gt;</bpt>a</seg></tuv>'
                        '<tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>', "no matching <ept>"),
    "ept without bpt": ('<tu><tuv xml:lang="fr-FR"><seg>a<ept i="2">&lt;/b&gt;</ept></seg></tuv>'
                        '<tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>', "no matching <bpt>"),
    "it without pos": ('<tu><tuv xml:lang="fr-FR"><seg>a<it>x</it></seg></tuv><tuv xml:lang="en-GB"><seg>b</seg>'
                       '</tuv></tu>', "required attribute 'pos'"),
    "sub directly in seg": ('<tu><tuv xml:lang="fr-FR"><seg>a<sub>x</sub></seg></tuv><tuv xml:lang="en-GB">'
                            '<seg>b</seg></tuv></tu>', "not <sub>"),
    "not a tu in body": ('<note>hi</note>', "<body> may only contain <tu>"),
    "text in body": ('loose text', "not allowed directly in <body>"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_each_defect_is_an_error_on_its_line(tmp_path: Path, case: str) -> None:
    body, fragment = ERROR_CASES[case]
    result = check(tmp_path, GOOD_TU + body + "\n" + GOOD_TU)
    errors = lines_of(result)
    assert not result.valid
    assert any(line == 6 and fragment in message for line, message in errors), errors


WARNING_CASES = {
    "empty target": ('<tu><tuv xml:lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg></seg></tuv></tu>',
                     "empty <seg>"),
    "padded seg": ('<tu><tuv xml:lang="fr-FR"><seg>\n  a\n</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>',
                   "whitespace"),
    "omegat file prop": ('<tu><prop type="file">x.txt</prop><tuv xml:lang="fr-FR"><seg>a</seg></tuv>'
                         '<tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>', "alternative translation"),
    "single tuv": ('<tu><tuv xml:lang="fr-FR"><seg>a</seg></tuv></tu>', "single <tuv>"),
    "bare source language": ('<tu><tuv xml:lang="fr"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu>',
                             "exactly the source language"),
}


@pytest.mark.parametrize("case", sorted(WARNING_CASES))
def test_interop_risks_are_warnings(tmp_path: Path, case: str) -> None:
    body, fragment = WARNING_CASES[case]
    result = check(tmp_path, GOOD_TU + body + "\n")
    assert result.valid, result.problems
    assert any(line == 6 and fragment in message for line, message in lines_of(result, "warning")), result.problems


def test_header_and_root_defects(tmp_path: Path) -> None:
    head = ('<?xml version="1.0"?>\n<tmx version="1.4b">\n<header creationtool="t" creationtoolversion="1" '
            'segtype="line" o-tmf="t" adminlang="en_US" srclang="fr_FR" datatype="plaintext" '
            'creationdate="yesterday"/>\n<body>\n')
    result = check(tmp_path, GOOD_TU.replace("fr-FR", "fr_FR"), head=head)
    messages = [m for _, m in lines_of(result)]
    for fragment in ("version='1.4b'", "segtype='line'", "adminlang='en_US'", "srclang='fr_FR'",
                     "creationdate='yesterday'"):
        assert any(fragment in m for m in messages), (fragment, messages)


def test_missing_header_and_wrong_root(tmp_path: Path) -> None:
    result = check(tmp_path, GOOD_TU, head='<tmx version="1.4">\n<body>\n')
    assert any("<header> then <body>" in m for _, m in lines_of(result))
    path = tmp_path / "x.xml"
    path.write_text("<xliff><file/></xliff>", encoding="utf-8")
    result = validate_tmx(path)
    assert not result.valid and "root element must be <tmx>" in result.problems[0].message


def test_well_formedness_errors_have_line_numbers(tmp_path: Path) -> None:
    result = check(tmp_path, GOOD_TU + '<tu><tuv xml:lang="fr-FR"><seg>Tom & Jerry</seg></tuv></tu>\n')
    assert not result.valid and result.problems[-1].line == 6
    result = check(tmp_path, GOOD_TU + '<tu><tuv xml:lang="fr-FR"><seg>a&nbsp;b</seg></tuv></tu>\n')
    assert not result.valid and result.problems[-1].line == 6 and "nbsp" in result.problems[-1].message


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    head = '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x "boom">]>\n' + HEAD.split("\n", 1)[1]
    result = check(tmp_path, GOOD_TU, head=head)
    assert not result.valid and "entity" in result.problems[0].message


def test_lang_without_xml_lang_passes_the_dtd_but_not_the_validator(tmp_path: Path, tmx_dtd) -> None:
    body = '<tu><tuv lang="fr-FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>\n'
    path = tmp_path / "v.tmx"
    path.write_text(HEAD + body + TAIL, encoding="utf-8")
    assert tmx_dtd.validate(parse_xml_file(path))  # libxml2 only warns here (INTEROP.md)
    assert not validate_tmx(path).valid


def test_problem_list_is_capped_but_counted(tmp_path: Path) -> None:
    bad = '<tu><tuv xml:lang="fr_FR"><seg>a</seg></tuv><tuv xml:lang="en-GB"><seg>b</seg></tuv></tu>\n'
    result = validate_tmx(_write(tmp_path, HEAD + bad * 50 + TAIL), max_problems=10)
    assert len(result.problems) == 10 and result.errors >= 50


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "v.tmx"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        validate_tmx(tmp_path / "nope.tmx")
