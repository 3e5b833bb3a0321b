"""The right people at each level: who may record oversight and approve, and which reviews count.

UK care governance separates the person doing the work from the people who check
it. Policy (`roles` and `closure.verifier_roles` in `cqctrack.yaml`) names the roles
for each act; this module is the one place the rules live, used by the recording
commands (which refuse before writing), by `check` (hand edits) and by the drift
rules (which reviews reset the cadence clocks):

- an action's owner never records oversight of their own action, and never
  approves its extension;
- weekly management review is recorded by a role in `roles.weekly_review`, monthly
  provider scrutiny by one in `roles.monthly_review`; ad hoc entries may be
  recorded by anyone (a training lead's observation is worth keeping);
- approve-closure and reject-closure decisions, and cancellations, are for the
  roles that may verify closures (`closure.verifier_roles`);
- extensions are approved by a role in `roles.approve_extension`.

A review counts towards the weekly cadence when its author may record management
review or provider scrutiny (whatever level they wrote), and towards the monthly
cadence when it is a monthly review by a role that may record one; in both cases
only if the author does not own the action and the entry was not committed more
than `audit.backdating_days` after the date it carries (a review written up weeks
later does not show the action was looked at in time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from cqctrack.findings import Finding, Loc
from cqctrack.format.policy import Policy
from cqctrack.format.records import Action, Cancellation, Extension, Person, Review
from cqctrack.format.vocab import Decision, ReviewLevel
from cqctrack.wording import date_text, days_text

CLOSURE_DECISIONS = (Decision.APPROVE_CLOSURE, Decision.REJECT_CLOSURE)
_LEVEL_NAMES = {
    ReviewLevel.WEEKLY: "weekly management review",
    ReviewLevel.MONTHLY: "monthly provider scrutiny",
}
_LEVEL_SETTING = {
    ReviewLevel.WEEKLY: "roles.weekly_review",
    ReviewLevel.MONTHLY: "roles.monthly_review",
}


def level_roles(policy: Policy, level: ReviewLevel) -> tuple[str, ...] | None:
    """The roles that may record `level`; None for ad hoc entries, which anyone may record."""
    if level is ReviewLevel.WEEKLY:
        return policy.roles.weekly_review
    if level is ReviewLevel.MONTHLY:
        return policy.roles.monthly_review
    return None


def _problem(code: str, message: str, hint: str | None, loc: Loc, action: Action) -> Finding:
    return Finding(code=code, message=message, hint=hint, loc=loc, subject=action.id)


def _role(people: Mapping[str, Person], person: str) -> str | None:
    found = people.get(person)
    return found.role if found is not None else None


def wrong_level(
    person: str, role: str, level: ReviewLevel, policy: Policy
) -> tuple[str, str] | None:
    """Why `person` (a `role`) may not record oversight at `level`, with a hint; None
    when they may. For reviews of an action, a concern or a tracker alike."""
    allowed = level_roles(policy, level)
    if allowed is None or role in allowed:
        return None
    return (
        f"{person} is a {role}, who may not record {_LEVEL_NAMES[level]}",
        f"roles that may: {', '.join(allowed)} (policy {_LEVEL_SETTING[level]}); "
        "record it as --level ad-hoc, or ask one of them to record it",
    )


def review_problems(
    action: Action,
    review: Review,
    people: Mapping[str, Person],
    policy: Policy,
    loc: Loc = ("reviews",),
) -> list[Finding]:
    """Why `review` may not be recorded on `action`; empty when it may.

    People missing from the register are the reference rule's to report.
    """
    found: list[Finding] = []
    role = _role(people, review.by)
    if review.by == action.owner:
        found.append(
            _problem(
                "oversight-by-owner",
                f"{review.by} owns the action and cannot record oversight of it",
                "oversight is recorded by a manager who does not own the action",
                (*loc, "by"),
                action,
            )
        )
    if role is None:
        return found
    wrong = wrong_level(review.by, role, review.level, policy)
    if wrong is not None:
        found.append(_problem("oversight-wrong-role", *wrong, (*loc, "level"), action))
    if review.decision in CLOSURE_DECISIONS and role not in policy.closure.verifier_roles:
        found.append(
            _problem(
                "oversight-decision-role",
                f"{review.by} is a {role}, who may not record {review.decision.value}",
                "roles that may: "
                + ", ".join(policy.closure.verifier_roles)
                + " (policy closure.verifier_roles)",
                (*loc, "decision"),
                action,
            )
        )
    return found


def extension_problems(
    action: Action,
    extension: Extension,
    people: Mapping[str, Person],
    policy: Policy,
    loc: Loc = ("extensions",),
) -> list[Finding]:
    """Why `extension`'s approver may not approve it; empty when they may."""
    found: list[Finding] = []
    who = extension.approved_by
    if who == action.owner:
        found.append(
            _problem(
                "approval-by-owner",
                f"{who} owns the action and cannot approve its own extension",
                "extensions are approved by a manager who does not own the action",
                (*loc, "approved_by"),
                action,
            )
        )
    role = _role(people, who)
    roles = policy.roles.approve_extension
    if role is not None and role not in roles:
        found.append(
            _problem(
                "approval-wrong-role",
                f"{who} is a {role}, who may not approve extensions",
                f"roles that may: {', '.join(roles)} (policy roles.approve_extension)",
                (*loc, "approved_by"),
                action,
            )
        )
    return found


