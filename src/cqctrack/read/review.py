"""The weekly review and the summary: load, enrich with git facts, assess, select.

`review` answers `cqctrack review`: the actions needing attention, or those
matching its filters, each with its BRAG rating, reasons and escalation (decided
in rules/drift.py); `concerns` answers `cqctrack review --concerns` (decided in
rules/measures.py). The summary is in summary.py. Rendering is reports/'s job.

What "needing attention" means: with no attention filter (--overdue, --due-within,
--unreviewed, --extended, --weak, --stale) the review lists every open action
rated Red or Amber, that is with at least one drift finding; `--all` lists every
open action. An attention filter lists what matches it whatever the rating. All
filters given must match (they combine with "and"). Closed actions appear under
`--all`, under `--status closed` and under `--weak` (closed with evidence short
of its requirements); the default review leaves them out, because looking at
every closed action's evidence files would cost the weekly review most of its
time at scale, except for closed (and cancelled) actions with a flag in their
history (rules/governance.py: a closure git does not prove, evidence removed
after closure...), which appear in the default review and under `--flagged`:
the weekly review is where the people who act on them look. Cancelled actions
are otherwise not rated (see `cqctrack show`).

`--as-of` judges the files as they are now against another date (as `check`
does); only the summary's week-ago figures rebuild past state.

Speed: files are read once through `store.load`; git facts come from one shared
`git.repository.read_history` pass; the cheap filters (tracker, owner,
statement, key question, status) run before any evidence file is looked at, and
evidence files are checked only for actions awaiting verification or closed.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cqctrack import cache
from cqctrack.errors import InvalidInput, InvalidRepository, UnknownId
from cqctrack.findings import (
    BRAG_ORDER,
    ESCALATION_ORDER,
    Finding,
    from_plain,
    to_plain,
)
from cqctrack.format.catalogue import Catalogue, load_catalogue
from cqctrack.format.history import ActionHistory, entries_of_record
from cqctrack.format.layout import CONFIG_FILE, FileCheck
from cqctrack.format.policy import Policy
from cqctrack.format.records import Action, Config, Review
from cqctrack.format.snapshot import Snapshot
from cqctrack.format.vocab import OPEN_STATUSES, Status
from cqctrack.git import repository as git_repository
from cqctrack.git.run import vouched_by_git
from cqctrack.read import at as read_at
from cqctrack.read import governance as read_governance
from cqctrack.rules import closure, drift, governance
from cqctrack.store import files
from cqctrack.store.load import load as load_snapshot
from cqctrack.wording import date_text

if TYPE_CHECKING:
    from cqctrack.rules.measures import ConcernStatus

_ID_PARTS = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class Query:
    """The filters of one `cqctrack review`; every one given must match."""

    overdue: bool = False
    due_within: int | None = None
    unreviewed: bool = False
    extended: bool = False
    weak: bool = False
    stale: int | None = None
    trackers: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    key_questions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # --status: only these (closed ones included when named)
    everything: bool = False  # --all: every open and closed action
    flagged: bool = False  # --flagged: a flag in the action's history, open or not

    @property
    def filters_attention(self) -> bool:
        return (
            self.overdue
            or self.unreviewed
            or self.extended
            or self.weak
            or self.flagged
            or self.due_within is not None
            or self.stale is not None
        )

    @property
    def closed_too(self) -> bool:
        """Closed and cancelled actions can appear when history flags them (a closure git
        does not prove...): under --flagged, and in the default review."""
        return self.flagged or not (
            self.filters_attention or self.weak or self.statuses or self.everything
        )


@dataclass(frozen=True, slots=True)
class Named:
    """A person as a report shows them: id, name and, for escalations, the role they act in."""

    id: str
    name: str
    role: str | None = None  # the role they are escalated to in, e.g. "nominated individual"


@dataclass(frozen=True, slots=True)
class Row:
    """One action as the review shows it: facts and the drift verdict, ready to render."""

    action: Action
    tracker: str
    tracker_name: str
    owner: Named
    key_questions: tuple[str, ...]
    assessment: drift.Assessment
    escalate_to: tuple[Named, ...]
    today: date

    @property
    def days_overdue(self) -> int:
        return drift.days_overdue(self.action, self.today)

    @property
    def last_review(self) -> Review | None:
        return drift.last_review(self.action)

    @property
    def facts(self) -> drift.Facts:
        return self.assessment.facts


_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Unread:
    """A tracker file the review cannot see: shown as a Red row, never silently left out."""

    path: str
    id: str  # the file name's stem: the id it should hold
    tracker: str
    reason: str


@dataclass
class Workspace:
    """Everything a read command loads once and shares across every action."""

    root: Path
    snap: Snapshot
    today: date
    catalogue: Catalogue
    history: git_repository.History
    in_git: bool
    caches: cache.Caches | None = None
    shallow: frozenset[str] = frozenset()  # a shallow clone's edge, read with --allow-shallow
    _file_check: FileCheck | None = None
    _kq_cache: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _names: dict[str, str] | None = None
    _left: dict[str, date] | None = None
    _gov: governance.Governance | None = None
    _relaxed: list[governance.Relaxation] | None = None
    warnings: list[str] = field(default_factory=list)  # about the history read
    _email_owners: dict[str, str] | None = None
    _flags: dict[str, Any] | None = None  # action id -> (file key, flags, review lags)
    _flags_key: tuple[Any, ...] = ()
    _flags_changed: bool = False
    flags_slot: str = "flags"  # `--at` keeps its own
    _signed: bool | None = None  # whether any version of the policy asks for signatures
    _leaders: dict[str, drift.Leaders] = field(default_factory=dict)  # by tracker

    @property
    def policy(self) -> Policy:
        return self.snap.policy

    @property
    def skipped_files(self) -> int:
        """Files that could not be read or validated, so are not in the review."""
        return len(self.snap.unread)

    def unread(self, query: Query | None = None) -> list[Unread]:
        """Each tracker file the review cannot see, as a Red row (its tracker filter applied)."""
        out = []
        for path, finding in sorted(self.snap.unread.items()):
            parts = path.split("/")
            tracker = parts[1] if len(parts) > 2 and parts[0] == "trackers" else ""
            if query is not None and query.trackers and tracker not in query.trackers:
                continue
            stem = parts[-1].removesuffix(".yaml")
            where = f"line {finding.line}: " if finding.line else ""
            out.append(Unread(path, stem, tracker, f"cannot be read ({where}{finding.message})"))
        return out

    def facts(self, action: Action) -> drift.Facts:
        unmet: tuple[str, ...] = ()
        if action.status in (Status.AWAITING_VERIFICATION, Status.CLOSED):
            unmet = tuple(closure.unmet_requirements(action, self.catalogue, self.file_check))
        history = self.history.get(action.id)
        flags: list[Finding] = []
        lags: dict[int, int] = {}
        config = self.snap.config
        if history is not None and config is not None:
            gov = self.gov
            if history.due_moves and gov.imported.anything:
                moves = governance.judged_moves(history.due_moves, gov)
                history = history._replace(due_moves=moves)
            flags, lags = self._judged(action, history, config, gov)
        moved = [m for m in history.due_moves if m.is_extension] if history else []
        who = (
            governance.causers(flags, moved, history, self.email_owners)
            if flags or moved
            else _NONE
        )
        return drift.facts_for(
            action,
            history,
            self.policy,
            unmet,
            self.names,
            self.left,
            self.above(action),
            people=self.snap.people,
            leaders=self.leaders(action),
            review_lags=lags,
            flags=tuple(flags),
            causers=who,
        )

    def _judged(
        self,
        action: Action,
        history: ActionHistory,
        config: Config,
        gov: governance.Governance,
    ) -> tuple[list[Finding], dict[int, int]]:
        """History's flags about `action` and its reviews' lags, from the `flags` cache when
        neither the action's file nor anything else they depend on has changed."""
        signed = self.signed
        key = zlib.crc32(self.snap.actions.blobs[action.id])
        cached = None if signed else self._flag_cache().get(action.id)
        if cached is not None and cached[0] == key:
            return [from_plain(f) for f in cached[1]], cached[2]
        entries = entries_of_record(action)
        flags = governance.action_flags(action, history, config, gov, self.relaxations, entries)
        lags = governance.review_lags(action, history, gov, entries)
        if not signed:
            self._flag_cache()[action.id] = (key, tuple(to_plain(f) for f in flags), lags)
            self._flags_changed = True
        return flags, lags

    def _flag_cache(self) -> dict[str, Any]:
        # Valid for one HEAD, one cqctrack.yaml in the working tree and one shallow edge:
        # everything the judgement reads besides the action's own file (which is the key).
        if self._flags is None:
            self._flags_key = self.global_key()
            found = self.caches.read(self.flags_slot, _valid_flags) if self.caches else None
            self._flags = found[1] if found is not None and found[0] == self._flags_key else {}
        return self._flags

    @property
    def signed(self) -> bool:
        """Whether any version of the policy asks for signed sign-offs."""
        if self._signed is None:
            self._signed = read_governance.signed(self.gov)
        return self._signed

    def global_key(self) -> tuple[Any, ...]:
        """What every judgement about an action reads besides the tracker files: HEAD,
        cqctrack.yaml in the working tree and a shallow clone's edge."""
        head = getattr(self.history, "head", None)
        config = zlib.crc32(repr(self.snap.config).encode()) if self.snap.config else 0
        return (head, config, tuple(sorted(self.shallow)))

    def save(self) -> None:
        """Keep what was worked out for the next run (the history's flags per action)."""
        if self._flags_changed and self.caches is not None and self._flags is not None:
            self.caches.write(self.flags_slot, (self._flags_key, self._flags))
            self._flags_changed = False

    @property
    def gov(self) -> governance.Governance:
        """What history's judgements need (rules/governance.py), gathered once."""
        if self._gov is None:
            caches = self.caches or cache.Caches(self.root, enabled=False)
            self._gov = read_governance.build(
                self.root, self.snap, self.history, caches, shallow=self.shallow
            )
        return self._gov

    @property
    def email_owners(self) -> dict[str, str]:
        if self._email_owners is None:
            self._email_owners = governance.email_owners(self.snap.people)
        return self._email_owners

    @property
    def relaxations(self) -> list[governance.Relaxation]:
        if self._relaxed is None:
            self._relaxed = governance.relaxations(self.gov) if self.in_git else []
        return self._relaxed

    def prepare(self, actions: Iterable[Action]) -> None:
        """Ask git about the signatures these actions' sign-offs need (policy signed).
        `actions` is gone through only then, so a lazy one costs nothing otherwise."""
        if not self.in_git or not read_governance.signed(self.gov):
            return
        gov = self.gov
        shas = [
            sha
            for action in actions
            for sha in governance.signed_commits(action, self.history.get(action.id), gov)
        ]
        if shas:
            caches = self.caches or cache.Caches(self.root, enabled=False)
            self._gov = read_governance.with_signatures(
                self.root, gov, shas, self.snap.people, caches
            )

    def leaders(self, action: Action) -> drift.Leaders:
        slug = self.snap.tracker_of(action.id)
        found = self._leaders.get(slug)
        if found is None:
            tracker = self.snap.trackers.get(slug)
            found = drift.Leaders()
            if tracker is not None:
                provider: tuple[str, ...] = (tracker.nominated_individual,)
                if tracker.provider_representative:
                    provider += (tracker.provider_representative,)
                found = drift.Leaders(tracker.registered_manager, provider)
            self._leaders[slug] = found
        return found

    def above(self, action: Action) -> tuple[Review, ...]:
        """Reviews of the action's concern and tracker (monthly ones are provider scrutiny)."""
        concern = self.snap.concerns.get(action.concern)
        tracker = self.snap.trackers.get(self.snap.tracker_of(action.id))
        found = concern.reviews if concern is not None else ()
        return found + (tracker.reviews if tracker is not None else ())

    @property
    def file_check(self) -> FileCheck:
        if self._file_check is None:
            self._file_check = files.checker(self.root)
        return self._file_check

    @property
    def names(self) -> dict[str, str]:
        if self._names is None:
            people = self.snap.config.people if self.snap.config else {}
            self._names = {pid: person.name for pid, person in people.items()}
        return self._names

    @property
    def left(self) -> dict[str, date]:
        if self._left is None:
            people = self.snap.config.people if self.snap.config else {}
            self._left = {pid: p.left for pid, p in people.items() if p.left is not None}
        return self._left

    def key_questions(self, action: Action) -> tuple[str, ...]:
        framework = self.snap.framework_for(self.snap.tracker_of(action.id))
        found: list[str] = []
        for ref in action.statements:
            key = (ref, framework)
            if key not in self._kq_cache:
                lookup = self.catalogue.statement(ref, framework)
                self._kq_cache[key] = lookup.statement.key_question if lookup.statement else None
            kq = self._kq_cache[key]
            if kq is not None and kq not in found:
                found.append(kq)
        order = list(self.catalogue.key_questions)
        return tuple(sorted(found, key=order.index))

    def person(self, person_id: str, role: str | None = None) -> Named:
        known = self.snap.people.get(person_id)
        return Named(person_id, known.name if known else person_id, role)


