"""Rules about each record making sense on its own: dates, statuses, logs, readings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from cqctrack.findings import Finding, Loc, Severity, dotted
from cqctrack.format.vocab import PERIOD_EXAMPLES, PERIOD_PATTERNS, Status
from cqctrack.rules import extensions
from cqctrack.rules.checks.base import finding, future_date, items
from cqctrack.rules.context import RuleContext
from cqctrack.rules.governance import judged_moves
from cqctrack.rules.measures import premature


def future_dates(ctx: RuleContext) -> Iterator[Finding]:
    """Concerns, actions, evidence and reviews are not dated after the day judged."""
    for concern, path, _ in items(ctx, "concern"):
        if concern.raised > ctx.today:
            yield future_date(path, "raised", concern.raised, ("raised",), concern.id)
    for action, path, _ in items(ctx, "action"):
        if action.created > ctx.today:
            yield future_date(path, "created", action.created, ("created",), action.id)
        for index, evidence in enumerate(action.evidence):
            if evidence.date > ctx.today:
                loc: Loc = ("evidence", index, "date")
                yield future_date(path, f"evidence {evidence.id}", evidence.date, loc, action.id)
        for index, review in enumerate(action.reviews):
            if review.date > ctx.today:
                loc = ("reviews", index, "date")
                yield future_date(path, "review", review.date, loc, action.id)


def concern_without_measure(ctx: RuleContext) -> Iterator[Finding]:
    """Every concern has a measurable improvement target."""
    measured = {m.concern for m in ctx.snap.measures.values()}
    for concern, path, _ in items(ctx, "concern"):
        if concern.id not in measured:
            yield finding(
                path,
                "consistency-no-measure",
                f"concern {concern.id} has no measurable improvement target",
                hint=f"add one with `cqctrack new measure --concern {concern.id}`",
                severity=Severity.WARNING,
                loc=("id",),
                subject=concern.id,
            )


def concern_without_action(ctx: RuleContext) -> Iterator[Finding]:
    """Every concern has at least one action."""
    acted = {a.concern for a in ctx.snap.actions.values()}
    for concern, path, _ in items(ctx, "concern"):
        if concern.id not in acted:
            yield finding(
                path,
                "consistency-no-action",
                f"concern {concern.id} has no actions",
                hint=f"add one with `cqctrack new action --concern {concern.id}`",
                severity=Severity.WARNING,
                loc=("id",),
                subject=concern.id,
            )


def percentages(ctx: RuleContext) -> Iterator[Finding]:
    """Percentage targets and readings lie between 0 and 100."""
    for measure, path, _ in items(ctx, "measure"):
        if measure.unit != "percent":
            continue
        if not 0 <= measure.target <= 100:
            yield finding(
                path,
                "schema-invalid",
                f"target: {measure.target:g} is not a percentage between 0 and 100",
                loc=("target",),
                subject=measure.id,
            )
        for index, reading in enumerate(measure.readings):
            if not 0 <= reading.value <= 100:
                yield finding(
                    path,
                    "schema-invalid",
                    f"readings[{index + 1}].value: {reading.value:g} is not a percentage",
                    loc=("readings", index, "value"),
                    subject=measure.id,
                )


def reading_periods(ctx: RuleContext) -> Iterator[Finding]:
    """Each reading's period is of the measure's kind (monthly, weekly, quarterly)."""
    for measure, path, _ in items(ctx, "measure"):
        pattern = PERIOD_PATTERNS[measure.period]
        for index, reading in enumerate(measure.readings):
            if not pattern.match(reading.period):
                yield finding(
                    path,
                    "schema-invalid",
                    f"readings[{index + 1}].period: '{reading.period}' "
                    f"is not a {measure.period} period",
                    hint=f"{measure.period} periods look like {PERIOD_EXAMPLES[measure.period]}",
                    loc=("readings", index, "period"),
                    subject=measure.id,
                )


def readings_too_early(ctx: RuleContext) -> Iterator[Finding]:
    """Readings are recorded once their period has ended (`recorded`, else the day judged)."""
    for measure, path, _ in items(ctx, "measure"):
        for index, reading in enumerate(measure.readings):
            why = premature(measure, reading, reading.recorded or ctx.today)
            if why is not None:
                yield finding(
                    path,
                    "consistency-period-not-ended",
                    why,
                    hint="a period's reading is recorded after it ends; remove it and record "
                    "it again then",
                    loc=("readings", index, "period"),
                    subject=measure.id,
                )


def duplicate_readings(ctx: RuleContext) -> Iterator[Finding]:
    """One reading per period."""
    for measure, path, _ in items(ctx, "measure"):
        seen: set[str] = set()
        for index, reading in enumerate(measure.readings):
            if reading.period in seen:
                yield finding(
                    path,
                    "consistency-duplicate-entry",
                    f"period {reading.period} has more than one reading",
                    hint="keep one reading per period; correct the value in place if it was wrong",
                    loc=("readings", index, "period"),
                    subject=measure.id,
                )
            seen.add(reading.period)


def reading_order(ctx: RuleContext) -> Iterator[Finding]:
    """Readings are listed oldest first."""
    for measure, path, _ in items(ctx, "measure"):
        periods = [r.period for r in measure.readings]
        if periods != sorted(periods):
            yield finding(
                path,
                "consistency-order",
                "readings are not in period order",
                hint="list readings oldest first",
                severity=Severity.WARNING,
                loc=("readings",),
                subject=measure.id,
            )


def due_before_created(ctx: RuleContext) -> Iterator[Finding]:
    """An action is not due before it was created."""
    for action, path, _ in items(ctx, "action"):
        if action.due < action.created:
            yield finding(
                path,
                "consistency-dates",
                f"due date {action.due} is before the action was created ({action.created})",
                loc=("due",),
                subject=action.id,
            )


def dated_before_created(ctx: RuleContext) -> Iterator[Finding]:
    """Log entries do not predate the action they belong to."""
    for action, path, _ in items(ctx, "action"):
        entries: list[tuple[date, Loc]] = []
        for log in ("progress", "evidence", "extensions", "reviews", "reopenings"):
            for index, entry in enumerate(getattr(action, log)):
                entries.append((entry.date, (log, index, "date")))
        if action.cancellation is not None:
            entries.append((action.cancellation.date, ("cancellation", "date")))
        for when, loc in entries:
            if when < action.created:
                yield finding(
                    path,
                    "consistency-dates",
                    f"{dotted(loc[:-1])} is dated {when.isoformat()}, before the action was "
                    f"created ({action.created.isoformat()})",
                    hint="check the date; if the work began earlier, correct `created`",
                    loc=loc,
                    subject=action.id,
                )


def status_records(ctx: RuleContext) -> Iterator[Finding]:
    """A closure or cancellation record goes with the matching status."""
    for action, path, _ in items(ctx, "action"):
        if action.closure is not None and action.status is not Status.CLOSED:
            yield finding(
                path,
                "consistency-status",
                f"there is a closure record but the status is {action.status}",
                hint="set `status: closed`, or reopen with `cqctrack reopen` so the closure is "
                "kept in the reopenings log",
                loc=("closure",),
                subject=action.id,
            )
        if action.status is Status.CANCELLED and action.cancellation is None:
            yield finding(
                path,
                "consistency-status",
                "status is cancelled but there is no cancellation record",
                hint="add `cancellation:` with date, approved_by and reason",
                loc=("status",),
                subject=action.id,
            )
        if action.cancellation is not None and action.status is not Status.CANCELLED:
            yield finding(
                path,
                "consistency-status",
                f"there is a cancellation record but the status is {action.status}",
                loc=("cancellation",),
                subject=action.id,
            )


def duplicate_log_ids(ctx: RuleContext) -> Iterator[Finding]:
    """Evidence requirements and evidence entries each have their own id."""
    for action, path, _ in items(ctx, "action"):
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
                    yield finding(
                        path,
                        "consistency-duplicate-id",
                        f"{what} id {item_id} is used {count} times",
                        hint="give each entry its own id",
                        loc=(field,),
                        subject=action.id,
                    )


def extension_dates(ctx: RuleContext) -> Iterator[Finding]:
    """Each extension moves the due date later, starting where the last one ended."""
    for action, path, _ in items(ctx, "action"):
        for index, extension in enumerate(action.extensions):
            loc: Loc = ("extensions", index)
            if extension.to <= extension.from_:
                yield finding(
                    path,
                    "consistency-extension",
                    f"extension {index + 1} moves the due date from {extension.from_} to "
                    f"{extension.to}, which is not later",
                    loc=(*loc, "to"),
                    subject=action.id,
                )
            if index and extension.from_ != action.extensions[index - 1].to:
                yield finding(
                    path,
                    "consistency-extension",
                    f"extension {index + 1} starts from {extension.from_}, but the previous "
                    f"one moved the due date to {action.extensions[index - 1].to}",
                    hint="each extension should start from the due date the last one set",
                    severity=Severity.WARNING,
                    loc=(*loc, "from"),
                    subject=action.id,
                )


def unlogged_extensions(ctx: RuleContext) -> Iterator[Finding]:
    """Every due-date move later is in the extension log (judged in rules/extensions.py)."""
    for action, path, _ in items(ctx, "action"):
        history = ctx.history.get(action.id)
        moves = history.due_moves if history is not None else ()
        if ctx.governance is not None:
            moves = judged_moves(moves, ctx.governance)  # not in imported history
        for found in extensions.unlogged(action, moves, ctx.policy):
            yield found.located(path)
