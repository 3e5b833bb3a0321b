"""Every finding code cqctrack gives, where it shows and what it means.

The README's table of codes is this table (a test keeps them the same), and a
test runs every rule to check that nothing gives a code missing from it. Codes
are stable: scripts may filter on them, and `check --select/--ignore` takes them
(or their first word, such as `closure`).
"""

from __future__ import annotations

from dataclasses import dataclass

# Where a finding shows: `check` (a problem in the files), `review` (a reason for a
# BRAG rating), `history` (a flag in an action's audit trail) or `import` (the report
# of `cqctrack import` on a spreadsheet's rows).
CHECK, REVIEW, HISTORY, IMPORT = "check", "review", "history", "import"


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
    Code("file-not-regular", (CHECK,), "a named pipe, device or folder where a file should be"),
    Code("file-outside-repository", (CHECK,), "a symbolic link leading outside the repository"),
    Code("file-merge-conflict", (CHECK,), "the file holds an unresolved merge conflict"),
    Code("yaml-syntax", (CHECK,), "the file is not valid YAML"),
    Code("yaml-nesting", (CHECK,), "values nested more than 64 levels deep"),
    Code("yaml-number", (CHECK,), "a number too long to be a number (over 100 digits)"),
    Code("yaml-ambiguous", (CHECK,), "YAML that cqctrack's editor would read differently"),
    Code(
        "yaml-ambiguous-number",
        (CHECK,),
        "an unquoted value cqctrack reads as text and editors as a number (0777, 1e3)",
    ),
    Code("yaml-duplicate-key", (CHECK,), "a key appears twice in one mapping"),
    Code("yaml-alias", (CHECK,), "YAML anchors and aliases are not allowed"),
    Code("yaml-tag", (CHECK,), "YAML tags are not allowed"),
    Code("layout-missing-trackers", (CHECK,), "there is no trackers/ folder"),
    Code("layout-missing-tracker-file", (CHECK,), "a tracker folder has no tracker.yaml"),
    Code("layout-bad-folder-name", (CHECK,), "a tracker folder name is not a slug"),
    Code("layout-wrong-extension", (CHECK,), "a tracker file ends in .yml"),
    Code("layout-unexpected", (CHECK,), "a file or folder cqctrack does not read"),
    Code("layout-stray-file", (CHECK,), "a YAML file where cqctrack reads none"),
    Code(
        "layout-stale-schema",
        (CHECK,),
        "a file in schemas/ is not what this version exports (warning)",
    ),
    Code(
        "layout-stale-codeowners",
        (CHECK,),
        "CODEOWNERS does not name who the register and trackers give (warning)",
    ),
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
    Code("consistency-duplicate-evidence", (CHECK,), "the same evidence recorded twice"),
    Code(
        "consistency-correction",
        (CHECK,),
        "a correction of an entry that does not exist, or out of order",
    ),
    Code("consistency-person-left", (CHECK,), "someone acting for the service after they left"),
    Code("consistency-meeting", (CHECK,), "a meeting listing a decision the files do not hold"),
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
    Code("privacy-nhs-number", (CHECK,), "an NHS number (passes the modulus-11 check)"),
    Code("privacy-ni-number", (CHECK,), "a National Insurance number"),
    Code("privacy-date-of-birth", (CHECK,), "a date of birth (a date beside DOB, born ...)"),
    Code("privacy-phone-number", (CHECK,), "a UK phone number (warning)"),
    Code("privacy-email", (CHECK,), "an e-mail address outside the people register's domains"),
    Code("privacy-postcode", (CHECK,), "a postcode (information only)"),
    Code("privacy-name", (CHECK,), "a name on the local deny-list"),
    Code(
        "privacy-title-name", (CHECK,), "a title and a name (Mrs Jones) in text or an evidence file"
    ),
    Code("text-hidden-character", (CHECK,), "a control character or bidi control in text"),
    Code("privacy-staff-ref", (CHECK,), "a staff reference that is not pseudonymous"),
    Code(
        "privacy-evidence-file",
        (CHECK,),
        "an evidence file whose name identifies a person",
    ),
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
    Code("closure-outcome-too-short", (CHECK,), "an outcome statement with too few words"),
    # Drift: the reasons for an action's BRAG rating (rules/drift.py).
    Code("owner-left", (REVIEW,), "open, and its owner has left (Red)"),
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
    Code(
        "imported-closure",
        (REVIEW,),
        "closed in an imported spreadsheet and not yet confirmed in cqctrack (Amber)",
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
    Code(
        "audit-imported-closure",
        (HISTORY,),
        "a closure copied from a spreadsheet, not verified in cqctrack",
    ),
    # Reading a spreadsheet plan (write/plan/, write/importing.py).
    Code("import-no-headings", (IMPORT,), "a sheet with no headings cqctrack recognises"),
    Code("import-column-ignored", (IMPORT,), "a column cqctrack does not import"),
    Code("import-missing", (IMPORT,), "a row without a value an action needs"),
    Code("import-bad-date", (IMPORT,), "a value that is not a date"),
    Code("import-date-read", (IMPORT,), "a date read from text or an Excel date number"),
    Code("import-unknown-person", (IMPORT,), "a name not in the people register"),
    Code("import-ambiguous-person", (IMPORT,), "a name that could be more than one person"),
    Code("import-person-matched", (IMPORT,), "a name matched by initials, part of a name or role"),
    Code("import-unknown-status", (IMPORT,), "a status or RAG rating cqctrack does not know"),
    Code("import-colour-read", (IMPORT,), "a RAG rating read from a cell's fill colour"),
    Code("import-unknown-risk", (IMPORT,), "a risk or priority cqctrack does not know"),
    Code("import-unknown-statement", (IMPORT,), "a quality statement cqctrack does not know"),
    Code("import-unknown-regulation", (IMPORT,), "not one of Regulations 9 to 20A"),
    Code("import-split-cell", (IMPORT,), "several actions in one cell, imported one by one"),
    Code("import-not-closed", (IMPORT,), "marked complete, but the closure rule is not met"),
    Code("import-cancelled", (IMPORT,), "marked cancelled in the plan, so not imported"),
    Code(
        "import-already-imported", (IMPORT,), "a row the tracker holds already, not imported again"
    ),
    Code("import-invalid", (IMPORT,), "the action a row makes would fail `check`"),
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
