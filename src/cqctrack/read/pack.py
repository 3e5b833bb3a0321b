"""`cqctrack report`: the meeting pack's content, built once for every format.

A pack covers a period (a month by default) for one repository or several (a
provider group keeping one repository per service), judged as at the period's
end: BRAG counts and what changed in the period, the actions needing attention,
closures with their evidence and how each sign-off is proven, extensions granted,
measurable targets and the weekly trend, the governance record, quality statement
coverage and the full register. Every judgement comes from `rules/` (drift, the
closure rule, measures, extensions, coverage), the same ones `review` and `check`
make; this module only gathers them into `format.pack.Pack`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from cqctrack import __version__
from cqctrack.errors import InvalidInput
from cqctrack.findings import BRAG_ORDER, Brag, Escalation, Severity
from cqctrack.format import pack as model
from cqctrack.format.history import entries_of_record
from cqctrack.format.records import Action, Review
from cqctrack.format.vocab import Decision, ReviewLevel, Status
from cqctrack.read.review import Workspace, natural_id
from cqctrack.read.summary import due_on, overdue_on
from cqctrack.rules import closure, coverage, drift, extensions, measures, redact, signoff
from cqctrack.wording import date_text, month_name_text

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
TREND_WEEKS = 13  # a quarter of weekly points, ending with the period
# `build` calls its `progress` once as each of these steps starts: four, then one a week.
BUILD_STEPS = 4 + TREND_WEEKS

COMMISSIONER_OMITS = [
    "the notes recorded with oversight decisions and challenges (internal working notes)",
    "pseudonymous references to people who use services",
    "staff references",
]


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    label: str

    @property
    def slug(self) -> str:
        if self.start.day == 1 and self.end == _month_end(self.start):
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period(text: str | None, since: date | None, until: date | None, today: date) -> Period:
    """`--period 2026-11` (or 2026-Q4), `--since/--until`, or the last complete month."""
    if text is not None and (since or until):
        raise InvalidInput("give --period or --since/--until, not both")
    if text is not None:
        month, quarter = _MONTH.match(text), _QUARTER.match(text)
        if month:
            start = date(int(month.group(1)), int(month.group(2)), 1)
            return between(start, _month_end(start))
        if quarter:
            year, q = int(quarter.group(1)), int(quarter.group(2))
            return between(date(year, 3 * q - 2, 1), _month_end(date(year, 3 * q, 1)))
        raise InvalidInput(
            f"--period {text}: not a month or quarter", hint="e.g. --period 2026-11 or 2026-Q4"
        )
    if since or until:
        if not (since and until):
            raise InvalidInput("--since and --until go together", hint="give both dates")
        if until < since:
            raise InvalidInput(f"--until {until} is before --since {since}")
        return between(since, until)
    last = today.replace(day=1) - timedelta(days=1)
    return between(last.replace(day=1), last)


def between(start: date, end: date) -> Period:
    """The period from `start` to `end`, named as people name it (a month, a quarter or dates)."""
    if start.day == 1 and end == _month_end(start):
        return Period(start, end, month_name_text(start.year, start.month))
    if (
        start.day == 1
        and start.month % 3 == 1
        and end == _month_end(date(start.year, start.month + 2, 1))
    ):
        q = start.month // 3 + 1
        label = f"Q{q} {start.year} ({month_name_text(start.year, start.month)} to {month_name_text(end.year, end.month)})"
        return Period(start, end, label)
    return Period(start, end, f"{date_text(start)} to {date_text(end)}")


@dataclass(frozen=True, slots=True)
class Item:
    """One action as the pack sees it: where it is, its facts and the verdict at the period's end."""

    ws: Workspace
    action: Action
    tracker: str  # label: the slug, or repository/slug when the pack spans repositories
    verdict: drift.Assessment | None  # None: cancelled


