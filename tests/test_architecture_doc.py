"""docs/architecture.md's module map is the real import graph: the layered edge list there is what the code imports.

The list is printed by ``scripts/import_map.py --doc`` from ``import_graph()`` (tests/test_architecture.py);
an import added or dropped in src/ without the doc changing fails here, with the line to paste.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _import_map():
    spec = importlib.util.spec_from_file_location("import_map", ROOT / "scripts" / "import_map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented_lines(text: str) -> list[str]:
    """The lines of the fenced block between the import-map markers of the doc."""
    block = re.search(r"<!-- import-map:begin -->\s*```\n(.*?)```\s*<!-- import-map:end -->", text, re.S)
    assert block, "docs/architecture.md has no import-map block"
    return block.group(1).rstrip("\n").split("\n")


def test_the_documented_module_map_is_the_import_graph() -> None:
    import_map = _import_map()
    want = import_map.doc_lines(import_map.package_graph())
    got = documented_lines((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert got == want, "update docs/architecture.md with: python scripts/import_map.py --doc\n" + "\n".join(want)


def test_every_arrow_points_down() -> None:
    import_map = _import_map()
    graph = import_map.package_graph()
    layer = import_map.layers(graph)
    assert all(layer[a] > layer[b] for a, targets in graph.items() for b in targets)


def test_a_changed_doc_line_is_caught() -> None:
    import_map = _import_map()
    want = import_map.doc_lines(import_map.package_graph())
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    # Drop one arrow from the drawn list: the block no longer equals the graph.
    line = next(x for x in want if "─▶ " in x and "," in x)
    edited = text.replace(line, line.rsplit(",", 1)[0])
    assert documented_lines(edited) != want
