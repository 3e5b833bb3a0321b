"""Corrections: mistakes put right without rewriting what was recorded.

Logs are append-only, so a correction is an entry too (issue 11: a wrongly dated
evidence entry blocked a closure and could not be fixed; a wrong reading, person
reference or evidence requirement could not be changed):

- `withdraw`: a `corrections` entry says the log entry no longer counts, who said
  so and why. The entry stays in the file and in `history`.
- `correct`: a replacement entry is appended to the same log (the original's
  fields with the corrected ones), and a `corrections` entry links the two. Rules
  judge the replacement in the original's place (records.standing).
- `person_ref` is the exception: a name typed there is identifiable data, so it is
  amended in place and the correction records only that it changed, and why.
- Evidence requirements are the agreement, not a log: `requirement add|change|
  remove` change them in place, only with an approver (not the owner, in a role
  that may verify) and a reason, and `requirement_changes` keeps what each was.
- A due-date move git saw but nobody logged can be logged after the fact, with an
  approver (`extend --after-the-fact`): the extension entry is appended, and
  `rules/extensions.py` counts the move as logged (policy `anytime`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cqctrack.errors import InvalidInput, Refused
from cqctrack.format import models
from cqctrack.format.catalogue import load_catalogue
from cqctrack.format.policy import ExtensionLogging
from cqctrack.format.records import Action, Extension, Measure, standing
from cqctrack.format.vocab import Decision, ReviewLevel
from cqctrack.rules import oversight as oversight_rule
from cqctrack.wording import date_text
from cqctrack.write import citing, edits, proof
from cqctrack.write.entries import ORDER, _must_be_open, _must_verify, _requirements_for
from cqctrack.write.session import Outcome, Recorder

MEASURE_ORDER = edits.key_order(models.Measure)
KINDS = ("evidence", "review", "progress", "reading")
_LOG = {"evidence": "evidence", "review": "reviews", "progress": "progress", "reading": "readings"}


def _trailers(item_id: str, event: str, **extra: str) -> dict[str, str]:
    key = "Measure" if "-M" in item_id else "Action"
    return {key: item_id, "Event": event, **extra}


def _item(rec: Recorder, item_id: str, kind: str) -> tuple[Action | Measure, str]:
    if kind == "reading":
        return rec.measure(item_id)
    if kind not in KINDS:
        raise InvalidInput(
            f"'{kind}' is not something to correct", hint="one of: " + ", ".join(KINDS)
        )
    if re.match(r"^[A-Za-z][A-Za-z0-9]*-M\d+$", item_id.strip()):
        raise InvalidInput(f"{item_id} is a measure: its entries are readings (`reading PERIOD`)")
    action, rel = rec.action(item_id)
    return action, rel


def _target(item: Action | Measure, kind: str, ref: str | None) -> tuple[str, int, Any]:
    """(name as corrections write it, position in the log, entry) of the entry that stands."""
    log = _LOG[kind]
    entries: tuple[Any, ...] = getattr(item, log)
    live = standing(log, entries, item.corrections)
    if ref is None:
        raise InvalidInput(f"say which {kind}", hint=_which(kind, item))
    ref = ref.strip()
    if kind == "evidence":
        wanted = ref.upper()
        for position, entry in live:
            if entry.id == wanted:
                return wanted, position, entry
        if any(e.id == wanted for e in entries):
            raise Refused(f"{item.id}: evidence {wanted} was already withdrawn or replaced")
    elif kind == "reading":
        for position, entry in live:
            if entry.period == ref:
                return f"readings[{position + 1}]", position, entry
    else:
        if ref.isdigit():
            number = int(ref)
            for position, entry in live:
                if position + 1 == number:
                    return f"{log}[{number}]", position, entry
            if 1 <= number <= len(entries):
                raise Refused(f"{item.id}: {kind} {number} was already withdrawn or replaced")
    raise InvalidInput(f"{item.id} has no {kind} {ref}", hint=_which(kind, item))


def _which(kind: str, item: Action | Measure) -> str:
    log = _LOG[kind]
    live = standing(log, getattr(item, log), item.corrections)
    if kind == "evidence":
        listed = ", ".join(e.id for _, e in live)
    elif kind == "reading":
        listed = ", ".join(r.period for _, r in live)
    else:
        listed = ", ".join(f"{p + 1} ({date_text(e.date)})" for p, e in live)
    what = {"evidence": "evidence ids", "reading": "periods"}.get(kind, f"{kind} numbers")
    return f"{what} here: {listed or 'none'} (`cqctrack show {item.id}` lists them)"


def _may_correct(rec: Recorder, item: Action | Measure, kind: str, entry: Any, who: str) -> None:
    if isinstance(item, Action):
        _must_be_open(item, f"correct its {kind}")
    if (
        kind == "review"
        and who != entry.by
        and rec.role(who) not in rec.policy.closure.verifier_roles
    ):
        roles = ", ".join(rec.policy.closure.verifier_roles)
        raise Refused(
            f"{who} is a {rec.role(who)}: a review is corrected by its reviewer ({entry.by}) or "
            f"someone who may verify closures ({roles})"
        )


def withdraw(
    rec: Recorder,
    item_id: str,
    kind: str,
    ref: str | None,
    *,
    reason: str,
    by: str | None,
    when: date | None,
) -> Outcome:
    item, rel = _item(rec, item_id, kind)
    name, _, entry = _target(item, kind, ref)
    day = rec.date(when)
    who = rec.recorded_by(by, day)
    _may_correct(rec, item, kind, entry, who)
    fix = {"date": day, "by": who, "entry": name, "change": "withdrawn", "reason": reason}
    model, order = (models.Measure, MEASURE_ORDER) if kind == "reading" else (models.Action, ORDER)
    rec.stage_edit(rel, model, lambda data: edits.append_entry(data, "corrections", fix, order))
    what = f"{kind} {ref if kind != 'evidence' else name}"
    return rec.commit_staged(
        f"{item.id}: withdraw {what} ({who})",
        _trailers(item.id, "withdrawn", Entry=name),
    )


def correct(
    rec: Recorder,
    item_id: str,
    kind: str,
    ref: str | None,
    *,
    reason: str,
    by: str | None,
    values: dict[str, Any],
    copy: bool = False,
    document: bool = False,
) -> Outcome:
    """Replace a log entry with a corrected copy, or amend person_ref in place."""
    if kind == "person-ref":
        return _person_ref(rec, item_id, values.get("value"), reason=reason, by=by)
    item, rel = _item(rec, item_id, kind)
    name, _, entry = _target(item, kind, ref)
    today = rec.date(None)
    who = rec.recorded_by(by, today)
    _may_correct(rec, item, kind, entry, who)
    allowed = {
        "evidence": {"date", "kind", "ref", "summary", "satisfies", "staff_refs"},
        "review": {"date", "decision", "level", "note"},
        "progress": {"date", "note"},
        "reading": {"value", "ref", "note"},
    }[kind]
    given = {k: v for k, v in values.items() if v is not None and v != []}
    wrong = sorted(set(given) - allowed)
    if wrong:
        options = ", ".join("--" + w.replace("_", "-") for w in wrong)
        takes = ", ".join("--" + a.replace("_", "-") for a in sorted(allowed))
        raise InvalidInput(
            f"a {kind} has nothing {options} would change", hint=f"a {kind} takes {takes}"
        )
    if not given:
        raise InvalidInput(f"nothing to correct in {kind} {ref}", hint="give the corrected values")
    new = _replacement(rec, item, kind, entry, given, copy=copy, document=document)
    log = _LOG[kind]
    unproven = proof.proof(rec, log, new)  # a closure decision is a sign-off, corrected or not
    if unproven:
        raise Refused(
            f"{kind} {ref} of {item.id} was not corrected", details=[p.message for p in unproven]
        )
    changed = [k for k in new if _norm(new[k]) != _norm(getattr(entry, k, None))]
    if not [k for k in changed if k not in ("id", "recorded", "recorded_by")]:
        raise InvalidInput(f"{kind} {ref} already says that; nothing to correct")
    position = len(getattr(item, log)) + 1
    replacement = new["id"] if kind == "evidence" else f"{log}[{position}]"
    fix = {
        "date": today,
        "by": who,
        "entry": name,
        "change": "replaced",
        "replacement": replacement,
        "reason": reason,
    }
    model, order = (models.Measure, MEASURE_ORDER) if kind == "reading" else (models.Action, ORDER)

    def mutate(data: Any) -> None:
        edits.append_entry(data, log, new, order)
        edits.append_entry(data, "corrections", fix, order)

    rec.stage_edit(rel, model, mutate)
    fields = ", ".join(k for k in changed if k not in ("id", "recorded", "recorded_by"))
    label = name if kind == "evidence" else f"{kind} {ref}"
    return rec.commit_staged(
        f"{item.id}: correct {label} ({fields}) as {replacement}",
        _trailers(item.id, "corrected", Entry=name, Replacement=replacement),
    )


def _norm(value: Any) -> Any:
    """Values as a file holds them, so a corrected entry compares with the original."""
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value] or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return edits.plain_value(value)


def _replacement(
    rec: Recorder,
    item: Action | Measure,
    kind: str,
    entry: Any,
    given: dict[str, Any],
    *,
    copy: bool,
    document: bool,
) -> dict[str, Any]:
    """The corrected entry: the original's fields, with the corrected ones in their place."""
    if kind == "evidence":
        assert isinstance(item, Action)
        catalogue = load_catalogue()
        kind_of = given.get("kind", entry.kind)
        if kind_of not in catalogue.kinds:
            raise InvalidInput(f"--kind {kind_of}: not an evidence kind")
        satisfies = list(entry.satisfies)
        if "satisfies" in given or "kind" in given:
            asked = [s.upper() for s in given.get("satisfies", entry.satisfies)]
            satisfies = _requirements_for(item, kind_of, asked)
        source = {"file": entry.file} if entry.file is not None else {"document": entry.document}
        if "ref" in given:
            source = citing.reference(
                rec,
                given["ref"],
                document=document,
                copy=copy,
                tracker=rec.snap.tracker_of(item.id),
            )
        number = max(int(e.id[1:]) for e in item.evidence) + 1
        return {
            "id": f"E{number}",
            "satisfies": satisfies,
            "kind": kind_of,
            **source,
            "date": rec.date(given.get("date", entry.date)),
            "added_by": entry.added_by,
            "summary": given.get("summary", entry.summary),
            "staff_refs": list(given.get("staff_refs", entry.staff_refs)) or None,
        }
    if kind == "review":
        decision = Decision(given.get("decision", entry.decision))
        if decision in (Decision.APPROVE_CLOSURE, Decision.REJECT_CLOSURE):
            _must_verify(rec, entry.by, decision.value.replace("-", " "))
        return {
            "date": rec.date(given.get("date", entry.date)),
            "by": entry.by,
            "level": ReviewLevel(given.get("level", entry.level)),
            "decision": decision,
            "note": given.get("note", entry.note),
        }
    if kind == "progress":
        return {
            "date": rec.date(given.get("date", entry.date)),
            "by": entry.by,
            "note": given.get("note", entry.note),
        }
    assert isinstance(item, Measure)
    value = float(given.get("value", entry.value))
    if item.unit == "percent" and not 0 <= value <= 100:
        raise Refused(f"{value:g} is not a percentage")
    source = {"file": entry.file} if entry.file is not None else {"document": entry.document}
    if "ref" in given:
        source = citing.reference(
            rec, given["ref"], document=document, copy=copy, tracker=rec.snap.tracker_of(item.id)
        )
    return {
        "period": entry.period,
        "value": int(value) if value.is_integer() else value,
        **source,
        "recorded": rec.today,
        "recorded_by": rec.recorder,
        "note": given.get("note", entry.note),
    }


