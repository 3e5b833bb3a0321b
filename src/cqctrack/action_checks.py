"""Checks of each action on its own: status and records, evidence, logs, and the closure rule.

Run by `cqctrack check` (see checking.py) after the cross-file rules in
integrity.py, whose shared helpers these use. The closure rule itself lives in
closure.py; here it is applied to every closed action.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date

from cqctrack import closure as closure_rule
from cqctrack.integrity import (
    Context,
    check_evidence_file,
    check_parent_concern,
    check_person,
    check_prefix,
    check_regulations,
    check_statements,
    future_date,
)
from cqctrack.problems import Loc, Problem, Severity, dotted
from cqctrack.views import Action
from cqctrack.vocab import Status


def action_rules(ctx: Context) -> Iterator[Problem]:
    closure_ctx = closure_rule.ClosureContext(
        people=dict(ctx.snap.config.people) if ctx.snap.config else {},
        policy=ctx.policy,
        catalogue=ctx.catalogue,
        file_check=ctx.file_check,
        today=ctx.today,
    )
    ref_pattern = re.compile(ctx.policy.privacy.person_ref_pattern)
    for action in ctx.snap.actions.values():
        source = ctx.snap.source(action.id)
        path, slug = source.path, source.tracker
        yield from check_prefix(ctx, path, slug, action.id)
        yield from check_parent_concern(ctx, path, slug, action.concern)
        yield from check_person(ctx, path, action.owner, ("owner",), "owner")
        yield from check_statements(ctx, path, slug, action.statements)
        yield from check_regulations(ctx, path, action.regulations)
        if action.person_ref is not None and not ref_pattern.match(action.person_ref):
            yield Problem(
                path,
                "privacy-person-ref",
                f"person_ref '{action.person_ref}' does not look like a pseudonymous reference",
                hint="refer to people who use services by their reference number only "
                "(e.g. SU-0412), never by name; the pattern is policy privacy.person_ref_pattern",
                loc=("person_ref",),
            )
        if action.due < action.created:
            yield Problem(
                path,
                "consistency-dates",
                f"due date {action.due} is before the action was created ({action.created})",
                loc=("due",),
            )
        if action.created > ctx.today:
            yield future_date(path, "created", action.created, ("created",))
        yield from _status_rules(action, path)
        yield from _requirement_rules(ctx, action, path)
        yield from _log_rules(ctx, action, path)
        if action.status is Status.CLOSED:
            for gap in closure_rule.closure_gaps(action, action.closure, closure_ctx):
                yield Problem(path, gap.code, gap.message, hint=gap.hint, loc=gap.loc)


def _status_rules(action: Action, path: str) -> Iterator[Problem]:
    if action.closure is not None and action.status is not Status.CLOSED:
        yield Problem(
            path,
            "consistency-status",
            f"there is a closure record but the status is {action.status}",
            hint="set `status: closed`, or reopen with `cqctrack reopen` so the closure is kept "
            "in the reopenings log",
            loc=("closure",),
        )
    if action.status is Status.CANCELLED and action.cancellation is None:
        yield Problem(
            path,
            "consistency-status",
            "status is cancelled but there is no cancellation record",
            hint="add `cancellation:` with date, approved_by and reason",
            loc=("status",),
        )
    if action.cancellation is not None and action.status is not Status.CANCELLED:
        yield Problem(
            path,
            "consistency-status",
            f"there is a cancellation record but the status is {action.status}",
            loc=("cancellation",),
        )


def _requirement_rules(ctx: Context, action: Action, path: str) -> Iterator[Problem]:
    known = {r.id for r in action.evidence_required}
    for counted, what, field in (
        (
            Counter(r.id for r in action.evidence_required),
            "evidence requirement",
            "evidence_required",
        ),
        (Counter(e.id for e in action.evidence), "evidence entry", "evidence"),
    ):
        for item_id, count in counted.items():
            if count > 1:
                yield Problem(
                    path,
                    "consistency-duplicate-id",
                    f"{what} id {item_id} is used {count} times",
                    hint="give each entry its own id",
                    loc=(field,),
                )
    for index, requirement in enumerate(action.evidence_required):
        for k, accepted in enumerate(requirement.kinds):
            if accepted not in ctx.catalogue.kinds and accepted not in ctx.catalogue.categories:
                yield Problem(
                    path,
                    "reference-unknown-kind",
                    f"'{accepted}' is not an evidence kind or CQC evidence category",
                    hint="see `cqctrack frameworks --kinds` for the list",
                    loc=("evidence_required", index, "kinds", k),
                )
    is_closed = action.status is Status.CLOSED
    for index, evidence in enumerate(action.evidence):
        loc: Loc = ("evidence", index)
        for ref in evidence.satisfies:
            if ref not in known:
                yield Problem(
                    path,
                    "reference-unknown-requirement",
                    f"evidence {evidence.id} satisfies {ref}, which is not an evidence requirement "
                    f"of this action",
                    hint="requirements here: " + ", ".join(sorted(known)),
                    loc=(*loc, "satisfies"),
                )
        if evidence.kind not in ctx.catalogue.kinds:
            yield Problem(
                path,
                "reference-unknown-kind",
                f"'{evidence.kind}' is not an evidence kind",
                hint="see `cqctrack frameworks --kinds` for the list",
                loc=(*loc, "kind"),
            )
        yield from check_person(ctx, path, evidence.added_by, (*loc, "added_by"), "added_by")
        if not is_closed:  # for closed actions the closure rule reports missing files
            yield from check_evidence_file(
                ctx, path, evidence.file, (*loc, "file"), f"evidence {evidence.id}"
            )
        if evidence.date > ctx.today:
            yield future_date(path, f"evidence {evidence.id}", evidence.date, (*loc, "date"))


def _log_rules(ctx: Context, action: Action, path: str) -> Iterator[Problem]:
    for index, extension in enumerate(action.extensions):
        loc: Loc = ("extensions", index)
        yield from check_person(
            ctx, path, extension.approved_by, (*loc, "approved_by"), "approved_by"
        )
        if extension.to <= extension.from_:
            yield Problem(
                path,
                "consistency-extension",
                f"extension {index + 1} moves the due date from {extension.from_} to "
                f"{extension.to}, which is not later",
                loc=(*loc, "to"),
            )
        if index and extension.from_ != action.extensions[index - 1].to:
            yield Problem(
                path,
                "consistency-extension",
                f"extension {index + 1} starts from {extension.from_}, but the previous one "
                f"moved the due date to {action.extensions[index - 1].to}",
                hint="each extension should start from the due date the last one set",
                severity=Severity.WARNING,
                loc=(*loc, "from"),
            )
    if action.extensions and action.due > action.extensions[-1].to:
        yield Problem(
            path,
            "drift-unlogged-extension",
            f"due date {action.due} is later than the last logged extension "
            f"({action.extensions[-1].to})",
            hint=f"log extensions with `cqctrack extend {action.id} --to DATE --reason TEXT "
            "--approved-by PERSON`",
            severity=Severity.WARNING,
            loc=("due",),
        )
    for index, review in enumerate(action.reviews):
        yield from check_person(ctx, path, review.by, ("reviews", index, "by"), "reviewer")
        if review.date > ctx.today:
            yield future_date(path, "review", review.date, ("reviews", index, "date"))
    for index, entry in enumerate(action.progress):
        yield from check_person(ctx, path, entry.by, ("progress", index, "by"), "progress by")
    for index, reopening in enumerate(action.reopenings):
        yield from check_person(ctx, path, reopening.by, ("reopenings", index, "by"), "reopened by")
    yield from _dated_before_creation(action, path)
    if action.cancellation is not None:
        yield from check_person(
            ctx,
            path,
            action.cancellation.approved_by,
            ("cancellation", "approved_by"),
            "approved_by",
        )


def _dated_before_creation(action: Action, path: str) -> Iterator[Problem]:
    """Log entries cannot predate the action they belong to."""
    entries: list[tuple[date, Loc]] = []
    for log in ("progress", "evidence", "extensions", "reviews", "reopenings"):
        for index, entry in enumerate(getattr(action, log)):
            entries.append((entry.date, (log, index, "date")))
    if action.cancellation is not None:
        entries.append((action.cancellation.date, ("cancellation", "date")))
    for when, loc in entries:
        if when < action.created:
            yield Problem(
                path,
                "consistency-dates",
                f"{dotted(loc[:-1])} is dated {when.isoformat()}, before the action was created "
                f"({action.created.isoformat()})",
                hint="check the date; if the work began earlier, correct `created`",
                loc=loc,
            )
