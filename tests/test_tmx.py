"""TMX writer and reader: header, escaping, language matching, skipping, atomic output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bilingual_pr.errors import UserError
from bilingual_pr.xmlsafe import parse_xml_file
from bilingual_pr.formats.tmx import (
    TmxReader,
    TmxWriter,
    is_language_tag,
    lang_match,
    read_tmx,
    read_tmx_header,
    validate_tmx,
    write_tmx,
)
from bilingual_pr.formats.units import (
    TmxHeader,
    TranslationUnit,
    clean_xml_text,
    normalize_tmx_date,
    parse_tmx_date,
    tmx_date,
)


def tu(source: str, target: str, **kw) -> TranslationUnit:
    kw.setdefault("source_lang", "fr-FR")
    kw.setdefault("target_lang", "en-GB")
    return TranslationUnit(source, target, **kw)


def assert_dtd_valid(path: Path, dtd) -> None:
    doc = parse_xml_file(path)
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()


def test_header_has_what_tm_tools_require(tmp_path: Path, tmx_dtd) -> None:
    out = tmp_path / "m.tmx"
    write_tmx(out, [tu("Bonjour.", "Hello.")])
    root = parse_xml_file(out).getroot()
    header = root.find("header")
    assert root.get("version") == "1.4"
    for name, value in {"creationtool": "bilingual-pr", "segtype": "sentence", "o-tmf": "bilingual-pr",
                        "adminlang": "en", "srclang": "fr-FR", "datatype": "plaintext"}.items():
        assert header.get(name) == value
    assert header.get("creationtoolversion")
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    assert header.get("creationtool") != "OmegaT"
    assert_dtd_valid(out, tmx_dtd)


def test_unit_attributes_and_props(tmp_path: Path, tmx_dtd) -> None:
    out = tmp_path / "m.tmx"
    unit = tu("Le Conseil se réunit.", "The Council meets.", tuid="unog-12/s3",
              creationdate="20250314T091500Z", changedate="2025-03-15T10:00:00Z", creationid="aligner",
              props=(("x-confidence", "0.93"), ("x-bead", "1-2"), ("x-needs-review", "yes"),
                     ("x-source-doc", "PR25-014F.docx"), ("x-glossary", "forbidden: Conseil des droits humains")),
              notes=("checked by the desk",))
    write_tmx(out, [unit])
    tu_el = parse_xml_file(out).getroot().find("body/tu")
    assert tu_el.get("tuid") == "unog-12/s3"
    assert tu_el.get("creationdate") == "20250314T091500Z"
    assert tu_el.get("changedate") == "20250315T100000Z"  # extended form rewritten in basic form
    assert tu_el.get("creationid") == "aligner"
    assert [(p.get("type"), p.text) for p in tu_el.findall("prop")] == list(unit.props)
    assert [t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in tu_el.findall("tuv")] == ["fr-FR", "en-GB"]
    back = list(read_tmx(out))
    assert back == [unit.__class__(**{**_fields(unit), "changedate": "20250315T100000Z"})]
    assert back[0].confidence == pytest.approx(0.93) and back[0].needs_review
    assert_dtd_valid(out, tmx_dtd)


def _fields(unit: TranslationUnit) -> dict:
    return {name: getattr(unit, name) for name in unit.__dataclass_fields__}


def test_illegal_control_characters_are_removed_and_counted(tmp_path: Path, tmx_dtd) -> None:
    out = tmp_path / "m.tmx"
    with TmxWriter(out) as writer:
        writer.write(tu("Avant\x00\x07 après\x1b\ufffe", "Before\x0b after\ud800"))
        writer.write(tu("\x01\x02", "only controls in the source"))
    assert (writer.written, writer.skipped_empty, writer.cleaned_units, writer.removed_chars) == (1, 1, 2, 8)
    (back,) = read_tmx(out)
    assert (back.source, back.target) == ("Avant après", "Before after")
    assert_dtd_valid(out, tmx_dtd)


def test_empty_targets_are_never_written(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    n = write_tmx(out, [tu("Un.", ""), tu("Deux.", "  \t"), tu("", "Three."), tu("Quatre.", "Four.")])
    assert n == 1
    assert [u.source for u in read_tmx(out)] == ["Quatre."]


def test_omegat_context_props_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    with pytest.raises(ValueError, match="alternative translation"):
        write_tmx(out, [tu("Un.", "One.", props=(("file", "release.txt"),))])
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_language_tags_are_written_canonically(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    write_tmx(out, [tu("Un.", "One.", source_lang="fr_FR", target_lang="EN-gb"),
                    tu("Deux.", "Two.", source_lang="fr-CH", target_lang="en-GB")])
    raw = out.read_text(encoding="utf-8")
    assert 'srclang="fr-FR"' in raw and 'xml:lang="fr-FR"' in raw and 'xml:lang="en-GB"' in raw
    assert "fr_FR" not in raw and "EN-gb" not in raw
    # A unit in another source variant says so on its <tu>.
    assert '<tu srclang="fr-CH">' in raw


def test_header_can_be_given(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    header = TmxHeader(srclang="fr-CH", creationid="desk", props=(("x-project", "UNOG <2025>"),),
                       notes=("a & b",))
    write_tmx(out, [tu("Un.", "One.", source_lang="fr-CH")], header)
    back = read_tmx_header(out)
    assert (back.srclang, back.creationid, back.props, back.notes) == ("fr-CH", "desk",
                                                                       (("x-project", "UNOG <2025>"),), ("a & b",))


def test_failed_write_keeps_the_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    out.write_text("previous memory", encoding="utf-8")

    def units():
        yield tu("Un.", "One.")
        raise RuntimeError("aligner crashed")

    with pytest.raises(RuntimeError):
        write_tmx(out, units())
    assert out.read_text(encoding="utf-8") == "previous memory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tmx"]


def test_writer_output_is_flat_in_memory_and_streams(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    with TmxWriter(out) as writer:
        for i in range(5000):
            writer.write(tu(f"Phrase {i}.", f"Sentence {i}."))
            if i == 3999:
                # Flushed as it goes, not held: most units so far already sit in the temporary file on disk.
                on_disk = sum(p.stat().st_size for p in tmp_path.iterdir())
                assert on_disk > 2000 * len('<tu><tuv xml:lang="fr-FR"><seg>Phrase 0.</seg></tuv>')
    assert sum(1 for _ in read_tmx(out)) == 5000


TUVS = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t"
 adminlang="en" srclang="{srclang}" datatype="plaintext"/><body>
{tus}
</body></tmx>"""


