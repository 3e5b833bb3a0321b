"""Changes of tracker files as cqctrack holds them between reading git's log and working
out each file's facts (git/repository.py): packed, by file, in the pending cache's form.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from typing import Any

from cqctrack.git.facts import NO_BLOB, Author

Change = tuple[str, Author, str | None, str | None]  # path, author, blob before, blob after

# A change as `Changes` keeps it: its commit's number (4 bytes), the blob before and the
# blob after (20 bytes each, all zeros for none).
RECORD = struct.Struct(">I20s20s")
_NONE = bytes.fromhex(NO_BLOB)


class Changes:
    """Changes of tracker files, by path, packed: what a log pass read, and the pending
    changes the history keeps and caches as they are.

    Each file's changes are fixed-size records (`RECORD`), newest first as git writes
    them; each commit is held once, in `commits`, by the number its records give. Read
    so rather than as a tuple a change (blob ids as text), the log of 100,000 actions
    (540,000 changes) takes 92.5 MiB against 144.1 (tracemalloc), and a first `review
    --overdue` there held 420 MiB once the files were parsed and the log read, against
    472, and peaked at 442 MiB against 504 (resident, sampled every 50 ms, a run each).
    """

    __slots__ = ("commits", "packed")

    def __init__(
        self, commits: list[Author] | None = None, packed: dict[str, Any] | None = None
    ) -> None:
        self.commits: list[Author] = commits if commits is not None else []
        self.packed: dict[str, bytes | bytearray] = packed if packed is not None else {}

    def __bool__(self) -> bool:
        return bool(self.packed)

    def __iter__(self) -> Iterator[Change]:
        for path in self.packed:
            yield from self.of(path)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Changes):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def of(self, path: str) -> list[Change]:
        """The file's changes, oldest first; a blob that is one change's "after" and the
        next one's "before" is one string."""
        commits, out = self.commits, []
        older: str | None = None  # the older change's "after"
        older_raw = _NONE
        for number, raw_before, raw_after in reversed(list(RECORD.iter_unpack(self.packed[path]))):
            if raw_before == _NONE:
                before = None
            else:
                before = older if raw_before == older_raw else raw_before.hex()
            after = None if raw_after == _NONE else raw_after.hex()
            out.append((path, commits[number], before, after))
            older, older_raw = after, raw_after
        return out

    def count(self, path: str | None = None) -> int:
        """How many changes the file has (every file's, when None): without unpacking them."""
        if path is not None:
            return len(self.packed[path]) // RECORD.size
        return sum(len(records) for records in self.packed.values()) // RECORD.size

    def afters(self) -> Iterator[str]:
        """The blob every change left (those that did not delete the file)."""
        for records in self.packed.values():
            for _, _, raw_after in RECORD.iter_unpack(records):
                if raw_after != _NONE:
                    yield raw_after.hex()

    def take(self, paths: Iterable[str]) -> Changes:
        """These files' changes (`only`), no longer held here."""
        found = self.only(paths)
        for path in found.packed:
            del self.packed[path]
        return found

    def last(self, path: str) -> tuple[Author, bool]:
        """The file's newest change: its commit, and whether it removed the file."""
        number, _, raw_after = RECORD.unpack_from(self.packed[path])
        return self.commits[number], raw_after == _NONE

    def only(self, paths: Iterable[str]) -> Changes:
        """These files' changes (the commits shared)."""
        return Changes(self.commits, {path: self.packed[path] for path in paths})

    def add(self, newer: Changes) -> None:
        """Take in changes made after those held."""
        offset = len(self.commits)
        self.commits.extend(newer.commits)
        packed = self.packed
        for path, records in newer.packed.items():
            if offset:
                records = b"".join(
                    RECORD.pack(number + offset, before, after)
                    for number, before, after in RECORD.iter_unpack(records)
                )
            held = packed.get(path)
            packed[path] = records + held if held else records

    def stored(self, keys: frozenset[str]) -> tuple[tuple[Author, ...], dict[str, Any]]:
        """What the pending cache keeps: the files in `keys` (those held may include files
        worked out since, read from an older cache), and the commits, when any are."""
        packed = self.packed
        if len(packed) != len(keys):
            packed = {path: packed[path] for path in keys}
        return (tuple(self.commits) if packed else ()), packed