def load(
    root: Path,
    today: date,
    caches: cache.Caches,
    git: bool = True,
    allow_shallow: bool = False,
    at: read_at.At | None = None,
    as_of_given: bool = False,
) -> Workspace:
    """Read the repository, and its git facts once unless `git` is False. History that is
    not whole (a shallow clone) is refused unless `allow_shallow`.

    Refuses when cqctrack.yaml cannot be read: without it there is no policy and
    no people register, and judging by the defaults would quietly mislead.

    `at`: read the repository as committed at that moment instead (from git objects),
    with its history up to then. `as_of_given`: the date judged was asked for, so say
    when the files hold entries dated after it.
    """
    file_check = None
    early = None
    if at is not None:
        snap, file_check, _ = read_at.snapshot(root, at, caches)
        where: git_repository.Scope | None = read_at.scope(root, at)
    else:
        where = git_repository.scope(root) if git else None
        early = git_repository.early_log(root, where, caches)
        snap = load_snapshot(root, caches, vouched=vouched_by_git(root), meanwhile=early)
    refuse_without_config(snap)
    warnings = read_governance.require_whole(where, allow_shallow)
    slot = "history-at" if at is not None else "history"
    found = (
        git_repository.read_history(root, snap, caches, where, slot, early)
        if where
        else git_repository.NoHistory()
    )
    edge = where.edge if where is not None else frozenset()
    ctx = Workspace(root, snap, today, load_catalogue(), found, where is not None, caches, edge)
    ctx._file_check = file_check
    ctx.flags_slot = "flags-at" if at is not None else "flags"
    if at is not None:
        warnings.append(
            f"note: the tracker as committed at {at.label}, judged as at {date_text(today)}"
        )
    elif as_of_given:
        latest = snap.latest_day()
        if latest is not None and latest > today:
            warnings.append(
                f"warning: the files hold entries dated after {date_text(today)} (the latest "
                f"{date_text(latest)}): --as-of judges today's files as at that date; to see "
                f"the tracker as it was then, use --at {today.isoformat()}"
            )
    ctx.warnings = warnings
    return ctx


