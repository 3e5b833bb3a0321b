"""Comparing two versions of an action file: the events between them, and what to flag.

Works on the parsed YAML of each version (plain dictionaries), so it reads a hand
edit exactly as it reads a change cqctrack made. history.py finds the versions in
git; the flags a reviewer must see are decided here, next to the change they are
about: due dates moved later without a logged extension, evidence removed or
edited after closure, evidence requirements removed or changed after the action
was agreed, a closure committed by someone other than its verifier, and entries
dated well before the commit that added them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cqctrack import gitlog
from cqctrack.views import Config

LOGS = ("evidence", "extensions", "reviews", "progress", "reopenings")


@dataclass(frozen=True, slots=True)
class Event:
    commit: gitlog.Commit | None  # None: a change in the working tree, not yet committed
    kind: str
    text: str
    flags: tuple[str, ...] = ()
    field: str | None = None
    old: Any = None
    new: Any = None

    @property
    def via(self) -> str:
        if self.commit is None:
            return "uncommitted"
        return "cqctrack" if "Cqctrack-Version:" in self.commit.body else "hand edit"


@dataclass(frozen=True, slots=True)
class Version:
    commit: gitlog.Commit | None
    path: str
    data: dict[str, Any] | None  # None: the file was deleted
    error: str | None = None


def compare(old: Version | None, new: Version, config: Config | None) -> list[Event]:
    commit = new.commit
    if new.data is None:
        return [
            Event(commit, "deleted", f"file {new.path} deleted", ("the action file was deleted",))
        ]
    if new.error:
        return [Event(commit, "unreadable", f"this version cannot be read: {new.error}")]
    before = old.data if old is not None and old.data else None
    if before is None:
        return [_created(commit, new.data, config)]
    events = _field_changes(commit, before, new.data, config)
    events += _log_changes(commit, before, new.data, config)
    return events


def _created(commit: gitlog.Commit | None, data: dict[str, Any], config: Config | None) -> Event:
    requirements = len(data.get("evidence_required") or [])
    text = (
        f"created: owner {data.get('owner')}, due {_day(data.get('due'))}, "
        f"status {data.get('status')}, {requirements} evidence requirement"
        f"{'' if requirements == 1 else 's'}"
    )
    flags = []
    for log in LOGS:
        for entry in data.get(log) or []:
            flags += _backdated(commit, entry, log, config)
    return Event(commit, "created", text, tuple(flags))


_SCALARS = (
    "title",
    "concern",
    "owner",
    "risk",
    "due",
    "status",
    "person_ref",
    "created",
    "expected_outcome",
)


def _field_changes(
    commit: gitlog.Commit | None, old: dict[str, Any], new: dict[str, Any], config: Config | None
) -> list[Event]:
    events = []
    for key in _SCALARS:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "due":
            events.append(_due_moved(commit, old, new, config))
            continue
        kind = {"owner": "owner-changed", "status": "status-changed"}.get(key, "field-changed")
        label = key.replace("_", " ")
        events.append(
            Event(commit, kind, f"{label} changed {before} → {after}", (), key, before, after)
        )
    for key in ("statements", "regulations"):
        if (old.get(key) or []) != (new.get(key) or []):
            events.append(
                Event(
                    commit,
                    "field-changed",
                    f"{key} changed {old.get(key)} → {new.get(key)}",
                    (),
                    key,
                    old.get(key),
                    new.get(key),
                )
            )
    old_reqs = {r.get("id"): r for r in old.get("evidence_required") or [] if isinstance(r, dict)}
    new_reqs = {r.get("id"): r for r in new.get("evidence_required") or [] if isinstance(r, dict)}
    for rid in old_reqs.keys() - new_reqs.keys():
        events.append(
            Event(
                commit,
                "requirement-removed",
                f"evidence requirement {rid} removed",
                (f"evidence requirement {rid} was removed after the action was agreed",),
            )
        )
    for rid in new_reqs.keys() - old_reqs.keys():
        events.append(
            Event(
                commit,
                "requirement-added",
                f"evidence requirement {rid} added: {new_reqs[rid].get('description')}",
            )
        )
    for rid in old_reqs.keys() & new_reqs.keys():
        if old_reqs[rid] != new_reqs[rid]:
            events.append(
                Event(
                    commit,
                    "requirement-changed",
                    f"evidence requirement {rid} changed",
                    (f"evidence requirement {rid} was changed after the action was agreed",),
                )
            )
    return events


def _due_moved(
    commit: gitlog.Commit | None, old: dict[str, Any], new: dict[str, Any], config: Config | None
) -> Event:
    before, after = old.get("due"), new.get("due")
    added = _new_entries(old.get("extensions"), new.get("extensions"))
    logged = [e for e in added if str(e.get("to")) == str(after)]
    text = f"due moved {_day(before)} → {_day(after)}"
    flags: tuple[str, ...] = ()
    if logged:
        entry = logged[-1]
        text += (
            f" (extension logged: {str(entry.get('reason')).rstrip('.')}; "
            f"approved by {entry.get('approved_by')})"
        )
        flags = tuple(_backdated(commit, entry, "extensions", config))
    elif str(after) > str(before):
        text += " without a logged extension"
        flags = (f"due date moved {_day(before)} → {_day(after)} without a logged extension",)
    else:
        text += " (brought forward)"
    return Event(commit, "due-moved", text, flags, "due", before, after)


def _new_entries(old: Any, new: Any) -> list[dict[str, Any]]:
    old_list = [e for e in old or [] if isinstance(e, dict)]
    return [e for e in new or [] if isinstance(e, dict) and e not in old_list]


def _log_changes(
    commit: gitlog.Commit | None, old: dict[str, Any], new: dict[str, Any], config: Config | None
) -> list[Event]:
    events: list[Event] = []
    was_closed = old.get("status") == "closed" or bool(old.get("reopenings"))
    for entry in _new_entries(old.get("reviews"), new.get("reviews")):
        events.append(
            Event(
                commit,
                "review-added",
                f"{entry.get('level')} oversight by {entry.get('by')}: {entry.get('decision')} ({entry.get('note')})",
                tuple(_backdated(commit, entry, "reviews", config)),
            )
        )
    for entry in _new_entries(old.get("progress"), new.get("progress")):
        events.append(
            Event(
                commit,
                "progress-added",
                f"progress note by {entry.get('by')}: {entry.get('note')}",
                tuple(_backdated(commit, entry, "progress", config)),
            )
        )
    for entry in _new_entries(old.get("extensions"), new.get("extensions")):
        if str(entry.get("to")) != str(new.get("due")) or old.get("due") == new.get("due"):
            events.append(
                Event(
                    commit,
                    "extension-logged",
                    f"extension logged {_day(entry.get('from'))} → {_day(entry.get('to'))}: {entry.get('reason')}",
                    tuple(_backdated(commit, entry, "extensions", config)),
                )
            )
    events += _evidence_changes(commit, old, new, was_closed, config)
    events += _closure_changes(commit, old, new, config)
    return events


def _evidence_changes(
    commit: gitlog.Commit | None,
    old: dict[str, Any],
    new: dict[str, Any],
    was_closed: bool,
    config: Config | None,
) -> list[Event]:
    events = []
    before = {e.get("id"): e for e in old.get("evidence") or [] if isinstance(e, dict)}
    after = {e.get("id"): e for e in new.get("evidence") or [] if isinstance(e, dict)}
    after_closure = " after closure" if was_closed else ""
    for eid, entry in after.items():
        if eid not in before:
            where = entry.get("file") or f"document {entry.get('document')}"
            satisfies = ", ".join(entry.get("satisfies") or [])
            events.append(
                Event(
                    commit,
                    "evidence-added",
                    f"evidence {eid} added: {entry.get('kind')}, {where} (satisfies {satisfies})",
                    tuple(_backdated(commit, entry, "evidence", config)),
                )
            )
        elif before[eid] != entry:
            flags = (f"evidence {eid} was edited{after_closure}",) if was_closed else ()
            events.append(Event(commit, "evidence-edited", f"evidence {eid} edited", flags))
    for eid in before.keys() - after.keys():
        flags = (f"evidence {eid} was removed{after_closure}",) if was_closed else ()
        events.append(Event(commit, "evidence-removed", f"evidence {eid} removed", flags))
    return events


def _closure_changes(
    commit: gitlog.Commit | None, old: dict[str, Any], new: dict[str, Any], config: Config | None
) -> list[Event]:
    events = []
    closure = new.get("closure")
    if isinstance(closure, dict) and closure != old.get("closure"):
        verifier = closure.get("verified_by")
        flags = list(_backdated(commit, closure, "closure", config))
        flags += _committed_by_verifier(commit, str(verifier), config)
        events.append(
            Event(
                commit,
                "closed",
                f"closed: verified by {verifier}: {closure.get('outcome')}",
                tuple(flags),
            )
        )
    for entry in _new_entries(old.get("reopenings"), new.get("reopenings")):
        flags = tuple(_backdated(commit, entry, "reopenings", config))
        text = f"reopened by {entry.get('by')}: {entry.get('reason')}"
        events.append(Event(commit, "reopened", text, flags))
    cancellation = new.get("cancellation")
    if isinstance(cancellation, dict) and cancellation != old.get("cancellation"):
        flags = tuple(_backdated(commit, cancellation, "cancellation", config))
        who, why = cancellation.get("approved_by"), cancellation.get("reason")
        events.append(Event(commit, "cancelled", f"cancelled, approved by {who}: {why}", flags))
    return events


def _committed_by_verifier(
    commit: gitlog.Commit | None, verifier: str, config: Config | None
) -> list[str]:
    if commit is None or config is None or verifier not in config.people:
        return []
    emails = {e.lower() for e in config.people[verifier].emails}
    if not emails:
        return [
            f"closure committed by {commit.author_name}; {verifier} has no e-mail in the people register to confirm it was them"
        ]
    if commit.author_email.lower() not in emails:
        return [
            f"closure committed by {commit.author_name} <{commit.author_email}>, not by the recorded verifier {verifier}"
        ]
    return []


def _backdated(
    commit: gitlog.Commit | None, entry: dict[str, Any], log: str, config: Config | None
) -> list[str]:
    if commit is None or not isinstance(entry, dict):
        return []
    try:
        when = date.fromisoformat(str(entry.get("date")))
    except ValueError:
        return []
    limit = config.policy.audit.backdating_days if config else 7
    lag = (commit.when.date() - when).days
    if lag > limit:
        what = {
            "evidence": f"evidence {entry.get('id')}",
            "reviews": "a review",
            "progress": "a progress note",
            "extensions": "an extension",
            "closure": "the closure",
            "reopenings": "a reopening",
            "cancellation": "the cancellation",
        }.get(log, log)
        return [
            f"{what} dated {_day(when)} was committed {lag} days later ({_day(commit.when.date())})"
        ]
    return []


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    try:
        when = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{when.day} {when:%b %Y}"
