"""Commands that record events against actions and measures; each one is a git commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from cqctrack.cli import complete

if TYPE_CHECKING:
    from cqctrack.write.session import Outcome, Recorder

from enum import StrEnum

from cqctrack.cli._options import AsOf, out_console, parse_date, require, state
from cqctrack.format.vocab import Decision, ReviewLevel, Status


class UpdateStatus(StrEnum):
    """The statuses `update` sets: closing and cancelling have their own commands and checks."""

    OPEN = Status.OPEN.value
    IN_PROGRESS = Status.IN_PROGRESS.value
    AWAITING_VERIFICATION = Status.AWAITING_VERIFICATION.value


NoCommit = Annotated[
    bool, typer.Option("--no-commit", help="Write the file but leave committing to you.")
]
IncludeChanges = Annotated[
    bool,
    typer.Option(
        "--include-changes",
        help="Commit the file's uncommitted hand edits with this change (the commit says so); "
        "without it a file with uncommitted changes is refused.",
    ),
]
When = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="DATE",
        help="When it happened (YYYY-MM-DD; default today).",
        show_default=False,
    ),
]
By = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="PERSON",
        autocompletion=complete.people,
        help="Who is recording it (default: the person whose e-mail matches your git identity).",
        show_default=False,
    ),
]
ActionId = Annotated[
    str,
    typer.Argument(
        metavar="ACTION", help="Action id, e.g. MED-003.", autocompletion=complete.actions
    ),
]
# One name for a file-or-document reference on every command that takes one.
Ref = Annotated[
    str | None,
    typer.Option(
        "--ref",
        metavar="PATH_OR_DOCUMENT_ID",
        help="A file (committed with the entry), or an external document id.",
        show_default=False,
    ),
]
Document = Annotated[
    bool, typer.Option("--document", help="Treat --ref as an external document id, never a file.")
]
Copy = Annotated[
    bool,
    typer.Option(
        "--copy",
        help="Copy a --ref file from outside the repository into evidence/<tracker>/ and commit it.",
    ),
]
StaffRefs = Annotated[
    list[str] | None,
    typer.Option(
        "--staff-ref",
        metavar="REF",
        help="Pseudonymous reference of a staff member it concerns, e.g. CW-014 (repeatable).",
        show_default=False,
    ),
]


def run(
    ctx: typer.Context,
    as_of: str | None,
    no_commit: bool,
    event: Callable[[Recorder], Outcome],
    include_changes: bool = False,
) -> None:
    """Open a recording session, apply one event, and say what was recorded."""
    from cqctrack.write.session import Recorder

    st = state(ctx)
    root = st.root()
    caches = st.caches(root)
    today = parse_date(as_of)
    with Recorder(
        root,
        commit=not no_commit,
        today=today,
        caches=caches,
        include_changes=include_changes,
        today_given=as_of is not None,
    ) as rec:
        for notice in rec.notices:  # leftovers of interrupted commands (write/guard.py)
            typer.echo(notice, err=True)
        outcome = event(rec)
    show_outcome(outcome)


def show_outcome(outcome: Outcome) -> None:
    where = f"commit {outcome.commit[:8]}" if outcome.commit else "not committed (--no-commit)"
    lines = [outcome.summary, f"  {outcome.path}: {where}"]
    lines += [
        f"  {other}: {'same commit' if outcome.commit else 'not committed'}"
        for other in outcome.also
    ]
    out_console().print("\n".join(lines), markup=False)
    for note in outcome.notes:
        typer.echo(f"note: {note}", err=True)


def _date(value: str | None, option: str = "--date") -> date | None:
    return parse_date(value, option) if value is not None else None


evidence_app = typer.Typer(help="Record evidence against an action.", no_args_is_help=True)


@evidence_app.command("add")
def evidence_add(
    ctx: typer.Context,
    action: ActionId,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Evidence kind, e.g. audit (see `cqctrack frameworks --kinds`). Required.",
            show_default=False,
        ),
    ] = None,
    ref: Ref = None,
    summary: Annotated[
        str | None,
        typer.Option("--summary", help="What the evidence shows. Required.", show_default=False),
    ] = None,
    satisfies: Annotated[
        list[str] | None,
        typer.Option(
            "--satisfies",
            metavar="REQ",
            help="Evidence requirement(s) it meets, e.g. R1 (default: the only one that accepts this kind).",
        ),
    ] = None,
    document: Document = False,
    copy: Copy = False,
    staff_ref: StaffRefs = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Record evidence for an action's evidence requirement.

    The file --ref names is committed with the entry (with --copy, one from outside
    the repository is first copied into evidence/<tracker>/). A file whose name or
    text identifies a person who uses the service is refused, as is the same
    evidence recorded twice.

    Example:

    \b
        cqctrack evidence add MED-003 --kind competency-assessment \\
            --ref evidence/riverside-homecare/2026-10-competency.md --satisfies R1 \\
            --summary "Observed medicines round; competent"
    """
    from cqctrack.write import entries

    kind, ref, summary = require(kind=kind, ref=ref, summary=summary)
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.add_evidence(
            rec,
            action,
            kind=kind,
            ref=ref,
            summary=summary,
            satisfies=satisfies or [],
            by=by,
            when=_date(when),
            document=document,
            copy=copy,
            staff_refs=list(staff_ref or []),
        ),
        include_changes=include_changes,
    )


