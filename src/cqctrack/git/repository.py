"""The whole repository's git history: what the review, summary and check read.

`read_history(root, snap)` gives the facts (git/facts.py) of every action and measure
in a snapshot, by id. One `git log --raw` pass over the tracker folders says which
blobs each change of each file involved; the blobs are streamed with `git cat-file`
and parsed on every core, only for the files a command asks about (`prefetch` takes
many at once), and the versions the store parsed this run are not parsed again. The
result is cached with the commit it was read at; the next run reads only the commits
since (`OLD..HEAD`), and a rewritten history is read again in full. Edits not yet
committed are laid over it from the working tree. A first run reads the log while the
store parses the files (`early_log`).
"""

from __future__ import annotations

import itertools
import marshal
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from cqctrack import cache, cores
from cqctrack.format.history import ActionHistory
from cqctrack.format.layout import CONFIG_FILE, TRACKERS_DIR
from cqctrack.format.snapshot import Snapshot
from cqctrack.format.versions import Summary, summarise_blob, summarise_record
from cqctrack.git import run
from cqctrack.git.changes import RECORD, Changes
from cqctrack.git.facts import (
    NO_BLOB,
    WORKING,
    Author,
    FileFacts,
    plain_config,
    unpack,
)

# Below this many blobs to parse, starting worker processes costs more than it saves.
PARALLEL_MIN = 2000
# At most this many versions are worked out in one share: a share sends back its facts at
# once, unpickled here beside what this process holds (at 100,000 actions, 540,000
# versions in two shares peaked at 528 MiB, in eight at 485). Each share streams its own
# blobs from git, which inflates their delta bases again (at 10,000 actions, eight shares
# took 0.45 s longer than two).
SHARE_MAX = 75_000


class Scope(NamedTuple):
    """Where the trackers sit in the git work tree, and whether its history is whole."""

    top: Path
    prefix: str  # the tracker repository's folder within the work tree, "." at the top
    head: str
    shallow: bool = False
    edge: frozenset[str] = frozenset()  # where a shallow history stops
    altered: str | None = None  # grafts or replacement objects, if any

    @property
    def trackers(self) -> str:
        return f"{self.prefix}/{TRACKERS_DIR}" if self.prefix != "." else TRACKERS_DIR

    @property
    def incomplete(self) -> str | None:
        """Why git's history here is not the whole record, in words; None when it is."""
        if self.shallow:
            stops = ", ".join(sorted(sha[:8] for sha in self.edge)) or "?"
            return f"this clone's git history is shallow (it stops at commit {stops})"
        if self.altered:
            return f"this repository's git history is altered by {self.altered}"
        return None


def scope(root: Path) -> Scope | None:
    """The git work tree holding `root` and its HEAD, or None outside git (or before a commit)."""
    where = run.toplevel_and_head(root)
    if where.top is None or where.head is None:
        return None
    prefix = root.resolve().relative_to(where.top.resolve()).as_posix()
    return Scope(where.top, prefix, where.head, where.shallow, where.edge, where.altered)


class Log(NamedTuple):
    """What one `git log --raw` pass says: tracker file changes, and cqctrack.yaml's versions."""

    changes: Changes
    config: list[tuple[Author, str | None]]  # (commit, blob of cqctrack.yaml or None if gone)
    seq: int  # the next commit's position


