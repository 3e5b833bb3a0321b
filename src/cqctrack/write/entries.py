"""The entries a manager records against an action or measure: evidence, extensions,
oversight, progress, closure, reopening, cancellation and readings, each checked first.

Each function checks the event against the current files and policy, refusing
with every reason at once, then appends to the action's logs (or sets its
status) through a `Recorder`, which writes and commits. Logs are append-only:
nothing here removes an entry, and a reopening keeps the closure it undoes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cqctrack.errors import InvalidInput, Refused
from cqctrack.format import models
from cqctrack.format.catalogue import load_catalogue
from cqctrack.format.records import Action, Cancellation, Closure, Extension, Reading, Review
from cqctrack.format.vocab import (
    OPEN_STATUSES,
    PERIOD_EXAMPLES,
    PERIOD_PATTERNS,
    Decision,
    ReviewLevel,
    Status,
)
from cqctrack.rules import closure as closure_rule
from cqctrack.rules import measures as measures_rule
from cqctrack.rules import oversight as oversight_rule
from cqctrack.rules.checks.consistency import duplicate_of
from cqctrack.rules.context import RuleContext
from cqctrack.store import files
from cqctrack.wording import date_text, days_text
from cqctrack.write import citing, edits, proof
from cqctrack.write.session import Outcome, Recorder

ORDER = edits.key_order(models.Action)
MEASURE_ORDER = edits.key_order(models.Measure)


def _trailers(item_id: str, event: str, **extra: str) -> dict[str, str]:
    key = "Measure" if "-M" in item_id else "Action"
    return {key: item_id, "Event": event, **extra}


def _must_be_open(action: Action, doing: str) -> None:
    if action.status not in OPEN_STATUSES:
        raise Refused(
            f"{action.id} is {action.status}, so you cannot {doing}",
            hint=f"reopen it first with `cqctrack reopen {action.id} --reason TEXT`",
        )


def _must_verify(rec: Recorder, person: str, doing: str) -> None:
    """Closure decisions and cancellations are for the roles that may verify closures."""
    roles = rec.policy.closure.verifier_roles
    if rec.role(person) not in roles:
        raise Refused(
            f"{person} is a {rec.role(person)}, who may not {doing}",
            hint="roles that may: " + ", ".join(roles),
        )


def _level_for(rec: Recorder, person: str) -> ReviewLevel:
    """The level someone usually records when --level is not given: provider scrutiny for
    the roles that may record it, management review for those who may record that."""
    role, roles = rec.role(person), rec.policy.roles
    if role in roles.monthly_review:
        return ReviewLevel.MONTHLY
    return ReviewLevel.WEEKLY if role in roles.weekly_review else ReviewLevel.AD_HOC


def _refuse(message: str, problems: list[Any], hint: str | None = None) -> None:
    """Refuse with every problem the rules found (each a finding), before anything is written."""
    if problems:
        raise Refused(message, details=[p.message for p in problems], hint=hint)


def resolve_reference(
    rec: Recorder, ref: str, document: bool, *, copy: bool = False, item_id: str = ""
) -> dict[str, str]:
    """`--ref` as `file:` (cited, and committed with the entry) or `document:` (see citing.py)."""
    tracker = rec.snap.tracker_of(item_id) if item_id in rec.snap.sources else "shared"
    return citing.reference(rec, ref, document=document, copy=copy, tracker=tracker)


def add_evidence(
    rec: Recorder,
    action_id: str,
    *,
    kind: str,
    ref: str,
    summary: str,
    satisfies: list[str],
    by: str | None,
    when: date | None,
    document: bool = False,
    copy: bool = False,
    staff_refs: list[str] | None = None,
) -> Outcome:
    action, rel = rec.action(action_id)
    _must_be_open(action, "add evidence")
    catalogue = load_catalogue()
    if kind not in catalogue.kinds:
        raise InvalidInput(
            f"--kind {kind}: not an evidence kind", hint="kinds: " + ", ".join(catalogue.kinds)
        )
    chosen = _requirements_for(action, kind, [s.upper() for s in satisfies])
    entry_date = rec.date(when)
    by = rec.recorded_by(by, entry_date)
    number = max((int(e.id[1:]) for e in action.evidence), default=0) + 1
    source = resolve_reference(rec, ref, document, copy=copy, item_id=action.id)
    entry = {
        "id": f"E{number}",
        "satisfies": chosen,
        "kind": kind,
        **source,
        "date": entry_date,
        "added_by": by,
        "summary": summary,
        "staff_refs": staff_refs or None,
    }
    same = duplicate_of(
        action.current_evidence,
        kind,
        source.get("file"),
        source.get("document"),
        tuple(chosen),
        entry_date,
    )
    if same is not None:
        raise Refused(
            f"{action.id}: evidence {same.id} already records this ({kind}, "
            f"{same.reference}, {entry_date.isoformat()}, for {', '.join(chosen)}) "
            "[consistency-duplicate-evidence]",
            hint=f"nothing was written; if {same.id} is wrong, correct it with "
            f"`cqctrack correct {action.id} evidence {same.id}`",
        )
    return rec.edit(
        rel,
        models.Action,
        lambda data: edits.append_entry(data, "evidence", entry, ORDER),
        summary=f"{action.id}: add evidence E{number} ({kind}) for {', '.join(chosen)}",
        trailers=_trailers(action.id, "evidence-added", Evidence=f"E{number}"),
    )


def _requirements_for(action: Action, kind: str, asked: list[str]) -> list[str]:
    catalogue = load_catalogue()
    accepting = [
        r.id
        for r in action.evidence_required
        if any(catalogue.kind_accepts(a, kind) for a in r.kinds)
    ]
    listing = "; ".join(
        f"{r.id} needs {catalogue.describe_accepted(r.kinds)}" for r in action.evidence_required
    )
    if not asked:
        if len(accepting) == 1:
            return accepting
        if not accepting:
            raise Refused(
                f"no evidence requirement of {action.id} accepts {kind} evidence",
                details=[listing],
                hint="choose a kind a requirement accepts",
            )
        raise InvalidInput(
            f"{kind} evidence could satisfy {', '.join(accepting)}; say which with --satisfies",
        )
    known = {r.id for r in action.evidence_required}
    reasons = [
        f"{a} is not an evidence requirement of {action.id}" for a in asked if a not in known
    ]
    reasons += [
        f"{a} does not accept {kind} evidence" for a in asked if a in known and a not in accepting
    ]
    if reasons:
        raise Refused(
            f"evidence cannot be recorded against {', '.join(asked)}", details=[*reasons, listing]
        )
    return asked


def extend(
    rec: Recorder,
    action_id: str,
    *,
    to: date,
    reason: str,
    approved_by: str,
    when: date | None,
    by: str | None = None,
) -> Outcome:
    action, rel = rec.action(action_id)
    _must_be_open(action, "extend it")
    entry_date = rec.date(when)
    rec.recorded_by(by, entry_date)
    approver = rec.current_person(approved_by, "--approved-by", entry_date)
    reasons = []
    if to <= action.due:
        reasons.append(
            f"the new due date {to.isoformat()} is not later than the current one "
            f"({action.due.isoformat()})"
        )
    record = Extension(action.due, to, reason, approver, entry_date)
    problems = oversight_rule.extension_problems(action, record, rec.snap.people, rec.policy)
    entry = {
        "from": action.due,
        "to": to,
        "reason": reason,
        "approved_by": approver,
        "date": entry_date,
    }
    problems += proof.proof(rec, "extensions", entry)
    reasons += [p.message for p in problems]
    if reasons:
        raise Refused(f"{action.id} was not extended", details=reasons)

    def mutate(data: Any) -> None:
        edits.append_entry(data, "extensions", entry, ORDER)
        edits.set_value(data, "due", to, ORDER)

    count = len(action.extensions) + 1
    return rec.edit(
        rel,
        models.Action,
        mutate,
        summary=f"{action.id}: extend due date {action.due.isoformat()} -> {to.isoformat()}",
        trailers=_trailers(action.id, "extended", Extension=str(count)),
    )


def oversight(
    rec: Recorder,
    action_id: str,
    *,
    decision: Decision,
    by: str | None,
    note: str,
    level: ReviewLevel | None,
    when: date | None,
) -> Outcome:
    action, rel = rec.action(action_id)
    entry_date = rec.date(when)
    reviewer = rec.recorded_by(by, entry_date)
    imported = action.closure is not None and bool(action.closure.imported)
    if decision in (Decision.APPROVE_CLOSURE, Decision.REJECT_CLOSURE):
        # A closure copied from a spreadsheet is confirmed (or not) by this decision
        # after the fact, so it is the one closed action a closure decision may follow.
        if not (imported and action.status is Status.CLOSED):
            _must_be_open(action, f"record {decision}")
        if imported and reviewer == action.owner:
            raise Refused(
                f"{reviewer} owns {action.id}, so cannot confirm its imported closure",
                hint="ask someone who may verify closures and did not own the action",
            )
    level = level or _level_for(rec, reviewer)
    record = Review(entry_date, reviewer, level, decision, note)
    entry = {
        "date": record.date,
        "by": reviewer,
        "level": level,
        "decision": decision,
        "note": note,
    }
    _refuse(
        f"the {level} oversight of {action.id} was not recorded",
        oversight_rule.review_problems(action, record, rec.snap.people, rec.policy)
        + proof.proof(rec, "reviews", entry),
    )
    if decision is Decision.APPROVE_CLOSURE:
        unmet = closure_rule.unmet_requirements(action, load_catalogue(), files.checker(rec.root))
        if unmet:
            raise Refused(
                f"closure of {action.id} cannot be approved: evidence requirements "
                f"{', '.join(unmet)} have no usable evidence",
                hint="record a reject-closure or challenge instead, or add evidence first",
            )
    return rec.edit(
        rel,
        models.Action,
        lambda data: edits.append_entry(data, "reviews", entry, ORDER),
        summary=f"{action.id}: {entry['level']} oversight, {decision.value} ({reviewer})",
        trailers=_trailers(action.id, "reviewed", Decision=decision.value),
    )


def update(
    rec: Recorder,
    action_id: str,
    *,
    status: Status | None,
    owner: str | None,
    note: str | None,
    by: str | None,
    when: date | None,
    staff_refs: list[str] | None = None,
) -> Outcome:
    action, rel = rec.action(action_id)
    _must_be_open(action, "update it")
    added_refs = [r for r in dict.fromkeys(staff_refs or []) if r not in action.staff_refs]
    if status is None and owner is None and note is None and not staff_refs:
        raise InvalidInput(
            "nothing to update", hint="give --status, --owner, --note or --staff-ref"
        )
    if status in (Status.CLOSED, Status.CANCELLED):
        verb = "close" if status is Status.CLOSED else "cancel"
        raise InvalidInput(
            f"use `cqctrack {verb} {action.id}` to set status {status}",
            hint="closing and cancelling have their own checks and records",
        )
    if status is Status.AWAITING_VERIFICATION and not action.current_evidence:
        raise Refused(
            f"{action.id} has no evidence yet, so it cannot await verification",
            hint=f"record evidence first with `cqctrack evidence add {action.id}`",
        )
    entry_date = rec.date(when)
    new_owner = rec.current_person(owner, "--owner", entry_date) if owner is not None else None
    who = rec.recorded_by(by, entry_date)
    changes = []
    if status is not None and status is not action.status:
        changes.append(f"status {action.status} -> {status}")
    if new_owner is not None and new_owner != action.owner:
        changes.append(f"owner {action.owner} -> {new_owner}")
    if note is not None:
        changes.append("progress note")
    if added_refs:
        changes.append(f"staff {', '.join(added_refs)}")
    if not changes:
        raise InvalidInput(f"{action.id} already has that status and owner; nothing to change")

    def mutate(data: Any) -> None:
        if status is not None:
            edits.set_value(data, "status", status, ORDER)
        if new_owner is not None:
            edits.set_value(data, "owner", new_owner, ORDER)
        if note is not None:
            entry = {"date": entry_date, "by": who, "note": note}
            edits.append_entry(data, "progress", entry, ORDER)
        if added_refs:
            edits.set_value(data, "staff_refs", [*action.staff_refs, *added_refs], ORDER)

    event = "reassigned" if new_owner and new_owner != action.owner else "updated"
    return rec.edit(
        rel,
        models.Action,
        mutate,
        summary=f"{action.id}: {', '.join(changes)}",
        trailers=_trailers(action.id, event),
    )


def close(
    rec: Recorder,
    action_id: str,
    *,
    verified_by: str,
    outcome: str,
    when: date | None,
    by: str | None = None,
) -> Outcome:
    action, rel = rec.action(action_id)
    _must_be_open(action, "close it")
    closure = Closure(date=rec.date(when), verified_by=verified_by, outcome=outcome)
    rec.recorded_by(by, closure.date)
    context = RuleContext(rec.snap, load_catalogue(), files.checker(rec.root), rec.today)
    gaps = closure_rule.closure_gaps(action, closure, context)
    gaps += proof.proof(rec, "closure", closure._asdict())
    if gaps:
        raise Refused(
            f"{action.id} cannot be closed:",
            details=[gap.message for gap in gaps],
            hint="nothing was written; close it once every condition above is met",
        )
    _refuse_uncommitted_evidence(rec, action)

    def mutate(data: Any) -> None:
        edits.set_value(data, "status", Status.CLOSED, ORDER)
        edits.set_value(data, "closure", closure._asdict(), ORDER)

    return rec.edit(
        rel,
        models.Action,
        mutate,
        summary=f"{action.id}: close, verified by {verified_by}",
        trailers=_trailers(action.id, "closed", **{"Verified-By": verified_by}),
    )


def reopen(
    rec: Recorder,
    action_id: str,
    *,
    reason: str,
    by: str | None,
    when: date | None,
    due: date | None = None,
) -> Outcome:
    action, rel = rec.action(action_id)
    if action.status in OPEN_STATUSES:
        raise Refused(f"{action.id} is {action.status}, not closed or cancelled; nothing to reopen")
    entry_date = rec.date(when)
    who = rec.recorded_by(by, entry_date)
    ended = action.closure or action.cancellation
    # Time spent closed is not time the action was late or unreviewed: without --due,
    # the due date moves on by the days it was closed (logged here, not an extension).
    new_due = due
    if new_due is None and ended is not None:
        new_due = action.due + (entry_date - ended.date)
    if new_due is not None and new_due < entry_date and due is not None:
        raise InvalidInput(
            f"--due {due.isoformat()} is before the reopening ({entry_date.isoformat()})"
        )
    entry: dict[str, object] = {"date": entry_date, "by": who, "reason": reason}
    if new_due is not None and new_due != action.due:
        entry["due"] = new_due
    if action.closure is not None:
        entry["closure"] = action.closure._asdict()
    if action.cancellation is not None:
        entry["cancellation"] = action.cancellation._asdict()

    def mutate(data: Any) -> None:
        edits.append_entry(data, "reopenings", entry, ORDER)
        edits.remove_key(data, "closure")
        edits.remove_key(data, "cancellation")
        edits.set_value(data, "status", Status.IN_PROGRESS, ORDER)
        if "due" in entry:
            edits.set_value(data, "due", entry["due"], ORDER)

    if "due" in entry:
        rec.note(
            f"{action.id} is due {date_text(new_due)}"  # type: ignore[arg-type]
            + (
                f" (was {date_text(action.due)}, moved on by the "
                f"{days_text((entry_date - ended.date).days)} it was closed)"
                if due is None and ended is not None
                else ""
            )
        )

    return rec.edit(
        rel,
        models.Action,
        mutate,
        summary=f"{action.id}: reopen ({who})",
        trailers=_trailers(action.id, "reopened"),
    )


def cancel(
    rec: Recorder,
    action_id: str,
    *,
    reason: str,
    approved_by: str,
    when: date | None,
    by: str | None = None,
) -> Outcome:
    action, rel = rec.action(action_id)
    _must_be_open(action, "cancel it")
    entry_date = rec.date(when)
    rec.recorded_by(by, entry_date)
    approver = rec.current_person(approved_by, "--approved-by", entry_date)
    record = Cancellation(entry_date, approver, reason)
    entry = {"date": entry_date, "approved_by": approver, "reason": reason}
    _refuse(
        f"{action.id} was not cancelled",
        oversight_rule.cancellation_problems(action, record, rec.snap.people, rec.policy)
        + proof.proof(rec, "cancellation", entry),
    )

    def mutate(data: Any) -> None:
        edits.set_value(data, "status", Status.CANCELLED, ORDER)
        edits.set_value(data, "cancellation", entry, ORDER)

    return rec.edit(
        rel,
        models.Action,
        mutate,
        summary=f"{action.id}: cancel, approved by {approver}",
        trailers=_trailers(action.id, "cancelled"),
    )


def record_reading(
    rec: Recorder,
    measure_id: str,
    *,
    period: str,
    value: float,
    ref: str,
    note: str | None,
    by: str | None,
    document: bool = False,
    when: date | None = None,
    copy: bool = False,
) -> Outcome:
    measure, rel = rec.measure(measure_id)
    recorded = rec.date(when)
    who = rec.recorded_by(by, recorded)
    reasons = []
    if not PERIOD_PATTERNS[measure.period].match(period):
        example = PERIOD_EXAMPLES[measure.period]
        reasons.append(f"'{period}' is not a {measure.period} period (e.g. {example})")
    if any(r.period == period for r in measure.current_readings):
        reasons.append(
            f"{measure.id} already has a reading for {period}; correct it with "
            f"`cqctrack correct {measure.id} reading {period} --value V --reason TEXT`"
        )
    if measure.unit == "percent" and not 0 <= value <= 100:
        reasons.append(f"{value:g} is not a percentage")
    if not reasons:
        early = measures_rule.premature(
            measure, Reading(None, ref, period, value, rec.today, None, None), rec.today
        )
        if early is not None:
            reasons.append(early)
    if reasons:
        raise Refused("the reading was not recorded", details=reasons)
    entry = {
        "period": period,
        "value": int(value) if float(value).is_integer() else value,
        **resolve_reference(rec, ref, document, copy=copy, item_id=measure.id),
        "recorded": recorded,
        "recorded_by": who,
        "note": note,
    }
    return rec.edit(
        rel,
        models.Measure,
        lambda data: edits.append_entry(data, "readings", entry, MEASURE_ORDER),
        summary=f"{measure.id}: record {period} reading {value:g}",
        trailers=_trailers(measure.id, "reading-recorded", Period=period),
    )


def _refuse_uncommitted_evidence(rec: Recorder, action: Action) -> None:
    """A closure must rest on evidence a fresh clone has: refuse files never committed."""
    if not rec.commit:
        return
    missing = [
        f"evidence {e.id}: {e.file}"
        for e in action.current_evidence
        if e.file is not None and rec.uncommitted(e.file)
    ]
    if missing:
        raise Refused(
            f"{action.id} cannot be closed: its evidence files are not committed, so a fresh "
            "clone would not have them",
            details=missing,
            hint="commit them (`git add` and `git commit`), or record evidence with "
            "`cqctrack evidence add`, which commits the file with the entry",
        )
