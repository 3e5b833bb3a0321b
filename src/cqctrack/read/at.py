"""The tracker at any date: the repository as committed at a moment, read from git objects.

`--at DATE|REV` on `review`, `summary`, `check` and `history` answers an inspector's
"what did your tracker show on 1 September?". A date means the last commit on the
current branch's first-parent line committed by the end of that day (what the branch
said then, not a side branch merged later); a revision is any commit git knows. The
files are listed with `git ls-tree` and read with `git cat-file` (nothing is checked
out, the working tree is not touched), parsed and validated exactly as files on disk
are (`store.load.load_tree`), and judged as of that date with the git history up to
that commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from cqctrack import cache
from cqctrack.errors import GitError, InvalidInput
from cqctrack.format.layout import FileCheck
from cqctrack.format.snapshot import Snapshot
from cqctrack.format.vocab import iso_date
from cqctrack.git import repository, run
from cqctrack.store import discover, files, load


class At(NamedTuple):
    """A moment in the repository's history: its commit and the day to judge it as of."""

    sha: str
    day: date
    asked: str  # as given: a date or a revision

    @property
    def label(self) -> str:
        return f"{self.asked} ({self.sha[:8]})"


def resolve(root: Path, asked: str) -> At:
    """The commit `--at` names: a date (the last commit on the branch by the end of that
    day) or a revision (any commit), and the day it is judged as of."""
    text = asked.strip()
    day = iso_date(text)
    if day is not None:
        sha = run.run(
            root,
            "rev-list",
            "-1",
            "--first-parent",
            f"--before={day.isoformat()} 23:59:59",
            "HEAD",
            check=False,
        ).strip()
        if not sha:
            raise InvalidInput(
                f"--at {text}: nothing was committed on this branch by the end of that day",
                hint="give a later date, or a commit (`git log --reverse` lists the first)",
            )
        return At(sha, day, text)
    sha = run.run(root, "rev-parse", "--verify", "-q", f"{text}^{{commit}}", check=False).strip()
    if not sha:
        raise InvalidInput(
            f"--at {text}: not a date (YYYY-MM-DD) nor a commit git knows",
            hint="give a date such as 2026-09-01, or a commit id, tag or branch",
        )
    when = run.run(root, "log", "-1", "--format=%cs", sha).strip()
    return At(sha, date.fromisoformat(when), text)


class Tree(NamedTuple):
    """The tracker repository's files in one commit."""

    blobs: dict[str, str]  # path (relative to the tracker repository) -> blob id
    modes: dict[str, str]  # path -> git's file mode
    links: dict[str, str]  # symbolic link path -> its target

    def read(self, root: Path, paths: list[str]) -> dict[str, bytes]:
        wanted = [self.blobs[p] for p in paths if p in self.blobs]
        found = dict(run.cat_blobs(root, wanted))
        return {p: found[self.blobs[p]] for p in paths if self.blobs.get(p) in found}


def tree(root: Path, sha: str) -> Tree:
    """Every file of the tracker repository (the folder git runs in) in commit `sha`."""
    out = run.run(root, "ls-tree", "-r", "-z", sha)
    blobs: dict[str, str] = {}
    modes: dict[str, str] = {}
    for record in out.split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, kind, obj = meta.split()
        modes[path] = mode
        if kind == "blob":
            blobs[path] = obj
    link_paths = [p for p, m in modes.items() if m == "120000"]
    links: dict[str, str] = {}
    if link_paths:
        contents = dict(run.cat_blobs(root, [blobs[p] for p in link_paths]))
        links = {p: contents.get(blobs[p], b"").decode("utf-8", "replace") for p in link_paths}
    return Tree(blobs, modes, links)


def snapshot(root: Path, at: At, caches: cache.Caches) -> tuple[Snapshot, FileCheck, Tree]:
    """The repository as committed at `at`: its records and findings, a check for evidence
    files against that tree, and the tree (to read a file's text, e.g. for lines)."""
    found = tree(root, at.sha)
    items, findings = discover.from_paths(list(found.blobs))
    listed = [(rel, kind, slug, found.blobs[rel]) for rel, kind, slug in items]

    def contents(blobs: list[str]) -> Iterator[tuple[str, bytes]]:
        return run.cat_blobs(root, blobs)

    snap = load.load_tree(root, listed, findings, contents, caches)
    return snap, files.tree_checker(found.modes, found.links), found


def scope(root: Path, at: At) -> repository.Scope:
    """Where the trackers sit, with history read up to `at`'s commit."""
    where = repository.scope(root)
    if where is None:
        raise GitError(
            f"--at {at.asked}: {root} is not in a git repository",
            hint="--at reads the trackers as committed; there is nothing committed here",
        )
    return where._replace(head=at.sha)
