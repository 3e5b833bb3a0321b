"""A snapshot of a tracker repository: the record of every valid file, and the findings.

The store builds it (`store.load`); rules and reports read it. Actions, concerns
and measures are kept in their marshalled plain form and turned into records
(records.py) on first use, and actions carry a small index (status, due date,
owner) so a command can pick the few it needs without building the rest.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from cqctrack.findings import Finding
from cqctrack.format import records
from cqctrack.format.layout import tracker_file
from cqctrack.format.policy import DEFAULT_POLICY, Policy


class Source(NamedTuple):
    # A named tuple, not a dataclass: one is made for every file on every run.
    path: str  # repository-relative, forward slashes
    tracker: str  # the tracker folder's slug


class Lazy(Mapping[str, Any]):
    """Items by id, each unmarshalled and turned into its record on first use."""

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.blobs: dict[str, bytes] = {}
        self._made: dict[str, Any] = {}
        self._ids: dict[str, Any] = self.blobs  # the items, in order: `blobs` until `settle`

    def __getitem__(self, key: str) -> Any:
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = records.from_plain(self.cls, marshal.loads(self.blobs[key]))
        return found

    def peek(self, key: str) -> Any:
        """The item's record, without keeping it: for a pass over every item that needs
        each only once (100,000 records kept would be most of a command's memory)."""
        found = self._made.get(key)
        if found is None:
            found = records.from_plain(self.cls, marshal.loads(self.blobs[key]))
        return found

    def settle(self) -> None:
        """Make every item's record now and let the packed forms go, for a command that
        reads every record more than once (`check`): at 100,000 actions, 80 MB of packed
        forms not held beside the records. After it, `blobs` is empty and the items are
        the records made: an item put into `blobs` afterwards (as the write path's
        snapshots take new files) would not be one, so only a read command settles."""
        made = self._made
        for key, blob in self.blobs.items():
            if key not in made:
                made[key] = records.from_plain(self.cls, marshal.loads(blob))
        self._made = self._ids = {key: made[key] for key in self.blobs}
        self.blobs = {}

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._ids


class Actions(Lazy):
    """Actions by id, as records built on first use, with a cheap pre-selection."""

    def __init__(self) -> None:
        super().__init__(records.Action)
        # id -> (status, due day, owner, the latest day the file holds), day numbers as ordinals
        self.index: dict[str, tuple[str, int, str, int]] = {}

    def select(
        self,
        statuses: Iterable[str] | None = None,
        due_before: date | None = None,
        owners: Iterable[str] | None = None,
    ) -> Iterator[records.Action]:
        """Actions matching cheap conditions, read from the index before any record is built."""
        wanted = frozenset(statuses) if statuses is not None else None
        people = frozenset(owners) if owners else None
        limit = due_before.toordinal() if due_before is not None else None
        for key, (status, due, owner, _) in self.index.items():
            if wanted is not None and status not in wanted:
                continue
            if limit is not None and due >= limit:
                continue
            if people is not None and owner not in people:
                continue
            yield self[key]


@dataclass
class Snapshot:
    """Everything read from one repository at one moment."""

    root: Path
    config: records.Config | None = None
    trackers: dict[str, records.Tracker] = field(default_factory=dict)
    concerns: Lazy = field(default_factory=lambda: Lazy(records.Concern))
    measures: Lazy = field(default_factory=lambda: Lazy(records.Measure))
    actions: Actions = field(default_factory=Actions)
    sources: dict[str, Source] = field(default_factory=dict)  # item id -> where it came from
    findings: list[Finding] = field(default_factory=list)
    file_count: int = 0
    # Files cqctrack found but could not use (unreadable, invalid, a duplicate id, a
    # pipe or a link out): path -> the finding that says why. A command that reports
    # on the whole tracker must say these are missing, never quietly leave them out.
    unread: dict[str, Finding] = field(default_factory=dict)
    # The git facts' summary (format/versions.py) of every action and measure file parsed
    # by this run, marshalled, by the git blob id of its content: the history need not
    # parse that version again (git/repository.py). Empty when the files came from the cache.
    summaries: dict[str, bytes] = field(default_factory=dict)

    def source(self, item_id: str) -> Source:
        return self.sources[item_id]

    def tracker_of(self, item_id: str) -> str:
        return self.sources[item_id].tracker

    def tracker_path(self, slug: str) -> str:
        return tracker_file(slug)

    def framework_for(self, slug: str) -> str:
        tracker = self.trackers.get(slug)
        if tracker is not None and tracker.framework:
            return tracker.framework
        return self.config.framework if self.config else "saf-quality-statements"

    def latest_day(self) -> date | None:
        """The latest date any action's file holds (created, or any entry's), if any."""
        days = [fields[3] for fields in self.actions.index.values()]
        return date.fromordinal(max(days)) if days else None

    @property
    def policy(self) -> Policy:
        return self.config.policy if self.config else DEFAULT_POLICY

    @property
    def people(self) -> dict[str, records.Person]:
        return self.config.people if self.config else {}
