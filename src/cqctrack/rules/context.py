"""What every rule may read: the repository's records, the CQC catalogue, the state of
evidence files, git facts and the date being judged. Passed in, never looked up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from cqctrack.format.catalogue import Catalogue
from cqctrack.format.history import ActionHistory
from cqctrack.format.layout import FileCheck
from cqctrack.format.policy import Policy
from cqctrack.format.records import Person
from cqctrack.format.snapshot import Snapshot

if TYPE_CHECKING:
    from cqctrack.rules.governance import Governance


@dataclass(frozen=True, slots=True)
class RuleContext:
    snap: Snapshot
    catalogue: Catalogue
    file_check: FileCheck
    today: date
    # Git facts by action id; empty outside git. `in_git` says whether history was read.
    history: Mapping[str, ActionHistory] = field(default_factory=dict)
    in_git: bool = False
    # What history's judgements need besides the files (rules/governance.py); None outside git.
    governance: Governance | None = None
    # Action files whose last change in git was their deletion: path -> that commit (plain).
    deleted: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    # The text of evidence files kept in the repository (path -> text), read by the
    # store for the personal-data rule, and the local deny-list of names.
    evidence_texts: Mapping[str, str] = field(default_factory=dict)
    deny_names: tuple[str, ...] = ()
    # Judge only the items in these files (a recording command checks what it is about
    # to write); lookups still see the whole repository. None: every file.
    only: frozenset[str] | None = None

    @property
    def policy(self) -> Policy:
        return self.snap.policy

    @property
    def people(self) -> dict[str, Person]:
        return self.snap.people
