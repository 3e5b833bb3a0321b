"""Render `cqctrack review`: a rich table, plain text, JSON, CSV or Markdown.

Renderers format what review.py selected and drift.py decided; they never filter,
sort or judge.

JSON (`--format json`) is a list of objects, one per action, in the order shown.
The keys below are stable: new keys may be added, none renamed or removed.

    id             "MED-005"
    tracker        tracker folder slug, e.g. "riverside-homecare"
    tracker_name   "Riverside Homecare"
    title          the action's title
    concern        "MED-C1"
    owner          person id, e.g. "jcarter"; owner_name: their name from cqctrack.yaml
    status         open | in-progress | awaiting-verification | closed
    risk           low | medium | high
    created, due   ISO dates
    days_overdue   0 when not overdue
    extensions     {"logged": 1, "unlogged": 1, "total": 2}; unlogged = due-date
                   moves found in git (or in the file) with no extension log entry
    last_review    {"date", "by", "level", "decision"} of the latest oversight entry, or null
    last_changed   ISO date of the last commit touching the file, or null outside git
    statements     ["S8", "WL5"]; key_questions: ["safe", "well-led"]
    brag           red | amber | green | blue
    reasons        plain-English reasons for the rating, e.g. "overdue by 4 days"
    findings       [{"code", "brag", "reason", "escalation"}]: the same reasons with
                   the rule that gave each (codes: see drift.py)
    escalation     null, or {"level": "provider" | "registered-manager",
                   "to": [{"id", "name", "role"}], "reasons": [...], "note": why it
                   goes where it goes when not the usual place (the registered
                   manager owns the action or caused the lapse), else null}

A tracker file that cannot be read is a Red row too, so no one reads a partial
review as the whole: {"id" (the file name), "tracker", "path", "brag": "red",
"unreadable": true, "reasons": ["cannot be read (...)"]}, every other key null.
Readable rows carry "unreadable": false.

Text from files and commits is shown with control characters and bidi controls
as visible escapes (`\x1b`, `\u202e`) in every format; JSON escapes them as \\u.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cqctrack.findings import Escalation
from cqctrack.read.review import Query, Row, Unread
from cqctrack.reports.formats import (
    BRAG_STYLES,
    aligned,
    csv_text,
    iso,
    json_text,
    markdown_table,
)
from cqctrack.wording import count, date_text, days_text, visible

if TYPE_CHECKING:
    from datetime import date

    from rich.console import RenderableType

_ESCALATE_SHORT = {Escalation.PROVIDER: "provider", Escalation.MANAGER: "manager", None: "-"}


# --- words shared by every format ----------------------------------------------------


def describe(query: Query) -> list[str]:
    """The filters in words, e.g. ['overdue', 'tracker riverside-homecare']."""
    words = []
    if query.overdue:
        words.append("overdue")
    if query.due_within is not None:
        words.append(f"due within {days_text(query.due_within)}")
    if query.unreviewed:
        words.append("not reviewed within policy")
    if query.extended:
        words.append("repeatedly extended")
    if query.weak:
        words.append("weak evidence")
    if query.flagged:
        words.append("flagged in history")
    if query.stale is not None:
        words.append(f"no change for {days_text(query.stale)}")
    words += [f"tracker {t}" for t in query.trackers]
    words += [f"owner {o}" for o in query.owners]
    words += [f"statement {s}" for s in query.statements]
    words += [f"key question {k}" for k in query.key_questions]
    words += [f"status {s}" for s in query.statuses]
    return words


def heading(query: Query, as_of: date) -> str:
    what = "All actions" if query.everything else "Actions needing attention"
    if query.filters_attention or query.statuses:
        what = "Actions"
    filters = describe(query)
    return f"{what} as at {date_text(as_of)}" + (f": {', '.join(filters)}" if filters else "")


def empty_message(query: Query, as_of: date) -> str:
    filters = describe(query)
    if query.filters_attention or query.statuses:
        return f"No actions match ({', '.join(filters)}) as at {date_text(as_of)}."
    scope = f" ({', '.join(filters)})" if filters else ""
    what = "actions" if query.everything else "actions need attention"
    return f"No {what}{scope} as at {date_text(as_of)}."


def totals(rows: list[Row], unread: Sequence[Unread] = ()) -> str:
    """e.g. '10 actions: 4 red, 6 amber; escalations: 2 to provider level, 5 to managers.'"""
    by_brag: dict[str, int] = {}
    for row in rows:
        label = row.assessment.brag.value
        by_brag[label] = by_brag.get(label, 0) + 1
    parts = ", ".join(f"{n} {label}" for label, n in by_brag.items())
    text = f"{count(len(rows), 'action')}: {parts}" if rows else "0 actions"
    if unread:
        text += f"; {count(len(unread), 'file')} that cannot be read (red)"
    provider = sum(r.assessment.escalation is Escalation.PROVIDER for r in rows)
    manager = sum(r.assessment.escalation is Escalation.MANAGER for r in rows)
    if provider or manager:
        text += f"; escalations: {escalations(provider, manager)}"
    return text + "."


def escalations(provider: int, manager: int) -> str:
    """e.g. '2 to provider level, 1 to a registered manager'; 'none' when there are none."""
    parts = []
    if provider:
        parts.append(f"{provider} to provider level")
    if manager:
        parts.append(
            f"{manager} to {'a registered manager' if manager == 1 else 'registered managers'}"
        )
    return ", ".join(parts) or "none"


def _overdue(row: Row) -> str:
    return days_text(row.days_overdue) if row.days_overdue else "-"


def _extensions(row: Row) -> str:
    facts = row.facts
    if facts.unlogged:
        return f"{facts.extensions} ({facts.unlogged} unlogged)"
    return str(facts.extensions)


def _last_review(row: Row) -> str:
    review = row.last_review
    return date_text(review.date) if review is not None else "never"


def _escalate_to(row: Row) -> str:
    escalation = row.assessment.escalation
    if escalation is None:
        return ""
    if escalation is Escalation.MANAGER:
        names = ", ".join(visible(p.name) for p in row.escalate_to)
        return f"the registered manager, {names}" if names else "the registered manager"
    people = ", ".join(f"{visible(p.name)} ({p.role})" for p in row.escalate_to)
    text = f"{escalation.label}: {people}" if people else escalation.label
    note = row.assessment.route_note
    return f"{text}, because {visible(note)}" if note else text


# --- plain text ------------------------------------------------------------------------

_PLAIN_HEADERS = (
    "ID",
    "BRAG",
    "Due",
    "Overdue",
    "Extended",
    "Last review",
    "Owner",
    "Escalate",
    "Tracker",
    "Title",
)


def _unread_cells(u: Unread, width: int) -> list[str]:
    return [
        visible(u.id),
        "Red",
        *["-"] * (width - 4),
        visible(u.tracker) or "-",
        "(cannot be read)",
    ]


def render_plain(rows: list[Row], query: Query, as_of: date, unread: Sequence[Unread] = ()) -> str:
    """Aligned columns, each action's reasons and escalation on the lines beneath it."""
    if not rows and not unread:
        return empty_message(query, as_of)
    cells = [
        [
            row.action.id,
            row.assessment.brag.label,
            date_text(row.action.due),
            _overdue(row),
            _extensions(row),
            _last_review(row),
            row.owner.name,
            _ESCALATE_SHORT[row.assessment.escalation],
            row.tracker,
            visible(row.action.title),
        ]
        for row in rows
    ]
    cells += [_unread_cells(u, len(_PLAIN_HEADERS)) for u in unread]
    lines = aligned(_PLAIN_HEADERS, cells)
    indent = " " * (max(len(c[0]) for c in cells) + 2)
    out = [heading(query, as_of), "", lines[0]]
    for u, line in zip(unread, lines[1 + len(rows) :], strict=True):
        out += [line, f"{indent}why: {visible(u.path)} {visible(u.reason)}"]
    for row, line in zip(rows, lines[1:], strict=False):
        out.append(line)
        if row.assessment.reasons:
            out.append(f"{indent}why: {visible('; '.join(row.assessment.reasons))}")
        if row.assessment.escalation is not None:
            out.append(f"{indent}escalate to {_escalate_to(row)}")
    out += ["", totals(rows, unread)]
    return "\n".join(out)


