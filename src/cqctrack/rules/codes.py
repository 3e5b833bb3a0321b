"""Every finding code cqctrack gives, where it shows and what it means.

The README's table of codes is this table (a test keeps them the same), and a
test runs every rule to check that nothing gives a code missing from it. Codes
are stable: scripts may filter on them, and `check --select/--ignore` takes them
(or their first word, such as `closure`).
"""

from __future__ import annotations

from dataclasses import dataclass

# Where a finding shows: `check` (a problem in the files), `review` (a reason for a
# BRAG rating) or `history` (a flag in an action's audit trail).
CHECK, REVIEW, HISTORY = "check", "review", "history"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    shown_in: tuple[str, ...]
    meaning: str


# Found while reading files, by the store, before any rule runs.
_READING = (
    Code("file-unreadable", (CHECK,), "the file cannot be read"),
    Code("file-empty", (CHECK,), "the file is empty"),
    Code("file-encoding", (CHECK,), "the file is not UTF-8 text"),
    Code("file-too-large", (CHECK,), "the file is larger than 256 KiB"),
    Code("yaml-syntax", (CHECK,), "the file is not valid YAML"),
    Code("yaml-duplicate-key", (CHECK,), "a key appears twice in one mapping"),
    Code("yaml-alias", (CHECK,), "YAML anchors and aliases are not allowed"),
    Code("yaml-tag", (CHECK,), "YAML tags are not allowed"),
    Code("layout-missing-trackers", (CHECK,), "there is no trackers/ folder"),
    Code("layout-missing-tracker-file", (CHECK,), "a tracker folder has no tracker.yaml"),
    Code("layout-bad-folder-name", (CHECK,), "a tracker folder name is not a slug"),
    Code("layout-wrong-extension", (CHECK,), "a tracker file ends in .yml"),
    Code("layout-unexpected", (CHECK,), "a file or folder cqctrack does not read"),
    Code("schema-missing-field", (CHECK,), "a required field is missing"),
    Code("schema-unknown-field", (CHECK,), "a field the format does not have (often a typo)"),
    Code("schema-invalid", (CHECK,), "a value of the wrong type, form or range"),
    Code("id-file-name", (CHECK,), "an id does not match its file name"),
    Code("id-duplicate", (CHECK,), "two files use the same id"),
)

