"""The last answer of a read command, given again while nothing it read has changed.

A quality lead runs `cqctrack review --overdue` and runs it again; CI runs `check` on a
commit it has checked before. When nothing the first run read has changed, the answer
cannot have: the second run prints what the first printed, byte for byte, with its
exit code, and skips everything else (typer, the models, the caches, git).

What "nothing it read" means is recorded by the first run itself, not listed here:

- the command line, the current folder, every environment variable, whether each
  standard stream is a terminal and how wide, the day, the Python and the installed
  cqctrack (every file of the package, by stat);
- every file it opened and every folder it listed (Python's audit events: `open`,
  `os.scandir`, `os.listdir`), and every file it looked at without opening
  (`cqctrack.consulted`, raised where cqctrack stats an evidence file or CODEOWNERS);
- the repository's git state: HEAD and the branch it names, packed refs, shallow,
  grafts, replacements, `.git/config`, `.gitignore` and `info/exclude`.

Each file is kept by its stat signature (size, mtime, ctime, inode, mode) and each
folder by the signatures of everything in it, so an edit, a new file, a removed one,
a commit or a checkout all mean the command runs afresh. As git does for its index,
a run that saw a file changed within a second of its start keeps no answer, since
the file may change again within the timestamps' resolution.

Only the read commands in `REPLAYABLE`, and only a run that wrote nothing outside
the cache folder, read nothing from the terminal, started nothing but git and exited
0 or 1, is kept. `--no-cache`, `--debug`, `CQCTRACK_NO_CACHE` and `CQCTRACK_NO_REPLAY`
each turn it off. The answers are sealed with the caches' key (`cqctrack.sealed`),
so nobody who can write the cache folder can make cqctrack print what it did not
find. The newest `LIMIT` answers are kept per repository.

This module is imported before anything else, by the entry point: it uses the
standard library's lightest modules and nothing of cqctrack's but `sealed` and
`store.root`.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time

from cqctrack import __version__, sealed
from cqctrack.consulted import EVENT as CONSULTED

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: typing costs more than a replay's own work
    from types import FrameType
    from typing import Any

FORMAT = 1
REPLAYABLE = frozenset({"check", "history", "review", "show", "summary"})
LIMIT = 32  # answers kept per repository
_RACY_NS = 1_000_000_000
_MAX_OUTPUT = 32 << 20
_KEPT_EXITS = (0, 1)
_PREFIX = "replay-"
# Root options that take a value: the word after them is not the command.
_VALUED = frozenset({"--repo", "-C"})
_OFF_WORDS = frozenset({"--no-cache", "--debug", "--help", "-h", "--version"})
# Switched off, or git's state is elsewhere than `.git` beside cqctrack.yaml.
_OFF_VARIABLES = (
    "CQCTRACK_NO_CACHE", "CQCTRACK_NO_REPLAY", "_CQCTRACK_COMPLETE",
    "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
)  # fmt: skip
_FALSE = frozenset({"", "0", "false", "f", "no", "n", "off"})
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_IMPORTLIB = os.path.join(os.path.dirname(os.__file__), "importlib", "")
# What a repository's git state is, beside every ref (each folder under .git/refs).
_GIT_FILES = (
    "HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "packed-refs", "shallow", "config",
    "commondir", "info/grafts", "info/exclude",
)  # fmt: skip
# Beside the repository: what else changes what git says (mailmap, ignores, settings).
_BESIDE = (".gitignore", ".mailmap", "cqctrack.yaml")
_GIT_SETTINGS = ("~/.gitconfig", "~/.config/git/config", "/etc/gitconfig")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
# Events after which an answer is not kept: the run did more than read.
_CHANGING = frozenset(
    {
        "os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.symlink", "os.link",
        "os.truncate", "os.chmod", "os.chown", "os.utime", "os.chflags", "os.lchflags",
        "os.mkfifo", "os.mknod", "shutil.copyfile", "shutil.copytree", "shutil.move",
        "shutil.rmtree", "shutil.copymode", "shutil.copystat",
    }
)  # fmt: skip
_OUTSIDE = frozenset(
    {
        "builtins.input", "getpass.getpass", "os.system", "os.exec", "os.spawn",
        "os.posix_spawn", "os.forkpty", "pty.spawn", "os.startfile", "socket.connect",
        "socket.bind", "socket.getaddrinfo", "urllib.Request", "webbrowser.open",
        "sqlite3.connect", "os.kill", "os.killpg",
    }
)  # fmt: skip
_LISTING = frozenset({"os.scandir", "os.listdir"})

Sig = tuple[int, int, int, int, int]


def command_word(args: list[str]) -> str | None:
    """The command a command line runs: the first word that is not a root option."""
    words = iter(args)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif word == "--":
            return next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def start(args: list[str]) -> Recording | None:
    """Give the kept answer and exit, when there is one and it still holds; otherwise
    the recording the run should make (None when this run's answer is not to be kept)."""
    word = command_word(args)
    if word not in REPLAYABLE or any(_set(os.environ.get(v)) for v in _OFF_VARIABLES):
        return None
    head = args[: args.index(word)]
    if _OFF_WORDS.intersection(args):
        return None
    try:
        place = _Place.find(head)
    except Exception:
        return None
    if place is None:
        return None
    kept = place.read()
    if kept is not None and _still_holds(kept[1]):
        _play(kept[2], kept[3])
    return Recording(place)


def _set(value: str | None) -> bool:
    """Whether a switch in the environment is on, as click reads a flag's variable."""
    return value is not None and value.strip().lower() not in _FALSE


class _Place:
    """Where this command line's answer is kept, and what it must have been asked with."""

    __slots__ = ("asked", "key", "root", "target")

    def __init__(self, root: str, target: str, asked: tuple[Any, ...], key: bytes) -> None:
        self.root, self.target, self.asked, self.key = root, target, asked, key

    @classmethod
    def find(cls, head: list[str]) -> _Place | None:
        from cqctrack.store.root import locate_folder

        root = locate_folder(_repo_option(head))
        git = os.path.join(root, ".git")
        if os.path.exists(git) and not os.path.isdir(git):
            return None  # a worktree or submodule: its git state lives elsewhere
        key = sealed.environment_key() or sealed.user_key()
        if key is None:
            return None
        asked = _asked(root)
        name = hashlib.blake2b(_canonical(asked), digest_size=16).hexdigest()
        target = os.path.join(sealed.folder_of(root), f"{_PREFIX}{name}{sealed.SUFFIX}")
        return cls(root, target, asked, key)

    def read(self) -> tuple[Any, ...] | None:
        kept = sealed.read(self.target, self.key)
        if not isinstance(kept, tuple) or len(kept) != 4 or kept[0] != self.asked:
            return None
        return kept


def _repo_option(head: list[str]) -> str | None:
    """`--repo`/`-C` as given before the command (the last one counts, as in click), else
    CQCTRACK_REPO."""
    found: str | None = None
    words = iter(head)
    for word in words:
        if word in _VALUED:
            found = next(words, None)
        elif word.startswith("--repo="):
            found = word[len("--repo=") :]
        elif word.startswith("-C") and len(word) > 2:
            found = word[2:]
    return found if found is not None else os.environ.get("CQCTRACK_REPO") or None


def _asked(root: str) -> tuple[Any, ...]:
    """Everything about how the command was asked that its answer may depend on."""
    terminals = []
    for fd in (0, 1, 2):
        try:
            terminals.append(tuple(os.get_terminal_size(fd)) if os.isatty(fd) else None)
        except OSError:
            terminals.append(None)
    return (
        FORMAT,
        __version__,
        sys.version,
        sys.executable,
        tuple(sys.argv[1:]),
        os.getcwd(),
        root,
        tuple(sorted(os.environ.items())),
        tuple(terminals),
        time.strftime("%Y-%m-%d"),  # the day, as date.today() has it
        _installed(),
    )


def _installed() -> bytes:
    """The installed package, every file by size and mtime: another build is another answer."""
    seen = []
    for folder, subfolders, names in os.walk(_PACKAGE):
        subfolders[:] = sorted(s for s in subfolders if s != "__pycache__")
        for name in sorted(names):
            info = os.stat(os.path.join(folder, name))
            seen.append((folder, name, info.st_size, info.st_mtime_ns))
    return hashlib.blake2b(_canonical(seen), digest_size=16).digest()


def _sig(path: str) -> Sig | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode)