# --- rich ------------------------------------------------------------------------------


def render_rich(
    rows: list[Row], query: Query, as_of: date, unread: Sequence[Unread] = ()
) -> RenderableType:
    """A rich table for a terminal; the caller keeps it to a few hundred rows."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if not rows and not unread:
        return Text(empty_message(query, as_of))
    table = Table(
        title=heading(query, as_of),
        title_justify="left",
        caption=totals(rows, unread),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_lines=True,
        header_style="bold",
        pad_edge=False,
    )
    table.add_column("ID", no_wrap=True)
    table.add_column("BRAG", no_wrap=True)
    table.add_column("Action, and why", ratio=1, min_width=30)
    table.add_column("Owner, tracker", max_width=20)
    table.add_column("Due", no_wrap=True)
    table.add_column("Ext.", justify="right", max_width=10)
    table.add_column("Last review", no_wrap=True)
    table.add_column("Escalate", no_wrap=True)
    for u in unread:
        cell = Text(visible(u.path), style="bold") + Text(f"\n• {visible(u.reason)}")
        table.add_row(
            visible(u.id),
            Text("Red", style=BRAG_STYLES["red"]),
            cell,
            visible(u.tracker),
            "-",
            "-",
            "-",
            "-",
        )
    for row in rows:
        verdict = row.assessment
        cell = Text(visible(row.action.title), style="bold")
        for reason in verdict.reasons:
            cell.append(f"\n• {visible(reason)}", style="")
        if verdict.escalation is not None:
            cell.append(f"\n→ escalate to {_escalate_to(row)}", style="italic")
        due = date_text(row.action.due)
        if row.days_overdue:
            due += f"\n{_overdue(row)} overdue"
        table.add_row(
            row.action.id,
            Text(verdict.brag.label, style=BRAG_STYLES[verdict.brag.value]),
            cell,
            Text(visible(row.owner.name)) + Text(f"\n{row.tracker}", style="dim"),
            due,
            _extensions(row),
            _last_review(row),
            _ESCALATE_SHORT[verdict.escalation],
        )
    return table


# --- JSON, CSV, Markdown ---------------------------------------------------------------


def row_json(row: Row) -> dict[str, Any]:
    action, facts, verdict = row.action, row.facts, row.assessment
    review = row.last_review
    escalation = None
    if verdict.escalation is not None:
        escalation = {
            "level": verdict.escalation.value,
            "to": [{"id": p.id, "name": p.name, "role": p.role} for p in row.escalate_to],
            "reasons": verdict.escalation_reasons,
            "note": verdict.route_note,
        }
    return {
        "id": action.id,
        "unreadable": False,
        "tracker": row.tracker,
        "tracker_name": row.tracker_name,
        "title": action.title,
        "concern": action.concern,
        "owner": action.owner,
        "owner_name": row.owner.name,
        "status": action.status.value,
        "risk": action.risk.value,
        "created": iso(action.created),
        "due": iso(action.due),
        "days_overdue": row.days_overdue,
        "extensions": {
            "logged": facts.logged,
            "unlogged": facts.unlogged,
            "total": facts.extensions,
        },
        "last_review": None
        if review is None
        else {
            "date": iso(review.date),
            "by": review.by,
            "level": review.level.value,
            "decision": review.decision.value,
        },
        "last_changed": iso(facts.last_changed),
        "statements": list(action.statements),
        "key_questions": list(row.key_questions),
        "brag": verdict.brag.value,
        "reasons": verdict.reasons,
        "findings": [
            {
                "code": f.code,
                "brag": f.brag.value if f.brag else None,
                "reason": f.message,
                "escalation": f.escalate.value if f.escalate else None,
            }
            for f in verdict.findings
        ],
        "escalation": escalation,
    }


_JSON_KEYS = (
    "id",
    "unreadable",
    "tracker",
    "tracker_name",
    "title",
    "concern",
    "owner",
    "owner_name",
    "status",
    "risk",
    "created",
    "due",
    "days_overdue",
    "extensions",
    "last_review",
    "last_changed",
    "statements",
    "key_questions",
    "brag",
    "reasons",
    "findings",
    "escalation",
)


def unread_json(u: Unread) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(_JSON_KEYS)
    row.update(
        id=u.id,
        unreadable=True,
        tracker=u.tracker or None,
        path=u.path,
        brag="red",
        reasons=[u.reason],
        findings=[],
        statements=[],
        key_questions=[],
    )
    return row


def render_json(rows: list[Row], unread: Sequence[Unread] = ()) -> str:
    return json_text([*(unread_json(u) for u in unread), *(row_json(row) for row in rows)])


CSV_HEADERS = (
    "id",
    "tracker",
    "title",
    "owner",
    "due",
    "status",
    "risk",
    "days_overdue",
    "extensions_logged",
    "extensions_unlogged",
    "last_review",
    "brag",
    "escalation",
    "escalate_to",
    "reasons",
)


def render_csv(rows: list[Row], unread: Sequence[Unread] = ()) -> str:
    blank = [""] * len(CSV_HEADERS)
    return csv_text(
        CSV_HEADERS,
        [[u.id, u.tracker, *blank[2:11], "red", "", "", u.reason] for u in unread]
        + [
            (
                row.action.id,
                row.tracker,
                row.action.title,
                row.action.owner,
                iso(row.action.due),
                row.action.status.value,
                row.action.risk.value,
                row.days_overdue,
                row.facts.logged,
                row.facts.unlogged,
                iso(row.last_review.date) if row.last_review else "",
                row.assessment.brag.value,
                row.assessment.escalation.value if row.assessment.escalation else "",
                "; ".join(p.id for p in row.escalate_to),
                "; ".join(row.assessment.reasons),
            )
            for row in rows
        ],
    )


_MD_HEADERS = (
    "ID",
    "BRAG",
    "Action",
    "Tracker",
    "Owner",
    "Due",
    "Overdue",
    "Extended",
    "Last review",
    "Escalate to",
    "Why",
)


def render_markdown(
    rows: list[Row], query: Query, as_of: date, unread: Sequence[Unread] = ()
) -> str:
    if not rows and not unread:
        return empty_message(query, as_of)
    width = len(_MD_HEADERS)
    cells = [
        [u.id, "Red", u.path, u.tracker or "-", *["-"] * (width - 5), u.reason] for u in unread
    ]
    cells += [
        [
            row.action.id,
            row.assessment.brag.label,
            row.action.title,
            row.tracker_name,
            row.owner.name,
            date_text(row.action.due),
            _overdue(row),
            _extensions(row),
            _last_review(row),
            _escalate_to(row) or "-",
            "; ".join(row.assessment.reasons) or "-",
        ]
        for row in rows
    ]
    lines = [f"## {heading(query, as_of)}", "", *markdown_table(_MD_HEADERS, cells)]
    return "\n".join([*lines, "", totals(rows, unread)])
