"""The register as an Excel workbook: a Register sheet of every action, one sheet per tracker,
and an About sheet saying what it is and what the colours mean.

Each action sheet has a frozen header row and ID column, an autofilter, real
dates (shown 23 Nov 2026), BRAG cells filled in their colour (and a conditional
format, so a changed rating recolours), and drop-down lists on Status and BRAG.
Text is never written as a formula: every value goes in with `write_string`, and
text that Excel would start a formula with carries the quote prefix.

Why XlsxWriter: it writes drop-downs, conditional formats and frozen panes, and
its constant-memory mode streams each row to disk, so a 10,000-action register
costs a few seconds and little memory. openpyxl, which the import uses to read
fills and merged cells, is slower to write.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cqctrack import __version__
from cqctrack.format.catalogue import Catalogue
from cqctrack.read.register import Entry
from cqctrack.reports.register import BRAGS, COLUMNS, STATUSES, cells, dangerous
from cqctrack.wording import date_text

# BRAG fills: strong colours a RAG reader (cqctrack import among them) reads by hue.
FILLS = {
    "Red": ("#FF0000", "#FFFFFF"),
    "Amber": ("#FFC000", "#000000"),
    "Green": ("#00B050", "#FFFFFF"),
    "Blue": ("#0070C0", "#FFFFFF"),
}
REGISTER, ABOUT = "Register", "About"
_BAD_NAME = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_KEY = (
    ("Blue", "closed, with evidence that meets every requirement"),
    ("Green", "open, and nothing is drifting"),
    ("Amber", "a warning sign: due soon, extended, unreviewed, weak evidence, "
     "an imported closure not yet confirmed ..."),
    ("Red", "overdue, repeatedly extended, or a high-risk action not reviewed in time"),
)  # fmt: skip


class _Formats:
    def __init__(self, book: Any) -> None:
        base = {"valign": "top", "font_size": 10}
        self.header = book.add_format(
            {**base, "bold": True, "text_wrap": True, "bg_color": "#D9D9D9", "border": 1}
        )
        self.text = book.add_format(base)
        self.wrap = book.add_format({**base, "text_wrap": True})
        self.text_q = book.add_format({**base, "quote_prefix": True})
        self.wrap_q = book.add_format({**base, "text_wrap": True, "quote_prefix": True})
        self.date = book.add_format({**base, "num_format": "d mmm yyyy", "align": "left"})
        self.number = book.add_format(base)
        self.brag = {
            label: book.add_format({**base, "bg_color": bg, "font_color": fg, "bold": True})
            for label, (bg, fg) in FILLS.items()
        }
        self.conditional = {
            label: book.add_format({"bg_color": bg, "font_color": fg, "bold": True})
            for label, (bg, fg) in FILLS.items()
        }
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})


def sheet_names(trackers: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A sheet name for each tracker (slug, name): Excel's rules, 31 characters, unique."""
    taken = {REGISTER.lower(), ABOUT.lower(), "history"}
    out = {}
    for slug, name in trackers:
        base = " ".join((name or slug).translate(_BAD_NAME).split()).strip("'")[:31] or slug[:31]
        chosen, n = base, 2
        while chosen.lower() in taken:
            suffix = f" ({n})"
            chosen, n = base[: 31 - len(suffix)] + suffix, n + 1
        taken.add(chosen.lower())
        out[slug] = chosen
    return out


def write_workbook(
    path: Path,
    entries: Sequence[Entry],
    catalogue: Catalogue,
    *,
    provider: str,
    as_of: date,
    filters: list[str],
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Write the workbook atomically (a temporary file, then a rename); the sheets' names."""
    import xlsxwriter

    trackers = list(dict.fromkeys((e.row.tracker, e.row.tracker_name) for e in entries))
    names = sheet_names(trackers)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    mode = 0o644  # as any file the user writes; a temporary file starts private
    if path.exists():
        mode = path.stat().st_mode & 0o777
    try:
        book = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "d mmm yyyy",
            },
        )
        stamp = datetime(as_of.year, as_of.month, as_of.day)
        book.set_properties(
            {
                "title": f"CQC action register, {provider}",
                "subject": f"as at {date_text(as_of)}",
                "author": "cqctrack",
                "comments": f"Exported by cqctrack {__version__}",
                "created": stamp,
            }
        )
        formats = _Formats(book)
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done)

        _action_sheet(book, REGISTER, entries, catalogue, formats, tick)
        for slug, _ in trackers:
            mine = [e for e in entries if e.row.tracker == slug]
            _action_sheet(book, names[slug], mine, catalogue, formats, tick)
        _about(book, formats, provider, as_of, filters, len(entries), list(names.values()))
        book.close()
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return [REGISTER, *names.values(), ABOUT]


