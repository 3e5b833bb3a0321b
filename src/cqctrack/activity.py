"""Repository-wide facts from git history that the weekly review needs, per action.

One `git log --raw` pass over the tracker folders and one `git cat-file --batch`
of the action blobs it names (never one `git log` per file, which costs 0.2 s per
file at 10,000 actions) give:

- when each action file last changed in a commit (for `review --stale`);
- every change of an action's `due:` line, and whether the same commit logged an
  extension to the new date (for unlogged extensions).

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
            _read(root, scope, f"{old_head}..{head}", raw)
            cache.write(root, "activity", (head, scope, raw))
            return raw  # type: ignore[no-any-return]
    raw = {}
    _read(root, scope, head, raw)
    cache.write(root, "activity", (head, scope, raw))
    return raw


def _is_ancestor(root: Path, old: str, new: str) -> bool:
    return gitlog.succeeds(root, "merge-base", "--is-ancestor", old, new)


def _read(root: Path, scope: str, revisions: str, raw: Raw) -> None:
    """Add the facts of the commits in `revisions` (oldest first) to `raw`.

    One `git log --raw` pass lists, per commit, each changed file's blob before and
    after; one `git cat-file --batch` reads those action blobs, of which only the
    `due:` line and the extension `to:` dates are looked at (a regular expression,
    not YAML). That is about twice as fast as asking git for diffs (`log -p -G`),
    and like a diff it compares each commit with its own parent.
    """
    changes = _changes(root, scope, revisions)
    blobs = {blob for change in changes for blob in change[4:] if blob}
    facts = _blob_facts(root, sorted(blobs))
    for path, sha, when, email, old, new in changes:
        moves = raw.get(path, (None, []))[1]
        if old and new:
            before, after = facts.get(old), facts.get(new)
            if before and after and before[0] and after[0] and before[0] != after[0]:
                logged = after[0] in after[1] and after[0] not in before[1]
                moves = [*moves, (before[0], after[0], sha, when, email, logged)]
        raw[path] = (when, moves)


_NO_BLOB = "0" * 40


def _changes(
    root: Path, scope: str, revisions: str
) -> list[tuple[str, str, str, str, str | None, str | None]]:
    """(path, commit, date, author e-mail, blob before, blob after), oldest first."""
    text = gitlog.run(
        root,
        "log",
        "--reverse",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        f"--format={gitlog.RS}%H{gitlog.FS}%aI{gitlog.FS}%ae",
        revisions,
        "--",
        scope,
    )
    out: list[tuple[str, str, str, str, str | None, str | None]] = []
    for record in text.split(gitlog.RS)[1:]:
        header, _, body = record.partition("\n")
        sha, when, email = header.split(gitlog.FS)
        for line in body.split("\n"):
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            if "/actions/" not in path:
                continue
            fields = meta.split()
            old = None if fields[2] == _NO_BLOB else fields[2]
            new = None if fields[3] == _NO_BLOB else fields[3]
            out.append((path, sha, when, email, old, new))
    return out


_DUE_LINE = re.compile(rb"^due: *['\"]?(\d{4}-\d{2}-\d{2})", re.M)
_TO_LINE = re.compile(rb"^\s*(?:- )?to: *['\"]?(\d{4}-\d{2}-\d{2})", re.M)


def _blob_facts(root: Path, blobs: list[str]) -> dict[str, tuple[str | None, frozenset[str]]]:
    """The due date and the extension end dates in each blob."""
    facts: dict[str, tuple[str | None, frozenset[str]]] = {}
    for blob, content in gitlog.cat_blobs(root, blobs):
        due = _DUE_LINE.search(content)
        tos = frozenset(m.decode() for m in _TO_LINE.findall(content))
        facts[blob] = (due.group(1).decode() if due else None, tos)
    return facts