def _valid_flags(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict)


def refuse_without_config(snap: Snapshot) -> None:
    if snap.config is not None:
        return
    problems = [f for f in snap.findings if f.path == CONFIG_FILE]
    first = problems[0] if problems else None
    raise InvalidRepository(
        f"{CONFIG_FILE} cannot be read, so the people register and the policy the "
        "review judges by are unknown; nothing is reported",
        path=CONFIG_FILE,
        line=first.line if first else None,
        details=[p.message for p in problems[:5]],
        hint=f"fix {CONFIG_FILE} (see `cqctrack check`) and run the command again",
    )


def notes(ctx: Workspace, query: Query) -> list[str]:
    """Lines for stderr: what the result leaves out, and why."""
    out = list(ctx.warnings)
    unread = ctx.unread(query)
    if unread:
        files = "1 tracker file" if len(unread) == 1 else f"{len(unread)} tracker files"
        out.append(
            f"error: {files} cannot be read, so this is not the whole tracker (shown as Red rows):"
        )
        out += [f"  {u.path}: {u.reason}" for u in unread[:20]]
        if len(unread) > 20:
            out.append(f"  ... and {len(unread) - 20} more")
        out.append("  hint: run `cqctrack check` for details, fix the files and run it again")
    for relaxation in governance.recent(
        ctx.relaxations, ctx.today, ctx.policy.cadence.monthly_days
    ):
        out.append(
            f"warning: policy {relaxation.describe()}; sign-offs recorded while it stood are "
            "flagged on their actions (`cqctrack history cqctrack.yaml`)"
        )
    if query.stale is not None and not ctx.in_git:
        out.append(
            f"note: {ctx.root} is not in a git repository, so --stale cannot tell when "
            "actions last changed; none are listed"
        )
    return out


