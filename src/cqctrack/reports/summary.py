"""Render `cqctrack summary`: the one-screen dashboard, as text, JSON, CSV or Markdown.

JSON is one object: provider, as_of, week_ago, totals, cancelled, overdue_trend
{now, week_ago, change}, by_tracker and by_key_question (lists of tallies),
concerns {total, resolved}, staff_repeats [{tracker, ref, actions,
competency_checks}] (staff references on several actions: rules/staff.py),
history_flags {actions, by_code: {code: count}} (actions of any status with a flag
in their history, see rules/governance.py) and relaxations (policy relaxations
made within the provider scrutiny cadence: setting, old, new, by, on, commit,
put_back_on). A tally is {key, name, open, brag {red, amber, green,
blue}, overdue, overdue_week_ago, escalations {provider, registered-manager},
extensions {logged, unlogged}} (extensions of open actions; unlogged: due-date moves
the extension log does not record, judged as the review and `check` judge them).
"""

from __future__ import annotations

from typing import Any

from cqctrack.read.summary import Summary, Tally
from cqctrack.reports.formats import (
    Markup,
    aligned,
    csv_text,
    json_text,
    markdown_cell,
    markdown_table,
)
from cqctrack.reports.review import escalations
from cqctrack.wording import date_text, visible

_COLUMNS = (
    "Open",
    "Red",
    "Amber",
    "Green",
    "Blue",
    "Overdue",
    "A week ago",
    "To provider",
    "To manager",
)


def _numbers(t: Tally) -> list[str]:
    values = (t.open, t.red, t.amber, t.green, t.blue, t.overdue, t.overdue_week_ago)
    return [str(v) for v in (*values, t.provider, t.manager)]


def trend(summary: Summary) -> str:
    """e.g. '3, up from 2 a week earlier (16 Nov 2026)'."""
    now, before = summary.total.overdue, summary.total.overdue_week_ago
    when = date_text(summary.week_ago)
    if now == before:
        return f"{now}, the same as a week earlier ({when})"
    direction = "up from" if now > before else "down from"
    return f"{now}, {direction} {before} a week earlier ({when})"


def headline(summary: Summary) -> list[tuple[str, str]]:
    t = summary.total
    closed = t.red + t.amber + t.green + t.blue - t.open
    resolved = summary.concerns_resolved
    return [
        ("Open actions", f"{t.open} ({closed} closed, {summary.cancelled} cancelled)"),
        ("BRAG", f"Red {t.red}   Amber {t.amber}   Green {t.green}   Blue {t.blue}"),
        ("Overdue", trend(summary)),
        ("Escalations", escalations(t.provider, t.manager)),
        (
            "Concerns",
            f"{summary.concerns}, {resolved or 'none'} resolved "
            "(details: `cqctrack review --concerns`)",
        ),
        ("Staff repeats", _repeats(summary)),
        ("History flags", _flags(summary)),
        *(("Policy relaxed", r.describe()) for r in summary.relaxations),
    ]


def _flags(summary: Summary) -> str:
    """e.g. '2 actions (1 signoff-not-by-signer, 1 drift-unlogged-extension)'."""
    if not summary.flagged:
        return "none"
    codes = ", ".join(f"{n} {code}" for code, n in summary.flags.items())
    what = "action" if summary.flagged == 1 else "actions"
    return f"{summary.flagged} {what} ({codes}; details: `cqctrack review --flagged`)"


def _repeats(summary: Summary) -> str:
    """e.g. '2 staff references on several actions: CW-014 (3, riverside-homecare), ...'."""
    found = summary.staff_repeats
    if not found:
        return "none"
    unchecked = sum(1 for _, r in found if not r.checked)
    listed = ", ".join(f"{r.ref} ({len(r.actions)}, {slug})" for slug, r in found)
    text = (
        f"{len(found)} staff reference{'s' if len(found) != 1 else ''} on several actions: {listed}"
    )
    if unchecked:
        text += f"; {unchecked} with no competency check recorded"
    return text


def _title(summary: Summary) -> str:
    who = f"{visible(summary.provider)}: " if summary.provider else ""
    return f"{who}improvement actions as at {date_text(summary.as_of)}"


