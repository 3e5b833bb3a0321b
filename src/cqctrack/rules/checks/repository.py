"""Rules about the repository as a whole: `cqctrack.yaml`, trackers and their ids."""

from __future__ import annotations

from collections.abc import Iterator

from cqctrack.findings import Finding, Severity
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.rules.checks.base import finding, items
from cqctrack.rules.context import RuleContext


def unknown_framework(ctx: RuleContext) -> Iterator[Finding]:
    """The repository and each tracker name a framework cqctrack holds."""
    known = ", ".join(ctx.catalogue.frameworks)
    config = ctx.snap.config
    if config is not None and config.framework not in ctx.catalogue.frameworks:
        yield finding(
            CONFIG_FILE,
            "reference-unknown-framework",
            f"unknown framework '{config.framework}'",
            hint=f"known frameworks: {known}",
            loc=("framework",),
        )
    for slug, tracker in ctx.snap.trackers.items():
        if tracker.framework and tracker.framework not in ctx.catalogue.frameworks:
            yield finding(
                ctx.snap.tracker_path(slug),
                "reference-unknown-framework",
                f"unknown framework '{tracker.framework}'",
                hint=f"known frameworks: {known}",
                loc=("framework",),
            )


def no_verifier(ctx: RuleContext) -> Iterator[Finding]:
    """Someone in the people register may verify closures."""
    config = ctx.snap.config
    if config is None:
        return
    held = {person.role for person in config.people.values()}
    roles = config.policy.closure.verifier_roles
    if not held.intersection(roles):
        yield finding(
            CONFIG_FILE,
            "policy-no-verifier",
            "no one in the people register holds a role that may verify closures",
            hint="roles that may verify: " + ", ".join(roles) + " (policy closure.verifier_roles)",
            severity=Severity.WARNING,
            loc=("people",),
        )


def duplicate_email(ctx: RuleContext) -> Iterator[Finding]:
    """Each commit e-mail address belongs to one person."""
    config = ctx.snap.config
    if config is None:
        return
    owners: dict[str, str] = {}
    for person_id, person in config.people.items():
        for address in person.emails:
            key = address.lower()
            if key in owners:
                yield finding(
                    CONFIG_FILE,
                    "consistency-duplicate-email",
                    f"{address} is listed for both {owners[key]} and {person_id}",
                    hint="each commit e-mail address must identify one person",
                    loc=("people", person_id, "emails"),
                )
            owners[key] = person_id


def duplicate_prefix(ctx: RuleContext) -> Iterator[Finding]:
    """Each tracker has its own id prefix."""
    prefixes: dict[str, str] = {}
    for slug, tracker in ctx.snap.trackers.items():
        if tracker.id_prefix in prefixes:
            yield finding(
                ctx.snap.tracker_path(slug),
                "consistency-duplicate-prefix",
                f"id prefix {tracker.id_prefix} is also used by tracker "
                f"{prefixes[tracker.id_prefix]}",
                hint="give each tracker its own prefix so new ids never collide",
                loc=("id_prefix",),
            )
        prefixes[tracker.id_prefix] = slug


def id_prefix(ctx: RuleContext) -> Iterator[Finding]:
    """Concern, measure and action ids start with their tracker's prefix."""
    for kind in ("concern", "measure", "action"):
        for item, path, slug in items(ctx, kind):
            tracker = ctx.snap.trackers.get(slug)
            if tracker is not None and not item.id.startswith(tracker.id_prefix + "-"):
                yield finding(
                    path,
                    "consistency-id-prefix",
                    f"id {item.id} does not start with this tracker's prefix {tracker.id_prefix}-",
                    severity=Severity.WARNING,
                    loc=("id",),
                    subject=item.id,
                )