def _person_ref(
    rec: Recorder, action_id: str, value: Any, *, reason: str, by: str | None
) -> Outcome:
    action, rel = rec.action(action_id)
    if value is None:
        raise InvalidInput(
            "give the corrected reference with --value (e.g. SU-0412), or --value none"
        )
    new = None if str(value).lower() == "none" else str(value).strip()
    if new == action.person_ref:
        raise InvalidInput(f"{action.id}'s person_ref is already {new}; nothing to correct")
    today = rec.date(None)
    who = rec.recorded_by(by, today)
    fix = {"date": today, "by": who, "entry": "person_ref", "change": "amended", "reason": reason}

    def mutate(data: Any) -> None:
        if new is None:
            edits.remove_key(data, "person_ref")
        else:
            edits.set_value(data, "person_ref", new, ORDER)
        edits.append_entry(data, "corrections", fix, ORDER)

    rec.stage_edit(rel, models.Action, mutate)
    # The old value is not repeated anywhere cqctrack writes: not in the file, not in the
    # commit message. It is still in the commits that added it.
    rec.note(
        "the previous person_ref is no longer in the file, but earlier commits still hold it; "
        "if it identified someone, ask whoever runs the repository to remove it from git history "
        "before it is pushed further"
    )
    return rec.commit_staged(
        f"{action.id}: correct person_ref ({who})",
        _trailers(action.id, "corrected", Entry="person_ref"),
    )


