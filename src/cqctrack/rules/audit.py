"""The audit trail: the events between two versions of an action file, and what to flag.

Works on the parsed YAML of each version (plain dictionaries), so a hand edit
reads exactly like a change cqctrack made. `git/facts.py` finds the versions; the
flags a reviewer must see are decided here, next to the change they are about,
each a finding with a code:

- a due date moved later without a logged extension (`drift-unlogged-extension`,
  judged in rules/extensions.py, the same finding `check` and the review count);
- evidence edited or removed after closure (`audit-evidence-edited-after-closure`,
  `audit-evidence-removed-after-closure`);
- an evidence requirement removed or changed after the action was agreed
  (`audit-requirement-removed`, `audit-requirement-changed`);
- a closure committed by someone other than its verifier, or whose verifier has
  no e-mail to check it against (`audit-closure-not-by-verifier`,
  `audit-verifier-no-email`);
- entries dated well before the commit that added them (`audit-backdated`);
- an extension logged long after its move (`audit-extension-logged-late`);
- the file deleted (`audit-file-deleted`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cqctrack.findings import Finding, Severity
from cqctrack.format.history import Commit, DueMove, Logged, Version
from cqctrack.format.policy import DEFAULT_POLICY, Policy
from cqctrack.format.records import Config
from cqctrack.format.vocab import iso_date
from cqctrack.rules import extensions
from cqctrack.wording import date_text, value_date

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
    """What comparing versions needs besides the versions: people, policy and git's moves."""

    config: Config | None
    moves: tuple[DueMove, ...]
    subject: str | None = None

    @property
    def policy(self) -> Policy:
        return self.config.policy if self.config else DEFAULT_POLICY


def compare(old: Version | None, new: Version, audit: Audit) -> list[Event]:
    commit = new.commit
    if new.data is None:
        found = _flag("audit-file-deleted", "the action file was deleted", commit, audit.subject)
        return [Event(commit, "deleted", f"file {new.path} deleted", (found,))]
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
    for log in LOGS:
        for entry in data.get(log) or []:
            found += _backdated(commit, entry, log, audit)
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
        message = f"evidence requirement {rid} was removed after the action was agreed"
        events.append(
            Event(
                commit,
                "requirement-removed",
                f"evidence requirement {rid} removed",
                (_flag("audit-requirement-removed", message, commit, audit.subject),),
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
            message = f"evidence requirement {rid} was changed after the action was agreed"
            events.append(
                Event(
                    commit,
                    "requirement-changed",
                    f"evidence requirement {rid} changed",
                    (_flag("audit-requirement-changed", message, commit, audit.subject),),
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
            found += _backdated(commit, entry, "extensions", audit)
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
    was_closed = old.get("status") == "closed" or bool(old.get("reopenings"))
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
                tuple(_backdated(commit, entry, "reviews", audit)),
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
                tuple(_backdated(commit, entry, "progress", audit)),
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
                    tuple(_backdated(commit, entry, "extensions", audit)),
                )
            )
    events += _evidence_changes(commit, old, new, was_closed, audit, replacing)
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
        found = _backdated(commit, fix, "corrections", audit)
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
    was_closed: bool,
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
                    tuple(_backdated(commit, entry, "evidence", audit)),
                )
            )
        elif before[eid] != entry:
            found = (
                (
                    _flag(
                        "audit-evidence-edited-after-closure",
                        f"evidence {eid} was edited after closure",
                        commit,
                        audit.subject,
                    ),
                )
                if was_closed
                else ()
            )
            events.append(Event(commit, "evidence-edited", f"evidence {eid} edited", found))
    for eid in before.keys() - after.keys():
        found = (
            (
                _flag(
                    "audit-evidence-removed-after-closure",
                    f"evidence {eid} was removed after closure",
                    commit,
                    audit.subject,
                ),
            )
            if was_closed
            else ()
        )
        events.append(Event(commit, "evidence-removed", f"evidence {eid} removed", found))
    return events


def _closure_changes(
    commit: Commit | None, old: dict[str, Any], new: dict[str, Any], audit: Audit
) -> list[Event]:
    events = []
    closure = new.get("closure")
    if isinstance(closure, dict) and closure != old.get("closure"):
        verifier = closure.get("verified_by")
        found = _backdated(commit, closure, "closure", audit)
        if closure.get("imported") is True:
            message = (
                f"closure marked as imported, verified by {verifier} as a spreadsheet "
                "recorded it; not verified in cqctrack"
            )
            found.append(_flag("audit-imported-closure", message, commit, audit.subject))
        else:
            found += _committed_by_verifier(commit, str(verifier), audit)
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
        events.append(
            Event(commit, "reopened", text, tuple(_backdated(commit, entry, "reopenings", audit)))
        )
    cancellation = new.get("cancellation")
    if isinstance(cancellation, dict) and cancellation != old.get("cancellation"):
        found = _backdated(commit, cancellation, "cancellation", audit)
        who, why = cancellation.get("approved_by"), cancellation.get("reason")
        events.append(
            Event(commit, "cancelled", f"cancelled, approved by {who}: {why}", tuple(found))
        )
    return events


def _committed_by_verifier(commit: Commit | None, verifier: str, audit: Audit) -> list[Finding]:
    config = audit.config
    if commit is None or config is None or verifier not in config.people:
        return []
    emails = {e.lower() for e in config.people[verifier].emails}
    if not emails:
        message = (
            f"closure committed by {commit.author_name}; {verifier} has no e-mail in the "
            "people register to confirm it was them"
        )
        return [_flag("audit-verifier-no-email", message, commit, audit.subject)]
    if commit.author_email.lower() not in emails:
        message = (
            f"closure committed by {commit.author_name} <{commit.author_email}>, "
            f"not by the recorded verifier {verifier}"
        )
        return [_flag("audit-closure-not-by-verifier", message, commit, audit.subject)]
    return []


_WHAT = {
    "evidence": "evidence {id}",
    "reviews": "a review",
    "progress": "a progress note",
    "extensions": "an extension",
    "closure": "the closure",
    "reopenings": "a reopening",
    "cancellation": "the cancellation",
    "corrections": "a correction",
}


def _backdated(commit: Commit | None, entry: Any, log: str, audit: Audit) -> list[Finding]:
    if commit is None or not isinstance(entry, dict):
        return []
    when = iso_date(str(entry.get("date")))
    if when is None:
        return []
    lag = (commit.when.date() - when).days
    if lag <= audit.policy.audit.backdating_days:
        return []
    what = _WHAT.get(log, log).format(id=entry.get("id"))
    message = (
        f"{what} dated {date_text(when)} was committed {lag} days later "
        f"({date_text(commit.when.date())})"
    )
    return [_flag("audit-backdated", message, commit, audit.subject)]


def flags(events: Iterable[Event]) -> list[Finding]:
    return [f for event in events for f in event.findings]