def cancellation_problems(
    action: Action,
    cancellation: Cancellation,
    people: Mapping[str, Person],
    policy: Policy,
    loc: Loc = ("cancellation",),
) -> list[Finding]:
    """Why the cancellation's approver may not approve it; empty when they may."""
    role = _role(people, cancellation.approved_by)
    roles = policy.closure.verifier_roles
    if role is None or role in roles:
        return []
    return [
        _problem(
            "approval-wrong-role",
            f"{cancellation.approved_by} is a {role}, who may not approve a cancellation",
            f"roles that may: {', '.join(roles)} (policy closure.verifier_roles)",
            (*loc, "approved_by"),
            action,
        )
    ]


# --- which reviews count towards the cadence -------------------------------------------


class Discount(NamedTuple):
    """A review that does not reset a cadence clock, and why, in words for the review."""

    review: Review
    why: str


def discount(
    action: Action,
    review: Review,
    level: ReviewLevel | None,
    people: Mapping[str, Person],
    policy: Policy,
    lag: int | None,
) -> str | None:
    """Why `review` does not count towards the `level` cadence (None: the weekly one).

    `lag`: days between the date the review carries and the commit that added it
    (None when git does not say). Returns None when the review counts.
    """
    if review.by == action.owner:
        return "recorded by the action's owner"
    role = _role(people, review.by)
    if level is ReviewLevel.MONTHLY:
        if review.level is not ReviewLevel.MONTHLY:
            return "not a monthly review"
        if role is None or role not in policy.roles.monthly_review:
            return f"a {role or 'person not in the register'} may not record provider scrutiny"
    elif role is None or (
        role not in policy.roles.weekly_review and role not in policy.roles.monthly_review
    ):
        return f"a {role or 'person not in the register'} may not record management review"
    limit = policy.audit.backdating_days
    if lag is not None and lag > limit:
        return (
            f"it was recorded {days_text(lag)} after the date it carries "
            f"(policy audit.backdating_days: {limit})"
        )
    return None


def may_record(
    review: Review, level: ReviewLevel, people: Mapping[str, Person], policy: Policy
) -> bool:
    """Whether `review` is of `level` and by a role that may record it (for reviews of a
    concern or tracker, which no one owns)."""
    allowed = level_roles(policy, level)
    role = _role(people, review.by)
    return review.level is level and (allowed is None or role in allowed)


def counting_review(
    action: Action,
    level: ReviewLevel | None,
    people: Mapping[str, Person],
    policy: Policy,
    lags: Mapping[int, int],
) -> tuple[Review | None, list[Discount]]:
    """The latest review that counts towards the cadence of `level` (None: weekly), and the
    later entries that would have been more recent but do not count."""
    # The reviews that stand after corrections, each with its place in the file (which
    # is what `lags` is keyed by): a withdrawn review shows nothing was looked at.
    standing = action.indexed("reviews") if action.corrections else tuple(enumerate(action.reviews))
    passed: list[Discount] = []
    # Latest first; on a tie, the one written last. Logs are kept in date order, so the
    # sort is needed only for a file edited out of order.
    order = list(range(len(standing) - 1, -1, -1))
    if any(standing[i][1].date > standing[i + 1][1].date for i in range(len(standing) - 1)):
        order.sort(key=lambda i: (standing[i][1].date, i), reverse=True)
    monthly = level is ReviewLevel.MONTHLY
    for place in order:
        index, review = standing[place]
        if monthly and review.level is not ReviewLevel.MONTHLY:
            continue  # a weekly review is not a missed monthly one
        why = discount(action, review, level, people, policy, lags.get(index))
        if why is None:
            return review, passed
        passed.append(Discount(review, why))
    return None, passed


def discount_text(item: Discount, names: Mapping[str, str]) -> str:
    review = item.review
    who = names.get(review.by, review.by)
    return f"the review of {date_text(review.date)} by {who} does not count ({item.why})"
