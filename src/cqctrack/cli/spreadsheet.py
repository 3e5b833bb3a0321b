"""`cqctrack import` and `cqctrack export`: action plans in and out of spreadsheets."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cqctrack.cli import complete
from cqctrack.cli._options import (
    AsOf,
    KeyQuestionFilter,
    OwnerFilter,
    StatementFilter,
    TrackerFilter,
    emit,
    err_console,
    parse_date,
    state,
)
from cqctrack.cli.record import NoCommit
from cqctrack.errors import EXIT_FOUND, InvalidInput
from cqctrack.format.vocab import ConcernSource, Status
from cqctrack.wording import date_text

Tick = Callable[[int, int], None]  # (done, out of)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Tick]:
    """A rich progress bar on stderr, only when stderr is a terminal; else nothing is shown."""
    if not sys.stderr.isatty() or total < 1:
        yield lambda done, of: None
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
        yield lambda done, of: bar.update(task, completed=done, total=of)


def import_plan(
    ctx: typer.Context,
    plan: Annotated[
        Path,
        typer.Argument(metavar="PLAN", help="The action plan: an .xlsx workbook or a .csv file."),
    ],
    tracker: Annotated[
        str,
        typer.Option(
            "--tracker",
            autocompletion=complete.trackers,
            metavar="SLUG",
            help="The tracker to import into.",
        ),
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
            autocompletion=complete.concerns,
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
            autocompletion=complete.people,
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
    when: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="When it was imported (YYYY-MM-DD; default today, or --as-of).",
            show_default=False,
        ),
    ] = None,
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
    rows = sum(len(s.rows) for s in workbook.sheets)
    # Every entry an import writes is dated the day of the import (issue 11: --date on
    # every recording command); it may not be after the day judged.
    today = parse_date(as_of)
    imported_on = parse_date(when, "--date") if when is not None else today
    if imported_on > today:
        raise InvalidInput(f"--date {imported_on.isoformat()} is in the future")
    given = as_of is not None or when is not None
    with Recorder(
        root, commit=commit, today=imported_on, caches=st.caches(root), today_given=given
    ) as rec:
        with progress_bar("Checking", rows) as tick:
            result = importing.plan(rec, workbook, plan_mapping, options, tick)
        blocked = bool(result.errors) and not skip_invalid
        if not dry_run and not blocked and result.actions:
            with progress_bar("Writing", len(result.files)) as tick:
                importing.write(rec, result, lambda done: tick(done, len(result.files)))
    if output == "json":
        emit(render.render_json(result, dry_run=dry_run))
    else:
        emit(render.render_text(result, dry_run=dry_run))  # cells are text anyone could write
    if blocked:
        raise typer.Exit(EXIT_FOUND)


def export(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it (.xlsx or .csv; - for CSV on stdout).",
        ),
    ],
    form: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="xlsx or csv (default: from the file name).",
            show_default=False,
        ),
    ] = None,
    tracker: TrackerFilter = None,
    owner: OwnerFilter = None,
    statement: StatementFilter = None,
    key_question: KeyQuestionFilter = None,
    status: Annotated[
        list[Status] | None,
        typer.Option(
            "--status", help="Only actions with this status (repeatable).", show_default=False
        ),
    ] = None,
    brag: Annotated[
        list[str] | None,
        typer.Option(
            "--brag",
            metavar="RATING",
            help="Only actions rated red, amber, green or blue (repeatable).",
            show_default=False,
        ),
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Export the whole register, open and closed, to an Excel workbook or a CSV file.

    The workbook has a Register sheet, one sheet per tracker and an About sheet;
    BRAG ratings, reasons, escalations and evidence progress are the review's.
    CSV is UTF-8 with a byte-order mark, so Excel shows £ and accents.

    Examples:

    \b
        cqctrack export --output register.xlsx
        cqctrack export --format csv --output overdue.csv --tracker riverside-homecare --brag red
    """
    from cqctrack.read import register as core
    from cqctrack.read import review

    kind = (form or output.suffix.lstrip(".") or "").lower()
    if str(output) == "-" and form is None:
        kind = "csv"
    if kind not in ("xlsx", "csv"):
        raise InvalidInput(
            f"--format {form or output.suffix or '(none)'}: export writes xlsx or csv",
            hint="give --format xlsx or csv, or an --output name ending .xlsx or .csv",
        )
    if kind == "xlsx" and str(output) == "-":
        raise InvalidInput("--output -: a workbook cannot go to stdout", hint="name a .xlsx file")
    if str(output) != "-" and output.is_dir():
        raise InvalidInput(f"--output {output}: is a folder", hint="name the file to write")
    if str(output) != "-" and not output.parent.is_dir():
        raise InvalidInput(f"--output {output}: the folder {output.parent} does not exist")
    today = parse_date(as_of)
    st = state(ctx)
    root = st.root()
    context = review.load(root, today, st.caches(root))
    filters = core.Filters(
        trackers=tuple(tracker or ()),
        owners=tuple(owner or ()),
        statements=tuple(statement or ()),
        key_questions=tuple(
            review.key_question_id(context.catalogue, k) for k in key_question or ()
        ),
        statuses=tuple(status or ()),
        brags=tuple(core.parse_brag(b) for b in brag or ()),
    )
    with progress_bar("Reading", len(context.snap.actions)) as tick:
        entries = core.entries(context, filters, tick)
    provider = context.snap.config.provider if context.snap.config else ""
    if kind == "csv":
        from cqctrack.reports.register import render_csv

        text = render_csv(entries, context.catalogue)
        if str(output) == "-":
            typer.echo(text, nl=False)
            return
        from cqctrack.write.document import atomic_write

        atomic_write(output, ("\ufeff" + text).encode("utf-8"))
        sheets = ["one table"]
    else:
        from cqctrack.reports.xlsx import write_workbook

        trackers = len({e.row.tracker for e in entries})
        with progress_bar("Writing", len(entries) * 2 if trackers else len(entries)) as tick:
            rows = len(entries) * 2 if trackers else len(entries)
            sheets = write_workbook(
                output,
                entries,
                context.catalogue,
                provider=provider,
                as_of=today,
                filters=filters.words(),
                progress=lambda done: tick(done, rows),
            )
    from cqctrack.wording import count

    if len(sheets) > 6:  # a provider group's register: name the sheets by kind
        sheets = [sheets[0], count(len(sheets) - 2, "tracker sheet"), sheets[-1]]
    typer.echo(
        f"Exported {count(len(entries), 'action')} as at {date_text(today)} to {output} "
        f"({', '.join(sheets)})."
    )


def register(app: typer.Typer) -> None:
    app.command("import")(import_plan)
    app.command("export")(export)
