"""Reference commands: the CQC frameworks and evidence kinds cqctrack knows, and schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cqctrack.cli._options import out_console, state
from cqctrack.errors import EXIT_FOUND, UnknownId


def frameworks(
    framework: Annotated[
        str | None, typer.Argument(help="A framework id, to list its statements.")
    ] = None,
    kinds: Annotated[
        bool, typer.Option("--kinds", help="List evidence kinds and their CQC evidence categories.")
    ] = False,
) -> None:
    """List the CQC frameworks, their statement ids, regulations and evidence kinds.

    Examples:

    \b
        cqctrack frameworks
        cqctrack frameworks saf-quality-statements
        cqctrack frameworks --kinds
    """
    from cqctrack.format.catalogue import load_catalogue

    cat = load_catalogue()
    console = out_console()
    if kinds:
        for category in cat.categories.values():
            console.print(f"{category.id}: {category.name}", markup=False)
            for kind in cat.kinds.values():
                if kind.category == category.id:
                    console.print(f"  {kind.id:<24} {kind.name}", markup=False)
        return
    if framework is None:
        for fw in cat.frameworks.values():
            console.print(
                f"{fw.id:<26} {fw.status:<8} {len(fw.statements):>3} ids  {fw.name}", markup=False
            )
        console.print("\nRegulations (fundamental standards):", markup=False)
        for reg in cat.regulations.values():
            console.print(f"  {reg.number:<4} {reg.name}", markup=False)
        console.print(f"  source: {cat.regulations_source}", markup=False)
        return
    chosen = cat.frameworks.get(framework)
    if chosen is None:
        raise UnknownId(
            f"unknown framework '{framework}'", hint="known: " + ", ".join(cat.frameworks)
        )
    console.print(f"{chosen.name} ({chosen.status})  {chosen.source}", markup=False)
    for kq in cat.key_questions.values():
        items = [s for s in chosen.statements.values() if s.key_question == kq.id]
        if not items:
            continue
        console.print(f"\n{kq.name}", markup=False)
        for item in items:
            console.print(f"  {item.id:<4} {item.name or '(name not held)'}", markup=False)
            if item.source:
                console.print(f"       {item.source}", markup=False, style="dim")


schemas_app = typer.Typer(help="Export the JSON Schemas for tracker files.", no_args_is_help=True)


@schemas_app.command("export")
def export_schemas(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to write to (default: schemas/ in the repository)."),
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the files are stale.")
    ] = False,
) -> None:
    """Write JSON Schemas for cqctrack.yaml, tracker, concern, measure and action files.

    Example:

    \b
        cqctrack schemas export --check
    """
    from cqctrack.format import schema
    from cqctrack.format.layout import SCHEMA_DIR

    folder = out if out is not None else state(ctx).root() / SCHEMA_DIR
    console = out_console()
    if check_only:
        stale = schema.stale(folder)
        for name in stale:
            console.print(f"{folder / name}: stale; run `cqctrack schemas export`", markup=False)
        if stale:
            raise typer.Exit(EXIT_FOUND)
        console.print(f"{folder}: schemas are up to date", markup=False)
        return
    written = schema.write(folder)
    console.print(
        f"wrote {len(written)} schema file(s) to {folder}" if written else f"{folder}: up to date",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(frameworks)
    app.add_typer(schemas_app, name="schemas")