def tmx_with(tmp_path: Path, tus: str, srclang: str = "fr-FR") -> Path:
    path = tmp_path / "in.tmx"
    path.write_text(TUVS.format(srclang=srclang, tus=tus), encoding="utf-8")
    return path


def tuvs(*pairs: tuple[str, str]) -> str:
    return "<tu>" + "".join(f'<tuv xml:lang="{lang}"><seg>{text}</seg></tuv>' for lang, text in pairs) + "</tu>"


@pytest.mark.parametrize("fr,en", [("fr", "en"), ("FR-fr", "EN-gb"), ("fr_FR", "en_GB"), ("fra", "eng"),
                                   ("fr-FR", "en-GB"), ("fr-CA", "en-US")])
def test_reading_matches_language_variants(tmp_path: Path, fr: str, en: str) -> None:
    path = tmx_with(tmp_path, tuvs((en, "Hello."), (fr, "Bonjour.")), srclang=fr)
    (unit,) = read_tmx(path, src_lang="fr-FR", tgt_lang="en-GB")
    assert (unit.source, unit.target) == ("Bonjour.", "Hello.")


def test_reading_prefers_the_same_region(tmp_path: Path) -> None:
    path = tmx_with(tmp_path, tuvs(("fr-CA", "Courriel."), ("fr-FR", "E-mail."), ("en-US", "Email (US)."),
                                   ("en-GB", "Email (UK).")))
    (unit,) = read_tmx(path, src_lang="fr-FR", tgt_lang="en-GB")
    assert (unit.source, unit.target, unit.source_lang, unit.target_lang) == ("E-mail.", "Email (UK).",
                                                                              "fr-FR", "en-GB")
    (unit,) = read_tmx(path, src_lang="fr", tgt_lang="en-AU")
    assert (unit.source, unit.target) == ("Courriel.", "Email (US).")


def test_reading_without_languages_uses_srclang_and_the_other_language(tmp_path: Path) -> None:
    path = tmx_with(tmp_path, tuvs(("en-GB", "Hello."), ("fr-CA", "Bonjour."), ("fr-FR", "Salut.")),
                    srclang="fr-FR")
    (unit,) = read_tmx(path)
    assert (unit.source, unit.target) == ("Salut.", "Hello.")
    path = tmx_with(tmp_path, tuvs(("fr-FR", "Bonjour."), ("en-GB", "Hello.")), srclang="*all*")
    assert [(u.source, u.target) for u in read_tmx(path)] == [("Bonjour.", "Hello.")]


def test_reading_skips_and_counts_incomplete_units(tmp_path: Path) -> None:
    path = tmx_with(tmp_path, "\n".join([
        tuvs(("fr-FR", "Seul.")),
        tuvs(("it-IT", "Ciao."), ("en-GB", "Hello.")),
        '<tu><tuv xml:lang="fr-FR"><seg>Sans seg.</seg></tuv><tuv xml:lang="en-GB"/></tu>',
        tuvs(("fr-FR", "Bon."), ("en-GB", "Good.")),
    ]))
    reader = TmxReader(path, tgt_lang="en-GB")
    assert [u.source for u in reader] == ["Bon."]
    assert reader.skipped == 3 and reader.units == 1
    assert any("source language" in r for r in reader.skip_reasons)
    assert reader.languages["fr-FR"] == 3 and reader.languages["it-IT"] == 1


