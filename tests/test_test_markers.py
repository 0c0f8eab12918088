"""Every test that drives a real tool, or signals and times processes, carries the marker that says so.

``pytest -m "not omegat and not chromium"`` must deselect every test that needs those tools, and
``-m linux_timing`` every test that sends signals, reads /proc or waits on a clock, so a marker is
a promise about what the test touches. This file reads the tests with ``ast`` (no import, no
collection): a test *uses* a tool when its body, a helper or fixture of its module that it calls
or requests, or its module's top level touches that tool's entry point; a test *declares* it with
``@pytest.mark.X`` (or a module-level alias of it), a class mark, or the module's ``pytestmark``.
A test that uses a tool without the marker fails here, and so does a marker with no use behind it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# Marker -> how a test touches that tool. A module prefix: any import of it (or of a name from it);
# a call: the first argument of require_module() naming that module; a call name: that attribute call.
TOOL_MODULES = {
    "omegat": ("interop.omegat",),
    "chromium": ("interop.chromium",),
    "translate_toolkit": ("translate",),
    "mt": ("argostranslate", "ctranslate2", "argos_tiny"),
}
# Signals and /proc: a call to one of these (os.kill, proc.send_signal, ...) or a "/proc" string.
SIGNAL_CALLS = {"kill", "killpg", "send_signal", "pthread_kill"}
TIMING = "linux_timing"
MARKERS = (*TOOL_MODULES, TIMING)


def _module_tools(name: str) -> set[str]:
    """The tools whose module ``name`` is (or lies under)."""
    return {tool for tool, prefixes in TOOL_MODULES.items()
            if any(name == p or name.startswith(p + ".") for p in prefixes)}


def _mark_name(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """``pytest.mark.X`` (called or not) or a module-level alias of it -> X."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "mark":
        return node.attr
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    return None


def _marks(nodes: list[ast.expr], aliases: dict[str, str]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
        found |= {m for m in (_mark_name(n, aliases) for n in items) if m}
    return found


@dataclass(frozen=True)
class Problem:
    test: str
    missing: frozenset[str]
    unused: frozenset[str]

    def __str__(self) -> str:
        parts = [f"uses {', '.join(sorted(self.missing))} without the marker"] if self.missing else []
        parts += [f"is marked {', '.join(sorted(self.unused))} but never uses it"] if self.unused else []
        return f"{self.test}: {'; '.join(parts)}"


def _direct_uses(node: ast.AST, tool_names: dict[str, set[str]]) -> set[str]:
    """Tools a piece of code touches itself (imports, names imported from a tool, signals, /proc)."""
    used: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Import):
            for alias in sub.names:
                used |= _module_tools(alias.name)
        elif isinstance(sub, ast.ImportFrom) and sub.module and not sub.level:
            used |= _module_tools(sub.module)
            used |= set().union(*(_module_tools(f"{sub.module}.{a.name}") for a in sub.names))
        elif isinstance(sub, ast.Name) and sub.id in tool_names:
            used |= tool_names[sub.id]
        elif isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "require_module" and sub.args and isinstance(sub.args[0], ast.Constant):
                used |= _module_tools(str(sub.args[0].value))
            elif name in SIGNAL_CALLS:
                used.add(TIMING)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value.startswith("/proc/"):
            used.add(TIMING)
    return used


