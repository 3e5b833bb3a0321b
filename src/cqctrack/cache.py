"""Caches that can never serve stale data, kept out of the work tree.

Each cache is one file under `.git/cqctrack/` (or, outside git, under the user's
cache folder), never committed and rebuilt silently when missing, corrupt or
written by another version:

- `files`: per tracker file, the outcome of parsing and validating it (its
  record, or its findings), keyed by path and a stat signature of size, mtime,
  ctime and inode, and also by the content's git blob id, so a fresh clone given
  another clone's cache (CI) reads and hashes each file but parses none that is
  unchanged (FileCache). Editing a file changes its ctime even when size and mtime are
  put back, so a changed file is always parsed again. Like git, an entry whose
  file changed within a second of the cache being written is not trusted (the
  file may have changed again within the timestamps' resolution).
- `config`: the same for `cqctrack.yaml` alone.
- `history`: the git facts of every action and measure file and cqctrack.yaml's
  versions, keyed by the commit they were read at; a later run reads only the
  commits since (see git/repository.py). `history-at` is the same for `--at`.
- `flags` (and `flags-at`): history's flags about each action, keyed by HEAD,
  cqctrack.yaml and the action's own file (read/review.py).
- `blobs`: the outcome of parsing and validating a file's content, keyed by its git
  blob id (`--at`); `configs`: cqctrack.yaml's validated versions by blob id;
  `signatures`: git's verdict on commit signatures, keyed by the register's keys.
- `check`: the last `check` result, keyed by everything it depends on.

Whether caches are used is the caller's choice (`Caches(root, enabled=False)`
for `--no-cache`), passed down as an argument.

Caches hold data, never code, and are authenticated (issue 12): each file is
sealed (`cqctrack.sealed`), plain values behind a keyed MAC whose key lives outside
every cache folder, so anyone who can write the cache folder (CI systems save and
restore it) can neither run code as the user nor change what a command reports. A
file whose MAC does not match is ignored and rebuilt; without a key nothing is cached.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cqctrack import __version__, sealed
from cqctrack.format.records import RECORD_VERSION
from cqctrack.sealed import MAGIC, SUFFIX, folder, key_file, user_key

__all__ = ["MAGIC", "SUFFIX", "folder", "key_file", "user_key"]

# Anything that changes what a cached value means goes into the stamp.
STAMP = (16, RECORD_VERSION, __version__, sys.version_info[:2])
RACY_NS = 1_000_000_000

Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


@dataclass(frozen=True, slots=True)
class Caches:
    """The caches of one repository, or none at all (`enabled=False`, for --no-cache).

    `key` authenticates them; by default the user's own key (`user_key`).
    """

    root: Path
    enabled: bool = True
    key: bytes | None = None

    def _key(self) -> bytes | None:
        return self.key if self.key is not None else user_key()

    def read(self, name: str, valid: Callable[[Any], bool] | None = None) -> Any:
        """The cached value, or None when there is none or it cannot be trusted.

        A file not made with our key is ignored before anything in it is read as
        data; `valid` then checks the value's shape, so a cache written by another
        version of cqctrack is treated as missing.
        """
        key = self._key() if self.enabled else None
        if key is None:
            return None
        stored, in_parts = sealed.read_parts(str(folder(self.root) / f"{name}{SUFFIX}"), key)
        try:
            stamp, *rest = stored
            value = tuple(rest) if in_parts else rest[0]
        except (TypeError, ValueError, IndexError):
            return None
        if stamp != STAMP:
            return None
        try:
            return value if valid is None or valid(value) else None
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return None

    def has(self, name: str) -> bool:
        """Whether a cache of that name was written (not whether it can be trusted)."""
        return self.enabled and (folder(self.root) / f"{name}{SUFFIX}").exists()

    def scratch(self) -> Path | None:
        """A folder for this run's temporary files: the cache folder, the one place a run
        whose answer is kept may write (see `replay`). None when the caches are off or
        it cannot be made (temporary files then go where the system keeps them)."""
        if not self.enabled:
            return None
        where = folder(self.root)
        try:
            where.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return where

    def write(self, name: str, value: Any, in_parts: bool = False) -> bool:
        """Store `value` (plain data only) atomically; a cache that cannot be written is
        skipped. Whether it was written.

        `in_parts`: `value` is a tuple whose last item is a large dict, written a part at
        a time (`sealed`): it is read back the same."""
        key = self._key() if self.enabled else None
        if key is None:
            return False
        stored = (STAMP, *value) if in_parts else (STAMP, value)
        try:
            sealed.write(str(folder(self.root) / f"{name}{SUFFIX}"), key, stored, in_parts)
        except OSError:
            return False
        return True


class FileCache:
    """Parse-and-validate results per file, trusted only for unchanged files.

    Each entry keeps the file's stat signature and the git blob id of the content it
    was made from. A file whose signature matches is unchanged (as git trusts its
    index); one whose signature does not, because it was edited or because this is a
    fresh clone whose cache was restored from another (CI), is read and hashed, and an
    entry made from the same content is still used (`by_content`). So a cache moved
    to another clone at the same or an earlier commit is worth nearly a warm run.
    """

    def __init__(self, caches: Caches) -> None:
        self.caches = caches
        stored = caches.read("files", _valid_files)
        self.written_ns, self.entries = stored if stored is not None else (0, {})
        self.fresh: dict[str, tuple[Signature, Any, str]] = {}
        self.changed = False

    def get_many(self, wanted: list[tuple[str, Signature]]) -> list[Any]:
        """Each file's cached outcome, or None where it cannot be trusted.

        One loop with local names, as it runs for 100,000 files. Like git, an entry
        whose file changed within a second of the cache being written is not trusted.
        """
        entries, fresh, limit = self.entries, self.fresh, self.written_ns - RACY_NS
        out: list[Any] = []
        append = out.append
        for rel, sig in wanted:
            entry = entries.get(rel)
            if entry is None or entry[0] != sig or sig[1] >= limit or sig[2] >= limit:
                append(None)
                continue
            fresh[rel] = entry
            append(entry[1])
        return out

    def known(self, rel: str) -> bool:
        """Whether an entry for `rel` exists, trusted or not (worth hashing the file for)."""
        return rel in self.entries

    def by_content(self, rel: str, sig: Signature, digest: str) -> Any:
        """The outcome made from the same content as the file now holds, or None."""
        entry = self.entries.get(rel)
        if entry is None or entry[2] != digest:
            return None
        self.put(rel, sig, entry[1], digest)
        return entry[1]

    def by_blob(self, rel: str, sig: Signature, blob: str) -> Any:
        """The outcome made from git's blob `blob`, which git says the file holds, or None.

        A file git converts on checkout (line endings, filters) is said to hold the blob
        though its bytes are others. An entry's digest is the id of the bytes it was made
        from, so when it is `blob` their size is the blob's: a file of another size is not
        the blob's bytes (and is read and hashed instead)."""
        entry = self.entries.get(rel)
        if entry is None or entry[2] != blob or entry[0][0] != sig[0]:
            return None
        return self.by_content(rel, sig, blob)

    def put(self, rel: str, sig: Signature, value: Any, digest: str) -> None:
        # Values are plain data (see store/load.py's _Entry), which is all marshal takes.
        self.fresh[rel] = (sig, value, digest)
        self.changed = True

    def save(self) -> None:
        # Only entries seen in this run are kept, so deleted files drop out.
        if self.changed or len(self.fresh) != len(self.entries):
            self.caches.write("files", (time.time_ns(), self.fresh), in_parts=True)


def content_id(raw: bytes) -> str:
    """The git blob id of a file's bytes: the same key git gives the content."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def _valid_files(value: Any) -> bool:
    written, entries = value
    sample = next(iter(entries.values()), None)
    shape_ok = sample is None or (len(sample) == 3 and len(sample[1]) == 4)
    return isinstance(written, int) and isinstance(entries, dict) and shape_ok
