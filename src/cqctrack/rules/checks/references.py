"""Rules about references: to people, the CQC framework, regulations, concerns,
evidence kinds and evidence requirements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from cqctrack.findings import Finding, Loc, Severity
from cqctrack.rules.checks.base import finding, items, trackers, unknown_person
from cqctrack.rules.context import RuleContext


def people(ctx: RuleContext) -> Iterator[Finding]:
    """Every person named in a tracker, concern, measure or action is in the people register."""
    for _slug, tracker, path in trackers(ctx):
        for field in (
            "registered_manager",
            "nominated_individual",
            "provider_representative",
            "created_by",
        ):
            yield from unknown_person(
                ctx, path, getattr(tracker, field), (field,), field.replace("_", " "), None
            )
        for index, review in enumerate(tracker.reviews):
            loc: Loc = ("reviews", index, "by")
            yield from unknown_person(ctx, path, review.by, loc, "reviewer", None)
        for index, meeting in enumerate(tracker.meetings):
            for who in (meeting.chair, *meeting.attendees):
                yield from unknown_person(
                    ctx, path, who, ("meetings", index), "meeting attendee", None
                )
    for concern, path, _ in items(ctx, "concern"):
        yield from unknown_person(
            ctx, path, concern.raised_by, ("raised_by",), "raised_by", concern.id
        )
        for index, review in enumerate(concern.reviews):
            loc = ("reviews", index, "by")
            yield from unknown_person(ctx, path, review.by, loc, "reviewer", concern.id)
    for measure, path, _ in items(ctx, "measure"):
        yield from unknown_person(
            ctx, path, measure.created_by, ("created_by",), "created_by", measure.id
        )
        for index, reading in enumerate(measure.readings):
            loc = ("readings", index, "recorded_by")
            yield from unknown_person(
                ctx, path, reading.recorded_by, loc, "recorded_by", measure.id
            )
        for index, fix in enumerate(measure.corrections):
            loc = ("corrections", index, "by")
            yield from unknown_person(ctx, path, fix.by, loc, "corrected by", measure.id)
    for action, path, _ in items(ctx, "action"):
        who = action.id
        yield from unknown_person(ctx, path, action.owner, ("owner",), "owner", who)
        yield from unknown_person(ctx, path, action.created_by, ("created_by",), "created_by", who)
        for index, fix in enumerate(action.corrections):
            loc = ("corrections", index, "by")
            yield from unknown_person(ctx, path, fix.by, loc, "corrected by", who)
        for index, change in enumerate(action.requirement_changes):
            for field in ("by", "approved_by"):
                loc = ("requirement_changes", index, field)
                yield from unknown_person(ctx, path, getattr(change, field), loc, field, who)
        for index, evidence in enumerate(action.evidence):
            loc = ("evidence", index, "added_by")
            yield from unknown_person(ctx, path, evidence.added_by, loc, "added_by", who)
        for index, extension in enumerate(action.extensions):
            loc = ("extensions", index, "approved_by")
            yield from unknown_person(ctx, path, extension.approved_by, loc, "approved_by", who)
        for index, review in enumerate(action.reviews):
            loc = ("reviews", index, "by")
            yield from unknown_person(ctx, path, review.by, loc, "reviewer", who)
        for index, entry in enumerate(action.progress):
            loc = ("progress", index, "by")
            yield from unknown_person(ctx, path, entry.by, loc, "progress by", who)
        for index, reopening in enumerate(action.reopenings):
            loc = ("reopenings", index, "by")
            yield from unknown_person(ctx, path, reopening.by, loc, "reopened by", who)
        if action.cancellation is not None:
            loc = ("cancellation", "approved_by")
            yield from unknown_person(
                ctx, path, action.cancellation.approved_by, loc, "approved_by", who
            )


def statements(ctx: RuleContext) -> Iterator[Finding]:
    """Statement ids belong to the tracker's framework (or name their set)."""
    for kind in ("concern", "action"):
        for item, path, slug in items(ctx, kind):
            framework = ctx.snap.framework_for(slug)
            for index, ref in enumerate(item.statements):
                found = ctx.catalogue.statement(ref, framework)
                if found.error:
                    yield finding(
                        path,
                        "reference-unknown-statement",
                        found.error,
                        hint=found.hint,
                        loc=("statements", index),
                        subject=item.id,
                    )


