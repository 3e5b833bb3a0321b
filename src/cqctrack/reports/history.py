"""Render an action's timeline: one line per event, flags beneath; or JSON."""

from __future__ import annotations

from cqctrack.read.history import Timeline
from cqctrack.reports.formats import json_text
from cqctrack.wording import date_column, visible


def render_text(timeline: Timeline) -> list[tuple[str, str]]:
    """Lines with a style name for the console ('' for plain)."""
    lines = [(visible(f"{timeline.action_id}  {timeline.title or ''}".rstrip()), "bold")]
    if timeline.path:
        lines.append((visible(timeline.path), "dim"))
    lines.append(("", ""))
    width = max(
        (len(visible(e.commit.author_name)) for e in timeline.events if e.commit), default=10
    )
    for event in timeline.events:
        commit = event.commit
        when = date_column(commit.when) if commit else "uncommitted"
        sha = commit.short if commit else "--------"
        who = visible(commit.author_name) if commit else "(working copy)"
        via = "" if event.via == "cqctrack" else f"  [{event.via}]"
        lines.append((f"{when:<11}  {sha}  {who:<{width}}  {visible(event.text)}{via}", ""))
        for flag in event.flags:
            lines.append((f"{'':<11}  {'':8}  {'':<{width}}  ! {visible(flag)}", "bold red"))
        for note in event.notes:
            lines.append((f"{'':<11}  {'':8}  {'':<{width}}  · {visible(note)}", "dim"))
    flags = timeline.flags
    lines.append(("", ""))
    if flags:
        lines.append(
            (
                f"{len(flags)} thing{'s' if len(flags) != 1 else ''} for a reviewer to look at (marked !).",
                "bold",
            )
        )
    else:
        lines.append(("Nothing flagged for review.", ""))
    return lines


def render_json(timeline: Timeline) -> str:
    events = []
    for event in timeline.events:
        commit = event.commit
        events.append(
            {
                "commit": commit.sha if commit else None,
                "date": commit.when.isoformat() if commit else None,
                "author": commit.author_name if commit else None,
                "email": commit.author_email if commit else None,
                "via": event.via,
                "event": event.kind,
                "field": event.field,
                "old": _plain(event.old),
                "new": _plain(event.new),
                "text": event.text,
                "flags": list(event.flags),
                "findings": [
                    {
                        "code": f.code,
                        "severity": str(f.severity),
                        "message": f.message,
                        "hint": f.hint,
                    }
                    for f in event.findings
                ],
            }
        )
    payload = {
        "id": timeline.action_id,
        "title": timeline.title,
        "path": timeline.path,
        "events": events,
    }
    return json_text(payload)


def _plain(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
