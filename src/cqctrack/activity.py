"""Repository-wide facts from git history that the weekly review needs, per action.

Two git passes over the tracker folders, each one `git log` for the whole
repository (never one per file, which costs 0.2 s per file at 10,000 actions):

- when each action file last changed in a commit (for `review --stale`);
- every change of an action's `due:` line, and whether the same commit logged an
  extension to the new date (for unlogged extensions). `git log -G'^due: '` makes
  git itself pick out only the commits whose diff touches a due line.

The result is cached with the commit it was read at. The next run reads only the
commits since (`OLD..HEAD`) and adds them, so with no new commits this costs one
`git rev-parse`; a history that was rewritten (OLD no longer an ancestor) is read
again in full.

Facts only: the drift rules (drift.py) decide what they mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from cqctrack import cache, gitlog
from cqctrack.store import TRACKERS_DIR, Snapshot

_DUE = re.compile(r"^([-+])due: *['\"]?(\d{4}-\d{2}-\d{2})")
_TO = re.compile(r"^\+\s*(?:- )?to: *['\"]?(\d{4}-\d{2}-\d{2})")

# Cached per path: (last change as ISO text, [(old, new, sha, when, email, logged), ...]).
Raw = dict[str, tuple[str | None, list[tuple[str, str, str, str, str, bool]]]]


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


class Activity(Mapping[str, ActionActivity]):
    """Facts by action id, turned from the cached raw form on first use."""

    def __init__(self, raw: Raw, snap: Snapshot, prefix: str) -> None:
        self._raw = raw
        self._snap = snap
        self._prefix = "" if prefix == "." else prefix + "/"
        self._made: dict[str, ActionActivity] = {}

    def _key(self, item_id: str) -> str | None:
        source = self._snap.sources.get(item_id)
        if source is None or item_id not in self._snap.actions:
            return None
        key = self._prefix + source.path
        return key if key in self._raw else None

    def __getitem__(self, item_id: str) -> ActionActivity:
        found = self._made.get(item_id)
        if found is not None:
            return found
        key = self._key(item_id)
        if key is None:
            raise KeyError(item_id)
        last, moves = self._raw[key]
        found = self._made[item_id] = ActionActivity(
            last_changed=datetime.fromisoformat(last) if last else None,
            due_moves=tuple(
                DueMove(
                    date.fromisoformat(old),
                    date.fromisoformat(new),
                    sha,
                    datetime.fromisoformat(when),
                    email,
                    logged,
                )
                for old, new, sha, when, email, logged in moves
            ),
        )
        return found

    def __iter__(self) -> Iterator[str]:
        return (item_id for item_id in self._snap.actions if self._key(item_id) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def read_activity(root: Path, snap: Snapshot) -> Mapping[str, ActionActivity]:
    """Facts for every action in `snap`, by action id; empty when `root` is not in git."""
    top = gitlog.toplevel(root)
    head = gitlog.head(root) if top is not None else None
    if top is None or head is None:
        return {}
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    scope = f"{prefix}/{TRACKERS_DIR}" if prefix != "." else TRACKERS_DIR
    return Activity(_raw_facts(root, scope, head), snap, prefix)


def _raw_facts(root: Path, scope: str, head: str) -> Raw:
    cached = cache.read(root, "activity", lambda v: len(v) == 3 and isinstance(v[2], dict))
    if cached is not None and cached[1] == scope:
        old_head, _, raw = cached
        if old_head == head:
            return raw  # type: ignore[no-any-return]
        if _is_ancestor(root, old_head, head):
            _merge(raw, _read(root, scope, f"{old_head}..{head}"))
            cache.write(root, "activity", (head, scope, raw))
            return raw  # type: ignore[no-any-return]
    raw = _read(root, scope, head)
    cache.write(root, "activity", (head, scope, raw))
    return raw


def _is_ancestor(root: Path, old: str, new: str) -> bool:
    return gitlog.succeeds(root, "merge-base", "--is-ancestor", old, new)


def _merge(raw: Raw, newer: Raw) -> None:
    """Fold facts from later commits into older ones."""
    for path, (last, moves) in newer.items():
        old_last, old_moves = raw.get(path, (None, []))
        raw[path] = (last or old_last, old_moves + moves)


def _read(root: Path, scope: str, revisions: str) -> Raw:
    last = _last_changed(root, scope, revisions)
    moves = _due_moves(root, scope, revisions)
    raw: Raw = {}
    for path in set(last) | set(moves):
        raw[path] = (last.get(path), moves.get(path, []))
    return raw


def _last_changed(root: Path, scope: str, revisions: str) -> dict[str, str]:
    text = gitlog.run(
        root,
        "log",
        f"--format={gitlog.RS}%aI",
        "--name-only",
        "--no-renames",
        revisions,
        "--",
        scope,
    )
    out: dict[str, str] = {}
    for record in text.split(gitlog.RS)[1:]:
        lines = record.split("\n")
        for path in lines[1:]:
            if path and path not in out:  # newest first: the first sighting is the latest
                out[path] = lines[0]
    return out


def _due_moves(
    root: Path, scope: str, revisions: str
) -> dict[str, list[tuple[str, str, str, str, str, bool]]]:
    text = gitlog.run(
        root,
        "log",
        "--reverse",
        f"--format={gitlog.RS}%H{gitlog.FS}%aI{gitlog.FS}%ae",
        "-p",
        "-U0",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "-G^due: ",
        revisions,
        "--",
        scope,
    )
    out: dict[str, list[tuple[str, str, str, str, str, bool]]] = {}
    for record in text.split(gitlog.RS)[1:]:
        header, _, patch = record.partition("\n")
        sha, when, email = header.split(gitlog.FS)
        for path, old, new, tos in _file_changes(patch):
            if old is not None and new is not None and old != new:
                move = (old, new, sha, when, email, new in tos)
                out.setdefault(path, []).append(move)
    return out


def _file_changes(patch: str) -> list[tuple[str, str | None, str | None, set[str]]]:
    changes = []
    path = None
    old = new = None
    tos: set[str] = set()
    for line in patch.split("\n"):
        if line.startswith("diff --git "):
            if path is not None:
                changes.append((path, old, new, tos))
            path, old, new, tos = None, None, None, set()
        elif line.startswith("+++ b/"):
            path = line[6:]
        elif line.startswith(("-due:", "+due:")):
            match = _DUE.match(line)
            if match and _is_date(match.group(2)):
                if match.group(1) == "-":
                    old = match.group(2)
                else:
                    new = match.group(2)
        elif line.startswith("+"):
            match = _TO.match(line)
            if match and _is_date(match.group(1)):
                tos.add(match.group(1))
    if path is not None:
        changes.append((path, old, new, tos))
    return changes


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
