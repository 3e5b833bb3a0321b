"""`cqctrack summary`: counts by BRAG, tracker and key question, and the overdue trend.

The trend compares the number of overdue actions as at the date judged with the
number a week earlier. The files hold today's state, so the state a week ago is
rebuilt from the dates the logs record (created, closure, cancellation,
reopenings) and from when each due-date move happened (git, else the extension
log): an action was overdue then if it was open then and its due date at that
time had passed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from cqctrack.findings import Escalation, Severity
from cqctrack.format.records import Action
from cqctrack.format.vocab import Status
from cqctrack.read import memo
from cqctrack.read.review import Workspace
from cqctrack.rules import drift, governance, measures, staff

WEEK = timedelta(days=7)


@dataclass
class Tally:
    """Counts for one group of actions (the whole repository, a tracker, a key question)."""

    key: str
    label: str
    open: int = 0
    red: int = 0
    amber: int = 0
    green: int = 0
    blue: int = 0
    overdue: int = 0
    overdue_week_ago: int = 0
    provider: int = 0  # escalated to provider level
    manager: int = 0  # escalated to the registered manager
    extensions_logged: int = 0  # entries in open actions' extension logs
    extensions_unlogged: int = 0  # due-date moves of open actions the logs do not record

    def add(self, seen: Seen) -> None:
        self.open += seen.open
        setattr(self, seen.brag, getattr(self, seen.brag) + 1)
        self.overdue += seen.overdue
        self.overdue_week_ago += seen.overdue_before
        self.provider += seen.escalation == Escalation.PROVIDER.value
        self.manager += seen.escalation == Escalation.MANAGER.value
        if seen.open:
            self.extensions_logged += seen.logged
            self.extensions_unlogged += seen.unlogged


class Seen(NamedTuple):
    """What the summary takes from one action's judgement: plain values, so it can be
    kept for the next run (read/memo.py) instead of judging every action again."""

    flag_codes: tuple[str, ...]  # empty unless the action is flagged
    flagged: bool
    cancelled: bool
    brag: str
    escalation: str | None
    open: bool
    logged: int
    unlogged: int
    overdue: bool
    overdue_before: bool
    key_questions: tuple[str, ...]


def _seen(ctx: Workspace, action: Action) -> Seen:
    """Judge one action as the review does, for the summary."""
    today = ctx.today
    facts = ctx.facts(action)
    flagged = drift.is_flagged(facts)
    codes: list[str] = []
    if flagged:
        codes = [f.code for f in facts.flags if f.severity is not Severity.INFO]
        codes += ["drift-unlogged-extension"] * facts.unlogged
    if action.status is Status.CANCELLED:
        return Seen(tuple(codes), flagged, True, "", None, False, 0, 0, False, False, ())
    verdict = drift.assess(facts, ctx.policy, today)
    escalation = verdict.escalation.value if verdict.escalation is not None else None
    return Seen(
        tuple(codes),
        flagged,
        False,
        verdict.brag.value,
        escalation,
        action.is_open,
        facts.logged,
        facts.unlogged,
        drift.is_overdue(facts, today),
        overdue_on(facts, today - WEEK),
        ctx.key_questions(action),
    )


@dataclass
class Summary:
    provider: str
    as_of: date
    total: Tally
    by_tracker: list[Tally]
    by_key_question: list[Tally]
    cancelled: int
    concerns: int
    concerns_resolved: int
    staff_repeats: list[tuple[str, staff.Repeat]]  # (tracker, repeat)
    flagged: int = 0  # actions (any status) with a flag in their history
    flags: dict[str, int] = field(default_factory=dict)  # flag code -> how many
    relaxations: list[governance.Relaxation] = field(default_factory=list)  # recent ones

    @property
    def week_ago(self) -> date:
        return self.as_of - WEEK


def summarise(ctx: Workspace) -> Summary:
    """Counts by BRAG, tracker and key question, and overdue now against a week ago."""
    today, policy = ctx.today, ctx.policy
    snap = ctx.snap
    total = Tally("all", "All trackers")
    trackers = {
        slug: Tally(slug, snap.trackers[slug].name if slug in snap.trackers else slug)
        for slug in sorted(set(snap.trackers) | {s.tracker for s in snap.sources.values()})
    }
    kqs = {kq.id: Tally(kq.id, kq.name) for kq in ctx.catalogue.key_questions.values()}
    cancelled = 0
    flagged = 0
    flags: Counter[str] = Counter()
    kept = memo.Memo(ctx, "summary")
    # Each action's judgement as the plain tuple the memo keeps: one copy, not two.
    seen: dict[str, tuple[Any, ...]] = {}
    for item_id in snap.actions:
        value = kept.get(item_id)
        if value is not None:
            seen[item_id] = tuple(value)
    todo = [item_id for item_id in snap.actions if item_id not in seen]
    if todo:
        # Each action is judged once: neither its record nor its history is worth holding
        # after (at 100,000 actions, 300 MiB of the peak).
        ctx.history.keep = False
        ctx.history.prefetch(todo)
        ctx.prepare(snap.actions.peek(item_id) for item_id in todo)
        for item_id in todo:
            action = snap.actions.peek(item_id)
            seen[item_id] = found = tuple(_seen(ctx, action))
            kept.put(action, found)
    for item_id in snap.actions:
        one = Seen(*seen[item_id])
        if one.flagged:
            flagged += 1
            flags.update(one.flag_codes)
        if one.cancelled:
            cancelled += 1
            continue
        groups = [total, trackers[snap.tracker_of(item_id)]]
        groups += [kqs[kq] for kq in one.key_questions]
        for group in groups:
            group.add(one)
    ctx.save()
    concerns = resolved = 0
    for status in measures.each_concern(snap, today):  # one at a time: none held
        concerns += 1
        resolved += status.resolved
    by_tracker: dict[str, list[str]] = {}
    for item_id in snap.actions:
        by_tracker.setdefault(snap.tracker_of(item_id), []).append(item_id)
    repeats = []
    for slug, ids in sorted(by_tracker.items()):
        known = kept.get_group(f"staff {slug}", ids)
        if known is None:
            actions = [snap.actions.peek(item_id) for item_id in ids]  # one tracker at a time
            checks = staff.checks_by_staff(actions, ctx.catalogue)
            threshold = policy.drift.staff_repeat_threshold
            known = [
                (r.ref, r.actions, r.checked) for r in staff.repeats(actions, threshold, checks)
            ]
            kept.put_group(f"staff {slug}", ids, known)
        repeats += [(slug, staff.Repeat(*r)) for r in known]
    kept.save()
    return Summary(
        provider=snap.config.provider if snap.config else "",
        as_of=today,
        total=total,
        by_tracker=list(trackers.values()),
        by_key_question=list(kqs.values()),
        cancelled=cancelled,
        concerns=concerns,
        concerns_resolved=resolved,
        staff_repeats=repeats,
        flagged=flagged,
        flags=dict(sorted(flags.items())),
        relaxations=governance.recent(ctx.relaxations, today, policy.cadence.monthly_days),
    )


# --- looking back a week ------------------------------------------------------------


def open_on(action: Action, day: date) -> bool:
    """Was the action open at the end of `day`?"""
    if action.created > day:
        return False
    ended = [c.date for c in (action.closure, action.cancellation) if c is not None]
    if any(when <= day for when in ended):
        return False
    # A closure later undone by a reopening: closed between the two dates.
    return not any(r.ended is not None and r.ended <= day < r.date for r in action.reopenings)


def due_on(facts: drift.Facts, day: date) -> date:
    """The due date as it stood at the end of `day`: undo every move made after it."""
    action = facts.action
    seen = {m.new for m in facts.due_moves}
    # A move not yet committed happened after any day in the past.
    changes = [(m.day or date.max, m.old) for m in facts.due_moves]
    changes += [(e.date, e.from_) for e in action.extensions if e.to not in seen]
    later = [c for c in changes if c[0] > day]
    return min(later, key=lambda c: c[0])[1] if later else action.due


def overdue_on(facts: drift.Facts, day: date) -> bool:
    return open_on(facts.action, day) and due_on(facts, day) < day