# --- the review ----------------------------------------------------------------------


def review(ctx: Workspace, query: Query) -> list[Row]:
    """The actions to show, most urgent first."""
    check_query(ctx, query)
    policy, today = ctx.policy, ctx.today
    rows = []
    chosen = [a for a in _candidates(ctx, query) if _in_scope(ctx, a, query)]
    ctx.history.prefetch(a.id for a in chosen)  # their git facts, in one pass
    ctx.prepare(chosen)
    for action in chosen:
        facts = ctx.facts(action)
        if not _matches(facts, query, policy, today):
            continue
        verdict = drift.assess(facts, policy, today)
        listing = query.filters_attention or query.everything or query.statuses
        if not (listing or verdict.needs_attention):
            continue
        rows.append(build_row(ctx, action, verdict))
    rows.sort(key=_urgency)
    ctx.save()
    return rows


def _candidates(ctx: Workspace, query: Query) -> Iterable[Action]:
    """Actions that can possibly match, picked from the compact records before views are built.

    At 10,000 actions `review --overdue` needs the few hundred overdue ones; reading
    status, due date and owner from the records skips building views for the rest.
    """
    weak = {Status.AWAITING_VERIFICATION.value, Status.CLOSED.value}
    statuses = weak if query.weak else {s.value for s in OPEN_STATUSES}
    if query.everything and not query.weak:
        statuses = statuses | {Status.CLOSED.value}
    if query.statuses:
        statuses = statuses & set(query.statuses) if query.weak else set(query.statuses)
    if query.closed_too:
        statuses = {s.value for s in Status}
    due_before = None
    if query.overdue:
        due_before = ctx.today
    if query.due_within is not None:
        limit = ctx.today + timedelta(days=query.due_within + 1)
        due_before = limit if due_before is None else min(due_before, limit)
    return ctx.snap.actions.select(statuses, due_before, query.owners or None)


