"""The layout of a sheet holding an action plan: where the headings are, what each column
holds, and which rows are actions.

Headings are found, not assumed: the row in the first 40 whose cells name the
most known fields (at least two, one of them the action or the issue), together
with a row of group headings merged above it ("Progress" over "RAG | Comments").
Below the headings each row is one of:

- an action (its action cell has text);
- blank; a subtotal or total row; the headings repeated;
- a section heading: one text across the row, such as "Must do" or "Safe"; rows
  below belong to it until the next (Must do sections make actions high risk,
  Should do medium, unless the row says otherwise);
- an issue on its own (text only in the issue column): the issue of the actions
  below it;
- a colour key ("Key", "RAG key" ...): its rows say what each colour means, such
  as "Blue | Delivered"; nothing below it is read as actions. A sheet named Key or
  Legend is read the same way, for every sheet.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from cqctrack.format.grid import Cell, Sheet, column_letter
from cqctrack.format.mapping import MULTI, Mapping, normalise
from cqctrack.write.plan.values import priority_of, rag_of_fill, rag_of_text, read_date

SCAN_ROWS = 40
_SUBTOTAL = re.compile(r"^(?:sub ?)?totals?\b|^grand total|^count\b|^number of\b|^overall\b")
_KEY_LABELS = {"key", "legend", "rag key", "brag key", "status key", "key to rag", "rag rating key"}
KEY_SHEETS = {"key", "legend", "rag key", "brag key", "keys"}
_NEVER = date(2000, 1, 1)  # any day: only whether a heading cell reads as a date matters


class Column(NamedTuple):
    number: int  # 1-based
    heading: str  # as shown in the sheet, e.g. "Progress / RAG"
    field: str | None  # None: not imported
    why: str | None = None  # why a column is not imported

    @property
    def letter(self) -> str:
        return column_letter(self.number)


class Row(NamedTuple):
    row: int  # 1-based, as the spreadsheet numbers it
    kind: str  # action, blank, subtotal, headings, section, concern, no-action, merged, key
    text: str | None = None  # a section's or issue's text; a merged row's first row


class Layout(NamedTuple):
    sheet: Sheet
    header_rows: tuple[int, int]
    columns: list[Column]
    rows: list[Row]
    key: dict[str, str]  # colour -> what the plan's key says it means

    def columns_for(self, field: str) -> list[Column]:
        return [c for c in self.columns if c.field == field]

    def has(self, field: str) -> bool:
        return any(c.field == field for c in self.columns)

    @property
    def action_rows(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "action"]


def find_layout(sheet: Sheet, mapping: Mapping) -> Layout | None:
    """The sheet's layout, or None when no row of it looks like an action plan's headings."""
    found = _header_rows(sheet, mapping)
    if found is None:
        return None
    first, last = found
    columns = _columns(sheet, first, last, mapping)
    rows, key = _rows(sheet, last, columns)
    columns = _settle(sheet, columns, rows, mapping)
    rows, key = _rows(sheet, last, columns)
    for r in range(1, first):
        key.update(_key_from(sheet, r) or {})
    return Layout(sheet, (first, last), columns, rows, key)


def read_key(sheet: Sheet) -> dict[str, str]:
    """A sheet that is only a colour key: each row's colour and what it means."""
    key: dict[str, str] = {}
    for r in range(1, len(sheet.rows) + 1):
        key.update(_key_from(sheet, r) or {})
    return key


# --- headings -----------------------------------------------------------------------


def _texts(sheet: Sheet, row: int) -> list[tuple[int, str]]:
    return [(i, c.text) for i, c in enumerate(sheet.rows[row - 1], start=1) if c.text]


def _score(sheet: Sheet, row: int, mapping: Mapping) -> tuple[int, bool]:
    fields: set[str] = set()
    for _, text in _texts(sheet, row):
        if len(text) <= 80:
            fields.update(mapping.fields_for(text)[:1])
    fields.discard("ignore")
    return len(fields), bool(fields & {"action", "concern"})


