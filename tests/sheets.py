"""Builders for the spreadsheets the import tests read: made here, cell by cell, with
openpyxl, never copied from a real provider's plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

Fill = str | tuple[str, int, float]  # "FF0000", or ("theme", 9, 0.4) / ("indexed", 10, 0)


class Book:
    """A workbook built sheet by sheet: rows of values, merged ranges, fills."""

    def __init__(self) -> None:
        self.book = Workbook()
        self._fresh = True

    def sheet(
        self,
        title: str,
        rows: list[list[Any]],
        *,
        merge: tuple[str, ...] = (),
        fill: dict[str, Fill] | None = None,
        hidden: bool = False,
        number_formats: dict[str, str] | None = None,
    ) -> Book:
        ws = self.book.active if self._fresh else self.book.create_sheet()
        assert ws is not None
        self._fresh = False
        ws.title = title
        for row in rows:
            ws.append(row)
        for cells in merge:
            ws.merge_cells(cells)
        for ref, colour in (fill or {}).items():
            ws[ref].fill = PatternFill("solid", fgColor=_colour(colour))
        for ref, number_format in (number_formats or {}).items():
            ws[ref].number_format = number_format
        if hidden:
            ws.sheet_state = "hidden"
        return self

    def save(self, path: Path) -> Path:
        self.book.save(path)
        return path


def _colour(colour: Fill) -> Color:
    if isinstance(colour, str):
        return Color(rgb="FF" + colour)
    kind, number, tint = colour
    if kind == "theme":
        return Color(theme=number, tint=tint)
    return Color(indexed=number)
