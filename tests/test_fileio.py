"""``fileio``: the input guard, and atomic outputs whose fsync a caller defers to one record of its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import InputGuard, atomic_output, deferred_fsync, refuse_overwriting_inputs


def test_input_guard_refuses_an_input_by_any_name(tmp_path: Path) -> None:
    inp = tmp_path / "in.txt"
    inp.write_text("x", encoding="utf-8")
    (tmp_path / "hard.txt").hardlink_to(inp)
    (tmp_path / "soft.txt").symlink_to(inp)
    guard = InputGuard([inp, tmp_path / "not-yet.txt"])
    for name in ("in.txt", "hard.txt", "soft.txt", "sub/../in.txt", "not-yet.txt"):
        with pytest.raises(UserError, match="output path is also an input"):
            guard.refuse(tmp_path / name)
    guard.refuse(tmp_path / "out.txt")  # neither the same path nor the same file
    (tmp_path / "sub").mkdir()
    other = tmp_path / "sub" / "in.txt"
    other.write_text("x", encoding="utf-8")
    guard.refuse(other)  # same name, another file
    with pytest.raises(UserError):
        refuse_overwriting_inputs(tmp_path / "hard.txt", [inp])


def _count_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return calls


def test_atomic_output_syncs_each_file_unless_deferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_fsyncs(monkeypatch)
    with atomic_output(tmp_path / "a.txt") as fh:
        fh.write("a")
    assert len(calls) == 1
    with deferred_fsync() as written:
        for name in ("b.txt", "c.txt"):
            with atomic_output(tmp_path / name) as fh:
                fh.write(name)
    assert len(calls) == 1  # renamed into place, not synced
    assert written == [tmp_path / "b.txt", tmp_path / "c.txt"]
    assert (tmp_path / "c.txt").read_text(encoding="utf-8") == "c.txt"
    with atomic_output(tmp_path / "d.txt") as fh:  # the block is over: synced again
        fh.write("d")
    assert len(calls) == 2


def test_deferred_output_that_fails_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("old", encoding="utf-8")
    with deferred_fsync() as written, pytest.raises(RuntimeError):
        with atomic_output(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert written == []
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.txt"]  # no temporary file left
