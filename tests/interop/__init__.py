"""Helpers for the tests that run real third-party tools (OmegaT, translate-toolkit).

Such a test skips when the tool is missing on a developer's machine, but fails
instead when ``BILINGUAL_PR_REQUIRE_INTEROP=1`` (CI sets it), so a broken CI
image cannot turn the interop checks into silent skips.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def interop_required() -> bool:
    """True when missing interop tools must fail the tests rather than skip them."""
    return os.environ.get("BILINGUAL_PR_REQUIRE_INTEROP", "").strip() == "1"


def unavailable(reason: str) -> None:
    """Skip the current test for ``reason``, or fail it when interop is required."""
    if interop_required():
        pytest.fail(f"{reason} (BILINGUAL_PR_REQUIRE_INTEROP=1: interop tools must be installed)")
    pytest.skip(reason, allow_module_level=True)


def require_module(name: str) -> ModuleType:
    """Import ``name``; skip when it is not installed, or fail when interop is required."""
    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(f"{name} is not installed (bash scripts/setup.sh --test installs the test tools)")
        raise  # unreachable: unavailable() skips or fails
