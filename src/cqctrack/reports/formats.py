"""Output formats shared by the review, summary and concerns reports, and plain-text helpers.

`table` means a rich table when a person is reading a terminal, and plain aligned
text when the output is piped or the result is long: rich lays out a table at
about 1.4 ms a row (3,000 rows take seconds), plain text at a few microseconds.
Machine formats (JSON, CSV) use ISO dates; the readable ones use "23 Nov 2026".
Nothing here imports rich: the table renderers import it when they are used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from datetime import date
from enum import StrEnum

# Above this many rows a terminal gets plain text too: no one reads more in a table,
# and rich would spend seconds laying it out.
RICH_ROW_LIMIT = 300
# Narrower terminals cannot fit the table's columns beside readable reasons.
RICH_MIN_WIDTH = 110

BRAG_STYLES = {"red": "bold red", "amber": "yellow", "green": "green", "blue": "blue"}


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def aligned(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int] = ()
) -> list[str]:
    """Plain columns padded to the widest cell, two spaces apart; columns in `right`
    (numbers) are right-aligned, and a last column that is not is never padded."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    last = len(headers) - 1

    def line(cells: Sequence[str]) -> str:
        out = [
            cell.rjust(widths[i]) if i in right else cell if i == last else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(out).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return lines
