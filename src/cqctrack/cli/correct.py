"""`cqctrack withdraw`, `cqctrack correct` and `cqctrack requirement add|change|remove`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cqctrack.cli import complete
from cqctrack.cli._options import AsOf, parse_date, require
from cqctrack.cli.record import By, Copy, Document, NoCommit, Ref, StaffRefs, When, run
from cqctrack.format.vocab import Decision, ReviewLevel

Item = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="The action (MED-003) or, for a reading, the measure.",
        autocompletion=complete.action_or_measure,
    ),
]
What = Annotated[
    str,
    typer.Argument(
        metavar="ENTRY",
        help="evidence, review, progress or reading (correct also takes person-ref).",
    ),
]
Which = Annotated[
    str | None,
    typer.Argument(
        metavar="WHICH",
        help="Which one: an evidence id (E2), a review or progress note's number (3), or a "
        "reading's period (2026-10). `cqctrack show ID` lists them.",
        show_default=False,
    ),
]
Reason = Annotated[
    str | None,
    typer.Option("--reason", help="Why (kept with the correction). Required.", show_default=False),
]


def _date(value: str | None) -> date | None:
    return parse_date(value, "--date") if value is not None else None


def withdraw(
    ctx: typer.Context,
    item: Item,
    what: What,
    which: Which = None,
    reason: Reason = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Withdraw a log entry recorded in error: it stops counting, and stays visible.

    The entry is not deleted: a correction entry says it was withdrawn, by whom and
    why, and `history` and `show` keep both. Use it for a duplicate, or evidence
    recorded against the wrong action.

    Examples:

    \b
        cqctrack withdraw MED-002 evidence E3 --reason "Recorded twice; E2 is the same audit"
        cqctrack withdraw MED-M1 reading 2026-10 --reason "Audit sample was of another branch"
    """
    from cqctrack.write import corrections

    (why,) = require(reason=reason)
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: corrections.withdraw(
            rec, item, what, which, reason=why, by=by, when=_date(when)
        ),
    )


