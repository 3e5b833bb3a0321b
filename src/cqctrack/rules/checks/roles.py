"""Rules about who did what: oversight by the right roles, approvals never by the owner.

The judgements are rules/oversight.py's, the same ones the recording commands
refuse with, applied here to whatever the files hold (hand edits included).
"""

from __future__ import annotations

from collections.abc import Iterator

from cqctrack.findings import Finding
from cqctrack.rules import oversight
from cqctrack.rules.checks.base import items
from cqctrack.rules.context import RuleContext


def oversight_roles(ctx: RuleContext) -> Iterator[Finding]:
    """Oversight is recorded by roles that may record its level, never by the owner."""
    for action, path, _ in items(ctx, "action"):
        for index, review in enumerate(action.reviews):
            for found in oversight.review_problems(
                action, review, ctx.people, ctx.policy, ("reviews", index)
            ):
                yield found.located(path)


def approval_roles(ctx: RuleContext) -> Iterator[Finding]:
    """Extensions and cancellations are approved by roles that may, never by the owner."""
    for action, path, _ in items(ctx, "action"):
        for index, extension in enumerate(action.extensions):
            for found in oversight.extension_problems(
                action, extension, ctx.people, ctx.policy, ("extensions", index)
            ):
                yield found.located(path)
        if action.cancellation is not None:
            for found in oversight.cancellation_problems(
                action, action.cancellation, ctx.people, ctx.policy
            ):
                yield found.located(path)
