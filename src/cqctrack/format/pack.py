"""The meeting pack's data: one model that every format renders (PDF, HTML, Markdown, JSON).

`cqctrack report` builds a `Pack` (read/pack.py) and hands it to a renderer
(reports/pack/). The JSON format is this model as it is (`schemas/report.schema.json`
is exported from it), so a script reading a pack reads exactly what the printed
pack shows. Dates are ISO; the renderers word them for people.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Audience = Literal["provider", "commissioner"]
PackFormat = Literal["pdf", "html", "md", "json"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Part):
    """One repository the pack was built from."""

    name: str = Field(description="The repository's folder name")
    provider: str
    commit: str | None = Field(description="The commit read, or null outside git")
    clean: bool = Field(description="False when tracker files had uncommitted changes")


class Build(_Part):
    """What the pack was built from, so `cqctrack report verify` can rebuild it."""

    cqctrack: str
    sources: list[Source]
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    audience: Audience
    trackers: list[str] = Field(description="Trackers chosen with --tracker; empty for all")
    format: PackFormat
    command: str = Field(description="The command that rebuilds this pack")


class Counts(_Part):
    open: int = 0
    closed: int = 0
    cancelled: int = 0
    red: int = 0
    amber: int = 0
    green: int = 0
    blue: int = 0
    overdue: int = 0
    escalated_provider: int = 0
    escalated_manager: int = 0


class Group(_Part):
    key: str
    name: str
    counts: Counts


class Change(_Part):
    """Something that happened to an action in the period."""

    kind: Literal["closed", "newly-overdue", "extended", "reopened", "escalated", "newly-flagged"]
    action: str
    title: str
    tracker: str
    date: dt.date | None
    detail: str


class Summary(_Part):
    totals: Counts
    by_tracker: list[Group]
    by_key_question: list[Group]
    changes: list[Change]


class Oversight(_Part):
    date: dt.date
    by: str = Field(description="The reviewer's name")
    level: str
    decision: str


class AttentionRow(_Part):
    action: str
    title: str
    tracker: str
    owner: str
    due: dt.date
    days_overdue: int
    brag: str
    escalation: str | None
    extensions_logged: int
    extensions_unlogged: int
    last_oversight: Oversight | None
    reasons: list[str]


class EvidenceItem(_Part):
    id: str
    kind: str
    reference: str
    date: dt.date
    satisfies: list[str]


class ClosedRow(_Part):
    action: str
    title: str
    tracker: str
    closed: dt.date
    verified_by: str
    outcome: str
    evidence: list[EvidenceItem]
    proof: str = Field(description="How the sign-off is proven, in words")


class ExtensionRow(_Part):
    action: str
    title: str
    tracker: str
    date: dt.date
    from_: dt.date = Field(alias="from")
    to: dt.date
    reason: str
    approved_by: str
    times_moved: int = Field(description="Every due-date move of the action, logged or not")


class Reading(_Part):
    period: str
    label: str
    value: float
    met: bool


class MeasureChart(_Part):
    measure: str
    title: str
    concern: str
    tracker: str
    unit: str
    direction: str
    target: float
    sustain: int
    readings: list[Reading]
    met: bool
    sustained: bool
    status: str


class TrendPoint(_Part):
    week_end: dt.date
    open: int
    overdue: int
    red: int


class Trend(_Part):
    points: list[TrendPoint]
    source: str = Field(description="How the weekly states were rebuilt, in words")


class Decision(_Part):
    date: dt.date
    action: str
    tracker: str
    by: str
    level: str
    decision: str
    note: str | None = Field(description="Left out of a commissioner's pack")


class Challenge(_Part):
    date: dt.date
    action: str
    by: str
    note: str | None
    outcome: str = Field(description="What came of it")


class MissedReview(_Part):
    action: str
    tracker: str
    owner: str
    level: str
    days: int
    policy_days: int


class Flag(_Part):
    action: str
    tracker: str
    code: str
    message: str


class Governance(_Part):
    decisions: list[Decision]
    challenges: list[Challenge]
    missed: list[MissedReview]
    flags: list[Flag]


class CoverageRow(_Part):
    statement: str
    name: str
    key_question: str
    open: int
    closed_evidenced: int
    status: Literal["open", "evidenced", "none"]


class RegisterRow(_Part):
    action: str
    title: str
    tracker: str
    owner: str
    status: str
    brag: str | None
    due: dt.date
    closed: dt.date | None
    statements: list[str]
    evidence: str = Field(description="e.g. '1 of 3 requirements met'")


class Pack(_Part):
    title: str
    provider: str
    period: str = Field(description="The period in words, e.g. November 2026")
    as_of: dt.date
    audience: Audience
    omitted: list[str] = Field(description="What this audience's pack leaves out, in words")
    build: Build
    summary: Summary
    attention: list[AttentionRow]
    closed: list[ClosedRow]
    extensions: list[ExtensionRow]
    measures: list[MeasureChart]
    trend: Trend
    governance: Governance
    coverage: list[CoverageRow]
    appendix: list[RegisterRow] = Field(description="The full register, open and closed")
