"""Repository-wide facts from git history that the weekly review needs, per action.

Two git passes over the tracker folders, each one `git log` for the whole
repository (never one per file, which costs 0.2 s per file at 10,000 actions):

- when each action file last changed in a commit (for `review --stale`);
- every change of an action's `due:` line, and whether the same commit logged an
  extension to the new date (for unlogged extensions). `git log -G'^due: '` makes
  git itself pick out only the commits whose diff touches a due line.

Facts only: the drift rules (drift.py) decide what they mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from cqctrack import gitlog
from cqctrack.store import TRACKERS_DIR, Snapshot

_DUE = re.compile(r"^([-+])due: *['\"]?(\d{4}-\d{2}-\d{2})")
_TO = re.compile(r"^\+\s*(?:- )?to: *['\"]?(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class DueMove:
    old: date
    new: date
    commit: str
    when: datetime
    author_email: str
    logged: bool  # the same commit added an extension ending on the new date

    @property
    def is_extension(self) -> bool:
        return self.new > self.old


@dataclass(frozen=True, slots=True)
class ActionActivity:
    last_changed: datetime | None = None
    due_moves: tuple[DueMove, ...] = field(default_factory=tuple)

    @property
    def unlogged_extensions(self) -> tuple[DueMove, ...]:
        return tuple(m for m in self.due_moves if m.is_extension and not m.logged)


def read_activity(root: Path, snap: Snapshot) -> dict[str, ActionActivity]:
    """Facts for every action in `snap`, by action id; empty when `root` is not in git."""
    top = gitlog.toplevel(root)
    if top is None or gitlog.head(root) is None:
        return {}
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    scope = f"{prefix}/{TRACKERS_DIR}" if prefix != "." else TRACKERS_DIR
    last = _last_changed(root, scope)
    moves = _due_moves(root, scope)
    by_path = {source.path: item_id for item_id, source in snap.sources.items()}
    strip = len(prefix) + 1 if prefix != "." else 0
    out: dict[str, ActionActivity] = {}
    for path in set(last) | set(moves):
        item_id = by_path.get(path[strip:])
        if item_id is None or item_id not in snap.actions:
            continue
        found = moves.get(path, [])[::-1]  # git lists newest first
        found.sort(key=lambda m: m.when)  # stable: commits in the same second keep git's order
        out[item_id] = ActionActivity(last_changed=last.get(path), due_moves=tuple(found))
    return out


def _last_changed(root: Path, scope: str) -> dict[str, datetime]:
    text = gitlog.run(
        root, "log", f"--format={gitlog.RS}%aI", "--name-only", "--no-renames", "--", scope
    )
    out: dict[str, datetime] = {}
    for record in text.split(gitlog.RS)[1:]:
        lines = record.split("\n")
        when = datetime.fromisoformat(lines[0])
        for path in lines[1:]:
            if path and path not in out:  # newest first: the first sighting is the latest
                out[path] = when
    return out


def _due_moves(root: Path, scope: str) -> dict[str, list[DueMove]]:
    text = gitlog.run(
        root,
        "log",
        f"--format={gitlog.RS}%H{gitlog.FS}%aI{gitlog.FS}%ae",
        "-p",
        "-U0",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "-G^due: ",
        "--",
        scope,
    )
    out: dict[str, list[DueMove]] = {}
    for record in text.split(gitlog.RS)[1:]:
        header, _, patch = record.partition("\n")
        sha, when, email = header.split(gitlog.FS)
        stamp = datetime.fromisoformat(when)
        for path, old, new, tos in _file_changes(patch):
            if old is not None and new is not None and old != new:
                move = DueMove(old, new, sha, stamp, email, logged=new in tos)
                out.setdefault(path, []).append(move)
    return out


def _file_changes(patch: str) -> list[tuple[str, date | None, date | None, set[date]]]:
    changes = []
    path = None
    old = new = None
    tos: set[date] = set()
    for line in patch.split("\n"):
        if line.startswith("diff --git "):
            if path is not None:
                changes.append((path, old, new, tos))
            path, old, new, tos = None, None, None, set()
        elif line.startswith("+++ b/"):
            path = line[6:]
        elif line.startswith(("-due:", "+due:")):
            match = _DUE.match(line)
            if match:
                when = _date(match.group(2))
                if match.group(1) == "-":
                    old = when
                else:
                    new = when
        elif line.startswith("+"):
            match = _TO.match(line)
            if match and (when := _date(match.group(1))) is not None:
                tos.add(when)
    if path is not None:
        changes.append((path, old, new, tos))
    return changes


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
