"""Common atheris harness: seed corpus from the project's fixtures, budgets, and what counts as a finding.

Each ``fuzz_*.py`` script defines ``one_input(data: bytes)`` and calls
:func:`run`. A ``UserError`` is the expected answer to a bad input; any other
exception is a finding (libFuzzer saves the input under fuzz/artifacts/), and so
is an input that takes longer than the time limit (``-timeout``, default 2 s).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable

import atheris

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# Generated corpora and crash artifacts stay out of the tree that is committed.
WORK = Path(os.environ.get("BILINGUAL_PR_FUZZ_WORK", ROOT / "fuzz" / "work"))

# libFuzzer defaults for our targets, each overridable on the command line.
DEFAULTS = {
    "-timeout": "2",          # an input taking more than 2 s is a hang, i.e. a finding
    "-rss_limit_mb": "1024",  # a hostile file must not blow up memory
    "-max_len": "65536",
    "-print_final_stats": "1",
}


def seed_files(patterns: Iterable[str]) -> list[Path]:
    """The project's fixture files matching glob patterns under tests/fixtures."""
    found: list[Path] = []
    for pattern in patterns:
        found.extend(sorted(p for p in FIXTURES.glob(pattern) if p.is_file()))
    return found


def _prepare_corpus(name: str, seeds: Iterable[Path], extra: Iterable[bytes]) -> tuple[Path, Path]:
    corpus = WORK / name / "corpus"
    seeddir = WORK / name / "seeds"
    artifacts = WORK / name / "artifacts"
    for d in (corpus, artifacts):
        d.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(seeddir, ignore_errors=True)
    seeddir.mkdir(parents=True)
    for i, path in enumerate(seeds):
        data = path.read_bytes()[: int(DEFAULTS["-max_len"])]
        (seeddir / f"fixture-{i:03d}-{path.name}").write_bytes(data)
    for i, data in enumerate(extra):
        (seeddir / f"generated-{i:03d}").write_bytes(data)
    regressions = FIXTURES / "fuzz-regressions"
    for path in sorted(regressions.glob(f"{name}-*")):
        shutil.copy(path, seeddir / path.name)
    return corpus, seeddir


def _args(name: str, argv: list[str], corpus: Path, seeddir: Path) -> list[str]:
    given = {a.split("=", 1)[0] for a in argv[1:] if a.startswith("-")}
    args = [argv[0]] + [f"{k}={v}" for k, v in DEFAULTS.items() if k not in given]
    if "-artifact_prefix" not in given:
        args.append(f"-artifact_prefix={WORK / name / 'artifacts'}/")
    args += argv[1:]
    if not any(not a.startswith("-") for a in argv[1:]):
        args += [str(corpus), str(seeddir)]
    return args


class TempInput:
    """A reusable temporary file for readers that take a path, not bytes."""

    def __init__(self, suffix: str) -> None:
        fd, name = tempfile.mkstemp(prefix="bpr-fuzz-", suffix=suffix)
        os.close(fd)
        self.path = Path(name)

    def write(self, data: bytes) -> Path:
        """Replace the file's content and return its path."""
        self.path.write_bytes(data)
        return self.path


def run(name: str, one_input: Callable[[bytes], None], seeds: Iterable[Path], extra: Iterable[bytes] = ()) -> None:
    """Run libFuzzer on ``one_input`` with the project's fixtures as seeds; sys.argv passes libFuzzer flags."""
    corpus, seeddir = _prepare_corpus(name, seeds, extra)
    atheris.Setup(_args(name, sys.argv, corpus, seeddir), one_input)
    atheris.Fuzz()
