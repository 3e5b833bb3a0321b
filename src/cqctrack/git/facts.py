"""Facts from git history: the one place cqctrack reads the past of an action file.

Every version of an action is read with the format's own YAML dialect (the same
parser the store uses), never with a pattern over the file's text, so a due date
written in quotes, in a flow mapping or beside a comment means the same here as
it does to `check`. Two readers share one accumulator, `FileFacts`, kept here:

- `git/repository.py`'s `read_history(root, snap)`, for the review, summary and
  check: the facts of every action and measure, from one pass over the whole log,
  cached and worked out on every core.
- `read_versions(root, path)` here, for `cqctrack history`: every committed version
  of one file, plus the working copy when it differs (`facts_of_versions`), and
  `config_history`, every version of cqctrack.yaml.

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
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cqctrack import cache
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
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.format.versions import (
    Key,
    More,
    Summary,
    summarise,
)
from cqctrack.git import run

# Who made a change: (commit id or None for the working tree, ISO author date or
# None, author name, author e-mail, position in the history read or -1).
Author = tuple[str | None, str | None, str, str, int]
WORKING: Author = (None, None, "", "", -1)

NO_BLOB = "0" * 40


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
            else WORKING
        )
        deleted = version.data is None
        facts.change(author, previous, current, deleted)
        if current is not None or deleted:
            previous = current
    return facts


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
            known[blob] = plain_config(content)
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
                blob = None if after == NO_BLOB else after
        versions.append(((sha, when, name, email, seq), blob))
    return versions


def unpack(blob: bytes, share: bool = True) -> FileFacts:
    """A file's facts from their packed (cached) form.

    `share`: each commit that first held an entry is one tuple however many files name
    it; each file unpacked on its own would hold its own copy. At 10,000 actions 60,000
    entries name 15,000 commits: every action's facts held 23 MiB with a copy each, 12 MiB
    shared. For facts not held once used, sharing would only hold every commit met (at
    100,000 actions, 55 MiB once `check` had read every action's)."""
    facts = FileFacts.from_plain(marshal.loads(blob))
    if facts.added and share:
        shared = _COMMITS.setdefault
        facts.added = {key: shared(who, who) for key, who in facts.added.items()}
    return facts


_COMMITS: dict[Author, Author] = {}


def plain_config(content: bytes) -> Any:
    """One version of cqctrack.yaml as a plain validated config, or None if it is invalid."""
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
