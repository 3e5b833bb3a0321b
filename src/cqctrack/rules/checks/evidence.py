"""Rules about evidence and people's data: evidence files, pseudonymous references, closure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cqctrack.findings import Finding, Loc
from cqctrack.format.records import standing
from cqctrack.format.vocab import Status
from cqctrack.rules import personal
from cqctrack.rules.checks.base import evidence_file, finding, items
from cqctrack.rules.closure import closure_gaps
from cqctrack.rules.context import RuleContext


def evidence_files(ctx: RuleContext) -> Iterator[Finding]:
    """Evidence files that readings and open actions point at exist inside the repository."""
    for measure, path, _ in items(ctx, "measure"):
        for index, reading in standing("readings", measure.readings, measure.corrections):
            yield from evidence_file(
                ctx,
                path,
                reading.file,
                ("readings", index, "file"),
                f"reading {reading.period}",
                measure.id,
            )
    for action, path, _ in items(ctx, "action"):
        if action.status is Status.CLOSED:
            continue  # for closed actions the closure rule reports missing files
        for index, evidence in action.indexed("evidence"):
            yield from evidence_file(
                ctx,
                path,
                evidence.file,
                ("evidence", index, "file"),
                f"evidence {evidence.id}",
                action.id,
            )


def person_refs(ctx: RuleContext) -> Iterator[Finding]:
    """People who use services appear only by pseudonymous references."""
    pattern = re.compile(ctx.policy.privacy.person_ref_pattern)
    for action, path, _ in items(ctx, "action"):
        if action.person_ref is not None and not pattern.match(action.person_ref):
            yield finding(
                path,
                "privacy-person-ref",
                f"person_ref '{action.person_ref}' does not look like a pseudonymous reference",
                hint="refer to people who use services by their reference number only "
                "(e.g. SU-0412), never by name; the pattern is policy privacy.person_ref_pattern",
                loc=("person_ref",),
                subject=action.id,
            )


def staff_refs(ctx: RuleContext) -> Iterator[Finding]:
    """Staff appear only by pseudonymous references too (policy privacy.staff_ref_pattern)."""
    pattern = re.compile(ctx.policy.privacy.staff_ref_pattern)
    for action, path, _ in items(ctx, "action"):
        places: list[tuple[Loc, str]] = [
            (("staff_refs", i), ref) for i, ref in enumerate(action.staff_refs)
        ]
        for index, evidence in enumerate(action.evidence):
            places += [
                (("evidence", index, "staff_refs", i), r) for i, r in enumerate(evidence.staff_refs)
            ]
        for loc, ref in places:
            if not pattern.match(ref):
                yield finding(
                    path,
                    "privacy-staff-ref",
                    f"staff reference '{ref}' does not look like a pseudonymous reference",
                    hint="refer to staff by their staff or payroll number (e.g. CW-014), never "
                    "by name; the pattern is policy privacy.staff_ref_pattern",
                    loc=loc,
                    subject=action.id,
                )


def evidence_names(ctx: RuleContext) -> Iterator[Finding]:
    """Evidence file names carry no identifiable data about people (see rules/personal.py)."""
    cited: list[tuple[str, str, Loc, str | None]] = []
    for measure, path, _ in items(ctx, "measure"):
        for index, reading in enumerate(measure.readings):
            cited.append((path, measure.id, ("readings", index, "file"), reading.file))
    for action, path, _ in items(ctx, "action"):
        for index, evidence in enumerate(action.evidence):
            cited.append((path, action.id, ("evidence", index, "file"), evidence.file))
    for path, subject, loc, ref in cited:
        if ref is None:
            continue
        for shown in personal.scan_name(ref):
            yield finding(
                path,
                "privacy-evidence-file",
                f"the file name {ref} contains '{shown}', which looks like it identifies a person",
                hint="evidence is pushed with the trackers: rename the file, refer to people who "
                "use services only by pseudonymous references (e.g. SU-0412), and keep "
                "identifiable records in the care system, cited with --document",
                loc=loc,
                subject=subject,
            )


def closure(ctx: RuleContext) -> Iterator[Finding]:
    """The closure rule: no action is closed without evidence that practice has changed."""
    for action, path, _ in items(ctx, "action"):
        if action.status is Status.CLOSED:
            for gap in closure_gaps(action, action.closure, ctx):
                yield gap.located(path)