def _canonical(value: Any) -> bytes:
    """The same bytes for the same plain value in every process. marshal's usual format
    marks objects that happen to be shared or interned, which differs from run to run;
    version 0 marks nothing."""
    return marshal.dumps(value, 0)


def _entries(path: str) -> list[object] | None:
    """A folder's entries: each file (or link) by name and stat signature (mode, inode,
    size, mtime, ctime; not following links); each folder by name alone, since what is
    in it counts only where the run listed it too (a folder's own times change with
    everything made in it: `.git`'s with every git command). Entries come in the order
    the system lists them, which is the same while the folder is unchanged; another
    order only means the answer is worked out again. One loop with local names: it runs
    for every file of the repository, each stat made relative to the open folder (the
    system then need not walk the whole path again for each file: 15% quicker)."""
    entries: list[object] = []
    add = entries.append
    try:
        if not _AT:
            with os.scandir(path) as found:
                for entry in found:
                    if entry.is_dir(follow_symlinks=False):
                        add(entry.name)
                    else:
                        info = entry.stat(follow_symlinks=False)
                        add((entry.name, info.st_mode, info.st_ino, info.st_size,
                             info.st_mtime_ns, info.st_ctime_ns))  # fmt: skip
            return entries
        fd = os.open(path, _FOLDER)
        try:
            stat = os.stat
            with os.scandir(fd) as found:
                for entry in found:
                    if entry.is_dir(follow_symlinks=False):
                        add(entry.name)
                    else:
                        info = stat(entry.name, dir_fd=fd, follow_symlinks=False)
                        add((entry.name, info.st_mode, info.st_ino, info.st_size,
                             info.st_mtime_ns, info.st_ctime_ns))  # fmt: skip
        finally:
            os.close(fd)
    except (OSError, ValueError):
        return None
    return entries


