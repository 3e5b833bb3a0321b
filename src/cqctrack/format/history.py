"""What git history holds for a tracker file, as plain records (named tuples: many are
made on every run, and they cache as plain data).

`git/` reads these from the repository; `rules/` judges them. Nothing here runs
git or decides anything: a `DueMove` says when a due date moved and when (if
ever) an extension entry for the new date was added, and `rules/extensions.py`
decides whether that counts as logged.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from types import MappingProxyType
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
    """The git facts the review needs about one action (or measure) file.

    `added` maps each entry's identity (see `entries_of_data`) to the commit that
    first held it, as plain values (sha, ISO author date, name, e-mail, position):
    `added_by` turns one into an `Added` when a rule asks. `events` are the changes
    a reviewer may need to see: (what, which id, commit), e.g. ("evidence-removed-
    after-closure", "E2", ...).
    """

    last_changed: datetime | None = None
    due_moves: tuple[DueMove, ...] = ()
    added: Mapping[int, tuple[Any, ...]] = MappingProxyType({})
    events: tuple[tuple[str, str, tuple[Any, ...]], ...] = ()

    def added_by(self, key: int) -> Added | None:
        """The commit that first held the entry with this identity; None when none did
        (the entry is not committed yet)."""
        return as_added(self.added.get(key))


# --- log entries and the commits that added them --------------------------------------
#
# Every dated entry in a file (an action's evidence, extensions, reviews, progress
# notes, reopenings, closure and cancellation, the action's creation; a measure's
# readings) has an identity: a number made from its log and every field it holds.
# git/facts.py records, per file, the first commit in which each identity appears;
# rules look up the entries of the current file by the same identity. Both read
# the identity from this one function, from parsed YAML (any version in git) or
# from a record (the validated working tree), so they always agree. An entry
# edited later has a new identity: whoever edited it recorded it anew.

# Fields of each log that make an entry what it is, in order; the first is its date,
# the second (when present) the person it names as acting.
ENTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "reviews": ("date", "by", "level", "decision", "note"),
    "extensions": ("date", "approved_by", "from", "to", "reason"),
    "evidence": ("date", "added_by", "id", "kind", "file", "document", "summary"),
    "progress": ("date", "by", "note"),
    "reopenings": ("date", "by", "reason"),
    "closure": ("date", "verified_by", "outcome"),
    "cancellation": ("date", "approved_by", "reason"),
    "readings": ("recorded", "recorded_by", "period", "value", "file", "document"),
    "corrections": ("date", "by", "entry", "change", "replacement", "reason"),
    "requirement_changes": ("date", "by", "approved_by", "requirement", "change", "reason"),
}
LISTS = (
    "evidence",
    "extensions",
    "reviews",
    "progress",
    "reopenings",
    "readings",
    "corrections",
    "requirement_changes",
)
SINGLE = ("closure", "cancellation")
# Record attribute names where they differ from the file's keys.
_ATTRIBUTE = {"from": "from_"}


class Entry(NamedTuple):
    """One dated entry of a file, as the governance rules judge it."""

    log: str  # reviews, extensions, evidence, progress, reopenings, closure, cancellation,
    # readings, or "created" (the action itself)
    position: int | None  # its place in its log; None for closure, cancellation, created
    day: date | None  # the date the entry carries (a reading's `recorded`), if valid
    person: str | None  # who it names as acting (by, approved_by, verified_by, ...)
    decision: str | None  # reviews only
    key: int  # its identity (see above)
    ref: str | None = None  # evidence: its id; readings: the period

    @property
    def loc(self) -> tuple[str | int, ...]:
        if self.log == "created":
            return ("created",)
        return (self.log,) if self.position is None else (self.log, self.position)


def _text(value: Any) -> str:
    # str() of a date is its ISO form, of a StrEnum its value: as the file writes them.
    if value is None:
        return ""
    if value.__class__ is float and value.is_integer():
        return str(int(value))
    return str(value)


def entry_key(log: str, values: Sequence[Any]) -> int:
    return zlib.crc32(f"{log}\x1f{chr(31).join(map(_text, values))}".encode())


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _entry(log: str, index: int | None, values: Sequence[Any]) -> Entry:
    # ENTRY_FIELDS: the date first, the person second; a review's decision fourth; an
    # evidence entry's id and a reading's period third.
    decision = values[3] if log == "reviews" else None
    ref = values[2] if log in ("evidence", "readings") else None
    first = values[0]
    return Entry(
        log,
        index,
        first if first.__class__ is date else _day(first),
        _text(values[1]) or None,
        _text(decision) or None,
        entry_key(log, values),
        _text(ref) or None,
    )


def entry_of(log: str, item: dict[str, Any], position: int | None = None) -> Entry:
    """One entry of a parsed file (`log` as in ENTRY_FIELDS), with its identity."""
    return _entry(log, position, [item.get(f) for f in ENTRY_FIELDS[log]])


def created_entry(data: dict[str, Any]) -> Entry:
    created = data.get("created")
    return Entry("created", None, _day(created), None, None, entry_key("created", [created]))


def entries_of_data(data: dict[str, Any]) -> list[Entry]:
    """The dated entries of one parsed version of an action or measure file."""
    out: list[Entry] = []
    if "created" in data:
        out.append(created_entry(data))
    for log in LISTS:
        items = data.get(log)
        if not isinstance(items, list):
            continue
        fields = ENTRY_FIELDS[log]
        for index, item in enumerate(items):
            if isinstance(item, dict):
                out.append(_entry(log, index, [item.get(f) for f in fields]))
    for log in SINGLE:
        item = data.get(log)
        if isinstance(item, dict):
            out.append(_entry(log, None, [item.get(f) for f in ENTRY_FIELDS[log]]))
    return out


def entry_keys(data: dict[str, Any]) -> tuple[int, ...]:
    """The identities of `entries_of_data(data)`, in the same order, without making the
    entries: what the summary of every version holds (format/versions.py), made for
    every file a first run parses."""
    out: list[int] = []
    if "created" in data:
        out.append(entry_key("created", [data.get("created")]))
    for log in LISTS:
        items = data.get(log)
        if isinstance(items, list):
            fields = ENTRY_FIELDS[log]
            out += [
                entry_key(log, [i.get(f) for f in fields]) for i in items if isinstance(i, dict)
            ]
    for log in SINGLE:
        item = data.get(log)
        if isinstance(item, dict):
            out.append(entry_key(log, [item.get(f) for f in ENTRY_FIELDS[log]]))
    return tuple(out)


_GET = {
    log: attrgetter(*(_ATTRIBUTE.get(f, f) for f in fields)) for log, fields in ENTRY_FIELDS.items()
}


def entries_of_record(record: Any) -> list[Entry]:
    """The same entries, from an action or measure record (identities equal to the above)."""
    out: list[Entry] = []
    created = getattr(record, "created", None)
    if created is not None:
        out.append(Entry("created", None, created, None, None, entry_key("created", [created])))
    for log in LISTS:
        items = getattr(record, log, None)
        if not items:
            continue
        get = _GET[log]
        for index, item in enumerate(items):
            out.append(_entry(log, index, get(item)))
    for log in SINGLE:
        item = getattr(record, log, None)
        if item is not None:
            out.append(_entry(log, None, _GET[log](item)))
    return out


# What the facts record of a change a reviewer may need to see (git/facts.py finds
# them, rules/governance.py judges them): (event, the evidence or requirement id, commit).
EVIDENCE_EDITED = "evidence-edited-after-closure"
EVIDENCE_REMOVED = "evidence-removed-after-closure"
REQUIREMENT_REMOVED = "requirement-removed"
REQUIREMENT_CHANGED = "requirement-changed"
CLOSURE_EDITED = "closure-edited"
DELETED = "deleted"


class Added(NamedTuple):
    """The commit that first held an entry (or made a change): who, when, and its place."""

    sha: str
    when: datetime  # author date
    name: str
    email: str
    seq: int  # position in the history read, oldest first (orders commits on one line)

    @property
    def day(self) -> date:
        return self.when.date()


def as_added(plain: tuple[Any, ...] | None) -> Added | None:
    """A commit as the facts keep it (sha, ISO date, name, e-mail, position), as an `Added`."""
    if plain is None or plain[0] is None:
        return None
    return Added(plain[0], datetime.fromisoformat(plain[1]), plain[2], plain[3], plain[4])


class Signature(NamedTuple):
    """What git says of a commit's signature (see git/signatures.py)."""

    status: str  # %G?: G good, U good but key of unknown validity, N none, B bad,
    # E cannot be checked, X/Y expired signature/key, R revoked key
    principal: str  # SSH: the allowed-signers principal, i.e. the person's id
    fingerprint: str  # the signing key's fingerprint
    primary: str  # OpenPGP: the primary key's fingerprint


class Imported(NamedTuple):
    """Where git's history stops being the governance record (policy signoff.imported_until,
    and the edge of a shallow clone): changes made there count as recorded, not proven."""

    until: date | None = None  # commits authored on or before this day
    commits: frozenset[str] = frozenset()  # this commit and its ancestors
    shallow: frozenset[str] = frozenset()  # the commits at a shallow clone's edge

    @property
    def anything(self) -> bool:
        """Whether any history is imported (so some commits are not judged)."""
        return self.until is not None or bool(self.commits) or bool(self.shallow)

    def covers(self, sha: str | None, when: datetime | None) -> bool:
        if sha is None:
            return False
        if sha in self.commits or sha in self.shallow:
            return True
        return self.until is not None and when is not None and when.date() <= self.until
