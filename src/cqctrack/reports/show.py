"""Render `cqctrack show`: one record in full, as text or JSON.

JSON (`--format json`) is one object: `kind` (action, concern, measure or tracker),
`id`, `path`, `tracker`, `fields` (every field of the file, logs included, as the
file holds them: ISO dates, ids), `logs` (each log entry with `position`, `state`
stands | withdrawn | replaced, `note` and, for evidence and readings, `file_state`:
null when the file is there, else what is wrong), `problems` (what `check` reports
in the file: code, severity, line, message), and by kind: for actions `brag`,
`findings` (code, brag, reason, escalation), `requirements` (id, description,
kinds, met_by), `closure` (with `gaps` and `proof`: rule_met, verifier_role,
approval, commit, flags) and `history_flags`; for concerns `resolved`, `reasons`,
`actions` (id, status, brag), `measures` and `staff_repeats`; for measures
`status` (met, sustained, run, reason); for trackers `actions`.
"""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import Any

from cqctrack.findings import Finding
from cqctrack.read.show import Entry, Shown
from cqctrack.rules.measures import target_text
from cqctrack.wording import date_text


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {("from" if k == "from_" else k): _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "line": f.line,
        "message": f.message,
        "hint": f.hint,
        "commit": f.commit,
    }


def _entry(e: Entry) -> dict[str, Any]:
    out = {"position": e.position, "state": e.state, "note": e.note, "entry": _plain(e.record)}
    if e.replaces is not None:
        out["replaces"] = e.replaces
    if hasattr(e.record, "file"):
        out["file_state"] = e.file_state
    return out


def render_json(shown: Shown) -> str:
    payload: dict[str, Any] = {
        "kind": shown.kind,
        "id": shown.id,
        "path": shown.path,
        "tracker": shown.tracker,
        "fields": _plain(shown.record),
        "logs": {log: [_entry(e) for e in entries] for log, entries in shown.logs.items()},
        "problems": [_finding(f) for f in shown.problems],
    }
    if shown.kind == "action":
        verdict = shown.assessment
        payload["brag"] = verdict.brag.value if verdict else None
        payload["findings"] = [
            {
                "code": f.code,
                "brag": f.brag.value if f.brag else None,
                "reason": f.message,
                "escalation": f.escalate.value if f.escalate else None,
            }
            for f in (verdict.findings if verdict else ())
        ]
        payload["requirements"] = [
            {"id": r.id, "description": r.description, "kinds": list(r.kinds), "met_by": met}
            for r, met in shown.requirements
        ]
        closure = shown.record.closure
        payload["closure"] = None
        if closure is not None:
            proof = shown.proof
            payload["closure"] = {
                **_plain(closure),
                "gaps": [_finding(g) for g in shown.closure_gaps],
                "proof": {
                    "rule_met": proof.get("rule_met"),
                    "verifier_role": proof.get("verifier_role"),
                    "approval": _plain(proof.get("approval")),
                    "commit": _commit(proof.get("commit")),
                    "flags": [_finding(f) for f in proof.get("commit_flags", [])],
                    "arrived_closed": proof.get("arrived_closed"),
                },
            }
        payload["history_flags"] = [_finding(f) for f in shown.history_flags]
        payload["history"] = shown.history_error
    elif shown.kind == "concern" and shown.concern is not None:
        payload["resolved"] = shown.concern.resolved
        payload["reasons"] = list(shown.concern.reasons)
        payload["measures"] = [
            {"id": m.measure.id, "met": m.met, "sustained": m.sustained, "reason": m.reason}
            for m in shown.concern.measures
        ]
        payload["staff_repeats"] = [
            {"ref": r.ref, "actions": list(r.actions), "competency_checks": list(r.checked)}
            for r in shown.repeats
        ]
    elif shown.kind == "measure" and shown.measure is not None:
        m = shown.measure
        payload["status"] = {
            "met": m.met,
            "sustained": m.sustained,
            "run": m.run,
            "reason": m.reason,
        }
    if shown.kind in ("concern", "tracker"):
        payload["actions"] = [
            {
                "id": a.id,
                "title": a.title,
                "status": a.status.value,
                "brag": v.brag.value if v else None,
            }
            for a, v in shown.actions
        ]
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _commit(commit: Any) -> dict[str, Any] | None:
    if commit is None:
        return None
    return {
        "sha": commit.sha,
        "date": commit.when.isoformat(),
        "author": commit.author_name,
        "email": commit.author_email,
        "by_cqctrack": commit.by_cqctrack,
    }