# Whether a folder can be listed and its files stat'ed through an open descriptor.
_AT = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def _digest(entries: list[object] | None) -> bytes | None:
    if entries is None:
        return None
    return hashlib.blake2b(_canonical(entries), digest_size=20).digest()


def _still_holds(inputs: tuple[Any, ...]) -> bool:
    files, folders = inputs
    for path, sig in files:
        if _sig(path) != sig:
            return False
    return all(_digest(_entries(path)) == digest for path, digest in folders)


def _play(output: list[tuple[int, bytes]], code: int) -> None:
    streams = {1: sys.stdout.buffer, 2: sys.stderr.buffer}
    try:
        for fd, data in output:
            if fd == 2:
                sys.stdout.buffer.flush()
            streams[fd].write(data)
            if fd == 2:
                streams[fd].flush()
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and no noise at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)


def _reader_gone(fd: int) -> bool:
    """Whether the reader of a pipe at `fd` has gone (`| head` after its lines): what the
    run wrote may not all have reached anyone, whatever the writes said."""
    try:
        import select

        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no poll here, or no such stream
        return False


class _Bytes:
    """A binary stream that keeps what is written to it."""

    def __init__(self, raw: Any, fd: int, log: Recording) -> None:
        self._raw, self._fd, self._log = raw, fd, log

    def write(self, data: Any) -> int:
        written = int(self._log.guard(self._raw.write, data))
        self._log.wrote(self._fd, bytes(data))
        return written

    def flush(self) -> None:
        self._log.guard(self._raw.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _Text:
    """A text stream that keeps what is written to it, as the bytes it becomes."""

    def __init__(self, raw: Any, fd: int, log: Recording) -> None:
        self._raw, self._fd, self._log = raw, fd, log
        self.buffer = _Bytes(raw.buffer, fd, log)

    def write(self, text: str) -> int:
        written = int(self._log.guard(self._raw.write, text))
        self._log.wrote(self._fd, text.encode(self._raw.encoding, self._raw.errors or "strict"))
        return written

    def flush(self) -> None:
        self._log.guard(self._raw.flush)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class Recording:
    """What a run reads and prints, kept as its answer if it turns out to be a pure read."""

    def __init__(self, place: _Place) -> None:
        self.place = place
        self.started = time.time_ns()
        self.cwd = os.getcwd()
        self.opened: set[str] = set()
        self.listed: set[str] = set()
        self.spoilt = False
        self.finished = False  # what finishing reads and writes is not the run's
        self.busy = False
        self.output: list[tuple[int, bytes]] = []
        self.size = 0
        self.cache_folder = os.path.join(sealed.folder_of(place.root), "")
        ignored = {sys.prefix, sys.base_prefix, sys.exec_prefix, _PACKAGE}
        self.ignored = (
            *(os.path.join(p, "") for p in ignored), self.cache_folder, "/dev/", "/proc/", "/sys/",
        )  # fmt: skip
        self.streams = (sys.stdout, sys.stderr)
        sys.stdout = _Text(sys.stdout, 1, self)
        sys.stderr = _Text(sys.stderr, 2, self)
        sys.addaudithook(self._hear)

    def guard(self, call: Any, *args: Any) -> Any:
        """Write or flush: one that fails (the reader went away: `| head`) means what was
        kept is not the whole answer, so none is kept. (A TypeError is no failure: click
        asks whether a stream takes bytes by writing b"" to it.)"""
        try:
            return call(*args)
        except (OSError, ValueError):
            self.spoilt = True
            raise

    def wrote(self, fd: int, data: bytes) -> None:
        self.size += len(data)
        if self.size > _MAX_OUTPUT:
            self.spoilt = True
            self.output = []
        elif not self.spoilt:
            self.output.append((fd, data))

    def _path(self, given: Any) -> str | None:
        if isinstance(given, int) or given is None:
            return None
        path = os.fsdecode(given)
        return os.path.normpath(os.path.join(self.cwd, path))

    def _importing(self) -> bool:
        """Whether the folder being listed is listed by Python's import system (its path
        finder, and importlib.metadata looking for installed packages, list each folder
        on sys.path, the current folder among them), not by the command."""
        # Looking at frames raises audit events of their own: not heard (`busy`).
        self.busy = True
        try:
            frame: FrameType | None = sys._getframe(2)
            for _ in range(12):
                if frame is None:
                    return False
                where = frame.f_code.co_filename
                if where.startswith("<frozen importlib") or where.startswith(_IMPORTLIB):
                    return True
                frame = frame.f_back
            return False
        finally:
            self.busy = False

    def _cached(self, path: str) -> bool:
        return (path + os.sep).startswith(self.cache_folder)

    def _hear(self, event: str, args: tuple[Any, ...]) -> None:
        # Called for every audit event of the run: the common ones leave at once, and
        # nothing here may raise (an audit hook's exception would stop the operation).
        if self.spoilt or self.finished or self.busy:
            return
        try:
            if event == "open":
                path = self._path(args[0])
                if path is None:
                    return
                flags = args[2] if isinstance(args[2], int) else 0
                if flags & _WRITE_FLAGS or (
                    isinstance(args[1], str) and set(args[1]) & set("wax+")
                ):
                    if not self._cached(path) and path != os.devnull:
                        self.spoilt = True
                elif not path.startswith(self.ignored) and not path.endswith(
                    (".py", ".pyc", ".so")
                ):
                    self.opened.add(path)
            elif event in _LISTING:
                if self._importing():
                    return  # Python looking for a module on sys.path, not the command
                path = self._path(args[0] if args else ".")
                if path is None:
                    self.spoilt = True
                elif not path.startswith(self.ignored):
                    self.listed.add(path)
            elif event == CONSULTED:
                path = self._path(args[0])
                if path is not None:
                    self.opened.add(path)
            elif event in _CHANGING:
                paths = [self._path(a) for a in args if isinstance(a, (str, bytes, os.PathLike))]
                if not paths or not all(p is not None and self._cached(p) for p in paths):
                    self.spoilt = True
            elif event == "subprocess.Popen":
                program = args[0] or (args[1][0] if args[1] else "")
                if os.path.basename(os.fsdecode(program)) != "git":
                    self.spoilt = True
            elif event in _OUTSIDE:
                self.spoilt = True
        except Exception:
            self.spoilt = True

    def finish(self, code: Any) -> None:
        """The run is over with exit `code`: keep its answer if it may be given again."""
        self.finished = True
        out, err = self.streams
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            self.spoilt = True
        sys.stdout, sys.stderr = out, err
        code = 0 if code is None else code
        if _reader_gone(1) or _reader_gone(2):
            self.spoilt = True  # `| head`: what was written was not all read
        if (
            self.spoilt
            or code not in _KEPT_EXITS
            or time.strftime("%Y-%m-%d") != self.place.asked[9]
        ):
            return
        try:
            inputs = self._inputs()
            if inputs is not None:
                answer = (self.place.asked, inputs, self.output, code)
                sealed.write(self.place.target, self.place.key, answer)
                self._prune()
        except Exception:  # keeping an answer is never worth a failure
            pass

    def _inputs(self) -> tuple[Any, ...] | None:
        root = self.place.root
        git = os.path.join(root, ".git")
        wanted = set(self.opened)
        wanted.update(os.path.join(git, name) for name in _GIT_FILES)
        wanted.update(os.path.join(root, name) for name in _BESIDE)
        wanted.update(os.path.expanduser(name) for name in _GIT_SETTINGS)
        folders = set(self.listed)
        for folder, _, _ in os.walk(os.path.join(git, "refs")):
            folders.add(folder)  # a ref's file is made anew (another inode) whenever it moves
        limit = self.started - _RACY_NS
        files = []
        for path in sorted(wanted):
            if os.path.dirname(path) in folders and not os.path.islink(path):
                continue  # its folder's listing holds its signature
            sig = _sig(path)
            if sig is not None and (sig[1] >= limit or sig[2] >= limit):
                return None  # changed as the run began: perhaps again since
            files.append((path, sig))
        listings = []
        for path in sorted(folders):
            entries = _entries(path)
            for entry in entries or ():
                if isinstance(entry, tuple) and (entry[4] >= limit or entry[5] >= limit):
                    return None
            listings.append((path, _digest(entries)))
        return (tuple(files), tuple(listings))

    def _prune(self) -> None:
        folder = os.path.dirname(self.place.target)
        kept = []
        for entry in os.scandir(folder):
            if entry.name.startswith(_PREFIX) and entry.name.endswith(sealed.SUFFIX):
                kept.append((entry.stat().st_mtime_ns, entry.path))
        for _, path in sorted(kept, reverse=True)[LIMIT:]:
            try:
                os.remove(path)
            except OSError:
                continue
