"""The command-line interface: a thin layer over the core, and the single error boundary.

Every command is registered here. `CqcGroup.invoke` is the only place that turns
exceptions into messages and exit codes: a `CqcError` becomes its message (with
file and line where known) and its exit code; anything else is a bug, shown with
its traceback and a request to report it.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from cqctrack import __version__
from cqctrack.cli._options import State, err_console
from cqctrack.errors import EXIT_BUG, EXIT_INTERRUPTED, CqcError
from cqctrack.replay import command_word

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
        except Exception as error:
            if _interrupted(error):
                err_console().print("interrupted")
                raise typer.Exit(EXIT_INTERRUPTED) from None
            import traceback

            console = err_console()
            console.print(traceback.format_exc(), markup=False, highlight=False)
            console.print(
                "cqctrack hit an internal error (a bug, not a problem with your files).\n"
                "Please report it with the command you ran and the traceback above.",
                markup=False,
            )
            raise typer.Exit(EXIT_BUG) from None


def _interrupted(error: BaseException) -> bool:
    """A Ctrl-C that arrived inside a library and came out as its own error: pydantic, for
    one, turns a KeyboardInterrupt while it builds a validator into a SchemaError whose
    message ends with it."""
    seen: BaseException | None = error
    for _ in range(20):  # the chain of causes, never a cycle
        if seen is None:
            return False
        if isinstance(seen, KeyboardInterrupt) or str(seen).rstrip().endswith("KeyboardInterrupt:"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cqctrack {__version__}")
        raise typer.Exit()


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


# Which module registers each command. A process builds only the command it runs
# (`main`): importing every command module and building every typer command, with
# the annotations of each resolved, was a third of a warm `review` (issue 15). The
# order is the order `--help` lists them in; tests/cli/test_options.py keeps this
# table equal to what the modules register.
COMMANDS: dict[str, str] = {
    "check": "check",
    "history": "history",
    "merge-driver": "merging",
    "resolve": "merging",
    "recover": "merging",
    "init": "new",
    "new": "new",
    "extend": "record",
    "oversight": "record",
    "update": "record",
    "close": "record",
    "reopen": "record",
    "cancel": "record",
    "evidence": "record",
    "measure": "record",
    "meeting": "meeting",
    "withdraw": "correct",
    "correct": "correct",
    "requirement": "correct",
    "people": "people",
    "frameworks": "reference",
    "schemas": "reference",
    "report": "report",
    "review": "review",
    "summary": "review",
    "show": "show",
    "import": "spreadsheet",
    "export": "spreadsheet",
}


def build(command: str | None = None) -> typer.Typer:
    """The CLI: every command, or only `command`'s module when it is one of ours."""
    import importlib

    app = typer.Typer(
        cls=CqcGroup,
        name="cqctrack",
        help="Govern, evidence and audit CQC improvement actions kept as YAML files in git.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    app.callback()(root)
    module = COMMANDS.get(command or "")
    for name in [module] if module else dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f"cqctrack.cli.{name}").register(app)
    return app


def __getattr__(name: str) -> Any:
    # `cqctrack.cli.app`, every command registered, for tests and tools that drive the
    # CLI in-process; built on first use.
    if name == "app":
        globals()["app"] = app = build()
        return app
    raise AttributeError(name)


def main() -> None:
    """Console-script entry point."""
    # One short-lived process making many objects that form no cycles: the cyclic
    # collector would only walk them again and again (a fifth of a warm review at
    # 100,000 actions). Reference counting still frees everything as usual.
    gc.disable()
    # Shell completion asks about every command; anything else builds only its own.
    word = None if "_CQCTRACK_COMPLETE" in os.environ else command_word(sys.argv[1:])
    # Building the command imports its module: a Ctrl-C then is met by the entry point
    # (cqctrack/__main__.py), which says "interrupted" and exits 130 like everywhere else.
    build(word)(prog_name="cqctrack")
