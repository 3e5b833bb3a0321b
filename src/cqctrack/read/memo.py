"""What a read command worked out about each action, kept for the next run.

`summary` judges every action in the repository (facts from git, BRAG, escalation,
the overdue trend); at 10,000 actions that is most of its time, and the next run
would judge the same actions the same way. A `Memo` keeps one plain value per
action, trusted only while nothing the judgement reads has changed:

- for the whole memo: HEAD (the history every judgement reads), cqctrack.yaml
  (policy and people), a shallow clone's edge and the date judged (the same key
  as history's flags, read/review.py, plus the date);
- for each action: its own file, its concern's file and its tracker's record (the
  reviews that count as oversight, the leaders, the framework), and the state of
  every evidence file it names (present, moved, edited).

Anything else changes HEAD or cqctrack.yaml. Not used for `--at` (the tree is fixed
and read from git) or when policy asks for signed sign-offs (the verdicts then depend on
git's signature checks, which are cached by the register's keys instead).
"""

from __future__ import annotations

import os
import zlib
from typing import TYPE_CHECKING, Any

from cqctrack import cache
from cqctrack.consulted import consulted

if TYPE_CHECKING:
    from cqctrack.format.records import Action
    from cqctrack.read.review import Workspace

# The evidence files an entry was made with: (path, lstat signature or None if absent).
_Refs = tuple[tuple[str, tuple[int, ...] | None], ...]


def _valid(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict)


class Memo:
    def __init__(self, ctx: Workspace, slot: str) -> None:
        self.ctx, self.slot = ctx, slot
        self.enabled = ctx.caches is not None and ctx.flags_slot == "flags" and not ctx.signed
        self.key = (*ctx.global_key(), ctx.today.toordinal())
        self.entries: dict[str, Any] = {}
        if self.enabled and ctx.caches is not None:
            found = ctx.caches.read(slot, _valid)
            if found is not None and found[0] == self.key:
                self.entries = found[1]
        self.fresh: dict[str, Any] = {}
        self._trackers: dict[str, int] = {}
        self._base = str(ctx.root)

    def _own_key(self, item_id: str) -> int:
        """The action's file and its tracker's record."""
        snap = self.ctx.snap
        slug = snap.tracker_of(item_id)
        if slug not in self._trackers:
            self._trackers[slug] = zlib.crc32(repr(snap.trackers.get(slug)).encode())
        return zlib.crc32(snap.actions.blobs[item_id], self._trackers[slug])

    def _concern_key(self, concern: str) -> int:
        blob = self.ctx.snap.concerns.blobs.get(concern)
        return -1 if blob is None else zlib.crc32(blob)

    def _state(self, ref: str) -> tuple[int, ...] | None:
        path = f"{self._base}/{ref}"
        consulted(path)
        try:
            return cache.signature(os.stat(path))  # noqa: PTH116 - thousands
        except (OSError, ValueError):
            return None

    def get(self, item_id: str) -> Any:
        """The value kept for this action, or None when it must be worked out again."""
        if not self.enabled:
            return None
        entry = self.entries.get(item_id)
        if entry is None or entry[0] != self._own_key(item_id):
            return None
        # The same file names the same concern: its file must be unchanged too.
        if entry[2] != self._concern_key(entry[1]):
            return None
        if any(self._state(ref) != state for ref, state in entry[3]):
            return None
        self.fresh[item_id] = entry
        return entry[4]

    def put(self, action: Action, value: Any) -> None:
        if not self.enabled:
            return
        refs = sorted({e.file for e in action.evidence if e.file is not None})
        states: _Refs = tuple((ref, self._state(ref)) for ref in refs)
        concern = action.concern or ""
        own = self._own_key(action.id)
        self.fresh[action.id] = (own, concern, self._concern_key(concern), states, value)

    def _group_key(self, ids: list[str]) -> int:
        key = 0
        for item_id in ids:
            key = zlib.crc32(self._own_key(item_id).to_bytes(4, "little"), key)
        return key

    def get_group(self, name: str, ids: list[str]) -> Any:
        """A value worked out from these actions' files alone (and what the whole memo is
        keyed by), or None when any of them changed."""
        if not self.enabled:
            return None
        entry = self.entries.get(f"\0{name}")  # ids never start with NUL
        if entry is None or entry[0] != self._group_key(ids):
            return None
        self.fresh[f"\0{name}"] = entry
        return entry[1]

    def put_group(self, name: str, ids: list[str], value: Any) -> None:
        if self.enabled:
            self.fresh[f"\0{name}"] = (self._group_key(ids), value)

    def save(self) -> None:
        caches = self.ctx.caches
        if self.enabled and caches is not None and self.fresh != self.entries:
            # In parts: at 100,000 actions one joined copy was 26 MB at the run's peak.
            caches.write(self.slot, (self.key, self.fresh), in_parts=True)
