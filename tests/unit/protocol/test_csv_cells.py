"""The CSV cell mapping every CSV writer uses: formulas become text, numbers stay numbers,
and reading back undoes it exactly."""

from __future__ import annotations

import csv
import io

import pytest

from orderhub.protocol.csv_cells import SafeWriter, restore_cell, safe_cell


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil.example","x")'],
)
def test_a_formula_cell_is_written_as_text(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell
    assert restore_cell(safe_cell(cell)) == cell


@pytest.mark.parametrize("cell", ["Jane", "", "'quoted", "'=1", "''+1", "a=b", " =1"])
def test_other_text_round_trips(cell: str) -> None:
    assert restore_cell(safe_cell(cell)) == cell


def test_numbers_are_left_alone() -> None:
    buffer = io.StringIO()
    SafeWriter(buffer).writerow([-5.0, -3, 0, "=x"])
    assert buffer.getvalue() == "-5.0,-3,0,'=x\r\n"
    assert next(csv.reader(io.StringIO(buffer.getvalue())))[0] == "-5.0"