def _items(workspaces: list[Workspace], trackers: tuple[str, ...]) -> list[Item]:
    several = len(workspaces) > 1
    out = []
    for ws in workspaces:
        ws.history.prefetch(ws.snap.actions)
        for action in ws.snap.actions.values():
            slug = ws.snap.tracker_of(action.id)
            label = f"{ws.root.name}/{slug}" if several else slug
            if trackers and slug not in trackers and label not in trackers:
                continue
            verdict = None
            if action.status is not Status.CANCELLED:
                verdict = drift.assess(ws.facts(action), ws.policy, ws.today)
            out.append(Item(ws, action, label, verdict))
    out.sort(key=lambda i: (i.tracker, natural_id(i.action.id)))
    return out


def build(
    workspaces: list[Workspace],
    when: Period,
    *,
    audience: model.Audience,
    trackers: tuple[str, ...],
    fmt: model.PackFormat,
    command: str,
    sources: list[model.Source],
    progress: Callable[[str], None] = lambda _: None,
) -> model.Pack:
    """The pack for `when`, judged as at each workspace's date (the period's end by default)."""
    progress("reading the trackers")
    items = _items(workspaces, trackers)
    as_of = workspaces[0].today
    providers = sorted({ws.snap.config.provider for ws in workspaces if ws.snap.config})
    provider = " and ".join(providers) or "Provider"
    internal = audience == "provider"
    progress("judging each action")
    summary = _summary(items, workspaces, when)
    attention = _attention(items)
    progress("closures, extensions and oversight")
    closed = _closed(items, when)
    granted = _extensions(items, when)
    governance = _governance(items, when, internal)
    progress("measurable targets and coverage")
    charts = _measures(workspaces, trackers, as_of)
    covered = _coverage(items, workspaces)
    register = _register(items)
    trend = _trend(workspaces, when, trackers, progress)
    pack = model.Pack(
        title=f"CQC improvement actions: {provider}",
        provider=provider,
        period=when.label,
        as_of=as_of,
        audience=audience,
        omitted=[] if internal else COMMISSIONER_OMITS,
        build=model.Build(
            cqctrack=__version__,
            sources=sources,
            period_start=when.start,
            period_end=when.end,
            as_of=as_of,
            audience=audience,
            trackers=list(trackers),
            format=fmt,
            command=command,
        ),
        summary=summary,
        attention=attention,
        closed=closed,
        extensions=granted,
        measures=charts,
        trend=trend,
        governance=governance,
        coverage=covered,
        appendix=register,
    )
    if not internal:
        pack = _redacted(pack, workspaces)
    return pack


# What a commissioner's pack keeps as it is: ids, codes and words cqctrack chose.
_KEEP = frozenset(
    {"action", "measure", "concern", "statement", "code", "kind", "level", "decision", "status"}
    | {"brag", "escalation", "key", "period", "unit", "direction", "build", "audience", "omitted"}
)


def _redacted(pack: model.Pack, workspaces: list[Workspace]) -> model.Pack:
    """The pack with every pseudonymous person reference in free text replaced."""
    scrubbers = []
    for ws in workspaces:
        prefixes = [t.id_prefix for t in ws.snap.trackers.values()]
        privacy = ws.policy.privacy
        scrubbers.append(redact.redactor(privacy.person_ref_pattern, prefixes))
        scrubbers.append(redact.redactor(privacy.staff_ref_pattern, prefixes, redact.STAFF))

    def scrub(value: object, key: str | None = None) -> object:
        if key in _KEEP:
            return value
        if isinstance(value, str):
            for scrubber in scrubbers:
                value = scrubber(value)
            return value
        if isinstance(value, dict):
            return {k: scrub(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v, key) for v in value]
        return value

    data = scrub(pack.model_dump(mode="json", by_alias=True))
    return model.Pack.model_validate(data)


# --- the sections ------------------------------------------------------------------------


def _counts(group: Iterable[Item]) -> model.Counts:
    c = dict.fromkeys(model.Counts.model_fields, 0)
    for item in group:
        action, verdict = item.action, item.verdict
        if verdict is None:
            c["cancelled"] += 1
            continue
        c["open" if action.is_open else "closed"] += 1
        c[verdict.brag.value] += 1
        c["overdue"] += drift.days_overdue(action, item.ws.today) > 0
        c["escalated_provider"] += verdict.escalation is Escalation.PROVIDER
        c["escalated_manager"] += verdict.escalation is Escalation.MANAGER
    return model.Counts(**c)


