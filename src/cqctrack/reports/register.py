"""The register as a table: the columns `cqctrack export` writes, and the CSV form.

One list of columns serves the CSV file and every sheet of the workbook
(reports/xlsx.py), so the two never disagree. The headings are ones `cqctrack
import` recognises, so an exported register imports back without a mapping file
(its own judgements, such as BRAG reasons and days overdue, are skipped).

Formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return could be run as a formula by Excel. In CSV such text gets a
leading apostrophe (which `cqctrack import` takes off again); in the workbook it
is written as text with Excel's own "quote prefix", so it shows as typed and can
never become a formula, even when someone edits the cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from cqctrack.findings import Escalation
from cqctrack.format.catalogue import Catalogue
from cqctrack.read.register import Entry
from cqctrack.rules import drift
from cqctrack.wording import date_text, met_text

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | date | None


class Column(NamedTuple):
    heading: str
    width: int  # characters, for the workbook
    kind: str  # text, wrap (several lines), date, number, brag, status
    value: Callable[[Entry, Catalogue], Cell]


def dangerous(text: str) -> bool:
    """Would Excel read this text as the start of a formula?"""
    return text.startswith(DANGEROUS)


def neutralised(text: str) -> str:
    """Text made safe for a CSV file opened in Excel."""
    return "'" + text if dangerous(text) else text


def _lines(items: Sequence[str]) -> str | None:
    return "\n".join(items) or None


def _requirements(entry: Entry, catalogue: Catalogue) -> str | None:
    return _lines(
        [
            f"{r.id}: {r.description} [{', '.join(r.kinds)}]"
            for r in entry.row.action.evidence_required
        ]
    )


def _evidence(entry: Entry, catalogue: Catalogue) -> str | None:
    return _lines(
        [
            f"{e.id} [{', '.join(e.satisfies)}] {e.kind}: {e.reference} ({date_text(e.date)}): "
            f"{e.summary}"
            for e in entry.row.action.current_evidence
        ]
    )


def _escalation(entry: Entry, catalogue: Catalogue) -> str | None:
    level = entry.row.assessment.escalation
    if level is None or not entry.rated:
        return None
    people = ", ".join(f"{p.name} ({p.role})" if p.role else p.name for p in entry.row.escalate_to)
    label = "registered manager" if level is Escalation.MANAGER else level.label
    return f"{label}: {people}" if people else label


def _why(entry: Entry, catalogue: Catalogue) -> str | None:
    if not entry.rated:
        return "cancelled: not rated"
    return "; ".join(entry.row.assessment.reasons) or None


def _imported_closure(entry: Entry, catalogue: Catalogue) -> str | None:
    action = entry.row.action
    if action.closure is None or not action.closure.imported:
        return None
    confirmed = drift.import_confirmation(action)
    if confirmed is None:
        return "yes, not yet confirmed"
    return f"yes, confirmed {date_text(confirmed.date)} by {confirmed.by}"


def _key_questions(entry: Entry, catalogue: Catalogue) -> str | None:
    names = [
        catalogue.key_questions[k].name if k in catalogue.key_questions else k
        for k in entry.row.key_questions
    ]
    return ", ".join(names) or None


COLUMNS: tuple[Column, ...] = (
    Column("ID", 10, "text", lambda e, c: e.row.action.id),
    Column("Tracker", 22, "text", lambda e, c: e.row.tracker_name),
    Column("Concern ID", 11, "text", lambda e, c: e.row.action.concern),
    Column("Concern", 40, "text", lambda e, c: e.concern_title),
    Column("Title", 50, "text", lambda e, c: e.row.action.title),
    Column("Detail", 40, "wrap", lambda e, c: e.row.action.detail),
    Column("Owner", 12, "text", lambda e, c: e.row.action.owner),
    Column("Owner name", 20, "text", lambda e, c: e.row.owner.name),
    Column("Risk", 8, "text", lambda e, c: e.row.action.risk.value),
    Column("Status", 21, "status", lambda e, c: e.row.action.status.value),
    Column("BRAG", 8, "brag", lambda e, c: e.brag.label if e.brag else None),
    Column("Why", 50, "wrap", _why),
    Column("Escalation", 30, "text", _escalation),
    Column("Created", 12, "date", lambda e, c: e.row.action.created),
    Column("Due", 12, "date", lambda e, c: e.row.action.due),
    Column("Days overdue", 8, "number", lambda e, c: e.row.days_overdue),
    Column("Extensions", 8, "number", lambda e, c: e.row.facts.extensions),
    Column("Unlogged extensions", 8, "number", lambda e, c: e.row.facts.unlogged),
    Column("Statements", 14, "text", lambda e, c: ", ".join(e.row.action.statements) or None),
    Column("Key questions", 16, "text", _key_questions),
    Column("Regulations", 12, "text", lambda e, c: ", ".join(e.row.action.regulations) or None),
    Column("Evidence required", 50, "wrap", _requirements),
    Column("Evidence progress", 22, "text", lambda e, c: met_text(e.met, e.required)),
    Column("Evidence", 50, "wrap", _evidence),
    Column("Expected outcome", 40, "wrap", lambda e, c: e.row.action.expected_outcome),
    Column(
        "Latest progress",
        40,
        "wrap",
        lambda e, c: (
            e.row.action.current_progress[-1].note if e.row.action.current_progress else None
        ),
    ),
    Column(
        "Last oversight",
        12,
        "date",
        lambda e, c: e.row.last_review.date if e.row.last_review else None,
    ),
    Column(
        "Last oversight decision",
        16,
        "text",
        lambda e, c: e.row.last_review.decision.value if e.row.last_review else None,
    ),
    Column(
        "Last oversight by",
        14,
        "text",
        lambda e, c: e.row.last_review.by if e.row.last_review else None,
    ),
    Column(
        "Closed on",
        12,
        "date",
        lambda e, c: e.row.action.closure.date if e.row.action.closure else None,
    ),
    Column(
        "Verified by",
        12,
        "text",
        lambda e, c: e.row.action.closure.verified_by if e.row.action.closure else None,
    ),
    Column(
        "Closure outcome",
        40,
        "wrap",
        lambda e, c: e.row.action.closure.outcome if e.row.action.closure else None,
    ),
    Column("Imported closure", 18, "text", _imported_closure),
    Column(
        "Imported from",
        30,
        "text",
        lambda e, c: e.row.action.imported.where if e.row.action.imported else None,
    ),
    Column("Last changed", 12, "date", lambda e, c: e.row.facts.last_changed),
)
HEADINGS = tuple(c.heading for c in COLUMNS)
STATUSES = ("open", "in-progress", "awaiting-verification", "closed", "cancelled")
BRAGS = ("Red", "Amber", "Green", "Blue")


def cells(entry: Entry, catalogue: Catalogue) -> list[Cell]:
    return [column.value(entry, catalogue) for column in COLUMNS]


def render_csv(entries: Sequence[Entry], catalogue: Catalogue) -> str:
    """The register as CSV: ISO dates, every text neutralised; the caller adds the BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # CRLF line ends, as Excel writes them
    writer.writerow(HEADINGS)
    for entry in entries:
        row = []
        for value in cells(entry, catalogue):
            if value is None:
                row.append("")
            elif isinstance(value, date):
                row.append(value.isoformat())
            elif isinstance(value, str):
                row.append(neutralised(value))
            else:
                row.append(str(value))
        writer.writerow(row)
    return buffer.getvalue()
