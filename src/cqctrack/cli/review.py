"""`cqctrack review` and `cqctrack summary`: the weekly review and the one-screen dashboard."""

from __future__ import annotations

import shutil
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cqctrack.cli._options import AllowShallow, AsOf, AtOption, moment, out_console, state
from cqctrack.reports.formats import RICH_MIN_WIDTH, RICH_ROW_LIMIT, ReportFormat

if TYPE_CHECKING:
    from datetime import date

    from cqctrack.read import review as core
    from cqctrack.rules.measures import ConcernStatus

# The core and the renderers are imported inside the commands, so that every other
# command starts without them (see issue 5 on start-up time).

FormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (rich on a terminal, plain text when piped), json, csv or markdown.",
    ),
]


def review(
    ctx: typer.Context,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Open actions past their due date.")
    ] = False,
    due_within: Annotated[
        int | None,
        typer.Option(
            "--due-within",
            metavar="DAYS",
            min=0,
            help="Open actions due within DAYS days of the review date (overdue ones included).",
            show_default=False,
        ),
    ] = None,
    unreviewed: Annotated[
        bool,
        typer.Option(
            "--unreviewed",
            help="Open actions with no oversight entry within the policy cadence "
            "(weekly; monthly provider scrutiny; high-risk review days).",
        ),
    ] = False,
    extended: Annotated[
        bool,
        typer.Option(
            "--extended",
            help="Actions extended at least the policy threshold of times, counting "
            "due-date moves in git that were never logged.",
        ),
    ] = False,
    weak: Annotated[
        bool,
        typer.Option(
            "--weak",
            help="Actions awaiting verification or closed whose evidence does not meet "
            "their requirements.",
        ),
    ] = False,
    flagged: Annotated[
        bool,
        typer.Option(
            "--flagged",
            help="Actions, open or closed, with a flag in their history: a sign-off git does "
            "not prove, an entry dated after its commit or back-dated, evidence removed after "
            "closure, a due-date move never logged, and the like.",
        ),
    ] = False,
    stale: Annotated[
        int | None,
        typer.Option(
            "--stale",
            metavar="DAYS",
            min=0,
            help="Open actions whose file has not changed in git for DAYS days.",
            show_default=False,
        ),
    ] = None,
    tracker: Annotated[
        list[str] | None,
        typer.Option(
            "--tracker", metavar="SLUG", help="Only this tracker (repeatable).", show_default=False
        ),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner",
            metavar="PERSON",
            help="Only actions owned by PERSON (repeatable).",
            show_default=False,
        ),
    ] = None,
    statement: Annotated[
        list[str] | None,
        typer.Option(
            "--statement",
            metavar="ID",
            help="Only actions citing this quality statement or KLOE, e.g. S8 (repeatable).",
            show_default=False,
        ),
    ] = None,
    key_question: Annotated[
        list[str] | None,
        typer.Option(
            "--key-question",
            metavar="KQ",
            help="Only actions under this key question: safe, effective, caring, "
            "responsive or well-led (repeatable).",
            show_default=False,
        ),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every open action, not only those needing attention.")
    ] = False,
    concerns: Annotated[
        bool,
        typer.Option(
            "--concerns",
            help="Show concerns instead: their actions and whether each measure is met and sustained.",
        ),
    ] = False,
    as_of: AsOf = None,
    at: AtOption = None,
    output: FormatOption = ReportFormat.TABLE,
    allow_shallow: AllowShallow = False,
) -> None:
    """List the actions needing attention, with BRAG rating, reasons and escalation.

    With no filter it lists every open action rated Red or Amber: overdue, due
    soon, extended, not reviewed within the policy cadence, challenged or
    escalated at review, closure rejected, or awaiting verification too long;
    and every closed or cancelled action with a flag in its history (a closure
    git does not prove, evidence removed after closure...).
    Filters narrow the list; every filter given must match. Rules come from the
    policy in cqctrack.yaml.

    Examples:

    \b
        cqctrack review --overdue
        cqctrack review --due-within 14 --tracker riverside-homecare
        cqctrack review --unreviewed --key-question safe --format markdown
        cqctrack review --flagged
        cqctrack review --concerns
        cqctrack review --at 2026-09-01     # what the tracker showed on 1 September
    """
    from cqctrack.read import review as core

    st = state(ctx)
    root = st.root()
    point, today = moment(root, at, as_of)
    context = core.load(
        root,
        today,
        st.caches(root),
        git=not concerns,
        allow_shallow=allow_shallow,
        at=point,
        as_of_given=as_of is not None,
    )
    query = core.Query(
        overdue=overdue,
        due_within=due_within,
        unreviewed=unreviewed,
        extended=extended,
        weak=weak,
        flagged=flagged,
        stale=stale,
        trackers=tuple(tracker or ()),
        owners=tuple(owner or ()),
        statements=tuple(statement or ()),
        key_questions=tuple(core.key_question_id(context.catalogue, k) for k in key_question or ()),
        everything=everything,
    )
    if concerns:
        core.refuse_action_filters(query, "--concerns")
    for note in core.notes(context, query):
        typer.echo(note, err=True)
    if concerns:
        _show_concerns(core.concerns(context, query), output, today)
    else:
        _show_rows(core.review(context, query), query, output, today)


