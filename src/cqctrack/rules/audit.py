"""The audit trail: the events between two versions of an action file, and what to flag.

Works on the parsed YAML of each version (plain dictionaries), so a hand edit
reads exactly like a change cqctrack made. `git/facts.py` finds the versions and
the facts about them; this module words each change as an event. What to flag on
an event is judged elsewhere, once, from the same facts `check` and the review
read, and attached here to the event it is about:

- a due date moved later without a logged extension (`drift-unlogged-extension`,
  rules/extensions.py), and an extension logged long after its move
  (`audit-extension-logged-late`);
- every flag about how an entry came to be (a sign-off git does not prove, an
  entry dated after its commit or back-dated, oversight committed by the owner,
  a sign-off under a relaxed policy), and the changes a reviewer must see
  (evidence edited or removed after closure, a requirement changed, a closure
  edited, the file deleted): rules/governance.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cqctrack.findings import Finding, Severity
from cqctrack.format.history import (
    CLOSURE_EDITED,
    DELETED,
    EVIDENCE_EDITED,
    EVIDENCE_REMOVED,
    REQUIREMENT_CHANGED,
    REQUIREMENT_REMOVED,
    Added,
    Commit,
    DueMove,
    Logged,
    Version,
    created_entry,
    entry_of,
)
from cqctrack.format.policy import DEFAULT_POLICY, Policy
from cqctrack.format.records import Config
from cqctrack.format.vocab import Period, iso_date
from cqctrack.rules import extensions, governance, measures
from cqctrack.wording import value_date

LOGS = ("evidence", "extensions", "reviews", "progress", "reopenings", "corrections")


@dataclass(frozen=True, slots=True)
class Event:
    commit: Commit | None  # None: a change in the working tree, not yet committed
    kind: str
    text: str
    findings: tuple[Finding, ...] = ()
    field: str | None = None
    old: Any = None
    new: Any = None

    @property
    def flags(self) -> tuple[str, ...]:
        """What a reviewer must look at: the findings that are not for information only."""
        return tuple(f.message for f in self.findings if f.severity is not Severity.INFO)

    @property
    def notes(self) -> tuple[str, ...]:
        """The findings for information only (e.g. a sign-off recorded, not proven)."""
        return tuple(f.message for f in self.findings if f.severity is Severity.INFO)

    @property
    def via(self) -> str:
        if self.commit is None:
            return "uncommitted"
        return "cqctrack" if self.commit.by_cqctrack else "hand edit"


def _flag(code: str, message: str, commit: Commit | None, subject: str | None) -> Finding:
    return Finding(
        code=code,
        message=message,
        severity=Severity.WARNING,
        subject=subject,
        commit=commit.sha if commit else None,
    )


@dataclass(frozen=True, slots=True)
class Audit:
    """What comparing versions needs besides the versions: people, policy, git's moves,
    the changes git's facts found (events: (what, id, commit sha)), and the governance
    context the flags are judged in."""

    config: Config | None
    moves: tuple[DueMove, ...]
    subject: str | None = None
    events: tuple[tuple[str, str, tuple[Any, ...]], ...] = ()
    gov: governance.Governance | None = None
    relaxed: tuple[governance.Relaxation, ...] = ()
    period: str | None = None  # a measure's period kind (monthly, ...), for its readings

    @property
    def policy(self) -> Policy:
        return self.config.policy if self.config else DEFAULT_POLICY

    def entry_flags(
        self, commit: Commit | None, log: str, item: Any, owner: Any, imported: bool = False
    ) -> list[Finding]:
        """The flags about one entry this commit added (rules/governance.py). `imported`: a
        spreadsheet's word (an imported closure), not judged as recorded in cqctrack."""
        if commit is None or self.config is None or self.gov is None:
            return []
        if log != "created" and not isinstance(item, dict):
            return []
        entry = created_entry(item) if log == "created" else entry_of(log, item)
        added = Added(commit.sha, commit.when, commit.author_name, commit.author_email, -1)
        subject = self.subject or ""
        who = owner if isinstance(owner, str) else None
        found = governance.entry_findings(
            subject, who, entry, added, self.config, self.gov, imported=imported
        )
        found += governance.under_relaxation(subject, who, entry, added, self.gov, self.relaxed)
        found += governance.recorded_note(entry, added, self.gov)
        return found

    def reading_flags(self, commit: Commit | None, item: Any, period: Any) -> list[Finding]:
        """A measure's reading this commit added: the entry's flags, and whether its period
        had ended by the commit (when the reading gives no `recorded` date)."""
        found = self.entry_flags(commit, "readings", item, None)
        if commit is None or self.gov is None or not isinstance(item, dict):
            return found
        kind = next((p for p in Period if p.value == period), None)
        if item.get("recorded") is None and kind is not None:
            early = measures.premature_period(kind, str(item.get("period")), commit.when.date())
            added = Added(commit.sha, commit.when, commit.author_name, commit.author_email, -1)
            entry = entry_of("readings", item)
            found += governance.reading_findings(self.subject or "", entry, early, added, self.gov)
        return found

    def event_flag(self, commit: Commit | None, what: str, ident: str = "") -> list[Finding]:
        """The flag, if the facts found one, about a change this commit made."""
        if commit is None or self.gov is None:
            return []
        events = [e for e in self.events if e[:2] == (what, ident) and e[2][0] == commit.sha]
        return governance.event_findings(self.subject, events, self.policy, self.gov)


