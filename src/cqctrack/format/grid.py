"""A spreadsheet as cqctrack reads it: sheets of rows of cells, whatever the file was.

`store/sheets.py` reads an .xlsx workbook or a CSV file into these; `write/plan/`
interprets them as an action plan. Merged cells are already spread over every
cell they cover (so a heading merged across two columns, or an issue merged down
five rows, reads as the same text in each), and a cell's solid fill colour is
given as RGB hex whether the workbook named it directly, by palette index or by
theme, because a RAG rating is often nothing but a coloured cell.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

Value = str | int | float | bool | date | datetime | None


class Cell(NamedTuple):
    value: Value
    fill: str | None = None  # "RRGGBB" of a solid fill, None when there is none
    merged: bool = False  # covered by a merged range whose value sits in another cell
    formula: str | None = None  # a formula whose result the workbook did not save

    @property
    def text(self) -> str:
        """The value as text, stripped ('' for an empty cell)."""
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value).strip()

    @property
    def empty(self) -> bool:
        return self.text == ""


EMPTY = Cell(None)


class Sheet(NamedTuple):
    name: str | None  # None for a CSV file
    rows: list[list[Cell]]  # rows[0] is the spreadsheet's row 1
    hidden: bool = False

    def cell(self, row: int, column: int) -> Cell:
        """The cell at 1-based `row` and `column` (an empty one beyond the data)."""
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= column <= len(cells):
                return cells[column - 1]
        return EMPTY

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    @property
    def label(self) -> str:
        return f"sheet {self.name}" if self.name is not None else "the file"


class Workbook(NamedTuple):
    file: str  # the file's name, as recorded in each imported action
    kind: str  # "xlsx" or "csv"
    sheets: list[Sheet]
    encoding: str | None = None  # CSV only: the encoding it was read in


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA: columns named as the spreadsheet names them."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
