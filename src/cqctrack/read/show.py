"""`cqctrack show ID`: one action, concern, measure or tracker, read in full.

Every field and every log entry (corrected and withdrawn ones too, marked as such),
its evidence with whether each file is there, and what the rules make of it: the
BRAG rating and its reasons (rules/drift.py), the closure and how it was proven
(rules/closure.py, and the commit that recorded it from git), the problems `check`
reports in its file (rules/checks/) and the flags `history` raises (rules/audit.py).
Nothing is judged here: it reads the same records and asks the same rules as
`review`, `check` and `history`, so the four can never disagree about one record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from cqctrack import cache
from cqctrack.errors import InvalidRepository, UnknownId
from cqctrack.findings import Finding, Severity
from cqctrack.format.records import Action, Concern, Correction, Measure, Tracker, standing
from cqctrack.format.vocab import Change, Decision, Status
from cqctrack.read import review as workspace
from cqctrack.rules import closure as closure_rule
from cqctrack.rules import drift, measures, staff
from cqctrack.rules.checks import run_checks
from cqctrack.rules.context import RuleContext
from cqctrack.rules.measures import ConcernStatus, MeasureStatus


@dataclass(frozen=True, slots=True)
class Entry:
    """A log entry as shown: the record, where it is, and what corrections made of it."""

    position: int  # 1-based, as `correct` and `withdraw` name it
    record: Any
    state: str = "stands"  # stands, withdrawn, replaced
    note: str | None = None  # "withdrawn on 5 Nov 2026 by mpatel: ..." or "replaced by E3 ..."
    file_state: str | None = None  # evidence files: None when present, else what is wrong
    replaces: str | None = None  # a replacement: the entry it replaces


@dataclass
class Shown:
    kind: str  # action, concern, measure or tracker
    id: str
    path: str
    tracker: str
    record: Any
    today: date
    names: dict[str, str]
    roles: dict[str, str]
    logs: dict[str, list[Entry]] = field(default_factory=dict)
    assessment: drift.Assessment | None = None
    problems: list[Finding] = field(default_factory=list)  # what `check` reports in the file
    history_flags: list[Finding] = field(default_factory=list)
    closure_gaps: list[Finding] = field(default_factory=list)
    proof: dict[str, Any] = field(default_factory=dict)
    requirements: list[tuple[Any, list[str]]] = field(default_factory=list)  # (req, met by)
    concern: ConcernStatus | None = None
    measure: MeasureStatus | None = None
    actions: list[tuple[Action, drift.Assessment | None]] = field(default_factory=list)
    repeats: tuple[staff.Repeat, ...] = ()
    history_error: str | None = None

    def who(self, person: str | None) -> str:
        if person is None:
            return "-"
        name = self.names.get(person)
        return f"{name} ({person})" if name else person


_ACTION = re.compile(r"^[A-Z][A-Z0-9]{0,9}-\d{1,5}$")
_CONCERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}-C\d{1,4}$")
_MEASURE = re.compile(r"^[A-Z][A-Z0-9]{0,9}-M\d{1,4}$")


def show(root: Path, item: str, today: date, caches: cache.Caches) -> Shown:
    ctx = workspace.load(root, today, caches)
    snap = ctx.snap
    people = snap.people
    names = {pid: p.name for pid, p in people.items()}
    roles = {pid: p.role for pid, p in people.items()}
    wanted = item.strip()
    upper = wanted.upper()
    if upper in snap.sources:
        source = snap.source(upper)
        kind = (
            "action" if _ACTION.match(upper) else "concern" if _CONCERN.match(upper) else "measure"
        )
        shown = Shown(kind, upper, source.path, source.tracker, None, today, names, roles)
    elif wanted in snap.trackers:
        path = snap.tracker_path(wanted)
        shown = Shown("tracker", wanted, path, wanted, snap.trackers[wanted], today, names, roles)
    else:
        _unknown(ctx, wanted, upper)
    if shown.kind == "action":
        _action(ctx, shown, root)
    elif shown.kind == "concern":
        _concern(ctx, shown)
    elif shown.kind == "measure":
        _measure(ctx, shown)
    else:
        _tracker(ctx, shown)
    shown.problems = _problems(ctx, shown.path)
    return shown


def _unknown(ctx: workspace.Workspace, wanted: str, upper: str) -> NoReturn:
    broken = [
        f
        for f in ctx.snap.findings
        if f.severity is Severity.ERROR
        and f.path
        and (Path(f.path).stem == upper or f.path.split("/")[1:2] == [wanted])
    ]
    if broken:
        raise InvalidRepository(
            f"{wanted} cannot be read, so it cannot be shown",
            path=broken[0].path,
            details=[f.message for f in broken],
            hint="fix the file first (see `cqctrack check`)",
        )
    raise UnknownId(
        f"there is no action, concern, measure or tracker {wanted}",
        hint="ids look like MED-003, MED-C1, MED-M1; trackers: "
        + (", ".join(ctx.snap.trackers) or "none"),
    )


def _problems(ctx: workspace.Workspace, path: str) -> list[Finding]:
    """What `check` reports in this file (its history-dependent rules included)."""
    from cqctrack.format.catalogue import load_catalogue
    from cqctrack.store.load import attach_lines

    ctx.history.prefetch(ctx.snap.actions)
    rules = RuleContext(
        ctx.snap,
        load_catalogue(),
        ctx.file_check,
        ctx.today,
        ctx.history,
        ctx.in_git,
        only=frozenset({path}),
    )
    found = [f for f in run_checks(rules) if f.path == path]
    return attach_lines(ctx.root, found)


def _corrections(
    log: str, entries: tuple[Any, ...], corrections: tuple[Correction, ...], key: Any
) -> list[Entry]:
    """Every entry of a log, with what corrections made of it."""
    from cqctrack.wording import date_text

    stand = {position for position, _ in standing(log, entries, corrections)}
    names = {key(i, e): i for i, e in enumerate(entries)}
    notes: dict[int, tuple[str, str]] = {}
    replaces: dict[int, str] = {}
    for fix in corrections:
        at = names.get(fix.entry)
        if at is None:
            continue
        when = f"on {date_text(fix.date)} by {fix.by}: {fix.reason}"
        if fix.change is Change.WITHDRAWN:
            notes[at] = ("withdrawn", f"withdrawn {when}")
        elif fix.change is Change.REPLACED and fix.replacement is not None:
            notes[at] = ("replaced", f"replaced by {fix.replacement} {when}")
            if fix.replacement in names:
                replaces[names[fix.replacement]] = fix.entry
    out = []
    for i, entry in enumerate(entries):
        state, note = notes.get(i, ("stands" if i in stand else "withdrawn", None))
        out.append(Entry(i + 1, entry, state, note, replaces=replaces.get(i)))
    return out


def _action(ctx: workspace.Workspace, shown: Shown, root: Path) -> None:
    action: Action = ctx.snap.actions[shown.id]
    shown.record = action
    ctx.history.prefetch([action.id])
    facts = ctx.facts(action)
    shown.assessment = (
        drift.assess(facts, ctx.policy, ctx.today)
        if action.status is not Status.CANCELLED
        else None
    )
    evidence = _corrections("evidence", action.evidence, action.corrections, lambda i, e: e.id)
    shown.logs["evidence"] = [
        Entry(
            e.position,
            e.record,
            e.state,
            e.note,
            ctx.file_check(e.record.file) if e.record.file else None,
            e.replaces,
        )
        for e in evidence
    ]
    for log in ("reviews", "progress"):
        shown.logs[log] = _corrections(
            log, getattr(action, log), action.corrections, lambda i, e, log=log: f"{log}[{i + 1}]"
        )
    for log in ("extensions", "reopenings", "corrections", "requirement_changes"):
        shown.logs[log] = [Entry(i + 1, e) for i, e in enumerate(getattr(action, log))]
    unmet = set(closure_rule.unmet_requirements(action, ctx.catalogue, ctx.file_check))
    for requirement in action.evidence_required:
        met_by = [
            e.id
            for e in closure_rule.evidence_for(action, requirement)
            if closure_rule.meets(ctx.catalogue, requirement, e)
            and (e.file is None or ctx.file_check(e.file) is None)
        ]
        shown.requirements.append((requirement, met_by if requirement.id not in unmet else []))
    if action.status is Status.CLOSED:
        rules = RuleContext(ctx.snap, ctx.catalogue, ctx.file_check, ctx.today)
        shown.closure_gaps = closure_rule.closure_gaps(action, action.closure, rules)
    _history(shown, root, ctx, action)


def _history(shown: Shown, root: Path, ctx: workspace.Workspace, action: Action) -> None:
    """The history flags, and the commit that recorded the closure (how it was proven)."""
    from cqctrack.errors import CqcError
    from cqctrack.read.history import action_history

    if not ctx.in_git:
        shown.history_error = "not in git, so there is no history to read"
        return
    try:
        timeline = action_history(root, action.id, ctx.snap.config, ctx.caches)
    except CqcError as err:
        shown.history_error = err.message
        return
    shown.history_flags = [f for f in timeline.findings if f.severity is not Severity.INFO]
    closure = action.closure
    if closure is None:
        return
    approval = None
    for review in sorted(action.current_reviews, key=lambda r: r.date):
        if review.date > closure.date:
            break
        if review.decision is Decision.APPROVE_CLOSURE:
            approval = review
        elif review.decision is Decision.REJECT_CLOSURE:
            approval = None
    recorded = next((e for e in reversed(timeline.events) if e.kind == "closed"), None)
    arrived_closed = False
    if recorded is None:  # the file was first committed already closed (e.g. imported)
        recorded = next((e for e in timeline.events if e.kind == "created"), None)
        arrived_closed = recorded is not None
    shown.proof = {
        "rule_met": not [g for g in shown.closure_gaps if g.severity is Severity.ERROR],
        "verifier_role": shown.roles.get(closure.verified_by),
        "approval": approval,
        "commit": recorded.commit if recorded is not None else None,
        "commit_flags": list(recorded.findings) if recorded is not None else [],
        "arrived_closed": arrived_closed,
    }


def _concern(ctx: workspace.Workspace, shown: Shown) -> None:
    concern: Concern = ctx.snap.concerns[shown.id]
    shown.record = concern
    shown.logs["reviews"] = [Entry(i + 1, r) for i, r in enumerate(concern.reviews)]
    statuses = measures.assess_concerns(ctx.snap, ctx.today, ctx.catalogue)
    shown.concern = next(s for s in statuses if s.concern.id == concern.id)
    shown.repeats = shown.concern.staff
    chosen = sorted(
        (a for a in ctx.snap.actions.values() if a.concern == concern.id),
        key=lambda a: workspace.natural_id(a.id),
    )
    ctx.history.prefetch(a.id for a in chosen)
    shown.actions = [
        (
            a,
            drift.assess(ctx.facts(a), ctx.policy, ctx.today)
            if a.status is not Status.CANCELLED
            else None,
        )
        for a in chosen
    ]


def _measure(ctx: workspace.Workspace, shown: Shown) -> None:
    measure: Measure = ctx.snap.measures[shown.id]
    shown.record = measure
    readings = _corrections(
        "readings", measure.readings, measure.corrections, lambda i, e: f"readings[{i + 1}]"
    )
    shown.logs["readings"] = [
        Entry(
            r.position,
            r.record,
            r.state,
            r.note,
            ctx.file_check(r.record.file) if r.record.file else None,
            r.replaces,
        )
        for r in readings
    ]
    shown.logs["corrections"] = [Entry(i + 1, c) for i, c in enumerate(measure.corrections)]
    shown.measure = measures.assess_measure(measure, ctx.today)


def _tracker(ctx: workspace.Workspace, shown: Shown) -> None:
    tracker: Tracker = shown.record
    shown.logs["reviews"] = [Entry(i + 1, r) for i, r in enumerate(tracker.reviews)]
    shown.logs["meetings"] = [Entry(i + 1, m) for i, m in enumerate(tracker.meetings)]
    chosen = sorted(
        (a for a in ctx.snap.actions.values() if ctx.snap.tracker_of(a.id) == shown.id),
        key=lambda a: workspace.natural_id(a.id),
    )
    ctx.history.prefetch(a.id for a in chosen)
    shown.actions = [
        (
            a,
            drift.assess(ctx.facts(a), ctx.policy, ctx.today)
            if a.status is not Status.CANCELLED
            else None,
        )
        for a in chosen
    ]
