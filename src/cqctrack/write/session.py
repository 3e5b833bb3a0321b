"""Recording what happens to actions: each event checked, written safely, and committed.

A `Recorder` holds the repository lock for the whole command, reads the
repository, checks the event against the rules, edits the one file it changes
(see document.py and edits.py) and commits it with trailers. Every refusal happens
before anything is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from cqctrack import cache
from cqctrack.errors import InvalidInput, InvalidRepository, UnknownId, WriteConflict
from cqctrack.findings import Severity
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.format.policy import Policy
from cqctrack.format.records import Action, Measure
from cqctrack.format.snapshot import Snapshot
from cqctrack.store.discover import Listing, discover
from cqctrack.store.load import load
from cqctrack.write import document, guard, locks

if TYPE_CHECKING:
    from git import Repo

    from cqctrack.git.commit import Identity


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    summary: str
    commit: str | None


class Recorder:
    """One recording command's session: lock, readiness checks, snapshot, write, commit."""

    def __init__(
        self, root: Path, *, commit: bool, today: date, caches: cache.Caches | None = None
    ) -> None:
        self.root = root.resolve()
        self.caches = caches or cache.Caches(root)
        self.commit = commit
        self.today = today
        self.repo: Repo | None = None
        self.identity: Identity | None = None
        self._locks = contextlib.ExitStack()  # the file and id locks this command holds
        self.notices: list[str] = []  # for stderr: what the command found and did on the side
        self.listing: Listing
        self.snap: Snapshot

    def __enter__(self) -> Recorder:
        self._locks.__enter__()
        try:
            if self.commit:
                from cqctrack.git import commit

                self.repo = commit.open_repo(self.root)
                self.identity = commit.ready_to_commit(self.repo)
            else:
                from cqctrack.git import run
                from cqctrack.git.commit import Identity

                found = run.author_identity(self.root)
                self.identity = Identity(*found) if found else None
            self._read()
            self.notices += guard.tidy(self.root, self.commit)
            if self.snap.config is None:
                raise InvalidRepository(
                    f"{CONFIG_FILE} is invalid", hint="run `cqctrack check` to see why"
                )
        except BaseException:
            if self.repo is not None:
                self.repo.close()
            self._locks.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.repo is not None:
            self.repo.close()  # GitPython keeps git helper processes open until closed
        self._locks.__exit__(kind, err, tb)

    def _read(self) -> None:
        self.listing = discover(self.root)
        self.snap = load(self.root, self.caches, self.listing)

    def lock_file(self, rel: str) -> None:
        """Hold `rel`'s lock for the rest of the command, and read it afresh if it changed.

        Called before the file's record is used to judge the event, so the
        judgement is made on the version that will be edited.
        """
        self._locks.enter_context(locks.hold(self.root, locks.file_key(rel), what=rel))
        known = {item.rel: item.sig for item in self.listing.files}
        try:
            now = cache.signature((self.root / rel).stat())
        except OSError:
            now = None
        if known.get(rel) != now:
            self._read()
        guard.ready_to_edit(self.root, rel, commit=self.commit)

    def reserve_ids(self, tracker: str) -> None:
        """Hold the lock of a tracker's new ids, and read the repository afresh under it."""
        self._locks.enter_context(
            locks.hold(self.root, locks.ids_key(tracker), what=f"a new file in {tracker}")
        )
        self._read()

    # --- looking things up ---------------------------------------------------------

    @property
    def policy(self) -> Policy:
        assert self.snap.config is not None
        return self.snap.config.policy

    def person(self, given: str | None, option: str) -> str:
        """A person id from the register: the one given, or the one whose e-mail commits."""
        assert self.snap.config is not None
        people = self.snap.config.people
        if given is None:
            email = self.identity.email.lower() if self.identity else None
            matches = [
                pid for pid, p in people.items() if email and email in {e.lower() for e in p.emails}
            ]
            if len(matches) == 1:
                return matches[0]
            raise InvalidInput(
                f"say who is recording this with {option} PERSON",
                hint=f"your git e-mail ({email or 'none'}) is not listed for anyone under `people` "
                f"in {CONFIG_FILE}; add it there to make {option} optional",
            )
        if given not in people:
            raise UnknownId(
                f"{option} {given}: not in the people register",
                hint="people: " + ", ".join(people),
            )
        return given

    def role(self, person_id: str) -> str:
        assert self.snap.config is not None
        return self.snap.config.people[person_id].role

    def action(self, action_id: str) -> tuple[Action, str]:
        item_id = self._known(action_id, self.snap.actions, "action")
        self.lock_file(self.snap.source(item_id).path)
        item_id = self._known(action_id, self.snap.actions, "action")
        action: Action = self.snap.actions[item_id]
        return action, self.snap.source(item_id).path

    def measure(self, measure_id: str) -> tuple[Measure, str]:
        item_id = self._known(measure_id, self.snap.measures, "measure")
        self.lock_file(self.snap.source(item_id).path)
        item_id = self._known(measure_id, self.snap.measures, "measure")
        measure: Measure = self.snap.measures[item_id]
        return measure, self.snap.source(item_id).path

    def _known(self, item_id: str, found: Mapping[str, Any], what: str) -> str:
        """The id as written in the files, or why it cannot be changed."""
        item_id = item_id.strip().upper()
        if item_id in found:
            guard.unique(self.snap, item_id, what)
            return item_id
        broken = [
            p
            for p in self.snap.findings
            if p.severity is Severity.ERROR and p.path and Path(p.path).stem == item_id
        ]
        if broken:
            raise InvalidRepository(
                f"{what} {item_id} cannot be read, so it cannot be changed",
                path=broken[0].path,
                line=broken[0].line,
                details=[p.message for p in broken],
                hint="fix the file first (see `cqctrack check`)",
            )
        raise UnknownId(
            f"there is no {what} {item_id}",
            hint=f"list {what}s with `cqctrack review --all`" if what == "action" else None,
        )

    def date(self, given: date | None) -> date:
        when = given or self.today
        if when > self.today:
            raise InvalidInput(
                f"--date {when.isoformat()} is in the future",
                hint="record events on or after the day they happen",
            )
        return when

    # --- writing -------------------------------------------------------------------

    def edit(
        self,
        rel: str,
        model: type[BaseModel],
        mutate: Callable[[Any], None],
        *,
        summary: str,
        trailers: dict[str, str],
    ) -> Outcome:
        doc = document.open_document(self.root, rel, model)
        mutate(doc.data)
        return self._write(doc, summary, trailers)

    def create(
        self, rel: str, model: type[BaseModel], text: str, *, summary: str, trailers: dict[str, str]
    ) -> Outcome:
        self._locks.enter_context(locks.hold(self.root, locks.file_key(rel), what=rel))
        doc = document.new_document(self.root, rel, model, text)
        return self._write(doc, summary, trailers)

    def create_many(
        self,
        files: list[tuple[str, type[BaseModel], str]],
        *,
        summary: str,
        trailers: dict[str, str],
        progress: Callable[[int], None] | None = None,
    ) -> Outcome:
        """Create several files (path, model, text) and commit them together, or none at all.

        Every file is validated, and checked not to exist, before the first is written;
        if a write or the commit fails, the files already written are removed again.
        """
        docs = [document.Document(self.root, rel, model, None, None) for rel, model, _ in files]
        for doc, (_, _, text) in zip(docs, files, strict=True):
            document.validate(doc, text)
        for doc in docs:
            if doc.path.exists():
                raise WriteConflict(
                    "the file already exists; nothing was written",
                    path=doc.rel,
                    hint="run the command again: it picks the next free ids",
                )
        written: list[Path] = []
        try:
            for doc, (_, _, text) in zip(docs, files, strict=True):
                document.atomic_write(doc.path, text.encode("utf-8"), create=True)
                written.append(doc.path)
                if progress is not None:
                    progress(len(written))
            return self._commit(written, summary, trailers, f"{len(written)} files", undo=True)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise

    def _commit(
        self,
        paths: list[Path],
        summary: str,
        trailers: dict[str, str],
        rel: str,
        undo: bool = False,
    ) -> Outcome:
        if not self.commit or self.repo is None:
            return Outcome(rel, summary, None)
        from cqctrack.git import commit

        with locks.hold(self.root, locks.COMMIT_KEY, what="a commit in this repository"):
            sha = commit.commit(
                self.repo, self.root, paths, summary, trailers, unstage_on_failure=undo
            )
        return Outcome(rel, summary, sha)

    def _write(self, doc: document.Document, summary: str, trailers: dict[str, str]) -> Outcome:
        data = document.prepare(doc)
        if not self.commit or self.repo is None:
            document.write(doc, data)
            return Outcome(doc.rel, summary, None)
        from cqctrack.git import commit
        from cqctrack.write import pending
        from cqctrack.write.faults import write_failed

        try:
            note = pending.note(self.root, doc.rel, data, summary, trailers)
        except OSError as err:
            raise write_failed(err, doc.rel) from None
        document.write(doc, data)
        with locks.hold(self.root, locks.COMMIT_KEY, what="a commit in this repository"):
            sha = commit.commit(self.repo, self.root, [doc.path], summary, trailers)
        pending.done(note)
        return Outcome(doc.rel, summary, sha)
