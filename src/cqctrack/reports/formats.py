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
import json
import re
from collections.abc import Collection, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from cqctrack.wording import BIDI, visible

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


# Characters JSON may carry raw but a terminal showing the JSON would obey: DEL, C1
# controls, line separators and bidi controls. JSON escapes C0 itself.
_JSON_HIDDEN = re.compile("[\x7f-\x9f\u2028\u2029" + BIDI + "]")


def json_text(payload: Any) -> str:
    """JSON for people and scripts: the data exact, every hidden character \\u-escaped."""
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    return _JSON_HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# A cell a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell: text with hidden characters shown, and never taken as a formula."""
    if not isinstance(value, str):
        return value
    text = visible(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()


# Markdown that would turn a title into a link, an image, HTML or emphasis.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~!])")


class Markup(str):
    """Markdown we wrote ourselves (`**total**`), put in a table as it is."""

    __slots__ = ()


def markdown_cell(text: str) -> str:
    """Text for a Markdown table cell: shown as written, never as a link, HTML or formatting."""
    if isinstance(text, Markup):
        return str(text)
    return _MARKDOWN.sub(r"\\\1", visible(text))


def markdown_text(text: str) -> str:
    """The same for text outside tables (headings, list items)."""
    return markdown_cell(text)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return lines
