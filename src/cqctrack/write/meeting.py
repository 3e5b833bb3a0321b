"""Governance above the action: oversight of a concern or tracker, and whole meetings.

The nominated individual's monthly trend review and the provider's challenge are
about a concern or a whole service, not one action (issue 11: `oversight MED-C1`
was refused). They are review entries in the concern's file or the tracker's
`tracker.yaml`, with the decisions a scope can take (on-track, challenge,
escalate); a monthly one counts as provider scrutiny of every open action under
it (rules/drift.py).

A meeting is recorded in one commit: a review entry in the file of every action
and concern decided on (dated the meeting's date, at its level, by its chair), so
each item's own log shows the decision and the review judges it; and one entry
in the tracker's `meetings` log with who attended and what was decided on: the
minute. Every decision is checked first, all refusals at once, so a meeting is
recorded whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from cqctrack.errors import CqcError, InvalidInput, Refused, UnknownId
from cqctrack.format import models
from cqctrack.format.catalogue import load_catalogue
from cqctrack.format.layout import tracker_file
from cqctrack.format.records import Action, Concern, Review
from cqctrack.format.vocab import OPEN_STATUSES, SCOPE_DECISIONS, Decision, ReviewLevel
from cqctrack.rules import closure as closure_rule
from cqctrack.rules import oversight as oversight_rule
from cqctrack.store import files
from cqctrack.wording import count, date_text
from cqctrack.write import edits, proof
from cqctrack.write.entries import ORDER, _level_for
from cqctrack.write.session import Outcome, Recorder

CONCERN_ORDER = edits.key_order(models.Concern)
_SAID_ONCE = ("oversight-decision-role", "oversight-wrong-role")
TRACKER_ORDER = edits.key_order(models.Tracker)
_CONCERN_ID = re.compile(r"^[A-Z][A-Z0-9]{0,9}-C\d{1,4}$")


@dataclass(frozen=True, slots=True)
class Item:
    """One decision of a meeting: about an action or a concern."""

    id: str
    decision: Decision
    note: str


def level_for(rec: Recorder, person: str, level: ReviewLevel | None) -> ReviewLevel:
    """The level given, or the one `person`'s role usually records (rules/oversight.py)."""
    return level or _level_for(rec, person)


def _may_record(rec: Recorder, person: str, level: ReviewLevel) -> None:
    """Refuse oversight at a level the person's role may not record (policy roles)."""
    wrong = oversight_rule.wrong_level(person, rec.role(person), level, rec.policy)
    if wrong is not None:
        raise Refused(wrong[0], hint=wrong[1])


def _scope_decision(decision: Decision, what: str) -> None:
    if decision not in SCOPE_DECISIONS:
        raise InvalidInput(
            f"{decision.value} is a decision on an action's closure, not on {what}",
            hint="a concern or tracker review decides on-track, challenge or escalate",
        )


def scope_oversight(
    rec: Recorder,
    target: str,
    *,
    decision: Decision,
    by: str | None,
    note: str,
    level: ReviewLevel | None,
    when: date | None,
) -> Outcome:
    """Record oversight of a concern (MED-C1) or a whole tracker (its slug)."""
    day = rec.date(when)
    reviewer = rec.recorded_by(by, day)
    chosen = level_for(rec, reviewer, level)
    _may_record(rec, reviewer, chosen)
    entry = {"date": day, "by": reviewer, "level": chosen, "decision": decision, "note": note}
    item_id = target.strip().upper()
    if _CONCERN_ID.match(item_id):
        concern = _concern(rec, item_id)
        _scope_decision(decision, f"a concern ({concern.id})")
        rel = rec.snap.source(concern.id).path
        rec.stage_edit(
            rel,
            models.Concern,
            lambda data: edits.append_entry(data, "reviews", entry, CONCERN_ORDER),
        )
        subject, trailers = concern.id, {"Concern": concern.id}
    else:
        slug = target.strip()
        if slug not in rec.snap.trackers:
            raise UnknownId(
                f"there is no action, concern or tracker {target}",
                hint="trackers: " + (", ".join(rec.snap.trackers) or "none"),
            )
        _scope_decision(decision, f"a tracker ({slug})")
        rec.stage_edit(
            tracker_file(slug),
            models.Tracker,
            lambda data: edits.append_entry(data, "reviews", entry, TRACKER_ORDER),
        )
        subject, trailers = slug, {"Tracker": slug}
    return rec.commit_staged(
        f"{subject}: {entry['level']} oversight, {decision.value} ({reviewer})",
        {**trailers, "Event": "reviewed", "Decision": decision.value},
    )


def _concern(rec: Recorder, concern_id: str) -> Concern:
    concern = rec.snap.concerns.get(concern_id)
    if concern is None:
        raise UnknownId(
            f"there is no concern {concern_id}",
            hint="concerns: " + (", ".join(rec.snap.concerns) or "none yet"),
        )
    found: Concern = concern
    return found


