"""`cqctrack show ID`: one action, concern, measure or tracker, read in full."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cqctrack.cli import complete
from cqctrack.cli._options import AsOf, parse_date, print_lines, state


class ShowFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def show(
    ctx: typer.Context,
    item: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            autocompletion=complete.items,
            help="An action (MED-003), concern (MED-C1), measure (MED-M1) or tracker (its slug).",
        ),
    ],
    output: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ShowFormat.TEXT,
    as_of: AsOf = None,
) -> None:
    """Show one record in full: every field and log, its evidence, closure and flags.

    For an action: its BRAG rating and why, each evidence requirement and the
    evidence that meets it, every evidence entry with whether its file is there
    (withdrawn and corrected entries marked), every log, the closure and how it was
    proven (the closure rule, the approval, the commit that recorded it), what
    `check` reports in the file and what `history` flags. For a concern: its
    actions, measures and repeats by staff; for a measure: its readings and whether
    the target is met and sustained; for a tracker: its leaders, actions, reviews
    and meetings.

    Examples:

    \b
        cqctrack show MED-002
        cqctrack show MED-C1 --format json
    """
    from cqctrack.read.show import show as read_one
    from cqctrack.reports import show as render

    st = state(ctx)
    root = st.root()
    shown = read_one(root, item, parse_date(as_of), st.caches(root))
    if output is ShowFormat.JSON:
        typer.echo(render.render_json(shown))
        return
    print_lines(render.render_text(shown))


def register(app: typer.Typer) -> None:
    app.command()(show)
