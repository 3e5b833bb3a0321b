"""The tracker data model: what each YAML file may hold, field by field.

Models check the shape of one file only (types, required fields, formats); once
a file is valid, everything reads its record (records.py), never the model.
Rules that look across files or at policy live in `rules/`: the check rules in
`rules/checks/`, the closure rule in `rules/closure.py`, drift and BRAG in
`rules/drift.py`.

Read models are frozen and forbid unknown fields, so a typo such as `owenr:` is an
error with a "did you mean" hint rather than silently ignored data.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from cqctrack.format.policy import DEFAULT_POLICY as _D
from cqctrack.format.policy import ExtensionLogging, FlagSeverity, Proof
from cqctrack.format.vocab import (
    ISO_DATE,
    OPEN_STATUSES,
    PERIOD_FORMS,
    PERIOD_TEXT,
    SCOPE_DECISIONS,
    Change,
    ConcernSource,
    Decision,
    Direction,
    Period,
    RequirementChangeKind,
    ReviewLevel,
    Risk,
    ServiceType,
    Status,
    iso_date,
)

# --- value types -------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    # Only ISO text (or a date the caller already built), which lax parsing would
    # otherwise guess at; see vocab.ISO_DATE.
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        found = iso_date(value)
        if found is None:
            raise ValueError(f"{value} is not a valid date")
        return found
    raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE.pattern}),
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# Text that says something: the schema says the same (at least one character that is not
# a space), so an editor flags a blank title as `check` does.
Text = Annotated[
    str,
    AfterValidator(_not_blank),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"}),
]

# Booleans and numbers are taken only as the YAML dialect reads them (format/dialect.py):
# `true`/`false` are booleans and plain decimals are numbers, nothing else. Lax parsing
# would turn the text `yes` back into True and the text "95" into 95, which no editor
# or schema tool does; strict types make `check` and the schemas agree (issue 13).
Bool = Annotated[bool, Strict()]
Number = Annotated[float, Strict()]  # an integer is a number too; text and booleans are not


def _whole(value: Any) -> Any:
    # JSON Schema (and every YAML tool behind an editor) counts 3.0 as the integer 3.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, Strict(), BeforeValidator(_whole)]


def _not_bool(value: Any) -> Any:
    # `Literal[1]` takes True (True == 1 in Python); JSON Schema's `const: 1` does not.
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} should be a number")
    return value


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
PersonId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9._-]{0,39}$")]
Prefix = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{0,9}$")]

ACTION_ID = r"^[A-Z][A-Z0-9]{0,9}-\d{1,5}$"
CONCERN_ID = r"^[A-Z][A-Z0-9]{0,9}-C\d{1,4}$"
MEASURE_ID = r"^[A-Z][A-Z0-9]{0,9}-M\d{1,4}$"
ActionId = Annotated[str, StringConstraints(pattern=ACTION_ID)]
ConcernId = Annotated[str, StringConstraints(pattern=CONCERN_ID)]
MeasureId = Annotated[str, StringConstraints(pattern=MEASURE_ID)]
RequirementId = Annotated[str, StringConstraints(pattern=r"^R\d{1,3}$")]
EvidenceId = Annotated[str, StringConstraints(pattern=r"^E\d{1,4}$")]

# A quality statement or KLOE id, optionally qualified by its framework
# ("kloe-adult-social-care:S4"). Which set a bare id belongs to is decided by the
# repository's or tracker's `framework`, never guessed (see catalogue.py).
StatementRef = Annotated[
    str, StringConstraints(pattern=r"^(?:[a-z0-9][a-z0-9-]*:)?[A-Z]{1,2}\d{1,2}$")
]


_REGULATION_PREFIXES = ("reg-", "Reg ", "Regulation ", "regulation ")
# The text `_regulation` takes, for the schema.
_REGULATION_TEXT = (
    r"^\s*(?:" + "|".join(_REGULATION_PREFIXES) + r")?"
    r"\d{1,2}[A-Za-z]?\s*$"
)


def _regulation(value: Any) -> Any:
    # People write `12`, `"9A"` or `reg-12`; all mean the same regulation.
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():  # 12.0 is the integer 12 to JSON Schema
        return str(int(value))
    if isinstance(value, str):
        text = value.strip()
        for prefix in _REGULATION_PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :]
        return text.upper()
    return value


RegulationRef = Annotated[
    str,
    BeforeValidator(_regulation),
    StringConstraints(pattern=r"^\d{1,2}[A-Z]?$"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer"},
                {"type": "string", "pattern": _REGULATION_TEXT},
            ],
            "description": 'A regulation number, e.g. 12 or "9A"',
        }
    ),
]

# A pseudonymous staff reference such as CW-014; policy privacy.staff_ref_pattern
# says what one looks like (checked by `check`, as person_ref is).
StaffRef = Annotated[str, StringConstraints(min_length=1, max_length=40)]
# What a correction points at: an evidence entry by id (E2), another log entry by
# its position as `check` names it (reviews[3], progress[2], readings[4]), or the
# action's person_ref.
EntryRef = Annotated[
    str,
    StringConstraints(
        pattern=r"^(?:E\d{1,4}|(?:reviews|progress|readings)\[[1-9]\d{0,3}\]|person_ref)$"
    ),
]

EvidenceKind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
RelPath = Annotated[str, StringConstraints(min_length=1, max_length=400)]
DocumentId = Annotated[str, StringConstraints(min_length=1, max_length=120)]


# A regular expression (policy privacy patterns): `_compiles` checks it compiles.
Pattern = Annotated[str, WithJsonSchema({"type": "string", "format": "regex"})]

# --- building blocks ---------------------------------------------------------------


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SourceRef(Model):
    """Where a piece of evidence lives: a file in this repository or an external document."""

    # `_one_reference`, said in the schema so an editor flags both or neither too.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["file"], "properties": {"file": {"type": "string"}}},
                {"required": ["document"], "properties": {"document": {"type": "string"}}},
            ]
        }
    )

    file: RelPath | None = Field(
        None, description="Path of a file in this repository, e.g. evidence/medicines/audit.pdf"
    )
    document: DocumentId | None = Field(
        None, description="Id of a document held elsewhere, e.g. a DMS or care system reference"
    )

    @model_validator(mode="after")
    def _one_reference(self) -> SourceRef:
        if (self.file is None) == (self.document is None):
            raise ValueError("give exactly one of 'file' or 'document'")
        return self

    @property
    def reference(self) -> str:
        return self.file if self.file is not None else f"document {self.document}"


# --- cqctrack.yaml -----------------------------------------------------------------


# An SSH public key as `ssh-keygen` writes it ("ssh-ed25519 AAAA... comment"), or an
# OpenPGP key fingerprint (40 hexadecimal digits, spaces allowed).
SIGNING_KEY = (
    r"^(?:(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp(?:256|384|521)"
    r"|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: .*)?"
    r"|(?:[0-9A-Fa-f]{4} ?){10})$"
)


class Person(Model):
    name: Text
    role: Slug = Field(description="e.g. registered-manager, nominated-individual, quality-lead")
    emails: list[Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(
        default_factory=list, description="Git commit e-mail addresses used by this person"
    )
    signing_keys: list[Annotated[str, StringConstraints(pattern=SIGNING_KEY)]] = Field(
        default_factory=list,
        description="Public keys this person signs commits with (policy signoff.proof: signed): "
        "an SSH public key line, or an OpenPGP fingerprint",
    )
    left: IsoDate | None = Field(
        None,
        description="The day this person left: their history stays, new work cannot go to them",
    )


class CadencePolicy(Model):
    weekly_days: Whole = Field(
        _D.cadence.weekly_days, ge=1, le=31, description="Days between management reviews"
    )
    monthly_days: Whole = Field(
        _D.cadence.monthly_days, ge=7, le=92, description="Days between provider reviews"
    )


class DriftPolicy(Model):
    due_soon_days: Whole = Field(_D.drift.due_soon_days, ge=0, le=90)
    extension_threshold: Whole = Field(
        _D.drift.extension_threshold,
        ge=1,
        le=10,
        description="Extensions at which an action counts as repeatedly extended",
    )
    escalation_grace_days: Whole = Field(
        _D.drift.escalation_grace_days,
        ge=0,
        le=180,
        description="Days overdue before escalation to provider level",
    )
    high_risk_review_days: Whole = Field(
        _D.drift.high_risk_review_days,
        ge=1,
        le=31,
        description="A high-risk action with no review for longer is red",
    )
    staff_repeat_threshold: Whole = Field(
        _D.drift.staff_repeat_threshold,
        ge=2,
        le=20,
        description="Actions naming one staff reference that make a repeat",
    )


class ClosurePolicy(Model):
    verifier_may_be_owner: Bool = _D.closure.verifier_may_be_owner
    verifier_roles: list[Slug] = Field(default_factory=lambda: list(_D.closure.verifier_roles))
    require_approval: Bool = Field(
        _D.closure.require_approval,
        description="Closure needs an approve-closure review entry first",
    )
    outcome_min_words: Whole = Field(
        _D.closure.outcome_min_words,
        ge=0,
        le=100,
        description="Words a closure's outcome statement needs at least",
    )


# A commit id (7 to 40 hexadecimal digits, quoted if all digits) or an ISO date.
_IMPORTED_UNTIL = r"^(?:[0-9a-f]{7,40}|\d{4}-\d{2}-\d{2})$"


def _imported_until(value: str | None) -> str | None:
    if value is not None and ISO_DATE.match(value) and iso_date(value) is None:
        raise ValueError(f"{value} is not a valid date")
    return value


class SignoffPolicy(Model):
    proof: Proof = Field(
        _D.signoff.proof,
        description="How sign-offs are proven: recorded (the file is trusted), author (the "
        "commit adding the entry is authored from one of the signer's e-mails) or signed "
        "(it also carries a good signature from one of the signer's signing keys)",
    )
    imported_until: (
        Annotated[
            str,
            StringConstraints(pattern=_IMPORTED_UNTIL),
            AfterValidator(_imported_until),
            WithJsonSchema(
                {
                    "anyOf": [
                        {"type": "string", "pattern": "^[0-9a-f]{7,40}$"},
                        {"type": "string", "format": "date", "pattern": ISO_DATE.pattern},
                    ]
                }
            ),
        ]
        | None
    ) = Field(
        _D.signoff.imported_until,
        description="A commit id or date (YYYY-MM-DD): history up to and including it was "
        "imported, so its entries count as recorded, not proven, and raise no history flags",
    )


class RolesPolicy(Model):
    weekly_review: list[Slug] = Field(
        default_factory=lambda: list(_D.roles.weekly_review),
        description="Roles that may record weekly management review",
    )
    monthly_review: list[Slug] = Field(
        default_factory=lambda: list(_D.roles.monthly_review),
        description="Roles that may record monthly provider scrutiny",
    )
    approve_extension: list[Slug] = Field(
        default_factory=lambda: list(_D.roles.approve_extension),
        description="Roles that may approve an extension (never the action's owner)",
    )


class AuditPolicy(Model):
    backdating_days: Whole = Field(
        _D.audit.backdating_days,
        ge=0,
        le=365,
        description="Entries dated this many days before their commit are flagged",
    )
    extension_logging: ExtensionLogging = Field(
        _D.audit.extension_logging,
        description="When a due-date move counts as logged: an extension entry for the new "
        "date added at any time (anytime) or only in the same commit (same-commit)",
    )
    history_flags: FlagSeverity = Field(
        _D.audit.history_flags,
        description="How `check` reports history's flags: warning or error",
    )


class PrivacyPolicy(Model):
    person_ref_pattern: Pattern = Field(
        _D.privacy.person_ref_pattern,
        description="Pattern every pseudonymous person reference must match",
    )
    staff_ref_pattern: Pattern = Field(
        _D.privacy.staff_ref_pattern,
        description="Pattern every pseudonymous staff reference must match",
    )

    @model_validator(mode="after")
    def _compiles(self) -> PrivacyPolicy:
        for key in ("person_ref_pattern", "staff_ref_pattern"):
            try:
                re.compile(getattr(self, key))
            except re.error as err:
                raise ValueError(f"{key} is not a valid pattern: {err}") from None
        return self


class Policy(Model):
    cadence: CadencePolicy = Field(default_factory=CadencePolicy)
    drift: DriftPolicy = Field(default_factory=DriftPolicy)
    closure: ClosurePolicy = Field(default_factory=ClosurePolicy)
    signoff: SignoffPolicy = Field(default_factory=SignoffPolicy)
    roles: RolesPolicy = Field(default_factory=RolesPolicy)
    audit: AuditPolicy = Field(default_factory=AuditPolicy)
    privacy: PrivacyPolicy = Field(default_factory=PrivacyPolicy)


class Config(Model):
    """`cqctrack.yaml`: the provider, the framework cited, the people register and policy."""

    version: Annotated[Literal[1], BeforeValidator(_not_bool)] = 1
    provider: Text
    framework: Slug = Field(
        "saf-quality-statements",
        description="Which set bare statement ids belong to (see `cqctrack frameworks`)",
    )
    # Person ids are the keys: the schema allows no others, as the model does.
    people: dict[PersonId, Person] = Field(json_schema_extra={"additionalProperties": False})
    policy: Policy = Field(default_factory=Policy)


# --- oversight above the action ----------------------------------------------------


class Review(Model):
    date: IsoDate
    by: PersonId
    level: ReviewLevel
    decision: Decision
    note: Text


def _scope_decision(value: Decision) -> Decision:
    if value not in SCOPE_DECISIONS:
        raise ValueError(
            f"{value.value} is a decision on an action's closure; a review of a concern or "
            "tracker decides on-track, challenge or escalate"
        )
    return value


class ScopeReview(Review):
    """Oversight of a whole concern or tracker: the monthly trend review, provider challenge."""

    decision: Annotated[
        Decision,
        AfterValidator(_scope_decision),
        WithJsonSchema({"enum": sorted(d.value for d in SCOPE_DECISIONS), "type": "string"}),
    ]


class Meeting(Model):
    """One oversight meeting: who was there, and the actions and concerns it decided on.

    Each decision is a review entry in the action's (or concern's) own file, dated
    the meeting's date, at its level, by its chair; this entry is the minute of it.
    """

    date: IsoDate
    level: ReviewLevel
    chair: PersonId
    attendees: list[PersonId] = Field(min_length=1)
    reviewed: list[Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{0,9}-C?\d{1,5}$")]] = (
        Field(min_length=1, description="Ids of the actions and concerns decided on")
    )
    note: str | None = None


# --- tracker.yaml ------------------------------------------------------------------


class Tracker(Model):
    """`trackers/<slug>/tracker.yaml`: one service and its accountable leaders."""

    name: Text
    service_type: ServiceType
    id_prefix: Prefix = Field(description="Prefix for new ids in this tracker, e.g. MED")
    registered_manager: PersonId
    nominated_individual: PersonId
    provider_representative: PersonId | None = None
    location_id: Annotated[str, StringConstraints(pattern=r"^1-\d{6,12}$")] | None = Field(
        None, description="CQC location ID, e.g. 1-123456789"
    )
    framework: Slug | None = Field(None, description="Overrides the repository's framework")
    description: str | None = None
    created: IsoDate | None = None
    created_by: PersonId | None = None
    reviews: list[ScopeReview] = Field(
        default_factory=list, description="Oversight of the whole tracker"
    )
    meetings: list[Meeting] = Field(default_factory=list)


# --- concerns and measures ---------------------------------------------------------


class Concern(Model):
    """`concerns/<ID>.yaml`: the baseline issue that actions respond to."""

    id: ConcernId
    title: Text
    source: ConcernSource
    source_ref: str | None = Field(
        None, description="The report, notice, audit or case the concern came from"
    )
    raised: IsoDate
    raised_by: PersonId | None = None
    summary: Text
    statements: list[StatementRef] = Field(min_length=1)
    regulations: list[RegulationRef] = Field(default_factory=list)
    risk: Risk
    reviews: list[ScopeReview] = Field(
        default_factory=list, description="Oversight of the whole concern, e.g. monthly trends"
    )


class Correction(Model):
    """A log entry withdrawn or replaced, or person_ref amended: the original stays visible."""

    # `_shape`, said in the schema.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"change": {"const": "replaced"}}},
                    "then": {
                        "required": ["replacement"],
                        "properties": {"replacement": {"type": "string"}},
                    },
                    "else": {"properties": {"replacement": {"type": "null"}}},
                },
                {
                    "if": {"properties": {"change": {"const": "amended"}}},
                    "then": {"properties": {"entry": {"const": "person_ref"}}},
                    "else": {"properties": {"entry": {"not": {"const": "person_ref"}}}},
                },
            ]
        }
    )

    date: IsoDate
    by: PersonId
    entry: EntryRef
    change: Change
    replacement: EntryRef | None = Field(None, description="The later entry that replaces it")
    reason: Text

    @model_validator(mode="after")
    def _shape(self) -> Correction:
        if (self.change is Change.REPLACED) != (self.replacement is not None):
            raise ValueError("a replaced entry names its replacement, and only then")
        if (self.change is Change.AMENDED) != (self.entry == "person_ref"):
            raise ValueError(
                "person_ref is amended in place; log entries are withdrawn or replaced"
            )
        return self


class Reading(SourceRef):
    period: Annotated[str, StringConstraints(pattern=PERIOD_TEXT)]
    value: Number = Field(allow_inf_nan=False)
    recorded: IsoDate | None = None
    recorded_by: PersonId | None = None
    note: str | None = None


def _periods_of(kind: Period) -> dict[str, Any]:
    pattern = f"^{PERIOD_FORMS[kind]}$"
    return {"properties": {"readings": {"items": {"properties": {"period": {"pattern": pattern}}}}}}


class Measure(Model):
    """`measures/<ID>.yaml`: a measurable improvement target and its readings."""

    # What `check` judges of one measure's own values (rules/checks/consistency.py:
    # `percentages`, `reading_periods`), said in the schema so editors flag it too. A
    # missing `unit` is percent and a missing `period` monthly, so those conditions hold
    # when the key is absent; weekly and quarterly need the key.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"unit": {"const": "percent"}}},
                    "then": {
                        "properties": {
                            "target": {"minimum": 0, "maximum": 100},
                            "readings": {
                                "items": {"properties": {"value": {"minimum": 0, "maximum": 100}}}
                            },
                        }
                    },
                },
                {
                    "if": {"properties": {"period": {"const": "monthly"}}},
                    "then": _periods_of(Period.MONTHLY),
                },
                {
                    "if": {
                        "required": ["period"],
                        "properties": {"period": {"const": "weekly"}},
                    },
                    "then": _periods_of(Period.WEEKLY),
                },
                {
                    "if": {
                        "required": ["period"],
                        "properties": {"period": {"const": "quarterly"}},
                    },
                    "then": _periods_of(Period.QUARTERLY),
                },
            ]
        }
    )

    id: MeasureId
    concern: ConcernId
    title: Text
    unit: Literal["percent", "count", "days", "hours", "rate"] = "percent"
    direction: Direction = Direction.AT_LEAST
    target: Number = Field(allow_inf_nan=False)
    sustain: Whole = Field(1, ge=1, le=24, description="Consecutive periods the target must hold")
    period: Period = Period.MONTHLY
    description: str | None = None
    created: IsoDate | None = None
    created_by: PersonId | None = None
    readings: list[Reading] = Field(default_factory=list)
    corrections: list[Correction] = Field(default_factory=list)


# --- actions -----------------------------------------------------------------------


class Requirement(Model):
    id: RequirementId
    description: Text
    kinds: list[EvidenceKind] = Field(
        min_length=1,
        description="Evidence kinds, or whole CQC evidence categories, that satisfy it",
    )


class Evidence(SourceRef):
    id: EvidenceId
    satisfies: list[RequirementId] = Field(min_length=1)
    kind: EvidenceKind
    date: IsoDate
    added_by: PersonId
    summary: Text
    staff_refs: list[StaffRef] = Field(
        default_factory=list, description="Pseudonymous references of the staff it concerns"
    )


class Extension(Model):
    from_: IsoDate = Field(alias="from")
    to: IsoDate
    reason: Text
    approved_by: PersonId
    date: IsoDate


class Progress(Model):
    date: IsoDate
    by: PersonId
    note: Text


class Closure(Model):
    date: IsoDate
    verified_by: PersonId
    outcome: Text
    imported: Bool | None = Field(
        None,
        description="true: copied from a spreadsheet by `cqctrack import`, as the plan recorded "
        "it; not verified in cqctrack (see README, 'Importing a spreadsheet')",
    )


class Cancellation(Model):
    date: IsoDate
    approved_by: PersonId
    reason: Text


class Reopening(Model):
    date: IsoDate
    by: PersonId
    reason: Text
    due: IsoDate | None = Field(None, description="The due date set on reopening")
    closure: Closure | None = Field(None, description="The closure this reopening undid")
    cancellation: Cancellation | None = Field(
        None, description="The cancellation this reopening undid"
    )


class RequirementChange(Model):
    """An agreed evidence requirement added, changed or removed, with who approved it."""

    # `_shape`, said in the schema.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"change": {"const": "added"}}},
            "then": {"properties": {"was": {"type": "null"}}},
            "else": {"required": ["was"], "properties": {"was": {"type": "object"}}},
        }
    )

    date: IsoDate
    by: PersonId
    approved_by: PersonId
    requirement: RequirementId
    change: RequirementChangeKind
    was: Requirement | None = Field(None, description="The requirement as it stood before")
    reason: Text

    @model_validator(mode="after")
    def _shape(self) -> RequirementChange:
        if (self.change is RequirementChangeKind.ADDED) != (self.was is None):
            raise ValueError("a changed or removed requirement keeps what it was, in `was`")
        return self


class Imported(Model):
    """Where an action created by `cqctrack import` came from: one row of a spreadsheet."""

    file: Text = Field(description="The spreadsheet's file name, e.g. action-plan.xlsx")
    sheet: str | None = Field(None, description="The worksheet (none for a CSV file)")
    row: Whole = Field(ge=1, description="The row, numbered as the spreadsheet numbers it")
    part: Whole | None = Field(
        None, ge=1, description="Which of several actions written in one cell (1, 2 ...)"
    )
    ref: str | None = Field(None, description="The plan's own reference for the row")
    section: str | None = Field(None, description="The section it sat under, e.g. Must do")
    status: str | None = Field(None, description="The status as the plan wrote it")
    rag: Literal["red", "amber", "green", "blue"] | None = Field(
        None, description="The plan's own RAG or BRAG rating, from the cell's text or fill colour"
    )
    date: IsoDate = Field(description="When it was imported")
    by: PersonId = Field(description="Who imported it")


def _record_with(status: Status, key: str) -> dict[str, Any]:
    """The schema of `check`'s rule: the `key` record is there exactly when status is `status`."""
    return {
        "if": {"required": ["status"], "properties": {"status": {"const": status.value}}},
        "then": {"required": [key], "properties": {key: {"type": "object"}}},
        "else": {"properties": {key: {"type": "null"}}},
    }