# --- evidence requirements --------------------------------------------------------------


def _approver(rec: Recorder, action: Action, approved_by: str, day: date) -> str:
    approver = rec.current_person(approved_by, "--approved-by", day)
    if approver == action.owner:
        raise Refused(
            f"{approver} owns {action.id} and cannot approve changes to what it must show"
        )
    _must_verify(rec, approver, "approve a change to evidence requirements")
    return approver


def change_requirements(
    rec: Recorder,
    action_id: str,
    change: str,
    requirement: str | None,
    *,
    description: str | None,
    kinds: list[str] | None,
    approved_by: str,
    reason: str,
    by: str | None,
    when: date | None,
) -> Outcome:
    """Add, change or remove an agreed evidence requirement, with its approver and reason."""
    from cqctrack.write.create import parse_requirement

    action, rel = rec.action(action_id)
    _must_be_open(action, "change its evidence requirements")
    day = rec.date(when)
    who = rec.recorded_by(by, day)
    approver = _approver(rec, action, approved_by, day)
    current = {r.id: r for r in action.evidence_required}
    log: dict[str, Any] = {"date": day, "by": who, "approved_by": approver}
    if change == "added":
        if not description or not kinds:
            raise InvalidInput("a new requirement needs --description and --kinds")
        spec = parse_requirement(f"{description}={','.join(kinds)}")
        taken = [int(r.id[1:]) for r in action.evidence_required]
        taken += [int(c.requirement[1:]) for c in action.requirement_changes]
        rid = f"R{max(taken, default=0) + 1}"
        new = {"id": rid, "description": spec.description, "kinds": spec.kinds}
        log |= {"requirement": rid, "change": "added", "reason": reason}
    else:
        rid = (requirement or "").strip().upper()
        if rid not in current:
            raise InvalidInput(
                f"{action.id} has no evidence requirement {rid or '(none given)'}",
                hint="requirements: " + ", ".join(current),
            )
        was = current[rid]
        log |= {
            "requirement": rid,
            "change": change,
            "was": {"id": was.id, "description": was.description, "kinds": list(was.kinds)},
            "reason": reason,
        }
        if change == "removed":
            if len(current) == 1:
                raise Refused(
                    f"{rid} is {action.id}'s only evidence requirement",
                    hint="add the one that replaces it first",
                )
            new = {}
        else:
            if description is None and not kinds:
                raise InvalidInput("give the new --description or --kinds")
            spec = parse_requirement(
                f"{description or was.description}={','.join(kinds or was.kinds)}"
            )
            new = {"id": rid, "description": spec.description, "kinds": spec.kinds}
            if new == log["was"]:
                raise InvalidInput(f"{rid} already says that; nothing to change")

    def mutate(data: Any) -> None:
        required = data["evidence_required"]
        if change == "added":
            edits.append_entry(data, "evidence_required", new, ORDER)
        else:
            index = next(i for i, r in enumerate(required) if r.get("id") == rid)
            if change == "removed":
                del required[index]
            else:
                required[index] = edits.to_node(new)
        edits.append_entry(data, "requirement_changes", log, ORDER)

    rec.stage_edit(rel, models.Action, mutate)
    verb = {"added": "add", "changed": "change", "removed": "remove"}[change]
    return rec.commit_staged(
        f"{action.id}: {verb} evidence requirement {rid}, approved by {approver}",
        _trailers(action.id, f"requirement-{change}", Requirement=rid, **{"Approved-By": approver}),
    )


