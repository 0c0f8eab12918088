"""One BCP 47 rule for the whole tool: what the TMX writer accepts, the validator accepts."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual_pr.cli import main
from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx import TmxHeader, read_tmx, validate_tmx, write_tmx
from bilingual_pr.formats.units import TranslationUnit


def unit(source_lang: str, target_lang: str = "en-GB") -> TranslationUnit:
    return TranslationUnit("Le Conseil adopte la résolution.", "The Council adopts the resolution.",
                           source_lang, target_lang)


@pytest.mark.parametrize("tag", ["en-12", "fr-", "fr--FR", "French", "f", "fr FR", "fr-FR-FR", "123", "en-é", "abcd", "eh-kni-i2v", "i-xx"])
def test_the_writer_refuses_a_malformed_tag_and_writes_nothing(tmp_path: Path, tag: str) -> None:
    out = tmp_path / "memory.tmx"
    with pytest.raises(UserError, match=r"invalid language tag .*expected BCP 47") as err:
        write_tmx(out, [unit("fr-FR", tag)])
    assert "\n" not in str(err.value)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_an_underscore_is_written_as_a_hyphen_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "memory.tmx"
    write_tmx(out, [unit("fr_FR", "EN_gb")], TmxHeader(srclang="fr_fr"))
    text = out.read_text(encoding="utf-8")
    assert 'srclang="fr-FR"' in text and 'xml:lang="fr-FR"' in text and 'xml:lang="en-GB"' in text
    assert validate_tmx(out).valid
    assert [(u.source_lang, u.target_lang) for u in read_tmx(out)] == [("fr-FR", "en-GB")]


@pytest.mark.parametrize("tag", ["x-private", "zh-Hant-TW", "es-419", "de-CH-1996", "sr-Latn-RS",
                                 "en-US-x-twain", "qaa", "i-klingon"])
def test_well_formed_tags_the_validator_knows_are_written(tmp_path: Path, tag: str) -> None:
    out = tmp_path / "memory.tmx"
    write_tmx(out, [unit("fr-FR", tag)])
    result = validate_tmx(out)
    assert result.valid, result.problems


def test_the_validator_still_refuses_what_the_writer_normalises(tmp_path: Path) -> None:
    out = tmp_path / "memory.tmx"
    write_tmx(out, [unit("fr-FR")])
    bad = tmp_path / "bad.tmx"
    bad.write_text(out.read_text(encoding="utf-8").replace('xml:lang="en-GB"', 'xml:lang="en_GB"'), encoding="utf-8")
    messages = [p.message for p in validate_tmx(bad).problems]
    assert any("xml:lang='en_GB'" in m and "BCP 47" in m for m in messages), messages


def test_a_cli_language_option_refuses_a_malformed_tag(tmp_path: Path) -> None:
    memory = tmp_path / "memory.tmx"
    write_tmx(memory, [unit("fr-FR")])
    res = CliRunner().invoke(main, ["tmx", "stats", "--source-lang", "en-12", str(memory)])
    assert res.exit_code == 2
    assert "invalid language tag 'en-12'" in res.output and "Traceback" not in res.output


_SUBTAG = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9)
_TAGS = st.one_of(
    st.lists(_SUBTAG, min_size=1, max_size=6).flatmap(
        lambda parts: st.lists(st.sampled_from(["-", "_"]), min_size=len(parts) - 1, max_size=len(parts) - 1)
        .map(lambda seps: parts[0] + "".join(s + p for s, p in zip(seps, parts[1:])))),
    st.from_regex(r"\A[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Z]{2}|[0-9]{3}))?(-[0-9a-z]{4,8})*(-x-[a-z0-9]{1,8})?\Z"),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(tag=_TAGS)
def test_any_tag_the_writer_accepts_the_validator_accepts(tag: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "memory.tmx"
        try:
            write_tmx(out, [unit(tag)], TmxHeader(srclang=tag))
        except UserError:
            return
        result = validate_tmx(out)
        assert result.valid, (tag, result.problems)
