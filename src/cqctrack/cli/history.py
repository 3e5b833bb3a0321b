"""`cqctrack history`: an action's audit trail, read back from git."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cqctrack.cli import complete
from cqctrack.cli._options import AllowShallow, AtOption, emit, moment, print_lines, state


class HistoryFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def history(
    ctx: typer.Context,
    action: Annotated[
        str,
        typer.Argument(
            metavar="ID_OR_FILE",
            autocompletion=complete.items,
            help="An action, concern or measure id (MED-003, MED-C1, MED-M1), a tracker's "
            "folder name, or a tracked file such as cqctrack.yaml.",
        ),
    ],
    output: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="text or json.")
    ] = HistoryFormat.TEXT,
    allow_shallow: AllowShallow = False,
    at: AtOption = None,
) -> None:
    """Show a file's life from git: every change, field by field, who made it and when.

    Works the same for changes made with cqctrack and by hand-editing the YAML, for
    actions, concerns, measures, trackers and cqctrack.yaml (policy and people).
    Flags (!) what a reviewer must see: due dates moved without a logged
    extension, sign-offs git does not prove (a closure committed by someone other
    than the verifier), entries dated after or well before their commit, evidence
    removed or edited after closure, and policy changes that relaxed the rules.

    Examples:

    \b
        cqctrack history MED-003
        cqctrack history MED-003 --format json
        cqctrack history cqctrack.yaml
    """
    from cqctrack.read import history as core
    from cqctrack.reports import history as render
    from cqctrack.store.load import load_config

    st = state(ctx)
    root = st.root()
    config = load_config(root, st.caches(root))
    if config is None:
        from cqctrack.errors import InvalidRepository

        raise InvalidRepository(
            "cqctrack.yaml cannot be read, so the people register the history's flags are "
            "checked against is unknown; nothing is reported",
            path="cqctrack.yaml",
            hint="fix cqctrack.yaml (see `cqctrack check`) and run the command again",
        )
    point, _ = moment(root, at, None)
    timeline = core.file_history(root, action, config, st.caches(root), allow_shallow, point)
    for warning in timeline.warnings:
        emit(warning, err=True)
    if output is HistoryFormat.JSON:
        emit(render.render_json(timeline))
        return
    print_lines(render.render_text(timeline))


def register(app: typer.Typer) -> None:
    app.command()(history)
