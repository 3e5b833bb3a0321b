"""`cqctrack history`: an action's audit trail, read back from git."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cqctrack.cli._options import print_lines, state


class HistoryFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def history(
    ctx: typer.Context,
    action: Annotated[str, typer.Argument(metavar="ACTION", help="Action id, e.g. MED-003.")],
    output: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="text or json.")
    ] = HistoryFormat.TEXT,
) -> None:
    """Show an action's life from git: every change, who made it and when.

    Works the same for changes made with cqctrack and by hand-editing the YAML.
    Flags (!) what a reviewer must see: due dates moved without a logged
    extension, evidence removed or edited after closure, a closure committed by
    someone other than the verifier, and entries back-dated before their commit.

    Example:

        cqctrack history MED-003
        cqctrack history MED-003 --format json
    """
    from cqctrack.read import history as core
    from cqctrack.reports import history as render
    from cqctrack.store.load import load_config

    st = state(ctx)
    root = st.root()
    config = load_config(root, st.caches(root))
    timeline = core.action_history(root, action.strip().upper(), config, st.caches(root))
    if output is HistoryFormat.JSON:
        typer.echo(render.render_json(timeline))
        return
    print_lines(render.render_text(timeline))


def register(app: typer.Typer) -> None:
    app.command()(history)
