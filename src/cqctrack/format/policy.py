"""Policy: the governance settings in `cqctrack.yaml`, and their defaults, in one place.

`DEFAULT_POLICY` is what a repository gets for every key it leaves out. The
pydantic models take their defaults from it, the `cqctrack init` template is
generated from it (`policy_yaml`), and a test holds the README's annotated
example to it, so the three can never disagree.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class ExtensionLogging(StrEnum):
    """What counts as a logged extension when a due date moves in git.

    ANYTIME: an entry in the extension log for the new date, added in the same
    commit, before it or after it, logs the move. SAME_COMMIT: only an entry added
    in the commit that moved the date does (`cqctrack extend` always does this).
    """

    ANYTIME = "anytime"
    SAME_COMMIT = "same-commit"


class Proof(StrEnum):
    """How a sign-off (a closure, an approval, a closure decision) is proven from git.

    RECORDED: the file is trusted as written. AUTHOR: the commit that adds the entry is
    authored from one of the signer's registered e-mails. SIGNED: that commit also
    carries a good SSH or GPG signature made with a key registered for the signer.
    """

    RECORDED = "recorded"
    AUTHOR = "author"
    SIGNED = "signed"


PROOF_ORDER = {Proof.RECORDED: 0, Proof.AUTHOR: 1, Proof.SIGNED: 2}


class FlagSeverity(StrEnum):
    """How `check` reports history's flags (back-dated entries, evidence edited after
    closure, ...): as warnings (exit 0 unless --strict) or as errors."""

    WARNING = "warning"
    ERROR = "error"


class CadencePolicy(NamedTuple):
    weekly_days: int
    monthly_days: int


class DriftPolicy(NamedTuple):
    due_soon_days: int
    extension_threshold: int
    escalation_grace_days: int
    high_risk_review_days: int
    staff_repeat_threshold: int


class ClosurePolicy(NamedTuple):
    verifier_may_be_owner: bool
    verifier_roles: tuple[str, ...]
    require_approval: bool
    outcome_min_words: int


class SignoffPolicy(NamedTuple):
    proof: Proof
    # History up to this commit id or date (YYYY-MM-DD, inclusive) was imported or
    # committed before cqctrack kept the record: its entries count as recorded, not
    # proven, and its changes raise no history flags. None: all history is judged.
    imported_until: str | None


class RolesPolicy(NamedTuple):
    weekly_review: tuple[str, ...]  # may record weekly management review
    monthly_review: tuple[str, ...]  # may record monthly provider scrutiny
    approve_extension: tuple[str, ...]  # may approve an extension (never the owner)


class AuditPolicy(NamedTuple):
    backdating_days: int
    extension_logging: ExtensionLogging
    history_flags: FlagSeverity


class PrivacyPolicy(NamedTuple):
    person_ref_pattern: str
    staff_ref_pattern: str


class Policy(NamedTuple):
    cadence: CadencePolicy
    drift: DriftPolicy
    closure: ClosurePolicy
    signoff: SignoffPolicy
    roles: RolesPolicy
    audit: AuditPolicy
    privacy: PrivacyPolicy


DEFAULT_VERIFIER_ROLES = (
    "registered-manager",
    "deputy-manager",
    "quality-lead",
    "nominated-individual",
    "provider-representative",
)
DEFAULT_PERSON_REF = r"^[A-Z]{1,4}-?\d{2,8}$"
# Staff are referred to the same way (payroll or staff numbers such as CW-014), so
# repeat findings can be counted by staff member without naming anyone.
DEFAULT_STAFF_REF = r"^[A-Z]{1,4}-?\d{2,8}$"

# Who may record each level of oversight, and approve extensions, by default. UK care
# governance: the weekly management review is the registered manager's (or deputy's),
# and anyone at provider level may sit in on it; monthly provider scrutiny belongs to
# the nominated individual, provider representative and quality lead; extensions are
# approved by managers and above, never by the action's owner. Other roles (a
# training lead, a medicines lead) may record ad hoc entries, which do not count
# towards either cadence.
PROVIDER_ROLES = ("nominated-individual", "provider-representative", "quality-lead")
MANAGER_ROLES = ("registered-manager", "deputy-manager")
DEFAULT_ROLES = RolesPolicy(
    weekly_review=MANAGER_ROLES + PROVIDER_ROLES,
    monthly_review=PROVIDER_ROLES,
    approve_extension=MANAGER_ROLES + PROVIDER_ROLES,
)

# Why `anytime` is the default for extension_logging: cqctrack's own `extend`
# writes the log entry and the new due date in one commit, so the reading only
# matters for hand edits; an entry added afterwards still names who approved the
# move and why, which is the governance record an inspector asks for; and an
# entry dated well before the commit that adds it is flagged as back-dated either
# way. Providers under a warning notice may want `same-commit`.
DEFAULT_POLICY = Policy(
    cadence=CadencePolicy(weekly_days=7, monthly_days=31),
    drift=DriftPolicy(
        due_soon_days=14,
        extension_threshold=2,
        escalation_grace_days=14,
        high_risk_review_days=7,
        staff_repeat_threshold=2,
    ),
    # Eight words: enough to say what changed and how it was checked ("Re-audit of
    # 40 MARs found no omissions"), too many for "done" or "completed as agreed".
    closure=ClosurePolicy(
        verifier_may_be_owner=False,
        verifier_roles=DEFAULT_VERIFIER_ROLES,
        require_approval=False,
        outcome_min_words=8,
    ),
    signoff=SignoffPolicy(proof=Proof.AUTHOR, imported_until=None),
    roles=DEFAULT_ROLES,
    audit=AuditPolicy(
        backdating_days=7,
        extension_logging=ExtensionLogging.ANYTIME,
        history_flags=FlagSeverity.WARNING,
    ),
    privacy=PrivacyPolicy(
        person_ref_pattern=DEFAULT_PERSON_REF, staff_ref_pattern=DEFAULT_STAFF_REF
    ),
)

# One line of explanation per key, for the `cqctrack init` template.
COMMENTS: dict[str, str] = {
    "cadence.weekly_days": "management review: every open action reviewed this often",
    "cadence.monthly_days": "provider scrutiny (nominated individual / provider representative)",
    "drift.due_soon_days": '"due soon" window',
    "drift.extension_threshold": "extended this many times = repeatedly extended",
    "drift.escalation_grace_days": "overdue this long = escalate to provider level",
    "drift.high_risk_review_days": "a high-risk action unreviewed this long is red",
    "drift.staff_repeat_threshold": "a staff reference on this many actions is a repeat",
    "closure.verifier_may_be_owner": "closure needs someone other than the owner",
    "closure.verifier_roles": "",
    "closure.require_approval": "true: an approve-closure review must come first",
    "closure.outcome_min_words": "a closure's outcome statement needs at least this many words",
    "signoff.proof": "recorded, author or signed: how git proves who signed off",
    "signoff.imported_until": "a commit id or date: history up to it counts as recorded only",
    "roles.weekly_review": "may record weekly management review",
    "roles.monthly_review": "may record monthly provider scrutiny",
    "roles.approve_extension": "may approve an extension (never the action's owner)",
    "audit.backdating_days": "entries dated this long before their commit are flagged",
    "audit.extension_logging": "anytime or same-commit: when a due-date move counts as logged",
    "audit.history_flags": "warning or error: how check reports history's flags",
    "privacy.person_ref_pattern": "e.g. SU-0412; never names",
    "privacy.staff_ref_pattern": "staff references, e.g. CW-014; never names",
}


def _yaml_value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def policy_yaml(policy: Policy = DEFAULT_POLICY) -> str:
    """The `policy:` block of a new `cqctrack.yaml`, every key written out with a comment."""
    lines = ["policy:"]
    for section, values in policy._asdict().items():
        lines.append(f"  {section}:")
        for key, value in values._asdict().items():
            comment = COMMENTS.get(f"{section}.{key}", "")
            line = f"    {key}: {_yaml_value(value)}"
            lines.append(f"{line}  # {comment}" if comment else line)
    return "\n".join(lines) + "\n"
