"""`cqctrack import` and `cqctrack export`: action plans in and out of spreadsheets."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cqctrack.cli._options import AsOf, err_console, parse_date, state
from cqctrack.cli.record import NoCommit
from cqctrack.errors import EXIT_FOUND, InvalidInput
from cqctrack.format.vocab import ConcernSource


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr, only when stderr is a terminal; else nothing is shown."""
    if not sys.stderr.isatty() or total < 1:
        yield lambda done: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def import_plan(
    ctx: typer.Context,
    plan: Annotated[
        Path,
        typer.Argument(metavar="PLAN", help="The action plan: an .xlsx workbook or a .csv file."),
    ],
    tracker: Annotated[
        str, typer.Option("--tracker", metavar="SLUG", help="The tracker to import into.")
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            metavar="MAP.yaml",
            help="What the plan's headings and words mean, beyond the headings cqctrack knows.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be created; write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Import the rows that are sound and report those left out."
        ),
    ] = False,
    concern: Annotated[
        str | None,
        typer.Option(
            "--concern",
            metavar="ID",
            help="Put every action under this existing concern, e.g. MED-C1.",
            show_default=False,
        ),
    ] = None,
    statement: Annotated[
        list[str] | None,
        typer.Option(
            "--statement",
            metavar="ID",
            help="Quality statement for rows that name none, e.g. S8 (repeatable).",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        ConcernSource | None,
        typer.Option(
            "--source",
            help="Where the plan's concerns came from (default: inspection-feedback).",
            show_default=False,
        ),
    ] = None,
    verified_by: Annotated[
        str | None,
        typer.Option(
            "--verified-by",
            metavar="PERSON",
            help="Who signed off the rows the plan marks complete, when it names no one.",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="PERSON",
            help="Who is importing (default: the person whose e-mail matches your git identity).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")
    ] = "text",
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Import an action plan kept in a spreadsheet: one action per row, in one commit.

    Columns are found by their headings (Item to be rectified, Actions required,
    Deadline, Person responsible, RAG, Regulation, Exit criteria ...); a mapping
    file names the rest. Every row is checked and nothing is written unless all
    of them are sound (or --skip-invalid). Exit 1 when there are problems.

    Examples:

    \b
        cqctrack import action-plan.xlsx --tracker riverside-homecare --dry-run
        cqctrack import plan.csv --tracker riverside-homecare --mapping plan-map.yaml
    """
    from cqctrack.reports import importing as render
    from cqctrack.store import sheets
    from cqctrack.write import importing
    from cqctrack.write.session import Recorder

    if output not in ("text", "json"):
        raise InvalidInput(f"--format {output}: use text or json")
    st = state(ctx)
    root = st.root()
    workbook = sheets.read(plan)
    from cqctrack.format.mapping import Mapping

    plan_mapping = sheets.read_mapping(mapping) if mapping is not None else Mapping()
    options = importing.Options(
        tracker=tracker,
        concern=concern,
        statements=tuple(s.upper() if ":" not in s else s for s in statement or ()),
        source=source,
        verified_by=verified_by,
        by=by,
        skip_invalid=skip_invalid,
    )
    commit = not (no_commit or dry_run)
    with Recorder(root, commit=commit, today=parse_date(as_of), caches=st.caches(root)) as rec:
        result = importing.plan(rec, workbook, plan_mapping, options)
        blocked = bool(result.errors) and not skip_invalid
        if not dry_run and not blocked and result.actions:
            with progress_bar("Writing", len(result.files)) as tick:
                importing.write(rec, result, tick)
    if output == "json":
        typer.echo(render.render_json(result, dry_run=dry_run))
    else:
        typer.echo(render.render_text(result, dry_run=dry_run))
    if blocked:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("import")(import_plan)
