"""Faults outside cqctrack's control (a read-only checkout, a full disk, a file that
cannot be replaced), said plainly: what failed, and that nothing was changed.

A write goes to a temporary file first and replaces the original only once it is
complete, so any of these faults leaves the file exactly as it was. The message
says so, instead of "internal error (a bug)".
"""

from __future__ import annotations

import errno
from pathlib import Path

from cqctrack.errors import CqcError

_REASONS = {
    errno.EROFS: ("the file system is read-only", "run the command in a writable checkout"),
    errno.EACCES: (
        "permission denied",
        "check that you may write to the folder (and that no program holds the file open)",
    ),
    errno.EPERM: (
        "the operation is not permitted (the file or folder may be protected or immutable)",
        "check the file's permissions and attributes",
    ),
    errno.ENOSPC: ("the disk is full", "free some space and run the command again"),
    errno.EDQUOT: ("your disk quota is used up", "free some space and run the command again"),
    errno.EIO: ("the disk reported an input/output error", "check the disk, then try again"),
    errno.EBUSY: ("the file is in use", "close the program using it and try again"),
    errno.ENAMETOOLONG: ("the name is too long", "use a shorter path"),
}


class WriteFailed(CqcError):
    """Writing failed because of the machine, not the data; nothing was changed."""


def explain_os_error(err: OSError, where: Path | str | None = None) -> str:
    reason = _REASONS.get(err.errno or 0, (err.strerror or str(err), ""))[0]
    place = f" in {where}" if where is not None else ""
    return f"could not write{place}: {reason}; nothing was changed"


def hint_for(err: OSError) -> str | None:
    return _REASONS.get(err.errno or 0, ("", None))[1] or None


def write_failed(err: OSError, rel: str) -> WriteFailed:
    reason = _REASONS.get(err.errno or 0, (err.strerror or str(err), ""))[0]
    return WriteFailed(
        f"could not write the file: {reason}; nothing was changed", path=rel, hint=hint_for(err)
    )
