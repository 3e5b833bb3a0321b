"""The same actions as Taskwarrior tasks, so `make bench` can time `task +OVERDUE list` beside
`cqctrack review --overdue` (issue 15's yardstick).

    python bench/taskwarrior.py REPO DEST      # write DEST/taskrc and DEST/data/

Every action of a generated repository becomes one task: its title as the description, its
tracker as the project, its owner as a tag, its due date, and its status (open, in progress
and awaiting verification are pending; closed is completed; cancelled is deleted). The data
is written straight in Taskwarrior 2.6's own file format (one `[name:"value" ...]` line per
task), which `task` reads as if `task import` had made it, in seconds rather than minutes.

Taskwarrior judges "overdue" against the clock, not an as-of date, so every due date is moved
forward by the days between the bench's as-of date and today: the tasks overdue now are the
actions overdue at the as-of date, and both commands list the same rows.
"""

# ruff: noqa: PTH123

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import os
import uuid
from pathlib import Path

import yaml
from floors import tracker_files

PENDING = {"open", "in-progress", "awaiting-verification"}
NAMESPACE = uuid.UUID("6f1d3c1e-5a0b-4c7e-9a43-2f6b1e0c9d11")  # fixed: same data every time


def _epoch(day: dt.date) -> str:
    return str(calendar.timegm(day.timetuple()))


def _quote(text: str) -> str:
    # Taskwarrior's FF4 format: JSON-like escapes inside double quotes.
    return text.replace("\\", "\\\\").replace('"', "&dquot;").replace("\n", " ").replace("\t", " ")


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def build(repo: str, dest: Path, as_of: dt.date, today: dt.date | None = None) -> int:
    """Write the tasks; returns how many are pending and overdue today."""
    shift = (today or dt.date.today()) - as_of
    data = dest / "data"
    data.mkdir(parents=True, exist_ok=True)
    pending: list[str] = []
    completed: list[str] = []
    overdue = 0
    now = dt.date.today()
    for path in tracker_files(repo):
        if os.sep + "actions" + os.sep not in path:
            continue
        with open(path, "rb") as handle:
            action = yaml.load(handle, Loader=yaml.CSafeLoader)
        tracker = Path(path).parts[-3]
        due = _day(action["due"]) + shift
        created = _day(action["created"]) + shift
        status = action["status"]
        fields = {
            "description": _quote(str(action["title"])),
            "due": _epoch(due),
            "entry": _epoch(created),
            "modified": _epoch(created),
            "project": tracker,
            "tags": str(action["owner"]),
            "uuid": str(uuid.uuid5(NAMESPACE, str(action["id"]))),
        }
        # Every dated entry as an annotation, so a task carries about what its action
        # file holds (Taskwarrior reads every pending task on every run, as cqctrack does).
        for log, text in (("progress", "note"), ("evidence", "summary"), ("reviews", "note")):
            for n, entry in enumerate(action.get(log) or ()):
                stamp = int(_epoch(_day(entry["date"]) + shift)) + n
                fields[f"annotation_{stamp}"] = _quote(f"{log}: {entry.get(text) or ''}")
        fields["detail"] = _quote(str(action.get("detail") or ""))
        if status in PENDING:
            fields["status"] = "pending"
            overdue += due < now
        else:
            fields["status"] = "completed" if status == "closed" else "deleted"
            fields["end"] = _epoch(due)
        line = "[" + " ".join(f'{k}:"{v}"' for k, v in sorted(fields.items())) + "]"
        (pending if status in PENDING else completed).append(line)
    (data / "pending.data").write_text("\n".join(pending) + "\n")
    (data / "completed.data").write_text("\n".join(completed) + "\n")
    (data / "undo.data").write_text("")
    (data / "backlog.data").write_text("")
    (dest / "taskrc").write_text(
        f"data.location={data}\n"
        "confirmation=off\nhooks=off\ncolor=off\nverbose=nothing\nnews.version=2.6.0\n"
        "defaultwidth=120\nuda.detail.type=string\nuda.detail.label=Detail\n"
    )
    return overdue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--as-of", default="2026-11-23")
    args = parser.parse_args()
    count = build(args.repo, args.dest, dt.date.fromisoformat(args.as_of))
    print(f"{count} tasks overdue today in {args.dest}")


if __name__ == "__main__":
    main()
