"""Rules about evidence and people's data: evidence files, pseudonymous references, closure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cqctrack.findings import Finding
from cqctrack.format.vocab import Status
from cqctrack.rules.checks.base import evidence_file, finding, items
from cqctrack.rules.closure import closure_gaps
from cqctrack.rules.context import RuleContext


def evidence_files(ctx: RuleContext) -> Iterator[Finding]:
    """Evidence files that readings and open actions point at exist inside the repository."""
    for measure, path, _ in items(ctx, "measure"):
        for index, reading in enumerate(measure.readings):
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
        for index, evidence in enumerate(action.evidence):
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


def closure(ctx: RuleContext) -> Iterator[Finding]:
    """The closure rule: no action is closed without evidence that practice has changed."""
    for action, path, _ in items(ctx, "action"):
        if action.status is Status.CLOSED:
            for gap in closure_gaps(action, action.closure, ctx):
                yield gap.located(path)