def extend(
    ctx: typer.Context,
    action: ActionId,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="DATE",
            help="The new due date (YYYY-MM-DD). With --after-the-fact: which move, if several.",
            show_default=False,
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why more time is needed. Required.")
    ] = None,
    approved_by: Annotated[
        str | None,
        typer.Option(
            "--approved-by",
            autocompletion=complete.people,
            metavar="PERSON",
            help="Who approved the extension (not the owner). Required.",
            show_default=False,
        ),
    ] = None,
    after_the_fact: Annotated[
        bool,
        typer.Option(
            "--after-the-fact",
            help="Log a due-date move already made without an extension entry (git shows it).",
        ),
    ] = False,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Extend an action's due date, logging who approved it and why.

    The extension is appended to the action's extension log and the due date moves
    with it, in one commit. Refuses a date that is not later than the current one.
    With --after-the-fact it logs a move that was made without an entry (a hand edit
    of `due`), leaving the due date as it is: `history` then shows it logged late.

    Examples:

    \b
        cqctrack extend MED-003 --to 2026-11-14 --reason "Trainer off sick" --approved-by mpatel
        cqctrack extend STF-003 --after-the-fact --reason "Agreed at the staffing meeting" \\
            --approved-by gfletcher
    """
    from cqctrack.write import corrections, entries

    if after_the_fact:
        why, approver = require(reason=reason, approved_by=approved_by)
        run(
            ctx,
            as_of,
            no_commit,
            lambda rec: corrections.log_past_move(
                rec,
                action,
                to=parse_date(to, "--to") if to is not None else None,
                reason=why,
                approved_by=approver,
                when=_date(when),
                by=by,
            ),
        )
        return
    new_text, why, approver = require(to=to, reason=reason, approved_by=approved_by)
    new_due = parse_date(new_text, "--to")
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.extend(
            rec,
            action,
            to=new_due,
            reason=why,
            approved_by=approver,
            when=_date(when),
            by=by,
        ),
        include_changes=include_changes,
    )


def oversight(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            autocompletion=complete.items,
            help="An action (MED-003), a concern (MED-C1) or a whole tracker (riverside-homecare).",
        ),
    ],
    decision: Annotated[
        Decision,
        typer.Option(
            "--decision", help="on-track, challenge, escalate, approve-closure or reject-closure."
        ),
    ],
    note: Annotated[str, typer.Option("--note", help="What was checked and why this decision.")],
    by: By = None,
    level: Annotated[
        ReviewLevel | None,
        typer.Option(
            "--level", help="weekly, monthly or ad-hoc (default: from the reviewer's role)."
        ),
    ] = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Record a weekly, monthly or ad hoc oversight decision on an action, concern or tracker.

    A monthly review of a concern or tracker (the nominated individual's trend
    review, the provider's challenge) counts as provider scrutiny of every open
    action under it. Concerns and trackers take on-track, challenge or escalate.
    For a meeting deciding on many actions at once, see `cqctrack meeting`.

    Examples:

    \b
        cqctrack oversight MED-003 --decision challenge --by mpatel \\
            --note "Competency evidence covers one of three staff"
        cqctrack oversight MED-C1 --decision challenge --level monthly --by dokafor \\
            --note "Repeat errors are not reducing; competency checks first"
    """
    import re

    from cqctrack.write import entries, meeting

    if re.match(r"^[A-Za-z][A-Za-z0-9]*-\d+$", target.strip()):
        run(
            ctx,
            as_of,
            no_commit,
            lambda rec: entries.oversight(
                rec, target, decision=decision, by=by, note=note, level=level, when=_date(when)
            ),
            include_changes=include_changes,
        )
        return
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: meeting.scope_oversight(
            rec, target, decision=decision, by=by, note=note, level=level, when=_date(when)
        ),
        include_changes=include_changes,
    )


