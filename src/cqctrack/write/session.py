"""Recording what happens to actions: each event checked, written safely, and committed.

A `Recorder` holds the repository lock for the whole command, reads the
repository, checks the event against the rules, edits the one file it changes
(see document.py and edits.py) and commits it with trailers. Every refusal happens
before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from cqctrack import cache
from cqctrack.errors import InvalidInput, InvalidRepository, Refused, UnknownId
from cqctrack.findings import Severity
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.format.policy import Policy
from cqctrack.format.records import Action, Measure
from cqctrack.format.snapshot import Snapshot
from cqctrack.store.load import load
from cqctrack.write import document

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
        self,
        root: Path,
        *,
        commit: bool,
        today: date,
        caches: cache.Caches | None = None,
        include_changes: bool = False,
    ) -> None:
        self.root = root
        self.caches = caches or cache.Caches(root)
        self.commit = commit
        self.today = today
        self.include_changes = include_changes  # commit uncommitted edits of the file too
        self.repo: Repo | None = None
        self.identity: Identity | None = None
        self.commit_day: date | None = None  # the day git would date the commit
        self.notes: list[str] = []  # said on stderr after the command
        self._lock = document.repository_lock(root)
        self.snap: Snapshot

    def __enter__(self) -> Recorder:
        self._lock.__enter__()
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
            self.snap = load(self.root, self.caches)
            if self.snap.config is None:
                raise InvalidRepository(
                    f"{CONFIG_FILE} is invalid", hint="run `cqctrack check` to see why"
                )
            self._check_day()
        except BaseException:
            if self.repo is not None:
                self.repo.close()
            self._lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.repo is not None:
            self.repo.close()  # GitPython keeps git helper processes open until closed
        self._lock.__exit__(kind, err, tb)

    def _check_day(self) -> None:
        """Refuse to record as of a day after the one the commit will carry: entries
        record what has happened, and one dated after its commit is an error in check."""
        from cqctrack.git import run

        self.commit_day = run.author_day(self.root)
        if self.commit_day is not None and self.today > self.commit_day:
            raise InvalidInput(
                f"--as-of {self.today.isoformat()} is after the day the commit would carry "
                f"({self.commit_day.isoformat()})",
                hint="record events on or after the day they happen; --as-of on a recording "
                "command may only go back",
            )

    def signing_key(self) -> str | None:
        """The public key (or OpenPGP key id) git would sign this command's commit with."""
        from cqctrack.git import signatures

        return signatures.signing_key(self.root)[1]

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
        action: Action = self.snap.actions[item_id]
        return action, self.snap.source(item_id).path

    def measure(self, measure_id: str) -> tuple[Measure, str]:
        item_id = self._known(measure_id, self.snap.measures, "measure")
        measure: Measure = self.snap.measures[item_id]
        return measure, self.snap.source(item_id).path

    def _known(self, item_id: str, found: Mapping[str, Any], what: str) -> str:
        """The id as written in the files, or why it cannot be changed."""
        item_id = item_id.strip().upper()
        if item_id in found:
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
        lag = (self.commit_day or self.today) - when
        limit = self.policy.audit.backdating_days
        if lag.days > limit:
            self.notes.append(
                f"note: dated {lag.days} days before it is recorded; beyond policy "
                f"audit.backdating_days ({limit}) history flags it as back-dated, and a "
                "review dated so far back does not reset the review cadence"
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
        included = self._uncommitted(rel)
        doc = document.open_document(self.root, rel, model)
        mutate(doc.data)
        document.save(doc)
        if included:
            trailers = {**trailers, "Includes-Uncommitted-Changes": "yes"}
            summary_body = (
                f"{summary}\n\nThis commit also holds changes to {rel} that were made by "
                "hand before this command and not committed (--include-changes)."
            )
            return self._commit([doc.path], summary_body, trailers, rel, shown=summary)
        return self._commit([doc.path], summary, trailers, rel)

    def _uncommitted(self, rel: str) -> bool:
        """Whether `rel` has changes git has not committed; refused unless told to include
        them, so that a cqctrack commit holds only what cqctrack wrote."""
        if not self.commit or self.repo is None:
            return False
        from cqctrack.git import run

        status = run.run(self.root, "status", "--porcelain", "--", rel).strip()
        if not status:
            return False
        if self.include_changes:
            return True
        raise Refused(
            f"{rel} has changes that are not committed, so cqctrack will not commit it",
            hint=f"commit them first (`git commit {rel}`) or discard them (`git restore {rel}`); "
            "or pass --include-changes to commit them with this change",
        )

    def create(
        self, rel: str, model: type[BaseModel], text: str, *, summary: str, trailers: dict[str, str]
    ) -> Outcome:
        doc = document.new_document(self.root, rel, model, text)
        document.save(doc)
        return self._commit([doc.path], summary, trailers, rel)

    def _commit(
        self,
        paths: list[Path],
        summary: str,
        trailers: dict[str, str],
        rel: str,
        shown: str | None = None,
    ) -> Outcome:
        shown = shown or summary
        if not self.commit or self.repo is None:
            return Outcome(rel, shown, None)
        from cqctrack.format.policy import Proof
        from cqctrack.git import commit

        sign = self.policy.signoff.proof is Proof.SIGNED
        sha = commit.commit(self.repo, self.root, paths, summary, trailers, sign=sign)
        return Outcome(rel, shown, sha)
