"""What an import found and made: the sheets read, the findings, the concerns and actions.

Plain data, shared by `write/importing.py` (which fills it) and `reports/importing.py`
(which shows it), so the report never needs the write side's git machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cqctrack.findings import Finding, Severity
from cqctrack.format.grid import Workbook
from cqctrack.format.vocab import Status
from cqctrack.write.plan.layout import Layout
from cqctrack.write.plan.rows import Proposal


@dataclass
class SheetResult:
    name: str | None
    layout: Layout | None
    why: str | None = None  # why a sheet was not read


@dataclass
class NewConcern:
    id: str
    title: str
    existing: bool
    proposals: list[Proposal] = field(default_factory=list)


@dataclass
class NewAction:
    id: str
    proposal: Proposal
    concern: str
    status: Status
    rel: str = ""


@dataclass
class ImportResult:
    workbook: Workbook
    tracker: str
    tracker_name: str
    importer: str
    today: date
    mapping: str | None
    sheets: list[SheetResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # about the sheets and their rows
    concerns: list[NewConcern] = field(default_factory=list)
    actions: list[NewAction] = field(default_factory=list)
    skipped: list[Proposal] = field(default_factory=list)  # invalid rows left out
    cancelled: list[Proposal] = field(default_factory=list)
    already: list[Proposal] = field(default_factory=list)  # in the tracker from before
    notes: list[Finding] = field(default_factory=list)  # check's warnings on the new files
    files: list[tuple[str, type[Any], str]] = field(default_factory=list)
    committed: bool = False  # written (and committed, unless --no-commit)
    commit: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def new_concerns(self) -> list[NewConcern]:
        return [c for c in self.concerns if not c.existing]
