"""Quality statement coverage: which statements the improvement work reaches, by evidence.

An action that cites a statement is a declaration; only a closed action whose
evidence meets every requirement (the closure rule's evidence condition) shows
that practice changed under it. So a statement counts as *evidenced* only through
such closures; one with open actions is *open* (work in progress); one with
neither is *none*, however many closed actions merely cite it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cqctrack.format.catalogue import Catalogue, Statement
from cqctrack.format.layout import FileCheck
from cqctrack.format.records import Action
from cqctrack.format.vocab import Status
from cqctrack.rules.closure import unmet_requirements


@dataclass(frozen=True, slots=True)
class Coverage:
    statement: Statement
    open: int = 0
    closed_evidenced: int = 0
    closed_unevidenced: int = 0  # closed, but evidence short of a requirement: not counted

    @property
    def status(self) -> str:
        if self.open:
            return "open"
        return "evidenced" if self.closed_evidenced else "none"


def coverage(
    actions: Iterable[tuple[Action, str]],
    frameworks: Iterable[str],
    catalogue: Catalogue,
    file_check: FileCheck,
) -> list[Coverage]:
    """Every statement of `frameworks`, with the actions (and each one's framework) that cite it."""
    counts: dict[tuple[str, str], list[int]] = {}
    for framework in frameworks:
        chosen = catalogue.frameworks.get(framework)
        if chosen is not None:
            for statement in chosen.statements.values():
                counts[(framework, statement.id)] = [0, 0, 0]
    for action, framework in actions:
        if action.status is Status.CANCELLED:
            continue
        column = 0
        if action.status is Status.CLOSED:
            proven = action.closure is not None and not unmet_requirements(
                action, catalogue, file_check
            )
            column = 1 if proven else 2
        for ref in set(action.statements):
            found = catalogue.statement(ref, framework).statement
            if found is not None and (found.framework, found.id) in counts:
                counts[(found.framework, found.id)][column] += 1
    out = []
    for (framework, statement_id), (open_, evidenced, unevidenced) in counts.items():
        statement = catalogue.frameworks[framework].statements[statement_id]
        out.append(Coverage(statement, open_, evidenced, unevidenced))
    return out