def update(
    ctx: typer.Context,
    action: ActionId,
    status: Annotated[
        UpdateStatus | None,
        typer.Option(
            "--status",
            help="open, in-progress or awaiting-verification (close, cancel and reopen "
            "have their own commands).",
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            autocompletion=complete.people,
            metavar="PERSON",
            help="Reassign to this person.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Add a progress note.")] = None,
    staff_ref: StaffRefs = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Record progress: change the status, reassign the owner, or add a progress note.

    --staff-ref adds the pseudonymous reference of a staff member the action concerns.

    Example:

    \b
        cqctrack update MED-003 --status awaiting-verification --note "All checks done" --by tokafor
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.update(
            rec,
            action,
            status=Status(status.value) if status is not None else None,
            owner=owner,
            note=note,
            by=by,
            when=_date(when),
            staff_refs=list(staff_ref or []),
        ),
        include_changes=include_changes,
    )


def close(
    ctx: typer.Context,
    action: ActionId,
    verified_by: Annotated[
        str,
        typer.Option(
            "--verified-by",
            autocompletion=complete.people,
            metavar="PERSON",
            help="Who verified the evidence (not the owner).",
        ),
    ],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="What has changed in practice, and how it was checked (at least policy "
            "closure.outcome_min_words words).",
        ),
    ],
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Close an action, if its evidence meets every requirement; otherwise say what is missing.

    Refuses (exit 1, file untouched) with one line per unmet condition: an evidence
    requirement with no evidence, a verifier who is the owner or may not verify,
    a referenced file that does not exist or was never committed, a closure dated
    before its evidence, an outcome statement too short to say what changed.

    Example:

    \b
        cqctrack close MED-003 --verified-by mpatel \\
            --outcome "Re-audit of 40 MAR charts at 97%; no repeat errors by the three staff"
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.close(
            rec, action, verified_by=verified_by, outcome=outcome, when=_date(when), by=by
        ),
        include_changes=include_changes,
    )


def reopen(
    ctx: typer.Context,
    action: ActionId,
    reason: Annotated[str, typer.Option("--reason", help="Why the action is reopened.")],
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            metavar="DATE",
            help="The new due date (default: the old one, moved on by the days it was closed).",
            show_default=False,
        ),
    ] = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Reopen a closed or cancelled action; its closure is kept in the reopenings log.

    Time spent closed does not count towards overdue or unreviewed: without --due
    the due date moves on by the days the action was closed, and the change is
    logged with the reopening (it is not an extension).

    Example:

    \b
        cqctrack reopen MED-003 --reason "Repeat omission found in November audit" --by mpatel
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.reopen(
            rec,
            action,
            reason=reason,
            by=by,
            when=_date(when),
            due=parse_date(due, "--due") if due is not None else None,
        ),
        include_changes=include_changes,
    )


def cancel(
    ctx: typer.Context,
    action: ActionId,
    reason: Annotated[str, typer.Option("--reason", help="Why the action is no longer needed.")],
    approved_by: Annotated[
        str,
        typer.Option(
            "--approved-by",
            autocompletion=complete.people,
            metavar="PERSON",
            help="Who approved the cancellation.",
        ),
    ],
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Cancel an action that is no longer needed (for example, superseded).

    Example:

    \b
        cqctrack cancel MED-006 --reason "Superseded by MED-009" --approved-by mpatel
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.cancel(
            rec, action, reason=reason, approved_by=approved_by, when=_date(when), by=by
        ),
        include_changes=include_changes,
    )


measure_app = typer.Typer(help="Record readings against measurable targets.", no_args_is_help=True)


@measure_app.command("record")
def measure_record(
    ctx: typer.Context,
    measure: Annotated[
        str,
        typer.Argument(
            metavar="MEASURE", help="Measure id, e.g. MED-M1.", autocompletion=complete.measures
        ),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="The period measured, e.g. 2026-11 (monthly). Required.",
            show_default=False,
        ),
    ] = None,
    value: Annotated[
        float | None,
        typer.Option("--value", help="The reading, e.g. 96.5. Required.", show_default=False),
    ] = None,
    ref: Ref = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Anything a reader should know.")
    ] = None,
    document: Document = False,
    copy: Copy = False,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Record one period's reading for a measure, with the evidence it comes from.

    --ref names the audit or report the reading comes from: a file (committed with
    the reading) or a document id.

    Example:

    \b
        cqctrack measure record MED-M1 --period 2026-11 --value 97.2 --ref QMS-AUD-2026-11
    """
    from cqctrack.write import entries

    period_text, value_given, ref_text = require(period=period, value=value, ref=ref)
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.record_reading(
            rec,
            measure,
            period=period_text,
            value=value_given,
            ref=ref_text,
            note=note,
            by=by,
            document=document,
            when=_date(when),
            copy=copy,
        ),
        include_changes=include_changes,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
    for command in (extend, oversight, update, close, reopen, cancel):
        app.command()(command)
    app.add_typer(measure_app, name="measure")