def _table(label: str, tallies: list[Tally], total: Tally | None) -> list[str]:
    rows = [[visible(t.label), *_numbers(t)] for t in tallies]
    if total is not None:
        rows.append([total.label, *_numbers(total)])
    return aligned((label, *_COLUMNS), rows, right=range(1, len(_COLUMNS) + 1))


def render_text(summary: Summary) -> str:
    width = max(len(label) for label, _ in headline(summary))
    lines = [_title(summary), ""]
    lines += [f"{label:<{width}}  {value}" for label, value in headline(summary)]
    lines += ["", *_table("By tracker", summary.by_tracker, summary.total)]
    lines += ["", *_table("By key question", summary.by_key_question, None)]
    lines += [
        "",
        "Blue: closed with evidence meeting every requirement. An action citing statements",
        "under two key questions counts under both. A concern is resolved when its actions",
        "are all closed and every measure is met and sustained.",
    ]
    return "\n".join(lines)


def render_markdown(summary: Summary) -> str:
    lines = [f"## {_title(summary)}", ""]
    lines += [f"- **{label}**: {value}" for label, value in headline(summary)]
    for label, tallies, total in (
        ("Tracker", summary.by_tracker, summary.total),
        ("Key question", summary.by_key_question, None),
    ):
        rows = [[t.label, *_numbers(t)] for t in tallies]
        if total is not None:
            rows.append([Markup(f"**{markdown_cell(total.label)}**"), *_numbers(total)])
        lines += ["", *markdown_table((label, *_COLUMNS), rows)]
    return "\n".join(lines)


def tally_json(t: Tally) -> dict[str, Any]:
    return {
        "key": t.key,
        "name": t.label,
        "open": t.open,
        "brag": {"red": t.red, "amber": t.amber, "green": t.green, "blue": t.blue},
        "overdue": t.overdue,
        "overdue_week_ago": t.overdue_week_ago,
        "escalations": {"provider": t.provider, "registered-manager": t.manager},
        "extensions": {"logged": t.extensions_logged, "unlogged": t.extensions_unlogged},
    }


def render_json(summary: Summary) -> str:
    t = summary.total
    payload = {
        "provider": summary.provider,
        "as_of": summary.as_of.isoformat(),
        "week_ago": summary.week_ago.isoformat(),
        "totals": tally_json(t),
        "cancelled": summary.cancelled,
        "overdue_trend": {
            "now": t.overdue,
            "week_ago": t.overdue_week_ago,
            "change": t.overdue - t.overdue_week_ago,
        },
        "by_tracker": [tally_json(x) for x in summary.by_tracker],
        "by_key_question": [tally_json(x) for x in summary.by_key_question],
        "concerns": {"total": summary.concerns, "resolved": summary.concerns_resolved},
        "staff_repeats": [
            {
                "tracker": slug,
                "ref": r.ref,
                "actions": list(r.actions),
                "competency_checks": list(r.checked),
            }
            for slug, r in summary.staff_repeats
        ],
        "history_flags": {"actions": summary.flagged, "by_code": summary.flags},
        "relaxations": [
            {
                "setting": r.setting,
                "old": r.old,
                "new": r.new,
                "by": r.at.name,
                "on": r.at.day.isoformat(),
                "commit": r.at.sha,
                "put_back_on": r.until.day.isoformat() if r.until else None,
            }
            for r in summary.relaxations
        ],
    }
    return json_text(payload)


CSV_HEADERS = (
    "group",
    "key",
    "name",
    "open",
    "red",
    "amber",
    "green",
    "blue",
    "overdue",
    "overdue_week_ago",
    "escalated_provider",
    "escalated_manager",
)


def render_csv(summary: Summary) -> str:
    groups = [("total", summary.total)]
    groups += [("tracker", t) for t in summary.by_tracker]
    groups += [("key-question", t) for t in summary.by_key_question]
    return csv_text(
        CSV_HEADERS,
        [(group, t.key, t.label, *(int(n) for n in _numbers(t))) for group, t in groups],
    )
