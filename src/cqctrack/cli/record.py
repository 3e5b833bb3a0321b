"""Commands that record events against actions and measures; each one is a git commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from cqctrack.write.session import Outcome, Recorder

from cqctrack.cli._options import AsOf, out_console, parse_date, state
from cqctrack.format.vocab import Decision, ReviewLevel, Status

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
        help="Who is recording it (default: the person whose e-mail matches your git identity).",
        show_default=False,
    ),
]
ActionId = Annotated[str, typer.Argument(metavar="ACTION", help="Action id, e.g. MED-003.")]


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
        root, commit=not no_commit, today=today, caches=caches, include_changes=include_changes
    ) as rec:
        outcome = event(rec)
    for note in rec.notes:
        typer.echo(note, err=True)
    where = f"commit {outcome.commit[:8]}" if outcome.commit else "not committed (--no-commit)"
    out_console().print(f"{outcome.summary}\n  {outcome.path}: {where}", markup=False)


def _date(value: str | None, option: str = "--date") -> date | None:
    return parse_date(value, option) if value is not None else None


evidence_app = typer.Typer(help="Record evidence against an action.", no_args_is_help=True)


@evidence_app.command("add")
def evidence_add(
    ctx: typer.Context,
    action: ActionId,
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="Evidence kind, e.g. audit (see `cqctrack frameworks --kinds`)."
        ),
    ],
    ref: Annotated[
        str,
        typer.Option(
            "--ref",
            metavar="PATH_OR_DOCUMENT_ID",
            help="A file in the repository, or an external document id.",
        ),
    ],
    summary: Annotated[str, typer.Option("--summary", help="What the evidence shows.")],
    satisfies: Annotated[
        list[str] | None,
        typer.Option(
            "--satisfies",
            metavar="REQ",
            help="Evidence requirement(s) it meets, e.g. R1 (default: the only one that accepts this kind).",
        ),
    ] = None,
    document: Annotated[
        bool,
        typer.Option("--document", help="Treat --ref as an external document id, never a file."),
    ] = False,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Record evidence for an action's evidence requirement.

    Example:

        cqctrack evidence add MED-003 --kind competency-assessment \\
            --ref evidence/riverside-homecare/2026-10-competency.md --satisfies R1 \\
            --summary "Observed medicines round; competent"
    """
    from cqctrack.write import entries

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
        ),
        include_changes=include_changes,
    )


def extend(
    ctx: typer.Context,
    action: ActionId,
    to: Annotated[str, typer.Option("--to", metavar="DATE", help="The new due date (YYYY-MM-DD).")],
    reason: Annotated[str, typer.Option("--reason", help="Why more time is needed.")],
    approved_by: Annotated[
        str,
        typer.Option(
            "--approved-by", metavar="PERSON", help="Who approved the extension (not the owner)."
        ),
    ],
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Extend an action's due date, logging who approved it and why.

    The extension is appended to the action's extension log and the due date moves
    with it, in one commit. Refuses a date that is not later than the current one.

    Example:

        cqctrack extend MED-003 --to 2026-11-14 --reason "Trainer off sick" --approved-by mpatel
    """
    from cqctrack.write import entries

    new_due = parse_date(to, "--to")
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.extend(
            rec, action, to=new_due, reason=reason, approved_by=approved_by, when=_date(when)
        ),
        include_changes=include_changes,
    )


def oversight(
    ctx: typer.Context,
    action: ActionId,
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
    """Record a weekly, monthly or ad hoc oversight decision on an action.

    Example:

        cqctrack oversight MED-003 --decision challenge --by mpatel \\
            --note "Competency evidence covers one of three staff"
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.oversight(
            rec, action, decision=decision, by=by, note=note, level=level, when=_date(when)
        ),
        include_changes=include_changes,
    )


