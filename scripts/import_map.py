"""Print the package-level import graph of bilingual_pr (what docs/architecture.md's module map draws).

Usage: python scripts/import_map.py [--layers | --doc]

Each node is a top-level module (``pipeline``) or a subpackage (``align``); an edge ``a -> b``
means some module of ``a`` imports some module of ``b``, lazy imports included. The module
graph comes from ``import_graph()`` in tests/test_architecture.py (the one that the import-cycle
test reads). ``--layers`` prints the nodes by layer: a node sits one layer above the highest
node it imports, so every arrow points down. ``--doc`` prints the layered edge list as the
module map of docs/architecture.md shows it (tests/test_architecture_doc.py compares the two).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_architecture import import_graph  # noqa: E402


def unit(module: str) -> str:
    """bilingual_pr.align.search -> align; bilingual_pr.pipeline -> pipeline; the package itself -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def package_graph() -> dict[str, set[str]]:
    """Top-level modules and subpackages of bilingual_pr, and which of them each imports."""
    graph: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        graph.setdefault(unit(module), set())
        graph[unit(module)] |= {unit(t) for t in targets} - {unit(module)}
    return graph


def layers(graph: dict[str, set[str]]) -> dict[str, int]:
    """Layer 0: imports none of the others; else one more than the highest layer it imports."""
    memo: dict[str, int] = {}

    def depth(node: str, seen: tuple[str, ...] = ()) -> int:
        if node not in memo:
            below = [depth(n, seen + (node,)) for n in graph[node] if n not in seen]
            memo[node] = 1 + max(below) if below else 0
        return memo[node]

    return {node: depth(node) for node in graph}


# Imported by nearly every module: left out of the drawn arrows, named once under the map instead.
EVERYWHERE = {"errors", "fileio", "__init__"}


def doc_lines(graph: dict[str, set[str]]) -> list[str]:
    """One line a node, top layer first: ``layer  node ─▶ imports`` (EVERYWHERE left out)."""
    by_layer = layers(graph)
    lines = []
    for node in sorted(graph, key=lambda n: (-by_layer[n], n)):
        if node in EVERYWHERE:
            continue
        targets = sorted(graph[node] - EVERYWHERE, key=lambda n: (-by_layer[n], n))
        arrow = f" ─▶ {', '.join(targets)}" if targets else ""
        lines.append(f"{by_layer[node]:>3}  {node}{arrow}")
    return lines


def main(argv: list[str]) -> None:
    graph = package_graph()
    if "--doc" in argv:
        print("\n".join(doc_lines(graph)))
        return
    if "--layers" in argv:
        by_layer = layers(graph)
        for level in sorted(set(by_layer.values()), reverse=True):
            print(level, " ".join(sorted(n for n, d in by_layer.items() if d == level)))
        return
    for node in sorted(graph):
        print(f"{node} -> {' '.join(sorted(graph[node])) or '(nothing)'}")


if __name__ == "__main__":
    main(sys.argv[1:])
