"""Locks that keep cqctrack processes from interleaving: one per file, one for commits.

Recordings on different actions run side by side: each holds the lock of the one
file it changes, from reading it to committing it. Creating a file holds the
lock of its tracker's new ids, so two people adding actions at once never take
the same id. Git allows one commit at a time per repository, so the commit
itself holds a short repository-wide lock. Every lock is waited for briefly
(another recording takes a fraction of a second) before the command gives up
with "another cqctrack is writing; try again".

Locks are `flock` locks on small files in the lock folder (`.git/cqctrack/locks`,
or beside the caches outside git): the operating system releases them when the
holder exits, even after kill -9, so a lock can never be left stale.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cqctrack import cache
from cqctrack.errors import WriteConflict
from cqctrack.write.faults import WriteFailed, explain_os_error

WAIT_SECONDS = 10.0  # long enough for a few recordings ahead of us, short enough to say so
_POLL = 0.02


def folder(root: Path) -> Path:
    git_dir = root / ".git"
    if git_dir.is_dir():
        return git_dir / "cqctrack" / "locks"
    return cache.folder(root) / "locks"


def _name(key: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)[-60:]
    return f"{safe}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.lock"


@contextlib.contextmanager
def hold(root: Path, key: str, *, what: str, wait: float | None = None) -> Iterator[None]:
    """Hold the lock named `key`, waiting up to `wait` seconds (WAIT_SECONDS) for its holder."""
    handle = _open(root, key)
    try:
        if not _acquire(handle, WAIT_SECONDS if wait is None else wait):
            raise WriteConflict(
                f"another cqctrack is writing {what}; try again",
                hint="it will finish in a moment; if not, see whether a cqctrack command is "
                "still running",
            )
        yield
    finally:
        handle.close()


def try_hold(root: Path, key: str) -> BinaryIO | None:
    """The lock named `key` if it is free now (the caller closes it), else None."""
    try:
        handle = _open(root, key)
    except WriteFailed:
        return None
    if _acquire(handle, 0):
        return handle
    handle.close()
    return None


def _open(root: Path, key: str) -> BinaryIO:
    target = folder(root)
    try:
        target.mkdir(parents=True, exist_ok=True)
        return (target / _name(key)).open("a+b")
    except OSError as err:
        raise WriteFailed(explain_os_error(err, target), path=None) from None


def _acquire(handle: BinaryIO, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            _lock(handle)
            return True
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL)


def _lock(handle: BinaryIO) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: an exclusive lock on the first byte
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def file_key(rel: str) -> str:
    return f"file:{rel}"


def ids_key(tracker: str) -> str:
    return f"ids:{tracker}"


COMMIT_KEY = "commit"


def remove_orphans(root: Path, temporaries: list[str]) -> list[str]:
    """Delete temporary files left by killed cqctrack writes; returns those removed.

    A temporary file `.MED-001.yaml.abc123.tmp` is made only by a process holding
    MED-001.yaml's lock, so one found while that lock is free is an orphan.
    """
    removed = []
    for rel in temporaries:
        folder_rel, _, name = rel.rpartition("/")
        target = name[1:].rsplit(".", 2)[0]  # ".MED-001.yaml.abc123.tmp" -> "MED-001.yaml"
        handle = try_hold(root, file_key(f"{folder_rel}/{target}"))
        if handle is None:
            continue
        try:
            (root / rel).unlink()
            removed.append(rel)
        except OSError:
            pass
        finally:
            handle.close()
    return removed
