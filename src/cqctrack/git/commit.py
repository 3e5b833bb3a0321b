"""The write side of git: check the repository can take a commit, and commit files.

This is the one module that imports GitPython (lazily: read-only commands never
pay for it). Each recording command commits just the files it changed, authored
as the user's own git identity, with a message whose trailers (`Action: MED-003`,
`Event: extended`) say which tool made a change; `cqctrack history` reads what
changed from the file versions themselves.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cqctrack import __version__
from cqctrack.errors import GitError
from cqctrack.format.history import TRAILER

if TYPE_CHECKING:
    from git import Repo

# Files in .git that mean an operation is half done and a commit would be wrong.
_IN_PROGRESS = {
    "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase",
    "BISECT_LOG": "a bisect",
}


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    email: str


def open_repo(root: Path) -> Repo:
    from git import InvalidGitRepositoryError, NoSuchPathError, Repo

    try:
        return Repo(root, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise GitError(
            f"{root} is not in a git repository",
            hint="run `git init` (or `cqctrack init`) first, or pass --no-commit to only write the file",
        ) from None


def identity(repo: Repo) -> Identity:
    """The identity git will author commits with; refuses when it is not configured."""
    from cqctrack.git import run

    found = run.author_identity(Path(repo.working_tree_dir or "."))
    if found is None:
        raise GitError(
            "no git identity is configured, so the change cannot be attributed to you",
            hint='run `git config user.name "Your Name"` and `git config user.email you@example.org`'
            " (each change is committed in your name)",
        )
    return Identity(*found)


def ready_to_commit(repo: Repo) -> Identity:
    """Refuse when a merge, rebase or similar is in progress; return who will commit."""
    git_dir = Path(repo.git_dir)
    for marker, what in _IN_PROGRESS.items():
        if (git_dir / marker).exists():
            raise GitError(
                f"{what} is in progress in this repository",
                hint="finish or abort it first (see `git status`), or pass --no-commit",
            )
    return identity(repo)


def message(summary: str, trailers: dict[str, str]) -> str:
    lines = [summary, ""]
    lines += [f"{key}: {value}" for key, value in trailers.items()]
    lines.append(f"{TRAILER} {__version__}")
    return "\n".join(lines) + "\n"


def commit(
    repo: Repo,
    root: Path,
    paths: list[Path],
    summary: str,
    trailers: dict[str, str],
    *,
    unstage_on_failure: bool = False,
    sign: bool = False,
) -> str:
    """Commit exactly `paths` (whatever else is staged stays staged); return the commit id.

    With `unstage_on_failure` (new files the caller removes again when the commit
    fails, as an import does) the paths are taken out of the index on failure.
    `sign`: sign the commit with the user's configured key (policy signoff.proof: signed).
    """
    from git import GitCommandError

    top = Path(repo.working_tree_dir or root).resolve()
    rels = [str(p.resolve().relative_to(top)) for p in paths]
    try:
        repo.git.add("--", *rels)
        signing = ["--gpg-sign"] if sign else []
        repo.git.commit("--only", *signing, "-m", message(summary, trailers), "--", *rels)
    except GitCommandError as err:
        detail = (err.stderr or str(err)).strip().removeprefix("stderr:").strip(" '")
        if unstage_on_failure:
            with contextlib.suppress(GitCommandError):  # nothing was staged
                repo.git.rm("--cached", "-q", "--ignore-unmatch", "--", *rels)
            raise GitError(
                f"git commit failed: {detail}",
                hint="nothing was written; fix the cause and run the command again",
            ) from None
        raise GitError(
            f"git commit failed: {detail}",
            hint="the file was written but not committed; fix the cause and commit it yourself",
        ) from None
    return repo.head.commit.hexsha