def _action_sheet(
    book: Any,
    name: str,
    entries: Sequence[Entry],
    catalogue: Catalogue,
    formats: _Formats,
    tick: Callable[[], None],
) -> None:
    sheet = book.add_worksheet(name)
    last_col = len(COLUMNS) - 1
    last_row = max(len(entries), 1)
    for col, column in enumerate(COLUMNS):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.heading, formats.header)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(entries), last_col)
    status_col = next(i for i, c in enumerate(COLUMNS) if c.kind == "status")
    brag_col = next(i for i, c in enumerate(COLUMNS) if c.kind == "brag")
    sheet.data_validation(
        1,
        status_col,
        last_row,
        status_col,
        {
            "validate": "list",
            "source": list(STATUSES),
            "error_title": "Status",
            "error_message": "Choose a status cqctrack knows: " + ", ".join(STATUSES),
        },
    )
    sheet.data_validation(
        1,
        brag_col,
        last_row,
        brag_col,
        {"validate": "list", "source": list(BRAGS), "error_message": "Red, Amber, Green or Blue"},
    )
    for label in BRAGS:
        sheet.conditional_format(
            1,
            brag_col,
            last_row,
            brag_col,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{label}"',
                "format": formats.conditional[label],
            },
        )
    for r, entry in enumerate(entries, start=1):
        for col, (column, value) in enumerate(zip(COLUMNS, cells(entry, catalogue), strict=True)):
            if value is None:
                continue
            if isinstance(value, date):
                when = datetime(value.year, value.month, value.day)
                sheet.write_datetime(r, col, when, formats.date)
            elif isinstance(value, int):
                sheet.write_number(r, col, value, formats.number)
            elif column.kind == "brag":
                sheet.write_string(r, col, value, formats.brag[value])
            else:
                wrap = column.kind == "wrap"
                if dangerous(value):
                    fmt = formats.wrap_q if wrap else formats.text_q
                else:
                    fmt = formats.wrap if wrap else formats.text
                sheet.write_string(r, col, value, fmt)
        tick()


def _about(
    book: Any,
    formats: _Formats,
    provider: str,
    as_of: date,
    filters: list[str],
    count: int,
    trackers: list[str],
) -> None:
    sheet = book.add_worksheet(ABOUT)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 90)
    rows: list[tuple[str, str]] = [
        ("Provider", provider),
        ("As at", date_text(as_of)),
        ("Actions", str(count)),
        ("Filters", ", ".join(filters) or "none: the whole register, open, closed and cancelled"),
        ("Sheets", ", ".join([REGISTER, *trackers])),
        ("Made by", f"cqctrack {__version__} (cqctrack export)"),
        ("", ""),
        ("BRAG", "as cqctrack review rates each action (the reasons are in the Why column)"),
    ]
    sheet.write_string(0, 0, "cqctrack export: CQC action register", formats.title)
    r = 2
    for label, text in rows:
        if label:
            sheet.write_string(r, 0, label, formats.bold)
        if text:
            sheet.write_string(r, 1, text, formats.text_q if dangerous(text) else formats.text)
        r += 1
    for label, meaning in _KEY:
        sheet.write_string(r, 0, label, formats.brag[label])
        sheet.write_string(r, 1, meaning, formats.text)
        r += 1
    r += 1
    sheet.write_string(
        r,
        0,
        "Editing",
        formats.bold,
    )
    sheet.write_string(
        r,
        1,
        "The tracker's YAML files in git are the record; this workbook is a copy as at the "
        "date above. `cqctrack import` reads its Register sheet back.",
        formats.text,
    )
