"""The closure rule: no action is closed without evidence that practice has changed.

This module is the one place the rule lives. `check` applies it to every closed
action; `cqctrack close` applies it to the closure it is about to write and refuses,
one line per unmet condition, when it fails. An action may be closed only when:

1. every evidence requirement has at least one evidence entry that satisfies it,
   of a kind the requirement accepts, and whose file exists inside the repository
   (or which names an external document);
2. the verifier is in the people register, holds a role allowed to verify
   (policy `closure.verifier_roles`) and is not the action's owner (unless policy
   `closure.verifier_may_be_owner` says otherwise);
3. the closure is dated on or after every piece of evidence and not in the future;
4. where policy `closure.require_approval` is set, an `approve-closure` review
   stands (not followed by a `reject-closure`) on or before the closure date;
5. the outcome statement says what changed: at least policy
   `closure.outcome_min_words` words ("done" is not an outcome).

Evidence and reviews are taken as they stand after corrections: a withdrawn entry
does not count, a replaced one counts as its replacement says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cqctrack.findings import Finding, Loc, Severity
from cqctrack.format.catalogue import Catalogue
from cqctrack.format.layout import FileCheck
from cqctrack.format.records import Action, Closure, Evidence, Requirement
from cqctrack.format.vocab import Decision

if TYPE_CHECKING:
    from cqctrack.rules.context import RuleContext


def _gap(
    code: str,
    message: str,
    hint: str | None,
    loc: Loc,
    action: Action,
    severity: Severity = Severity.ERROR,
) -> Finding:
    """One unmet closure condition, with where in the action file it shows."""
    return Finding(
        code=code, message=message, hint=hint, loc=loc, subject=action.id, severity=severity
    )


def evidence_for(action: Action, requirement: Requirement) -> list[Evidence]:
    return [e for e in action.current_evidence if requirement.id in e.satisfies]


def meets(catalogue: Catalogue, requirement: Requirement, evidence: Evidence) -> bool:
    return any(catalogue.kind_accepts(accepted, evidence.kind) for accepted in requirement.kinds)


def unmet_requirements(action: Action, catalogue: Catalogue, file_check: FileCheck) -> list[str]:
    """Ids of requirements with no usable evidence of an accepted kind (for drift rules too)."""
    unmet = []
    for requirement in action.evidence_required:
        usable = [
            e
            for e in evidence_for(action, requirement)
            if meets(catalogue, requirement, e) and (e.file is None or file_check(e.file) is None)
        ]
        if not usable:
            unmet.append(requirement.id)
    return unmet


def requirements_met(
    action: Action, catalogue: Catalogue, file_check: FileCheck
) -> tuple[int, int]:
    """(met, total): how many evidence requirements have usable evidence of an accepted kind."""
    total = len(action.evidence_required)
    return total - len(unmet_requirements(action, catalogue, file_check)), total


def closure_gaps(action: Action, closure: Closure | None, ctx: RuleContext) -> list[Finding]:
    """Every reason `action` may not be closed with `closure`; empty when it may."""
    if closure is None:
        return [
            _gap(
                "closure-missing",
                "status is closed but there is no closure record",
                "close actions with `cqctrack close ID --verified-by PERSON --outcome TEXT`, "
                "or add a `closure:` block with date, verified_by and outcome",
                ("status",),
                action,
            )
        ]
    gaps = _evidence_gaps(action, ctx)
    gaps += _verifier_gaps(action, closure, ctx)
    gaps += _date_gaps(action, closure, ctx)
    if ctx.policy.closure.require_approval:
        gaps += _approval_gaps(action, closure)
    gaps += _outcome_gaps(action, closure, ctx)
    return gaps


def words(text: str) -> int:
    """Words in a statement: runs of letters or digits ("97%", "MAR-charts" count once)."""
    return sum(1 for part in text.split() if any(ch.isalnum() for ch in part))


def _outcome_gaps(action: Action, closure: Closure, ctx: RuleContext) -> list[Finding]:
    # Completion is not improvement: the outcome says what changed in practice and how
    # it was checked, against what the action agreed would show it.
    least = ctx.policy.closure.outcome_min_words
    if closure.imported:
        # A closure copied from a spreadsheet says only what the plan said ("Marked Blue
        # in the imported plan"); it stands unverified until an approve-closure review
        # confirms it (rules/drift.py), which is where its substance is judged.
        return []
    found = words(closure.outcome)
    if found >= least:
        return []
    agreed = "; ".join(f"{r.id}: {r.description}" for r in action.evidence_required)
    return [
        _gap(
            "closure-outcome-too-short",
            f"the outcome statement '{closure.outcome}' has {found} word"
            f"{'' if found == 1 else 's'}; policy closure.outcome_min_words asks for {least}",
            f"say what changed in practice and how it was checked against what was agreed "
            f"({agreed}) and the expected outcome ({action.expected_outcome})",
            ("closure", "outcome"),
            action,
            # `close` refuses it; in `check` it warns, so closures recorded before the
            # policy existed do not turn every CI run red (--strict fails on it).
            Severity.WARNING,
        )
    ]


def _evidence_gaps(action: Action, ctx: RuleContext) -> list[Finding]:
    gaps = []
    for index, evidence in action.indexed("evidence"):
        if evidence.file is not None:
            problem = ctx.file_check(evidence.file)
            if problem is not None:
                gaps.append(
                    _gap(
                        "closure-evidence-file",
                        f"evidence {evidence.id} refers to {evidence.file}, which {problem}",
                        "add the file to the repository, correct the path, "
                        "or refer to the document with `document:` instead",
                        ("evidence", index, "file"),
                        action,
                    )
                )
    for index, requirement in enumerate(action.evidence_required):
        offered = evidence_for(action, requirement)
        right_kind = [e for e in offered if meets(ctx.catalogue, requirement, e)]
        accepted = ctx.catalogue.describe_accepted(requirement.kinds)
        loc: Loc = ("evidence_required", index)
        if not offered:
            gaps.append(
                _gap(
                    "closure-missing-evidence",
                    f"evidence requirement {requirement.id} ({requirement.description}) "
                    "has no evidence",
                    f"record it with `cqctrack evidence add {action.id} --satisfies "
                    f"{requirement.id} --kind {requirement.kinds[0]} --ref FILE_OR_DOCUMENT "
                    "--summary TEXT`",
                    loc,
                    action,
                )
            )
        elif not right_kind:
            kinds = ", ".join(f"{e.id} is {e.kind}" for e in offered)
            gaps.append(
                _gap(
                    "closure-wrong-evidence-kind",
                    f"evidence requirement {requirement.id} needs {accepted}, but {kinds}",
                    "add evidence of an accepted kind, or change the requirement "
                    "(with the registered manager's agreement) if the kind was wrong",
                    loc,
                    action,
                )
            )
        elif all(e.file is not None and ctx.file_check(e.file) is not None for e in right_kind):
            gaps.append(
                _gap(
                    "closure-missing-evidence",
                    f"evidence requirement {requirement.id} has evidence only in files "
                    "that cannot be found",
                    None,
                    loc,
                    action,
                )
            )
    return gaps


def _verifier_gaps(action: Action, closure: Closure, ctx: RuleContext) -> list[Finding]:
    policy = ctx.policy.closure
    verifier = ctx.people.get(closure.verified_by)
    loc: Loc = ("closure", "verified_by")
    if verifier is None:
        return [
            _gap(
                "closure-unknown-verifier",
                f"verifier '{closure.verified_by}' is not in the people register",
                "add them to `people` in cqctrack.yaml or name someone who is",
                loc,
                action,
            )
        ]
    gaps = []
    if closure.verified_by == action.owner and not policy.verifier_may_be_owner:
        gaps.append(
            _gap(
                "closure-verifier-is-owner",
                f"the verifier ({closure.verified_by}) is the action's owner; "
                "closure needs independent verification",
                "ask a manager who did not own the action to verify it",
                loc,
                action,
            )
        )
    if verifier.role not in policy.verifier_roles:
        roles = ", ".join(policy.verifier_roles)
        gaps.append(
            _gap(
                "closure-verifier-role",
                f"the verifier ({closure.verified_by}) is a {verifier.role}, "
                "which may not verify closures",
                f"roles that may verify: {roles} (policy closure.verifier_roles)",
                loc,
                action,
            )
        )
    return gaps


def _date_gaps(action: Action, closure: Closure, ctx: RuleContext) -> list[Finding]:
    gaps = []
    later = [e for e in action.current_evidence if e.date > closure.date]
    if later:
        listed = ", ".join(f"{e.id} ({e.date.isoformat()})" for e in later)
        gaps.append(
            _gap(
                "closure-before-evidence",
                f"closure date {closure.date.isoformat()} is before evidence {listed}",
                "an action can only be verified once its evidence exists",
                ("closure", "date"),
                action,
            )
        )
    if closure.date > ctx.today:
        gaps.append(
            _gap(
                "closure-future-date",
                f"closure date {closure.date.isoformat()} is in the future",
                "record the closure on the day it is verified",
                ("closure", "date"),
                action,
            )
        )
    if closure.date < action.created:
        gaps.append(
            _gap(
                "closure-before-created",
                f"closure date {closure.date.isoformat()} is before the action was created "
                f"({action.created.isoformat()})",
                None,
                ("closure", "date"),
                action,
            )
        )
    return gaps


def approval_stood(action: Action, closure: Closure) -> bool:
    """Whether an approve-closure review stood (not followed by a rejection) at the closure."""
    return not _approval_gaps(action, closure)


def _approval_gaps(action: Action, closure: Closure) -> list[Finding]:
    standing = None
    for review in sorted(action.current_reviews, key=lambda r: r.date):
        if review.date > closure.date:
            break
        if review.decision is Decision.APPROVE_CLOSURE:
            standing = review
        elif review.decision is Decision.REJECT_CLOSURE:
            standing = None
    if standing is None:
        return [
            _gap(
                "closure-not-approved",
                "no approve-closure review stands before the closure "
                "(policy closure.require_approval)",
                f"record one with `cqctrack oversight {action.id} --decision approve-closure`",
                ("reviews",),
                action,
            )
        ]
    return []
