"""Facts from git history: the one place cqctrack reads the past of an action file.

Every version of an action is read with the format's own YAML dialect (the same
parser the store uses), never with a pattern over the file's text, so a due date
written in quotes, in a flow mapping or beside a comment means the same here as
it does to `check`. Two readers share one accumulator, `FileFacts`:

- `read_history(root, snap)`, for the review, summary and check: one `git log
  --raw` pass over the tracker folders and one streamed `git cat-file` of the
  action blobs it names (parsed on every core when there are many), giving per
  action when its file last changed and every due-date move. The result is cached
  with the commit it was read at; the next run reads only the commits since
  (`OLD..HEAD`), and a rewritten history is read again in full. Edits not yet
  committed are laid over it from the working tree.
- `read_versions(root, path)`, for `cqctrack history`: every committed version
  of one file, plus the working copy when it differs.

For each due-date move the facts record when an extension entry for the new date
entered the extension log: in the same commit, earlier, later or never (see
`format.history.Logged`). Whether that counts as logged is a judgement, made once
in `rules/extensions.py`.

For each dated entry (a review, an extension, the closure, a reading...) the facts
record the commit that first held it, by the entry's identity
(`format.history.entries_of_data`): who authored it and when. For each change
that a reviewer must see they record what happened and in which commit: evidence
edited or removed once the action had been closed, an evidence requirement removed
or changed, a closure edited, the file deleted. Whether any of that is a flag is
judged in `rules/governance.py`. Measures are read the same way (their readings),
and `cqctrack.yaml`'s versions are kept so the policy and register in force at any
commit can be known (`config_versions`).
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from cqctrack import cache, cores
from cqctrack.format import records
from cqctrack.format.history import (
    CLOSURE_EDITED,
    DELETED,
    EVIDENCE_EDITED,
    EVIDENCE_REMOVED,
    REQUIREMENT_CHANGED,
    REQUIREMENT_REMOVED,
    ActionHistory,
    Commit,
    DueMove,
    Logged,
    Version,
)
from cqctrack.format.layout import CONFIG_FILE, TRACKERS_DIR
from cqctrack.format.snapshot import Snapshot
from cqctrack.format.versions import (
    Key,
    More,
    Summary,
    summarise,
    summarise_blob,
    summarise_record,
)
from cqctrack.git import run

# Who made a change: (commit id or None for the working tree, ISO author date or
# None, author name, author e-mail, position in the history read or -1).
Author = tuple[str | None, str | None, str, str, int]
_WORKING: Author = (None, None, "", "", -1)

# Below this many blobs to parse, starting worker processes costs more than it saves.
PARALLEL_MIN = 2000
_NO_BLOB = "0" * 40


# --- the accumulator ---------------------------------------------------------------

# A move as cached: old, new, commit, when, author name, e-mail, logged, the
# entry that logs it, and where and when that entry was added.
_Move = list[Any]
_OLD, _NEW, _SHA, _WHEN, _NAME, _EMAIL, _LOGGED, _KEY, _LOG_SHA, _LOG_WHEN = range(10)


class FileFacts:
    """What the history of one action (or measure) file says, built one change at a time."""

    __slots__ = ("added", "events", "head", "head_blob", "last", "moves", "seen")

    def __init__(self) -> None:
        self.last: tuple[str | None, str | None] = (None, None)  # (commit, ISO date)
        self.head: Summary = None  # the latest committed version
        self.head_blob: str | None = None
        self.seen: dict[Key, tuple[str | None, str | None]] = {}  # entry -> where it was added
        self.moves: list[_Move] = []
        # Entry identity -> the commit that first held it. The author tuples are shared
        # with the log read, so the cache stores each commit once.
        self.added: dict[int, Author] = {}
        self.events: list[tuple[str, str, Author]] = []  # (what, which id, in which commit)

    def change(
        self, author: Author, before: Summary, after: Summary, deleted: bool = False
    ) -> None:
        """Add one change of the file: the version `before` it and `after` it.

        A version that cannot be read (`after` None, not `deleted`) changes nothing:
        the next change is compared with the last version that could be read, so
        fixing a broken file does not look like writing every entry anew.
        """
        sha, when = author[0], author[1]
        if after is None and not deleted:
            if sha is not None:
                self.last = (sha, when)
            return
        before_due, before_entries, before_more = before if before is not None else (None, (), None)
        after_due, after_entries, after_more = after if after is not None else (None, (), None)
        if sha is not None:
            self._note(author, before_more, after_more, deleted and before is not None)
        before_entries = before_entries or ()
        after_entries = after_entries or ()
        added = [k for k in after_entries if k not in before_entries]
        for entry in added:
            self.seen.setdefault(entry, (sha, when))
        used = {m[_KEY] for m in self.moves if m[_KEY] is not None}
        if before_due and after_due and before_due != after_due:
            move: _Move = [before_due, after_due, *author[:4], Logged.NEVER.value, None, None, None]
            if after_due > before_due:  # ISO dates compare as text
                key = next((k for k in added if k[1] == after_due and k not in used), None)
                if key is not None:
                    move[_LOGGED] = Logged.SAME_COMMIT.value
                    move[_LOG_SHA], move[_LOG_WHEN] = sha, when
                else:
                    key = next(
                        (k for k in after_entries if k[1] == after_due and k not in used), None
                    )
                    if key is not None:
                        move[_LOGGED] = Logged.EARLIER.value
                        move[_LOG_SHA], move[_LOG_WHEN] = self.seen.get(key, (None, None))
                if key is not None:
                    move[_KEY] = key
                    used.add(key)
            self.moves.append(move)
        # An entry added now may log a move made in an earlier commit.
        for entry in added:
            if entry in used:
                continue
            for move in self.moves:
                if (
                    move[_LOGGED] == Logged.NEVER.value
                    and move[_NEW] == entry[1]
                    and move[_NEW] > move[_OLD]
                    and move[_SHA] != sha
                ):
                    move[_LOGGED], move[_KEY] = Logged.LATER.value, entry
                    move[_LOG_SHA], move[_LOG_WHEN] = sha, when
                    used.add(entry)
                    break
        if sha is not None:
            self.last = (sha, when)
            self.head = after

    def _note(self, author: Author, before: More | None, after: More | None, gone: bool) -> None:
        """Record which entries this commit added, and the changes a reviewer must see."""
        if after is not None:
            known = set(before[0]) if before is not None else set()
            for key in after[0]:
                if key not in known:
                    self.added.setdefault(key, author)
        if gone:
            self.events.append((DELETED, "", author))
        if before is None or after is None:
            return
        _, _, was_closed, old_evidence, old_reqs, old_closure, old_changes = before
        events = self.events
        if was_closed:
            new_evidence = dict(after[3])
            for eid, identity in old_evidence:
                if eid not in new_evidence:
                    events.append((EVIDENCE_REMOVED, eid, author))
                elif new_evidence[eid] != identity:
                    events.append((EVIDENCE_EDITED, eid, author))
        new_reqs = dict(after[4])
        # A requirement change logged with its approver in the same commit is agreed, not
        # a requirement quietly moved after the action was agreed.
        agreed = {rid for rid, key in after[6] if (rid, key) not in set(old_changes)}
        for rid, identity in old_reqs:
            if rid in agreed:
                continue
            if rid not in new_reqs:
                events.append((REQUIREMENT_REMOVED, rid, author))
            elif new_reqs[rid] != identity:
                events.append((REQUIREMENT_CHANGED, rid, author))
        if old_closure is not None and after[5] is not None and after[5] != old_closure:
            events.append((CLOSURE_EDITED, "", author))

    def copy(self) -> FileFacts:
        other = FileFacts()
        other.last, other.head, other.head_blob = self.last, self.head, self.head_blob
        other.seen = dict(self.seen)
        other.moves = [list(m) for m in self.moves]
        other.added, other.events = self.added, self.events  # never changed by a copy
        return other

    def due_moves(self) -> tuple[DueMove, ...]:
        return tuple(_due_move(m) for m in self.moves)

    def history(self) -> ActionHistory:
        when = self.last[1]
        return ActionHistory(
            last_changed=datetime.fromisoformat(when) if when else None,
            due_moves=self.due_moves(),
            added=self.added,
            events=tuple(self.events),
        )

    # Cached as plain values (tuples, lists, dicts of text): no objects of ours.
    def to_plain(self) -> tuple[Any, ...]:
        # The head's entries are left out: an update parses that version again, and
        # every warm run reads a cache half the size.
        return (
            self.last,
            (*self.head[:2], None) if self.head is not None else None,
            self.head_blob,
            self.seen,
            self.moves,
            self.added,
            self.events,
        )

    @classmethod
    def from_plain(cls, plain: tuple[Any, ...]) -> FileFacts:
        facts = cls()
        (
            facts.last,
            facts.head,
            facts.head_blob,
            facts.seen,
            facts.moves,
            facts.added,
            facts.events,
        ) = plain
        return facts


def _due_move(m: _Move) -> DueMove:
    # Only valid ISO dates are recorded (see summarise), so fromisoformat cannot fail.
    return DueMove(
        date.fromisoformat(m[_OLD]),
        date.fromisoformat(m[_NEW]),
        m[_SHA],
        datetime.fromisoformat(m[_WHEN]) if m[_WHEN] else None,
        m[_NAME],
        m[_EMAIL],
        _LOGGED_AS[m[_LOGGED]],
        m[_LOG_SHA],
        datetime.fromisoformat(m[_LOG_WHEN]) if m[_LOG_WHEN] else None,
    )


_LOGGED_AS = {member.value: member for member in Logged}


def facts_of_versions(versions: list[Version]) -> FileFacts:
    """The accumulator fed with consecutive versions of one file (for `history`)."""
    facts = FileFacts()
    previous: Summary = None
    for seq, version in enumerate(versions):
        current = summarise(version.data) if version.error is None else None
        commit = version.commit
        author: Author = (
            (commit.sha, commit.when.isoformat(), commit.author_name, commit.author_email, seq)
            if commit is not None
            else _WORKING
        )
        deleted = version.data is None
        facts.change(author, previous, current, deleted)
        if current is not None or deleted:
            previous = current
    return facts


# --- the whole repository: what the review, summary and check read -----------------


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


_Change = tuple[str, Author, str | None, str | None]  # path, author, blob before, blob after


class Log(NamedTuple):
    """What one `git log --raw` pass says: tracker file changes, and cqctrack.yaml's versions."""

    changes: list[_Change]
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
        # Path -> the file's facts, marshalled: a warm run loads them all as bytes and
        # decodes only the files it asks about.
        self._facts: dict[str, bytes] = {}
        self._pending_keys: frozenset[str] = frozenset()
        self._pending: dict[str, list[_Change]] | None = None
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
        (
            self._cache_head,
            _,
            self._facts,
            self._pending_keys,
            self._config,
            self._configs,
            self._deleted,
            self._seq,
        ) = cached
        if self._cache_head == where.head:
            return
        if not run.succeeds(
            self._root, "merge-base", "--is-ancestor", self._cache_head, where.head
        ):
            self._rebuild()  # history was rewritten (or --at went back): read it all again
            return
        log = _read_log(self._root, where, f"{self._cache_head}..{where.head}", self._seq)
        self._take(log)
        known = [c for c in log.changes if c[0] in self._facts]
        later = [c for c in log.changes if c[0] not in self._facts]
        if later:
            pending = self._pending_changes()
            if pending is None:
                return  # the pending cache was lost, so everything was read again
            for change in later:
                pending.setdefault(change[0], []).append(change)
            self._pending_keys = frozenset(pending)
        if known:
            self._apply(known)
        self._save()

    def _take(self, log: Log) -> None:
        self._config += log.config
        self._seq = log.seq
        for path, author, _, after in log.changes:
            if after is None:
                self._deleted[path] = author
            else:
                self._deleted.pop(path, None)

    def _rebuild(self) -> None:
        """Read the whole log: every file's changes pending until a command asks about it."""
        self._facts, self._pending = {}, {}
        self._config, self._configs, self._deleted, self._seq = [], {}, {}, 0
        early, self._early = self._early, None
        log = early.take() if early is not None and early.head == self._where.head else None
        if log is None:
            log = _read_log(self._root, self._where, self._where.head, 0)
        self._take(log)
        for change in log.changes:
            self._pending.setdefault(change[0], []).append(change)
        self._pending_keys = frozenset(self._pending)
        self._save()

    def _pending_changes(self) -> dict[str, list[_Change]] | None:
        """The changes of files not yet worked out; None if they had to be read afresh."""
        if self._pending is None:
            cached = self._caches.read(f"{self._slot}-pending", _valid_pending)
            if cached is None or cached[:2] != (self._cache_head, self._where.trackers):
                self._rebuild()
                return None
            self._pending = cached[2]
        return self._pending

    def _save(self) -> None:
        where = self._where
        self._cache_head = where.head
        self._caches.write(
            self._slot,
            (
                where.head,
                where.trackers,
                self._facts,
                self._pending_keys,
                self._config,
                self._configs,
                self._deleted,
                self._seq,
            ),
        )
        if self._pending is not None:
            self._caches.write(f"{self._slot}-pending", (where.head, where.trackers, self._pending))

    def _apply(self, changes: list[_Change]) -> None:
        """Work the changes (oldest first) into the files' facts, reading only blobs needed.

        Each file's facts depend on its own changes alone, so files are worked out on
        every core when there are many, each worker streaming its own blobs from git and
        sending back only the packed facts: nothing holds every version's summary at once
        (at 100,000 actions, 450,000 of them).
        """
        by_path: dict[str, list[_Change]] = {}
        for change in changes:
            by_path.setdefault(change[0], []).append(change)
        jobs = [(path, self._facts.get(path), mine) for path, mine in by_path.items()]
        known = self._snap.summaries
        for path, packed in _work_out(self._root, jobs, known):
            self._facts[path] = packed
        if known:  # worked in: not held any longer (at 100,000 actions, tens of MB)
            for _, _, _, after in changes:
                known.pop(after, None)  # type: ignore[arg-type]

    def prefetch(self, item_ids: Iterable[str]) -> None:
        """Work out the facts of these actions in one pass (one `cat-file`, every core)."""
        paths = [self._path(i) for i in item_ids]
        if not any(p in self._pending_keys for p in paths):
            return
        pending = self._pending_changes() or self._pending
        assert pending is not None
        keys = [p for p in paths if p is not None and p in pending]
        changes = [c for key in keys for c in pending.pop(key)]
        self._apply(changes)
        self._pending_keys = frozenset(pending)
        self._save()

    # --- cqctrack.yaml and deleted files --------------------------------------------

    def config_versions(self) -> list[tuple[Author, Any]]:
        """Every committed version of cqctrack.yaml, oldest first: (commit, plain validated
        config, or None where that version is missing or invalid). Parsed once per blob."""
        missing = [b for _, b in self._config if b is not None and b not in self._configs]
        if missing:
            for blob, content in run.cat_blobs(self._root, missing):
                self._configs[blob] = _plain_config(content)
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
        facts = _unpack(self._facts[key])
        action = self._snap.actions.get(item_id)
        if action is not None:
            current = summarise_record(action)
            head = facts.head
            if head is None or current != head[:2]:  # edited in the working tree since
                facts = facts.copy()
                more = head[2] if head is not None else None
                facts.change(_WORKING, head, (*current, more))
        found = self._made[item_id] = facts.history()
        return found

    def __iter__(self) -> Iterator[str]:
        return (item_id for item_id in self._snap.actions if self._key(item_id) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def config_history(
    root: Path, caches: cache.Caches, rev: str = "HEAD", sha: str | None = None
) -> list[tuple[Author, Any]]:
    """Every version of cqctrack.yaml committed up to `rev`, for commands that read one
    file's history (`cqctrack history`): as `RepoHistory.config_versions`, read on its own.

    The list is kept for the commit `rev` names (`config-history`), so a `history` of one
    action after another does not walk the whole log again (0.16 s at 100,000 actions)."""
    if sha is None:  # the commit `rev` names, unless the caller knows it
        sha = run.run(root, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False).strip()
    kept = caches.read("config-history", lambda v: len(v) == 2 and isinstance(v[1], list))
    if sha and kept is not None and kept[0] == sha:
        versions = kept[1]
    else:
        versions = _config_log(root, rev)
        if sha:
            caches.write("config-history", (sha, versions))
    known = caches.read("configs", lambda v: isinstance(v, dict)) or {}
    missing = [b for _, b in versions if b is not None and b not in known]
    if missing:
        for blob, content in run.cat_blobs(root, missing):
            known[blob] = _plain_config(content)
        caches.write("configs", known)
    return [(author, known.get(b) if b else None) for author, b in versions]


def _config_log(root: Path, rev: str) -> list[tuple[Author, str | None]]:
    text = run.run(
        root,
        "log",
        "--reverse",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        f"--format={run.RS}%H{run.FS}%aI{run.FS}%an{run.FS}%ae",
        rev,
        "--",
        CONFIG_FILE,
    )
    versions: list[tuple[Author, str | None]] = []
    for seq, record in enumerate(text.split(run.RS)[1:]):
        header, _, body = record.partition("\n")
        sha, when, name, email = header.split(run.FS)
        blob = None
        for line in body.split("\n"):
            if line.startswith(":"):
                after = line.partition("\t")[0].split()[3]
                blob = None if after == _NO_BLOB else after
        versions.append(((sha, when, name, email, seq), blob))
    return versions


def _unpack(blob: bytes) -> FileFacts:
    return FileFacts.from_plain(marshal.loads(blob))


def _plain_config(content: bytes) -> Any:
    from cqctrack.format import dialect

    try:
        data = dialect.parse(content)
    except dialect.YamlProblem:
        return None
    try:
        config = records.decode("config", data)
    except Exception:  # pydantic's ValidationError, or data of the wrong shape
        return None
    return records.plain("config", config)


def _valid_main(value: Any) -> bool:
    return (
        len(value) == 8
        and isinstance(value[2], dict)
        and isinstance(value[3], frozenset)
        and isinstance(value[7], int)
    )


def _valid_pending(value: Any) -> bool:
    return len(value) == 3 and isinstance(value[2], dict)


class NoHistory(dict[str, ActionHistory]):
    """Outside git: no facts, and nothing to fetch."""

    prefix = ""

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

    def __init__(self, root: Path, where: Scope) -> None:
        self.root, self.where, self.head = root, where, where.head
        self.log: Log | None = None

    def __call__(self) -> None:
        self.log = _read_log(self.root, self.where, self.head, 0)

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
    return EarlyLog(root, where)


_TRACKED = ("/actions/", "/measures/")


def _read_log(root: Path, where: Scope, revisions: str, seq: int) -> Log:
    config = f"{where.prefix}/{CONFIG_FILE}" if where.prefix != "." else CONFIG_FILE
    # Each commit's header and its changes (path, blob before, blob after), newest first.
    commits: list[tuple[str, list[tuple[str, str | None, str | None]]]] = []
    # Line by line as git writes them: at 100,000 actions the log is 150 MB of text.
    # Newest first, reversed here: `git log --reverse` holds the whole walk in memory
    # first (737 MB at 100,000 actions); so does git's cache of delta bases, by default
    # up to 96 MiB (32 MiB: 0.48 s and 85 MB at 10,000 actions, against 0.60 s and 161 MB).
    for line in run.lines(
        root,
        "log",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        f"--format={run.RS}%H{run.FS}%aI{run.FS}%an{run.FS}%ae",
        revisions,
        "--",
        # Pathspecs are relative to the folder git runs in (the tracker repository);
        # the paths git prints are relative to the top of the work tree.
        TRACKERS_DIR,
        CONFIG_FILE,
        settings=("core.deltaBaseCacheLimit=32m",),
    ):
        if line.startswith(run.RS):
            commits.append((line[1:].rstrip("\n"), []))
        elif line.startswith(":") and commits:
            meta, _, path = line.rstrip("\n").partition("\t")
            fields = meta.split()
            before = None if fields[2] == _NO_BLOB else fields[2]
            after = None if fields[3] == _NO_BLOB else fields[3]
            commits[-1][1].append((path, before, after))
    out: list[_Change] = []
    versions: list[tuple[Author, str | None]] = []
    for header, changes in reversed(commits):
        sha, when, name, email = header.split(run.FS)
        author: Author = (sha, when, name, email, seq)
        seq += 1
        for path, before, after in changes:
            if path == config:
                versions.append((author, after))
            elif path.endswith(".yaml") and any(part in path for part in _TRACKED):
                out.append((path, author, before, after))
    return Log(out, versions, seq)


_Job = tuple[str, bytes | None, list[_Change]]  # path, its packed facts so far, its changes


def _work_out(root: Path, jobs: list[_Job], known: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    """Each file's packed facts after its changes, on every core when there are many.

    `known`: summaries already made of some versions (the store's, of the files it parsed
    this run, by blob id), so those versions are neither read from git nor parsed again."""
    workers = cores.workers()
    reads = sum(len(changes) for _, _, changes in jobs)
    if reads < PARALLEL_MIN or workers < 2 or len(jobs) < 2:
        return _work_files(str(root), jobs, known)
    # Shares of about the same number of versions to read, each file whole in one, and
    # each with the summaries known of its own versions.
    share, count = -(-reads // workers), 0
    shares: list[list[_Job]] = [[]]
    for job in jobs:
        if count >= share:
            shares.append([])
            count = 0
        shares[-1].append(job)
        count += len(job[2])
    args = [(str(root), part, _known_in(part, known)) for part in shares]
    return [found for part in cores.spread(_work_files, args) for found in part]


def _known_in(jobs: list[_Job], known: Mapping[str, bytes]) -> dict[str, bytes]:
    if not known:
        return {}
    return {
        blob: known[blob]
        for _, _, changes in jobs
        for _, _, _, blob in changes
        if blob is not None and blob in known
    }


def _work_files(root: str, jobs: list[_Job], known: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    """Work each file's changes into its facts, streaming the versions from git in the
    order they are needed: each version is parsed once (a change's "before" is the
    previous change's "after", unless history branched), and only the last is kept.
    A version whose summary is `known` is taken from there, unread."""
    wanted: list[str] = []
    for _, _, changes in jobs:
        last = None
        for _, _, before, after in changes:
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
    for path, packed, changes in jobs:
        facts = _unpack(packed) if packed is not None else FileFacts()
        last, last_summary = None, None
        for _, author, before, after in changes:
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


# --- one file: what `cqctrack history` reads ------------------------------------------

_GS = "\x1d"  # ends a commit header, before the file names --name-status lists


def read_versions(root: Path, spec: str, rev: str = "HEAD") -> list[Version]:
    """Every version of the files matching `spec` committed up to `rev`, oldest first."""
    log = run.run(
        root,
        "log",
        "--reverse",
        f"--format={run.RS}{run.COMMIT_FORMAT}{_GS}",
        "--name-status",
        "--no-renames",
        rev,
        "--",
        spec,
    )
    found: list[tuple[Commit, str, bool]] = []
    for record in log.split(run.RS)[1:]:
        header, _, names = record.partition(_GS)
        commit = run.parse_commit(header)
        for line in names.strip().splitlines():
            status, _, path = line.partition("\t")
            found.append((commit, path, status.startswith("D")))
    wanted = [f"{c.sha}:{p}" for c, p, deleted in found if not deleted]
    blobs = dict(run.cat_blobs(root, wanted))
    out = []
    for commit, path, deleted in found:
        if deleted:
            out.append(Version(commit, path, None))
            continue
        out.append(parse_version(commit, path, blobs.get(f"{commit.sha}:{path}", b"")))
    return out


def parse_version(commit: Commit | None, path: str, content: bytes) -> Version:
    from cqctrack.format import dialect

    try:
        data = dialect.parse(content)
    except dialect.YamlProblem as err:
        return Version(commit, path, {}, error=err.message)
    return Version(commit, path, data if isinstance(data, dict) else {}, None)