def compare(old: Version | None, new: Version, audit: Audit) -> list[Event]:
    commit = new.commit
    if new.data is None:
        found = audit.event_flag(commit, DELETED)
        return [Event(commit, "deleted", f"file {new.path} deleted", tuple(found))]
    if new.error:
        return [Event(commit, "unreadable", f"this version cannot be read: {new.error}")]
    before = old.data if old is not None and old.data else None
    if before is None:
        return [_created(commit, new.data, audit)]
    events = _field_changes(commit, before, new.data, audit)
    events += _log_changes(commit, before, new.data, audit)
    return events


def _created(commit: Commit | None, data: dict[str, Any], audit: Audit) -> Event:
    requirements = len(data.get("evidence_required") or [])
    imported = data.get("imported")
    made = "created"
    if isinstance(imported, dict):
        made = f"created by import from {_origin(imported)}"
    text = (
        f"{made}: owner {data.get('owner')}, due {value_date(data.get('due'))}, "
        f"status {data.get('status')}, {requirements} evidence requirement"
        f"{'' if requirements == 1 else 's'}"
    )
    found: list[Finding] = []
    if isinstance(imported, dict):
        # An imported row's dates are the plan's, written before cqctrack saw them, so
        # they are not flagged one by one as back-dated; a closure it brings is flagged
        # once, as what it is: the spreadsheet's word, not a verification.
        closure = data.get("closure")
        if isinstance(closure, dict) and closure.get("imported") is True:
            message = (
                f"closure imported from {imported.get('file')}, dated "
                f"{value_date(closure.get('date'))} and verified by {closure.get('verified_by')} "
                "as the plan recorded it; not verified in cqctrack"
            )
            found.append(_flag("audit-imported-closure", message, commit, audit.subject))
        return Event(commit, "created", text, tuple(found))
    owner = data.get("owner")
    found += audit.entry_flags(commit, "created", data, owner)
    for log in (*LOGS, "closure", "cancellation"):
        items = data.get(log)
        for entry in items if isinstance(items, list) else [items] if items else []:
            found += audit.entry_flags(commit, log, entry, owner)
    return Event(commit, "created", text, tuple(found))