class Action(Model):
    """`actions/<ID>.yaml`: one action, with its append-only logs."""

    # `check`'s rules `closure` (closure-missing) and `status-records` (consistency-status),
    # said in the schema so an editor flags a closed action with no closure record too.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _record_with(Status.CLOSED, "closure"),
                _record_with(Status.CANCELLED, "cancellation"),
            ]
        }
    )

    id: ActionId
    title: Text
    concern: ConcernId
    detail: str | None = None
    statements: list[StatementRef] = Field(min_length=1)
    regulations: list[RegulationRef] = Field(default_factory=list)
    owner: PersonId
    risk: Risk
    person_ref: str | None = Field(
        None, description="Pseudonymous reference to a person who uses the service; never a name"
    )
    staff_refs: list[StaffRef] = Field(
        default_factory=list, description="Pseudonymous references of the staff it concerns"
    )
    created: IsoDate
    created_by: PersonId | None = None
    due: IsoDate
    status: Status
    evidence_required: list[Requirement] = Field(min_length=1)
    expected_outcome: Text
    progress: list[Progress] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    extensions: list[Extension] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    reopenings: list[Reopening] = Field(default_factory=list)
    corrections: list[Correction] = Field(default_factory=list)
    requirement_changes: list[RequirementChange] = Field(default_factory=list)
    closure: Closure | None = None
    cancellation: Cancellation | None = None
    imported: Imported | None = Field(
        None, description="Only on actions made by `cqctrack import`: the row it came from"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


MODELS: dict[str, type[Model]] = {
    "config": Config,
    "tracker": Tracker,
    "concern": Concern,
    "measure": Measure,
    "action": Action,
}


# --- input files that are not tracker files --------------------------------------------


class MeetingDecision(Model):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9]{0,9}-[Cc]?\d{1,5}$")]
    decision: Decision
    note: Text


class MeetingPlan(Model):
    """A meeting's decisions prepared in advance, for `cqctrack meeting --from FILE`."""

    date: IsoDate | None = None
    level: ReviewLevel | None = None
    chair: PersonId | None = None
    attendees: list[PersonId] = Field(default_factory=list)
    note: str | None = None
    decisions: list[MeetingDecision] = Field(min_length=1)
