"""`cqctrack review` and `cqctrack summary`: the weekly review and the one-screen dashboard."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from cqctrack.cli._options import (
    AllowShallow,
    AsOf,
    AtOption,
    KeyQuestionFilter,
    OwnerFilter,
    StatementFilter,
    TrackerFilter,
    emit,
    moment,
    out_console,
    state,
)
from cqctrack.errors import EXIT_CANNOT_RUN
from cqctrack.reports.formats import RICH_MIN_WIDTH, RICH_ROW_LIMIT, ReportFormat

if TYPE_CHECKING:
    from datetime import date

    from cqctrack.read import review as core
    from cqctrack.rules.measures import ConcernStatus


class ReviewStatus(StrEnum):
    """What `--status` takes: cancelled actions are not rated, so not reviewed."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    AWAITING_VERIFICATION = "awaiting-verification"
    CLOSED = "closed"


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
            "their requirements, and closures imported from a spreadsheet not yet confirmed.",
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
    tracker: TrackerFilter = None,
    owner: OwnerFilter = None,
    statement: StatementFilter = None,
    key_question: KeyQuestionFilter = None,
    status: Annotated[
        list[ReviewStatus] | None,
        typer.Option(
            "--status",
            help="Only actions with this status (repeatable); closed ones are listed too "
            "when named.",
            show_default=False,
        ),
    ] = None,
    everything: Annotated[
        bool,
        typer.Option(
            "--all", help="Every open and closed action, not only those needing attention."
        ),
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
        cqctrack review --status closed
        cqctrack review --concerns
        cqctrack review --at 2026-09-01     # what the tracker showed on 1 September
    """
    from cqctrack.format.catalogue import normalise_statement
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
        statements=tuple(normalise_statement(s) for s in statement or ()),
        key_questions=tuple(core.key_question_id(context.catalogue, k) for k in key_question or ()),
        statuses=tuple(s.value for s in status or ()),
        everything=everything,
    )
    if concerns:
        core.refuse_action_filters(query, "--concerns")
    if concerns:
        _show_concerns(core.concerns(context, query), output, today)
    else:
        unread = context.unread(query)
        _show_rows(core.review(context, query), query, output, today, unread)
    _fail_if_incomplete(context, query)


def _fail_if_incomplete(context: core.Workspace, query: core.Query) -> None:
    """A review that cannot see the whole tracker says so on stderr and exits 3."""
    from cqctrack.read import review as core

    notes = core.notes(context, query)
    for note in notes:
        emit(note, err=True)
    if context.unread(query):
        raise typer.Exit(EXIT_CANNOT_RUN)


def _show_rows(
    rows: list[core.Row],
    query: core.Query,
    output: ReportFormat,
    today: date,
    unread: list[core.Unread],
) -> None:
    from cqctrack.reports import review as render

    if output is ReportFormat.JSON:
        emit(render.render_json(rows, unread))
    elif output is ReportFormat.CSV:
        emit(render.render_csv(rows, unread), nl=False)
    elif output is ReportFormat.MARKDOWN:
        emit(render.render_markdown(rows, query, today, unread))
    elif _rich_fits(len(rows) + len(unread)):
        out_console().print(render.render_rich(rows, query, today, unread))
    else:
        emit(render.render_plain(rows, query, today, unread))


def _rich_fits(rows: int) -> bool:
    """A rich table for a person at a wide enough terminal; plain text otherwise."""
    if not sys.stdout.isatty() or rows > RICH_ROW_LIMIT:
        return False
    return shutil.get_terminal_size().columns >= RICH_MIN_WIDTH


def _show_concerns(statuses: list[ConcernStatus], output: ReportFormat, today: date) -> None:
    from cqctrack.reports import concerns as render

    if output is ReportFormat.JSON:
        emit(render.render_json(statuses))
    elif output is ReportFormat.CSV:
        emit(render.render_csv(statuses), nl=False)
    elif output is ReportFormat.MARKDOWN:
        emit(render.render_markdown(statuses, today))
    else:
        emit(render.render_text(statuses, today))


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

    \b
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
    result = dashboard.summarise(context)
    if output is ReportFormat.JSON:
        emit(render.render_json(result))
    elif output is ReportFormat.CSV:
        emit(render.render_csv(result), nl=False)
    elif output is ReportFormat.MARKDOWN:
        emit(render.render_markdown(result))
    else:
        emit(render.render_text(result))
    _fail_if_incomplete(context, core.Query())


def register(app: typer.Typer) -> None:
    app.command()(review)
    app.command()(summary)