def _header_rows(sheet: Sheet, mapping: Mapping) -> tuple[int, int] | None:
    if mapping.file.header_row is not None:
        best = mapping.file.header_row
        if best > len(sheet.rows) or not _texts(sheet, best):
            return None
    else:
        scored = []
        for row in range(1, min(len(sheet.rows), SCAN_ROWS) + 1):
            score, core = _score(sheet, row, mapping)
            if score >= 2 and core:
                scored.append((score, -row, row))
        if not scored:
            return None
        best = max(scored)[2]
    first, last = best, best
    if best > 1 and _is_group_row(sheet, best - 1):
        first = best - 1
    elif best < len(sheet.rows) and _is_leaf_row(sheet, best, best + 1):
        last = best + 1
    return first, last


def _distinct(sheet: Sheet, row: int) -> set[str]:
    return {text for _, text in _texts(sheet, row)}


def _is_group_row(sheet: Sheet, row: int) -> bool:
    """Group headings above the headings: merged cells, two or more short texts."""
    texts = _distinct(sheet, row)
    cells = sheet.rows[row - 1]
    return len(texts) >= 2 and all(len(t) <= 60 for t in texts) and any(c.merged for c in cells)


def _is_leaf_row(sheet: Sheet, group: int, row: int) -> bool:
    """Headings beneath a row whose cells are merged across them ('Progress' over two)."""
    above, below = sheet.rows[group - 1], sheet.rows[row - 1]
    spans = [i for i, c in enumerate(above) if c.merged and i and above[i - 1].text == c.text]
    if not spans:
        return False
    texts = [c.text for c in below if c.text]
    if not texts or any(len(t) > 60 for t in texts):
        return False
    if any(read_date(c, _NEVER).day is not None for c in below if c.text):
        return False
    return any(i < len(below) and below[i].text for i in spans)


def _columns(sheet: Sheet, first: int, last: int, mapping: Mapping) -> list[Column]:
    taken: dict[str, int] = {}
    headings: list[tuple[int, str, tuple[str, ...]]] = []
    for index in range(1, sheet.width + 1):
        texts: list[str] = []
        for r in range(first, last + 1):
            text = " ".join(sheet.cell(r, index).text.split())
            if text and (not texts or texts[-1] != text):
                texts.append(text)
        shown = " / ".join(texts)
        options: tuple[str, ...] = ()
        for candidate in (texts[-1:], [" ".join(texts)], texts[:1]):
            if candidate and (options := mapping.fields_for(candidate[0])):
                break
        headings.append((index, shown, options))
    chosen: dict[int, Column] = {}
    # Columns whose heading has one meaning first, then those with a second choice.
    for pass_ in (1, 2):
        for index, shown, options in headings:
            if index in chosen or not options or (pass_ == 1 and len(options) > 1):
                continue
            chosen[index] = _choose(index, shown, options, taken, chosen)
    columns = []
    for index, shown, _ in headings:
        if index in chosen:
            columns.append(chosen[index])
        elif shown:
            columns.append(Column(index, shown, None, "no field has this heading"))
        elif any(sheet.cell(r, index).text for r in range(last + 1, len(sheet.rows) + 1)):
            columns.append(Column(index, "", None, "no heading"))
    return columns


def _choose(
    index: int,
    shown: str,
    options: tuple[str, ...],
    taken: dict[str, int],
    chosen: dict[int, Column],
) -> Column:
    for field in options:
        if field == "ignore":
            return Column(index, shown, None, "cqctrack works it out, or another column holds it")
        if field in MULTI or field not in taken:
            taken[field] = index
            return Column(index, shown, field)
        if field == "due" and re.search(r"\b(revised|new|updated|current)\b", shown, re.I):
            earlier = taken[field]
            chosen[earlier] = chosen[earlier]._replace(
                field=None, why=f"the revised date in column {column_letter(index)} is used"
            )
            taken[field] = index
            return Column(index, shown, field)
    field = options[0]
    return Column(
        index, shown, None, f"{field.replace('_', ' ')} is read from column "
        f"{column_letter(taken[field])}"
    )  # fmt: skip


