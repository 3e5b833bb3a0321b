"""`cqctrack check`: validate the whole repository and report every problem."""

from __future__ import annotations

from typing import Annotated

import typer

from cqctrack.cli._options import AsOf, CheckFormat, parse_date, print_lines, state
from cqctrack.errors import EXIT_FOUND


def check(
    ctx: typer.Context,
    as_of: AsOf = None,
    output: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", help="text, json, or github (workflow annotations)."),
    ] = CheckFormat.TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings as well as errors.")
    ] = False,
) -> None:
    """Validate every tracker file and report every problem found, like a compiler.

    Checks YAML syntax, fields and values, references between files and to the
    CQC framework, and the closure rule: a closed action must have evidence for
    every evidence requirement, verified by someone allowed to verify who is not
    the owner. Exits 0 when clean, 1 when it found errors.

    Example:

        cqctrack check --format github    # in a CI workflow
    """
    from cqctrack.checking import check_repository
    from cqctrack.problems import Severity
    from cqctrack.reports import problems as render

    root = state(ctx).root()
    result = check_repository(root, parse_date(as_of))
    if output is CheckFormat.JSON:
        typer.echo(render.render_json(result))
    elif output is CheckFormat.GITHUB:
        typer.echo("\n".join(render.render_github(result)))
    else:
        print_lines(render.render_text(result))
    failing = result.errors or (
        strict and any(p.severity is Severity.WARNING for p in result.problems)
    )
    if failing:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command()(check)
