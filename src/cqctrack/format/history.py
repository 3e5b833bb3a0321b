"""What git history holds for a tracker file, as plain records (named tuples: many are
made on every run, and they cache as plain data).

`git/` reads these from the repository; `rules/` judges them. Nothing here runs
git or decides anything: a `DueMove` says when a due date moved and when (if
ever) an extension entry for the new date was added, and `rules/extensions.py`
decides whether that counts as logged.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

TRAILER = "Cqctrack-Version:"  # every commit cqctrack makes carries it


class Commit(NamedTuple):
    sha: str
    when: datetime  # author date, timezone-aware
    author_name: str
    author_email: str
    committer_email: str
    subject: str
    body: str = ""

    @property
    def short(self) -> str:
        return self.sha[:8]

    @property
    def by_cqctrack(self) -> bool:
        return TRAILER in self.body


class Version(NamedTuple):
    """One version of a file: as committed (`commit`), or in the working tree (None)."""

    commit: Commit | None
    path: str
    data: dict[str, Any] | None  # None: the file was deleted
    error: str | None = None  # the version could not be parsed


class Logged(StrEnum):
    """When an extension entry for a due-date move's new date entered the extension log."""

    SAME_COMMIT = "same-commit"  # in the commit that moved the date
    EARLIER = "earlier"  # already in the log, unused by any earlier move
    LATER = "later"  # in a later commit (or in the working tree)
    NEVER = "never"


class DueMove(NamedTuple):
    """A change of an action's `due` between two versions, and what the log says of it."""

    old: date
    new: date
    commit: str | None  # None: a change in the working tree, not yet committed
    when: datetime | None
    author_name: str
    author_email: str
    logged: Logged = Logged.NEVER
    log_commit: str | None = None  # where the matching entry was added (None: working tree)
    log_when: datetime | None = None

    @property
    def is_extension(self) -> bool:
        return self.new > self.old

    @property
    def day(self) -> date | None:
        return self.when.date() if self.when is not None else None


class ActionHistory(NamedTuple):
    """The git facts the review needs about one action file."""

    last_changed: datetime | None = None
    due_moves: tuple[DueMove, ...] = ()