def _in_scope(ctx: Workspace, action: Action, query: Query) -> bool:
    # Closed and cancelled actions in the default review and under --flagged stay in
    # scope only to be looked at for flags (in `_matches`, once their facts are read).
    if action.status is Status.CANCELLED and not query.closed_too:
        return False
    if query.statuses and action.status.value not in query.statuses:
        return False
    if query.weak:
        if action.status not in (Status.AWAITING_VERIFICATION, Status.CLOSED):
            return False
    elif not (
        action.is_open
        or query.statuses
        or query.closed_too
        or (query.everything and action.status is Status.CLOSED)
    ):
        return False
    if query.trackers and ctx.snap.tracker_of(action.id) not in query.trackers:
        return False
    if query.owners and action.owner not in query.owners:
        return False
    if query.statements and not cites(ctx, action, query.statements):
        return False
    return not query.key_questions or bool(
        set(query.key_questions).intersection(ctx.key_questions(action))
    )


def _matches(facts: drift.Facts, query: Query, policy: Policy, today: date) -> bool:
    checks = (
        not query.overdue or drift.is_overdue(facts, today),
        query.due_within is None or is_due_within(facts, today, query.due_within),
        not query.unreviewed or drift.is_unreviewed(facts, policy, today),
        not query.extended or drift.is_extended(facts, policy),
        not query.weak or drift.is_weak(facts) or drift.is_unconfirmed_import(facts.action),
        not query.flagged or drift.is_flagged(facts),
        not query.closed_too or facts.action.is_open or drift.is_flagged(facts),
        query.stale is None or is_stale(facts, today, query.stale),
    )
    return all(checks)


def is_due_within(facts: drift.Facts, today: date, days: int) -> bool:
    """Open and due on or before `today + days`; overdue actions included."""
    return facts.action.is_open and (facts.action.due - today).days <= days


def is_stale(facts: drift.Facts, today: date, days: int) -> bool:
    """Open, and no commit has touched the file for `days` days (unknown outside git)."""
    if not facts.action.is_open or facts.last_changed is None:
        return False
    return (today - facts.last_changed).days >= days


def cites(ctx: Workspace, action: Action, wanted: Iterable[str]) -> bool:
    own = ctx.snap.framework_for(ctx.snap.tracker_of(action.id))
    cited = {_qualified(ref, own) for ref in action.statements}
    return any(_qualified(ref, own) in cited for ref in wanted)


def _qualified(ref: str, framework: str) -> tuple[str, str]:
    set_id, _, item = ref.rpartition(":")
    return (set_id or framework, item)


def build_row(ctx: Workspace, action: Action, verdict: drift.Assessment) -> Row:
    slug = ctx.snap.tracker_of(action.id)
    tracker = ctx.snap.trackers.get(slug)
    roles: dict[str, str] = {}
    if tracker is not None:
        roles[tracker.registered_manager] = "registered manager"
        if tracker.provider_representative:
            roles[tracker.provider_representative] = "provider representative"
        roles[tracker.nominated_individual] = "nominated individual"
    escalate_to = tuple(ctx.person(p, roles.get(p)) for p in verdict.route)
    return Row(
        action=action,
        tracker=slug,
        tracker_name=tracker.name if tracker else slug,
        owner=ctx.person(action.owner),
        key_questions=ctx.key_questions(action),
        assessment=verdict,
        escalate_to=escalate_to,
        today=ctx.today,
    )


