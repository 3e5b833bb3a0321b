"""Rules that look across files: references between files and to the CQC framework.

Each rule is a small function taking the `Context` and yielding `Problem`s; they
read the snapshot and never touch disk (evidence files are checked through the
`FileCheck` passed in). Rules about one action's own logs and the closure rule are
in action_checks.py; checking.py runs them all for `cqctrack check`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from cqctrack.evidence import FileCheck
from cqctrack.framework import Catalogue
from cqctrack.problems import Loc, Problem, Severity
from cqctrack.store import CONFIG_FILE, Snapshot
from cqctrack.views import DEFAULT_POLICY, Concern, Measure, Policy
from cqctrack.vocab import PERIOD_EXAMPLES, PERIOD_PATTERNS


@dataclass(frozen=True, slots=True)
class Context:
    snap: Snapshot
    catalogue: Catalogue
    file_check: FileCheck
    today: date

    @property
    def policy(self) -> Policy:
        return self.snap.config.policy if self.snap.config else DEFAULT_POLICY


Rule = Callable[[Context], Iterator[Problem]]


# --- helpers ---------------------------------------------------------------------


def check_person(
    ctx: Context, path: str, person: str | None, loc: Loc, what: str
) -> Iterator[Problem]:
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


def check_statements(ctx: Context, path: str, slug: str, refs: list[str]) -> Iterator[Problem]:
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


def check_regulations(ctx: Context, path: str, numbers: list[str]) -> Iterator[Problem]:
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


def check_evidence_file(
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
            yield from check_person(
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


def check_prefix(ctx: Context, path: str, slug: str, item_id: str) -> Iterator[Problem]:
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
        yield from check_prefix(ctx, path, slug, concern.id)
        yield from check_person(ctx, path, concern.raised_by, ("raised_by",), "raised_by")
        yield from check_statements(ctx, path, slug, concern.statements)
        yield from check_regulations(ctx, path, concern.regulations)
        if concern.raised > ctx.today:
            yield future_date(path, "raised", concern.raised, ("raised",))
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
        yield from check_prefix(ctx, path, source.tracker, measure.id)
        yield from check_parent_concern(ctx, path, source.tracker, measure.concern)
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
        yield from check_person(
            ctx, path, reading.recorded_by, (*loc, "recorded_by"), "recorded_by"
        )
        yield from check_evidence_file(
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


def check_parent_concern(ctx: Context, path: str, slug: str, concern_id: str) -> Iterator[Problem]:
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


def future_date(path: str, what: str, when: date, loc: Loc) -> Problem:
    return Problem(
        path,
        "consistency-future-date",
        f"{what} is dated {when.isoformat()}, which is in the future",
        hint="record events on the day they happen (or pass --as-of to judge another date)",
        severity=Severity.WARNING,
        loc=loc,
    )
