"""The reader's shortcut constructor builds exactly the TranslationUnit the dataclass would."""

from __future__ import annotations

import dataclasses

from bilingual_pr.formats.tmx.reader import UNIT_FIELDS as _UNIT_FIELDS
from bilingual_pr.formats.tmx.reader import new_unit as _new_unit
from bilingual_pr.formats.units import TranslationUnit


def test_shortcut_covers_every_field_in_order() -> None:
    assert _UNIT_FIELDS == tuple(f.name for f in dataclasses.fields(TranslationUnit))


def test_shortcut_builds_an_equal_frozen_unit() -> None:
    values = ("source", "target", "fr-FR", "en-GB", "u1", (("x-bead", "1-1"),), ("a note",),
              "20250301T090000Z", "20250302T090000Z", "me")
    unit = _new_unit(*values)
    assert unit == TranslationUnit(*values)
    assert hash(unit) == hash(TranslationUnit(*values))
    assert unit.prop("x-bead") == "1-1"
    try:
        unit.source = "changed"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:  # pragma: no cover - would mean the unit is not frozen
        raise AssertionError("the unit should be frozen")


def test_dates_read_from_a_tuv_without_language(tmp_path) -> None:
    from bilingual_pr.formats.tmx import read_tmx

    path = tmp_path / "dates.tmx"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="fr-FR" creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext"/><body>'
        '<tu><tuv xml:lang="fr-FR"><seg>un</seg></tuv><tuv changedate="20250102T030405Z"><seg>one</seg></tuv></tu>'
        '<tu><tuv xml:lang="fr-FR"><seg>deux</seg></tuv><tuv xml:lang="en-GB" creationid="me"><seg>two</seg></tuv></tu>'
        '<tu><tuv xml:lang="fr-FR"><seg>trois</seg></tuv><tuv xml:lang="en-GB"><seg>three</seg></tuv></tu>'
        '</body></tmx>\n', encoding="utf-8")
    units = list(read_tmx(path))
    assert [u.changedate for u in units] == ["20250102T030405Z", None, None]
    assert [u.creationid for u in units] == [None, "me", None]


def test_side_choice_is_remembered_per_language_set_and_header(tmp_path, monkeypatch) -> None:
    from bilingual_pr.formats.tmx import TmxReader
    from bilingual_pr.formats.tmx import reader as tmx
    from bilingual_pr.formats.units import TmxHeader

    # Private on purpose: the memo is invisible in the units read; its key and its bound are what is checked.
    reader = TmxReader(tmp_path / "x.tmx").parser  # the unit parser chooses the sides
    reader.header = TmxHeader(srclang="fr-FR")
    assert reader._sides(["en-GB", "fr-FR"], None) == (1, 0, "fr-FR", "en-GB")
    # The TU's own srclang is part of the key.
    assert reader._sides(["en-GB", "fr-FR"], "en-GB") == (0, 1, "en-GB", "fr-FR")
    # A new header forgets what the old one chose.
    reader.header = TmxHeader(srclang="en-GB")
    assert reader._sides(["en-GB", "fr-FR"], None) == (0, 1, "en-GB", "fr-FR")
    assert reader.languages == {"en-GB": 3, "fr-FR": 3}
    # Bounded: past the cap, choices are made afresh and still right.
    monkeypatch.setattr(tmx, "_SIDE_MEMO_MAX", 2)
    for i in range(5):
        assert reader._sides(["en-GB", f"fr-x-{i}"], None)[:2] == (0, 1)
    assert len(reader._side_memo) == 2