def _urgency(row: Row) -> tuple[int, int, int, date, str, int]:
    verdict = row.assessment
    prefix, number = natural_id(row.action.id)
    return (
        BRAG_ORDER[verdict.brag],
        ESCALATION_ORDER[verdict.escalation],
        -row.days_overdue,
        row.action.due,
        prefix,
        number,
    )


def natural_id(item_id: str) -> tuple[str, int]:
    """Sort MED-2 before MED-10."""
    match = _ID_PARTS.match(item_id)
    return (match.group(1), int(match.group(2))) if match else (item_id, 0)


def check_query(ctx: Workspace, query: Query) -> None:
    """Refuse filters that name nothing that exists, rather than list nothing."""
    snap = ctx.snap
    slugs = set(snap.trackers) | {s.tracker for s in snap.sources.values()}
    for slug in query.trackers:
        if slug not in slugs:
            raise UnknownId(
                f"--tracker {slug}: there is no such tracker",
                hint="trackers here: " + (", ".join(sorted(slugs)) or "none"),
            )
    people = set(snap.config.people) if snap.config else set()
    for owner in query.owners:
        if owner not in people and all(a.owner != owner for a in snap.actions.values()):
            raise UnknownId(
                f"--owner {owner}: no one with that id is in the people register",
                hint="use the person's id from cqctrack.yaml, e.g. " + _examples(people),
            )
    for ref in query.statements:
        set_id, _, item = ref.rpartition(":")
        sets = [ctx.catalogue.frameworks[set_id]] if set_id in ctx.catalogue.frameworks else []
        if not set_id:
            sets = list(ctx.catalogue.frameworks.values())
        if not any(item in fw.statements for fw in sets):
            raise InvalidInput(
                f"--statement {ref}: not a quality statement or KLOE id",
                hint="see `cqctrack frameworks` for the ids, e.g. S8 or WL5",
            )
    for days, option in ((query.due_within, "--due-within"), (query.stale, "--stale")):
        if days is not None and days < 0:
            raise InvalidInput(f"{option} {days}: give a number of days, 0 or more")


def refuse_action_filters(query: Query, option: str) -> None:
    """Views of concerns take only the filters that apply to concerns."""
    given = query.filters_attention or query.owners or query.everything or query.statuses
    if given:
        raise InvalidInput(
            f"{option} lists concerns; it takes only --tracker, --statement and --key-question",
            hint="run `cqctrack review` with the action filters on their own",
        )


def key_question_id(catalogue: Catalogue, text: str) -> str:
    """'Well-led', 'well led' and 'WELL-LED' all mean the key question well-led."""
    wanted = re.sub(r"[\s_]+", "-", text.strip().lower())
    for kq in catalogue.key_questions.values():
        if wanted in (kq.id, kq.name.lower()):
            return kq.id
    names = ", ".join(kq.id for kq in catalogue.key_questions.values())
    raise InvalidInput(f"--key-question {text}: not a CQC key question", hint=f"one of: {names}")


def _examples(ids: Iterable[str]) -> str:
    listed = sorted(ids)[:3]
    return ", ".join(listed) if listed else "mpatel"


# --- concerns ------------------------------------------------------------------------


def concerns(ctx: Workspace, query: Query) -> list[ConcernStatus]:
    """Concerns (filtered by tracker, statement and key question), unresolved first."""
    check_query(ctx, query)
    out = []
    from cqctrack.rules.measures import assess_concerns  # only --concerns needs it

    for status in assess_concerns(ctx.snap, ctx.today, ctx.catalogue):
        concern = status.concern
        if query.trackers and status.tracker not in query.trackers:
            continue
        framework = ctx.snap.framework_for(status.tracker)
        if query.statements:
            cited = {_qualified(ref, framework) for ref in concern.statements}
            if not any(_qualified(ref, framework) in cited for ref in query.statements):
                continue
        if query.key_questions:
            found = {
                lookup.statement.key_question
                for ref in concern.statements
                if (lookup := ctx.catalogue.statement(ref, framework)).statement
            }
            if not found.intersection(query.key_questions):
                continue
        out.append(status)
    out.sort(key=lambda s: (s.resolved, s.tracker, natural_id(s.concern.id)))
    return out
