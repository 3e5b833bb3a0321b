"""What a recording command makes sure of before it touches a file.

- Leftovers of a stopped cqctrack are dealt with: orphan temporary files are
  removed (under their file's lock, so never one still being written), and a file
  written but never committed is named, never swept into another commit.
- The file it edits has no uncommitted changes (unless it was told not to
  commit, or to include them): a hand edit in progress would otherwise be
  committed under the event's name. With --include-changes it is, and the
  commit says so (trailer `Includes-Uncommitted-Changes: yes`).
- The id it was given names one file: two files with the same id are refused
  rather than one picked silently.
"""

from __future__ import annotations

import os
from pathlib import Path

from cqctrack.errors import InvalidRepository
from cqctrack.format.layout import TRACKERS_DIR
from cqctrack.format.snapshot import Snapshot
from cqctrack.git import run
from cqctrack.write import locks, pending
from cqctrack.write.document import TEMP_SUFFIX


def temporaries(root: Path) -> list[str]:
    """Temporary files cqctrack's writes make (`.MED-001.yaml.x1y2.tmp`), anywhere in trackers/."""
    found = []
    base = root / TRACKERS_DIR
    for folder, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(folder).relative_to(root).as_posix()
        found += [
            f"{rel}/{n}"
            for n in names
            if n.startswith(".") and n.endswith(TEMP_SUFFIX) and ".yaml." in n
        ]
    return sorted(found)


def committed(root: Path, rel: str) -> bytes | None:
    """The file's content at HEAD, or None when it is not committed."""
    top = run.toplevel(root)
    if top is None:
        return None
    spec = Path(root.resolve() / rel).relative_to(top.resolve()).as_posix()
    found = dict(run.cat_blobs(root, [f"HEAD:{spec}"]))
    return found.get(f"HEAD:{spec}")


def tidy(root: Path, commit: bool) -> list[str]:
    """Remove orphan temporary files; notes about writes left uncommitted. Lines for stderr."""
    out = []
    for rel in locks.remove_orphans(root, temporaries(root)):
        out.append(f"note: removed {rel}, a temporary file left by an interrupted cqctrack")
    for item in pending.notes(root):
        if pending.still_pending(root, item, committed(root, item.rel)):
            if commit:
                out.append(
                    f"warning: {item.rel} was written by an earlier cqctrack command "
                    f'("{item.summary}") that stopped before committing it; '
                    "`cqctrack recover` commits or discards it"
                )
        else:
            pending.done(item.note)
    return out


def ready_to_edit(root: Path, rel: str, *, commit: bool, include_changes: bool = False) -> bool:
    """Refuse to edit a file whose current content is not committed (when committing).

    With `include_changes` (--include-changes) the hand edits are committed with the
    event instead, and True is returned so the commit can say so; never the writes of
    a stopped cqctrack command, which `cqctrack recover` deals with.
    """
    if not commit:
        return False
    head = committed(root, rel)
    try:
        current = (root / rel).read_bytes()
    except OSError:
        return False
    if head is None or current == head:
        return False
    for item in pending.notes(root):
        if item.rel == rel and pending.still_pending(root, item, head):
            raise InvalidRepository(
                f'an earlier cqctrack command ("{item.summary}") wrote this file but stopped '
                "before committing it, so nothing was changed",
                path=rel,
                hint="run `cqctrack recover --commit` to commit it as that command would have, "
                "or `cqctrack recover --discard` to put the file back as last committed",
            )
    if include_changes:
        return True
    raise InvalidRepository(
        "the file has changes that are not committed, so nothing was changed",
        path=rel,
        hint="commit them first (`git commit` the file) so the event is not recorded under "
        "them, discard them (`git restore` the file), pass --include-changes to commit them "
        "with the event, or pass --no-commit",
    )


def unique(snap: Snapshot, item_id: str, what: str) -> None:
    """Refuse an id that two files use (`check` reports them as id-duplicate)."""
    others = [
        f.path
        for f in snap.findings
        if f.code == "id-duplicate" and f.subject == item_id and f.path is not None
    ]
    if others:
        first = snap.source(item_id).path
        raise InvalidRepository(
            f"{what} id {item_id} is used by {len(others) + 1} files, so cqctrack cannot tell "
            "which one you mean: " + ", ".join([first, *others]),
            hint="give each its own id (see `cqctrack check`), then run the command again",
        )
