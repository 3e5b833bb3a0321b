"""Evidence file references: where a `file:` may point, and whether it is there."""

from __future__ import annotations

import os
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