def _show_rows(rows: list[core.Row], query: core.Query, output: ReportFormat, today: date) -> None:
    from cqctrack.reports import review as render

    if output is ReportFormat.JSON:
        typer.echo(render.render_json(rows))
    elif output is ReportFormat.CSV:
        typer.echo(render.render_csv(rows), nl=False)
    elif output is ReportFormat.MARKDOWN:
        typer.echo(render.render_markdown(rows, query, today))
    elif _rich_fits(len(rows)):
        out_console().print(render.render_rich(rows, query, today))
    else:
        typer.echo(render.render_plain(rows, query, today))


def _rich_fits(rows: int) -> bool:
    """A rich table for a person at a wide enough terminal; plain text otherwise."""
    if not sys.stdout.isatty() or rows > RICH_ROW_LIMIT:
        return False
    return shutil.get_terminal_size().columns >= RICH_MIN_WIDTH


def _show_concerns(statuses: list[ConcernStatus], output: ReportFormat, today: date) -> None:
    from cqctrack.reports import concerns as render

    if output is ReportFormat.JSON:
        typer.echo(render.render_json(statuses))
    elif output is ReportFormat.CSV:
        typer.echo(render.render_csv(statuses), nl=False)
    elif output is ReportFormat.MARKDOWN:
        typer.echo(render.render_markdown(statuses, today))
    else:
        typer.echo(render.render_text(statuses, today))


def summary(
    ctx: typer.Context,
    as_of: AsOf = None,
    at: AtOption = None,
    output: FormatOption = ReportFormat.TABLE,
    allow_shallow: AllowShallow = False,
) -> None:
    """Show a one-screen dashboard: BRAG counts by tracker and key question, overdue trend.

    The overdue trend compares overdue actions as at the review date with a week
    earlier, rebuilt from the dates in the files and the due-date moves in git.

    Example:

        cqctrack summary --as-of 2026-11-23
        cqctrack summary --at 2026-09-01
    """
    from cqctrack.read import review as core
    from cqctrack.read import summary as dashboard
    from cqctrack.reports import summary as render

    st = state(ctx)
    root = st.root()
    point, today = moment(root, at, as_of)
    context = core.load(
        root,
        today,
        st.caches(root),
        allow_shallow=allow_shallow,
        at=point,
        as_of_given=as_of is not None,
    )
    for note in core.notes(context, core.Query()):
        typer.echo(note, err=True)
    result = dashboard.summarise(context)
    if output is ReportFormat.JSON:
        typer.echo(render.render_json(result))
    elif output is ReportFormat.CSV:
        typer.echo(render.render_csv(result), nl=False)
    elif output is ReportFormat.MARKDOWN:
        typer.echo(render.render_markdown(result))
    else:
        typer.echo(render.render_text(result))


def register(app: typer.Typer) -> None:
    app.command()(review)
    app.command()(summary)
