"""The people register: add, update and record leavers in `cqctrack.yaml`, each one commit.

The register is edited round-trip like every other file (comments and layout
survive) and passes the same gate: an e-mail address already listed for someone
else is refused with `check`'s own finding, and a role change that would leave a
closed action verified by someone who may not verify is refused too, because the
gate judges the whole repository when `cqctrack.yaml` changes.

A leaver keeps their entry and their history: only `left:` is added. From that
day they cannot be given work or act for the service (the recorder refuses it,
and `check` reports entries dated after it), and the open actions they still own
show in the weekly review until someone else owns them (`--reassign-to` does it
in the same commit).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cqctrack.errors import InvalidInput, Refused, UnknownId
from cqctrack.format import models
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.format.vocab import OPEN_STATUSES
from cqctrack.wording import count, date_text
from cqctrack.write import edits
from cqctrack.write.session import Outcome, Recorder

PERSON_ORDER = edits.key_order(models.Person)
ACTION_ORDER = edits.key_order(models.Action)
_PERSON_ID = re.compile(r"^[a-z][a-z0-9._-]{0,39}$")
_ROLE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _trailers(person_id: str, event: str) -> dict[str, str]:
    return {"Person": person_id, "Event": event}


def _check_values(role: str | None, emails: list[str]) -> None:
    reasons = []
    if role is not None and not _ROLE.match(role):
        reasons.append(
            f"--role {role}: use lower case and hyphens, e.g. registered-manager or care-coordinator"
        )
    reasons += [f"--email {e}: not an e-mail address" for e in emails if not _EMAIL.match(e)]
    if reasons:
        raise InvalidInput(
            reasons[0] if len(reasons) == 1 else "these values cannot be used",
            details=reasons if len(reasons) > 1 else None,
        )


def add(
    rec: Recorder,
    person_id: str,
    *,
    name: str,
    role: str,
    emails: list[str],
    by: str | None,
    when: date | None,
) -> Outcome:
    person_id = person_id.strip()
    if not _PERSON_ID.match(person_id):
        raise InvalidInput(
            f"'{person_id}' is not a person id",
            hint="person ids are lower case letters, digits, dots and hyphens, e.g. jreed",
        )
    assert rec.snap.config is not None
    existing = rec.snap.config.people.get(person_id)
    if existing is not None:
        raise Refused(
            f"{person_id} is already in the people register ({existing.name}, {existing.role})",
            hint=f"change their details with `cqctrack people update {person_id}`",
        )
    _check_values(role, emails)
    rec.recorded_by(by, rec.date(when))
    entry: dict[str, Any] = {"name": name, "role": role, "emails": emails or None}
    rec.stage_edit(
        CONFIG_FILE, models.Config, lambda data: edits.add_item(data["people"], person_id, entry)
    )
    return rec.commit_staged(
        f"Add {person_id} ({name}, {role}) to the people register",
        _trailers(person_id, "person-added"),
    )


def _known(rec: Recorder, person_id: str) -> Any:
    assert rec.snap.config is not None
    found = rec.snap.config.people.get(person_id)
    if found is None:
        raise UnknownId(
            f"{person_id} is not in the people register",
            hint="people: " + ", ".join(rec.snap.config.people),
        )
    return found


def update(
    rec: Recorder,
    person_id: str,
    *,
    name: str | None,
    role: str | None,
    add_emails: list[str],
    remove_emails: list[str],
    by: str | None,
    when: date | None,
) -> Outcome:
    person = _known(rec, person_id)
    _check_values(role, add_emails)
    unknown = [e for e in remove_emails if e not in person.emails]
    if unknown:
        raise InvalidInput(
            f"--remove-email {unknown[0]}: {person_id} has no such address",
            hint="addresses: " + (", ".join(person.emails) or "none"),
        )
    emails = [e for e in person.emails if e not in remove_emails]
    emails += [e for e in add_emails if e not in emails]
    changes = []
    if name is not None and name != person.name:
        changes.append(f"name {person.name} -> {name}")
    if role is not None and role != person.role:
        changes.append(f"role {person.role} -> {role}")
    if tuple(emails) != person.emails:
        changes.append("e-mail addresses")
    if not changes:
        raise InvalidInput(
            f"nothing to change for {person_id}",
            hint="give --name, --role, --email or --remove-email with a new value",
        )
    rec.recorded_by(by, rec.date(when))

    def mutate(data: Any) -> None:
        entry = data["people"][person_id]
        if name is not None:
            edits.set_value(entry, "name", name, PERSON_ORDER)
        if role is not None:
            edits.set_value(entry, "role", role, PERSON_ORDER)
        if tuple(emails) != person.emails:
            if emails:
                edits.set_value(entry, "emails", emails, PERSON_ORDER)
            else:
                edits.remove_key(entry, "emails")

    rec.stage_edit(CONFIG_FILE, models.Config, mutate)
    return rec.commit_staged(
        f"Update {person_id}: {', '.join(changes)}", _trailers(person_id, "person-updated")
    )


def leave(
    rec: Recorder,
    person_id: str,
    *,
    when: date | None,
    reassign_to: str | None,
    by: str | None,
) -> Outcome:
    person = _known(rec, person_id)
    if person.left is not None:
        raise Refused(f"{person_id} ({person.name}) left on {date_text(person.left)} already")
    day = rec.date(when)
    recorder = rec.recorded_by(by, day)
    owned = sorted(
        (
            a
            for a in rec.snap.actions.select(
                statuses={s.value for s in OPEN_STATUSES}, owners=[person_id]
            )
        ),
        key=lambda a: a.id,
    )
    successor = None
    if reassign_to is not None:
        successor = rec.current_person(reassign_to, "--reassign-to", day)
        if successor == person_id:
            raise InvalidInput("--reassign-to names the person who is leaving")
    rec.stage_edit(
        CONFIG_FILE,
        models.Config,
        lambda data: edits.set_value(data["people"][person_id], "left", day, PERSON_ORDER),
    )
    if successor is not None:
        for action in owned:
            note = f"Reassigned from {person_id}, who left on {date_text(day)}."

            def mutate(data: Any, note: str = note) -> None:
                edits.set_value(data, "owner", successor, ACTION_ORDER)
                edits.append_entry(
                    data, "progress", {"date": day, "by": recorder, "note": note}, ACTION_ORDER
                )

            rec.stage_edit(rec.snap.source(action.id).path, models.Action, mutate)
    elif owned:
        ids = ", ".join(a.id for a in owned)
        rec.note(
            f"{person.name} still owns {count(len(owned), 'open action')} ({ids}); they show in "
            f"`cqctrack review` until reassigned (`cqctrack update ID --owner PERSON`)"
        )
    leads = [
        f"{field.replace('_', ' ')} of {slug}"
        for slug, tracker in rec.snap.trackers.items()
        for field in ("registered_manager", "nominated_individual", "provider_representative")
        if getattr(tracker, field) == person_id
    ]
    if leads:
        rec.note(f"{person.name} is the {', '.join(leads)}: name a successor in tracker.yaml")
    summary = f"{person_id} ({person.name}) left on {day.isoformat()}"
    if successor is not None and owned:
        summary += f"; {count(len(owned), 'open action')} reassigned to {successor}"
    trailers = _trailers(person_id, "person-left")
    if successor is not None:
        trailers["Reassigned-To"] = successor
    return rec.commit_staged(summary, trailers)


def codeowners(rec: Recorder) -> Outcome:
    """Write CODEOWNERS' cqctrack block from the register and the trackers, in one commit.

    The file is created when missing; lines outside the block are kept. Refused when it
    is already up to date, so that no empty commit is made."""
    from cqctrack.format import codeowners as owners

    if not rec.stage_codeowners([], force=True):
        raise Refused(
            f"{owners.FILE} is already up to date; nothing was written",
            hint="it changes with the people register and the trackers' registered managers",
        )
    return rec.commit_staged(
        f"Update {owners.FILE} from the people register", {"Event": "codeowners"}
    )
