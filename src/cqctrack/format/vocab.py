"""The words of the tracker format: statuses, risks, decisions and the like.

Kept apart from the pydantic models so the fast read path (the weekly review from
its cache) can use them without importing pydantic.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

# Dates in files: ISO text only. No timestamps, no "1/10/26", no numbers, and
# not the basic form "20261001" that `date.fromisoformat` would also take.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: object) -> date | None:
    """The date an ISO `YYYY-MM-DD` text names, or None for anything else."""
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    AWAITING_VERIFICATION = "awaiting-verification"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_VERIFICATION})


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ServiceType(StrEnum):
    HOMECARE = "homecare"
    SUPPORTED_LIVING = "supported-living"
    RESIDENTIAL = "residential"
    NURSING = "nursing"
    EXTRA_CARE = "extra-care"
    DAY_SERVICE = "day-service"
    HOSPICE = "hospice"
    MENTAL_HEALTH = "mental-health"
    PRIMARY_CARE = "primary-care"
    HOSPITAL = "hospital"
    OTHER = "other"


class ConcernSource(StrEnum):
    INSPECTION_FEEDBACK = "inspection-feedback"
    REQUIREMENT_NOTICE = "requirement-notice"
    WARNING_NOTICE = "warning-notice"
    INTERNAL_AUDIT = "internal-audit"
    PROVIDER_REVIEW = "provider-review"
    COMPLAINT = "complaint"
    INCIDENT = "incident"
    SAFEGUARDING_REVIEW = "safeguarding-review"
    COMMISSIONER_MONITORING = "commissioner-monitoring"
    STAFF_FEEDBACK = "staff-feedback"
    OTHER = "other"


class ReviewLevel(StrEnum):
    WEEKLY = "weekly"  # management review, usually the registered manager
    MONTHLY = "monthly"  # provider scrutiny: nominated individual or provider representative
    AD_HOC = "ad-hoc"


class Decision(StrEnum):
    ON_TRACK = "on-track"
    CHALLENGE = "challenge"
    ESCALATE = "escalate"
    APPROVE_CLOSURE = "approve-closure"
    REJECT_CLOSURE = "reject-closure"


# Decisions a review of a whole concern or tracker can take: closure is an action's.
SCOPE_DECISIONS = frozenset({Decision.ON_TRACK, Decision.CHALLENGE, Decision.ESCALATE})


class Change(StrEnum):
    """What a correction did to the entry it points at (see models.Correction)."""

    WITHDRAWN = "withdrawn"  # the entry no longer counts; it stays in the file
    REPLACED = "replaced"  # a later entry replaces it; both stay in the file
    AMENDED = "amended"  # a field changed in place (person_ref: never keep identifiable text)


class RequirementChangeKind(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


class Direction(StrEnum):
    AT_LEAST = "at-least"
    AT_MOST = "at-most"


class Period(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


# What a reading's period looks like, for each kind of measure: the models, the check
# rule and the exported schemas all use these (issue 13: `2026-13` was accepted).
PERIOD_FORMS = {
    Period.WEEKLY: r"\d{4}-W(?:0[1-9]|[1-4]\d|5[0-3])",
    Period.MONTHLY: r"\d{4}-(?:0[1-9]|1[0-2])",
    Period.QUARTERLY: r"\d{4}-Q[1-4]",
}
PERIOD_PATTERNS = {period: re.compile(f"^{form}$") for period, form in PERIOD_FORMS.items()}
# A period of any kind (which kind a measure takes is judged against its `period`).
PERIOD_TEXT = "^(?:" + "|".join(PERIOD_FORMS.values()) + ")$"
PERIOD_EXAMPLES = {
    Period.WEEKLY: "2026-W41",
    Period.MONTHLY: "2026-10",
    Period.QUARTERLY: "2026-Q3",
}
