"""Release-sized inputs: commands that read or check a few units do not import numpy (issue 22).

A release's memory is tens of units; there the interpreter's start-up is the whole run, and numpy's
import alone cost more CPU than translate-toolkit's whole ``tmxfile`` read. Each command runs in a
fresh interpreter under ``-X importtime``, which lists every module imported on stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bilingual_pr.formats.tmx import TmxWriter
from bilingual_pr.formats.units import TranslationUnit

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy",)

PAIRS = [
    ("Le Conseil des droits de l’homme a ouvert sa session à Genève.",
     "The Human Rights Council opened its session in Geneva."),
    ("La délégation a présenté le rapport annuel.", "The delegation presented the annual report."),
    ("Le Comité a adopté trois résolutions.", "The Committee adopted three resolutions."),
    ("Le Comité a adopté trois résolutions.", "The Committee passed three resolutions."),
    ("La séance est levée à 18 heures.", "The meeting rose at 6 p.m."),
]


def _memory(path: Path, pairs=PAIRS, day: int = 1) -> Path:
    with TmxWriter(path) as writer:
        for n, (fr, en) in enumerate(pairs):
            writer.write(TranslationUnit(fr, en, "fr-FR", "en-GB", tuid=f"r{n}",
                                         changedate=f"2025030{day}T090000Z",
                                         props=(("x-confidence", "0.9"), ("x-bead", "1-1"))))
    return path


def _imported(*args: str, cwd: Path) -> set[str]:
    """Top-level names of the modules ``bilingual-pr ARGS`` imports (its exit status must be 0 or 1)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "bilingual_pr", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    names = set()
    for row in proc.stderr.splitlines():
        if row.startswith("import time:") and "|" in row:
            names.add(row.rsplit("|", 1)[1].strip().split(".")[0])
    assert "bilingual_pr" in names  # the listing itself worked
    return names


@pytest.mark.parametrize("command", [
    ("tmx", "stats", "a.tmx"),
    ("tmx", "merge", "a.tmx", "b.tmx", "-o", "m.tmx"),
    ("tmx", "filter", "--min-confidence", "0.5", "a.tmx", "-o", "f.tmx"),
    # omission and misaligned judge units with the aligner's length model and scorers (numpy): a
    # default check imports it with them; every other family starts without it.
    ("check", "--checks", "terms,consistency,numbers,untranslated,typography,spacing,tags,addresses,repetition",
     "a.tmx"),
], ids=lambda c: " ".join(c[:2]))
def test_small_memories_are_read_and_checked_without_numpy(tmp_path, command):
    _memory(tmp_path / "a.tmx")
    _memory(tmp_path / "b.tmx", PAIRS[1:] + [("Fin du communiqué.", "End of the press release.")], day=2)
    loaded = _imported(*command, cwd=tmp_path)
    assert not loaded & set(HEAVY), f"{' '.join(command)} imported {sorted(loaded & set(HEAVY))}"
