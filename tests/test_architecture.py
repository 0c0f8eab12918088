"""The shape of src/bilingual_pr: no import cycle (lazy, function-local imports included), no module over 700 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "bilingual_pr"
ROOT = Path(__file__).resolve().parent.parent / "src" / PACKAGE


def _module_names(root: Path) -> dict[str, Path]:
    names = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(module: str, package: str, level: int) -> str:
    """The absolute name of ``from <level dots><module> import ...`` written in ``package``."""
    if not level:
        return module
    base = package.split(".")
    base = base[:len(base) - level + 1]
    return ".".join(base + ([module] if module else []))


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports, at any level of its code."""
    modules = _module_names(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(node.module or "", package, node.level)
                # "from a.b import c" imports the module a.b.c when there is one, else a name of a.b.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                # "import a.b.c" where a.b.c is not a module of ours: the longest prefix that is.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a closed path (first name repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert "bilingual_pr.formats.tmx.reader" in graph and graph["bilingual_pr.formats.tmx.parallel"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "a.py").write_text("from bilingual_pr.sub import b\n", encoding="utf-8")
    # The way back is a function-local, relative import: still an edge of the graph.
    (pkg / "sub" / "b.py").write_text("def f():\n    from .. import a\n    return a\n", encoding="utf-8")
    graph = import_graph(pkg)
    assert graph["bilingual_pr.a"] == {"bilingual_pr.sub.b"}
    assert graph["bilingual_pr.sub.b"] == {"bilingual_pr.a"}
    assert find_cycle(graph) == ["bilingual_pr.a", "bilingual_pr.sub.b", "bilingual_pr.a"]
    (pkg / "sub" / "b.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    assert find_cycle(import_graph(pkg)) is None


MAX_LINES = 700


def long_modules(root: Path = ROOT, limit: int = MAX_LINES) -> dict[str, int]:
    """The modules under ``root`` (any depth) longer than ``limit`` lines, with their line counts."""
    counts = {str(path.relative_to(root.parent)): len(path.read_text(encoding="utf-8").splitlines())
              for path in sorted(root.rglob("*.py"))}
    return {name: lines for name, lines in counts.items() if lines > limit}


def test_no_module_of_the_package_is_over_700_lines() -> None:
    assert (ROOT / "formats" / "tmx" / "reader.py").exists()  # the walk reaches subpackages
    assert long_modules() == {}, "split these modules along a line that makes sense"


def test_the_line_count_sees_modules_in_subpackages(tmp_path: Path) -> None:
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    (pkg / "short.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    (pkg / "sub" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    assert long_modules(pkg) == {f"{PACKAGE}/sub/long.py": MAX_LINES + 1}