def _summary(items: list[Item], workspaces: list[Workspace], when: Period) -> model.Summary:
    trackers: dict[str, list[Item]] = {}
    kqs: dict[str, list[Item]] = {}
    for item in items:
        trackers.setdefault(item.tracker, []).append(item)
        for kq in item.ws.key_questions(item.action):
            kqs.setdefault(kq, []).append(item)
    catalogue = workspaces[0].catalogue
    names = {i.tracker: _tracker_name(i) for i in items}
    return model.Summary(
        totals=_counts(items),
        by_tracker=[
            model.Group(key=k, name=names[k], counts=_counts(v)) for k, v in trackers.items()
        ],
        by_key_question=[
            model.Group(key=kq.id, name=kq.name, counts=_counts(kqs.get(kq.id, [])))
            for kq in catalogue.key_questions.values()
        ],
        changes=sorted(_changes(items, when), key=lambda c: (c.kind, c.date or when.end, c.action)),
    )


def _tracker_name(item: Item) -> str:
    tracker = item.ws.snap.trackers.get(item.ws.snap.tracker_of(item.action.id))
    return tracker.name if tracker else item.tracker


def _change(item: Item, kind: str, day: date | None, detail: str) -> model.Change:
    return model.Change(
        kind=kind,  # type: ignore[arg-type]
        action=item.action.id,
        title=item.action.title,
        tracker=item.tracker,
        date=day,
        detail=detail,
    )


def _changes(items: list[Item], when: Period) -> Iterator[model.Change]:
    day_before = when.start - timedelta(days=1)
    for item in items:
        end = min(when.end, item.ws.today)  # nothing after the day judged has happened
        action, names = item.action, item.ws.names
        found = action.closure
        if found is not None and when.holds(found.date):
            who = names.get(found.verified_by, found.verified_by)
            yield _change(item, "closed", found.date, f"verified by {who}")
        for extension in action.extensions:
            if when.holds(extension.date):
                who = names.get(extension.approved_by, extension.approved_by)
                span = f"{date_text(extension.from_)} → {date_text(extension.to)}"
                yield _change(item, "extended", extension.date, f"{span}, approved by {who}")
        for reopening in action.reopenings:
            if when.holds(reopening.date):
                yield _change(item, "reopened", reopening.date, reopening.reason)
        for review in action.current_reviews:
            if review.decision is Decision.ESCALATE and when.holds(review.date):
                who = names.get(review.by, review.by)
                yield _change(item, "escalated", review.date, f"by {who}")
        if item.verdict is None:
            continue
        facts = item.verdict.facts
        if overdue_on(facts, end) and not overdue_on(facts, day_before):
            yield _change(item, "newly-overdue", None, f"due {date_text(due_on(facts, end))}")
        moved, _ = extensions.unlogged_moves(action, facts.due_moves, item.ws.policy)
        for move in moved:
            if move.day is not None and when.holds(move.day):
                yield _change(item, "newly-flagged", move.day, extensions.unlogged_message(move))


def _last_oversight(item: Item) -> model.Oversight | None:
    review = drift.last_review(item.action)
    if review is None:
        return None
    return model.Oversight(
        date=review.date,
        by=item.ws.names.get(review.by, review.by),
        level=review.level.value,
        decision=review.decision.value,
    )


def _attention(items: list[Item]) -> list[model.AttentionRow]:
    """Open actions that are overdue, escalated or flagged, most urgent first."""
    rows = []
    for item in items:
        verdict, action = item.verdict, item.action
        if verdict is None or not action.is_open:
            continue
        days = drift.days_overdue(action, item.ws.today)
        if not (days or verdict.escalation is not None or verdict.facts.unlogged):
            continue
        rows.append(
            (
                (BRAG_ORDER[verdict.brag], -days, item.tracker, natural_id(action.id)),
                model.AttentionRow(
                    action=action.id,
                    title=action.title,
                    tracker=item.tracker,
                    owner=item.ws.names.get(action.owner, action.owner),
                    due=action.due,
                    days_overdue=days,
                    brag=verdict.brag.label,
                    escalation=verdict.escalation.label if verdict.escalation else None,
                    extensions_logged=verdict.facts.logged,
                    extensions_unlogged=verdict.facts.unlogged,
                    last_oversight=_last_oversight(item),
                    reasons=verdict.reasons,
                ),
            )
        )
    return [row for _, row in sorted(rows, key=lambda r: r[0])]


