"""`cqctrack review` and `cqctrack summary`: the weekly review and the one-screen dashboard."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from typing import Annotated

import typer

from cqctrack import review as core
from cqctrack import summary as dashboard
from cqctrack.cli._options import AsOf, out_console, parse_date, state
from cqctrack.measures import ConcernStatus
from cqctrack.reports.formats import RICH_MIN_WIDTH, RICH_ROW_LIMIT, ReportFormat

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
    output: FormatOption = ReportFormat.TABLE,
) -> None:
    """List the actions needing attention, with BRAG rating, reasons and escalation.

    With no filter it lists every action rated Red or Amber: open actions that are
    overdue, due soon, extended, unreviewed, challenged or escalated at review, or
    awaiting verification too long; and closed actions whose evidence does not meet
    their requirements. Filters narrow the list; every filter given must match.
    Rules come from the policy in cqctrack.yaml.

    Examples:

        cqctrack review --overdue
        cqctrack review --due-within 14 --tracker riverside-homecare
        cqctrack review --unreviewed --key-question safe --format markdown
        cqctrack review --concerns
    """
    today = parse_date(as_of)
    context = core.load(state(ctx).root(), today, git=not concerns)
    query = core.Query(
        overdue=overdue,
        due_within=due_within,
        unreviewed=unreviewed,
        extended=extended,
        weak=weak,
        stale=stale,
        trackers=tuple(tracker or ()),
        owners=tuple(owner or ()),
        statements=tuple(statement or ()),
        key_questions=tuple(core.key_question_id(context.catalogue, k) for k in key_question or ()),
        everything=everything,
    )
    _warn_skipped(context)
    if concerns:
        core.refuse_action_filters(query, "--concerns")
        _show_concerns(core.concerns(context, query), output, today)
        return
    if stale is not None and not context.in_git:
        typer.echo(
            f"note: {context.root} is not in a git repository, so --stale cannot tell when "
            "actions last changed; none are listed",
            err=True,
        )
    _show_rows(core.review(context, query), query, output, today)


def _warn_skipped(context: core.Context) -> None:
    skipped = context.skipped_files
    if skipped:
        files = "1 file" if skipped == 1 else f"{skipped} files"
        typer.echo(
            f"warning: {files} could not be read and {'is' if skipped == 1 else 'are'} left "
            "out; run `cqctrack check` for details",
            err=True,
        )


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
    ctx: typer.Context, as_of: AsOf = None, output: FormatOption = ReportFormat.TABLE
) -> None:
    """Show a one-screen dashboard: BRAG counts by tracker and key question, overdue trend.

    The overdue trend compares overdue actions as at the review date with a week
    earlier, rebuilt from the dates in the files and the due-date moves in git.

    Example:

        cqctrack summary --as-of 2026-11-23
    """
    from cqctrack.reports import summary as render

    context = core.load(state(ctx).root(), parse_date(as_of))
    _warn_skipped(context)
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
