"""Read a spreadsheet an action plan is kept in: an .xlsx workbook or a CSV file.

What comes back is plain data (`format.grid`): every sheet's rows of cells, with
merged cells spread over the cells they cover and each cell's solid fill colour
as RGB, however the workbook named it (directly, by palette index or by theme
colour and tint). Interpreting the rows is `write/plan/`'s job.

Why openpyxl: a RAG rating shown only as a red cell is read as red, and merged
cells are listed; python-calamine, measured on the same fixtures, read such a
cell as an empty string and dropped a trailing merged row. With defusedxml
installed (a dependency) openpyxl refuses XML entity bombs, and the archive is
checked for its unpacked size before openpyxl opens it.

CSV files are read as UTF-8 (with or without a byte-order mark) or, failing that,
as Windows-1252, which Excel on Windows writes when asked for plain "CSV"; the
delimiter (comma, semicolon or tab) is sniffed. A leading apostrophe that
`cqctrack export` put before `=`, `+`, `-`, `@`, tab or CR to neutralise a formula
is taken off again.
"""

from __future__ import annotations

import colorsys
import csv
import io
import zipfile
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from cqctrack.errors import CqcError, InvalidInput
from cqctrack.format.grid import Cell, Sheet, Value, Workbook
from cqctrack.format.mapping import Mapping

if TYPE_CHECKING:
    from openpyxl.styles.colors import Color
    from openpyxl.worksheet.worksheet import Worksheet

MAX_FILE_BYTES = 50 * 1024 * 1024  # no action plan comes near this; a larger file is refused
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to more
MAX_CELLS = 2_000_000

# The order theme colours are numbered in cells (Excel swaps the light and dark pairs).
_THEME_ORDER = (
    "lt1",
    "dk1",
    "lt2",
    "dk2",
    *(f"accent{i}" for i in range(1, 7)),
    "hlink",
    "folHlink",
)
_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def read(path: Path) -> Workbook:
    """Read `path` (.xlsx, .xlsm or .csv); refuse other kinds with a clear message."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as err:
        raise CqcError(f"{path}: cannot read the file: {err.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise CqcError(
            f"{path}: the file is {size // (1024 * 1024)} MiB; cqctrack reads plans up to "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MiB",
            hint="save just the action plan's sheets in a new workbook",
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xls", ".ods", ".numbers"):
        raise InvalidInput(
            f"{path}: cqctrack reads .xlsx workbooks and .csv files, not {suffix}",
            hint="open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)",
        )
    raise InvalidInput(
        f"{path}: not a spreadsheet cqctrack reads (.xlsx or .csv)",
        hint="give an .xlsx workbook or a .csv file",
    )


# --- xlsx ---------------------------------------------------------------------------


def _read_xlsx(path: Path) -> Workbook:
    _check_archive(path)
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation extensions,
            # unknown headers); none of them matters for reading values and fills.
            warnings.simplefilter("ignore")
            book = load_workbook(path, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise CqcError(
            f"{path}: cannot read the workbook: {err}",
            hint="open it in Excel and save it again as an Excel workbook (.xlsx)",
        ) from None
    theme = _theme_colours(book.loaded_theme)
    formulas = _unsaved_formulas(path) if _has_formulas(path) else {}
    sheets = []
    cells = 0
    for ws in book.worksheets:
        cells += (ws.max_row or 0) * (ws.max_column or 0)
        if cells > MAX_CELLS:
            raise CqcError(
                f"{path}: the workbook has more than {MAX_CELLS:,} cells",
                hint="save just the action plan's sheets in a new workbook",
            )
        sheets.append(_sheet(ws, theme, formulas.get(ws.title, {})))
    return Workbook(path.name, "xlsx", sheets)


def _has_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(
            b"<f>" in archive.read(n) or b"<f " in archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        )


def _unsaved_formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Formulas by sheet and (row, column), read when the workbook holds any.

    A workbook written by a program rather than saved in Excel holds formulas without
    their results; such a cell reads as empty, and the import says why instead.
    """
    import warnings

    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(path, data_only=False)
    out: dict[str, dict[tuple[int, int], str]] = {}
    for ws in book.worksheets:
        found = {
            (cell.row, cell.column): str(cell.value)
            for row in ws.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("=")
        }
        if found:
            out[ws.title] = found
    return out


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise CqcError(
            f"{path}: not an Excel workbook (the file is not an .xlsx archive)",
            hint="if it is an old .xls file or a CSV renamed, save it again as .xlsx or .csv",
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise CqcError(
            f"{path}: the workbook unpacks to {unpacked // (1024 * 1024)} MiB, more than any "
            "action plan needs; refused",
            hint="save just the action plan's sheets in a new workbook",
        )


def _sheet(ws: Worksheet, theme: list[str], formulas: dict[tuple[int, int], str]) -> Sheet:
    rows: list[list[Cell]] = []
    for r, raw in enumerate(ws.iter_rows(), start=1):
        row = []
        for c, cell in enumerate(raw, start=1):
            value = _value(getattr(cell, "value", None))
            formula = formulas.get((r, c)) if value is None else None
            row.append(Cell(value, _fill(cell, theme), False, formula))
        rows.append(row)
    for merged in ws.merged_cells.ranges:
        anchor = _at(rows, merged.min_row, merged.min_col)
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if (r, c) == (merged.min_row, merged.min_col):
                    continue
                _put(rows, r, c, anchor._replace(merged=True))
    while rows and all(c.empty and c.fill is None for c in rows[-1]):
        rows.pop()
    return Sheet(ws.title, rows, ws.sheet_state != "visible")


def _at(rows: list[list[Cell]], row: int, column: int) -> Cell:
    if row <= len(rows) and column <= len(rows[row - 1]):
        return rows[row - 1][column - 1]
    return Cell(None)


def _put(rows: list[list[Cell]], row: int, column: int, cell: Cell) -> None:
    while len(rows) < row:
        rows.append([])
    cells = rows[row - 1]
    while len(cells) < column:
        cells.append(Cell(None))
    cells[column - 1] = cell


def _value(value: Any) -> Value:
    if value is None or isinstance(value, str | int | float | bool | date):
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("_x000D_", "")
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _fill(cell: Any, theme: list[str]) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or getattr(fill, "fill_type", None) != "solid":
        return None
    return colour_hex(fill.fgColor, theme)


def colour_hex(colour: Color | None, theme: list[str]) -> str | None:
    """A cell colour as RRGGBB, or None when it is automatic or unknown."""
    if colour is None:
        return None
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) in (6, 8):
        rgb = colour.rgb[-6:].upper()
        if len(colour.rgb) == 8 and colour.rgb[:2] == "00" and rgb == "000000":
            return None  # "no colour" as some writers spell it
        return _tinted(rgb, colour.tint or 0.0)
    if kind == "indexed" and isinstance(colour.indexed, int):
        from openpyxl.styles.colors import COLOR_INDEX

        if 0 <= colour.indexed < len(COLOR_INDEX):
            return _tinted(COLOR_INDEX[colour.indexed][-6:].upper(), colour.tint or 0.0)
        return None  # 64 and 65: the system's foreground and background
    if kind == "theme" and isinstance(colour.theme, int) and 0 <= colour.theme < len(theme):
        return _tinted(theme[colour.theme], colour.tint or 0.0)
    return None


