"""The check rules `cqctrack check` runs: a flat tuple of small named rules.

Each rule reads the `RuleContext` (records, catalogue, evidence file states, git
facts, the date) and yields findings; none touches disk or git. Problems found
while reading files (YAML syntax, fields and values, ids) come from the store and
are listed with the rest in `rules/codes.py`. `cqctrack check --list-rules`
prints them all; `--select` and `--ignore` pick by code.
"""

from __future__ import annotations

from collections.abc import Iterable

from cqctrack.findings import Finding
from cqctrack.rules.checks import (
    consistency,
    evidence,
    history,
    privacy,
    references,
    repository,
    roles,
)
from cqctrack.rules.checks.base import CheckRule
from cqctrack.rules.context import RuleContext

CHECKS: tuple[CheckRule, ...] = (
    CheckRule(
        "unknown-framework",
        ("reference-unknown-framework",),
        "cqctrack.yaml and each tracker name a framework cqctrack holds",
        repository.unknown_framework,
    ),
    CheckRule(
        "no-verifier",
        ("policy-no-verifier",),
        "someone in the people register may verify closures",
        repository.no_verifier,
    ),
    CheckRule(
        "duplicate-email",
        ("consistency-duplicate-email",),
        "each commit e-mail address belongs to one person",
        repository.duplicate_email,
    ),
    CheckRule(
        "duplicate-prefix",
        ("consistency-duplicate-prefix",),
        "each tracker has its own id prefix",
        repository.duplicate_prefix,
    ),
    CheckRule(
        "id-prefix",
        ("consistency-id-prefix",),
        "ids start with their tracker's prefix",
        repository.id_prefix,
    ),
    CheckRule(
        "people",
        ("reference-unknown-person",),
        "everyone named in a file is in the people register",
        references.people,
    ),
    CheckRule(
        "statements",
        ("reference-unknown-statement",),
        "statement ids belong to the tracker's framework, or name their set",
        references.statements,
    ),
    CheckRule(
        "duplicate-statements",
        ("consistency-duplicate-entry",),
        "a statement is listed once",
        references.duplicate_statements,
    ),
    CheckRule(
        "regulations",
        ("reference-unknown-regulation",),
        "regulations are fundamental standards, 9 to 20A",
        references.regulations,
    ),
    CheckRule(
        "parent-concern",
        ("reference-unknown-concern", "reference-other-tracker"),
        "measures and actions name a concern in their own tracker",
        references.parent_concern,
    ),
    CheckRule(
        "evidence-kinds",
        ("reference-unknown-kind",),
        "evidence kinds and categories are ones cqctrack knows",
        references.evidence_kinds,
    ),
    CheckRule(
        "requirements",
        ("reference-unknown-requirement",),
        "evidence satisfies requirements its action has",
        references.requirements,
    ),
    CheckRule(
        "future-dates",
        ("consistency-future-date",),
        "nothing is dated after the day judged",
        consistency.future_dates,
    ),
    CheckRule(
        "concern-measure",
        ("consistency-no-measure",),
        "every concern has a measurable target",
        consistency.concern_without_measure,
    ),
    CheckRule(
        "concern-action",
        ("consistency-no-action",),
        "every concern has an action",
        consistency.concern_without_action,
    ),
    CheckRule(
        "percentages",
        ("schema-invalid",),
        "percentage targets and readings lie between 0 and 100",
        consistency.percentages,
    ),
    CheckRule(
        "reading-periods",
        ("schema-invalid",),
        "readings are for periods of the measure's kind",
        consistency.reading_periods,
    ),
    CheckRule(
        "readings-too-early",
        ("consistency-period-not-ended",),
        "readings are recorded once their period has ended",
        consistency.readings_too_early,
    ),
    CheckRule(
        "duplicate-readings",
        ("consistency-duplicate-entry",),
        "one reading per period",
        consistency.duplicate_readings,
    ),
    CheckRule(
        "reading-order",
        ("consistency-order",),
        "readings are listed oldest first",
        consistency.reading_order,
    ),
    CheckRule(
        "due-before-created",
        ("consistency-dates",),
        "an action is not due before it was created",
        consistency.due_before_created,
    ),
    CheckRule(
        "dated-before-created",
        ("consistency-dates",),
        "log entries do not predate their action",
        consistency.dated_before_created,
    ),
    CheckRule(
        "status-records",
        ("consistency-status",),
        "closure and cancellation records go with their status",
        consistency.status_records,
    ),
    CheckRule(
        "duplicate-log-ids",
        ("consistency-duplicate-id",),
        "requirements and evidence entries have their own ids",
        consistency.duplicate_log_ids,
    ),
    CheckRule(
        "duplicate-evidence",
        ("consistency-duplicate-evidence",),
        "the same evidence is not recorded twice",
        consistency.duplicate_evidence,
    ),
    CheckRule(
        "corrections",
        ("consistency-correction",),
        "corrections point at entries that exist, replaced by later ones",
        consistency.corrections,
    ),
    CheckRule(
        "leavers",
        ("consistency-person-left",),
        "no one acts for the service after the day they left",
        consistency.leavers,
    ),
    CheckRule(
        "leaders-left",
        ("consistency-person-left",),
        "each tracker's leaders are still in post",
        consistency.leaders_left,
    ),
    CheckRule(
        "meetings",
        ("consistency-meeting",),
        "a meeting's decisions are in the files it lists",
        consistency.meetings,
    ),
    CheckRule(
        "extension-dates",
        ("consistency-extension",),
        "extensions move the due date later, each from where the last ended",
        consistency.extension_dates,
    ),
    CheckRule(
        "unlogged-extensions",
        ("drift-unlogged-extension",),
        "every due-date move later is in the extension log",
        consistency.unlogged_extensions,
    ),
    CheckRule(
        "oversight-roles",
        ("oversight-by-owner", "oversight-wrong-role", "oversight-decision-role"),
        "oversight is recorded by roles that may record its level, never by the owner",
        roles.oversight_roles,
    ),
    CheckRule(
        "approval-roles",
        ("approval-by-owner", "approval-wrong-role"),
        "extensions and cancellations are approved by roles that may, never by the owner",
        roles.approval_roles,
    ),
    CheckRule(
        "evidence-files",
        ("evidence-missing-file",),
        "evidence files exist inside the repository",
        evidence.evidence_files,
    ),
    CheckRule(
        "person-refs",
        ("privacy-person-ref",),
        "people who use services appear only by pseudonymous references",
        evidence.person_refs,
    ),
    CheckRule(
        "history",
        (
            "signoff-not-by-signer",
            "signoff-no-email",
            "signoff-unsigned",
            "signoff-bad-signature",
            "signoff-under-relaxation",
            "audit-dated-after-commit",
            "audit-backdated",
            "oversight-by-owner",
            "consistency-period-not-ended",
            "audit-evidence-edited-after-closure",
            "audit-evidence-removed-after-closure",
            "audit-requirement-removed",
            "audit-requirement-changed",
            "audit-closure-edited",
            "audit-file-deleted",
            "policy-relaxed",
        ),
        "git shows each entry recorded by whom it names, when it says, and changed only as allowed",
        history.history_flags,
    ),
    CheckRule(
        "personal-data",
        (
            "privacy-nhs-number",
            "privacy-ni-number",
            "privacy-date-of-birth",
            "privacy-phone-number",
            "privacy-email",
            "privacy-postcode",
            "privacy-name",
            "privacy-title-name",
        ),
        "no identifiable details of people who use services in text or evidence files",
        privacy.personal_data,
    ),
    CheckRule(
        "hidden-text",
        ("text-hidden-character",),
        "text holds no control characters or bidi controls",
        privacy.hidden_text,
    ),
    CheckRule(
        "staff-refs",
        ("privacy-staff-ref",),
        "staff appear only by pseudonymous references",
        evidence.staff_refs,
    ),
    CheckRule(
        "evidence-names",
        ("privacy-evidence-file",),
        "evidence file names carry no identifiable data about people",
        evidence.evidence_names,
    ),
    CheckRule(
        "closure",
        (
            "closure-missing",
            "closure-evidence-file",
            "closure-missing-evidence",
            "closure-wrong-evidence-kind",
            "closure-unknown-verifier",
            "closure-verifier-is-owner",
            "closure-verifier-role",
            "closure-before-evidence",
            "closure-future-date",
            "closure-before-created",
            "closure-not-approved",
            "closure-outcome-too-short",
        ),
        "no action is closed without evidence that practice has changed",
        evidence.closure,
    ),
)


def run_checks(ctx: RuleContext, rules: Iterable[CheckRule] = CHECKS) -> list[Finding]:
    """Every check rule's findings (or those of `rules`), in the order the rules are listed."""
    found: list[Finding] = []
    for rule in rules:
        found.extend(rule.run(ctx))
    return found


# The rules that take longest on a large tracker, each reading every text of every
# record (at 10,000 actions 0.9 s and 0.2 s of the 1.9 s all the rules take): `check`
# may judge them in a worker beside the rest (read/check.py).
SLOW = frozenset({"personal-data", "hidden-text"})
