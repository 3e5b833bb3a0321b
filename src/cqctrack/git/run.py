"""Running git: find the repository, run commands, stream blobs, parse log records.

The read side runs the `git` executable directly with `subprocess`: importing
GitPython costs 0.11-0.18 s, most of the weekly review's budget, and its commit
walking is far too slow for whole-repository history. GitPython is used where it
earns its import: the write side (`git/commit.py`), which commits.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from cqctrack.errors import GitError
from cqctrack.format.history import Commit

# Field and record separators for --format: never in names, e-mails or hashes.
FS = "\x1f"
RS = "\x1e"


COMMIT_FORMAT = FS.join(["%H", "%aI", "%an", "%ae", "%ce", "%s", "%b"])


def parse_commit(header: str) -> Commit:
    sha, when, name, email, committer, subject, body = header.split(FS, 6)
    return Commit(
        sha=sha,
        when=datetime.fromisoformat(when),
        author_name=name,
        author_email=email,
        committer_email=committer,
        subject=subject,
        body=body.strip(),
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Plain, stable output whatever the user's configuration says.
    env.update({"GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    return env


# Set for every git cqctrack runs: paths printed as they are, and at most 256 MiB of pack
# files mapped at once, in 64 MiB windows. git maps a whole pack by default, and reading
# the history of 100,000 actions touches nearly all of a 455 MB one: half the log, read by
# one of two processes, peaked at 430 and 560 MiB resident, and at 312 and 323 MiB with
# these limits, in about the same time (two runs each, the halves' times summed: 28.1 and
# 28.5 s, against 26.8 and 27.8; in a pack as git writes it for a clone or `git gc`).
# Blobs asked for in no particular order cost more so (`cat-file` of 198,255 of them: 12 s
# and 165 MiB against 7 s and 560 MiB), and a pack laid out as `git fast-import` leaves
# it, each day's trees beside its blobs, is slower read so (33.6 s against 18.6 for the
# newer half of the log): `git repack -a -d` lays it out as git does.
_ALWAYS = ("core.quotepath=off", "core.packedGitLimit=256m", "core.packedGitWindowSize=64m")


def _argv(root: Path, *args: str, settings: tuple[str, ...] = ()) -> list[str]:
    """`git -C root args...` with the settings every run has (`_ALWAYS`) and `settings`
    (name=value), each given to git's -c."""
    configured = [f for setting in (*_ALWAYS, *settings) for f in ("-c", setting)]
    return ["git", "-C", str(root), *configured, *args]


def _no_git() -> GitError:
    return GitError("git is not installed or not on PATH", hint="install git and try again")


