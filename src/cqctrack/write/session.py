"""Recording what happens to actions: each event checked, written safely, and committed.

A `Recorder` reads the repository, holds the lock of every file it will change
(locks.py: recordings on different files run side by side), checks the event
against the rules, stages the files it changes (see document.py and edits.py;
several for a meeting, an evidence file beside the entry that cites it), passes
them through the same checks `check` runs (gate.py), notes what it is about to
commit (pending.py, so a command killed between writing and committing is found
by the next one), writes them and commits exactly those files in one commit with
trailers. Every refusal happens before anything is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from cqctrack import cache
from cqctrack.errors import InvalidInput, InvalidRepository, Refused, UnknownId, WriteConflict
from cqctrack.findings import Severity
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.format.policy import Policy
from cqctrack.format.records import Action, Measure
from cqctrack.format.snapshot import Snapshot
from cqctrack.store.discover import Listing, discover
from cqctrack.store.load import load
from cqctrack.write import document, gate, guard, locks

if TYPE_CHECKING:
    from git import Repo

    from cqctrack.git.commit import Identity


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    summary: str
    commit: str | None
    also: tuple[str, ...] = ()  # other files written or committed with it
    notes: tuple[str, ...] = ()  # said to the user after the outcome (stderr)


@dataclass
class _Staged:
    """A file the change will write: a YAML document, or an evidence file copied in."""

    rel: str
    doc: document.Document | None = None
    source: Path | None = None  # an evidence file copied in from outside the repository
    text: bytes | None = None  # a plain file cqctrack keeps (CODEOWNERS), new content
    before: bytes | None = None  # and what it held, to put back if a later write fails


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
        today_given: bool = True,
    ) -> None:
        self.root = root.resolve()
        self.caches = caches or cache.Caches(self.root)
        self.commit = commit
        self.today = today
        self.include_changes = include_changes  # commit uncommitted edits of the file too
        self.today_given = today_given  # False: `today` is the clock's, not --as-of's
        self.repo: Repo | None = None
        self.identity: Identity | None = None
        self._locks = contextlib.ExitStack()  # the file, id and commit locks this command holds
        self._held: set[str] = set()
        self.notices: list[str] = []  # for stderr: what the command found and did on the side
        self.listing: Listing
        self.commit_day: date | None = None  # the day git would date the commit
        self._included: set[str] = set()  # files whose uncommitted edits this commit takes in
        self.snap: Snapshot
        self.recorder: str | None = None  # who is recording (the Recorded-By trailer)
        self._staged: list[_Staged] = []
        self._cited: dict[str, Path] = {}  # evidence files cited by the change: rel -> file
        self._notes: list[str] = []

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
            self._check_day()
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

    def _hold(self, key: str, what: str) -> bool:
        """Hold the lock `key` for the rest of the command; False if this command already does."""
        if key in self._held:
            return False
        self._locks.enter_context(locks.hold(self.root, key, what=what))
        self._held.add(key)
        return True

    def _changed_since_read(self, rel: str) -> bool:
        known = {item.rel: item.sig for item in self.listing.files}
        try:
            now = cache.signature((self.root / rel).stat())
        except OSError:
            now = None
        return known.get(rel) != now

    def lock_file(self, rel: str) -> None:
        """Hold `rel`'s lock for the rest of the command, and read it afresh if it changed.

        Called before the file's record is used to judge the event, so the
        judgement is made on the version that will be edited.
        """
        if self._hold(locks.file_key(rel), rel) and self._changed_since_read(rel):
            self._read()
        if guard.ready_to_edit(
            self.root, rel, commit=self.commit, include_changes=self.include_changes
        ):
            self._included.add(rel)

    def reserve_ids(self, tracker: str) -> None:
        """Hold the lock of a tracker's new ids, and read the repository afresh under it."""
        if self._hold(locks.ids_key(tracker), f"a new file in {tracker}"):
            self._read()

    def _check_day(self) -> None:
        """Refuse to record as of a day after the one the commit will carry: entries
        record what has happened, and one dated after its commit is an error in check."""
        from cqctrack.git import run

        self.commit_day = run.author_day(self.root)
        if self.commit_day is not None and self.today > self.commit_day and not self.today_given:
            self.today = self.commit_day  # git dates the commit earlier (GIT_AUTHOR_DATE)
        if self.commit_day is not None and self.today > self.commit_day:
            raise InvalidInput(
                f"--as-of {self.today.isoformat()} is after the day the commit would carry "
                f"({self.commit_day.isoformat()})",
                hint="record events on or after the day they happen; --as-of on a recording "
                "command may only go back",
            )

    def _sign(self) -> bool:
        """Whether to sign the commit: policy signoff.proof: signed."""
        from cqctrack.format.policy import Proof

        return self.policy.signoff.proof is Proof.SIGNED

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

    def current_person(self, given: str | None, option: str, on: date | None = None) -> str:
        """A person who may be given work, or act, on `on` (default today): not a leaver."""
        found = self.person(given, option)
        assert self.snap.config is not None
        person = self.snap.config.people[found]
        day = on or self.today
        if person.left_by(day):
            from cqctrack.wording import date_text

            assert person.left is not None
            raise Refused(
                f"{option} {found}: {person.name} left on {date_text(person.left)}, "
                "so cannot be given new work or act for the service",
                hint="name someone current; `cqctrack people list` shows who is",
            )
        return found

    def recorded_by(self, given: str | None, on: date | None = None) -> str:
        """Who is recording the event: --by, or the person whose e-mail git commits with."""
        self.recorder = self.current_person(given, "--by", on)
        return self.recorder

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
        lag = (self.commit_day or self.today) - when
        limit = self.policy.audit.backdating_days
        if lag.days > limit:
            self.note(
                f"dated {lag.days} days before it is recorded; beyond policy "
                f"audit.backdating_days ({limit}) history flags it as back-dated, and a "
                "review dated so far back does not reset the review cadence"
            )
        return when

    # --- writing -------------------------------------------------------------------

    def stage_edit(self, rel: str, model: type[BaseModel], mutate: Callable[[Any], None]) -> None:
        """Change an existing file in the coming commit (the edit is applied now, in memory).

        The file's lock is held from here to the commit; a file that changed since the
        repository was read is refused, since the event was judged on what was read.
        """
        if self._hold(locks.file_key(rel), rel) and self._changed_since_read(rel):
            raise WriteConflict(
                "the file changed while cqctrack was working on it; nothing was written",
                path=rel,
                hint="run the command again to apply it to the new version",
            )
        if guard.ready_to_edit(
            self.root, rel, commit=self.commit, include_changes=self.include_changes
        ):
            self._included.add(rel)
        doc = document.open_document(self.root, rel, model)
        mutate(doc.data)
        self._staged.append(_Staged(rel, doc))

    def stage_create(self, rel: str, model: type[BaseModel], text: str) -> None:
        """Create a file in the coming commit."""
        self._hold(locks.file_key(rel), rel)
        self._staged.append(_Staged(rel, document.new_document(self.root, rel, model, text)))

    def cite(self, rel: str, source: Path | None = None) -> None:
        """An evidence file the change cites: checked for identifiable data and committed
        with it. `source` is a file outside the repository to copy to `rel` first."""
        if source is not None:
            self._staged.append(_Staged(rel, source=source))
        self._cited[rel] = source or self.root / rel

    def note(self, text: str) -> None:
        self._notes.append(text)

    def edit(
        self,
        rel: str,
        model: type[BaseModel],
        mutate: Callable[[Any], None],
        *,
        summary: str,
        trailers: dict[str, str],
    ) -> Outcome:
        self.stage_edit(rel, model, mutate)
        return self.commit_staged(summary, trailers)

    def create(
        self, rel: str, model: type[BaseModel], text: str, *, summary: str, trailers: dict[str, str]
    ) -> Outcome:
        self.stage_create(rel, model, text)
        return self.commit_staged(summary, trailers)

    def stage_codeowners(self, written: list[gate.Written], force: bool = False) -> bool:
        """Keep CODEOWNERS' block in step with the register and trackers this change leaves.

        Only a file that already holds cqctrack's block is kept (unless `force`: `people
        codeowners` writes it); lines outside the block are the user's and stay. Returns
        whether the file changes."""
        from cqctrack.format import codeowners

        path = self.root / codeowners.FILE
        try:
            before: bytes | None = path.read_bytes()
        except FileNotFoundError:
            before = None
        old = before.decode("utf-8", "replace") if before is not None else None
        if not force and codeowners.kept(old) is None:
            return False
        fresh = self.codeowners_block(written)
        text = codeowners.updated(old, fresh).encode("utf-8")
        if text == before:
            return False
        self._hold(locks.file_key(codeowners.FILE), codeowners.FILE)
        self._staged.append(_Staged(codeowners.FILE, text=text, before=before))
        return True

    def codeowners_block(self, written: Sequence[gate.Written] = ()) -> str:
        """CODEOWNERS' block for the repository as `written` would leave it."""
        from cqctrack.format import codeowners, models

        people: dict[str, Any] = dict(self.snap.config.people) if self.snap.config else {}
        trackers: dict[str, Any] = dict(self.snap.trackers)
        for w in written:
            if isinstance(w.model, models.Config):
                people = dict(w.model.people)
            elif isinstance(w.model, models.Tracker):
                trackers[w.rel.split("/")[1]] = w.model
        prefix = "."
        if self.repo is not None and self.repo.working_tree_dir is not None:
            top = Path(self.repo.working_tree_dir).resolve()
            prefix = self.root.relative_to(top).as_posix()
        return codeowners.block(people, trackers, prefix, self.today)

    def commit_staged(self, summary: str, trailers: dict[str, str]) -> Outcome:
        """Check every staged file as `check` would, write them all, and commit them at once."""
        docs = [s for s in self._staged if s.doc is not None]
        written = self._validated(docs)
        if any(w.kind in ("config", "tracker") for w in written):
            self.stage_codeowners(written)
        file_check = self._file_check()
        gate.refuse_problems(
            self.snap,
            written,
            file_check,
            self.today,
            self.root,
            self._committed_config(written),
            self._cited,
        )
        prepared = {w.rel: w.data for w in written}
        paths = [self.root / s.rel for s in self._staged]
        paths += [
            self.root / rel
            for rel in self._cited
            if rel not in {s.rel for s in self._staged} and self.uncommitted(rel)
        ]
        if self.recorder is not None:
            trailers = {**trailers, "Recorded-By": self.recorder}
        first = docs[0].rel if docs else self._staged[0].rel
        others = tuple(
            rel for rel in (p.relative_to(self.root).as_posix() for p in paths) if rel != first
        )
        notes = tuple(self._notes)
        staged, self._staged, self._cited, self._notes = self._staged, [], {}, []
        if not self.commit or self.repo is None:
            self._write(staged, prepared)
            return Outcome(first, summary, None, others, notes)
        from cqctrack.git import commit
        from cqctrack.write import pending
        from cqctrack.write.faults import write_failed

        message = summary
        included = sorted(self._included & {s.rel for s in staged})
        if included:
            trailers = {**trailers, "Includes-Uncommitted-Changes": "yes"}
            message = (
                f"{summary}\n\nThis commit also holds changes to {', '.join(included)} that were "
                "made by hand before this command and not committed (--include-changes)."
            )
        marks = []
        for item in staged:
            data = prepared.get(item.rel, item.text)
            if data is None and item.source is not None:
                data = item.source.read_bytes()
            try:
                marks.append(pending.note(self.root, item.rel, data or b"", summary, trailers))
            except OSError as err:
                raise write_failed(err, item.rel) from None
        self._write(staged, prepared)
        with locks.hold(self.root, locks.COMMIT_KEY, what="a commit in this repository"):
            sha = commit.commit(self.repo, self.root, paths, message, trailers, sign=self._sign())
        for mark in marks:
            pending.done(mark)
        return Outcome(first, summary, sha, others, notes)

    def _validated(self, docs: list[_Staged]) -> list[gate.Written]:
        """Every staged document's new text, validated; every problem in every file at once."""
        out, problems = [], []
        for staged in docs:
            assert staged.doc is not None
            data = document.render(staged.doc)
            try:
                model = document.validate(staged.doc, data)
            except InvalidRepository as err:
                problems.append(err)
                continue
            text = data.decode("utf-8")
            out.append(gate.Written(staged.rel, gate.kind_of(staged.rel)[0], model, text, data))
        if problems:
            first = problems[0]
            raise InvalidRepository(
                first.message,
                path=first.path if len(problems) == 1 else None,
                details=[d for p in problems for d in p.details],
                hint=first.hint,
            )
        return out

    def _file_check(self) -> Callable[[str], str | None]:
        """Evidence file states, with the files this change copies in counted as there."""
        from cqctrack.store import files

        real = files.checker(self.root)
        coming = {s.rel for s in self._staged if s.source is not None}
        return lambda ref: None if ref in coming else real(ref)

    def _write(self, staged_files: list[_Staged], prepared: dict[str, bytes]) -> None:
        """Write every staged file; if one fails, put back those already written."""
        done: list[tuple[Path, bytes | None]] = []
        try:
            for staged in staged_files:
                path = self.root / staged.rel
                if staged.doc is not None:
                    previous = staged.doc.original
                    document.write(staged.doc, prepared[staged.rel])
                    done.append((path, previous))
                elif staged.source is not None:
                    document.atomic_write(path, staged.source.read_bytes(), create=True)
                    done.append((path, None))
                elif staged.text is not None:
                    create = staged.before is None
                    document.atomic_write(path, staged.text, create=create, rel=staged.rel)
                    done.append((path, staged.before))
        except BaseException:
            for path, previous in reversed(done):
                if previous is None:
                    path.unlink(missing_ok=True)
                else:
                    document.atomic_write(path, previous)
            raise

    def uncommitted(self, rel: str) -> bool:
        """Is this repository file untracked, or changed since the last commit?"""
        from cqctrack.git import run

        if run.toplevel(self.root) is None:
            return False
        return bool(run.run(self.root, "status", "--porcelain", "--", rel, check=False).strip())

    def _committed_config(self, written: list[gate.Written]) -> Any:
        """The committed cqctrack.yaml when the working copy differs and this commit relies
        on it; None when the working copy is what a fresh clone will hold."""
        if not self.commit or self.repo is None or any(w.kind == "config" for w in written):
            return None
        if not self.uncommitted(CONFIG_FILE):
            return None
        from cqctrack.git import run

        if run.head(self.root) is None:
            return None
        shown = run.run(self.root, "show", f"HEAD:./{CONFIG_FILE}", check=False)
        if not shown:
            raise InvalidRepository(
                f"{CONFIG_FILE} is not committed, so a fresh clone would have no people register",
                hint=f"commit it first: `git add {CONFIG_FILE} && git commit`",
            )
        found = gate.parse_config(shown.encode("utf-8"))
        if found is None:
            raise InvalidRepository(
                f"the committed {CONFIG_FILE} is invalid, and your fix to it is not committed",
                hint=f"commit {CONFIG_FILE} first (`git commit {CONFIG_FILE}`)",
            )
        return found

    # --- an import's many new files (write/importing.py checks them first) --------------

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
                self.repo,
                self.root,
                paths,
                summary,
                trailers,
                unstage_on_failure=undo,
                sign=self._sign(),
            )
        return Outcome(rel, summary, sha)