class RepoHistory(Mapping[str, ActionHistory]):
    """Facts by action (or measure) id, worked out on first use and cached, with uncommitted
    edits laid over.

    One `git log --raw` pass says which blobs every change of every action and measure
    file involved; the blobs themselves are read and parsed only for the files a
    command asks about (`prefetch` takes many at once), so `review --overdue`
    reads the history of the overdue actions, not of all of them. What has been
    worked out is cached with the commit it was read at: `facts` per file, and
    the changes of files not yet asked about in a second cache file (`pending`)
    that a warm run never opens. The same pass keeps every version of
    `cqctrack.yaml` (see `config_versions`) and which files were deleted.
    """

    def __init__(
        self,
        root: Path,
        where: Scope,
        snap: Snapshot,
        caches: cache.Caches,
        slot: str = "history",
        early: EarlyLog | None = None,
    ) -> None:
        self._root = root
        self._early = early
        self._where = where
        self._snap = snap
        self._caches = caches
        self._slot = slot  # `--at` keeps its own, so going back never spoils today's
        self._prefix = "" if where.prefix == "." else where.prefix + "/"
        self._made: dict[str, ActionHistory] = {}
        # Whether each action's history, once made, is kept for the next use. `check`
        # judges every action once or twice and turns this off: at 100,000 actions the
        # histories held were 83 MiB of its peak, remaking them costs 0.8 s.
        self.keep = True
        # Path -> the file's facts, marshalled: a warm run loads them all as bytes and
        # decodes only the files it asks about.
        self._facts: dict[str, bytes] = {}
        # The files whose changes are not yet worked out. Their changes are in the pending
        # cache, which may also hold changes of files worked out since (they are ignored),
        # and in `_pending` while held here; `_pending_kept` when that cache holds them all.
        self._pending_keys: frozenset[str] = frozenset()
        self._pending: Changes | None = None
        self._pending_kept = False
        # The commit the pending cache was written at: older than the facts' when the
        # commits since changed none of the files it holds.
        self._pending_head = where.head
        self._config: list[tuple[Author, str | None]] = []
        self._configs: dict[str, Any] = {}  # blob -> plain validated config, or None
        self._deleted: dict[str, Author] = {}  # path -> the commit that deleted it
        self._seq = 0
        self._cache_head = where.head
        self._load()

    # --- reading and keeping the cache ---------------------------------------------

    def _load(self) -> None:
        where = self._where
        cached = self._caches.read(self._slot, _valid_main)
        if cached is None or cached[1] != where.trackers:
            self._rebuild()
            return
        self._cache_head = cached[0]
        for name, value in zip(_KEPT, cached[2:], strict=True):
            setattr(self, name, value)
        if self._cache_head == where.head:
            return
        if not run.succeeds(
            self._root, "merge-base", "--is-ancestor", self._cache_head, where.head
        ):
            self._rebuild()  # history was rewritten (or --at went back): read it all again
            return
        log = _read_log(self._root, where, f"{self._cache_head}..{where.head}", self._seq)
        self._take(log)
        facts, changes = self._facts, log.changes
        known = changes.only(path for path in changes.packed if path in facts)
        later = changes.only(path for path in changes.packed if path not in facts)
        if later:
            pending = self._pending_changes()
            if pending is None:
                return  # the pending cache was lost, so everything was read again
            self._pending_keys = self._pending_keys | set(later.packed)
            pending.add(later)
        if known:
            self._apply(known)
        self._save()

    def _take(self, log: Log) -> None:
        self._config += log.config
        self._seq = log.seq
        changes = log.changes
        for path in changes.packed:
            author, removed = changes.last(path)
            if removed:
                self._deleted[path] = author
            else:
                self._deleted.pop(path, None)

    def _rebuild(self) -> None:
        """Read the whole log: every file's changes pending until a command asks about it."""
        self._facts = {}
        self._config, self._configs, self._deleted, self._seq = [], {}, {}, 0
        early, self._early = self._early, None
        log = early.take() if early is not None and early.where.head == self._where.head else None
        if log is None:
            log = _read_log(self._root, self._where, self._where.head, 0, self._caches.scratch())
        self._take(log)
        self._pending = log.changes
        self._pending_keys = frozenset(log.changes.packed)
        self._save()

    def _pending_changes(self) -> Changes | None:
        """The changes of files not yet worked out; None if they had to be read afresh."""
        if self._pending is None:
            cached = self._caches.read(f"{self._slot}-pending", _valid_pending)
            if cached is None or cached[:2] != (self._pending_head, self._where.trackers):
                self._rebuild()
                return None
            self._pending = Changes(list(cached[2]), cached[3])
            self._pending_kept = True
        return self._pending

    def _save(self) -> None:
        where = self._where
        self._cache_head = where.head
        if self._pending is not None:  # written below, after the facts that name it
            self._pending_head = where.head
        kept = tuple(getattr(self, name) for name in _KEPT)
        self._caches.write(self._slot, (where.head, where.trackers, *kept), in_parts=True)
        if self._pending is not None:
            stored = (where.head, where.trackers, *self._pending.stored(self._pending_keys))
            self._pending_kept = self._caches.write(f"{self._slot}-pending", stored, in_parts=True)

    def _apply(self, changes: Changes) -> None:
        """Work the changes into the files' facts, reading only blobs needed.

        Each file's facts depend on its own changes alone, so files are worked out on
        every core when there are many, each worker unpacking its own files' changes,
        streaming their blobs from git and sending back only the packed facts: nothing
        holds every change as values (at 100,000 actions, 540,000 of them, 110 MiB more
        in this process and in each worker it forks) nor every version's summary at once
        (450,000 of them).
        """
        jobs = [(path, self._facts.get(path)) for path in changes.packed]
        known = self._snap.summaries
        for path, packed in _work_out(self._root, jobs, changes, known):
            self._facts[path] = packed
        if known:  # worked in: not held any longer (at 100,000 actions, tens of MB)
            for after in changes.afters():
                known.pop(after, None)

    def prefetch(self, item_ids: Iterable[str]) -> None:
        """Work out the facts of these actions in one pass (one `cat-file`, every core)."""
        paths = [self._path(i) for i in item_ids]
        if not any(p in self._pending_keys for p in paths):
            return
        pending = self._pending_changes() or self._pending
        assert pending is not None
        keys = {p for p in paths if p is not None and p in self._pending_keys}
        changes = pending.take(keys)
        self._pending_keys = self._pending_keys - keys
        if self._pending_kept:
            # The cache holds the changes still pending (and these, ignored once worked out):
            # not held while they are (at 100,000 actions, 90 MiB the workers would inherit).
            self._pending = None
        self._apply(changes)
        self._save()

    # --- cqctrack.yaml and deleted files --------------------------------------------

    def config_versions(self) -> list[tuple[Author, Any]]:
        """Every committed version of cqctrack.yaml, oldest first: (commit, plain validated
        config, or None where that version is missing or invalid). Parsed once per blob."""
        missing = [b for _, b in self._config if b is not None and b not in self._configs]
        if missing:
            for blob, content in run.cat_blobs(self._root, missing):
                self._configs[blob] = plain_config(content)
            for blob in missing:
                self._configs.setdefault(blob, None)
            self._save()
        return [(author, self._configs.get(b) if b else None) for author, b in self._config]

    def deleted(self) -> dict[str, Author]:
        """Action files whose last change was their deletion: path (in the work tree) ->
        the commit that deleted it."""
        return {
            path: author
            for path, author in self._deleted.items()
            if "/actions/" in path and path.startswith(self._prefix)
        }

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def head(self) -> str:
        """The commit these facts were read at."""
        return self._where.head

    # --- the mapping -------------------------------------------------------------

    def _path(self, item_id: str) -> str | None:
        source = self._snap.sources.get(item_id)
        if source is None or (
            item_id not in self._snap.actions and item_id not in self._snap.measures
        ):
            return None
        return self._prefix + source.path

    def _key(self, item_id: str) -> str | None:
        key = self._path(item_id)
        return (
            key if key is not None and (key in self._facts or key in self._pending_keys) else None
        )

    def __getitem__(self, item_id: str) -> ActionHistory:
        found = self._made.get(item_id)
        if found is not None:
            return found
        key = self._key(item_id)
        if key is None:
            raise KeyError(item_id)
        if key not in self._facts:
            self.prefetch([item_id])
        facts = unpack(self._facts[key], share=self.keep)
        actions = self._snap.actions
        # Peeked, not kept: a command that judges every action once holds none of them.
        action = actions.peek(item_id) if item_id in actions else None
        if action is not None:
            current = summarise_record(action)
            head = facts.head
            if head is None or current != head[:2]:  # edited in the working tree since
                facts = facts.copy()
                more = head[2] if head is not None else None
                facts.change(WORKING, head, (*current, more))
        found = facts.history()
        if self.keep:
            self._made[item_id] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return (item_id for item_id in self._snap.actions if self._key(item_id) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


# What the history cache keeps, in order, after the commit and the trackers' tree id it
# was read at: the one statement of its layout, for writing (`_save`) and reading (`_load`).
# `_facts` last: it is written in parts (at 100,000 actions, up to 100 MB).
_KEPT = ("_pending_keys", "_pending_head", "_config", "_configs", "_deleted", "_seq", "_facts")


def _valid_main(value: Any) -> bool:
    if len(value) != 2 + len(_KEPT):
        return False
    kept = dict(zip(_KEPT, value[2:], strict=True))
    return (
        isinstance(kept["_facts"], dict)
        and isinstance(kept["_pending_keys"], frozenset)
        and isinstance(kept["_pending_head"], str)
        and isinstance(kept["_seq"], int)
    )


def _valid_pending(value: Any) -> bool:
    return (
        len(value) == 4
        and isinstance(value[2], tuple)
        and isinstance(value[3], dict)
        and all(
            isinstance(packed, bytes) and len(packed) % RECORD.size == 0
            for packed in itertools.islice(value[3].values(), 1)
        )
    )


class NoHistory(dict[str, ActionHistory]):
    """Outside git: no facts, and nothing to fetch."""

    prefix = ""
    keep = True  # as RepoHistory's: here there is nothing to keep

    def prefetch(self, item_ids: Iterable[str]) -> None:
        return None

    def config_versions(self) -> list[tuple[Author, Any]]:
        return []

    def deleted(self) -> dict[str, Author]:
        return {}


History = RepoHistory | NoHistory


def read_history(
    root: Path,
    snap: Snapshot,
    caches: cache.Caches,
    where: Scope | None = None,
    slot: str = "history",
    early: EarlyLog | None = None,
) -> History:
    """Facts for the actions and measures in `snap`, by id; empty when `root` is not in git.
    `early`: the whole log, if it was read already (see `early_log`)."""
    where = where or scope(root)
    if where is None:
        return NoHistory()
    return RepoHistory(root, where, snap, caches, slot, early)


class EarlyLog:
    """The whole log, to be read while the store parses the files (`load(meanwhile=)`):
    a first run needs both, and git and this process then work beside the parse."""

    def __init__(self, root: Path, where: Scope, spill: Path | None = None) -> None:
        self.root, self.where, self.spill = root, where, spill
        self.log: Log | None = None

    def __call__(self) -> None:
        self.log = _read_log(self.root, self.where, self.where.head, 0, self.spill)

    def take(self) -> Log | None:
        """The log read, if it was, handed over: no longer held here."""
        log, self.log = self.log, None
        return log


def early_log(
    root: Path, where: Scope | None, caches: cache.Caches, slot: str = "history"
) -> EarlyLog | None:
    """An `EarlyLog` when the history will be read from the start (no cache of it was
    written), else None: a run with a cache reads only the commits since."""
    if where is None or caches.has(slot):
        return None
    return EarlyLog(root, where, caches.scratch())


_TRACKED = ("/actions/", "/measures/")


def _read_log(root: Path, where: Scope, revisions: str, seq: int, spill: Path | None = None) -> Log:
    """What git's log says of the tracker files over `revisions` (the whole history to
    `where.head`, or `since..head`); `seq` is the position the first commit read takes.
    `spill`: where a temporary file may be written (see `_log_lines`)."""
    config = f"{where.prefix}/{CONFIG_FILE}" if where.prefix != "." else CONFIG_FILE
    headers: list[str] = []  # each commit's, newest first: a record's number is its place
    packed: dict[str, bytearray] = {}
    configs: list[tuple[int, str | None]] = []  # (commit's place, blob of cqctrack.yaml)
    lines, limited = _log_lines(root, where, revisions, spill)
    under = f"{TRACKERS_DIR}/"
    touched = limited  # limited to the trackers by git, every commit shown touches them
    number = b""
    for line in lines:
        if line.startswith(run.RS):
            if headers and not touched:
                headers.pop()  # the commit before touched neither trackers nor config
            number = len(headers).to_bytes(4, "big")
            headers.append(line[1:].rstrip("\n"))
            touched = limited
        elif line.startswith(":") and headers:
            meta, _, path = line.rstrip("\n").partition("\t")
            inside = limited or path.startswith(under) or path == TRACKERS_DIR
            if path != config and not (
                inside and path.endswith(".yaml") and any(part in path for part in _TRACKED)
            ):
                touched = touched or inside
                continue
            touched = True
            fields = meta.split()
            if path == config:
                configs.append((len(headers) - 1, None if fields[3] == NO_BLOB else fields[3]))
                continue
            records = packed.get(path)
            if records is None:
                records = packed[path] = bytearray()
            records += number
            records += bytes.fromhex(fields[2] + fields[3])
    if headers and not touched:
        headers.pop()
    count = len(headers)
    commits: list[Author] = [WORKING] * count  # by place; each header let go once read
    people: dict[str, str] = {}
    while headers:
        place = len(headers) - 1
        sha, when, name, email = headers.pop().split(run.FS)
        commits[place] = (
            sha, when, people.setdefault(name, name), people.setdefault(email, email),
            seq + count - 1 - place,
        )  # fmt: skip
    versions = [(commits[place], blob) for place, blob in reversed(configs)]
    return Log(Changes(commits, packed), versions, seq + count)


# A log this long (commits) is read by two git processes at once, each half of it.
SPLIT_MIN = 2_000
_LOG = (
    "--raw",
    "--no-renames",
    "--no-abbrev",
    f"--format={run.RS}%H{run.FS}%aI{run.FS}%an{run.FS}%ae",
)
# Line by line as git writes them: at 100,000 actions the log is 150 MB of text. Newest
# first, reversed by the caller: `git log --reverse` holds the whole walk in memory first
# (737 MB at 100,000 actions); so does git's cache of delta bases, by default up to
# 96 MiB (32 MiB: 0.48 s and 85 MB at 10,000 actions, against 0.60 s and 161 MB).
_SETTINGS = ("core.deltaBaseCacheLimit=32m",)


def _log_lines(
    root: Path, where: Scope, revisions: str, spill: Path | None = None
) -> tuple[Iterator[str], bool]:
    """`git log --raw` over `revisions`, newest first, line by line; and whether git
    limited it to the trackers and cqctrack.yaml (else every commit is in it, and the
    caller keeps those that touch them).

    Limited to those paths, git also decides for each commit whether it touches them
    before it writes its changes: at 100,000 actions a third of the time (33 s against
    26 s). So the whole history of a tracker repository at the top of its work tree, when
    it is one line of commits (no merges, so git's history simplification has nothing to
    simplify), is read unlimited, and when it is long, by two git processes at once
    (`run.lines_in_two`): 13 s each at 100,000 actions, beside each other. A long
    history with merges is read limited, in two as well. The second half is written
    meanwhile to a temporary file in `spill`: the cache folder, so that a run whose
    answer is kept for replay writes nowhere else.
    """
    spec = ("--", TRACKERS_DIR, CONFIG_FILE)
    if where.prefix != "." or ".." in revisions:
        # Pathspecs are relative to the folder git runs in (the tracker repository);
        # the paths git prints are relative to the top of the work tree.
        return run.lines(root, "log", *_LOG, revisions, *spec, settings=_SETTINGS), True
    walk = run.run(root, "rev-list", "--parents", revisions).splitlines()
    # With a merge, git's own choice of commits (its history simplification) is kept.
    merged = any(line.count(" ") > 1 for line in walk)
    log = (*_LOG, revisions, *(spec if merged else ()))
    if len(walk) >= SPLIT_MIN and cores.workers() >= 2:
        # Limited, the second process still asks of each commit it skips whether it
        # touches the trackers: 23 s for both at 100,000 actions, against 33 s for one.
        return run.lines_in_two(root, log, len(walk) // 2, _SETTINGS, spill), merged
    return run.lines(root, "log", *log, settings=_SETTINGS), merged


_Job = tuple[str, bytes | None]  # path, its packed facts so far


def _work_out(
    root: Path, jobs: list[_Job], changes: Changes, known: Mapping[str, bytes]
) -> list[tuple[str, bytes]]:
    """Each file's packed facts after its `changes`, on every core when there are many.

    `known`: summaries already made of some versions (the store's, of the files it parsed
    this run, by blob id), so those versions are neither read from git nor parsed again.
    Each worker unpacks only its own files' changes."""
    workers = cores.workers()
    reads = changes.count()
    if reads < PARALLEL_MIN or workers < 2 or len(jobs) < 2:
        return _work_files(str(root), jobs, changes, known)
    # Shares of about the same number of versions to read, each file whole in one, and
    # none over SHARE_MAX: a share's facts come back at once.
    number = max(workers, -(-reads // SHARE_MAX))
    share, count = -(-reads // number), 0
    shares: list[list[_Job]] = [[]]
    for job in jobs:
        if count >= share:
            shares.append([])
            count = 0
        shares[-1].append(job)
        count += changes.count(job[0])
    parts = [changes.only(path for path, _ in part) for part in shares]
    # Forked, the workers share `known` as it is; spawned, each is sent its own versions'.
    fork = cores.can_fork()
    args = [
        (str(root), part, mine, known if fork else _known_in(mine, known))
        for part, mine in zip(shares, parts, strict=True)
    ]
    # Each worker parses versions with the dialect: imported once here, not in each.
    needs = ("cqctrack.format.dialect",)
    return [found for part in cores.spread(_work_files, args, needs=needs) for found in part]


def _known_in(changes: Changes, known: Mapping[str, bytes]) -> dict[str, bytes]:
    if not known:
        return {}
    return {
        blob: known[blob]
        for path in changes.packed
        for _, _, before, after in changes.of(path)
        for blob in (before, after)
        if blob is not None and blob in known
    }


def _work_files(
    root: str, jobs: list[_Job], changes: Changes, known: Mapping[str, bytes]
) -> list[tuple[str, bytes]]:
    """Work each file's changes into its facts, streaming the versions from git in the
    order they are needed: each version is parsed once (a change's "before" is the
    previous change's "after", unless history branched), and only the last is kept.
    A version whose summary is `known` is taken from there, unread. Each file's changes
    are unpacked when it is worked out (and once before, to say which blobs to stream),
    so no more than one file's are held as values."""
    wanted: list[str] = []
    for path, _ in jobs:
        last = None
        for _, _, before, after in changes.of(path):
            if before and before != last and before not in known:
                wanted.append(before)
            if after and after not in known:
                wanted.append(after)
            last = after
    stream = run.cat_each(Path(root), wanted)

    def summary_of(blob: str) -> Summary:
        made = known.get(blob)
        if made is not None:
            found: Summary = marshal.loads(made)
            return found
        content = next(stream)[1]
        return None if content is None else summarise_blob(content)

    out = []
    for path, packed in jobs:
        facts = unpack(packed, share=False) if packed is not None else FileFacts()
        last, last_summary = None, None
        for _, author, before, after in changes.of(path):
            prior: Summary = None
            if before:
                prior = last_summary if before == last else summary_of(before)
                if prior is None and before == facts.head_blob:
                    prior = facts.head  # unreadable: compare with the last version read
            current = summary_of(after) if after else None
            facts.change(author, prior, current, deleted=after is None)
            facts.head_blob = after
            last, last_summary = after, current
        out.append((path, marshal.dumps(facts.to_plain())))
    for _ in stream:  # never left unread (it would be a bug), but let git finish
        pass
    return out