def _settle(sheet: Sheet, columns: list[Column], rows: list[Row], mapping: Mapping) -> list[Column]:
    """A 'Progress' column read as the status holds notes instead when its words are not statuses."""
    out = []
    for column in columns:
        if column.field == "status" and normalise(column.heading.split(" / ")[-1]) == "progress":
            values = [sheet.cell(r.row, column.number).text for r in rows if r.kind == "action"]
            values = [v for v in values if v]
            known = sum(1 for v in values if normalise(v) in mapping.status or rag_of_text(v))
            if values and known * 2 < len(values):
                column = column._replace(field="progress")
        out.append(column)
    return out


# --- rows ---------------------------------------------------------------------------


def _rows(sheet: Sheet, last: int, columns: list[Column]) -> tuple[list[Row], dict[str, str]]:
    action_cols = [c.number for c in columns if c.field == "action"]
    concern_cols = [c.number for c in columns if c.field == "concern"]
    headings = {normalise(c.heading.split(" / ")[-1]) for c in columns if c.heading}
    rows: list[Row] = []
    key: dict[str, str] = {}
    r = last + 1
    while r <= len(sheet.rows):
        cells = sheet.rows[r - 1]
        texts = _texts(sheet, r)
        if not texts:
            rows.append(Row(r, "blank"))
            r += 1
            continue
        first = normalise(texts[0][1])
        if first in _KEY_LABELS or (first.startswith("key ") and len(texts) <= 2):
            for k in range(r, len(sheet.rows) + 1):
                rows.append(Row(k, "key"))
                key.update(_key_from(sheet, k) or {})
            break
        distinct = {t for _, t in texts}
        action = next((sheet.cell(r, i) for i in action_cols if sheet.cell(r, i).text), None)
        named = {normalise(t) for t in distinct}
        if len(headings) >= 2 and len(named & headings) * 2 >= len(headings):
            rows.append(Row(r, "headings"))
        elif _SUBTOTAL.match(first):
            rows.append(Row(r, "subtotal", texts[0][1]))
        elif len(distinct) == 1 and _is_section(cells, texts, action_cols, concern_cols):
            rows.append(Row(r, "section", texts[0][1]))
        elif action is not None and action.merged and _merged_from_above(sheet, r, action_cols):
            rows.append(Row(r, "merged", str(_anchor_row(sheet, r, action_cols))))
        elif action is not None:
            rows.append(Row(r, "action"))
        elif any(sheet.cell(r, i).text for i in concern_cols):
            concern = next(sheet.cell(r, i).text for i in concern_cols if sheet.cell(r, i).text)
            rows.append(Row(r, "concern", concern))
        else:
            rows.append(Row(r, "no-action"))
        r += 1
    return rows, key


def _is_section(
    cells: list[Cell], texts: list[tuple[int, str]], action_cols: list[int], concern_cols: list[int]
) -> bool:
    text = texts[0][1]
    if len(text) > 80:
        return False
    if len(texts) >= 2 or priority_of(text):
        return True  # one text merged across the row, or Must do / Should do
    index = texts[0][0]
    return index not in action_cols and index not in concern_cols


def _merged_from_above(sheet: Sheet, row: int, action_cols: list[int]) -> bool:
    """The action cell continues a merged range from the row above (one action, two rows)."""
    for i in action_cols:
        cell = sheet.cell(row, i)
        if cell.merged and row > 1 and sheet.cell(row - 1, i).text == cell.text:
            return True
    return False


def _anchor_row(sheet: Sheet, row: int, action_cols: list[int]) -> int:
    while row > 1 and any(sheet.cell(row, i).merged for i in action_cols):
        row -= 1
    return row


def _key_from(sheet: Sheet, row: int) -> dict[str, str] | None:
    """A key row: a colour (a colour word or a coloured cell) and what it means."""
    cells = sheet.rows[row - 1] if row <= len(sheet.rows) else []
    colour = meaning = None
    for cell in cells:
        named = rag_of_text(cell.text) if cell.text and len(cell.text.split()) <= 2 else None
        filled = rag_of_fill(cell.fill)
        if colour is None and (named or filled):
            colour = named or filled
            if filled and cell.text and not named:
                meaning = cell.text
            continue
        if cell.text and meaning is None and normalise(cell.text) not in _KEY_LABELS:
            meaning = cell.text
    if colour and meaning:
        return {colour: " ".join(meaning.split())}
    return None
