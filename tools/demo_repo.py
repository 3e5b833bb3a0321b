"""Build a demo tracker repository whose git history replays the example trackers.

    .venv/bin/python tools/demo_repo.py              # (re)build .demo/ in the project root
    .venv/bin/python tools/demo_repo.py /tmp/demo    # build somewhere else
    .venv/bin/python tools/demo_repo.py --verify     # also `cqctrack check` after each commit
    make demo-repo                                   # the same as the first line

Importable too: `build(target, source)` builds `target` from the example files in
`source` (the project root: `cqctrack.yaml`, `schemas/`, `trackers/`, `evidence/`).

Why: the example trackers were committed to this project on one day, so their git
history says nothing (every log entry looks back-dated, no due date ever moved).
cqctrack reads git history as the audit trail (`cqctrack history`, the review's
due-date moves), so the demo needs a repository whose history is what the files
say happened. This script writes one, from nothing but the final files.

The replay
----------
1. An initial commit, the day before the first event: `cqctrack.yaml`, `schemas/`
   and every `trackers/<slug>/tracker.yaml`.
2. One commit per event, on the event's own date, between 09:00 and 17:00 UK time
   (BST/GMT), in order; the author and committer is the person who did it, with the
   name and first e-mail from the people register:

   - concern raised: `raised_by` (else the service's registered manager), on `raised`;
   - measure set up (with no readings yet): the same person, the same day, straight
     after its concern;
   - action created: the service's registered manager, on `created`;
   - progress note: `by`; evidence: `added_by`; review: `by`; extension: `approved_by`;
     closure: `verified_by`; reopening: `by`; cancellation: `approved_by`;
   - measure reading: `recorded_by` on `recorded` (else the day after the period ends).

   Subjects and trailers are the ones cqctrack's own recording commands write
   (`MED-003: extend due date 2026-09-30 -> 2026-11-27`, `Action: MED-003`,
   `Event: extended`, `Extension: 1`, `Cqctrack-Version: ...`). Events on the same
   day run in a fixed order: concerns, measures, actions, reopenings, progress
   notes, evidence, progress notes that mark an action for verification, readings,
   reject-closure reviews, extensions, other reviews, closures, cancellations.
3. Each version of a file is the final file cut back to that moment, edited with
   ruamel round-trip (so comments, key order and style are the final file's):
   log entries not yet made are removed (a log with none yet is absent, as
   cqctrack writes it), and the fields the logs imply are derived:

   - `status`: open when created; in-progress at the first progress note (in the
     same commit, as `cqctrack update --status in-progress --note` does) or, when
     evidence comes first, in a status-only commit just before that evidence;
     awaiting-verification at a progress note saying "marked for verification";
     back to in-progress after a reject-closure review (a status-only commit by
     the reviewer); closed at a closure; in-progress at a reopening; cancelled at
     a cancellation;
   - `due`: the first extension's `from` until that extension, then each
     extension's `to`;
   - `closure`: present from the closure until a reopening undoes it (the closure
     shown meanwhile is the one the reopening keeps); `cancellation` from the
     cancellation on.

   Evidence files are added in the commit of the first entry (evidence or
   reading) that points at them. Events cqctrack would refuse (a progress note,
   evidence or extension on a closed action) stop the build.
4. Checks: every version written is validated with the models, and the last
   commit's tree must equal the example files byte for byte (but for
   `cqctrack.yaml`'s `signoff.imported_until`, which the demo leaves out: its
   history is the governance record, judged in full), or the build stops
   (the derivations above must reproduce each file exactly). With `--verify` the
   whole tree is also checked (`cqctrack check`, as at the commit's date) after
   every commit (`--verify daily`: after each day's last commit); errors stop the
   build, and the only warnings on the way are a concern raised before its first
   action or measure exists.

The scripted governance lapse
-----------------------------
STF-003 (Oakfield House's dependency-tool staffing action, overdue and extended
twice) gets one unlogged due-date move, so the review and `cqctrack history` have
something real to find. The replay creates it with a due date 7 days before its
first extension's `from` (4 Sep 2026 instead of 11 Sep). The day before that
original due date, its owner, the deputy manager, moves `due` to 11 Sep by hand:
a plain commit "Update STF-003 due date" with no cqctrack trailers and no
extension logged. Then the logged extensions follow as in the file (11 Sep ->
9 Oct -> 30 Oct). The final file is unchanged, so its comment "Original due date
2026-09-11." is what the person who hand-edited the date would have written.
`cqctrack history STF-003` flags the move ("due date moved 4 Sep 2026 -> 11 Sep
2026 without a logged extension"), and the review counts it as an unlogged
extension. It is the only lapse: no entry is back-dated (each is committed on its
own date) and every closure is committed by its verifier.

The build writes one `git fast-import` stream, so the same example files always
give the same commit ids. Git runs with a private configuration (a temporary
global file with `init.defaultBranch = main`, no system file, no inherited GIT_*
variables), and every commit names its own author, so no git identity is needed.
The target is rebuilt from scratch each time: a folder this script built before
(marked by `.git/cqctrack-demo`) is replaced; any other non-empty folder is
refused.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cqctrack.format import dialect
from cqctrack.format.models import Action, Concern, Config, Measure, Tracker
from cqctrack.git.commit import message as cqctrack_message
from cqctrack.write import edits

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_TARGET = PROJECT / ".demo"
MARKER = "cqctrack-demo"  # in .git: this folder was built by this script

LOGS = ("progress", "evidence", "extensions", "reviews", "reopenings")
ACTION_ORDER = edits.key_order(Action)
VERIFICATION_NOTE = re.compile(r"\bmarked for verification\b", re.IGNORECASE)

# The scripted lapse: this action's due date is moved this many days later by hand,
# without a logged extension, before its first logged extension.
LAPSE_ACTION = "STF-003"
LAPSE_DAYS = 7

WORKDAY_START = time(9, 0)
WORKDAY_MINUTES = 8 * 60  # events fall between 09:00 and 17:00

# The order of events on the same day.
RANK = {
    "concern": 0,
    "measure": 1,
    "action": 2,
    "hand-edit": 3,
    "reopening": 4,
    "progress": 5,
    "evidence": 6,
    "progress-verification": 7,
    "reading": 8,
    "review-reject": 9,
    "extension": 10,
    "review": 11,
    "closure": 12,
    "cancellation": 13,
}

GIT_CONFIG = """\
[init]
\tdefaultBranch = main
[core]
\tautocrlf = false
\tfsmonitor = false
[commit]
\tgpgSign = false
[gc]
\tauto = 0
"""


class BuildError(Exception):
    """The example files cannot be replayed as they are (the message says why)."""


# --- events --------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    day: date
    kind: str  # a RANK key
    path: str  # the tracker file it changes
    index: int = 0  # position in its log: same-day entries of one file keep their order
    entry: Any = None  # the log entry (plain data), when there is one

    @property
    def order(self) -> tuple[date, int, str, int]:
        return (self.day, RANK[self.kind], self.path, self.index)


@dataclass
class Commit:
    day: date
    author: str  # a person id
    subject: str
    trailers: dict[str, str] | None  # None: a hand edit, no cqctrack trailers
    changes: dict[str, bytes]


@dataclass
class ActionState:
    due: str
    status: str = "open"
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LOGS, 0))
    closure: dict[str, Any] | None = None  # the closure standing now, if any
    cancelled: bool = False


def _day(value: Any) -> date:
    return date.fromisoformat(str(value))


def _period_end_next_day(period: str) -> date:
    """The day after a reading's period ends: 2026-10 -> 2026-11-01, 2026-W41 -> Monday."""
    if "-W" in period:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1) + timedelta(weeks=1)
    if "-Q" in period:
        year, quarter = period.split("-Q")
        month = 3 * int(quarter) + 1
        return date(int(year) + month // 13, (month - 1) % 12 + 1, 1)
    year, month = (int(part) for part in period.split("-"))
    return date(year + month // 12, month % 12 + 1, 1)


# --- the replay ----------------------------------------------------------------------


class Replay:
    def __init__(self, source: Path) -> None:
        self.source = source
        self.config = Config.model_validate(self._parse("cqctrack.yaml"))
        self.texts: dict[str, str] = {}  # final text of each concern, measure and action
        self._documents: dict[str, Any] = {}  # the same, parsed round-trip (slow: once each)
        self.data: dict[str, dict[str, Any]] = {}  # the same, parsed
        self.trackers: dict[str, Tracker] = {}
        self.tree: dict[str, bytes] = {}  # the repository as at the last commit
        self.commits: list[Commit] = []
        self.states: dict[str, ActionState] = {}
        self.readings: dict[str, int] = {}
        self.lapse: tuple[str, date] | None = None  # (path, day) of the hand edit
        self._load()

    # reading the example files

    def _parse(self, rel: str) -> Any:
        return dialect.parse((self.source / rel).read_bytes())

    def _load(self) -> None:
        trackers = self.source / "trackers"
        if not trackers.is_dir():
            raise BuildError(f"{self.source} has no trackers/ folder to replay")
        for folder in sorted(p for p in trackers.iterdir() if p.is_dir()):
            rel = f"trackers/{folder.name}/tracker.yaml"
            self.trackers[folder.name] = Tracker.model_validate(self._parse(rel))
            for kind in ("concerns", "measures", "actions"):
                for path in sorted((folder / kind).glob("*.yaml")):
                    item = path.relative_to(self.source).as_posix()
                    self.texts[item] = path.read_text(encoding="utf-8")
                    self.data[item] = self._parse(item)

    def slug(self, rel: str) -> str:
        return rel.split("/")[1]

    def person(self, person_id: str) -> tuple[str, str]:
        person = self.config.people.get(person_id)
        if person is None:
            raise BuildError(f"{person_id} is not in the people register")
        email = person.emails[0] if person.emails else f"{person_id}@example.org"
        return person.name, email

    def manager(self, rel: str) -> str:
        return self.trackers[self.slug(rel)].registered_manager

    # planning: every event, in order

    def events(self) -> list[Event]:
        events: list[Event] = []
        for rel, data in self.data.items():
            kind = rel.split("/")[2]
            if kind == "concerns":
                events.append(Event(_day(data["raised"]), "concern", rel))
            elif kind == "measures":
                concern = self._concern_path(rel, data["concern"])
                events.append(Event(_day(self.data[concern]["raised"]), "measure", rel))
                for i, reading in enumerate(data.get("readings") or []):
                    when = reading.get("recorded") or _period_end_next_day(str(reading["period"]))
                    events.append(Event(_day(when), "reading", rel, i, reading))
            else:
                events += self._action_events(rel, data)
        events.sort(key=lambda e: e.order)
        return events

    def _concern_path(self, rel: str, concern_id: str) -> str:
        path = f"trackers/{self.slug(rel)}/concerns/{concern_id}.yaml"
        if path not in self.data:
            raise BuildError(f"{rel}: concern {concern_id} is not in the same tracker")
        return path

    def _action_events(self, rel: str, data: dict[str, Any]) -> list[Event]:
        events = [Event(_day(data["created"]), "action", rel)]
        for i, entry in enumerate(data.get("progress") or []):
            note = str(entry.get("note", ""))
            kind = "progress-verification" if VERIFICATION_NOTE.search(note) else "progress"
            events.append(Event(_day(entry["date"]), kind, rel, i, entry))
        for i, entry in enumerate(data.get("evidence") or []):
            events.append(Event(_day(entry["date"]), "evidence", rel, i, entry))
        for i, entry in enumerate(data.get("extensions") or []):
            events.append(Event(_day(entry["date"]), "extension", rel, i, entry))
        for i, entry in enumerate(data.get("reviews") or []):
            kind = "review-reject" if entry.get("decision") == "reject-closure" else "review"
            events.append(Event(_day(entry["date"]), kind, rel, i, entry))
        for i, entry in enumerate(data.get("reopenings") or []):
            undone = entry.get("closure")
            if not isinstance(undone, dict):
                raise BuildError(f"{rel}: reopening {i + 1} does not keep the closure it undid")
            events.append(Event(_day(undone["date"]), "closure", rel, -1 - i, undone))
            events.append(Event(_day(entry["date"]), "reopening", rel, i, entry))
        if isinstance(data.get("closure"), dict):
            events.append(Event(_day(data["closure"]["date"]), "closure", rel, 99, data["closure"]))
        if isinstance(data.get("cancellation"), dict):
            cancellation = data["cancellation"]
            events.append(Event(_day(cancellation["date"]), "cancellation", rel, 0, cancellation))
        extensions = data.get("extensions") or []
        if data["id"] == LAPSE_ACTION and extensions:
            moved_to = _day(extensions[0]["from"])
            hand_edit = moved_to - timedelta(days=LAPSE_DAYS + 1)  # the day before it was due
            if not _day(data["created"]) < hand_edit < _day(extensions[0]["date"]):
                raise BuildError(f"{rel}: no room before its first extension for the hand edit")
            self.lapse = (rel, hand_edit)
            events.append(Event(hand_edit, "hand-edit", rel, 0, moved_to.isoformat()))
        return events

    # running the events

    def run(self) -> None:
        events = self.events()
        self._initial_commit(min(e.day for e in events))
        for event in events:
            handler: Callable[[Event], None] = getattr(self, "_on_" + event.kind.split("-")[0])
            handler(event)
        self._check_final()

    def _initial_commit(self, first: date) -> None:
        changes = {"cqctrack.yaml": demo_config((self.source / "cqctrack.yaml").read_bytes())}
        for folder in ("schemas", "trackers", "evidence"):
            for path in sorted((self.source / folder).rglob("*")):
                rel = path.relative_to(self.source).as_posix()
                if path.is_file() and rel not in self.data and not self._referenced(rel):
                    changes[rel] = path.read_bytes()  # schemas, tracker.yaml, any extra file
        author = self._founder()
        self.commit(
            first - timedelta(days=1),
            author,
            "Start a cqctrack tracker repository",
            {"Event": "init"},
            changes,
        )

    def _founder(self) -> str:
        """Who set the repository up: the quality lead, else the first provider-level person."""
        people = self.config.people
        for role in ("quality-lead", "nominated-individual", "provider-representative"):
            for person_id, person in people.items():
                if person.role == role:
                    return person_id
        return next(iter(people))

    def _referenced(self, rel: str) -> bool:
        if not rel.startswith("evidence/"):
            return False
        for data in self.data.values():
            for log in ("evidence", "readings"):
                if any(e.get("file") == rel for e in data.get(log) or [] if isinstance(e, dict)):
                    return True
        return False

    def commit(
        self,
        day: date,
        author: str,
        subject: str,
        trailers: dict[str, str] | None,
        changes: dict[str, bytes],
    ) -> None:
        self.person(author)  # refuse unknown people before writing anything
        self.tree.update(changes)
        self.commits.append(Commit(day, author, subject, trailers, changes))

    def _with_file(self, changes: dict[str, bytes], entry: dict[str, Any]) -> dict[str, bytes]:
        ref = entry.get("file")
        if ref and ref not in self.tree:
            path = self.source / ref
            if not path.is_file():
                raise BuildError(f"evidence file {ref} does not exist")
            changes[ref] = path.read_bytes()
        return changes

    # concerns and measures

    def _on_concern(self, event: Event) -> None:
        data = self.data[event.path]
        author = data.get("raised_by") or self.manager(event.path)
        self.commit(
            event.day,
            author,
            f"{data['id']}: add concern",
            {"Concern": data["id"], "Event": "created"},
            {event.path: self._validated(event.path, self.texts[event.path], Concern)},
        )

    def _on_measure(self, event: Event) -> None:
        data = self.data[event.path]
        concern = self.data[self._concern_path(event.path, data["concern"])]
        self.readings[event.path] = 0
        self.commit(
            event.day,
            concern.get("raised_by") or self.manager(event.path),
            f"{data['id']}: add measure for {data['concern']}",
            {"Measure": data["id"], "Event": "created"},
            {event.path: self._render_measure(event.path)},
        )

    def _on_reading(self, event: Event) -> None:
        data, entry = self.data[event.path], event.entry
        self.readings[event.path] = event.index + 1
        value = float(entry["value"])
        changes = self._with_file({event.path: self._render_measure(event.path)}, entry)
        self.commit(
            event.day,
            entry.get("recorded_by") or self.manager(event.path),
            f"{data['id']}: record {entry['period']} reading {value:g}",
            {"Measure": data["id"], "Event": "reading-recorded", "Period": str(entry["period"])},
            changes,
        )

    # actions

    def _on_action(self, event: Event) -> None:
        data = self.data[event.path]
        extensions = data.get("extensions") or []
        due = _day(extensions[0]["from"] if extensions else data["due"])
        if self.lapse is not None and self.lapse[0] == event.path:
            due -= timedelta(days=LAPSE_DAYS)
        self.states[event.path] = ActionState(due=due.isoformat())
        self._action_commit(
            event,
            self.manager(event.path),
            f"{data['id']}: add action for {data['concern']}",
            {"Event": "created", "Owner": data["owner"]},
        )

    def _on_hand(self, event: Event) -> None:
        self._must_be_open(event)
        state = self.states[event.path]
        state.due = event.entry
        owner = self.data[event.path]["owner"]
        self._action_commit(event, owner, f"Update {self._id(event)} due date", None)

    def _on_progress(self, event: Event) -> None:
        self._must_be_open(event)
        state, entry = self.states[event.path], event.entry
        changes = []
        new_status = state.status
        if event.kind == "progress-verification":
            new_status = "awaiting-verification"
        elif state.status == "open":
            new_status = "in-progress"
        if new_status != state.status:
            changes.append(f"status {state.status} -> {new_status}")
            state.status = new_status
        state.counts["progress"] = event.index + 1
        changes.append("progress note")
        self._action_commit(
            event, entry["by"], f"{self._id(event)}: {', '.join(changes)}", {"Event": "updated"}
        )

    def _status_only(self, event: Event, author: str, status: str) -> None:
        state = self.states[event.path]
        subject = f"{self._id(event)}: status {state.status} -> {status}"
        state.status = status
        self._action_commit(event, author, subject, {"Event": "updated"})

    def _on_evidence(self, event: Event) -> None:
        self._must_be_open(event)
        entry = event.entry
        if self.states[event.path].status == "open":
            self._status_only(event, entry["added_by"], "in-progress")
        self.states[event.path].counts["evidence"] = event.index + 1
        satisfies = ", ".join(entry["satisfies"])
        self._action_commit(
            event,
            entry["added_by"],
            f"{self._id(event)}: add evidence {entry['id']} ({entry['kind']}) for {satisfies}",
            {"Event": "evidence-added", "Evidence": str(entry["id"])},
            files_of=entry,
        )

    def _on_extension(self, event: Event) -> None:
        self._must_be_open(event)
        state, entry = self.states[event.path], event.entry
        if str(entry["from"]) != state.due:
            raise BuildError(
                f"{event.path}: extension {event.index + 1} starts from {entry['from']}, "
                f"but the due date then was {state.due}"
            )
        state.due = str(entry["to"])
        state.counts["extensions"] = event.index + 1
        self._action_commit(
            event,
            entry["approved_by"],
            f"{self._id(event)}: extend due date {entry['from']} -> {entry['to']}",
            {"Event": "extended", "Extension": str(event.index + 1)},
        )

    def _on_review(self, event: Event) -> None:
        state, entry = self.states[event.path], event.entry
        state.counts["reviews"] = event.index + 1
        self._action_commit(
            event,
            entry["by"],
            f"{self._id(event)}: {entry['level']} oversight, {entry['decision']} ({entry['by']})",
            {"Event": "reviewed", "Decision": str(entry["decision"])},
        )
        if event.kind == "review-reject" and state.status == "awaiting-verification":
            self._status_only(event, entry["by"], "in-progress")

    def _on_closure(self, event: Event) -> None:
        self._must_be_open(event)
        state, entry = self.states[event.path], event.entry
        state.status = "closed"
        state.closure = entry
        verifier = str(entry["verified_by"])
        self._action_commit(
            event,
            verifier,
            f"{self._id(event)}: close, verified by {verifier}",
            {"Event": "closed", "Verified-By": verifier},
        )

    def _on_reopening(self, event: Event) -> None:
        state, entry = self.states[event.path], event.entry
        state.status = "in-progress"
        state.closure = None
        state.counts["reopenings"] = event.index + 1
        self._action_commit(
            event, entry["by"], f"{self._id(event)}: reopen ({entry['by']})", {"Event": "reopened"}
        )

    def _on_cancellation(self, event: Event) -> None:
        self._must_be_open(event)
        state, entry = self.states[event.path], event.entry
        state.status = "cancelled"
        state.cancelled = True
        approver = str(entry["approved_by"])
        self._action_commit(
            event,
            approver,
            f"{self._id(event)}: cancel, approved by {approver}",
            {"Event": "cancelled"},
        )

    def _id(self, event: Event) -> str:
        return str(self.data[event.path]["id"])

    def _must_be_open(self, event: Event) -> None:
        """cqctrack refuses these on a closed or cancelled action, so the replay does too."""
        status = self.states[event.path].status
        if status in ("closed", "cancelled"):
            raise BuildError(
                f"{event.path}: {event.kind} dated {event.day} while the action is {status}"
            )

    def _action_commit(
        self,
        event: Event,
        author: str,
        subject: str,
        trailers: dict[str, str] | None,
        files_of: dict[str, Any] | None = None,
    ) -> None:
        changes = {event.path: self._render_action(event.path)}
        if files_of is not None:
            self._with_file(changes, files_of)
        if trailers is not None:
            trailers = {"Action": self._id(event), **trailers}
        self.commit(event.day, author, subject, trailers, changes)

    # rendering versions

    def _render_action(self, rel: str) -> bytes:
        state = self.states[rel]
        doc = self._document(rel)
        for log in LOGS:
            if log in doc:
                if state.counts[log] == 0:
                    del doc[log]
                else:
                    del doc[log][state.counts[log] :]
        if doc["status"] != state.status:
            doc["status"] = state.status
        if str(doc["due"]) != state.due:
            doc["due"] = state.due
        final = self.data[rel].get("closure")
        if state.closure is None:
            edits.remove_key(doc, "closure")
        elif state.closure != final:  # a closure a later reopening undid
            edits.set_value(doc, "closure", copy.deepcopy(state.closure), ACTION_ORDER)
        if not state.cancelled:
            edits.remove_key(doc, "cancellation")
        return self._validated(rel, dialect.dump_round_trip(doc), Action)

    def _render_measure(self, rel: str) -> bytes:
        doc = self._document(rel)
        count = self.readings[rel]
        if count == 0:
            edits.remove_key(doc, "readings")  # as `cqctrack new measure` writes it
        elif isinstance(doc.get("readings"), list):
            del doc["readings"][count:]
        return self._validated(rel, dialect.dump_round_trip(doc), Measure)

    def _document(self, rel: str) -> Any:
        """A fresh round-trip copy of the final file, to cut back to a moment."""
        if rel not in self._documents:
            self._documents[rel] = dialect.load_round_trip(self.texts[rel])
        return copy.deepcopy(self._documents[rel])

    def _validated(self, rel: str, text: str, model: type[Any]) -> bytes:
        data = text.encode("utf-8")
        try:
            model.model_validate(dialect.parse(data))
        except (dialect.YamlProblem, ValidationError) as err:
            raise BuildError(f"the replayed version of {rel} is invalid: {err}") from None
        return data

    def _check_final(self) -> None:
        """The replay must end with exactly the example files, or the build stops."""
        for rel, text in self.texts.items():
            if self.tree.get(rel) != text.encode("utf-8"):
                raise BuildError(
                    f"the replay does not end with {rel} as it is in the examples "
                    "(a status, due date or log the replay derives differs from the file)"
                )
        wanted = {"cqctrack.yaml": demo_config((self.source / "cqctrack.yaml").read_bytes())}
        for folder in ("schemas", "trackers", "evidence"):
            for path in (self.source / folder).rglob("*"):
                if path.is_file():
                    wanted[path.relative_to(self.source).as_posix()] = path.read_bytes()
        if self.tree != wanted:
            differ = sorted(
                k for k in wanted.keys() | self.tree.keys() if wanted.get(k) != self.tree.get(k)
            )
            raise BuildError("the replay does not end with the example files: " + ", ".join(differ))


# The project's own history of the example files is not a governance record, so its
# cqctrack.yaml says where that history ends (`policy.signoff.imported_until`). The
# replay *is* the record the files describe, judged in full: its copy leaves the
# setting out (with the comment lines directly above it).
_IMPORTED_UNTIL = re.compile(rb"(?m)(?:^ +#.*\n)*^ +imported_until:.*\n")


def demo_config(text: bytes) -> bytes:
    """cqctrack.yaml as the demo commits it: the example's, without `imported_until`."""
    return _IMPORTED_UNTIL.sub(b"", text, count=1)


# --- writing the repository ------------------------------------------------------------


def _last_sunday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def uk_offset(day: date) -> timedelta:
    """UK civil time during the working day: BST (+01:00) from March's last Sunday to October's."""
    summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    return timedelta(hours=1 if summer else 0)


def commit_times(commits: list[Commit]) -> list[datetime]:
    """A time for each commit between 09:00 and 17:00 on its day, in order, deterministic."""
    per_day: dict[date, int] = {}
    for c in commits:
        per_day[c.day] = per_day.get(c.day, 0) + 1
    seen: dict[date, int] = {}
    out = []
    for c in commits:
        i = seen[c.day] = seen.get(c.day, -1) + 1
        slot = WORKDAY_MINUTES / per_day[c.day]
        jitter = ((c.day.toordinal() * 37 + i * 11) % 50) / 100  # up to half a slot
        minute = int(i * slot + jitter * slot)
        second = (c.day.toordinal() * 13 + i * 29) % 60
        start = datetime.combine(c.day, WORKDAY_START, tzinfo=timezone(uk_offset(c.day)))
        out.append(start + timedelta(minutes=minute, seconds=second))
    return out


def message(subject: str, trailers: dict[str, str] | None) -> str:
    """cqctrack's own commit message (gitrepo.message), or a bare subject for a hand edit."""
    return subject + "\n" if trailers is None else cqctrack_message(subject, trailers)


def fast_import_stream(replay: Replay) -> bytes:
    out = bytearray()

    def data(payload: bytes) -> None:
        out.extend(b"data %d\n" % len(payload))
        out.extend(payload)
        out.extend(b"\n")

    for mark, (c, when) in enumerate(
        zip(replay.commits, commit_times(replay.commits), strict=True), 1
    ):
        name, email = replay.person(c.author)
        offset = int(when.utcoffset().total_seconds()) // 60  # type: ignore[union-attr]
        zone = f"{'+' if offset >= 0 else '-'}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
        ident = f"{name} <{email}> {int(when.timestamp())} {zone}".encode()
        out.extend(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.extend(b"author " + ident + b"\ncommitter " + ident + b"\n")
        data(message(c.subject, c.trailers).encode("utf-8"))
        for rel in sorted(c.changes):
            if any(ch in rel for ch in ' "\n\\'):
                raise BuildError(f"file name {rel!r} needs quoting, which this script does not do")
            out.extend(f"M 100644 inline {rel}\n".encode())
            data(c.changes[rel])
        out.extend(b"\n")
    out.extend(b"done\n")
    return bytes(out)


def _git(repo: Path, env: dict[str, str], *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, capture_output=True, env=env, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise BuildError(f"git {args[0]} failed: {detail}")
    return done.stdout.decode("utf-8", "replace")


def _git_env(config: Path) -> dict[str, str]:
    # Nothing of the caller's git leaks in: no GIT_DIR, GIT_AUTHOR_*, user or system config.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    return env


VERIFY_CHOICES = ("none", "daily", "each-commit")


def _verify(replay: Replay, scratch: Path, every_commit: bool, log: Callable[[str], None]) -> None:
    """Run `cqctrack check --as-of DAY` on the tree after each commit (or each day's last).

    Errors stop the build. Warnings are expected on the way (a concern raised before
    its actions or measures exist), so they are only counted.
    """
    from cqctrack.cache import Caches
    from cqctrack.read.check import check_repository

    warnings: dict[str, int] = {}
    checked = 0
    for i, c in enumerate(replay.commits):
        for rel, payload in c.changes.items():
            path = scratch / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(payload)
        later = replay.commits[i + 1] if i + 1 < len(replay.commits) else None
        if not every_commit and later is not None and later.day == c.day:
            continue
        result = check_repository(scratch, c.day, Caches(scratch))
        checked += 1
        if result.errors:
            lines = [f"  {p.path}: {p.severity}: {p.message}" for p in result.findings]
            raise BuildError(
                f"`cqctrack check --as-of {c.day}` fails after '{c.subject}':\n" + "\n".join(lines)
            )
        for p in result.findings:
            warnings[p.code] = warnings.get(p.code, 0) + 1
    what = "commit" if every_commit else "day of the history"
    log(f"checked the tree as at each {what} ({checked} checks): no errors")
    if warnings:
        counts = ", ".join(f"{code} in {n}" for code, n in sorted(warnings.items()))
        log(f"warnings on the way (checks showing each): {counts}")


def _replaceable(target: Path) -> bool:
    """True when `target` exists and may be replaced; refuses anything but a demo build."""
    if not target.exists():
        return False
    if not target.is_dir():
        raise BuildError(f"{target} exists and is not a folder")
    if (target / ".git" / MARKER).is_file() or not any(target.iterdir()):
        return True
    raise BuildError(f"{target} is not empty and was not built by this script; not replacing it")


def build(
    target: Path,
    source: Path = PROJECT,
    *,
    verify: str = "none",
    log: Callable[[str], None] = print,
) -> None:
    """Build the demo repository at `target` from the example files in `source`.

    `verify`: "none"; "daily", run `cqctrack check` as at each day of the history on
    the tree at the end of that day; "each-commit", after every commit. Every version
    of every file is validated with the models whatever this says.
    """
    if verify not in VERIFY_CHOICES:
        raise ValueError(f"verify must be one of {', '.join(VERIFY_CHOICES)}")
    target, source = Path(target).absolute(), Path(source).absolute()
    replace = _replaceable(target)  # refuse before any work
    replay = Replay(source)
    replay.run()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-build-", dir=target.parent) as tmp:
        work = Path(tmp)
        if verify != "none":
            scratch = work / "verify"
            scratch.mkdir()
            _verify(replay, scratch, verify == "each-commit", log)
        config = work / "gitconfig"
        config.write_text(GIT_CONFIG, encoding="utf-8")
        env = _git_env(config)
        repo = work / "repo"
        repo.mkdir()
        _git(repo, env, "init", "-q")
        _git(repo, env, "symbolic-ref", "HEAD", "refs/heads/main")
        _git(repo, env, "fast-import", "--quiet", "--done", stdin=fast_import_stream(replay))
        _git(repo, env, "reset", "-q", "--hard")
        (repo / ".git" / MARKER).write_text(
            "Built by tools/demo_repo.py; running it again replaces this folder.\n",
            encoding="utf-8",
        )
        if replace and _replaceable(target):
            shutil.rmtree(target)
        repo.rename(target)
    first, last = replay.commits[0].day, replay.commits[-1].day
    log(f"built {target}: {len(replay.commits)} commits, {first} to {last}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build a git repository whose history replays the example trackers "
        "(see the module docstring for what it derives and the lapse it scripts).",
    )
    parser.add_argument(
        "target",
        nargs="?",
        type=Path,
        default=DEFAULT_TARGET,
        help="where to build (default: .demo/)",
    )
    parser.add_argument(
        "--source", type=Path, default=PROJECT, help="the folder holding the example files"
    )
    parser.add_argument(
        "--verify",
        nargs="?",
        const="each-commit",
        default="none",
        choices=VERIFY_CHOICES,
        help="also run `cqctrack check` on the tree after each commit (or: daily)",
    )
    args = parser.parse_args(argv)
    try:
        build(args.target, args.source, verify=args.verify)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
