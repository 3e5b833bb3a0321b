"""Rules that look across files: references, consistency of logs, and the closure rule.

`check_snapshot` is what `cqctrack check` runs after loading: it returns every
problem it finds, never stopping at the first. Each rule is a small function in
`RULES`; they read the snapshot and never touch disk (evidence files are checked
through the `FileCheck` passed in).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cqctrack import cache, store
from cqctrack import closure as closure_rule
from cqctrack.framework import Catalogue, load_catalogue
from cqctrack.problems import Loc, Problem, Severity, dotted, sort_key
from cqctrack.store import CONFIG_FILE, Snapshot
from cqctrack.views import DEFAULT_POLICY, Action, Concern, Measure, Policy
from cqctrack.vocab import PERIOD_EXAMPLES, PERIOD_PATTERNS, Status


@dataclass(frozen=True, slots=True)
class Context:
    snap: Snapshot
    catalogue: Catalogue
    file_check: closure_rule.FileCheck
    today: date

    @property
    def policy(self) -> Policy:
        return self.snap.config.policy if self.snap.config else DEFAULT_POLICY


Rule = Callable[[Context], Iterator[Problem]]


def check_snapshot(ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(ctx))
    return problems


# --- helpers ---------------------------------------------------------------------


def _person(ctx: Context, path: str, person: str | None, loc: Loc, what: str) -> Iterator[Problem]:
    if person is None or ctx.snap.config is None:
        return
    if person not in ctx.snap.config.people:
        yield Problem(
            path,
            "reference-unknown-person",
            f"{what} '{person}' is not in the people register",
            hint=f"add '{person}' under `people` in {CONFIG_FILE}, or correct the id",
            loc=loc,
        )


def _statements(ctx: Context, path: str, slug: str, refs: list[str]) -> Iterator[Problem]:
    framework = ctx.snap.framework_for(slug)
    for index, ref in enumerate(refs):
        found = ctx.catalogue.statement(ref, framework)
        if found.error:
            yield Problem(
                path,
                "reference-unknown-statement",
                found.error,
                hint=found.hint,
                loc=("statements", index),
            )
    for ref, count in Counter(refs).items():
        if count > 1:
            yield Problem(
                path,
                "consistency-duplicate-entry",
                f"statement {ref} is listed {count} times",
                severity=Severity.WARNING,
                loc=("statements",),
            )


def _regulations(ctx: Context, path: str, numbers: list[str]) -> Iterator[Problem]:
    for index, number in enumerate(numbers):
        if number not in ctx.catalogue.regulations:
            valid = ", ".join(ctx.catalogue.regulations)
            yield Problem(
                path,
                "reference-unknown-regulation",
                f"Regulation {number} is not one of the fundamental standards",
                hint=f"cite one of Regulations {valid}",
                loc=("regulations", index),
            )


def _evidence_file(
    ctx: Context, path: str, ref: str | None, loc: Loc, what: str
) -> Iterator[Problem]:
    if ref is None:
        return
    problem = ctx.file_check(ref)
    if problem is not None:
        yield Problem(
            path,
            "evidence-missing-file",
            f"{what} refers to {ref}, which {problem}",
            hint="add the file to the repository, correct the path, "
            "or refer to the document with `document:` instead",
            loc=loc,
        )


# --- cqctrack.yaml and trackers ----------------------------------------------------


def config_rules(ctx: Context) -> Iterator[Problem]:
    config = ctx.snap.config
    if config is None:
        return
    if config.framework not in ctx.catalogue.frameworks:
        known = ", ".join(ctx.catalogue.frameworks)
        yield Problem(
            CONFIG_FILE,
            "reference-unknown-framework",
            f"unknown framework '{config.framework}'",
            hint=f"known frameworks: {known}",
            loc=("framework",),
        )
    held = {person.role for person in config.people.values()}
    if not held.intersection(config.policy.closure.verifier_roles):
        yield Problem(
            CONFIG_FILE,
            "policy-no-verifier",
            "no one in the people register holds a role that may verify closures",
            hint="roles that may verify: "
            + ", ".join(config.policy.closure.verifier_roles)
            + " (policy closure.verifier_roles)",
            severity=Severity.WARNING,
            loc=("people",),
        )
    owners: dict[str, str] = {}
    for person_id, person in config.people.items():
        for address in person.emails:
            key = address.lower()
            if key in owners:
                yield Problem(
                    CONFIG_FILE,
                    "consistency-duplicate-email",
                    f"{address} is listed for both {owners[key]} and {person_id}",
                    hint="each commit e-mail address must identify one person",
                    loc=("people", person_id, "emails"),
                )
            owners[key] = person_id


def tracker_rules(ctx: Context) -> Iterator[Problem]:
    prefixes: dict[str, str] = {}
    for slug, tracker in ctx.snap.trackers.items():
        path = ctx.snap.tracker_path(slug)
        for field in ("registered_manager", "nominated_individual", "provider_representative"):
            yield from _person(
                ctx, path, getattr(tracker, field), (field,), field.replace("_", " ")
            )
        if tracker.framework and tracker.framework not in ctx.catalogue.frameworks:
            yield Problem(
                path,
                "reference-unknown-framework",
                f"unknown framework '{tracker.framework}'",
                hint="known frameworks: " + ", ".join(ctx.catalogue.frameworks),
                loc=("framework",),
            )
        if tracker.id_prefix in prefixes:
            yield Problem(
                path,
                "consistency-duplicate-prefix",
                f"id prefix {tracker.id_prefix} is also used by tracker "
                f"{prefixes[tracker.id_prefix]}",
                hint="give each tracker its own prefix so new ids never collide",
                loc=("id_prefix",),
            )
        prefixes[tracker.id_prefix] = slug


def _prefix(ctx: Context, path: str, slug: str, item_id: str) -> Iterator[Problem]:
    tracker = ctx.snap.trackers.get(slug)
    if tracker is not None and not item_id.startswith(tracker.id_prefix + "-"):
        yield Problem(
            path,
            "consistency-id-prefix",
            f"id {item_id} does not start with this tracker's prefix {tracker.id_prefix}-",
            severity=Severity.WARNING,
            loc=("id",),
        )


# --- concerns and measures ---------------------------------------------------------


def concern_rules(ctx: Context) -> Iterator[Problem]:
    measured = {m.concern for m in ctx.snap.measures.values()}
    acted = {a.concern for a in ctx.snap.actions.values()}
    for concern in ctx.snap.concerns.values():
        source = ctx.snap.source(concern.id)
        path, slug = source.path, source.tracker
        yield from _prefix(ctx, path, slug, concern.id)
        yield from _person(ctx, path, concern.raised_by, ("raised_by",), "raised_by")
        yield from _statements(ctx, path, slug, concern.statements)
        yield from _regulations(ctx, path, concern.regulations)
        if concern.raised > ctx.today:
            yield _future(path, "raised", concern.raised, ("raised",))
        if concern.id not in measured:
            yield Problem(
                path,
                "consistency-no-measure",
                f"concern {concern.id} has no measurable improvement target",
                hint=f"add one with `cqctrack new measure --concern {concern.id}`",
                severity=Severity.WARNING,
                loc=("id",),
            )
        if concern.id not in acted:
            yield Problem(
                path,
                "consistency-no-action",
                f"concern {concern.id} has no actions",
                hint=f"add one with `cqctrack new action --concern {concern.id}`",
                severity=Severity.WARNING,
                loc=("id",),
            )


def measure_rules(ctx: Context) -> Iterator[Problem]:
    for measure in ctx.snap.measures.values():
        source = ctx.snap.source(measure.id)
        path = source.path
        yield from _prefix(ctx, path, source.tracker, measure.id)
        yield from _parent_concern(ctx, path, source.tracker, measure.concern)
        if measure.unit == "percent" and not 0 <= measure.target <= 100:
            yield Problem(
                path,
                "schema-invalid",
                f"target: {measure.target:g} is not a percentage between 0 and 100",
                loc=("target",),
            )
        yield from _reading_rules(ctx, path, measure)


def _reading_rules(ctx: Context, path: str, measure: Measure) -> Iterator[Problem]:
    pattern = PERIOD_PATTERNS[measure.period]
    seen: set[str] = set()
    for index, reading in enumerate(measure.readings):
        loc: Loc = ("readings", index)
        if not pattern.match(reading.period):
            yield Problem(
                path,
                "schema-invalid",
                f"readings[{index + 1}].period: '{reading.period}' "
                f"is not a {measure.period} period",
                hint=f"{measure.period} periods look like {PERIOD_EXAMPLES[measure.period]}",
                loc=(*loc, "period"),
            )
        if reading.period in seen:
            yield Problem(
                path,
                "consistency-duplicate-entry",
                f"period {reading.period} has more than one reading",
                hint="keep one reading per period; correct the value in place if it was wrong",
                loc=(*loc, "period"),
            )
        seen.add(reading.period)
        if measure.unit == "percent" and not 0 <= reading.value <= 100:
            yield Problem(
                path,
                "schema-invalid",
                f"readings[{index + 1}].value: {reading.value:g} is not a percentage",
                loc=(*loc, "value"),
            )
        yield from _person(ctx, path, reading.recorded_by, (*loc, "recorded_by"), "recorded_by")
        yield from _evidence_file(
            ctx, path, reading.file, (*loc, "file"), f"reading {reading.period}"
        )
    periods = [r.period for r in measure.readings]
    if periods != sorted(periods):
        yield Problem(
            path,
            "consistency-order",
            "readings are not in period order",
            hint="list readings oldest first",
            severity=Severity.WARNING,
            loc=("readings",),
        )


def _parent_concern(ctx: Context, path: str, slug: str, concern_id: str) -> Iterator[Problem]:
    concern: Concern | None = ctx.snap.concerns.get(concern_id)
    if concern is None:
        yield Problem(
            path,
            "reference-unknown-concern",
            f"concern {concern_id} does not exist",
            hint=f"create it with `cqctrack new concern`, or correct the id "
            f"(concerns live in trackers/{slug}/concerns/)",
            loc=("concern",),
        )
    elif ctx.snap.tracker_of(concern_id) != slug:
        yield Problem(
            path,
            "reference-other-tracker",
            f"concern {concern_id} belongs to tracker "
            f"{ctx.snap.tracker_of(concern_id)}, not {slug}",
            hint="an action or measure must sit in the same tracker as its concern",
            loc=("concern",),
        )


# --- actions -----------------------------------------------------------------------


def action_rules(ctx: Context) -> Iterator[Problem]:
    closure_ctx = closure_rule.ClosureContext(
        people=dict(ctx.snap.config.people) if ctx.snap.config else {},
        policy=ctx.policy,
        catalogue=ctx.catalogue,
        file_check=ctx.file_check,
        today=ctx.today,
    )
    ref_pattern = re.compile(ctx.policy.privacy.person_ref_pattern)
    for action in ctx.snap.actions.values():
        source = ctx.snap.source(action.id)
        path, slug = source.path, source.tracker
        yield from _prefix(ctx, path, slug, action.id)
        yield from _parent_concern(ctx, path, slug, action.concern)
        yield from _person(ctx, path, action.owner, ("owner",), "owner")
        yield from _statements(ctx, path, slug, action.statements)
        yield from _regulations(ctx, path, action.regulations)
        if action.person_ref is not None and not ref_pattern.match(action.person_ref):
            yield Problem(
                path,
                "privacy-person-ref",
                f"person_ref '{action.person_ref}' does not look like a pseudonymous reference",
                hint="refer to people who use services by their reference number only "
                "(e.g. SU-0412), never by name; the pattern is policy privacy.person_ref_pattern",
                loc=("person_ref",),
            )
        if action.due < action.created:
            yield Problem(
                path,
                "consistency-dates",
                f"due date {action.due} is before the action was created ({action.created})",
                loc=("due",),
            )
        if action.created > ctx.today:
            yield _future(path, "created", action.created, ("created",))
        yield from _status_rules(action, path)
        yield from _requirement_rules(ctx, action, path)
        yield from _log_rules(ctx, action, path)
        if action.status is Status.CLOSED:
            for gap in closure_rule.closure_gaps(action, action.closure, closure_ctx):
                yield Problem(path, gap.code, gap.message, hint=gap.hint, loc=gap.loc)


def _status_rules(action: Action, path: str) -> Iterator[Problem]:
    if action.closure is not None and action.status is not Status.CLOSED:
        yield Problem(
            path,
            "consistency-status",
            f"there is a closure record but the status is {action.status}",
            hint="set `status: closed`, or reopen with `cqctrack reopen` so the closure is kept "
            "in the reopenings log",
            loc=("closure",),
        )
    if action.status is Status.CANCELLED and action.cancellation is None:
        yield Problem(
            path,
            "consistency-status",
            "status is cancelled but there is no cancellation record",
            hint="add `cancellation:` with date, approved_by and reason",
            loc=("status",),
        )
    if action.cancellation is not None and action.status is not Status.CANCELLED:
        yield Problem(
            path,
            "consistency-status",
            f"there is a cancellation record but the status is {action.status}",
            loc=("cancellation",),
        )


def _requirement_rules(ctx: Context, action: Action, path: str) -> Iterator[Problem]:
    known = {r.id for r in action.evidence_required}
    for counted, what, field in (
        (
            Counter(r.id for r in action.evidence_required),
            "evidence requirement",
            "evidence_required",
        ),
        (Counter(e.id for e in action.evidence), "evidence entry", "evidence"),
    ):
        for item_id, count in counted.items():
            if count > 1:
                yield Problem(
                    path,
                    "consistency-duplicate-id",
                    f"{what} id {item_id} is used {count} times",
                    hint="give each entry its own id",
                    loc=(field,),
                )
    for index, requirement in enumerate(action.evidence_required):
        for k, accepted in enumerate(requirement.kinds):
            if accepted not in ctx.catalogue.kinds and accepted not in ctx.catalogue.categories:
                yield Problem(
                    path,
                    "reference-unknown-kind",
                    f"'{accepted}' is not an evidence kind or CQC evidence category",
                    hint="see `cqctrack frameworks --kinds` for the list",
                    loc=("evidence_required", index, "kinds", k),
                )
    is_closed = action.status is Status.CLOSED
    for index, evidence in enumerate(action.evidence):
        loc: Loc = ("evidence", index)
        for ref in evidence.satisfies:
            if ref not in known:
                yield Problem(
                    path,
                    "reference-unknown-requirement",
                    f"evidence {evidence.id} satisfies {ref}, which is not an evidence requirement "
                    f"of this action",
                    hint="requirements here: " + ", ".join(sorted(known)),
                    loc=(*loc, "satisfies"),
                )
        if evidence.kind not in ctx.catalogue.kinds:
            yield Problem(
                path,
                "reference-unknown-kind",
                f"'{evidence.kind}' is not an evidence kind",
                hint="see `cqctrack frameworks --kinds` for the list",
                loc=(*loc, "kind"),
            )
        yield from _person(ctx, path, evidence.added_by, (*loc, "added_by"), "added_by")
        if not is_closed:  # for closed actions the closure rule reports missing files
            yield from _evidence_file(
                ctx, path, evidence.file, (*loc, "file"), f"evidence {evidence.id}"
            )
        if evidence.date > ctx.today:
            yield _future(path, f"evidence {evidence.id}", evidence.date, (*loc, "date"))


def _log_rules(ctx: Context, action: Action, path: str) -> Iterator[Problem]:
    for index, extension in enumerate(action.extensions):
        loc: Loc = ("extensions", index)
        yield from _person(ctx, path, extension.approved_by, (*loc, "approved_by"), "approved_by")
        if extension.to <= extension.from_:
            yield Problem(
                path,
                "consistency-extension",
                f"extension {index + 1} moves the due date from {extension.from_} to "
                f"{extension.to}, which is not later",
                loc=(*loc, "to"),
            )
        if index and extension.from_ != action.extensions[index - 1].to:
            yield Problem(
                path,
                "consistency-extension",
                f"extension {index + 1} starts from {extension.from_}, but the previous one "
                f"moved the due date to {action.extensions[index - 1].to}",
                hint="each extension should start from the due date the last one set",
                severity=Severity.WARNING,
                loc=(*loc, "from"),
            )
    if action.extensions and action.due > action.extensions[-1].to:
        yield Problem(
            path,
            "drift-unlogged-extension",
            f"due date {action.due} is later than the last logged extension "
            f"({action.extensions[-1].to})",
            hint=f"log extensions with `cqctrack extend {action.id} --to DATE --reason TEXT "
            "--approved-by PERSON`",
            severity=Severity.WARNING,
            loc=("due",),
        )
    for index, review in enumerate(action.reviews):
        yield from _person(ctx, path, review.by, ("reviews", index, "by"), "reviewer")
        if review.date > ctx.today:
            yield _future(path, "review", review.date, ("reviews", index, "date"))
    for index, entry in enumerate(action.progress):
        yield from _person(ctx, path, entry.by, ("progress", index, "by"), "progress by")
    for index, reopening in enumerate(action.reopenings):
        yield from _person(ctx, path, reopening.by, ("reopenings", index, "by"), "reopened by")
    yield from _dated_before_creation(action, path)
    if action.cancellation is not None:
        yield from _person(
            ctx,
            path,
            action.cancellation.approved_by,
            ("cancellation", "approved_by"),
            "approved_by",
        )


def _dated_before_creation(action: Action, path: str) -> Iterator[Problem]:
    """Log entries cannot predate the action they belong to."""
    entries: list[tuple[date, Loc]] = []
    for log in ("progress", "evidence", "extensions", "reviews", "reopenings"):
        for index, entry in enumerate(getattr(action, log)):
            entries.append((entry.date, (log, index, "date")))
    if action.cancellation is not None:
        entries.append((action.cancellation.date, ("cancellation", "date")))
    for when, loc in entries:
        if when < action.created:
            yield Problem(
                path,
                "consistency-dates",
                f"{dotted(loc[:-1])} is dated {when.isoformat()}, before the action was created "
                f"({action.created.isoformat()})",
                hint="check the date; if the work began earlier, correct `created`",
                loc=loc,
            )


def _future(path: str, what: str, when: date, loc: Loc) -> Problem:
    return Problem(
        path,
        "consistency-future-date",
        f"{what} is dated {when.isoformat()}, which is in the future",
        hint="record events on the day they happen (or pass --as-of to judge another date)",
        severity=Severity.WARNING,
        loc=loc,
    )


RULES: tuple[Rule, ...] = (
    config_rules,
    tracker_rules,
    concern_rules,
    measure_rules,
    action_rules,
)


@dataclass(frozen=True, slots=True)
class CheckResult:
    problems: list[Problem]
    files_checked: int

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)


def check_repository(root: Path, today: date) -> CheckResult:
    """Load, validate and cross-check a whole repository: what `cqctrack check` reports.

    The result is cached, keyed by every tracker file's signature, the date judged
    and the state of every evidence file it referred to, so a run with nothing
    changed replays it without reading a file.
    """
    listing = store.discover(root)
    key = (listing.fingerprint(), today.toordinal())
    file_check = store.evidence_checker(root)
    cached = cache.read(root, "check", lambda v: len(v) == 3 and isinstance(v[2], CheckResult))
    if cached is not None and cached[0] == key:
        _, refs, result = cached
        if all(file_check(ref) == state for ref, state in refs):
            return result  # type: ignore[no-any-return]
    snap = store.load(root, listing)
    ctx = Context(snap, load_catalogue(), file_check, today)
    problems = store.attach_lines(root, [*snap.problems, *check_snapshot(ctx)])
    problems.sort(key=sort_key)
    result = CheckResult(problems, snap.file_count)
    refs = [(ref, file_check(ref)) for ref in _evidence_refs(snap)]
    cache.write(root, "check", (key, refs, result))
    return result


def _evidence_refs(snap: Snapshot) -> list[str]:
    refs = {e.file for a in snap.actions.values() for e in a.evidence if e.file is not None}
    refs |= {r.file for m in snap.measures.values() for r in m.readings if r.file is not None}
    return sorted(refs)
