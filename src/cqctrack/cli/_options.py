"""Shared option types, consoles and the per-invocation state."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cqctrack.cli import complete
from cqctrack.errors import InvalidInput
from cqctrack.store.root import locate
from cqctrack.wording import visible, visible_lines

if TYPE_CHECKING:
    from rich.console import Console

    from cqctrack.cache import Caches
    from cqctrack.read.at import At


@dataclass
class State:
    repo: Path | None
    debug: bool
    use_cache: bool = True

    def root(self) -> Path:
        """The tracker repository this invocation works on."""
        return locate(self.repo)

    def caches(self, root: Path) -> Caches:
        """The repository's caches, or none with --no-cache (or CQCTRACK_NO_CACHE=1).

        CQCTRACK_CACHE_KEY, when set, is the secret that authenticates them instead of
        the user's own key (for CI jobs that save and restore caches).
        """
        from cqctrack.cache import Caches
        from cqctrack.sealed import environment_key

        key = environment_key()
        return Caches(root, enabled=self.use_cache, key=key)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State(repo=None, debug=False)


def parse_date(value: str | None, option: str = "--as-of") -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{option} {value}: not a date", hint="give the date as YYYY-MM-DD, e.g. 2026-11-23"
        ) from None


def require(**given: object) -> tuple[Any, ...]:
    """The values of required options, or one error naming every one that is missing.

    Click stops at the first missing option; a manager filling in a long command
    wants to hear about all of them at once (issue 11).
    """
    missing = [name for name, value in given.items() if value is None or value == []]
    if missing:
        options = [f"--{name.replace('_', '-')}" for name in missing]
        listed = (
            options[0] if len(options) == 1 else ", ".join(options[:-1]) + " and " + options[-1]
        )
        raise InvalidInput(f"missing {listed}", hint="see --help for what each one takes")
    return tuple(given.values())


def out_console() -> Console:
    """Results go to stdout; colour only on a terminal (or under FORCE_COLOR, which rich
    reads itself) and never with NO_COLOR."""
    from rich.console import Console  # only when printing: plain output never pays for rich

    return Console(highlight=False, soft_wrap=True, no_color="NO_COLOR" in os.environ or None)


def emit(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print a command's output. The last guard against terminal injection: renderers show
    text from files with its control characters escaped, and anything that slipped
    through is escaped here (newlines excepted)."""
    typer.echo(visible_lines(text), err=err, nl=nl)


def colour() -> bool:
    """Colour stdout? Never under NO_COLOR; always under FORCE_COLOR (any value but empty,
    as force-color.org and rich have it: CI logs show colour though they are no terminal);
    otherwise only on a terminal."""
    if "NO_COLOR" in os.environ:
        return False
    return os.environ.get("FORCE_COLOR", "") != "" or sys.stdout.isatty()


def print_lines(lines: list[tuple[str, str]]) -> None:
    """Print lines, each with a rich style name, coloured only when `colour()` says so.

    Piped or under NO_COLOR the lines go out as plain text, without loading rich.
    """
    if colour():
        from rich.text import Text

        console = out_console()
        for line, style in lines:
            console.print(Text(visible(line), style=style))
        return
    emit("\n".join(visible(line) for line, _ in lines))


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Judge dates as at DATE (YYYY-MM-DD) instead of today.",
        show_default=False,
    ),
]


# The filters every command over the register takes (review, export, report): one
# definition, so the same option reads and completes the same everywhere.
TrackerFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--tracker",
        autocompletion=complete.trackers,
        metavar="SLUG",
        help="Only this tracker (repeatable).",
        show_default=False,
    ),
]
OwnerFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--owner",
        autocompletion=complete.people,
        metavar="PERSON",
        help="Only actions owned by PERSON (repeatable).",
        show_default=False,
    ),
]
StatementFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--statement",
        metavar="ID",
        help="Only actions citing this quality statement or KLOE, e.g. S8 (repeatable).",
        show_default=False,
    ),
]
KeyQuestionFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--key-question",
        metavar="KQ",
        help="Only actions under this key question: safe, effective, caring, "
        "responsive or well-led (repeatable).",
        show_default=False,
    ),
]


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    GITLAB = "gitlab"


AllowShallow = Annotated[
    bool,
    typer.Option(
        "--allow-shallow",
        help="Judge a shallow (or otherwise incomplete) git history as far as it goes, "
        "instead of refusing; entries first seen at its edge count as recorded, not proven.",
    ),
]


AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="DATE|REV",
        help="Read the tracker as committed at that moment (a date: the last commit on this "
        "branch by the end of that day; or a commit, tag or branch), from git, and judge it "
        "as of that date. Nothing is checked out.",
        show_default=False,
    ),
]


def moment(root: Path, at: str | None, as_of: str | None) -> tuple[At | None, date]:
    """The commit `--at` names (or None) and the date to judge: --as-of if given, else the
    day of `--at`, else today."""
    if at is None:
        return None, parse_date(as_of)
    from cqctrack.read import at as read_at

    found = read_at.resolve(root, at)
    return found, parse_date(as_of) if as_of is not None else found.day