def update(
    ctx: typer.Context,
    action: ActionId,
    status: Annotated[
        Status | None, typer.Option("--status", help="open, in-progress or awaiting-verification.")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="PERSON", help="Reassign to this person.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Add a progress note.")] = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Record progress: change the status, reassign the owner, or add a progress note.

    Example:

        cqctrack update MED-003 --status awaiting-verification --note "All checks done" --by tokafor
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.update(
            rec, action, status=status, owner=owner, note=note, by=by, when=_date(when)
        ),
        include_changes=include_changes,
    )


def close(
    ctx: typer.Context,
    action: ActionId,
    verified_by: Annotated[
        str,
        typer.Option(
            "--verified-by", metavar="PERSON", help="Who verified the evidence (not the owner)."
        ),
    ],
    outcome: Annotated[
        str, typer.Option("--outcome", help="What has changed in practice, and how it was checked.")
    ],
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Close an action, if its evidence meets every requirement; otherwise say what is missing.

    Refuses (exit 1, file untouched) with one line per unmet condition: an evidence
    requirement with no evidence, a verifier who is the owner or may not verify,
    a referenced file that does not exist, a closure dated before its evidence.

    Example:

        cqctrack close MED-003 --verified-by mpatel --outcome "Re-audit 97%; no repeat errors"
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.close(
            rec, action, verified_by=verified_by, outcome=outcome, when=_date(when)
        ),
        include_changes=include_changes,
    )


def reopen(
    ctx: typer.Context,
    action: ActionId,
    reason: Annotated[str, typer.Option("--reason", help="Why the action is reopened.")],
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Reopen a closed or cancelled action; its closure is kept in the reopenings log.

    Example:

        cqctrack reopen MED-003 --reason "Repeat omission found in November audit" --by mpatel
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.reopen(rec, action, reason=reason, by=by, when=_date(when)),
        include_changes=include_changes,
    )


def cancel(
    ctx: typer.Context,
    action: ActionId,
    reason: Annotated[str, typer.Option("--reason", help="Why the action is no longer needed.")],
    approved_by: Annotated[
        str, typer.Option("--approved-by", metavar="PERSON", help="Who approved the cancellation.")
    ],
    when: When = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Cancel an action that is no longer needed (for example, superseded).

    Example:

        cqctrack cancel MED-006 --reason "Superseded by MED-009" --approved-by mpatel
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.cancel(
            rec, action, reason=reason, approved_by=approved_by, when=_date(when)
        ),
        include_changes=include_changes,
    )


measure_app = typer.Typer(help="Record readings against measurable targets.", no_args_is_help=True)


@measure_app.command("record")
def measure_record(
    ctx: typer.Context,
    measure: Annotated[str, typer.Argument(metavar="MEASURE", help="Measure id, e.g. MED-M1.")],
    period: Annotated[
        str, typer.Option("--period", help="The period measured, e.g. 2026-11 (monthly).")
    ],
    value: Annotated[float, typer.Option("--value", help="The reading, e.g. 96.5.")],
    evidence: Annotated[
        str,
        typer.Option(
            "--evidence",
            metavar="PATH_OR_DOCUMENT_ID",
            help="The audit or report the reading comes from.",
        ),
    ],
    note: Annotated[
        str | None, typer.Option("--note", help="Anything a reader should know.")
    ] = None,
    document: Annotated[
        bool, typer.Option("--document", help="Treat --evidence as an external document id.")
    ] = False,
    by: By = None,
    no_commit: NoCommit = False,
    include_changes: IncludeChanges = False,
    as_of: AsOf = None,
) -> None:
    """Record one period's reading for a measure, with the evidence it comes from.

    Example:

        cqctrack measure record MED-M1 --period 2026-11 --value 97.2 --evidence QMS-AUD-2026-11
    """
    from cqctrack.write import entries

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: entries.record_reading(
            rec,
            measure,
            period=period,
            value=value,
            ref=evidence,
            note=note,
            by=by,
            document=document,
        ),
        include_changes=include_changes,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
    for command in (extend, oversight, update, close, reopen, cancel):
        app.command()(command)
    app.add_typer(measure_app, name="measure")
