"""Which tracker repository a command works on: the one answer, for the CLI and the replay.

Light on purpose (strings and `os.path`; pathlib only for the CLI's wrappers): the replay
of an unchanged answer (`cqctrack.replay`) finds the repository before anything heavier
is imported.
"""

from __future__ import annotations

import os

from cqctrack.errors import InvalidInput, RepositoryNotFound
from cqctrack.format.layout import CONFIG_FILE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def locate_folder(repo: str | None) -> str:
    """The repository `--repo` names (its folder, or a folder inside it), else the one
    holding the current folder."""
    if repo is not None:
        path = os.path.expanduser(repo)
        if not os.path.exists(path):
            raise InvalidInput(f"--repo {repo}: no such folder")
        if os.path.isfile(os.path.join(path, CONFIG_FILE)):
            return os.path.realpath(path)
        return root_of(path)
    return root_of(os.getcwd())


def root_of(start: str) -> str:
    """The nearest folder at or above `start` that holds `cqctrack.yaml`."""
    start = os.path.realpath(start)
    folder = start
    while True:
        config = os.path.join(folder, CONFIG_FILE)
        if os.path.isfile(config):
            return folder
        if os.path.lexists(config):
            from cqctrack.store.files import what_is

            what = what_is(os.stat(config).st_mode) if os.path.exists(config) else "a broken link"
            raise RepositoryNotFound(
                f"{config} is {what}, not a regular file, so cqctrack will not read it",
                hint=f"replace it with an ordinary {CONFIG_FILE}",
            )
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    raise RepositoryNotFound(
        f"no {CONFIG_FILE} in {start} or any folder above it",
        hint="run the command inside a tracker repository, pass --repo PATH, "
        "or create one with `cqctrack init`",
    )


def locate(repo: Path | None) -> Path:
    """`locate_folder`, as a Path."""
    from pathlib import Path

    return Path(locate_folder(None if repo is None else str(repo)))
