"""Which tracker repository a command works on: the one answer, for the CLI and the replay.

Light on purpose (nothing but the standard library, the errors and the layout): the
replay of an unchanged answer (`cqctrack.replay`) finds the repository before
anything heavier is imported.
"""

from __future__ import annotations

from pathlib import Path

from cqctrack.errors import InvalidInput, RepositoryNotFound
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.store.files import what_is


def locate(repo: Path | None) -> Path:
    """The repository `--repo` names (its folder, or a folder inside it), else the one
    holding the current folder."""
    if repo is not None:
        path = repo.expanduser()
        if not path.exists():
            raise InvalidInput(f"--repo {repo}: no such folder")
        return path.resolve() if (path / CONFIG_FILE).is_file() else find_root(path)
    return find_root(Path.cwd())


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `cqctrack.yaml`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        config = folder / CONFIG_FILE
        if config.is_file():
            return folder
        if config.exists() or config.is_symlink():
            raise RepositoryNotFound(
                f"{config} is {what_is(config.stat().st_mode) if config.exists() else 'a broken link'}, "
                "not a regular file, so cqctrack will not read it",
                hint=f"replace it with an ordinary {CONFIG_FILE}",
            )
    raise RepositoryNotFound(
        f"no {CONFIG_FILE} in {start} or any folder above it",
        hint="run the command inside a tracker repository, pass --repo PATH, "
        "or create one with `cqctrack init`",
    )
