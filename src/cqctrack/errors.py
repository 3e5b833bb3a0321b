"""Errors that stop a command, each with the exit code the CLI boundary uses.

Problems found *in* tracker files are not exceptions: they are `Problem` records
(see `problems.py`) that `check` collects and reports together. The classes here
are for when a command cannot do what was asked.
"""

from __future__ import annotations

# Exit codes (documented in the README):
EXIT_OK = 0
EXIT_FOUND = 1  # ran, and found problems, or refused (e.g. a closure without evidence)
EXIT_USAGE = 2  # command-line usage error (Typer's own)
EXIT_CANNOT_RUN = 3  # not a tracker repository, unreadable file, unknown id, git trouble
EXIT_BUG = 4  # internal error: a traceback and a request to report it
EXIT_INTERRUPTED = 130


class CqcError(Exception):
    """A failure a user can act on: a message, an optional location and a hint."""

    exit_code = EXIT_CANNOT_RUN

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str | None = None,
        line: int | None = None,
        details: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path
        self.line = line
        self.details = details or []

    def location(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: "
        if self.path:
            return f"{self.path}: "
        return ""


class RepositoryNotFound(CqcError):
    """No `cqctrack.yaml` at or above the starting folder."""


class InvalidRepository(CqcError):
    """The repository's files have problems that stop this command (run `check`)."""


class UnknownId(CqcError):
    """An action, concern, measure, tracker or person id that does not exist."""


class InvalidInput(CqcError):
    """A value given on the command line that cannot be used."""

    exit_code = EXIT_USAGE


class Refused(CqcError):
    """The command understood the request but the rules forbid it; `details` says why."""

    exit_code = EXIT_FOUND


class WriteConflict(CqcError):
    """A file changed on disk between reading and writing, or another cqctrack holds the lock."""


class GitError(CqcError):
    """Git is missing, the folder is not a repository, or git refused an operation."""