def _tinted(rgb: str, tint: float) -> str:
    """Excel's tint: lighten (positive) or darken (negative) the colour's luminance."""
    if not tint:
        return rgb
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    light = light * (1 + tint) if tint < 0 else light + (1 - light) * tint
    out = colorsys.hls_to_rgb(hue, min(max(light, 0.0), 1.0), sat)
    return "".join(f"{round(v * 255):02X}" for v in out)


# The Office theme's colours, for workbooks whose theme cannot be read.
_OFFICE_THEME = [
    "FFFFFF", "000000", "E7E6E6", "44546A", "4472C4", "ED7D31",
    "A5A5A5", "FFC000", "5B9BD5", "70AD47", "0563C1", "954F72",
]  # fmt: skip


def _theme_colours(xml: bytes | str | None) -> list[str]:
    if not xml:
        return list(_OFFICE_THEME)
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return list(_OFFICE_THEME)
    scheme = root.find(f".//{_DRAWING}clrScheme")
    if scheme is None:
        return list(_OFFICE_THEME)
    found: dict[str, str] = {}
    for entry in scheme:
        name = entry.tag.removeprefix(_DRAWING)
        for child in entry:
            value = child.get("lastClr") or child.get("val")
            if value and len(value) == 6:
                found[name] = value.upper()
    return [found.get(name, _OFFICE_THEME[i]) for i, name in enumerate(_THEME_ORDER)]


# --- csv ----------------------------------------------------------------------------


def _read_csv(path: Path) -> Workbook:
    data = path.read_bytes()
    try:
        text, encoding = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "Windows-1252"
    if "\x00" in text:
        raise CqcError(
            f"{path}: this is not a text CSV file",
            hint="save the plan from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx",
        )
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for raw in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append([Cell(_unneutralised(v)) for v in raw])
    except csv.Error as err:
        raise CqcError(f"{path}: cannot read the CSV file: {err}") from None
    while rows and all(c.empty for c in rows[-1]):
        rows.pop()
    return Workbook(path.name, "csv", [Sheet(None, rows)], encoding)


def _unneutralised(value: str) -> str | None:
    value = value.replace("\r\n", "\n")
    if value.startswith(NEUTRALISED):
        value = value[1:]
    return value if value.strip() else None


# --- the mapping file -------------------------------------------------------------------


def read_mapping(path: Path) -> Mapping:
    """A mapping file (`--mapping`), read with the tracker files' YAML dialect and validated."""
    from pydantic import ValidationError

    from cqctrack.format import dialect, explain, places
    from cqctrack.format.mapping import MappingFile

    try:
        data = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"--mapping {path}: cannot read the file: {err.strerror}") from None
    name = path.name
    try:
        dialect.check_size(len(data))
        text = dialect.decode(data)
        parsed = dialect.parse(data)
    except dialect.YamlProblem as err:
        raise InvalidInput(err.message, path=name, line=err.line) from None
    try:
        model = MappingFile.model_validate(parsed if parsed is not None else {})
    except ValidationError as err:
        problems = explain.findings_from(err, name, MappingFile)
        details = []
        for problem in problems:
            found = places.locate(text, problem.loc)
            line = f"line {found[0]}: " if found else ""
            details.append(line + problem.message + (f" ({problem.hint})" if problem.hint else ""))
        raise InvalidInput(
            "the mapping file is not valid",
            path=name,
            details=details,
            hint="see 'Importing a spreadsheet' in the README for what a mapping file holds",
        ) from None
    return Mapping(model, name)
