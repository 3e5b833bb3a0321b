"""How `cqctrack import` reads a spreadsheet: the headings and words real plans use, and the
mapping file that says the rest.

Columns are recognised by their headings. `HEADINGS` holds the headings seen in
published CQC action plans (a legal firm's "Item to be rectified | Actions
required | Deadline | Person responsible | RAG", NHS trusts' Must do and Should
do plans with the regulation breached, a lead, a timescale and a BRAG status,
warning-notice plans with exit criteria) and the columns `cqctrack export`
writes, so an exported register imports back without a mapping. `STATUS_WORDS`
holds the words plans use for progress, including four-state keys such as
Delivered / On track / Some issues / Not on track.

A mapping file (`--mapping MAP.yaml`) adds to or overrides both:

    sheets: [Must do, Should do]       # only these sheets (default: every visible sheet)
    header_row: 4                      # where the headings are (default: found)
    columns:                           # a heading in the plan -> what it holds
      What we found: concern
      Improvement: action
      Notes for CQC: detail
      Internal code: ignore
    people:                            # a name or initials in the plan -> a person id
      Sarah (agency): sjones
    status:                            # a word, or a RAG colour, -> a status
      Parked: open
      green: closed                    # in this plan green means done
    defaults:                          # for rows that do not say
      statements: [S8]
      regulations: [12]
      risk: medium
      source: inspection-feedback
      kinds: [audit]
      requirement: Re-audit showing the change has held
      expected_outcome: Practice meets the regulation
    dates: day-first                   # day-first (03/11/2026 is 3 Nov) or month-first
    year: 2026                         # for dates written without a year ("end of Nov")
    split_cells: true                  # several numbered or bulleted actions in one cell
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cqctrack.format.models import (
    EvidenceKind,
    IsoDate,
    PersonId,
    RegulationRef,
    StatementRef,
    Text,
)
from cqctrack.format.vocab import ConcernSource, Risk, Status

# What a column can hold, and what each means (for the report and the README).
FIELDS: dict[str, str] = {
    "concern": "the issue the actions answer (each different issue becomes a concern)",
    "concern_id": "an existing concern's id, e.g. MED-C1",
    "action": "the action (several numbered or bulleted ones in a cell become several)",
    "detail": "more about the action (several columns may map here)",
    "due": "the due date",
    "owner": "the person responsible",
    "status": "progress, as a word such as Complete or On track",
    "rag": "the plan's own RAG or BRAG rating (text or cell colour)",
    "risk": "risk or priority: high, medium, low",
    "priority": "Must do or Should do",
    "statements": "quality statements or KLOEs, by id or name",
    "regulations": "regulations, e.g. Reg 12 or Regulation 17(2)(a)",
    "requirement": "the evidence required, or exit criteria",
    "evidence": "evidence of completion (kept as document references)",
    "outcome": "the expected outcome",
    "progress": "progress notes or comments",
    "created": "the date the action was raised",
    "completed": "the date it was completed",
    "verified_by": "who signed it off",
    "closure_outcome": "the outcome recorded when it was closed",
    "ref": "the plan's own reference for the row",
    "ignore": "not imported",
}
ColumnField = Literal[
    "concern",
    "concern_id",
    "action",
    "detail",
    "due",
    "owner",
    "status",
    "rag",
    "risk",
    "priority",
    "statements",
    "regulations",
    "requirement",
    "evidence",
    "outcome",
    "progress",
    "created",
    "completed",
    "verified_by",
    "closure_outcome",
    "ref",
    "ignore",
]
# Fields several columns may feed (their texts are joined); the rest take one column.
MULTI = frozenset({"detail", "progress", "evidence", "requirement", "ignore"})

# Headings (normalised: see `normalise`) -> the fields they may mean, first choice first:
# "Progress" is the status unless a Status column exists, then it holds progress notes.
HEADINGS: dict[str, tuple[str, ...]] = {}


def _add(field: str, *headings: str) -> None:
    for heading in headings:
        HEADINGS.setdefault(heading, ())
        HEADINGS[heading] += (field,)


_add(
    "concern",
    "item to be rectified", "items to be rectified", "issue", "issues", "issue identified",
    "finding", "findings", "inspection finding", "inspection findings", "concern", "concerns",
    "area of concern", "areas of concern", "what needs to improve", "what needs to change",
    "area for improvement", "areas for improvement", "what we found", "problem", "gap",
    "improvement required", "improvement needed", "breach identified", "shortfall",
)  # fmt: skip
_add("concern_id", "concern id", "concern ref")
_add(
    "action",
    "action", "actions", "action required", "actions required", "action to be taken",
    "actions to be taken", "action taken", "actions taken", "what we will do", "what will we do",
    "improvement action", "improvement actions", "planned action", "planned actions",
    "must do action", "should do action", "must do", "should do", "action title", "title",
    "recommendation", "recommendations", "steps", "task", "tasks",
)  # fmt: skip
_add("detail", "detail", "details", "description", "action detail", "action details")
_add(
    "due",
    "revised deadline", "revised date", "revised target date", "revised timescale",
    "deadline", "due", "due date", "date due", "due by", "timescale", "timescales",
    "timeframe", "target date", "target completion date", "completion date", "by when",
    "when", "target", "by", "date for completion",
)  # fmt: skip
_add(
    "owner",
    "person responsible", "responsible person", "responsible", "owner", "action owner",
    "lead", "action lead", "lead person", "lead officer", "responsible lead", "who",
    "by whom", "accountable", "accountable person", "responsibility", "lead responsible",
)  # fmt: skip
_add("status", "status", "current status", "progress status", "action status", "position")
_add("status", "progress")
_add("progress", "progress")
_add(
    "rag", "rag", "brag", "rag status", "brag status", "rag rating", "brag rating", "rating",
    "rag rated", "red amber green",
)  # fmt: skip
_add("risk", "risk", "risk level", "risk rating", "priority", "severity", "level of risk")
_add(
    "priority", "must or should", "must should", "must do should do", "must do or should do",
    "type", "action type", "requirement type",
)  # fmt: skip
_add(
    "statements",
    "quality statement", "quality statements", "statement", "statements", "kloe", "kloes",
    "key line of enquiry", "key lines of enquiry", "saf quality statement", "we statement",
)  # fmt: skip
_add(
    "regulations",
    "regulation", "regulations", "regulation breached", "regulations breached", "reg", "regs",
    "hsca regulation", "relevant regulation", "legal requirement", "fundamental standard",
    "fundamental standards", "breach", "regulation not met",
)  # fmt: skip
_add(
    "requirement",
    "evidence required", "evidence requirement", "evidence requirements", "exit criteria",
    "success criteria", "success measure", "success measures", "measure of success",
    "measures of success", "how will we know", "how we will know", "how will we evidence",
    "how will this be evidenced", "evidence needed", "assurance required",
)  # fmt: skip
_add(
    "evidence",
    "evidence", "evidence of completion", "evidence of progress", "evidence provided",
    "assurance", "evidence and assurance", "evidence or assurance", "evidence held",
    "evidence location", "evidence of impact",
)  # fmt: skip
_add(
    "outcome", "expected outcome", "outcome", "outcomes", "desired outcome", "intended outcome",
    "expected impact", "impact", "outcome sought",
)  # fmt: skip
_add(
    "progress",
    "progress update", "progress updates", "update", "updates", "latest update",
    "latest progress", "comments",
    "comment", "notes", "progress notes", "commentary", "narrative", "position statement",
)  # fmt: skip
_add(
    "created", "date raised", "raised", "date identified", "identified", "date added",
    "date opened", "created", "start date", "date logged",
)  # fmt: skip
_add(
    "completed",
    "date completed", "completed", "date complete", "actual completion date", "completed on",
    "date closed", "closed on", "date achieved", "date signed off", "closure date",
)  # fmt: skip
_add("completed", "completion date")
_add(
    "verified_by", "verified by", "signed off by", "sign off", "signed off", "checked by",
    "assured by", "approved by", "verifier",
)  # fmt: skip
_add("closure_outcome", "closure outcome", "outcome achieved", "outcome on closure")
_add(
    "ref", "ref", "reference", "ref no", "no", "number", "item", "item no", "action no",
    "action number", "action ref", "id", "action id",
)  # fmt: skip
# Columns `cqctrack export` writes that are its own judgements or repeat another column.
_add(
    "ignore",
    "tracker", "owner name", "brag reasons", "why", "escalation", "escalate to", "days overdue",
    "extensions", "unlogged extensions", "key questions", "key question", "evidence progress",
    "last oversight", "last oversight decision", "last oversight by", "imported closure",
    "imported from", "last changed", "original deadline", "original date", "original due date",
)  # fmt: skip

# Progress words -> status. Colours are the plan's RAG or BRAG: blue means "complete and
# checked" in NHS BRAG keys; green is read as on track, since plans disagree on whether
# it means done (map `green: closed` when it does).
STATUS_WORDS: dict[str, Status | None] = {}


def _status(status: Status | None, *words: str) -> None:
    for word in words:
        STATUS_WORDS[word] = status


_status(
    Status.CLOSED,
    "complete", "completed", "complete and checked", "completed and checked",
    "complete and embedded", "completed and embedded", "embedded", "done", "closed",
    "delivered", "achieved", "met", "finished", "resolved", "implemented", "signed off",
    "complete signed off", "completed signed off", "blue",
)  # fmt: skip
_status(
    Status.AWAITING_VERIFICATION,
    "awaiting verification", "awaiting sign off", "awaiting signoff", "for sign off",
    "ready for sign off", "complete awaiting sign off", "completed awaiting sign off",
    "complete awaiting verification", "completed awaiting verification", "awaiting evidence",
    "complete awaiting evidence",
)  # fmt: skip
_status(
    Status.IN_PROGRESS,
    "in progress", "in hand", "on track", "ongoing", "started", "underway", "under way",
    "some issues", "some concerns", "at risk", "delayed", "behind", "behind schedule",
    "not on track", "off track", "slipped", "slipping", "overdue", "partially complete",
    "partially completed", "partially met", "part complete", "progressing", "wip",
    "green", "amber", "red",
)  # fmt: skip
_status(
    Status.OPEN,
    "not started", "not yet started", "open", "new", "to do", "todo", "planned", "pending",
    "outstanding", "not due", "not yet due", "not yet due to start",
)  # fmt: skip
_status(
    Status.CANCELLED,
    "cancelled", "canceled", "withdrawn", "no longer required", "not required", "superseded",
    "removed", "closed not required", "no longer needed",
)  # fmt: skip

RAG_WORDS = {
    "red": "red", "r": "red", "amber": "amber", "a": "amber", "yellow": "amber",
    "orange": "amber", "green": "green", "g": "green", "blue": "blue", "b": "blue",
}  # fmt: skip

RISK_WORDS: dict[str, Risk] = {
    "high": Risk.HIGH, "h": Risk.HIGH, "critical": Risk.HIGH, "urgent": Risk.HIGH,
    "significant": Risk.HIGH, "major": Risk.HIGH, "very high": Risk.HIGH, "1": Risk.HIGH,
    "medium": Risk.MEDIUM, "med": Risk.MEDIUM, "m": Risk.MEDIUM, "moderate": Risk.MEDIUM,
    "2": Risk.MEDIUM, "low": Risk.LOW, "l": Risk.LOW, "minor": Risk.LOW, "3": Risk.LOW,
}  # fmt: skip

_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """'Person Responsible (name)' -> 'person responsible': how headings and words compare."""
    text = _PARENTHESES.sub(" ", text.lower().replace("&", " and ").replace("’", "'"))
    text = text.replace("'", "")
    return _NOT_WORD.sub(" ", text).strip()


# --- the mapping file -----------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Defaults(_Model):
    statements: list[StatementRef] = Field(
        default_factory=list, description="For rows that name no quality statement"
    )
    regulations: list[RegulationRef] = Field(
        default_factory=list, description="For rows that name no regulation"
    )
    risk: Risk | None = Field(None, description="For rows with no risk or priority")
    source: ConcernSource | None = Field(None, description="Where the concerns came from")
    kinds: list[EvidenceKind] = Field(
        default_factory=list, description="Evidence kinds for requirements that name none"
    )
    requirement: Text | None = Field(None, description="For rows with no evidence required")
    expected_outcome: Text | None = Field(None, description="For rows with no expected outcome")
    due: IsoDate | None = Field(None, description="For rows with no due date")
    owner: PersonId | None = Field(None, description="For rows that name no one")


class MappingFile(_Model):
    """A mapping file for `cqctrack import --mapping`: what the headings and words mean."""

    sheets: list[str] | None = Field(None, description="Only these sheets (default: all visible)")
    header_row: int | None = Field(
        None, ge=1, le=200, description="The row the headings are in (default: found)"
    )
    columns: dict[str, ColumnField] = Field(
        default_factory=dict, description="A heading in the plan -> what the column holds"
    )
    people: dict[Annotated[str, StringConstraints(min_length=1)], PersonId] = Field(
        default_factory=dict, description="A name or initials in the plan -> a person id"
    )
    status: dict[str, Status] = Field(
        default_factory=dict, description="A progress word or RAG colour -> a status"
    )
    defaults: Defaults = Field(default_factory=Defaults)
    dates: Literal["day-first", "month-first"] = "day-first"
    year: int | None = Field(
        None, ge=2000, le=2100, description="The year of dates written without one"
    )
    split_cells: bool = Field(
        True, description="Read several numbered or bulleted actions in one cell as several"
    )


class Mapping:
    """A mapping file read and merged with the defaults, ready to use."""

    def __init__(self, given: MappingFile | None = None, name: str | None = None) -> None:
        self.file = given or MappingFile()
        self.name = name
        self.columns = {normalise(k): v for k, v in self.file.columns.items()}
        self.people = {normalise(k): v for k, v in self.file.people.items()}
        self.status: dict[str, Status | None] = dict(STATUS_WORDS)
        self.status.update({normalise(k): v for k, v in self.file.status.items()})
        self.sheets = [normalise(s) for s in self.file.sheets] if self.file.sheets else None

    @property
    def defaults(self) -> Defaults:
        return self.file.defaults

    @property
    def day_first(self) -> bool:
        return self.file.dates == "day-first"

    def year(self, today: date) -> int:
        return self.file.year or today.year

    def fields_for(self, heading: str) -> tuple[str, ...]:
        """What a heading may mean: the mapping file's word, else the default headings'."""
        key = normalise(heading)
        if key in self.columns:
            return (self.columns[key],)
        return HEADINGS.get(key, ())
