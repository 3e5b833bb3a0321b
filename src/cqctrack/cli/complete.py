"""Shell completion of ids, tracker slugs and people (bash, zsh and fish; issue 13).

`cqctrack --install-completion` (typer's) installs the script for the shell in use;
`--show-completion` prints it. Each completer reads the repository the command line
names (`--repo`, CQCTRACK_REPO, or the nearest one) through the same cached loading
every command uses, so a warm completion parses nothing. Completion never fails: a
folder that is no tracker repository, or a broken file, completes nothing rather than
printing an error into the user's command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from cqctrack.format.snapshot import Snapshot

Completer = Callable[[typer.Context, str], list[tuple[str, str]]]


def _snapshot(ctx: typer.Context) -> Snapshot | None:
    from cqctrack.cache import Caches
    from cqctrack.cli._options import State
    from cqctrack.store.load import load

    try:
        given = ctx.find_root().params.get("repo")
        root = State(repo=Path(given) if given else None, debug=False).root()
        return load(root, Caches(root))
    except Exception:  # completion must never show an error or a traceback
        return None


HELP_WIDTH = 50  # typer renders help through rich at the terminal's width: longer wraps,
# and a line break inside one zsh completion entry breaks the whole list.


def _help(text: str) -> str:
    """A title as a completion's description: one short line, no markup, nothing hidden."""
    from rich.markup import escape

    from cqctrack.wording import visible

    line = " ".join(visible(text).split())
    if len(line) > HELP_WIDTH:
        line = line[: HELP_WIDTH - 1].rstrip() + "…"
    return escape(line)


def _matching(pairs: Iterable[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    typed = incomplete.casefold()
    return [(value, _help(text)) for value, text in pairs if value.casefold().startswith(typed)]


def _completer(pick: Callable[[Snapshot], Iterable[tuple[str, str]]]) -> Completer:
    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        snap = _snapshot(ctx)
        if snap is None:
            return []
        try:
            return _matching(pick(snap), incomplete)
        except Exception:
            return []

    return complete


def _actions(snap: Snapshot) -> Iterable[tuple[str, str]]:
    return ((i, a.title) for i, a in sorted(snap.actions.items()))


def _concerns(snap: Snapshot) -> Iterable[tuple[str, str]]:
    return ((i, c.title) for i, c in sorted(snap.concerns.items()))


def _measures(snap: Snapshot) -> Iterable[tuple[str, str]]:
    return ((i, m.title) for i, m in sorted(snap.measures.items()))


def _trackers(snap: Snapshot) -> Iterable[tuple[str, str]]:
    return ((slug, t.name) for slug, t in sorted(snap.trackers.items()))


def _people(snap: Snapshot) -> Iterable[tuple[str, str]]:
    people = snap.config.people if snap.config is not None else {}
    return ((pid, f"{p.name}, {p.role}") for pid, p in sorted(people.items()))


def _anything(snap: Snapshot) -> Iterable[tuple[str, str]]:
    yield from _actions(snap)
    yield from _concerns(snap)
    yield from _measures(snap)
    yield from _trackers(snap)


actions = _completer(_actions)
concerns = _completer(_concerns)
measures = _completer(_measures)
trackers = _completer(_trackers)
people = _completer(_people)
items = _completer(_anything)  # an action, concern, measure or tracker (show, history, oversight)
action_or_measure = _completer(lambda snap: (*_actions(snap), *_measures(snap)))