def run(root: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> str:
    """Run `git -C root args...` and return stdout as text (UTF-8, replacement on errors)."""
    try:
        done = subprocess.run(
            _argv(root, *args),
            input=stdin,
            capture_output=True,
            env=_env(),
            check=False,
        )
    except FileNotFoundError:
        raise _no_git() from None
    if done.returncode != 0:
        failure = _failed(root, args[0], done.stderr)
        if check:
            raise failure
    return done.stdout.decode("utf-8", "replace")


def _failed(root: Path, command: str, stderr: bytes) -> GitError:
    """The error a failed `git command` is, from what it wrote on stderr (a repository git
    refuses as dubiously owned is refused here, with its own hint)."""
    message = stderr.decode("utf-8", "replace").strip() or f"git {command} failed"
    refuse_dubious(root, message)
    return GitError(f"git {command}: {message}")


def lines(root: Path, *args: str, settings: tuple[str, ...] = ()) -> Iterator[str]:
    """`git -C root args...`'s output line by line (UTF-8, replacement on errors), as git
    writes it: a long `git log` is never held whole. `settings` are `name=value` pairs
    for git's `-c`. Raises GitError, after the last line, when git fails."""
    import threading

    try:
        proc = subprocess.Popen(
            _argv(root, *args, settings=settings),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )  # fmt: skip
    except FileNotFoundError:
        raise _no_git() from None
    assert proc.stdout is not None and proc.stderr is not None
    errors: list[bytes] = []
    # Drained beside the output, so neither pipe can fill and stop git.
    drain = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    drain.start()
    with proc.stdout:
        for raw in proc.stdout:
            yield raw.decode("utf-8", "replace")
    drain.join()
    proc.stderr.close()
    if proc.wait() != 0:
        raise _failed(root, args[0], b"".join(errors))


def lines_in_two(
    root: Path,
    log: tuple[str, ...],
    at: int,
    settings: tuple[str, ...] = (),
    spill: Path | None = None,
) -> Iterator[str]:
    """What `lines(root, "log", *log)` gives, from two git processes working at once.

    The first gives the newest `at` commits (`--max-count`) and is read as it writes; the
    second skips them (`--skip`) and writes the rest to a temporary file in `spill` (by
    default the system's) meanwhile, read after. Both walk the same history in the same
    order, so the two parts are the whole log, in order, whatever its shape. Raises
    GitError when either fails."""
    import tempfile

    with tempfile.TemporaryFile(dir=spill) as rest, tempfile.TemporaryFile(dir=spill) as problems:
        try:
            older = subprocess.Popen(
                _argv(root, "log", f"--skip={at}", *log, settings=settings),
                stdin=subprocess.DEVNULL, stdout=rest, stderr=problems, env=_env(),
            )  # fmt: skip
        except FileNotFoundError:
            raise _no_git() from None
        try:
            yield from lines(root, "log", f"--max-count={at}", *log, settings=settings)
            if older.wait() != 0:
                problems.seek(0)
                raise _failed(root, "log", problems.read())
            rest.seek(0)
            for raw in rest:
                yield raw.decode("utf-8", "replace")
        finally:
            if older.returncode is None:  # given up on before the end
                older.kill()
                older.wait()


def vouched_ids(root: Path, *pathspecs: str) -> dict[str, str]:
    """For each file under `pathspecs` whose working copy git vouches for, its git blob id,
    by path relative to `root`: what a fresh clone (or a checkout) gives for free, so its
    files need not be read to know their content.

    Git vouches for a file its index holds (stage 0, neither assume-unchanged nor
    skip-worktree) that `git diff-files` finds unchanged; git checks what stat cannot
    settle by content, as it does for every `git status`. A file git converts on checkout
    (line endings, filters) is vouched for too, though its bytes are not the blob's: the
    caller must tell (see store/load.py `_same_content`). Empty outside git, or when git
    cannot say.
    """
    # `diff-files` looks at every file (0.3 s at 100,000): it runs while the index is
    # listed, and is waited for only then.
    try:
        differ = subprocess.Popen(
            _argv(root, "diff-files", "--name-only", "--relative", "-z", "--", *pathspecs),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=_env(),
        )  # fmt: skip
    except FileNotFoundError:
        return {}
    try:
        return _vouched(root, differ, pathspecs)
    finally:
        if differ.returncode is None:
            differ.kill()
            differ.communicate()


def _vouched(
    root: Path, differ: subprocess.Popen[bytes], pathspecs: tuple[str, ...]
) -> dict[str, str]:
    try:
        listed = run(root, "ls-files", "--stage", "-v", "-z", "--", *pathspecs)
    except GitError:
        return {}
    found: dict[str, str] = {}
    for record in listed.split("\0"):
        meta, _, path = record.partition("\t")
        fields = meta.split(" ")
        # tag, mode, blob, stage; "H" is an ordinary cached file ("h": assume-unchanged,
        # "S": skip-worktree, whose working copies git does not look at).
        if len(fields) == 4 and fields[0] == "H" and fields[3] == "0":
            found[path] = fields[2]
    changed, _ = differ.communicate()
    if differ.returncode != 0 or not found:
        return {}
    for path in changed.decode("utf-8", "replace").split("\0"):
        found.pop(path, None)
    return found


def vouched_by_git(root: Path) -> Callable[[], dict[str, str]]:
    """`vouched_ids` for a repository's tracker files, asked for only when needed."""
    from cqctrack.format.layout import CONFIG_FILE, TRACKERS_DIR

    return lambda: vouched_ids(root, TRACKERS_DIR, CONFIG_FILE)


class RefusedRepository(GitError):
    """Git will not read this repository at all (another user's, "dubious ownership")."""


def refuse_dubious(root: Path, message: str) -> None:
    """Git will not read a repository owned by someone else ("dubious ownership"): say so
    plainly, rather than carry on as if there were no history."""
    if "dubious ownership" in message:
        raise RefusedRepository(
            f"git refuses to read the repository at {root}: it belongs to another user "
            "(git's safe.directory protection), so its history cannot be read",
            hint=f"if you trust it, run `git config --global --add safe.directory {root}` "
            "(or run cqctrack as the repository's owner)",
        )


def cat_blobs(root: Path, specs: list[str]) -> Iterator[tuple[str, bytes]]:
    """(spec, content) for each blob `git cat-file --batch` finds, streamed in order."""
    for spec, content in cat_each(root, specs):
        if content is not None:
            yield spec, content


def cat_each(root: Path, specs: list[str]) -> Iterator[tuple[str, bytes | None]]:
    """(spec, content) for every spec in order, content None where git has no such blob.

    `specs` are blob ids or `commit:path`. A thread feeds the names while this one
    reads, so neither pipe can fill and block the other, and memory holds one blob
    at a time (450,000 of them at 100,000 actions).
    """
    if not specs:
        return
    import threading

    proc = subprocess.Popen(
        _argv(root, "cat-file", "--batch"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    stdin, stdout = proc.stdin, proc.stdout
    assert stdin is not None and stdout is not None

    def feed() -> None:
        with stdin:
            stdin.write("".join(f"{spec}\n" for spec in specs).encode())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for spec in specs:
            header = stdout.readline().split()
            if len(header) == 3 and header[1] == b"blob":
                yield spec, stdout.read(int(header[2]) + 1)[:-1]
            elif len(header) == 3:
                stdout.read(int(header[2]) + 1)  # not a blob: skipped, as its contents
                yield spec, None
            else:
                yield spec, None
    finally:
        writer.join()
        stdout.close()
        proc.wait()


def succeeds(root: Path, *args: str) -> bool:
    """Whether `git args...` exits 0 (for yes-or-no questions such as --is-ancestor)."""
    try:
        done = subprocess.run(_argv(root, *args), capture_output=True, env=_env(), check=False)
    except FileNotFoundError:
        return False
    return done.returncode == 0


def toplevel(root: Path) -> Path | None:
    """The work tree containing `root`, or None when it is not in a git repository."""
    try:
        out = run(root, "rev-parse", "--show-toplevel", check=False).strip()
    except RefusedRepository:
        raise
    except GitError:
        return None
    return Path(out) if out else None


class Where(NamedTuple):
    """What one `git rev-parse` says about the repository holding `root`."""

    top: Path | None  # the work tree; None outside git
    head: str | None  # the commit HEAD names; None before the first commit
    shallow: bool = False  # a shallow clone: history stops at `edge`
    edge: frozenset[str] = frozenset()  # the commits where a shallow history stops
    altered: str | None = None  # grafts or replacement objects rewrite history: which


def toplevel_and_head(root: Path) -> Where:
    """The work tree containing `root`, the commit HEAD names and whether the history is
    whole, in one call to git (plus a look at two files)."""
    try:
        out = run(
            root,
            "rev-parse",
            "--show-toplevel",
            "--is-shallow-repository",
            "--git-path",
            "info/grafts",
            "--git-path",
            "shallow",
            "--git-path",
            "refs/replace",
            "--verify",
            "-q",
            "HEAD",
            check=False,
        )
    except RefusedRepository:
        raise
    except GitError:
        return Where(None, None)
    lines = out.splitlines()
    if len(lines) < 5 or not lines[0]:
        return Where(None, None)
    top = Path(lines[0])
    head = lines[5].strip() if len(lines) > 5 and lines[5].strip() else None
    if head is not None and len(head) != 40:
        # Every reader takes a commit or blob id to be 40 hex digits, git's SHA-1 (asked of
        # HEAD's id, not of `--show-object-format`, which older gits do not know).
        raise RefusedRepository(
            f"the git repository at {top} names its objects with ids of {len(head)} hex "
            "digits (SHA-256), and cqctrack reads only repositories with git's usual SHA-1 ids",
            hint="keep the trackers in a repository made with a plain `git init` "
            "(git's default object format)",
        )

    def path(rel: str) -> Path:
        found = Path(rel)
        return found if found.is_absolute() else root / found

    shallow = lines[1].strip() == "true"
    edge: frozenset[str] = frozenset()
    if shallow:
        try:
            edge = frozenset(path(lines[3]).read_text().split())
        except OSError:
            edge = frozenset()
    altered = None
    grafts = path(lines[2])
    if grafts.is_file() and grafts.read_text().strip():
        altered = f"grafts in {grafts}"
    elif path(lines[4]).is_dir() and any(path(lines[4]).iterdir()):
        altered = "replacement objects (refs/replace)"
    return Where(top, head, shallow, edge, altered)


def head(root: Path) -> str | None:
    out = run(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip()
    return out or None


def update_commit_graph(root: Path) -> None:
    """Keep git's commit-graph, with changed-path Bloom filters, up to date.

    Path-limited `git log` then skips commits that cannot touch the path (0.27 s
    instead of 5 s per action at 100,000 actions). Writing is incremental: a few
    milliseconds when nothing is new, about a second the first time at 10,000
    actions. It is what `git maintenance` does; a repository git will not let us
    write to is simply left as it is.
    """
    run(
        root,
        "commit-graph",
        "write",
        "--reachable",
        "--changed-paths",
        "--split",
        "--no-progress",
        check=False,
    )


def author_day(root: Path) -> date | None:
    """The day git would date a commit made now (honouring GIT_AUTHOR_DATE), in its own
    time zone; None when git cannot say (no identity configured)."""
    try:
        ident = run(root, "var", "GIT_AUTHOR_IDENT", check=False).strip()
    except RefusedRepository:
        raise
    except GitError:
        return None
    parts = ident.rsplit(" ", 2)
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    stamp, zone = int(parts[1]), parts[2]
    try:
        sign = -1 if zone.startswith("-") else 1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    except ValueError:
        offset = timedelta(0)
    return datetime.fromtimestamp(stamp, timezone(offset)).date()


def author_identity(root: Path) -> tuple[str, str] | None:
    """(name, e-mail) git would author a commit with here, or None when not configured.

    Asks git itself (`git var GIT_AUTHOR_IDENT`), so every source git honours
    counts: repository, global and system configuration, and GIT_AUTHOR_* variables.
    """
    try:
        ident = run(root, "var", "GIT_AUTHOR_IDENT", check=False).strip()
    except RefusedRepository:
        raise
    except GitError:
        return None
    name, _, rest = ident.partition(" <")
    email = rest.partition(">")[0]
    if not name.strip() or not email.strip():
        return None
    return name.strip(), email.strip()


def uncommitted(root: Path, *paths: str) -> bool:
    """Whether any of `paths` (under `root`) differ from HEAD or are untracked."""
    out = run(root, "status", "--porcelain", "--untracked-files=normal", "--", *paths, check=False)
    return bool(out.strip())
