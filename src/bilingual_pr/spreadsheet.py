"""Text cells that spreadsheet apps will show as text, never run as formulas (CSV injection)."""

from __future__ import annotations

# Excel, LibreOffice and Google Sheets run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value