def check_source(source: str, label: str, shared_fixtures: dict[str, set[str]] | None = None) -> list[Problem]:
    """Tests of one test module whose markers differ from the tools they use."""
    tree = ast.parse(source)
    shared_fixtures = shared_fixtures or {}
    aliases: dict[str, str] = {}
    module_marks: set[str] = set()
    tool_names: dict[str, set[str]] = {}  # names bound at the top level to a tool's module or objects
    top_uses: set[str] = set()
    helpers: dict[str, ast.FunctionDef] = {}
    tests: list[tuple[str, ast.FunctionDef, set[str]]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if target == "pytestmark":
                module_marks |= _marks([node.value], aliases)
            elif (mark := _mark_name(node.value, {})) is not None:
                aliases[target] = mark
            else:
                top_uses |= _direct_uses(node, {})
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                full = alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
                module = alias.name if isinstance(node, ast.Import) else node.module or ""
                tools = _module_tools(full) | _module_tools(module)
                if tools:
                    tool_names[(alias.asname or alias.name).split(".")[0]] = tools
        elif isinstance(node, ast.Expr):
            top_uses |= _direct_uses(node, {})  # e.g. require_module("...") at import time
        elif isinstance(node, ast.FunctionDef):
            if node.name.startswith("test"):
                tests.append((node.name, node, _marks(node.decorator_list, aliases)))
            else:
                helpers[node.name] = node
        elif isinstance(node, ast.ClassDef):
            class_marks = _marks(node.decorator_list, aliases)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                    tests.append((f"{node.name}::{item.name}", item,
                                  class_marks | _marks(item.decorator_list, aliases)))

    memo: dict[str, set[str]] = {}

    def uses(fn: ast.FunctionDef) -> set[str]:
        """Tools a function touches, through the helpers it calls and the fixtures it requests."""
        if fn.name in memo:
            return memo[fn.name]
        memo[fn.name] = set()  # a recursive helper adds nothing new
        found = _direct_uses(fn, tool_names)
        called = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
        called |= {a.arg for a in fn.args.args + fn.args.kwonlyargs}
        for name in called:
            if name in helpers and helpers[name] is not fn:
                found |= uses(helpers[name])
            elif name in shared_fixtures:
                found |= shared_fixtures[name]
        memo[fn.name] = found
        return found

    problems = []
    for name, fn, marks in tests:
        used = (uses(fn) | top_uses) & set(MARKERS)
        declared = (marks | module_marks) & set(MARKERS)
        if used != declared:
            problems.append(Problem(f"{label}::{name}", frozenset(used - declared), frozenset(declared - used)))
    return problems


def _conftest_fixtures() -> dict[str, set[str]]:
    """Tools used by the fixtures of tests/conftest.py (requested by name from any module)."""
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    return {node.name: _direct_uses(node, {}) & set(MARKERS)
            for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_test_declares_the_tools_it_uses() -> None:
    shared = _conftest_fixtures()
    # This file names the tools' entry points as data, so it is left out of its own scan.
    problems = [str(p) for path in sorted(TESTS.glob("test_*.py")) if path.name != Path(__file__).name
                for p in check_source(path.read_text(encoding="utf-8"), path.name, shared)]
    assert problems == [], "\n".join(problems)


def test_the_markers_checked_here_are_declared_in_pyproject() -> None:
    import tomllib

    config = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {line.split(":")[0] for line in config["tool"]["pytest"]["ini_options"]["markers"]}
    assert set(MARKERS) | {"slow"} <= declared


@pytest.mark.parametrize(("source", "expected"), [
    # a tool helper imported inside the test, no marker
    ("def test_a():\n    from interop.omegat import run_omegat\n    run_omegat(None)\n",
     "t.py::test_a: uses omegat without the marker"),
    # through a module-level import and a helper
    ("from interop.chromium import devtools\n\ndef page():\n    return devtools(1)\n\n"
     "def test_b():\n    page()\n", "t.py::test_b: uses chromium without the marker"),
    # translate-toolkit through require_module, in a fixture the test requests
    ("import pytest\nfrom interop import require_module\n\n@pytest.fixture\ndef tbx():\n"
     "    return require_module('translate.storage.tbx')\n\ndef test_c(tbx):\n    assert tbx\n",
     "t.py::test_c: uses translate_toolkit without the marker"),
    # a signal sent to a process
    ("import os, signal\n\ndef test_d():\n    os.kill(1, signal.SIGTERM)\n",
     "t.py::test_d: uses linux_timing without the marker"),
    # a marker that promises a tool the test never touches
    ("import pytest\n\n@pytest.mark.chromium\ndef test_e():\n    assert 1\n",
     "t.py::test_e: is marked chromium but never uses it"),
], ids=["tool-imported-in-test", "tool-through-helper", "tool-through-fixture", "signal", "stray-marker"])
def test_the_check_catches_a_missing_or_stray_marker(source: str, expected: str) -> None:
    assert [str(p) for p in check_source(source, "t.py")] == [expected]


@pytest.mark.parametrize("source", [
    "import pytest\nfrom interop.omegat import run_omegat\npytestmark = pytest.mark.omegat\n\n"
    "def test_a():\n    run_omegat(None)\n",
    "import pytest\nslow_tool = pytest.mark.chromium\n\n@slow_tool\ndef test_b():\n"
    "    from interop.chromium import run_chromium\n    run_chromium([], None)\n",
    "import pytest\n\n@pytest.mark.linux_timing\nclass TestX:\n    def test_c(self, proc):\n        proc.send_signal(2)\n",
    "import pytest\npytestmark = [pytest.mark.mt, pytest.mark.translate_toolkit]\nimport argos_tiny\n"
    "from translate.storage import tmx\n\ndef test_d():\n    assert tmx and argos_tiny\n",
], ids=["module-pytestmark", "mark-alias", "class-mark", "mark-list"])
def test_a_declared_use_passes(source: str) -> None:
    assert check_source(source, "t.py") == []


def test_every_declared_marker_is_used() -> None:
    # A declared marker no test carries (as `slow` once was) selects nothing and promises nothing.
    import re
    import tomllib

    config = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {line.split(":")[0] for line in config["tool"]["pytest"]["ini_options"]["markers"]}
    used = {m for path in TESTS.glob("test_*.py") if path.name != Path(__file__).name
            for m in re.findall(r"pytest\.mark\.(\w+)", path.read_text(encoding="utf-8"))}
    assert declared - used == set()
