"""`cqctrack people add|list|update|leave`: the people register, without hand edits."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from cqctrack.cli import complete
from cqctrack.cli._options import AsOf, parse_date, print_lines, state
from cqctrack.cli.record import By, NoCommit, When, run

people_app = typer.Typer(
    help="The people register: who owns, reviews, approves and verifies.", no_args_is_help=True
)

PersonArg = Annotated[
    str,
    typer.Argument(metavar="PERSON", help="Person id, e.g. jreed.", autocompletion=complete.people),
]
Emails = Annotated[
    list[str] | None,
    typer.Option(
        "--email",
        metavar="ADDRESS",
        help="A git commit e-mail address of theirs (repeatable).",
        show_default=False,
    ),
]


def _when(value: str | None) -> date | None:
    return parse_date(value, "--date") if value is not None else None


@people_app.command("add")
def add(
    ctx: typer.Context,
    person: PersonArg,
    name: Annotated[str | None, typer.Option("--name", help="Their name. Required.")] = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            help="Their role, e.g. nominated-individual, quality-lead, care-coordinator. Required.",
        ),
    ] = None,
    email: Emails = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Add someone to the people register, in one commit.

    Their e-mail is the address they commit with: it makes --by optional for them
    and lets history confirm that a closure was committed by its verifier.

    Example:

    \b
        cqctrack people add jreed --name "Jo Reed" --role nominated-individual \\
            --email jo.reed@example.org
    """
    from cqctrack.cli._options import require
    from cqctrack.write import people

    name_text, role_text = require(name=name, role=role)
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: people.add(
            rec,
            person,
            name=name_text,
            role=role_text,
            emails=list(email or []),
            by=by,
            when=_when(when),
        ),
    )


@people_app.command("update")
def update(
    ctx: typer.Context,
    person: PersonArg,
    name: Annotated[str | None, typer.Option("--name", help="Their name.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Their new role.")] = None,
    email: Emails = None,
    remove_email: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-email",
            metavar="ADDRESS",
            help="An address to remove (repeatable).",
            show_default=False,
        ),
    ] = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Change someone's name, role or e-mail addresses, in one commit.

    A role change that would leave a closed action verified by someone whose role
    may not verify is refused, as `check` would report it.

    Example:

    \b
        cqctrack people update lnowak --role deputy-manager --email lena.nowak@example.org
    """
    from cqctrack.write import people

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: people.update(
            rec,
            person,
            name=name,
            role=role,
            add_emails=list(email or []),
            remove_emails=list(remove_email or []),
            by=by,
            when=_when(when),
        ),
    )


@people_app.command("leave")
def leave(
    ctx: typer.Context,
    person: PersonArg,
    reassign_to: Annotated[
        str | None,
        typer.Option(
            "--reassign-to",
            autocompletion=complete.people,
            metavar="PERSON",
            help="Give their open actions to this person, in the same commit.",
            show_default=False,
        ),
    ] = None,
    by: By = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="The day they left (YYYY-MM-DD; default today).",
            show_default=False,
        ),
    ] = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Record that someone has left: their history stays, new work cannot go to them.

    From that day they cannot own, review, approve or verify anything. The open
    actions they still own show in `cqctrack review` (Red) until reassigned.

    Example:

    \b
        cqctrack people leave jcarter --date 2026-11-03 --reassign-to lnowak
    """
    from cqctrack.write import people

    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: people.leave(rec, person, when=_when(when), reassign_to=reassign_to, by=by),
    )


class ListFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@people_app.command("codeowners")
def codeowners(
    ctx: typer.Context,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Write CODEOWNERS from the register: who must approve changes to each tracker.

    A change under trackers/<slug>/ (and evidence/<slug>/) needs its registered
    manager's approval, and a change to cqctrack.yaml the nominated individual's, once
    the git host's branch protection requires code owners' review. init and the people
    commands keep the file; run this after editing a tracker's manager by hand, or to
    start using it. Lines outside cqctrack's block are kept.

    Example:

    \b
        cqctrack people codeowners
    """
    from cqctrack.write import people

    run(ctx, as_of, no_commit, people.codeowners)


@people_app.command("list")
def list_people(
    ctx: typer.Context,
    current: Annotated[
        bool, typer.Option("--current", help="Leave out people who have left.")
    ] = False,
    output: Annotated[
        ListFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ListFormat.TEXT,
    as_of: AsOf = None,
) -> None:
    """List the people register: role, e-mail, open actions owned, and who has left.

    Example:

    \b
        cqctrack people list --current
    """
    from cqctrack.errors import InvalidRepository
    from cqctrack.format.vocab import OPEN_STATUSES
    from cqctrack.reports.formats import aligned
    from cqctrack.store.load import load
    from cqctrack.wording import date_text

    st = state(ctx)
    root = st.root()
    snap = load(root, st.caches(root))
    if snap.config is None:
        raise InvalidRepository("cqctrack.yaml is invalid", hint="run `cqctrack check` to see why")
    today = parse_date(as_of)
    owned: dict[str, list[str]] = {}
    for action in snap.actions.select(statuses={s.value for s in OPEN_STATUSES}):
        owned.setdefault(action.owner, []).append(action.id)
    rows = [(pid, p) for pid, p in snap.config.people.items() if not (current and p.left_by(today))]
    if output is ListFormat.JSON:
        payload = [
            {
                "id": pid,
                "name": p.name,
                "role": p.role,
                "emails": list(p.emails),
                "left": p.left.isoformat() if p.left else None,
                "open_actions": sorted(owned.get(pid, [])),
            }
            for pid, p in rows
        ]
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    cells = [
        [
            pid,
            p.name,
            p.role,
            ", ".join(p.emails) or "-",
            str(len(owned.get(pid, []))),
            f"left {date_text(p.left)}" if p.left else "",
        ]
        for pid, p in rows
    ]
    lines = aligned(("ID", "Name", "Role", "E-mail", "Open actions", "Left"), cells, right={4})
    print_lines([(line, "") for line in lines])


def register(app: typer.Typer) -> None:
    app.add_typer(people_app, name="people")