def _closed(items: list[Item], when: Period) -> list[model.ClosedRow]:
    rows = []
    for item in items:
        action, found = item.action, item.action.closure
        if found is None or not when.holds(found.date):
            continue
        rows.append(
            model.ClosedRow(
                action=action.id,
                title=action.title,
                tracker=item.tracker,
                closed=found.date,
                verified_by=item.ws.names.get(found.verified_by, found.verified_by),
                outcome=found.outcome,
                evidence=[
                    model.EvidenceItem(
                        id=e.id,
                        kind=e.kind,
                        reference=e.reference,
                        date=e.date,
                        satisfies=list(e.satisfies),
                    )
                    for e in action.current_evidence
                ],
                proof=_proof(item),
            )
        )
    return rows


def _proof(item: Item) -> str:
    """How the closure's sign-off is shown: evidence met, and what git proves of who signed."""
    ws, action = item.ws, item.action
    unmet = closure.unmet_requirements(action, ws.catalogue, ws.file_check)
    met = (
        "evidence meets every requirement"
        if not unmet
        else ("evidence short of " + ", ".join(unmet))
    )
    found = action.closure
    assert found is not None
    if not ws.in_git:
        return f"{met}; sign-off as recorded in the file (not in git, so not proven)"
    entry = next(e for e in entries_of_record(action) if e.log == "closure")
    history = ws.history.get(action.id)
    added = history.added_by(entry.key) if history is not None else None
    flags = item.verdict.facts.flags if item.verdict else ()
    words = signoff.proof_words(
        entry,
        added,
        flags,
        ws.policy.signoff.proof,
        ws.gov.covers(added),
        ws.names.get(found.verified_by, found.verified_by),
    )
    return f"{met}; {words}"


def _extensions(items: list[Item], when: Period) -> list[model.ExtensionRow]:
    rows = []
    for item in items:
        action = item.action
        moved = item.verdict.facts.extensions if item.verdict else len(action.extensions)
        for extension in action.extensions:
            if when.holds(extension.date):
                rows.append(
                    model.ExtensionRow(
                        action=action.id,
                        title=action.title,
                        tracker=item.tracker,
                        date=extension.date,
                        **{"from": extension.from_},
                        to=extension.to,
                        reason=extension.reason,
                        approved_by=item.ws.names.get(extension.approved_by, extension.approved_by),
                        times_moved=moved,
                    )
                )
    return sorted(rows, key=lambda r: (r.date, r.tracker, natural_id(r.action)))


def _measures(
    workspaces: list[Workspace], trackers: tuple[str, ...], as_of: date
) -> list[model.MeasureChart]:
    out = []
    several = len(workspaces) > 1
    for ws in workspaces:
        for measure in ws.snap.measures.values():
            slug = ws.snap.tracker_of(measure.id)
            label = f"{ws.root.name}/{slug}" if several else slug
            if trackers and slug not in trackers and label not in trackers:
                continue
            status = measures.assess_measure(measure, as_of)
            out.append(
                model.MeasureChart(
                    measure=measure.id,
                    title=measure.title,
                    concern=measure.concern,
                    tracker=label,
                    unit=measure.unit,
                    direction=measure.direction.value,
                    target=measure.target,
                    sustain=measure.sustain,
                    readings=[
                        model.Reading(
                            period=r.period,
                            label=measures.period_label(measure.period, r.period),
                            value=r.value,
                            met=measures.meets_target(measure, r.value),
                        )
                        for r in status.readings
                    ],
                    met=status.met,
                    sustained=status.sustained,
                    status=status.reason,
                )
            )
    return sorted(out, key=lambda m: (m.tracker, natural_id(m.measure)))