def test_reading_keeps_highlighted_text_and_drops_native_codes(tmp_path: Path) -> None:
    path = tmx_with(tmp_path, '<tu><tuv xml:lang="fr-FR"><seg>Le <bpt i="1">&lt;b&gt;</bpt>Conseil'
                              '<ept i="1">&lt;/b&gt;</ept> <hi type="x-term">siège</hi><!-- c --> ici.</seg></tuv>'
                              '<tuv xml:lang="en-GB"><seg>The <ph>{0}</ph>Council.</seg></tuv></tu>')
    (unit,) = read_tmx(path)
    assert (unit.source, unit.target) == ("Le Conseil siège ici.", "The Council.")


def test_reading_dates_fall_back_to_the_target_tuv(tmp_path: Path) -> None:
    path = tmx_with(tmp_path, '<tu><tuv xml:lang="fr-FR"><seg>Un.</seg></tuv>'
                              '<tuv xml:lang="en-GB" changedate="20240102T030405Z" creationid="jd">'
                              '<seg>One.</seg></tuv></tu>')
    (unit,) = read_tmx(path)
    assert (unit.changedate, unit.creationid) == ("20240102T030405Z", "jd")


def test_reading_errors_are_one_line_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        list(read_tmx(tmp_path / "missing.tmx"))
    bad = tmp_path / "bad.tmx"
    bad.write_text('<tmx version="1.4"><header srclang="fr"/><body><tu>&nbsp;</tu></body></tmx>', encoding="utf-8")
    with pytest.raises(UserError, match=r"bad.tmx:1: malformed XML"):
        list(read_tmx(bad))
    other = tmp_path / "other.xml"
    other.write_text("<html><body><tu/></body></html>", encoding="utf-8")
    with pytest.raises(UserError, match="not a TMX file"):
        list(read_tmx(other))
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text('<!DOCTYPE tmx [<!ENTITY a "aaaa">]><tmx version="1.4"><header srclang="fr"/>'
                    '<body/></tmx>', encoding="utf-8")
    with pytest.raises(UserError, match="entity"):
        list(read_tmx(bomb))


def test_reading_utf16_and_crlf(tmp_path: Path) -> None:
    text = TUVS.format(srclang="fr-FR", tus=tuvs(("fr-FR", "Été\u00a0!"), ("en-GB", "Summer!")))
    path = tmp_path / "u16.tmx"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace("\n", "\r\n")
                     .encode("utf-16"))
    assert [(u.source, u.target) for u in read_tmx(path)] == [("Été\u00a0!", "Summer!")]


def test_lang_match_ranks() -> None:
    assert lang_match("fr-FR", "fr-FR") == 3 == lang_match("fr-FR", "FR_fr")
    assert lang_match("fr-FR", "fr") == 2 == lang_match("fr", "fr-CA")
    assert lang_match("fr-FR", "fr-CA") == 1
    assert lang_match("fr", "fra") == 3
    assert lang_match("fr-FR", "en-GB") == 0 == lang_match("fr", "")


def test_language_tag_syntax() -> None:
    for good in ("fr", "fr-FR", "en-GB", "zh-Hant-TW", "es-419", "de-CH-1996", "x-private", "sr-Latn-RS"):
        assert is_language_tag(good), good
    for bad in ("fr_FR", "French", "f", "fr-", "*all*", "fr FR", ""):
        assert not is_language_tag(bad), bad


def test_text_and_date_helpers() -> None:
    assert clean_xml_text("a\x00b\tc\nd\re\x7f\x85") == ("ab\tc\nd\re\x7f\x85", 1)
    assert parse_tmx_date("20250101T000000Z").year == 2025
    assert parse_tmx_date("2025-02-30T00:00:00Z") is None and parse_tmx_date("yesterday") is None
    assert normalize_tmx_date("2025-01-02T03:04:05Z") == "20250102T030405Z"
    assert normalize_tmx_date("20250132T000000Z") is None
    assert re.fullmatch(r"\d{8}T\d{6}Z", tmx_date())


def test_written_files_pass_the_project_validator(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    write_tmx(out, [tu("Un.", "One.", props=(("x-bead", "1-1"),), notes=("n",), creationdate="20250101T000000Z"),
                    tu("Deux.", "Two.", source_lang="fr-CH")])
    result = validate_tmx(out)
    assert result.valid and result.units == 2 and result.problems == ()


def test_progress_counts_every_byte(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    write_tmx(out, [tu(f"Phrase {i}.", f"Sentence {i}.") for i in range(300)])
    seen: list[int] = []
    reader = TmxReader(out, progress=seen.append)
    assert sum(1 for _ in reader) == 300
    assert sum(seen) == out.stat().st_size and reader.header.srclang == "fr-FR"


def test_read_header_of_something_else(tmp_path: Path) -> None:
    other = tmp_path / "x.xml"
    other.write_text("<xliff><header/></xliff>", encoding="utf-8")
    with pytest.raises(UserError, match="not a TMX file"):
        read_tmx_header(other)