def duplicate_statements(ctx: RuleContext) -> Iterator[Finding]:
    """A statement is listed once."""
    for kind in ("concern", "action"):
        for item, path, _ in items(ctx, kind):
            for ref, count in Counter(item.statements).items():
                if count > 1:
                    yield finding(
                        path,
                        "consistency-duplicate-entry",
                        f"statement {ref} is listed {count} times",
                        severity=Severity.WARNING,
                        loc=("statements",),
                        subject=item.id,
                    )


def regulations(ctx: RuleContext) -> Iterator[Finding]:
    """Regulation numbers are fundamental standards (Regulations 9 to 20A)."""
    valid = ", ".join(ctx.catalogue.regulations)
    for kind in ("concern", "action"):
        for item, path, _ in items(ctx, kind):
            for index, number in enumerate(item.regulations):
                if number not in ctx.catalogue.regulations:
                    yield finding(
                        path,
                        "reference-unknown-regulation",
                        f"Regulation {number} is not one of the fundamental standards",
                        hint=f"cite one of Regulations {valid}",
                        loc=("regulations", index),
                        subject=item.id,
                    )


def parent_concern(ctx: RuleContext) -> Iterator[Finding]:
    """Measures and actions name a concern that exists, in their own tracker.

    A concern whose file exists but cannot be read is reported once, in its own file;
    the actions citing it are not each told that it "does not exist" (one cause, one
    error).
    """
    unreadable = {
        f.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        for f in ctx.snap.findings
        if f.severity is Severity.ERROR and f.path and "/concerns/" in f.path
    }
    for kind in ("measure", "action"):
        for item, path, slug in items(ctx, kind):
            concern_id = item.concern
            if concern_id not in ctx.snap.concerns and concern_id in unreadable:
                continue
            if concern_id not in ctx.snap.concerns:
                yield finding(
                    path,
                    "reference-unknown-concern",
                    f"concern {concern_id} does not exist",
                    hint=f"create it with `cqctrack new concern`, or correct the id "
                    f"(concerns live in trackers/{slug}/concerns/)",
                    loc=("concern",),
                    subject=item.id,
                )
            elif ctx.snap.tracker_of(concern_id) != slug:
                yield finding(
                    path,
                    "reference-other-tracker",
                    f"concern {concern_id} belongs to tracker "
                    f"{ctx.snap.tracker_of(concern_id)}, not {slug}",
                    hint="an action or measure must sit in the same tracker as its concern",
                    loc=("concern",),
                    subject=item.id,
                )


def evidence_kinds(ctx: RuleContext) -> Iterator[Finding]:
    """Requirements accept known evidence kinds or categories; evidence is of a known kind."""
    for action, path, _ in items(ctx, "action"):
        for index, requirement in enumerate(action.evidence_required):
            for k, accepted in enumerate(requirement.kinds):
                if accepted not in ctx.catalogue.kinds and accepted not in ctx.catalogue.categories:
                    yield finding(
                        path,
                        "reference-unknown-kind",
                        f"'{accepted}' is not an evidence kind or CQC evidence category",
                        hint="see `cqctrack frameworks --kinds` for the list",
                        loc=("evidence_required", index, "kinds", k),
                        subject=action.id,
                    )
        for index, evidence in action.indexed("evidence"):
            if evidence.kind not in ctx.catalogue.kinds:
                yield finding(
                    path,
                    "reference-unknown-kind",
                    f"'{evidence.kind}' is not an evidence kind",
                    hint="see `cqctrack frameworks --kinds` for the list",
                    loc=("evidence", index, "kind"),
                    subject=action.id,
                )


def requirements(ctx: RuleContext) -> Iterator[Finding]:
    """Evidence satisfies requirements the action has."""
    for action, path, _ in items(ctx, "action"):
        known = {r.id for r in action.evidence_required}
        removed = action.removed_requirements
        for index, evidence in action.indexed("evidence"):
            for ref in evidence.satisfies:
                if ref not in known and ref not in removed:
                    yield finding(
                        path,
                        "reference-unknown-requirement",
                        f"evidence {evidence.id} satisfies {ref}, which is not an evidence "
                        "requirement of this action",
                        hint="requirements here: " + ", ".join(sorted(known)),
                        loc=("evidence", index, "satisfies"),
                        subject=action.id,
                    )
