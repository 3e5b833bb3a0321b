"""Evidence file references: where a `file:` may point, and whether it is there."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from stat import S_ISREG

from cqctrack.format.layout import FileCheck


def checker(root: Path) -> FileCheck:
    """A check for evidence file references: None when usable, else what is wrong.

    A reference must be a relative path to a file inside the repository: no
    absolute paths, no `..`, and no symbolic link that leads outside.
    """
    real_root = os.path.realpath(root)
    seen: dict[str, str | None] = {}

    def check(ref: str) -> str | None:
        if ref not in seen:
            seen[ref] = _evidence_problem(real_root, ref)
        return seen[ref]

    return check


def _evidence_problem(real_root: str, ref: str) -> str | None:
    # os.path on strings, not pathlib: `check` looks at thousands of references.
    if ref.startswith(("/", "~")) or "\\" in ref or (len(ref) > 1 and ref[1] == ":"):
        return "is not a path relative to the repository root"
    parts = ref.split("/")
    if ".." in parts:
        return "points outside the repository ('..' is not allowed)"
    if parts[0] == ".git":
        return "is inside .git"
    path = f"{real_root}/{ref}"
    resolved = os.path.realpath(path)
    if resolved != path and not resolved.startswith(real_root + os.sep):
        return "is a link to somewhere outside the repository"
    try:
        stat = os.stat(resolved)  # noqa: PTH116 - see above
    except FileNotFoundError:
        return "does not exist"
    except OSError:
        return "cannot be read"
    if not S_ISREG(stat.st_mode):
        return "is not a file"
    return None


def tree_checker(tree: dict[str, str], links: dict[str, str]) -> FileCheck:
    """The same check for a tree in git (`--at`): `tree` maps each file's path to its mode,
    `links` each symbolic link's path to its target."""
    seen: dict[str, str | None] = {}

    def check(ref: str) -> str | None:
        if ref not in seen:
            seen[ref] = _tree_problem(tree, links, ref)
        return seen[ref]

    return check


def _tree_problem(tree: dict[str, str], links: dict[str, str], ref: str) -> str | None:
    if ref.startswith(("/", "~")) or "\\" in ref or (len(ref) > 1 and ref[1] == ":"):
        return "is not a path relative to the repository root"
    parts = ref.split("/")
    if ".." in parts:
        return "points outside the repository ('..' is not allowed)"
    if parts[0] == ".git":
        return "is inside .git"
    for _ in range(40):  # follow links inside the tree, as the filesystem would
        if ref not in links:
            break
        target = posixpath.normpath(posixpath.join(posixpath.dirname(ref), links[ref]))
        if target.startswith("../") or target == ".." or posixpath.isabs(links[ref]):
            return "is a link to somewhere outside the repository"
        ref = target
    mode = tree.get(ref)
    if mode is None:
        prefix = ref.rstrip("/") + "/"
        return "is not a file" if any(p.startswith(prefix) for p in tree) else "does not exist"
    if mode.startswith("16"):  # a submodule
        return "is not a file"
    return None
