"""Decisions files: one envelope, validated on read, refused in one line otherwise."""

from __future__ import annotations

import json

import pytest

from bilingual_pr.decisions import Decisions, dump_decisions, read_decisions, write_decisions
from bilingual_pr.errors import UserError


def _write(tmp_path, doc) -> str:
    path = tmp_path / "d.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


GOOD = {"format": "bilingual-pr-decisions", "version": 1, "kind": "review",
        "subject": {"memory": "sha256:ab12"}, "saved": "2026-12-08T10:00:00Z",
        "decisions": {"tu-3": {"action": "accept", "reviewer": "mdupont"}}}


def test_a_written_file_reads_back_the_same(tmp_path):
    d = Decisions("qa-ignore", {"report": "DG26-014"}, {"k1": {"check": "spacing", "target": "l’ONUG :"}})
    path = tmp_path / "ignore.json"
    write_decisions(path, d)
    back = read_decisions(path, "qa-ignore")
    assert (back.kind, dict(back.subject), dict(back.decisions)) == (d.kind, dict(d.subject), dict(d.decisions))
    assert back.saved.endswith("Z")
    assert "l’ONUG" in path.read_text(encoding="utf-8")  # kept as written, not \u-escaped


def test_the_page_export_shape_is_read(tmp_path):
    assert read_decisions(_write(tmp_path, GOOD), "review").decisions["tu-3"]["action"] == "accept"


@pytest.mark.parametrize("doc, message", [
    ('{"format": "bilingual-pr-decisions", "vers', "broken or truncated JSON"),
    ({**GOOD, "format": "xliff"}, "not a bilingual-pr decisions file"),
    ({**GOOD, "version": 2}, "version 2"),
    ({**GOOD, "kind": "qa-ignore"}, "holds 'qa-ignore' decisions, not 'review' ones"),
    ({**GOOD, "subject": None}, "no subject"),
    ({**GOOD, "decisions": {"tu-3": "accept"}}, "must map item ids to objects"),
    ([1, 2], "not a bilingual-pr decisions file"),
])
def test_anything_else_is_one_line_refusal(tmp_path, doc, message):
    with pytest.raises(UserError, match=message) as err:
        read_decisions(_write(tmp_path, doc), "review")
    assert "\n" not in str(err.value)


def test_a_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_decisions(tmp_path / "none.json", "review")


def test_dump_is_stable_for_the_same_decisions():
    d = Decisions("review", {"m": 1}, {"b": {"x": 1}, "a": {"y": 2}}, saved="2026-12-08T00:00:00Z")
    assert dump_decisions(d) == dump_decisions(Decisions("review", {"m": 1}, {"a": {"y": 2}, "b": {"x": 1}},
                                                         saved="2026-12-08T00:00:00Z"))