# --- a due-date move logged after the fact ----------------------------------------------


def log_past_move(
    rec: Recorder,
    action_id: str,
    *,
    to: date | None,
    reason: str,
    approved_by: str,
    when: date | None,
    by: str | None,
) -> Outcome:
    """Log a due-date move git saw with no extension entry: who approved it, and why."""
    from cqctrack.git import repository
    from cqctrack.rules import extensions

    action, rel = rec.action(action_id)
    policy = rec.policy
    if policy.audit.extension_logging is ExtensionLogging.SAME_COMMIT:
        raise Refused(
            "policy audit.extension_logging is same-commit: an entry added now would not log a "
            "move made earlier",
            hint="the move stays unlogged; record why in a progress note (`cqctrack update "
            f"{action.id} --note TEXT`)",
        )
    day = rec.date(when)
    rec.recorded_by(by, day)
    approver = rec.current_person(approved_by, "--approved-by", day)
    history = repository.read_history(rec.root, rec.snap, rec.caches).get(action.id)
    moves, _ = extensions.unlogged_moves(action, history.due_moves if history else (), policy)
    if to is not None:
        moves = [m for m in moves if m.new == to]
    if not moves:
        raise Refused(
            f"git shows no unlogged due-date move of {action.id}"
            + (f" to {to.isoformat()}" if to else ""),
            hint=f"`cqctrack history {action.id}` shows every move and whether it was logged",
        )
    if len(moves) > 1:
        listed = ", ".join(f"{m.old.isoformat()} -> {m.new.isoformat()}" for m in moves)
        raise InvalidInput(
            f"{action.id} has {len(moves)} unlogged moves ({listed}); say which with --to DATE"
        )
    move = moves[0]
    entry = {
        "from": move.old,
        "to": move.new,
        "reason": reason,
        "approved_by": approver,
        "date": day,
    }
    # Who may approve it, and the proof of the approval: as for `extend`.
    record = Extension(move.old, move.new, reason, approver, day)
    problems = oversight_rule.extension_problems(action, record, rec.snap.people, policy)
    problems += proof.proof(rec, "extensions", entry)
    if problems:
        raise Refused(
            f"the move of {action.id} was not logged", details=[p.message for p in problems]
        )
    rec.stage_edit(
        rel, models.Action, lambda data: edits.append_entry(data, "extensions", entry, ORDER)
    )
    moved = f"{move.old.isoformat()} -> {move.new.isoformat()}"
    if move.commit:
        rec.note(
            f"logs the move {moved} made in commit {move.commit[:8]}; history shows it logged late"
        )
    return rec.commit_staged(
        f"{action.id}: log the due-date move {moved} after the fact, approved by {approver}",
        _trailers(action.id, "extension-logged", **{"Approved-By": approver}),
    )
