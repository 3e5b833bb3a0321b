"""Rules about each record making sense on its own: dates, statuses, logs, readings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date

from cqctrack.findings import Finding, Loc, Severity, dotted
from cqctrack.format.records import Evidence, Measure, Reading, standing
from cqctrack.format.vocab import PERIOD_EXAMPLES, PERIOD_PATTERNS, Change, Status
from cqctrack.rules import extensions
from cqctrack.rules.checks.base import finding, future_date, items, trackers
from cqctrack.rules.context import RuleContext
from cqctrack.rules.governance import judged_moves
from cqctrack.rules.measures import premature
from cqctrack.wording import date_text


def future_dates(ctx: RuleContext) -> Iterator[Finding]:
    """Concerns, actions, evidence and reviews are not dated after the day judged."""
    for concern, path, _ in items(ctx, "concern"):
        if concern.raised > ctx.today:
            yield future_date(path, "raised", concern.raised, ("raised",), concern.id)
    for action, path, _ in items(ctx, "action"):
        if action.created > ctx.today:
            yield future_date(path, "created", action.created, ("created",), action.id)
        for index, evidence in action.indexed("evidence"):
            if evidence.date > ctx.today:
                loc: Loc = ("evidence", index, "date")
                yield future_date(path, f"evidence {evidence.id}", evidence.date, loc, action.id)
        for index, review in action.indexed("reviews"):
            if review.date > ctx.today:
                loc = ("reviews", index, "date")
                yield future_date(path, "review", review.date, loc, action.id)
    for concern, path, _ in items(ctx, "concern"):
        for index, review in enumerate(concern.reviews):
            if review.date > ctx.today:
                yield future_date(
                    path, "review", review.date, ("reviews", index, "date"), concern.id
                )


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
    concerns = list(items(ctx, "concern"))
    if not concerns:  # a write judging only an action file: no record built for nothing
        return
    acted = {a.concern for a in ctx.snap.actions.values()}
    for concern, path, _ in concerns:
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
        for index, reading in _readings(measure):
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
        for index, reading in _readings(measure):
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
        for index, reading in _readings(measure):
            if reading.period in seen:
                yield finding(
                    path,
                    "consistency-duplicate-entry",
                    f"period {reading.period} has more than one reading",
                    hint="keep one reading per period: withdraw or correct the wrong one with "
                    f"`cqctrack withdraw {measure.id} reading` or `cqctrack correct`",
                    loc=("readings", index, "period"),
                    subject=measure.id,
                )
            seen.add(reading.period)


def reading_order(ctx: RuleContext) -> Iterator[Finding]:
    """Readings are listed oldest first."""
    for measure, path, _ in items(ctx, "measure"):
        periods = [r.period for r in measure.current_readings]
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
        for log in ("progress", "evidence", "reviews"):
            for index, entry in action.indexed(log):
                entries.append((entry.date, (log, index, "date")))
        for log in ("extensions", "reopenings", "corrections", "requirement_changes"):
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
    """Each extension moves the due date later, starting where the last one ended.

    Taken in date order: a move logged after the fact (`cqctrack extend --after-the-fact`)
    is appended to the log, after extensions that followed it.
    """
    for action, path, _ in items(ctx, "action"):
        ordered = sorted(enumerate(action.extensions), key=lambda pair: (pair[1].from_, pair[0]))
        previous = None
        for index, extension in ordered:
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
            if previous is not None and extension.from_ != previous.to:
                yield finding(
                    path,
                    "consistency-extension",
                    f"extension {index + 1} starts from {extension.from_}, but the one before "
                    f"it moved the due date to {previous.to}",
                    hint="each extension should start from the due date the last one set",
                    severity=Severity.WARNING,
                    loc=(*loc, "from"),
                    subject=action.id,
                )
            previous = extension


def unlogged_extensions(ctx: RuleContext) -> Iterator[Finding]:
    """Every due-date move later is in the extension log (judged in rules/extensions.py)."""
    for action, path, _ in items(ctx, "action"):
        history = ctx.history.get(action.id)
        moves = history.due_moves if history is not None else ()
        if ctx.governance is not None:
            moves = judged_moves(moves, ctx.governance)  # not in imported history
        for found in extensions.unlogged(action, moves, ctx.policy):
            yield found.located(path)


def _readings(measure: Measure) -> tuple[tuple[int, Reading], ...]:
    return standing("readings", measure.readings, measure.corrections)


# --- duplicates, corrections, leavers, meetings ----------------------------------------


def duplicate_of(
    evidence: Iterable[Evidence],
    kind: str,
    file: str | None,
    document: str | None,
    satisfies: tuple[str, ...],
    day: date,
) -> Evidence | None:
    """The entry that already records this evidence: same kind, file or document, date and
    requirements (what it says about it may differ: the same evidence recorded twice)."""
    for entry in evidence:
        if (
            entry.kind == kind
            and entry.file == file
            and entry.document == document
            and entry.date == day
            and sorted(entry.satisfies) == sorted(satisfies)
        ):
            return entry
    return None


def duplicate_evidence(ctx: RuleContext) -> Iterator[Finding]:
    """The same evidence is not recorded twice."""
    for action, path, _ in items(ctx, "action"):
        seen: list[Evidence] = []
        for index, entry in action.indexed("evidence"):
            same = duplicate_of(
                seen, entry.kind, entry.file, entry.document, entry.satisfies, entry.date
            )
            if same is not None:
                yield finding(
                    path,
                    "consistency-duplicate-evidence",
                    f"evidence {entry.id} records the same evidence as {same.id} ({entry.kind}, "
                    f"{entry.reference}, {entry.date.isoformat()})",
                    hint=f"withdraw one with `cqctrack withdraw {action.id} evidence {entry.id} "
                    "--reason TEXT`",
                    severity=Severity.WARNING,
                    loc=("evidence", index),
                    subject=action.id,
                )
            seen.append(entry)


def _names(log: str, entries: tuple[object, ...]) -> list[str]:
    if log == "evidence":
        return [getattr(e, "id", "") for e in entries]
    return [f"{log}[{i + 1}]" for i in range(len(entries))]


def corrections(ctx: RuleContext) -> Iterator[Finding]:
    """Each correction points at an entry that exists, and a replacement written after it."""
    for kind, logs in (("action", ("evidence", "reviews", "progress")), ("measure", ("readings",))):
        for item, path, _ in items(ctx, kind):
            names = {
                name: (log, i)
                for log in logs
                for i, name in enumerate(_names(log, getattr(item, log)))
            }
            handled: set[str] = set()
            for index, fix in enumerate(item.corrections):
                loc: Loc = ("corrections", index)
                problem = None
                if fix.entry == "person_ref":
                    if kind != "action":
                        problem = "a measure has no person_ref"
                elif fix.entry not in names:
                    problem = f"it corrects {fix.entry}, which is not an entry of {item.id}"
                elif fix.entry in handled:
                    problem = (
                        f"{fix.entry} was already withdrawn or replaced; correct its "
                        "replacement instead"
                    )
                elif fix.change is Change.REPLACED:
                    target = fix.replacement or ""
                    if target not in names:
                        problem = f"its replacement {target} is not an entry of {item.id}"
                    elif names[target][0] != names[fix.entry][0]:
                        problem = f"{fix.entry} cannot be replaced by {target}, from another log"
                    elif names[target][1] <= names[fix.entry][1]:
                        problem = f"its replacement {target} comes before {fix.entry}"
                if problem is not None:
                    yield finding(
                        path,
                        "consistency-correction",
                        f"correction {index + 1}: {problem}",
                        hint="record corrections with `cqctrack correct` and `cqctrack withdraw`",
                        loc=loc,
                        subject=item.id,
                    )
                handled.add(fix.entry)


def leavers(ctx: RuleContext) -> Iterator[Finding]:
    """No one acts for the service after the day they left."""
    people = ctx.people
    if not any(p.left for p in people.values()):
        return

    def after_leaving(person: str | None, day: date | None) -> str | None:
        found = people.get(person or "")
        if found is None or found.left is None or day is None or day <= found.left:
            return None
        return f"{found.name} ({person}) left on {date_text(found.left)}"

    for item_kind, logs in (
        ("action", ("evidence", "reviews", "progress", "extensions", "reopenings", "corrections")),
        ("concern", ("reviews",)),
        ("measure", ("readings", "corrections")),
    ):
        for item, path, _ in items(ctx, item_kind):
            for log in logs:
                for index, entry in enumerate(getattr(item, log)):
                    for field in ("by", "added_by", "approved_by", "recorded_by"):
                        who = getattr(entry, field, None)
                        day = getattr(entry, "date", None) or getattr(entry, "recorded", None)
                        gone = after_leaving(who, day)
                        if gone:
                            yield finding(
                                path,
                                "consistency-person-left",
                                f"{dotted((log, index))} is dated {day}, but {gone}",
                                hint="check the date, or the person: someone who has left "
                                "cannot act for the service",
                                loc=(log, index, field),
                                subject=item.id,
                            )
            done = getattr(item, "closure", None)
            if done is not None:
                gone = after_leaving(done.verified_by, done.date)
                if gone:
                    yield finding(
                        path,
                        "consistency-person-left",
                        f"the closure is dated {done.date}, but its verifier {gone}",
                        loc=("closure", "verified_by"),
                        subject=item.id,
                    )
    for _slug, tracker, path in trackers(ctx):
        for index, meeting in enumerate(tracker.meetings):
            for who in (meeting.chair, *meeting.attendees):
                gone = after_leaving(who, meeting.date)
                if gone:
                    yield finding(
                        path,
                        "consistency-person-left",
                        f"meetings[{index + 1}] is dated {meeting.date}, but {gone}",
                        loc=("meetings", index),
                    )


def leaders_left(ctx: RuleContext) -> Iterator[Finding]:
    """A tracker's registered manager and provider leaders are people still in post."""
    for _slug, tracker, path in trackers(ctx):
        for field in ("registered_manager", "nominated_individual", "provider_representative"):
            person = ctx.people.get(getattr(tracker, field) or "")
            if person is not None and person.left_by(ctx.today):
                assert person.left is not None
                yield finding(
                    path,
                    "consistency-person-left",
                    f"{field.replace('_', ' ')} {getattr(tracker, field)} left on "
                    f"{date_text(person.left)}, so escalations go to someone who has gone",
                    hint=f"name their successor as {field} in {path}",
                    severity=Severity.WARNING,
                    loc=(field,),
                )


def meetings(ctx: RuleContext) -> Iterator[Finding]:
    """What a meeting says it decided is in the files: a review of each item on its date."""
    for _slug, tracker, path in trackers(ctx):
        for index, meeting in enumerate(tracker.meetings):
            for item_id in meeting.reviewed:
                item = ctx.snap.actions.get(item_id) or ctx.snap.concerns.get(item_id)
                if item is None:
                    problem = "which does not exist"
                elif not any(
                    r.date == meeting.date and r.level is meeting.level for r in item.reviews
                ):
                    problem = f"which has no {meeting.level} review dated {meeting.date}"
                else:
                    continue
                yield finding(
                    path,
                    "consistency-meeting",
                    f"the meeting of {meeting.date} lists {item_id}, {problem}",
                    hint="record meetings with `cqctrack meeting`, which writes both",
                    severity=Severity.WARNING,
                    loc=("meetings", index, "reviewed"),
                )
