"""Drift: the BRAG rating and escalation of each action, and why. The one place these rules live.

A quality lead reads the weekly review to see which actions are drifting: overdue,
weakly evidenced, repeatedly extended or slipping out of oversight. Every rule below
is a small pure function of one action's facts, the policy in `cqctrack.yaml` and
the date being judged (`today`, passed in: `--as-of` makes any run reproducible).
A rule returns a `Finding` (a rating, an optional escalation and a reason in plain
words) or None. `assess` runs them all:

- BRAG: Red if any finding is red, else Amber if any is amber. With no findings an
  open action is Green and a closed one Blue (complete, with evidence that meets
  every requirement). Cancelled actions are not rated.
- Escalation: the highest level any finding asks for. Provider level means the
  nominated individual and provider representative; the registered manager takes
  the lesser triggers. Findings with no escalation are for the owner to act on.

| rule                   | rating | escalation         |
|------------------------|--------|--------------------|
| owner has left         | red    | manager            |
| overdue                | red    | manager; provider beyond the grace period |
| extended >= threshold  | red    | provider           |
| extended below it      | amber  | manager if any move was not logged |
| high-risk unreviewed   | red    | manager            |
| unreviewed (weekly)    | amber  | manager            |
| no provider scrutiny   | amber  | provider           |
| closure rejected       | amber  | provider           |
| escalated at review    | amber  | provider           |
| challenged at review   | amber  | none               |
| weak evidence          | amber  | manager            |
| awaiting verification too long | amber | manager   |
| due soon               | amber  | none               |
| reopened               | amber  | none               |
| imported closure       | amber  | manager            |

Which reviews reset the cadence clocks is decided in rules/oversight.py: not the
owner's own, not one by a role that may not record that level, not one committed
long after the date it carries; the reasons say when an entry did not count.

History's flags about the action (a sign-off git does not prove, an entry dated
after its commit, evidence removed after closure, ...; see rules/governance.py)
are reasons too: Red for errors, Amber for warnings, for the registered manager.

Escalation never routes to the person it is about: when the registered manager
owns the action or caused the lapse (committed the unlogged due-date move or a
flagged entry), it goes to provider level instead, and provider level leaves out
whichever of its people owns the action or caused the lapse.

Facts (what git or the evidence files say) are gathered elsewhere and handed in
as `Facts`; nothing here touches disk or git. Each finding is a `findings.Finding`
carrying its BRAG contribution and escalation; its code is stable (the review's
JSON `findings[].code`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from cqctrack.findings import ESCALATION_ORDER, Brag, Escalation, Finding, Severity
from cqctrack.format.history import ActionHistory, DueMove
from cqctrack.format.policy import Policy
from cqctrack.format.records import Action, Person, Review
from cqctrack.format.vocab import Decision, ReviewLevel, Risk, Status
from cqctrack.rules import extensions, oversight
from cqctrack.wording import date_text, days_text, times_text


def _drift(code: str, brag: Brag, message: str, escalate: Escalation | None = None) -> Finding:
    severity = Severity.ERROR if brag is Brag.RED else Severity.WARNING
    return Finding(code=code, message=message, severity=severity, brag=brag, escalate=escalate)


class Leaders(NamedTuple):
    """Who an action's tracker escalates to: its registered manager, then provider level."""

    manager: str | None = None
    provider: tuple[str, ...] = ()  # nominated individual, provider representative


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules may look at for one action. Facts only: no judgement."""

    action: Action
    unlogged: int = 0  # extensions (due-date moves later) the extension log does not record
    due_moves: tuple[DueMove, ...] = ()  # every due-date change git saw, oldest first
    last_changed: date | None = None  # last commit touching the file; None outside git
    unmet: tuple[str, ...] = ()  # requirement ids without usable evidence (see closure.py)
    names: Mapping[str, str] = field(default_factory=dict)  # person id -> name, for reasons
    left: Mapping[str, date] = field(default_factory=dict)  # person id -> the day they left
    # Reviews of the action's concern and tracker: a monthly one is provider scrutiny of
    # every open action under it (the nominated individual's monthly trend review).
    above: tuple[Review, ...] = ()
    people: Mapping[str, Person] = field(default_factory=dict)  # the register, for roles
    # Review position in the file -> days from the date it carries to the commit that
    # added it (git).
    review_lags: Mapping[int, int] = field(default_factory=dict)
    leaders: Leaders = field(default_factory=Leaders)
    causers: frozenset[str] = frozenset()  # people whose commits caused a flagged lapse
    flags: tuple[Finding, ...] = ()  # history's flags about the action (rules/governance.py)
    # Which review counts for each cadence, worked out once per action (several rules ask).
    cadence: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def name(self, person_id: str) -> str:
        return self.names.get(person_id, person_id)

    @property
    def logged(self) -> int:
        return len(self.action.extensions)

    @property
    def extensions(self) -> int:
        return self.logged + self.unlogged


def facts_for(
    action: Action,
    history: ActionHistory | None,
    policy: Policy,
    unmet: tuple[str, ...] = (),
    names: Mapping[str, str] | None = None,
    left: Mapping[str, date] | None = None,
    above: tuple[Review, ...] = (),
    **more: object,
) -> Facts:
    """Combine the file's own logs with git's record of its due-date moves.

    Which moves the extension log records is decided in rules/extensions.py, the
    same judgement `history` and `check` show. `more` passes the other `Facts`
    fields (people, review lags, leaders, causers, flags).
    """
    moves = history.due_moves if history is not None else ()
    unlogged = extensions.count_unlogged(action, moves, policy)
    last = history.last_changed.date() if history and history.last_changed else None
    return Facts(
        action,
        unlogged,
        moves,
        last,
        unmet,
        names or {},
        left or {},
        above,
        **more,  # type: ignore[arg-type]
    )


# --- small facts the rules and filters share ------------------------------------------


def days_overdue(action: Action, today: date) -> int:
    return (today - action.due).days if action.is_open and action.due < today else 0


def last_review(action: Action, level: ReviewLevel | None = None) -> Review | None:
    """The latest review (of `level`, if given); on a tie, the one written last."""
    found = None
    for review in action.current_reviews:
        if (level is None or review.level is level) and (
            found is None or review.date >= found.date
        ):
            found = review
    return found


def days_closed(action: Action, since: date, until: date) -> int:
    """Days between `since` and `until` the action spent closed or cancelled (before a
    reopening): time nobody was meant to be reviewing or finishing it."""
    total = 0
    for reopening in action.reopenings:
        ended = reopening.ended
        if ended is None:
            continue
        start, end = max(ended, since), min(reopening.date, until)
        if end > start:
            total += (end - start).days
    return total


def cadence_review(
    facts: Facts, policy: Policy, level: ReviewLevel | None = None
) -> tuple[Review | None, list[oversight.Discount]]:
    """The latest review counting towards the cadence of `level` (None: management review),
    and later entries that do not count (judged in rules/oversight.py)."""
    key = (level, id(policy))
    found = facts.cadence.get(key)
    if found is None:
        found = facts.cadence[key] = oversight.counting_review(
            facts.action, level, facts.people, policy, facts.review_lags
        )
    return found  # type: ignore[return-value]


def days_unreviewed(
    facts: Facts, policy: Policy, today: date, level: ReviewLevel | None = None
) -> int:
    """Days open since the last review counting towards `level`'s cadence, or since
    creation when there is none; days spent closed before a reopening do not count."""
    review, _ = cadence_review(facts, policy, level)
    since = review.date if review is not None else facts.action.created
    return max((today - since).days - days_closed(facts.action, since, today), 0)


def standing_rejection(action: Action) -> Review | None:
    """The reject-closure review that still stands: no approval or closure came after it."""
    standing = None
    for review in sorted(action.current_reviews, key=lambda r: r.date):
        if review.decision is Decision.REJECT_CLOSURE:
            standing = review
        elif review.decision is Decision.APPROVE_CLOSURE:
            standing = None
    if standing is not None and action.closure is not None:
        return standing if action.closure.date < standing.date else None
    return standing


def is_overdue(facts: Facts, today: date) -> bool:
    return days_overdue(facts.action, today) > 0


def is_unreviewed(facts: Facts, policy: Policy, today: date) -> bool:
    action = facts.action
    if not action.is_open:
        return False
    days = days_unreviewed(facts, policy, today)
    return (
        days > policy.cadence.weekly_days
        or (action.risk is Risk.HIGH and days > policy.drift.high_risk_review_days)
        or _provider_scrutiny_missed(facts, policy, today)
    )


def is_extended(facts: Facts, policy: Policy) -> bool:
    return facts.extensions >= policy.drift.extension_threshold


def is_weak(facts: Facts) -> bool:
    """Put forward (awaiting verification) or closed, with evidence short of its requirements."""
    status = facts.action.status
    if status is Status.CLOSED and facts.action.closure is None:
        return True
    return status in (Status.AWAITING_VERIFICATION, Status.CLOSED) and bool(facts.unmet)


def is_flagged(facts: Facts) -> bool:
    """A flag in the action's history: a due-date move never logged, or any finding
    rules/governance.py gives (an unproven sign-off, an entry dated after its commit...)."""
    return facts.unlogged > 0 or any(f.severity is not Severity.INFO for f in facts.flags)


def import_confirmation(action: Action) -> Review | None:
    """The approve-closure decision that confirms a closure copied from a spreadsheet.

    `closure.imported: true` means the closure is what an imported plan said: its
    date, verifier and outcome were never checked in cqctrack. It is confirmed by an
    approve-closure review recorded on or after the import (or the closure, for a
    hand-marked one) by someone other than the owner, with no reject-closure after it.
    """
    closure = action.closure
    if closure is None or not closure.imported:
        return None
    since = action.imported.date if action.imported is not None else closure.date
    standing = None
    for review in sorted(action.current_reviews, key=lambda r: r.date):
        if review.date < since:
            continue
        if review.decision is Decision.APPROVE_CLOSURE and review.by != action.owner:
            standing = review
        elif review.decision is Decision.REJECT_CLOSURE:
            standing = None
    return standing


def is_unconfirmed_import(action: Action) -> bool:
    """Closed by an imported closure that no one has confirmed in cqctrack."""
    closure = action.closure
    return (
        action.status is Status.CLOSED
        and closure is not None
        and bool(closure.imported)
        and import_confirmation(action) is None
    )


def last_provider_review(facts: Facts, policy: Policy) -> Review | None:
    """The latest monthly review counting as provider scrutiny: of the action (judged in
    rules/oversight.py), or of its concern or tracker by a role that may record it."""
    found, _ = cadence_review(facts, policy, ReviewLevel.MONTHLY)
    for review in facts.above:
        counts = oversight.may_record(review, ReviewLevel.MONTHLY, facts.people, policy)
        if counts and (found is None or review.date > found.date):
            found = review
    return found


def days_without_provider_review(facts: Facts, policy: Policy, today: date) -> int:
    review = last_provider_review(facts, policy)
    since = review.date if review is not None else facts.action.created
    return max((today - since).days - days_closed(facts.action, since, today), 0)


def _provider_scrutiny_missed(facts: Facts, policy: Policy, today: date) -> bool:
    return days_without_provider_review(facts, policy, today) > policy.cadence.monthly_days


# --- wording -------------------------------------------------------------------------


def _unreviewed_for(
    facts: Facts, policy: Policy, today: date, level: ReviewLevel | None = None
) -> str:
    review, passed = cadence_review(facts, policy, level)
    days = days_text(days_unreviewed(facts, policy, today, level))
    since = review.date if review is not None else facts.action.created
    closed = days_closed(facts.action, since, today)
    if closed:
        text = f"for {days} open (not counting {days_text(closed)} closed)"
    elif review is None:
        text = f"since it was created {days} ago"
    else:
        text = f"for {days}"
    if passed:
        text += "; " + "; ".join(oversight.discount_text(d, facts.names) for d in passed)
    return text


# --- the rules -----------------------------------------------------------------------
# Each takes (facts, policy, today) and returns a Finding or None.

Rule = Callable[[Facts, Policy, date], Finding | None]


def overdue(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # An open action past its due date is the clearest sign of drift: red. The
    # registered manager deals with it first; once it is overdue beyond the grace
    # period the service has had its chance and provider oversight must step in.
    days = days_overdue(facts.action, today)
    if days == 0:
        return None
    grace = policy.drift.escalation_grace_days
    if days > grace:
        reason = f"overdue by {days_text(days)}, beyond the {grace}-day grace period"
        return _drift("overdue", Brag.RED, reason, Escalation.PROVIDER)
    return _drift("overdue", Brag.RED, f"overdue by {days_text(days)}", Escalation.MANAGER)


def extended(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # Repeated extensions hide drift behind a due date that is never missed, so
    # from the threshold an action is red and challenged at provider level. Due-date
    # moves found in git but missing from the extension log count too: an extension
    # nobody approved is worse than one that was. Below the threshold an extension
    # is a warning sign (amber), and an unlogged move goes to the registered manager.
    total = facts.extensions
    if not facts.action.is_open or total == 0:
        return None
    reason = f"extended {times_text(total)} ({_extension_breakdown(facts)}"
    threshold = policy.drift.extension_threshold
    if total >= threshold:
        reason += f"; policy: {threshold})"
        return _drift("extended", Brag.RED, reason, Escalation.PROVIDER)
    escalate = Escalation.MANAGER if facts.unlogged else None
    return _drift("extended", Brag.AMBER, reason + ")", escalate)


def _extension_breakdown(facts: Facts) -> str:
    if not facts.unlogged:
        return "logged" if facts.logged == 1 else f"{facts.logged} logged"
    moves = "due-date move" if facts.unlogged == 1 else "due-date moves"
    unlogged = f"{facts.unlogged} {moves} not logged"
    if not facts.logged:
        return f"{moves} not logged" if facts.unlogged == 1 else unlogged
    return f"{facts.logged} logged, {unlogged}"


def high_risk_unreviewed(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # High-risk actions concern harm to people; one that has gone without a review
    # for longer than policy allows is red whatever its due date.
    action, limit = facts.action, policy.drift.high_risk_review_days
    if not action.is_open or action.risk is not Risk.HIGH:
        return None
    if days_unreviewed(facts, policy, today) <= limit:
        return None
    since = _unreviewed_for(facts, policy, today)
    reason = f"high-risk action not reviewed {since} (policy: {limit})"
    return _drift("high-risk-unreviewed", Brag.RED, reason, Escalation.MANAGER)


def unreviewed(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # Every open action should be looked at in the weekly management review. A
    # review exactly `weekly_days` ago is on time (same weekday, one week on). A
    # high-risk action already reported red by the rule above is not repeated here.
    action, limit = facts.action, policy.cadence.weekly_days
    days = days_unreviewed(facts, policy, today)
    if not action.is_open or days <= limit:
        return None
    if action.risk is Risk.HIGH and days > policy.drift.high_risk_review_days:
        return None
    since = _unreviewed_for(facts, policy, today)
    reason = f"not reviewed {since} (policy: every {days_text(limit)})"
    return _drift("unreviewed", Brag.AMBER, reason, Escalation.MANAGER)


def provider_scrutiny(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # Provider scrutiny (a `monthly` review by the nominated individual, provider
    # representative or quality lead) is how the provider shows it is challenging
    # progress; an open action that has missed it is amber and goes to them.
    action, limit = facts.action, policy.cadence.monthly_days
    if not action.is_open or not _provider_scrutiny_missed(facts, policy, today):
        return None
    days = days_text(days_without_provider_review(facts, policy, today))
    since = (
        f"for {days}" if last_provider_review(facts, policy) else f"since it was created {days} ago"
    )
    _, passed = cadence_review(facts, policy, ReviewLevel.MONTHLY)
    if passed:
        since += "; " + "; ".join(oversight.discount_text(d, facts.names) for d in passed)
    reason = f"no provider-level review {since} (policy: every {days_text(limit)})"
    return _drift("no-provider-review", Brag.AMBER, reason, Escalation.PROVIDER)


def closure_rejected(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # Closure evidence rejected at review means the service believed practice had
    # changed and it had not: the provider needs to know, until an approval or a
    # verified closure supersedes the rejection.
    review = standing_rejection(facts.action)
    if review is None or facts.action.status is Status.CANCELLED:
        return None
    when = date_text(review.date)
    reason = f"closure evidence rejected at the review on {when} by {facts.name(review.by)}"
    return _drift("closure-rejected", Brag.AMBER, reason, Escalation.PROVIDER)


def review_decision(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # The latest review's decision stands until the next review: a reviewer who
    # escalated has asked for provider attention; one who challenged has asked
    # the owner for more, which is a warning sign but not yet an escalation.
    action = facts.action
    review = last_review(action)
    if review is None or not action.is_open:
        return None
    when = f"at the review on {date_text(review.date)} by {facts.name(review.by)}"
    if review.decision is Decision.ESCALATE:
        return _drift("escalated-at-review", Brag.AMBER, f"escalated {when}", Escalation.PROVIDER)
    if review.decision is Decision.CHALLENGE:
        return _drift("challenged-at-review", Brag.AMBER, f"challenged {when}")
    return None


def weak_evidence(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # Completion alone does not prove improvement. An action put forward for
    # verification, or closed, without evidence meeting every requirement is
    # amber and goes to the registered manager, who verifies closures.
    if not is_weak(facts):
        return None
    action = facts.action
    if action.status is Status.CLOSED and action.closure is None:
        reason = "closed without a closure record"
    else:
        unmet = ", ".join(facts.unmet)
        had = "closed, but" if action.status is Status.CLOSED else "awaiting verification, but"
        reason = (
            f"{had} evidence does not meet requirement{'s' if len(facts.unmet) > 1 else ''} {unmet}"
        )
    return _drift("weak-evidence", Brag.AMBER, reason, Escalation.MANAGER)


def awaiting_too_long(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # An action whose evidence is in should be verified at the next weekly review;
    # left waiting longer, it is neither closed nor being worked. Measured from the
    # latest evidence, the best date the file holds for when it was put forward.
    action, limit = facts.action, policy.cadence.weekly_days
    evidence = action.current_evidence
    if action.status is not Status.AWAITING_VERIFICATION or not evidence:
        return None
    latest = max(e.date for e in evidence)
    days = (today - latest).days
    if days <= limit:
        return None
    reason = (
        f"awaiting verification for {days_text(days)} since the last evidence "
        f"({date_text(latest)}; policy: verify within {days_text(limit)})"
    )
    return _drift("awaiting-verification", Brag.AMBER, reason, Escalation.MANAGER)


def due_soon(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # Early warning: an open action falling due within `due_soon_days` is amber so
    # the owner can finish it or ask for an extension before it is late.
    action = facts.action
    left = (action.due - today).days
    if not action.is_open or not 0 <= left <= policy.drift.due_soon_days:
        return None
    when = "today" if left == 0 else "tomorrow" if left == 1 else f"in {days_text(left)}"
    return _drift("due-soon", Brag.AMBER, f"due {when} ({date_text(action.due)})")


def owner_left(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # Every action needs a named owner. One whose owner has left has nobody doing it:
    # red, for the registered manager to reassign.
    action = facts.action
    gone = facts.left.get(action.owner)
    if not action.is_open or gone is None or gone > today:
        return None
    reason = f"its owner {facts.name(action.owner)} left on {date_text(gone)}; reassign it"
    return _drift("owner-left", Brag.RED, reason, Escalation.MANAGER)


def reopened(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # A reopened action was closed once and the closure did not hold: a warning
    # sign about the evidence used the first time.
    action = facts.action
    if not action.is_open or not action.reopenings:
        return None
    last = action.reopenings[-1]
    return _drift(
        "reopened", Brag.AMBER, f"reopened on {date_text(last.date)} by {facts.name(last.by)}"
    )


def imported_closure(facts: Facts, policy: Policy, today: date) -> Finding | None:
    # A closure copied from a spreadsheet is the plan's word that the work was done,
    # not a verification anyone made in cqctrack. It is never rated Blue on trust: it
    # stays amber, for the registered manager, until an approve-closure decision
    # made since the import confirms it.
    action = facts.action
    if not is_unconfirmed_import(action):
        return None
    where = f" ({action.imported.where})" if action.imported is not None else ""
    reason = f"closed in the imported plan{where}; the closure is not yet confirmed in cqctrack"
    return _drift("imported-closure", Brag.AMBER, reason, Escalation.MANAGER)


RULES: tuple[Rule, ...] = (
    owner_left,
    overdue,
    extended,
    high_risk_unreviewed,
    closure_rejected,
    review_decision,
    weak_evidence,
    awaiting_too_long,
    unreviewed,
    provider_scrutiny,
    due_soon,
    reopened,
    imported_closure,
)


def flagged(facts: Facts) -> list[Finding]:
    # A flag in the action's history (a sign-off git does not prove, an entry dated
    # after its commit, evidence removed after closure...) needs a manager's eye
    # whether the action is open or closed: Red for errors, Amber for warnings.
    out = []
    for flag in facts.flags:
        if flag.severity is Severity.INFO:
            continue
        brag = Brag.RED if flag.severity is Severity.ERROR else Brag.AMBER
        out.append(flag._replace(brag=brag, escalate=Escalation.MANAGER))
    return out


@dataclass(frozen=True, slots=True)
class Assessment:
    facts: Facts
    brag: Brag
    findings: tuple[Finding, ...]
    escalation: Escalation | None
    route: tuple[str, ...] = ()  # the people it escalates to (person ids)
    route_note: str | None = None  # why it goes where it goes, when not the usual place

    @property
    def reasons(self) -> list[str]:
        return [f.message for f in self.findings]

    @property
    def escalation_reasons(self) -> list[str]:
        levels = {self.escalation}
        if self.route_note is not None:
            levels.add(Escalation.MANAGER)  # raised from the registered manager
        return [f.message for f in self.findings if f.escalate in levels]

    @property
    def needs_attention(self) -> bool:
        return self.brag in (Brag.RED, Brag.AMBER)


def assess(facts: Facts, policy: Policy, today: date) -> Assessment:
    """Rate one action and decide its escalation; reasons in rule order, then flags."""
    found = [f for rule in RULES if (f := rule(facts, policy, today)) is not None]
    findings = tuple(found + flagged(facts))
    if any(f.brag is Brag.RED for f in findings):
        brag = Brag.RED
    elif findings:
        brag = Brag.AMBER
    else:
        brag = Brag.GREEN if facts.action.is_open else Brag.BLUE
    levels = [f.escalate for f in findings if f.escalate is not None]
    escalation = min(levels, key=ESCALATION_ORDER.__getitem__) if levels else None
    escalation, route, note = route_escalation(facts, escalation)
    return Assessment(facts, brag, findings, escalation, route, note)


def route_escalation(
    facts: Facts, level: Escalation | None
) -> tuple[Escalation | None, tuple[str, ...], str | None]:
    """Where an escalation goes: never to the person who owns the action or caused the lapse.

    The registered manager's own action (or a lapse she caused) goes one level up,
    to provider level; provider level leaves out whichever of its people owns the
    action or caused the lapse. Returns the level, the people and, when the route
    is not the usual one, why.
    """
    if level is None:
        return None, (), None
    leaders, owner = facts.leaders, facts.action.owner
    involved = facts.causers | {owner}
    note = None
    if level is Escalation.MANAGER:
        manager = leaders.manager
        if manager is None:
            return level, (), None
        if manager not in involved:
            return level, (manager,), None
        why = "owns the action" if manager == owner else "caused the lapse"
        note = f"the registered manager, {facts.name(manager)}, {why}"
        level = Escalation.PROVIDER
    route = tuple(p for p in leaders.provider if p not in involved)
    left_out = [p for p in leaders.provider if p in involved]
    if left_out:
        names = ", ".join(facts.name(p) for p in left_out)
        extra = f"{names} {'owns the action or caused the lapse'}"
        note = f"{note}; {extra}" if note else extra
        if not route:
            note += "; no one else at provider level is named for this tracker"
    return level, route, note