# --- text ------------------------------------------------------------------------------


def _row(label: str, value: object) -> str:
    return f"  {label:<20}  {value}"


def _list(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(values) or "-"


def render_text(shown: Shown) -> list[tuple[str, str]]:
    """Lines with a style name ('' for plain), for print_lines."""
    record = shown.record
    title = getattr(record, "title", None) or getattr(record, "name", "")
    lines: list[tuple[str, str]] = [(f"{shown.id}  {title}", "bold"), (shown.path, "dim"), ("", "")]
    body = {
        "action": _action_text,
        "concern": _concern_text,
        "measure": _measure_text,
        "tracker": _tracker_text,
    }[shown.kind](shown)
    lines += [(line, "") for line in body]
    lines.append(("", ""))
    if shown.problems:
        lines.append(("What `cqctrack check` reports in this file", "bold"))
        for f in shown.problems:
            where = f":{f.line}" if f.line else ""
            lines.append((f"  ! {f.severity}{where}: {f.message} [{f.code}]", "red"))
    else:
        lines.append(("`cqctrack check` reports nothing in this file.", ""))
    return lines


def _action_text(shown: Shown) -> list[str]:
    a = shown.record
    verdict = shown.assessment
    out = [
        _row("Status", f"{a.status}" + (f", {verdict.brag.label}" if verdict else "")),
        _row("Tracker", shown.tracker),
        _row("Concern", a.concern),
        _row("Owner", shown.who(a.owner)),
        _row("Risk", a.risk),
        _row(
            "Created",
            date_text(a.created) + (f" by {shown.who(a.created_by)}" if a.created_by else ""),
        ),
        _row("Due", date_text(a.due)),
        _row("Statements", _list(a.statements)),
        _row("Regulations", _list(a.regulations)),
        _row("Person ref", a.person_ref or "-"),
        _row("Staff refs", _list(a.staff_refs)),
    ]
    if a.detail:
        out.append(_row("Detail", a.detail))
    out.append(_row("Expected outcome", a.expected_outcome))
    if verdict is not None:
        out += ["", "Rating"]
        if verdict.findings:
            out += [
                f"  {f.brag.label if f.brag else '-'}: {f.message} [{f.code}]"
                for f in verdict.findings
            ]
        else:
            out.append(f"  {verdict.brag.label}: nothing drifting")
        if verdict.escalation is not None:
            out.append(f"  escalate to {verdict.escalation.label}")
    out += ["", "Evidence requirements"]
    for requirement, met in shown.requirements:
        state = f"met by {', '.join(met)}" if met else "NOT MET"
        out.append(
            f"  {requirement.id}  {requirement.description} ({', '.join(requirement.kinds)}): {state}"
        )
    out += ["", "Evidence"]
    if not shown.logs["evidence"]:
        out.append("  none yet")
    for e in shown.logs["evidence"]:
        ev = e.record
        out.append(
            f"  {ev.id}  {ev.kind}, {date_text(ev.date)}, by {ev.added_by}, for {', '.join(ev.satisfies)}"
            + (f" (replaces {e.replaces})" if e.replaces else "")
        )
        where = ev.file if ev.file else f"document {ev.document}"
        state = (
            ""
            if ev.file is None
            else " (file present)"
            if e.file_state is None
            else f" (file {e.file_state})"
        )
        out.append(f"      {where}{state}")
        out.append(f"      {ev.summary}")
        if ev.staff_refs:
            out.append(f"      staff: {', '.join(ev.staff_refs)}")
        if e.note:
            out.append(f"      {e.state.upper()}: {e.note}")
    out += _logs_text(shown)
    out += _closure_text(shown)
    out += ["", "History flags"]
    if shown.history_error:
        out.append(f"  ({shown.history_error})")
    elif shown.history_flags:
        out += [f"  ! {f.message} [{f.code}]" for f in shown.history_flags]
    else:
        out.append("  none (see `cqctrack history " + shown.id + "`)")
    return out


def _logs_text(shown: Shown) -> list[str]:
    out: list[str] = []
    reviews = shown.logs.get("reviews", [])
    out += ["", "Reviews"] + (["  none yet"] if not reviews else [])
    for e in reviews:
        r = e.record
        out.append(
            f"  {e.position}. {date_text(r.date)}  {r.level} {r.decision} by {r.by}: {r.note}"
            + (f" (replaces {e.replaces})" if e.replaces else "")
        )
        if e.note:
            out.append(f"      {e.state.upper()}: {e.note}")
    progress = shown.logs.get("progress", [])
    if progress:
        out += ["", "Progress"]
        for e in progress:
            p = e.record
            out.append(f"  {e.position}. {date_text(p.date)}  {p.by}: {p.note}")
            if e.note:
                out.append(f"      {e.state.upper()}: {e.note}")
    extensions = shown.logs.get("extensions", [])
    if extensions:
        out += ["", "Extensions"]
        for e in extensions:
            x = e.record
            out.append(
                f"  {date_text(x.from_)} → {date_text(x.to)}, approved by {x.approved_by} "
                f"on {date_text(x.date)}: {x.reason}"
            )
    reopenings = shown.logs.get("reopenings", [])
    if reopenings:
        out += ["", "Reopenings"]
        for e in reopenings:
            r = e.record
            due = f", due {date_text(r.due)}" if r.due else ""
            out.append(f"  {date_text(r.date)} by {r.by}{due}: {r.reason}")
            if r.closure is not None:
                out.append(
                    f"      undid the closure of {date_text(r.closure.date)} "
                    f"verified by {r.closure.verified_by}"
                )
    changes = shown.logs.get("requirement_changes", [])
    if changes:
        out += ["", "Requirement changes"]
        for e in changes:
            c = e.record
            out.append(
                f"  {date_text(c.date)}  {c.requirement} {c.change}, approved by "
                f"{c.approved_by}: {c.reason}"
            )
    fixes = shown.logs.get("corrections", [])
    if fixes:
        out += ["", "Corrections"]
        for e in fixes:
            c = e.record
            what = f" by {c.replacement}" if c.replacement else ""
            out.append(f"  {date_text(c.date)}  {c.entry} {c.change}{what} ({c.by}): {c.reason}")
    return out


def _closure_text(shown: Shown) -> list[str]:
    a = shown.record
    out = ["", "Closure"]
    if a.closure is None:
        out.append("  cancelled" if a.cancellation else "  not closed")
        if a.cancellation is not None:
            c = a.cancellation
            out.append(f"  {date_text(c.date)}, approved by {shown.who(c.approved_by)}: {c.reason}")
        return out
    closure, proof = a.closure, shown.proof
    role = proof.get("verifier_role") or shown.roles.get(closure.verified_by, "?")
    out.append(f"  {date_text(closure.date)}, verified by {shown.who(closure.verified_by)}, {role}")
    out.append(f"  outcome: {closure.outcome}")
    if shown.closure_gaps:
        out += [f"  ! {g.message} [{g.code}]" for g in shown.closure_gaps]
    else:
        out.append(
            "  closure rule met: every requirement has usable evidence, dated before the "
            "closure; the verifier is independent and may verify"
        )
    approval = proof.get("approval")
    if approval is not None:
        out.append(
            f"  approved at the {approval.level} review of {date_text(approval.date)} by {approval.by}"
        )
    commit = proof.get("commit")
    if commit is not None:
        via = "cqctrack" if commit.by_cqctrack else "a hand edit"
        if proof.get("arrived_closed"):
            via += "; the file was first committed already closed"
        out.append(
            f"  recorded in commit {commit.short} by {commit.author_name} <{commit.author_email}> "
            f"on {date_text(commit.when)} ({via})"
        )
        out += [f"  ! {f.message} [{f.code}]" for f in proof.get("commit_flags", [])]
    elif shown.history_error:
        out.append(f"  ({shown.history_error})")
    return out


def _actions_text(shown: Shown) -> list[str]:
    out = ["", "Actions"] + (["  none"] if not shown.actions else [])
    for action, verdict in shown.actions:
        brag = verdict.brag.label if verdict else "-"
        out.append(f"  {action.id:<9} {brag:<6} {action.status:<22} {action.title}")
    return out


def _concern_text(shown: Shown) -> list[str]:
    c = shown.record
    status = shown.concern
    out = [
        _row("Tracker", shown.tracker),
        _row("Source", f"{c.source}" + (f" ({c.source_ref})" if c.source_ref else "")),
        _row(
            "Raised", date_text(c.raised) + (f" by {shown.who(c.raised_by)}" if c.raised_by else "")
        ),
        _row("Risk", c.risk),
        _row("Statements", _list(c.statements)),
        _row("Regulations", _list(c.regulations)),
        _row("Summary", c.summary),
    ]
    if status is not None:
        out += ["", "Resolved" if status.resolved else "Not resolved"]
        out += [f"  - {reason}" for reason in status.reasons]
        out += ["", "Measures"] + (["  none"] if not status.measures else [])
        out += [f"  {m.measure.id} {m.measure.title}: {m.reason}" for m in status.measures]
    if shown.repeats:
        out += ["", "Repeats by staff"] + [f"  {r.text}" for r in shown.repeats]
    out += _actions_text(shown)
    out += _scope_reviews(shown)
    return out


def _scope_reviews(shown: Shown) -> list[str]:
    reviews = shown.logs.get("reviews", [])
    out = ["", "Reviews"] + (["  none yet"] if not reviews else [])
    for e in reviews:
        r = e.record
        out.append(
            f"  {e.position}. {date_text(r.date)}  {r.level} {r.decision} by {r.by}: {r.note}"
        )
    return out


def _measure_text(shown: Shown) -> list[str]:
    m = shown.record
    out = [
        _row("Concern", m.concern),
        _row("Target", f"{target_text(m)} ({m.period} readings)"),
    ]
    if shown.measure is not None:
        out.append(_row("Status", shown.measure.reason))
    out += ["", "Readings"] + (["  none yet"] if not shown.logs["readings"] else [])
    for e in shown.logs["readings"]:
        r = e.record
        where = r.file if r.file else f"document {r.document}"
        state = (
            ""
            if r.file is None
            else " (file present)"
            if e.file_state is None
            else f" (file {e.file_state})"
        )
        by = f", recorded by {r.recorded_by}" if r.recorded_by else ""
        out.append(f"  {e.position}. {r.period}  {r.value:g}  {where}{state}{by}")
        if r.note:
            out.append(f"      {r.note}")
        if e.note:
            out.append(f"      {e.state.upper()}: {e.note}")
    fixes = shown.logs.get("corrections", [])
    if fixes:
        out += ["", "Corrections"]
        for e in fixes:
            c = e.record
            what = f" by {c.replacement}" if c.replacement else ""
            out.append(f"  {date_text(c.date)}  {c.entry} {c.change}{what} ({c.by}): {c.reason}")
    return out


def _tracker_text(shown: Shown) -> list[str]:
    t = shown.record
    out = [
        _row("Service type", t.service_type),
        _row("Id prefix", t.id_prefix),
        _row("Registered manager", shown.who(t.registered_manager)),
        _row("Nominated individual", shown.who(t.nominated_individual)),
        _row("Provider rep", shown.who(t.provider_representative)),
        _row("Location id", t.location_id or "-"),
    ]
    out += _actions_text(shown)
    out += _scope_reviews(shown)
    meetings = shown.logs.get("meetings", [])
    out += ["", "Meetings"] + (["  none yet"] if not meetings else [])
    for e in meetings:
        m = e.record
        out.append(
            f"  {date_text(m.date)}  {m.level}, chair {m.chair}, attended by "
            f"{', '.join(m.attendees)}: decided on {', '.join(m.reviewed)}"
        )
    return out
