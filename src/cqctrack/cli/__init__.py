"""The command-line interface: a thin layer over the core, and the single error boundary.

Every command is registered here. `CqcGroup.invoke` is the only place that turns
exceptions into messages and exit codes: a `CqcError` becomes its message (with
file and line where known) and its exit code; anything else is a bug, shown with
its traceback and a request to report it.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from cqctrack import __version__
from cqctrack.cli._options import State, err_console
from cqctrack.errors import EXIT_BUG, EXIT_INTERRUPTED, CqcError

if TYPE_CHECKING:
    # typer bundles its own click; its Context is what TyperGroup.invoke is typed with.
    from typer._click.core import Context as ClickContext


class CqcGroup(TyperGroup):
    def make_context(self, *args: Any, **kwargs: Any) -> ClickContext:
        # Ctrl-C while click parses the command line: click's "Aborted!" and exit 1 would
        # say nothing of an interruption; exit 130 as everywhere else (issue 13).
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            err_console().print("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except CqcError as error:
            if _debug(ctx):
                import traceback

                err_console().print(traceback.format_exc(), markup=False, highlight=False)
            _report(error)
            raise typer.Exit(error.exit_code) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            err_console().print("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception:
            import traceback

            console = err_console()
            console.print(traceback.format_exc(), markup=False, highlight=False)
            console.print(
                "cqctrack hit an internal error (a bug, not a problem with your files).\n"
                "Please report it with the command you ran and the traceback above.",
                markup=False,
            )
            raise typer.Exit(EXIT_BUG) from None


def _debug(ctx: ClickContext) -> bool:
    return isinstance(ctx.obj, State) and ctx.obj.debug


def _report(error: CqcError) -> None:
    # Messages quote file content: never raw. Line breaks are cqctrack's own layout (a
    # detail's hint on the line below it) and harmless, so they stay.
    from cqctrack.wording import visible_lines

    console = err_console()

    def say(text: str) -> None:
        console.print(visible_lines(text), markup=False, highlight=False)

    say(f"{error.location()}error: {error.message}")
    for detail in error.details:
        say(f"  - {detail}")
    if error.hint:
        say(f"  hint: {error.hint}")


app = typer.Typer(
    cls=CqcGroup,
    name="cqctrack",
    help="Govern, evidence and audit CQC improvement actions kept as YAML files in git.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cqctrack {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo",
            "-C",
            envvar="CQCTRACK_REPO",
            help="Tracker repository to use (default: the nearest folder holding cqctrack.yaml).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            envvar="CQCTRACK_NO_CACHE",
            help="Read every file afresh and write no cache (also CQCTRACK_NO_CACHE=1).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Govern, evidence and audit CQC improvement actions kept as YAML files in git.

    Each action is a YAML file in a git repository; cqctrack validates them,
    refuses closure without evidence, and reads git history as the audit trail.

    Start with `cqctrack check` in a tracker repository.
    """
    ctx.obj = State(repo=repo, debug=debug, use_cache=not no_cache)


def _register() -> None:
    from cqctrack.cli import (
        check,
        correct,
        history,
        meeting,
        merging,
        new,
        people,
        record,
        reference,
        report,
        review,
        show,
        spreadsheet,
    )

    check.register(app)
    history.register(app)
    merging.register(app)
    new.register(app)
    record.register(app)
    meeting.register(app)
    correct.register(app)
    people.register(app)
    reference.register(app)
    report.register(app)
    review.register(app)
    show.register(app)
    spreadsheet.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    # One short-lived process making many objects that form no cycles: the cyclic
    # collector would only walk them again and again (a fifth of a warm review at
    # 100,000 actions). Reference counting still frees everything as usual.
    gc.disable()
    try:
        app(prog_name="cqctrack")
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