def _origin(imported: dict[str, Any]) -> str:
    """'plan.xlsx, sheet Must do, row 6 (action 2 in the cell)', from an `imported:` block."""
    text = str(imported.get("file"))
    if imported.get("sheet"):
        text += f", sheet {imported.get('sheet')}"
    text += f", row {imported.get('row')}"
    if imported.get("part"):
        text += f" (action {imported.get('part')} in the cell)"
    return text


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
    commit: Commit | None, old: dict[str, Any], new: dict[str, Any], audit: Audit
) -> list[Event]:
    events = []
    for key in _SCALARS:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "due":
            events.append(_due_moved(commit, old, new, audit))
            continue
        kind = {"owner": "owner-changed", "status": "status-changed"}.get(key, "field-changed")
        label = key.replace("_", " ")
        fix = _person_ref_fix(old, new) if key == "person_ref" else None
        if fix is not None:
            # Corrected because it may have named someone: the values are not repeated here.
            text = f"person ref corrected by {fix.get('by')}: {fix.get('reason')}"
            events.append(Event(commit, "corrected", text, (), key))
            continue
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
    events += _requirement_changes(commit, old, new, audit)
    return events


def _person_ref_fix(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    added = _new_entries(old.get("corrections"), new.get("corrections"))
    return next((c for c in added if c.get("entry") == "person_ref"), None)


def _approved(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Requirement changes logged (with an approver) in this version, by requirement id."""
    added = _new_entries(old.get("requirement_changes"), new.get("requirement_changes"))
    return {str(c.get("requirement")): c for c in added}


def _requirement_changes(
    commit: Commit | None, old: dict[str, Any], new: dict[str, Any], audit: Audit
) -> list[Event]:
    events = []
    approved = _approved(old, new)

    def why(rid: Any) -> str:
        change = approved[str(rid)]
        return f", approved by {change.get('approved_by')}: {change.get('reason')}"

    old_reqs = {r.get("id"): r for r in old.get("evidence_required") or [] if isinstance(r, dict)}
    new_reqs = {r.get("id"): r for r in new.get("evidence_required") or [] if isinstance(r, dict)}
    for rid in old_reqs.keys() - new_reqs.keys():
        if str(rid) in approved:
            text = f"evidence requirement {rid} removed{why(rid)}"
            events.append(Event(commit, "requirement-removed", text))
            continue
        events.append(
            Event(
                commit,
                "requirement-removed",
                f"evidence requirement {rid} removed",
                tuple(audit.event_flag(commit, REQUIREMENT_REMOVED, str(rid))),
            )
        )
    for rid in new_reqs.keys() - old_reqs.keys():
        events.append(
            Event(
                commit,
                "requirement-added",
                f"evidence requirement {rid} added: {new_reqs[rid].get('description')}"
                + (why(rid) if str(rid) in approved else ""),
            )
        )
    for rid in old_reqs.keys() & new_reqs.keys():
        if old_reqs[rid] != new_reqs[rid] and str(rid) in approved:
            text = f"evidence requirement {rid} changed{why(rid)}"
            events.append(Event(commit, "requirement-changed", text))
        elif old_reqs[rid] != new_reqs[rid]:
            events.append(
                Event(
                    commit,
                    "requirement-changed",
                    f"evidence requirement {rid} changed",
                    tuple(audit.event_flag(commit, REQUIREMENT_CHANGED, str(rid))),
                )
            )
    return events


def _move_of(commit: Commit | None, before: Any, after: Any, audit: Audit) -> DueMove | None:
    """The fact git/facts.py recorded for this change of due date."""
    sha = commit.sha if commit else None
    old, new = iso_date(before), iso_date(after)
    for move in audit.moves:
        if move.commit == sha and move.old == old and move.new == new:
            return move
    return None


def _due_moved(
    commit: Commit | None, old: dict[str, Any], new: dict[str, Any], audit: Audit
) -> Event:
    before, after = old.get("due"), new.get("due")
    text = f"due moved {value_date(before)} → {value_date(after)}"
    move = _move_of(commit, before, after, audit)
    added = _new_entries(old.get("extensions"), new.get("extensions"))
    entry = next((e for e in reversed(added) if str(e.get("to")) == str(after)), None)
    reopening = next(
        (
            r
            for r in _new_entries(old.get("reopenings"), new.get("reopenings"))
            if str(r.get("due")) == str(after)
        ),
        None,
    )
    found: list[Finding] = []
    if reopening is not None:
        text += f" on reopening, by {reopening.get('by')} (not an extension)"
    elif move is None or not move.is_extension:
        if move is None and str(after) > str(before):
            text += " (not a date git could compare)"
        else:
            text += " (brought forward)"
    elif extensions.is_logged(move, audit.policy):
        if entry is not None and move.logged is Logged.SAME_COMMIT:
            text += (
                f" (extension logged: {str(entry.get('reason')).rstrip('.')}; "
                f"approved by {entry.get('approved_by')})"
            )
            found += audit.entry_flags(commit, "extensions", entry, new.get("owner"))
        else:
            text += f" ({extensions.describe(move, audit.policy)})"
        late = extensions.logged_late(move, audit.policy, audit.subject)
        if late is not None:
            found.append(late)
    else:
        text += " without a logged extension"
        found.append(
            _flag(extensions.UNLOGGED, extensions.unlogged_message(move), commit, audit.subject)
        )
    return Event(commit, "due-moved", text, tuple(found), "due", before, after)


def _new_entries(old: Any, new: Any) -> list[dict[str, Any]]:
    old_list = [e for e in old or [] if isinstance(e, dict)]
    return [e for e in new or [] if isinstance(e, dict) and e not in old_list]


def _log_changes(
    commit: Commit | None, old: dict[str, Any], new: dict[str, Any], audit: Audit
) -> list[Event]:
    events: list[Event] = []
    owner = new.get("owner")
    fixes = _new_entries(old.get("corrections"), new.get("corrections"))
    replacing = {str(c.get("replacement")) for c in fixes if c.get("replacement")}
    events += _corrections(commit, fixes, new, audit)
    for index, entry in enumerate(new.get("reviews") or []):
        if f"reviews[{index + 1}]" in replacing:
            continue
        if not isinstance(entry, dict) or entry in [
            e for e in old.get("reviews") or [] if isinstance(e, dict)
        ]:
            continue
        events.append(
            Event(
                commit,
                "review-added",
                f"{entry.get('level')} oversight by {entry.get('by')}: "
                f"{entry.get('decision')} ({entry.get('note')})",
                tuple(audit.entry_flags(commit, "reviews", entry, owner)),
            )
        )
    for index, entry in enumerate(new.get("progress") or []):
        if f"progress[{index + 1}]" in replacing or not isinstance(entry, dict):
            continue
        if entry in [e for e in old.get("progress") or [] if isinstance(e, dict)]:
            continue
        events.append(
            Event(
                commit,
                "progress-added",
                f"progress note by {entry.get('by')}: {entry.get('note')}",
                tuple(audit.entry_flags(commit, "progress", entry, owner)),
            )
        )
    for entry in _new_entries(old.get("extensions"), new.get("extensions")):
        if str(entry.get("to")) != str(new.get("due")) or old.get("due") == new.get("due"):
            events.append(
                Event(
                    commit,
                    "extension-logged",
                    f"extension logged {value_date(entry.get('from'))} → "
                    f"{value_date(entry.get('to'))}: {entry.get('reason')}",
                    tuple(audit.entry_flags(commit, "extensions", entry, owner)),
                )
            )
    events += _evidence_changes(commit, old, new, audit, replacing)
    events += _closure_changes(commit, old, new, audit)
    return events


def _corrections(
    commit: Commit | None, fixes: list[dict[str, Any]], new: dict[str, Any], audit: Audit
) -> list[Event]:
    """A withdrawal or replacement, said once with its reason (the person_ref one is said
    with the field change above). The replacement's own date is the event it corrects; the
    correction's date is what is checked for back-dating."""
    events = []
    for fix in fixes:
        entry = str(fix.get("entry"))
        if entry == "person_ref":
            continue
        label = entry if entry.startswith("E") else entry.replace("[", " ").rstrip("]")
        label = f"evidence {entry}" if entry.startswith("E") else label
        who, why = fix.get("by"), fix.get("reason")
        if fix.get("change") == "withdrawn":
            text = f"{label} withdrawn by {who}: {why}"
        else:
            replacement = str(fix.get("replacement"))
            diff = _differences(_find(new, entry), _find(new, replacement))
            text = f"{label} corrected as {replacement} by {who}{diff}: {why}"
        found = audit.entry_flags(commit, "corrections", fix, new.get("owner"))
        events.append(Event(commit, "corrected", text, tuple(found)))
    return events


def _find(data: dict[str, Any], name: str) -> dict[str, Any]:
    if name.startswith("E"):
        for entry in data.get("evidence") or []:
            if isinstance(entry, dict) and entry.get("id") == name:
                return entry
        return {}
    log, _, rest = name.partition("[")
    try:
        entry = (data.get(log) or [])[int(rest.rstrip("]")) - 1]
    except (ValueError, IndexError):
        return {}
    return entry if isinstance(entry, dict) else {}


def _differences(before: dict[str, Any], after: dict[str, Any]) -> str:
    skip = {"id", "recorded", "recorded_by"}
    parts = [
        f"{key} {before.get(key)} → {after.get(key)}"
        for key in after
        if key not in skip and before.get(key) != after.get(key)
    ]
    return f" ({'; '.join(parts)})" if parts else ""


def _evidence_changes(
    commit: Commit | None,
    old: dict[str, Any],
    new: dict[str, Any],
    audit: Audit,
    replacing: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[Event]:
    events = []
    before = {e.get("id"): e for e in old.get("evidence") or [] if isinstance(e, dict)}
    after = {e.get("id"): e for e in new.get("evidence") or [] if isinstance(e, dict)}
    for eid, entry in after.items():
        if eid not in before and str(eid) in replacing:
            continue
        if eid not in before:
            where = entry.get("file") or f"document {entry.get('document')}"
            satisfies = ", ".join(entry.get("satisfies") or [])
            events.append(
                Event(
                    commit,
                    "evidence-added",
                    f"evidence {eid} added: {entry.get('kind')}, {where} (satisfies {satisfies})",
                    tuple(audit.entry_flags(commit, "evidence", entry, new.get("owner"))),
                )
            )
        elif before[eid] != entry:
            found = audit.event_flag(commit, EVIDENCE_EDITED, str(eid))
            events.append(Event(commit, "evidence-edited", f"evidence {eid} edited", tuple(found)))
    for eid in before.keys() - after.keys():
        found = audit.event_flag(commit, EVIDENCE_REMOVED, str(eid))
        events.append(Event(commit, "evidence-removed", f"evidence {eid} removed", tuple(found)))
    return events


def _closure_changes(
    commit: Commit | None, old: dict[str, Any], new: dict[str, Any], audit: Audit
) -> list[Event]:
    events = []
    owner = new.get("owner")
    closure = new.get("closure")
    if isinstance(closure, dict) and closure != old.get("closure"):
        verifier = closure.get("verified_by")
        if closure.get("imported") is True:
            # A spreadsheet's word, not a verification: said once, as what it is (the
            # review's imported-closure keeps it Amber until confirmed).
            found = audit.entry_flags(commit, "closure", closure, owner, imported=True)
            message = (
                f"closure marked as imported, verified by {verifier} as a spreadsheet "
                "recorded it; not verified in cqctrack"
            )
            found.append(_flag("audit-imported-closure", message, commit, audit.subject))
        else:
            found = audit.entry_flags(commit, "closure", closure, owner)
        if isinstance(old.get("closure"), dict):
            found += audit.event_flag(commit, CLOSURE_EDITED)
        events.append(
            Event(
                commit,
                "closed",
                f"closed: verified by {verifier}: {closure.get('outcome')}",
                tuple(found),
            )
        )
    for entry in _new_entries(old.get("reopenings"), new.get("reopenings")):
        text = f"reopened by {entry.get('by')}: {entry.get('reason')}"
        flags = audit.entry_flags(commit, "reopenings", entry, owner)
        events.append(Event(commit, "reopened", text, tuple(flags)))
    cancellation = new.get("cancellation")
    if isinstance(cancellation, dict) and cancellation != old.get("cancellation"):
        found = audit.entry_flags(commit, "cancellation", cancellation, owner)
        who, why = cancellation.get("approved_by"), cancellation.get("reason")
        events.append(
            Event(commit, "cancelled", f"cancelled, approved by {who}: {why}", tuple(found))
        )
    return events


def flags(events: Iterable[Event]) -> list[Finding]:
    return [f for event in events for f in event.findings]


# --- any other tracked file: cqctrack.yaml, a tracker, a concern, a measure -----------------


def compare_file(old: Version | None, new: Version, audit: Audit) -> list[Event]:
    """The changes between two versions of a file that is not an action, field by field.

    `cqctrack.yaml`'s policy and register changes carry `policy-relaxed` where they
    relaxed the rules (rules/governance.py); a measure's new readings carry the
    flags about how they came to be, as an action's entries do.
    """
    commit = new.commit
    if new.data is None:
        return [Event(commit, "deleted", f"file {new.path} deleted")]
    if new.error:
        return [Event(commit, "unreadable", f"this version cannot be read: {new.error}")]
    before = old.data if old is not None and old.data else None
    if before is None:
        found = []
        for reading in _readings(new.data):
            found += audit.reading_flags(commit, reading, new.data.get("period"))
        return [Event(commit, "created", _created_text(new.data), tuple(found))]
    events: list[Event] = []
    _diff(commit, (), before, new.data, events, audit)
    relaxed = [r for r in audit.relaxed if commit is not None and r.at.sha == commit.sha]
    for relaxation in relaxed:
        loc = governance.setting_loc(relaxation.setting)
        path = ".".join(str(part) for part in loc)
        target = next(
            (e for e in events if e.field and (path == e.field or path.startswith(e.field + "."))),
            None,
        )
        flag = governance.relaxation_flag(relaxation)
        if target is None:
            events.append(Event(commit, "field-changed", f"{path} relaxed", (flag,), path))
        else:
            events[events.index(target)] = Event(
                target.commit,
                target.kind,
                target.text,
                (*target.findings, flag),
                target.field,
                target.old,
                target.new,
            )
    return events


def _created_text(data: dict[str, Any]) -> str:
    if "people" in data:
        people = data.get("people") or {}
        count = len(people) if isinstance(people, dict) else 0
        return f"created: {data.get('provider')}, {count} {'person' if count == 1 else 'people'}"
    name = data.get("title") or data.get("name") or data.get("id")
    return f"created: {name}"


def _readings(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = data.get("readings")
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _diff(
    commit: Commit | None,
    path: tuple[str, ...],
    old: Any,
    new: Any,
    events: list[Event],
    audit: Audit,
) -> None:
    dotted = ".".join(path)
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            child = (*path, str(key))
            if child == ("readings",):
                _reading_changes(commit, before, after, events, audit, audit.period)
            elif key not in old:
                text = f"{'.'.join(child)} added: {_show(after)}"
                events.append(Event(commit, "field-added", text, (), ".".join(child), None, after))
            elif key not in new:
                text = f"{'.'.join(child)} removed (was {_show(before)})"
                events.append(
                    Event(commit, "field-removed", text, (), ".".join(child), before, None)
                )
            else:
                _diff(commit, child, before, after, events, audit)
        return
    text = f"{dotted} changed {_show(old)} → {_show(new)}"
    events.append(Event(commit, "field-changed", text, (), dotted, old, new))


def _reading_changes(
    commit: Commit | None, old: Any, new: Any, events: list[Event], audit: Audit, kind: Any
) -> None:
    before = {str(r.get("period")): r for r in old or [] if isinstance(r, dict)}
    after = {str(r.get("period")): r for r in new or [] if isinstance(r, dict)}
    for period, reading in after.items():
        if period not in before:
            who = reading.get("recorded_by")
            text = f"reading for {period} added: {_show(reading.get('value'))}" + (
                f" (recorded by {who})" if who else ""
            )
            flags = audit.reading_flags(commit, reading, kind)
            events.append(Event(commit, "reading-added", text, tuple(flags), "readings"))
        elif before[period] != reading:
            text = f"reading for {period} changed {_show(before[period])} → {_show(reading)}"
            events.append(Event(commit, "reading-changed", text, (), "readings"))
    for period in before.keys() - after.keys():
        events.append(
            Event(commit, "reading-removed", f"reading for {period} removed", (), "readings")
        )
