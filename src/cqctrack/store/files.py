"""Evidence file references: where a `file:` may point, and whether it is there."""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISREG

from cqctrack.consulted import consulted
from cqctrack.format.layout import FileCheck


def checker(root: Path) -> FileCheck:
    """A check for evidence file references: None when usable, else what is wrong.

    A reference must be a relative path to a file inside the repository: no
    absolute paths, no `..`, and no symbolic link that leads outside.
    """
    real_root = os.path.realpath(root)
    seen: dict[str, str | None] = {}
    folders: dict[str, str] = {}

    def check(ref: str) -> str | None:
        if ref not in seen:
            seen[ref] = _evidence_problem(real_root, ref, folders)
        return seen[ref]

    return check


def realpath(path: str, folders: dict[str, str]) -> str:
    """`os.path.realpath(path)`, resolving each folder once in `folders` (folder -> its real
    path): the evidence of 100,000 actions lies in a few thousand folders, and resolving
    every component of every path again took a system call for each (8 for a file of the
    bench repository), this one or two."""
    head, tail = os.path.split(path)
    if tail in ("", ".", ".."):
        return os.path.realpath(path)
    real_head = folders.get(head)
    if real_head is None:
        real_head = folders[head] = os.path.realpath(head)
    found = os.path.join(real_head, tail)  # noqa: PTH118 - strings for speed
    # The last component resolved as realpath would: a link is followed (its folder is
    # real already), anything else, there or not, is itself.
    return os.path.realpath(found) if os.path.islink(found) else found  # noqa: PTH114


def _evidence_problem(real_root: str, ref: str, folders: dict[str, str]) -> str | None:
    # os.path on strings, not pathlib: `check` looks at thousands of references.
    if any(ord(c) < 32 or c == "\x7f" for c in ref):
        return "contains a control character, which no file name should"
    if ref.startswith(("/", "~")) or "\\" in ref or (len(ref) > 1 and ref[1] == ":"):
        return "is not a path relative to the repository root"
    parts = ref.split("/")
    if ".." in parts:
        return "points outside the repository ('..' is not allowed)"
    if parts[0] == ".git":
        return "is inside .git"
    path = f"{real_root}/{ref}"
    consulted(path)
    resolved = realpath(path, folders)
    if resolved != path and not resolved.startswith(real_root + os.sep):
        return "is a link to somewhere outside the repository"
    try:
        consulted(resolved)
        info = os.stat(resolved)  # noqa: PTH116 - see above
    except FileNotFoundError:
        return "does not exist"
    except (OSError, ValueError):
        return "cannot be read"
    if not S_ISREG(info.st_mode):
        return f"is {what_is(info.st_mode)}, not a file"
    return None


# --- reading tracker files safely ------------------------------------------------------


class Unreadable(Exception):
    """A tracker file cqctrack will not read: what it is and the finding code for it."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def what_is(mode: int) -> str:
    """'a named pipe (FIFO)', 'a character device' ...: what a non-regular file is."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def outside(real_root: str, path: str, folders: dict[str, str] | None = None) -> bool:
    """Whether `path` (inside the repository by name) leads outside it through a link.
    `folders`: folders resolved already (see `realpath`)."""
    resolved = os.path.realpath(path) if folders is None else realpath(path, folders)
    return resolved != path and not resolved.startswith(real_root + os.sep)


def read_regular(
    path: str, limit: int, real_root: str | None = None, folders: dict[str, str] | None = None
) -> bytes:
    """The bytes of a regular file, at most `limit` of them; `Unreadable` for anything else.

    Opened without blocking, so a named pipe never hangs the command, and checked
    on the open handle, so a file swapped for a device after it was listed is
    still refused; a link leading outside the repository is refused before it is
    opened. The read itself stops after `limit + 1` bytes, so a file that grows
    (or a device that never ends) cannot fill memory.
    """
    if real_root is not None and outside(real_root, path, folders):
        raise Unreadable(
            "file-outside-repository",
            "the file is a symbolic link to somewhere outside the repository",
            hint="keep tracker files inside the repository; replace the link with the file",
        )
    try:
        fd = os.open(path, _FLAGS)
    except ValueError:  # a NUL in the name
        raise Unreadable("file-unreadable", "cannot read the file: its name is invalid") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(
                "file-not-regular",
                f"the file is {what_is(info.st_mode)}, not a regular file",
                hint="tracker files must be ordinary files; remove it or replace it with one",
            )
        if info.st_size > limit:
            raise Unreadable(
                "file-too-large",
                f"the file is {info.st_size:,} bytes; the limit is {limit:,}",
                hint="split long logs or move long text into an evidence document",
            )
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# --- text the personal-data scan reads -------------------------------------------------

# Evidence files read as text for the personal-data scan; other kinds (PDF, images,
# spreadsheets) are not text cqctrack can read, and are left to the provider's own checks.
TEXT_SUFFIXES = (".md", ".txt", ".csv", ".tsv", ".yaml", ".yml", ".json", ".html", ".htm")
TEXT_LIMIT = 1024 * 1024
DENY_LIST = "info/cqctrack-deny-names"  # inside .git: a file there can never be committed


def evidence_texts(root: Path, refs: Iterable[str]) -> dict[str, str]:
    """The text of each of these evidence files that is text we read, for the scan, by
    reference (other files, and those that cannot be read, are left out)."""
    real_root = os.path.realpath(root)
    folders: dict[str, str] = {}
    texts: dict[str, str] = {}
    for ref in refs:
        if not ref.lower().endswith(TEXT_SUFFIXES):
            continue
        try:
            data = read_regular(f"{real_root}/{ref}", TEXT_LIMIT, real_root, folders)
        except (OSError, Unreadable):
            continue
        texts[ref] = data.decode("utf-8", "replace")
    return texts


def deny_list_path(root: Path) -> Path:
    return root / ".git" / DENY_LIST


def deny_list_text(path: Path | None) -> str:
    """The deny-list's text ('' when there is none)."""
    if path is None:
        return ""
    try:
        return read_regular(str(path), TEXT_LIMIT).decode("utf-8", "replace")
    except (OSError, Unreadable):
        return ""


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
