"""Extensions: what counts as a logged extension, decided once.

A due date that moves later without an entry in the action's extension log is an
extension nobody approved, and repeated extensions are how drift hides. Git says
when each due date moved and when (if ever) an extension entry for the new date
entered the log (`format.history.DueMove`); this module decides what that means,
for `history`, `review`, `summary` and `check` alike:

- an entry added in the commit that moved the date always logs the move;
- with policy `audit.extension_logging: anytime` (the default) an entry for the
  new date added before the move, or in a later commit, logs it too; with
  `same-commit` it does not;
- a move brought forward is not an extension;
- where git has nothing to say (outside git), a due date later than the last
  logged extension's end shows one unlogged move.

An entry that logs a move only after more than `audit.backdating_days` days is
still logged, and `history` says so (`audit-extension-logged-late`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cqctrack.findings import Finding, Severity
from cqctrack.format.history import DueMove, Logged
from cqctrack.format.policy import ExtensionLogging, Policy
from cqctrack.format.records import Action
from cqctrack.wording import date_text, days_text, value_date

UNLOGGED = "drift-unlogged-extension"
LOGGED_LATE = "audit-extension-logged-late"


def is_logged(move: DueMove, policy: Policy) -> bool:
    """Does the extension log record this due-date move, under `policy`?"""
    if move.logged is Logged.SAME_COMMIT:
        return True
    if policy.audit.extension_logging is ExtensionLogging.ANYTIME:
        return move.logged in (Logged.EARLIER, Logged.LATER)
    return False


def unlogged_message(move: DueMove) -> str:
    return (
        f"due date moved {date_text(move.old)} → {date_text(move.new)} without a logged extension"
    )


def unlogged_moves(
    action: Action, moves: Iterable[DueMove], policy: Policy
) -> tuple[list[DueMove], bool]:
    """The extensions of `action` the log does not record: git's moves, and whether the file
    itself shows one more (a due date past the last logged extension that no move explains)."""
    moves = list(moves)
    found = [m for m in moves if m.is_extension and not is_logged(m, policy)]
    last = logged_end(action)
    beyond = last is not None and action.due > last and not any(m.new == action.due for m in moves)
    return found, beyond


def logged_end(action: Action) -> date | None:
    """The latest due date the file's logs account for: an extension's `to`, or a due date
    set on reopening. (Latest, not last: a move logged after the fact is appended.)"""
    ends = [e.to for e in action.extensions]
    ends += [r.due for r in action.reopenings if r.due is not None]
    return max(ends) if ends else None


def count_unlogged(action: Action, moves: Iterable[DueMove], policy: Policy) -> int:
    found, beyond = unlogged_moves(action, moves, policy)
    return len(found) + beyond


def unlogged(action: Action, moves: Iterable[DueMove], policy: Policy) -> list[Finding]:
    """A finding for every extension of `action` that the extension log does not record."""
    moved, beyond = unlogged_moves(action, moves, policy)
    found = []
    for move in moved:
        found.append(
            Finding(
                code=UNLOGGED,
                message=unlogged_message(move),
                severity=Severity.WARNING,
                hint=_hint(action, move, policy),
                loc=("due",),
                subject=action.id,
                commit=move.commit,
            )
        )
    last = logged_end(action)
    if beyond and last is not None:
        found.append(
            Finding(
                code=UNLOGGED,
                message=f"due date {action.due} is later than the last logged extension ({last})",
                severity=Severity.WARNING,
                hint=f"log extensions with `cqctrack extend {action.id} --to DATE --reason TEXT "
                "--approved-by PERSON`",
                loc=("due",),
                subject=action.id,
            )
        )
    return found


def _hint(action: Action, move: DueMove, policy: Policy) -> str:
    if move.commit is None:
        where = "in the working tree, not yet committed"
    else:
        day = date_text(move.day) if move.day else "?"
        where = f"in commit {move.commit[:8]} by {move.author_name or move.author_email} on {day}"
    hint = (
        f"moved {where}; add the extension to the `extensions` log (from, to, reason, "
        "approved_by, date) or move the due date back"
    )
    if (
        move.logged is Logged.LATER
        and policy.audit.extension_logging is ExtensionLogging.SAME_COMMIT
    ):
        hint += "; an entry was added later, which policy audit.extension_logging: same-commit does not accept"
    return hint


def logged_late(move: DueMove, policy: Policy, subject: str | None) -> Finding | None:
    """An extension logged well after its move: still logged, but worth a reviewer's eye."""
    if not is_logged(move, policy) or move.logged is not Logged.LATER:
        return None
    if move.when is None or move.log_when is None:
        return None
    lag = (move.log_when.date() - move.when.date()).days
    if lag <= policy.audit.backdating_days:
        return None
    return Finding(
        code=LOGGED_LATE,
        message=f"the extension to {value_date(move.new)} was logged {days_text(lag)} after "
        "the due date moved",
        severity=Severity.INFO,
        loc=("extensions",),
        subject=subject,
        commit=move.log_commit,
    )


def describe(move: DueMove, policy: Policy) -> str:
    """How `history` words a logged move's log: '' when logged in the same commit."""
    if move.logged is Logged.LATER:
        where = f"in {move.log_commit[:8]}" if move.log_commit else "in the working tree"
        day = f" on {date_text(move.log_when)}" if move.log_when else ""
        return f"extension logged later, {where}{day}"
    if move.logged is Logged.EARLIER:
        return "extension logged beforehand"
    return ""
