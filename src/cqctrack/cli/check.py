"""`cqctrack check`: validate the whole repository and report every problem."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cqctrack.cli._options import (
    AllowShallow,
    AsOf,
    AtOption,
    CheckFormat,
    emit,
    moment,
    print_lines,
    state,
)
from cqctrack.errors import EXIT_FOUND, InvalidInput


def _codes(value: str | None, option: str) -> set[str] | None:
    """`--select closure,reference-unknown-person` as the set of codes it names."""
    if value is None:
        return None
    from cqctrack.rules import codes

    patterns = [p.strip() for p in value.split(",") if p.strip()]
    chosen, unknown = codes.matching(patterns)
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], list(codes.CODES), n=1)
        raise InvalidInput(
            f"{option} {','.join(unknown)}: no finding has that code",
            hint=(f"did you mean {close[0]}? " if close else "")
            + "`cqctrack check --list-rules` lists every code",
        )
    return chosen


def check(
    ctx: typer.Context,
    as_of: AsOf = None,
    at: AtOption = None,
    output: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, json, github (workflow annotations) or gitlab (code quality report).",
        ),
    ] = CheckFormat.TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings as well as errors.")
    ] = False,
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            metavar="CODES",
            help="Report only these codes, comma-separated; a code's first word "
            "(e.g. closure) names all codes starting with it.",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            "--ignore",
            metavar="CODES",
            help="Leave out these codes (as for --select).",
            show_default=False,
        ),
    ] = None,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List every rule and code, and exit.")
    ] = False,
    deny_names: Annotated[
        Path | None,
        typer.Option(
            "--deny-names",
            metavar="FILE",
            help="Names of people who use services to look for, one a line (default: "
            ".git/info/cqctrack-deny-names, which is never committed).",
            show_default=False,
        ),
    ] = None,
    allow_shallow: AllowShallow = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="REF",
            help="Pull-request mode: also judge the change since REF (a branch or commit). "
            "Flags about commits since then, and problems with closures recorded since, are "
            "errors.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate every tracker file and report every problem found, like a compiler.

    Checks YAML syntax, fields and values, references between files and to the
    CQC framework, due-date moves git saw without a logged extension, and the
    closure rule: a closed action must have evidence for every evidence
    requirement, verified by someone allowed to verify who is not the owner.
    Exits 0 when clean, 1 when it found errors.

    Examples:

    \b
        cqctrack check --format github    # in a CI workflow
        cqctrack check --since origin/main --format github   # on a pull request
        cqctrack check --select closure   # only the closure rule
        cqctrack check --list-rules
    """
    from cqctrack.reports import check as render

    if list_rules:
        emit(render.render_rules())
        return
    chosen = _codes(select, "--select")
    left_out = _codes(ignore, "--ignore") or set()
    from cqctrack.findings import Severity
    from cqctrack.read.check import check_repository

    st = state(ctx)
    root = st.root()
    if deny_names is not None and not deny_names.is_file():
        raise InvalidInput(f"--deny-names {deny_names}: no such file")
    point, today = moment(root, at, as_of)
    result = check_repository(
        root, today, st.caches(root), deny_names, allow_shallow=allow_shallow, since=since, at=point
    )
    for note in result.notes:
        emit(note, err=True)
    result = result.only(chosen, left_out)
    if output is CheckFormat.JSON:
        emit(render.render_json(result))
    elif output in (CheckFormat.GITHUB, CheckFormat.GITLAB):
        # Paths as the CI host names files: from the top of its checkout, not the tracker
        # folder (`--repo sub` in a monorepo).
        prefix = render.path_prefix(root, result.top, os.environ.get("GITHUB_WORKSPACE"))
        if output is CheckFormat.GITHUB:
            emit("\n".join(render.render_github(result, prefix)))
        else:
            emit(render.render_gitlab(result, prefix))
    else:
        print_lines(render.render_text(result))
    failing = result.errors or (
        strict and any(p.severity is Severity.WARNING for p in result.findings)
    )
    if failing:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command()(check)
