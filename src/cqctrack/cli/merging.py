"""`cqctrack merge-driver` and `cqctrack resolve`: merges of tracker files without false conflicts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cqctrack.cli._options import emit, state
from cqctrack.errors import EXIT_FOUND, InvalidInput


def merge_driver(
    ctx: typer.Context,
    base: Annotated[Path | None, typer.Argument(help="%O: the common ancestor's version.")] = None,
    ours: Annotated[
        Path | None, typer.Argument(help="%A: our version; the merge is written here.")
    ] = None,
    theirs: Annotated[Path | None, typer.Argument(help="%B: their version.")] = None,
    path: Annotated[str | None, typer.Argument(help="%P: the file's path.")] = None,
    install: Annotated[
        bool,
        typer.Option("--install", help="Register the driver in this clone (run once per clone)."),
    ] = False,
) -> None:
    """Merge a tracker file for git: both sides' log entries kept, clashing ids renumbered.

    Git runs it during merges once it is registered: `cqctrack init` does that for
    new repositories; in an existing clone run `cqctrack merge-driver --install`
    once. Two people changing the same value is still a conflict, shown with
    markers around just that key.

    Example:

        cqctrack merge-driver --install
    """
    from cqctrack.write import resolve as core

    if install:
        root = state(ctx).root()
        for line in core.install(root):
            emit(line)
        return
    if base is None or ours is None or theirs is None:
        raise InvalidInput(
            "give BASE OURS THEIRS [PATH] (git passes them), or --install",
            hint="git runs this as `cqctrack merge-driver %O %A %B %P`",
        )
    code, note = core.drive(base, ours, theirs, path or str(ours))
    if note:
        emit(note, err=True)
    if code:
        raise typer.Exit(EXIT_FOUND)


def resolve(ctx: typer.Context) -> None:
    """Resolve merge conflicts in tracker files after a pull, merge or rebase.

    Appended log entries from both sides are kept (clashing evidence ids
    renumbered); a file both sides created with the same id keeps ours and gives
    theirs the next free id; what both sides changed differently is left marked
    for you. Resolved files are staged; commit when `git status` is clean.

    Example:

        git pull            # CONFLICT (content): trackers/.../MED-003.yaml
        cqctrack resolve
    """
    from cqctrack.write import resolve as core

    root = state(ctx).root()
    result = core.resolve(root)
    for line in result.resolved:
        emit(f"resolved {line}")
    for line in result.remaining:
        emit(f"still conflicted {line}", err=True)
    if not result.resolved and not result.remaining:
        emit("No tracker files are in conflict.")
    if result.remaining:
        emit(
            "  hint: edit the marked keys, then `git add` the files; `cqctrack check` "
            "names any file still holding markers",
            err=True,
        )
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("merge-driver")(merge_driver)
    app.command()(resolve)
    app.command()(recover)


def recover(
    ctx: typer.Context,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit each as the stopped command would have.")
    ] = False,
    discard: Annotated[
        bool, typer.Option("--discard", help="Put each file back as it was last committed.")
    ] = False,
) -> None:
    """Deal with files a recording command wrote but was stopped before committing.

    A command killed between writing and committing leaves its file changed but
    uncommitted; the next recording command refuses to sweep it into its own
    commit and sends you here.

    Example:

        cqctrack recover            # what is waiting
        cqctrack recover --commit
    """
    from cqctrack.write import pending

    if commit and discard:
        raise InvalidInput("give --commit or --discard, not both")
    for line in pending.recover(state(ctx).root(), commit=commit, discard=discard):
        emit(line)
