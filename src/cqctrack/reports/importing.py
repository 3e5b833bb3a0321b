"""The report of `cqctrack import`: what was read from each sheet, what stops the import,
what a person should check, and what was (or would be) created.

Every line that is about a cell says where, as a spreadsheet user finds it:
`Must do row 9, column D (Deadline): 'Ongoing' is not a date`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cqctrack.findings import Finding, Severity
from cqctrack.format.grid import column_letter
from cqctrack.reports.formats import json_text
from cqctrack.wording import count, date_text, ranges

if TYPE_CHECKING:
    from cqctrack.write.plan.layout import Layout
    from cqctrack.write.plan.result import ImportResult, SheetResult

_PEOPLE = ("import-unknown-person", "import-ambiguous-person")
_CHECK = (
    "import-date-read",
    "import-colour-read",
    "import-person-matched",
    "import-split-cell",
    "import-unknown-regulation",
    "import-unknown-person",
    "import-ambiguous-person",
)
_SKIPPED = {
    "blank": "blank",
    "subtotal": "a total",
    "headings": "the headings again",
    "no-action": "no action",
    "key": "the colour key",
}


def where(finding: Finding, *, column: bool = True) -> str:
    """'Must do row 9, column D (Deadline)', 'row 9' for CSV, 'sheet Summary' for a sheet."""
    sheet = finding.subject
    text = (f"{sheet} " if sheet else "") + (f"row {finding.line}" if finding.line else "")
    if not finding.line:
        text = f"sheet {sheet}" if sheet else "the file"
    if column and finding.column:
        heading = finding.loc[1] if len(finding.loc) > 1 and finding.loc[1] else ""
        text += f", column {column_letter(finding.column)}" + (f" ({heading})" if heading else "")
    return text


def render_text(result: ImportResult, *, dry_run: bool) -> str:
    lines = [_title(result), ""]
    for sheet in result.sheets:
        lines += _sheet(sheet)
    errors = [f for f in result.errors if f.code not in _PEOPLE]
    if errors:
        lines += ["", "Problems (each stops the import):"]
        lines += _findings(errors)
    lines += _people(result)
    lines += _section("Worth checking:", [f for f in result.findings if _worth_checking(f)])
    lines += _section(
        "Not imported as closed:",
        [f for f in result.findings if f.code == "import-not-closed"],
        hints=False,
    )
    lines += _section(
        "Not imported:",
        [f for f in result.findings if f.code in ("import-cancelled", "import-already-imported")],
        hints=False,
    )
    if result.skipped:
        rows = _rows_of(result.skipped)
        lines += ["", f"Left out with --skip-invalid: {rows}"]
    lines += _created(result, dry_run)
    if result.notes and result.actions:
        lines += ["", "After the import, `cqctrack check` will warn:"]
        for note in _unique(result.notes):
            lines.append(f"  {note.subject}: {note.message}")
        hints = sorted({n.hint for n in result.notes if n.hint})
        if len(hints) == 1:
            lines.append(f"    hint: {hints[0]}")
        elif all(n.code == "consistency-no-measure" for n in result.notes):
            lines.append("    hint: add a target to each with `cqctrack new measure --concern ID`")
    lines += ["", _closing(result, dry_run)]
    return "\n".join(lines)


def _title(result: ImportResult) -> str:
    mapping = f", with the mapping in {result.mapping}" if result.mapping else ""
    encoding = f" (read as {result.workbook.encoding})" if result.workbook.encoding else ""
    return (
        f"Import of {result.workbook.file}{encoding} into tracker {result.tracker} "
        f"({result.tracker_name}) as at {date_text(result.today)}{mapping}"
    )


def _sheet(sheet: SheetResult) -> list[str]:
    name = f"Sheet {sheet.name}" if sheet.name is not None else "The file"
    if sheet.layout is None:
        return [f"{name}: not read ({sheet.why})"]
    layout = sheet.layout
    first, last = layout.header_rows
    heads = f"row {first}" if first == last else f"rows {first}-{last}"
    actions = [r.row for r in layout.action_rows]
    label = "row" if len(actions) == 1 else "rows"
    found = f"actions in {label} {ranges(actions)}" if actions else "no actions"
    lines = [f"{name}: headings in {heads}; {found}"]
    width = max((len(c.heading) for c in layout.columns), default=0)
    for column in layout.columns:
        what = column.field.replace("_", " ") if column.field else f"not imported: {column.why}"
        heading = column.heading or "(no heading)"
        lines.append(f"  {column.letter:<2} {heading:<{max(width, 12)}}  {what}")
    lines += _skipped_rows(layout)
    sections = [(r.row, r.text) for r in layout.rows if r.kind == "section"]
    if sections:
        lines.append("  Sections: " + ", ".join(f"{text} (row {row})" for row, text in sections))
    if layout.key:
        lines.append(
            "  Colour key: "
            + ", ".join(f"{colour} = {what}" for colour, what in layout.key.items())
        )
    return lines


def _skipped_rows(layout: Layout) -> list[str]:
    groups: dict[str, list[int]] = {}
    for row in layout.rows:
        if row.kind in _SKIPPED:
            groups.setdefault(_SKIPPED[row.kind], []).append(row.row)
        elif row.kind == "merged":
            groups.setdefault(f"merged with row {row.text}", []).append(row.row)
    trailing_blank = _trailing_blank(layout)
    if trailing_blank:
        groups["blank"] = [r for r in groups.get("blank", []) if r not in trailing_blank]
        if not groups["blank"]:
            del groups["blank"]
    if not groups:
        return []
    parts = [f"{ranges(rows)} ({why})" for why, rows in groups.items()]
    label = "Row" if sum(len(r) for r in groups.values()) == 1 else "Rows"
    return [f"  {label} not read as actions: " + "; ".join(parts)]


def _trailing_blank(layout: Layout) -> set[int]:
    """Blank rows after the last row with anything in it are not worth mentioning."""
    out: set[int] = set()
    for row in reversed(layout.rows):
        if row.kind != "blank":
            break
        out.add(row.row)
    return out


def _findings(found: Iterable[Finding], *, hints: bool = True) -> list[str]:
    lines = []
    for f in _unique(found):
        lines.append(f"  {where(f)}: {f.message}")
        if hints and f.hint:
            lines.append(f"    hint: {f.hint}")
    return lines


def _section(title: str, found: list[Finding], *, hints: bool = True) -> list[str]:
    if not found:
        return []
    return ["", title, *_findings(found, hints=hints)]


def _worth_checking(f: Finding) -> bool:
    if f.code not in _CHECK:
        return False
    return not (f.code in _PEOPLE and f.severity is Severity.ERROR)


def _people(result: ImportResult) -> list[str]:
    unmatched: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.code in _PEOPLE and f.severity is Severity.ERROR:
            unmatched.setdefault(f.message, []).append(f)
    if not unmatched:
        return []
    lines = ["", "Owners who could not be matched to the people register:"]
    for message, found in unmatched.items():
        lines.append(f"  {message}: {_rows_text(found)}")
    hints = list(dict.fromkeys(f.hint for fs in unmatched.values() for f in fs if f.hint))
    if any(f.code == "import-unknown-person" for fs in unmatched.values() for f in fs):
        lines.append(
            "  hint: add them to `people` in cqctrack.yaml, or map each name to a person id "
            "in a mapping file (people: {NAME: PERSON_ID})"
        )
    elif hints:
        lines.append(f"  hint: {hints[0]}")
    return lines


def _rows_text(found: list[Finding]) -> str:
    by_sheet: dict[str | None, list[int]] = {}
    for f in found:
        by_sheet.setdefault(f.subject, []).append(f.line or 0)
    parts = []
    for sheet, rows in by_sheet.items():
        label = "row" if len(set(rows)) == 1 else "rows"
        parts.append((f"{sheet} " if sheet else "") + f"{label} {ranges(rows)}")
    return "; ".join(parts)


def _rows_of(proposals: list[Any]) -> str:
    by_sheet: dict[str | None, list[int]] = {}
    for p in proposals:
        by_sheet.setdefault(p.origin.sheet, []).append(p.origin.row)
    parts = []
    for sheet, rows in by_sheet.items():
        label = "row" if len(set(rows)) == 1 else "rows"
        parts.append((f"{sheet} " if sheet else "") + f"{label} {ranges(rows)}")
    return count(len(proposals), "action") + " (" + "; ".join(parts) + ")"


def _created(result: ImportResult, dry_run: bool) -> list[str]:
    if not result.actions:
        return []
    blocked = bool(result.errors) and not result.skipped
    if result.committed:
        verb = "Created"
    elif blocked:
        verb = "Would create, once the problems are fixed,"
    else:
        verb = "Would create"
    made = count(len(result.actions), "action")
    new = len(result.new_concerns)
    if new:
        made = f"{count(new, 'concern')} and {made}"
    lines = ["", f"{verb} {made}:"]
    by_concern: dict[str, list[Any]] = {}
    for action in result.actions:
        by_concern.setdefault(action.concern, []).append(action)
    id_width = max(len(a.id) for a in result.actions)
    status_width = max(len(a.status.value) for a in result.actions)
    owner_width = max(len(a.proposal.owner or "-") for a in result.actions)
    due_width = max(
        len(date_text(a.proposal.due) if a.proposal.due else "-") for a in result.actions
    )
    for concern in result.concerns:
        actions = by_concern.get(concern.id, [])
        if not actions:
            continue
        existing = "existing concern " if concern.existing else ""
        lines.append(f"  {existing}{concern.id}  {concern.title}")
        for action in actions:
            p = action.proposal
            due = date_text(p.due) if p.due else "-"
            lines.append(
                f"    {action.id:<{id_width}}  {action.status.value:<{status_width}}  "
                f"due {due:<{due_width}}  {p.owner or '-':<{owner_width}}  {p.title}"
                f"  [{p.origin.where()}]"
            )
    return lines


def _closing(result: ImportResult, dry_run: bool) -> str:
    if result.committed:
        where_to = (
            f" in commit {result.commit[:8]}" if result.commit else ", not committed (--no-commit)"
        )
        return f"Imported {count(len(result.actions), 'action')}{where_to}."
    errors = result.errors
    if errors and not result.skipped:
        rows = {(f.subject, f.line) for f in errors}
        return (
            f"Nothing was written: {count(len(errors), 'problem')} in {count(len(rows), 'row')}. "
            "Fix them and run again, or pass --skip-invalid to import the rest."
        )
    if not result.actions:
        return "Nothing was written: there is nothing to import."
    return "Dry run: nothing was written." if dry_run else "Nothing was written."


def _unique(found: Iterable[Finding]) -> list[Finding]:
    return list(dict.fromkeys(found))


def render_json(result: ImportResult, *, dry_run: bool) -> str:
    """The import as JSON: every finding with its code, and what was (or would be) created."""
    payload = {
        "file": result.workbook.file,
        "tracker": result.tracker,
        "dry_run": dry_run,
        "commit": result.commit,
        "errors": len(result.errors),
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "sheet": f.subject,
                "row": f.line,
                "column": column_letter(f.column) if f.column else None,
                "heading": f.loc[1] if len(f.loc) > 1 and f.loc[1] else None,
                "message": f.message,
                "hint": f.hint,
            }
            for f in result.findings
        ],
        "concerns": [
            {"id": c.id, "title": c.title, "existing": c.existing}
            for c in result.concerns
            if any(a.concern == c.id for a in result.actions)
        ],
        "actions": [
            {
                "id": a.id,
                "concern": a.concern,
                "title": a.proposal.title,
                "owner": a.proposal.owner,
                "due": a.proposal.due.isoformat() if a.proposal.due else None,
                "status": a.status.value,
                "sheet": a.proposal.origin.sheet,
                "row": a.proposal.origin.row,
                "part": a.proposal.origin.part,
                "path": a.rel,
            }
            for a in result.actions
        ],
        "skipped": [
            {"sheet": p.origin.sheet, "row": p.origin.row, "part": p.origin.part}
            for p in result.skipped
        ],
    }
    return json_text(payload)
