"""Shared test helpers: fixture and standards paths, and the interop switch."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from interop import interop_required, unavailable  # noqa: F401  (re-exported for tests)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STANDARDS = Path(os.environ.get("BILINGUAL_PR_STANDARDS", ROOT.parent / "shared" / "standards"))
OMEGAT_JAR = Path(os.environ.get("OMEGAT_JAR", "/usr/share/omegat/OmegaT.jar"))


def fixture_path(*parts: str) -> Path:
    """Path of a file under tests/fixtures/."""
    return FIXTURES.joinpath(*parts)


@pytest.fixture(scope="session")
def standards() -> Path:
    """The shared standards folder (schemas, DTDs, samples): skipped without it, failed in CI."""
    if not (STANDARDS / "tmx" / "tmx14.dtd").is_file():
        unavailable(f"standards folder (TMX/XLIFF/TBX/SRX schemas and samples) not found at {STANDARDS}: "
                    "check out the project's shared/ folder beside the repository, or point "
                    "BILINGUAL_PR_STANDARDS at a copy of shared/standards")
    return STANDARDS


@pytest.fixture(scope="session")
def tmx_dtd():
    """The TMX 1.4b DTD loaded with lxml (a trusted local file, used for validation only).

    From shared/standards, else the byte-identical copy inside OmegaT.jar
    (shared/standards/SOURCES.md); missing both skips, or fails under CI.
    """
    from lxml import etree

    path = STANDARDS / "tmx" / "tmx14.dtd"
    if path.is_file():
        return etree.DTD(str(path))
    if OMEGAT_JAR.is_file():
        with zipfile.ZipFile(OMEGAT_JAR) as jar:
            return etree.DTD(io.BytesIO(jar.read("schemas/tmx14.dtd")))
    unavailable(f"TMX 1.4b DTD not found ({path}, {OMEGAT_JAR})")


@pytest.fixture(scope="module")
def tbx_rng(standards: Path) -> etree.RelaxNG:
    """The TBX v3 core RelaxNG schema from shared/standards."""
    return etree.RelaxNG(etree.parse(str(standards / "tbx" / "TBXcoreStructV03.rng")))


@pytest.fixture(scope="module")
def martif_dtd(standards: Path) -> etree.DTD:
    """The TBX 2008 (martif) core DTD from shared/standards."""
    return etree.DTD(str(standards / "tbx" / "TBXcoreStructV02.dtd"))


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster for the session (tests/interop/postgres.py; a new database per test).

    Here, not in a test module: every module that uses it shares the one cluster (its port is per process).
    """
    from interop.postgres import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.stop()