def _trend(
    workspaces: list[Workspace],
    when: Period,
    trackers: tuple[str, ...],
    progress: Callable[[str], None],
) -> model.Trend:
    """Open, overdue and Red actions at each week's end (Sundays), ending with the period.

    Each week's state is the repository as committed by the end of that Sunday, read
    from git objects and judged as at that day, so an entry recorded later (or dated
    back) does not rewrite what the tracker showed then. Counts are cached by commit.
    """
    last = min(when.end, workspaces[0].today)
    end = last - timedelta(days=(last.weekday() + 1) % 7)  # the last Sunday judged
    weeks = [end - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    several = len(workspaces) > 1
    points = []
    for number, day in enumerate(weeks, 1):
        progress(f"the weekly trend from git, week {number} of {len(weeks)}")
        totals = [0, 0, 0]
        for ws in workspaces:
            counts = _week(ws, day, trackers, several)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
        points.append(
            model.TrendPoint(week_end=day, open=totals[0], overdue=totals[1], red=totals[2])
        )
    in_git = all(ws.in_git for ws in workspaces)
    source = (
        "each week's end as committed then, read from git objects and judged as at that day"
        if in_git
        else "each week's end judged from the files as they are now (not in git, so no "
        "earlier state can be read)"
    )
    return model.Trend(points=points, source=source)


def _week(ws: Workspace, day: date, trackers: tuple[str, ...], several: bool) -> list[int]:
    """(open, overdue, Red) in `ws`'s repository at the end of `day`."""
    from cqctrack import cache
    from cqctrack.errors import InvalidInput
    from cqctrack.read import at as read_at
    from cqctrack.read.review import load

    def chosen(past: Workspace, action: Action) -> bool:
        slug = past.snap.tracker_of(action.id)
        label = f"{past.root.name}/{slug}" if several else slug
        return not trackers or slug in trackers or label in trackers

    if not ws.in_git:
        past = ws
        key = None
    else:
        try:
            point = read_at.resolve(ws.root, day.isoformat())
        except InvalidInput:  # nothing was committed yet by then
            return [0, 0, 0]
        key = f"{point.sha}\x1f{day.isoformat()}\x1f{chr(31).join(trackers)}\x1f{several}"
        caches = ws.caches or cache.Caches(ws.root, enabled=False)
        stored = caches.read("pack-trend", lambda v: isinstance(v, dict))
        if stored is not None and key in stored:
            return list(stored[key])
        past = load(ws.root, day, caches, at=point, allow_shallow=True)
    counts = [0, 0, 0]
    past.history.prefetch(past.snap.actions)
    for action in past.snap.actions.values():
        if not action.is_open or not chosen(past, action):
            continue
        verdict = drift.assess(past.facts(action), past.policy, day)
        counts[0] += 1
        counts[1] += drift.days_overdue(action, day) > 0
        counts[2] += verdict.brag is Brag.RED
    if key is not None:
        caches = ws.caches or cache.Caches(ws.root, enabled=False)
        stored = caches.read("pack-trend", lambda v: isinstance(v, dict)) or {}
        stored[key] = tuple(counts)
        caches.write("pack-trend", stored)
    return counts


def _governance(items: list[Item], when: Period, internal: bool) -> model.Governance:
    decisions, challenges, missed, flags = [], [], [], []
    for item in items:
        action, ws = item.action, item.ws
        ordered = sorted(action.current_reviews, key=lambda r: r.date)
        for index, review in enumerate(ordered):
            if not when.holds(review.date):
                continue
            decisions.append(
                model.Decision(
                    date=review.date,
                    action=action.id,
                    tracker=item.tracker,
                    by=ws.names.get(review.by, review.by),
                    level=review.level.value,
                    decision=review.decision.value,
                    note=review.note if internal else None,
                )
            )
            if review.decision is Decision.CHALLENGE:
                challenges.append(
                    model.Challenge(
                        date=review.date,
                        action=action.id,
                        by=ws.names.get(review.by, review.by),
                        note=review.note if internal else None,
                        outcome=_outcome(action, review, ordered[index + 1 :], ws),
                    )
                )
        if item.verdict is not None:
            for finding in item.verdict.findings:
                if finding.code in ("unreviewed", "high-risk-unreviewed", "no-provider-review"):
                    level = ReviewLevel.MONTHLY if finding.code == "no-provider-review" else None
                    policy = ws.policy
                    limit = (
                        policy.cadence.monthly_days
                        if level
                        else (
                            policy.drift.high_risk_review_days
                            if finding.code == "high-risk-unreviewed"
                            else policy.cadence.weekly_days
                        )
                    )
                    missed.append(
                        model.MissedReview(
                            action=action.id,
                            tracker=item.tracker,
                            owner=ws.names.get(action.owner, action.owner),
                            level="provider scrutiny" if level else "management review",
                            days=drift.days_unreviewed(
                                item.verdict.facts, ws.policy, ws.today, level
                            ),
                            policy_days=limit,
                        )
                    )
            facts = item.verdict.facts
            unlogged = extensions.unlogged(action, facts.due_moves, ws.policy)
            seen: set[tuple[str, str]] = set()
            for found in (*unlogged, *facts.flags):
                if found.severity is Severity.INFO or (found.code, found.message) in seen:
                    continue
                seen.add((found.code, found.message))
                flags.append(
                    model.Flag(
                        action=action.id,
                        tracker=item.tracker,
                        code=found.code,
                        message=found.message,
                    )
                )
    decisions.sort(key=lambda d: (d.date, d.tracker, natural_id(d.action)))
    challenges.sort(key=lambda c: (c.date, natural_id(c.action)))
    return model.Governance(decisions=decisions, challenges=challenges, missed=missed, flags=flags)


def _outcome(action: Action, challenge: Review, later: list[Review], ws: Workspace) -> str:
    if later:
        nxt = later[0]
        who = ws.names.get(nxt.by, nxt.by)
        return f"next review {date_text(nxt.date)} by {who}: {nxt.decision.value}"
    if action.closure is not None and action.closure.date >= challenge.date:
        return f"closed {date_text(action.closure.date)}"
    return "no review since"


def _coverage(items: list[Item], workspaces: list[Workspace]) -> list[model.CoverageRow]:
    frameworks = sorted(
        {ws.snap.framework_for(slug) for ws in workspaces for slug in ws.snap.trackers}
    )
    file_checks = {id(ws): ws.file_check for ws in workspaces}
    catalogue = workspaces[0].catalogue
    rows: dict[tuple[str, str], coverage.Coverage] = {}
    for ws in workspaces:
        chosen = [
            (i.action, ws.snap.framework_for(ws.snap.tracker_of(i.action.id)))
            for i in items
            if i.ws is ws
        ]
        for found in coverage.coverage(chosen, frameworks, catalogue, file_checks[id(ws)]):
            key = (found.statement.framework, found.statement.id)
            if key in rows:
                old = rows[key]
                found = coverage.Coverage(
                    found.statement,
                    old.open + found.open,
                    old.closed_evidenced + found.closed_evidenced,
                    old.closed_unevidenced + found.closed_unevidenced,
                )
            rows[key] = found
    return [
        model.CoverageRow(
            statement=c.statement.id,
            name=c.statement.name or c.statement.id,
            key_question=catalogue.key_questions[c.statement.key_question].name,
            open=c.open,
            closed_evidenced=c.closed_evidenced,
            status=c.status,  # type: ignore[arg-type]
        )
        for c in rows.values()
    ]


def _register(items: list[Item]) -> list[model.RegisterRow]:
    rows = []
    for item in items:
        action = item.action
        met = len(action.evidence_required) - len(
            closure.unmet_requirements(action, item.ws.catalogue, item.ws.file_check)
        )
        rows.append(
            model.RegisterRow(
                action=action.id,
                title=action.title,
                tracker=item.tracker,
                owner=item.ws.names.get(action.owner, action.owner),
                status=action.status.value,
                brag=item.verdict.brag.label if item.verdict else None,
                due=action.due,
                closed=action.closure.date if action.closure else None,
                statements=list(action.statements),
                evidence=f"{met} of {len(action.evidence_required)} requirements met",
            )
        )
    return rows