def correct(
    ctx: typer.Context,
    item: Item,
    what: What,
    which: Which = None,
    reason: Reason = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="The corrected date of the entry (the correction itself is dated today).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Evidence: the corrected kind.")
    ] = None,
    ref: Ref = None,
    document: Document = False,
    copy: Copy = False,
    summary: Annotated[
        str | None, typer.Option("--summary", help="Evidence: the corrected summary.")
    ] = None,
    satisfies: Annotated[
        list[str] | None,
        typer.Option("--satisfies", metavar="REQ", help="Evidence: the requirements it meets."),
    ] = None,
    staff_ref: StaffRefs = None,
    decision: Annotated[
        Decision | None, typer.Option("--decision", help="Review: the corrected decision.")
    ] = None,
    level: Annotated[
        ReviewLevel | None, typer.Option("--level", help="Review: the corrected level.")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Review, progress or reading: the corrected note.")
    ] = None,
    value: Annotated[
        str | None,
        typer.Option(
            "--value",
            help="Reading: the corrected value. person-ref: the corrected reference (or none).",
            show_default=False,
        ),
    ] = None,
    by: By = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Correct a log entry: a corrected copy replaces it, and the original stays visible.

    The corrected entry is appended to its log and a correction entry links the two,
    with who corrected it and why; the rules judge the correction in the original's
    place. A person reference is different: it is changed in place, because the old
    one may name someone, and only the fact of the correction is kept.

    Examples:

    \b
        cqctrack correct MED-002 evidence E2 --date 2026-10-09 \\
            --reason "Dated December in error; observed on 9 October"
        cqctrack correct MED-M1 reading 2026-10 --value 93.1 --reason "Two MARs double-counted"
        cqctrack correct MED-003 review 2 --decision challenge --reason "Recorded as on-track in error"
        cqctrack correct MED-004 person-ref --value SU-0417 --reason "Wrong reference entered"
    """
    from cqctrack.write import corrections

    (why,) = require(reason=reason)
    amount: float | str | None = value
    if what == "reading" and value is not None:
        try:
            amount = float(value)
        except ValueError:
            from cqctrack.errors import InvalidInput

            raise InvalidInput(f"--value {value}: not a number") from None
    values = {
        "date": _date(when),
        "kind": kind,
        "ref": ref,
        "summary": summary,
        "satisfies": list(satisfies or []),
        "staff_refs": list(staff_ref or []),
        "decision": decision,
        "level": level,
        "note": note,
        "value": amount,
    }
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: corrections.correct(
            rec, item, what, which, reason=why, by=by, values=values, copy=copy, document=document
        ),
    )


requirement_app = typer.Typer(
    help="Change an action's agreed evidence requirements, with an approver.", no_args_is_help=True
)
Approver = Annotated[
    str | None,
    typer.Option(
        "--approved-by",
        autocompletion=complete.people,
        metavar="PERSON",
        help="Who agreed the change (not the owner; a role that may verify). Required.",
        show_default=False,
    ),
]
Action = Annotated[
    str,
    typer.Argument(
        metavar="ACTION", help="Action id, e.g. MED-003.", autocompletion=complete.actions
    ),
]
Requirement = Annotated[str, typer.Argument(metavar="REQ", help="Requirement id, e.g. R2.")]
Description = Annotated[
    str | None, typer.Option("--description", help="What the evidence must show.")
]
Kinds = Annotated[
    str | None,
    typer.Option(
        "--kinds", metavar="KIND[,KIND]", help="Evidence kinds or categories that satisfy it."
    ),
]


def _kinds(text: str | None) -> list[str] | None:
    return [k.strip() for k in text.split(",") if k.strip()] if text else None


def _requirement(
    ctx: typer.Context,
    action: str,
    change: str,
    requirement: str | None,
    description: str | None,
    kinds: str | None,
    approved_by: str | None,
    reason: str | None,
    by: str | None,
    when: str | None,
    no_commit: bool,
    as_of: str | None,
) -> None:
    from cqctrack.write import corrections

    approver, why = require(approved_by=approved_by, reason=reason)
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: corrections.change_requirements(
            rec,
            action,
            change,
            requirement,
            description=description,
            kinds=_kinds(kinds),
            approved_by=approver,
            reason=why,
            by=by,
            when=_date(when),
        ),
    )


@requirement_app.command("add")
def requirement_add(
    ctx: typer.Context,
    action: Action,
    description: Description = None,
    kinds: Kinds = None,
    approved_by: Approver = None,
    reason: Reason = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Add an evidence requirement to an action, with who approved it and why.

    Example:

    \b
        cqctrack requirement add MED-002 --description "Spot check of MARs after each round" \\
            --kinds spot-check --approved-by mpatel --reason "Agreed at provider challenge"
    """
    _requirement(
        ctx,
        action,
        "added",
        None,
        description,
        kinds,
        approved_by,
        reason,
        by,
        when,
        no_commit,
        as_of,
    )


@requirement_app.command("change")
def requirement_change(
    ctx: typer.Context,
    action: Action,
    requirement: Requirement,
    description: Description = None,
    kinds: Kinds = None,
    approved_by: Approver = None,
    reason: Reason = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Change an evidence requirement; what it said before is kept with the change.

    Example:

    \b
        cqctrack requirement change MED-002 R1 --kinds observation,competency-assessment \\
            --approved-by mpatel --reason "A competency assessment is an observation too"
    """
    _requirement(
        ctx,
        action,
        "changed",
        requirement,
        description,
        kinds,
        approved_by,
        reason,
        by,
        when,
        no_commit,
        as_of,
    )


@requirement_app.command("remove")
def requirement_remove(
    ctx: typer.Context,
    action: Action,
    requirement: Requirement,
    approved_by: Approver = None,
    reason: Reason = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Remove an evidence requirement; what it said is kept with the change.

    Example:

    \b
        cqctrack requirement remove MED-002 R3 --approved-by dokafor \\
            --reason "Covered by MED-005's audit"
    """
    _requirement(
        ctx,
        action,
        "removed",
        requirement,
        None,
        None,
        approved_by,
        reason,
        by,
        when,
        no_commit,
        as_of,
    )


def register(app: typer.Typer) -> None:
    app.command()(withdraw)
    app.command()(correct)
    app.add_typer(requirement_app, name="requirement")