def _check_action(
    rec: Recorder, action: Action, decision: Decision, chair: str, entry: dict[str, Any]
) -> list[str]:
    """Why `decision` cannot be recorded on `action` (the same rules as `oversight`)."""
    reasons = []
    closing = decision in (Decision.APPROVE_CLOSURE, Decision.REJECT_CLOSURE)
    if closing and action.status not in OPEN_STATUSES:
        reasons.append(f"{action.id} is {action.status}, so a {decision.value} cannot be recorded")
    if closing and rec.role(chair) not in rec.policy.closure.verifier_roles:
        reasons.append(
            f"{action.id}: the chair {chair} is a {rec.role(chair)}, who may not "
            f"{decision.value.replace('-', ' ')}"
        )
    if decision is Decision.APPROVE_CLOSURE:
        unmet = closure_rule.unmet_requirements(action, load_catalogue(), files.checker(rec.root))
        if unmet:
            reasons.append(
                f"{action.id}: closure cannot be approved; requirements {', '.join(unmet)} have no "
                "usable evidence"
            )
    # Who may record it, and the proof of a closure decision: as `oversight` judges them
    # (the chair's role for the decision and the level are said once, in the meeting's words).
    review = Review(entry["date"], chair, entry["level"], decision, entry["note"])
    problems = oversight_rule.review_problems(action, review, rec.snap.people, rec.policy)
    problems += proof.proof(rec, "reviews", entry)
    reasons += [f"{action.id}: {p.message}" for p in problems if p.code not in _SAID_ONCE]
    return reasons


def _appending(log: str, entry: dict[str, Any], order: list[str]) -> Callable[[Any], None]:
    return lambda data: edits.append_entry(data, log, entry, order)


def record(
    rec: Recorder,
    items: list[Item],
    *,
    level: ReviewLevel | None,
    chair: str | None,
    attendees: list[str],
    note: str | None,
    when: date | None,
) -> Outcome:
    """Record a meeting: its decisions in their files and its minute in the tracker, at once."""
    if not items:
        raise InvalidInput("the meeting decided nothing, so there is nothing to record")
    day = rec.date(when)
    chaired = rec.recorded_by(chair, day)
    meeting_level = level_for(rec, chaired, level)
    people = list(dict.fromkeys([chaired, *attendees]))
    reasons: list[str] = []
    wrong = oversight_rule.wrong_level(chaired, rec.role(chaired), meeting_level, rec.policy)
    if wrong is not None:
        reasons.append(f"the chair {wrong[0]}")
    for person in people[1:]:
        try:
            rec.current_person(person, "--attendee", day)
        except CqcError as err:
            reasons.append(err.message)
    seen: set[str] = set()
    by_tracker: dict[str, list[str]] = {}
    staged: list[tuple[str, type[BaseModel], dict[str, Any], list[str]]] = []
    for item in items:
        item_id = item.id.strip().upper()
        if item_id in seen:
            reasons.append(f"{item_id} is decided on twice")
            continue
        seen.add(item_id)
        entry = {
            "date": day,
            "by": chaired,
            "level": meeting_level,
            "decision": item.decision,
            "note": item.note,
        }
        if not item.note.strip():
            reasons.append(f"{item_id}: the decision needs a note (what was checked, and why)")
        if item_id in rec.snap.actions:
            action: Action = rec.snap.actions[item_id]
            reasons += _check_action(rec, action, item.decision, chaired, entry)
            rel, order = rec.snap.source(item_id).path, ORDER
            model_type: type[BaseModel] = models.Action
        elif item_id in rec.snap.concerns:
            if item.decision not in SCOPE_DECISIONS:
                reasons.append(f"{item_id} is a concern: {item.decision.value} is for actions")
            rel, order = rec.snap.source(item_id).path, CONCERN_ORDER
            model_type = models.Concern
        else:
            reasons.append(f"there is no action or concern {item_id}")
            continue
        by_tracker.setdefault(rec.snap.tracker_of(item_id), []).append(item_id)
        staged.append((rel, model_type, entry, order))
    for slug in by_tracker:
        tracker = rec.snap.trackers.get(slug)
        if tracker is not None and any(
            m.date == day and m.level is meeting_level for m in tracker.meetings
        ):
            reasons.append(
                f"a {meeting_level} meeting on {date_text(day)} is already recorded for {slug}"
            )
    if reasons:
        raise Refused("the meeting was not recorded; nothing was written", details=reasons)
    for rel, model_type, entry, order in staged:
        rec.stage_edit(rel, model_type, _appending("reviews", entry, order))
    for slug, reviewed in by_tracker.items():
        minute = {
            "date": day,
            "level": meeting_level,
            "chair": chaired,
            "attendees": people,
            "reviewed": reviewed,
            "note": note,
        }
        rec.stage_edit(
            tracker_file(slug), models.Tracker, _appending("meetings", minute, TRACKER_ORDER)
        )
    where = ", ".join(by_tracker)
    return rec.commit_staged(
        f"{where}: {meeting_level} meeting {day.isoformat()}, "
        f"{count(len(items), 'decision')} (chair {chaired})",
        {"Tracker": where, "Event": "meeting", "Decisions": str(len(items))},
    )