_CODES = (
    *_READING,
    # Check rules (rules/checks/).
    Code("reference-unknown-framework", (CHECK,), "a framework cqctrack does not hold"),
    Code("policy-no-verifier", (CHECK,), "no one in the register may verify closures"),
    Code("consistency-duplicate-email", (CHECK,), "an e-mail address listed for two people"),
    Code("consistency-duplicate-prefix", (CHECK,), "two trackers share an id prefix"),
    Code("consistency-id-prefix", (CHECK,), "an id without its tracker's prefix"),
    Code("reference-unknown-person", (CHECK,), "a person not in the people register"),
    Code("reference-unknown-statement", (CHECK,), "a statement id not in the framework"),
    Code("consistency-duplicate-entry", (CHECK,), "a statement or reading period listed twice"),
    Code("reference-unknown-regulation", (CHECK,), "not one of Regulations 9 to 20A"),
    Code("reference-unknown-concern", (CHECK,), "a concern that does not exist"),
    Code("reference-other-tracker", (CHECK,), "a concern in another tracker"),
    Code("reference-unknown-kind", (CHECK,), "an evidence kind or category cqctrack does not know"),
    Code("reference-unknown-requirement", (CHECK,), "evidence for a requirement the action lacks"),
    Code("consistency-future-date", (CHECK,), "an entry dated after the day judged"),
    Code(
        "consistency-period-not-ended",
        (CHECK, HISTORY),
        "a reading recorded before its period ended",
    ),
    Code("consistency-no-measure", (CHECK,), "a concern with no measurable target"),
    Code("consistency-no-action", (CHECK,), "a concern with no actions"),
    Code("consistency-order", (CHECK,), "readings not listed oldest first"),
    Code("consistency-dates", (CHECK,), "a date before the action was created"),
    Code(
        "consistency-status", (CHECK,), "a closure or cancellation record at odds with the status"
    ),
    Code("consistency-duplicate-id", (CHECK,), "two requirements or evidence entries share an id"),
    Code("consistency-extension", (CHECK,), "an extension that is not later, or out of sequence"),
    Code(
        "drift-unlogged-extension",
        (CHECK, HISTORY),
        "a due date moved later without a logged extension",
    ),
    Code(
        "evidence-missing-file",
        (CHECK,),
        "an evidence file that is missing or outside the repository",
    ),
    Code(
        "oversight-by-owner",
        (CHECK, REVIEW, HISTORY),
        "an owner recorded oversight of their own action",
    ),
    Code(
        "oversight-wrong-role",
        (CHECK,),
        "oversight recorded by a role that may not record its level",
    ),
    Code(
        "oversight-decision-role",
        (CHECK,),
        "a closure decision by a role that may not verify closures",
    ),
    Code("approval-by-owner", (CHECK,), "an owner approved their own action's extension"),
    Code(
        "approval-wrong-role",
        (CHECK,),
        "an extension or cancellation approved by a role that may not",
    ),
    Code("privacy-person-ref", (CHECK,), "a person reference that is not pseudonymous"),
    Code("closure-missing", (CHECK,), "status closed without a closure record"),
    Code("closure-evidence-file", (CHECK,), "a closed action's evidence file is missing"),
    Code("closure-missing-evidence", (CHECK,), "a closed action's requirement has no evidence"),
    Code(
        "closure-wrong-evidence-kind",
        (CHECK,),
        "a requirement's evidence is of a kind it does not accept",
    ),
    Code("closure-unknown-verifier", (CHECK,), "the verifier is not in the people register"),
    Code("closure-verifier-is-owner", (CHECK,), "the owner verified their own action"),
    Code("closure-verifier-role", (CHECK,), "the verifier's role may not verify closures"),
    Code("closure-before-evidence", (CHECK,), "the closure is dated before its evidence"),
    Code("closure-future-date", (CHECK,), "the closure is dated in the future"),
    Code("closure-before-created", (CHECK,), "the closure is dated before the action was created"),
    Code(
        "closure-not-approved",
        (CHECK,),
        "no approve-closure review before the closure (when policy requires one)",
    ),
    # Drift: the reasons for an action's BRAG rating (rules/drift.py).
    Code("overdue", (REVIEW,), "open past its due date (Red)"),
    Code("extended", (REVIEW,), "extended, logged or not (Red from the policy threshold)"),
    Code("high-risk-unreviewed", (REVIEW,), "a high-risk action not reviewed in time (Red)"),
    Code("closure-rejected", (REVIEW,), "a reject-closure decision still stands (Amber)"),
    Code("escalated-at-review", (REVIEW,), "the latest review escalated it (Amber)"),
    Code("challenged-at-review", (REVIEW,), "the latest review challenged it (Amber)"),
    Code(
        "weak-evidence",
        (REVIEW,),
        "put forward or closed with evidence short of its requirements (Amber)",
    ),
    Code("awaiting-verification", (REVIEW,), "awaiting verification too long (Amber)"),
    Code("unreviewed", (REVIEW,), "no management review within the weekly cadence (Amber)"),
    Code(
        "no-provider-review", (REVIEW,), "no provider scrutiny within the monthly cadence (Amber)"
    ),
    Code("due-soon", (REVIEW,), "due within the policy's window (Amber)"),
    Code("reopened", (REVIEW,), "closed once, then reopened (Amber)"),
    # History's flags (rules/governance.py): in check, on the review's rows and in history.
    Code(
        "signoff-not-by-signer",
        (CHECK, REVIEW, HISTORY),
        "a sign-off committed by someone other than its signer",
    ),
    Code(
        "signoff-no-email",
        (CHECK, REVIEW, HISTORY),
        "a sign-off whose signer has no e-mail to prove it by",
    ),
    Code(
        "signoff-unsigned",
        (CHECK, REVIEW, HISTORY),
        "a sign-off committed without a signature (policy signed)",
    ),
    Code(
        "signoff-bad-signature",
        (CHECK, REVIEW, HISTORY),
        "a sign-off whose signature is bad or not from the signer's registered key",
    ),
    Code(
        "signoff-under-relaxation",
        (CHECK, REVIEW, HISTORY),
        "a sign-off recorded while a relaxation stood that the rules before it would refuse",
    ),
    Code(
        "signoff-recorded",
        (HISTORY,),
        "a sign-off in imported history: recorded, not proven (for information)",
    ),
    Code(
        "audit-dated-after-commit",
        (CHECK, REVIEW, HISTORY),
        "an entry dated after the commit that added it",
    ),
    Code(
        "audit-backdated",
        (CHECK, REVIEW, HISTORY),
        "an entry dated well before the commit that added it",
    ),
    Code("audit-extension-logged-late", (HISTORY,), "an extension logged long after its move"),
    Code("audit-file-deleted", (CHECK, HISTORY), "the action file was deleted"),
    Code(
        "audit-evidence-edited-after-closure",
        (CHECK, REVIEW, HISTORY),
        "evidence edited after closure",
    ),
    Code(
        "audit-evidence-removed-after-closure",
        (CHECK, REVIEW, HISTORY),
        "evidence removed after closure",
    ),
    Code(
        "audit-requirement-removed",
        (CHECK, REVIEW, HISTORY),
        "an evidence requirement removed after it was agreed",
    ),
    Code(
        "audit-requirement-changed",
        (CHECK, REVIEW, HISTORY),
        "an evidence requirement changed after it was agreed",
    ),
    Code(
        "audit-closure-edited", (CHECK, REVIEW, HISTORY), "a closure edited after it was recorded"
    ),
    Code(
        "policy-relaxed",
        (CHECK, REVIEW, HISTORY),
        "a policy or register change that relaxed the rules",
    ),
)

CODES: dict[str, Code] = {c.code: c for c in _CODES}
READING_CODES = frozenset(c.code for c in _READING)


def matching(patterns: list[str]) -> tuple[set[str], list[str]]:
    """The codes that `patterns` (codes, or a code's first word) name, and any that name none."""
    chosen: set[str] = set()
    unknown: list[str] = []
    for pattern in patterns:
        hits = {c for c in CODES if c == pattern or c.split("-", 1)[0] == pattern}
        if hits:
            chosen |= hits
        else:
            unknown.append(pattern)
    return chosen, unknown
