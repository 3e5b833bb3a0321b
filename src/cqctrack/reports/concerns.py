"""Render `cqctrack review --concerns`: each concern, its actions and its measures.

JSON is a list of concerns, each {id, tracker, title, risk, raised, statements,
resolved, reasons, actions {open, closed, cancelled, total}, measures, staff_repeats
[{ref, actions, competency_checks}], reviews [{date, by, level, decision, note}]}; a measure
is {id, title, unit, direction, target, sustain, period, met, sustained, run,
latest {period, value} or null, reason, readings [{period, value}]}. `run` counts
the consecutive periods met up to the latest reading.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cqctrack.reports.formats import csv_text, json_text, markdown_table
from cqctrack.rules.measures import ConcernStatus, MeasureStatus, period_label, value_text
from cqctrack.rules.staff import Repeat
from cqctrack.wording import date_text, visible

# Enough readings to see the trend and the sustain window without a wall of numbers.
SHOWN_READINGS = 6


def _state(status: ConcernStatus) -> str:
    return "Resolved" if status.resolved else "Not resolved"


def _actions(status: ConcernStatus) -> str:
    total = status.actions_total
    if not total:
        return "no actions"
    return f"{status.actions_open} of {total} open"


def _readings(m: MeasureStatus) -> str:
    shown = m.readings[-SHOWN_READINGS:]
    text = ", ".join(
        f"{period_label(m.measure.period, r.period)} {value_text(m.measure, r.value)}"
        for r in shown
    )
    return ("… " if len(m.readings) > len(shown) else "") + text


def _review(status: ConcernStatus) -> str:
    review = max(status.concern.reviews, key=lambda r: r.date)
    return f"{review.level} {review.decision} on {date_text(review.date)} by {review.by}: {review.note}"


def _repeat_json(repeat: Repeat) -> dict[str, Any]:
    return {
        "ref": repeat.ref,
        "actions": list(repeat.actions),
        "competency_checks": list(repeat.checked),
    }


def heading(statuses: list[ConcernStatus], as_of: date) -> str:
    resolved = sum(s.resolved for s in statuses)
    return f"Concerns as at {date_text(as_of)}: {len(statuses)}, {resolved} resolved"


def render_text(statuses: list[ConcernStatus], as_of: date) -> str:
    if not statuses:
        return f"No concerns to show as at {date_text(as_of)}."
    width = max(len(s.concern.id) for s in statuses)
    pad = " " * (width + 2)
    lines = [heading(statuses, as_of)]
    for s in statuses:
        c = s.concern
        lines += [
            "",
            f"{c.id:<{width}}  {_state(s)}: {visible(c.title)} ({s.tracker}, {c.risk} risk)",
            f"{pad}actions: {_actions(s)}",
        ]
        for m in s.measures:
            lines.append(f"{pad}{m.measure.id} {visible(m.measure.title)}: {visible(m.reason)}")
            if m.readings:
                lines.append(f"{pad}{' ' * len(m.measure.id)} readings: {_readings(m)}")
        if not s.measures:
            lines.append(f"{pad}no measurable target, so improvement cannot be shown")
        for repeat in s.staff:
            lines.append(f"{pad}repeat by staff: {repeat.text}")
        if s.concern.reviews:
            lines.append(f"{pad}last concern review: {_review(s)}")
    lines += [
        "",
        "A concern is resolved when all its actions are closed or cancelled and every "
        "measure is met and sustained.",
    ]
    return "\n".join(lines)


def render_markdown(statuses: list[ConcernStatus], as_of: date) -> str:
    if not statuses:
        return f"No concerns to show as at {date_text(as_of)}."
    rows = []
    for s in statuses:
        first = [s.concern.id, s.concern.title, s.tracker, _state(s), _actions(s)]
        if not s.measures:
            rows.append([*first, "-", "no measurable target"])
        for i, m in enumerate(s.measures):
            rows.append([*(first if i == 0 else [""] * 5), m.measure.id, m.reason])
    headers = ("Concern", "Title", "Tracker", "Status", "Actions", "Measure", "Measure status")
    return "\n".join([f"## {heading(statuses, as_of)}", "", *markdown_table(headers, rows)])


def _measure_json(m: MeasureStatus) -> dict[str, Any]:
    measure, latest = m.measure, m.latest
    return {
        "id": measure.id,
        "title": measure.title,
        "unit": measure.unit,
        "direction": measure.direction.value,
        "target": measure.target,
        "sustain": measure.sustain,
        "period": measure.period.value,
        "met": m.met,
        "sustained": m.sustained,
        "run": m.run,
        "latest": None if latest is None else {"period": latest.period, "value": latest.value},
        "reason": m.reason,
        "readings": [{"period": r.period, "value": r.value} for r in m.readings],
    }


def render_json(statuses: list[ConcernStatus]) -> str:
    payload = [
        {
            "id": s.concern.id,
            "tracker": s.tracker,
            "title": s.concern.title,
            "risk": s.concern.risk.value,
            "raised": s.concern.raised.isoformat(),
            "statements": list(s.concern.statements),
            "resolved": s.resolved,
            "reasons": list(s.reasons),
            "actions": {
                "open": s.actions_open,
                "closed": s.actions_closed,
                "cancelled": s.actions_cancelled,
                "total": s.actions_total,
            },
            "measures": [_measure_json(m) for m in s.measures],
            "staff_repeats": [_repeat_json(r) for r in s.staff],
            "reviews": [
                {
                    "date": r.date.isoformat(),
                    "by": r.by,
                    "level": r.level.value,
                    "decision": r.decision.value,
                    "note": r.note,
                }
                for r in s.concern.reviews
            ],
        }
        for s in statuses
    ]
    return json_text(payload)


CSV_HEADERS = (
    "concern",
    "tracker",
    "concern_title",
    "resolved",
    "actions_open",
    "actions_total",
    "measure",
    "measure_title",
    "latest_period",
    "latest_value",
    "met",
    "sustained",
    "run",
    "sustain",
    "reason",
)


def render_csv(statuses: list[ConcernStatus]) -> str:
    rows: list[tuple[object, ...]] = []
    for s in statuses:
        first: tuple[object, ...] = (s.concern.id, s.tracker, s.concern.title, s.resolved)
        first += (s.actions_open, s.actions_total)
        if not s.measures:
            rows.append((*first, "", "", "", "", "", "", "", "", "no measurable target"))
        for m in s.measures:
            latest = m.latest
            rows.append(
                (
                    *first,
                    m.measure.id,
                    m.measure.title,
                    latest.period if latest else "",
                    latest.value if latest else "",
                    m.met,
                    m.sustained,
                    m.run,
                    m.measure.sustain,
                    m.reason,
                )
            )
    return csv_text(CSV_HEADERS, rows)
