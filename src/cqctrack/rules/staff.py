"""Repeats by staff member: the same pseudonymous staff reference on several actions.

"Recurring omissions by the same staff member" is the domain's early warning sign,
and "competency checks for staff with repeated errors" its answer (issue 11). Each
audit finding is an action; the staff it concerns are on it by reference
(`staff_refs: [CW-014]`, never a name). A staff reference on at least policy
`drift.staff_repeat_threshold` actions of one concern (or, for the summary, one
tracker) is a repeat. For each repeat the answer is shown too: evidence of an
observed kind (a competency assessment, an observation of practice, a spot check)
naming that staff reference, anywhere in the same tracker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cqctrack.format.catalogue import Catalogue
from cqctrack.format.records import Action

OBSERVED = "observation"  # the CQC evidence category competency checks belong to


@dataclass(frozen=True, slots=True)
class Repeat:
    ref: str
    actions: tuple[str, ...]  # the actions naming it, in id order
    checked: tuple[str, ...]  # observed evidence naming it: "MED-002 E4"

    @property
    def text(self) -> str:
        """e.g. 'CW-014 on 3 actions (MED-004, MED-007, MED-009), competency checked (MED-002 E4)'."""
        out = f"{self.ref} on {len(self.actions)} actions ({', '.join(self.actions)})"
        if self.checked:
            return out + f", competency checked ({', '.join(self.checked)})"
        return out + ", no competency check recorded"


def checks_by_staff(actions: Iterable[Action], catalogue: Catalogue) -> dict[str, list[str]]:
    """Observed evidence (competency checks) by the staff references it names."""
    found: dict[str, list[str]] = {}
    for action in actions:
        for evidence in action.current_evidence:
            if evidence.staff_refs and catalogue.kind_accepts(OBSERVED, evidence.kind):
                for ref in evidence.staff_refs:
                    found.setdefault(ref, []).append(f"{action.id} {evidence.id}")
    return found


def repeats(
    actions: Iterable[Action], threshold: int, checks: dict[str, list[str]]
) -> tuple[Repeat, ...]:
    """Staff references on at least `threshold` of `actions` (cancelled ones left out)."""
    by_ref: dict[str, list[str]] = {}
    for action in actions:
        if action.status.value == "cancelled":
            continue
        for ref in dict.fromkeys(action.staff_refs):
            by_ref.setdefault(ref, []).append(action.id)
    out = [
        Repeat(ref, tuple(sorted(ids, key=_natural)), tuple(checks.get(ref, ())))
        for ref, ids in by_ref.items()
        if len(ids) >= threshold
    ]
    out.sort(key=lambda r: (-len(r.actions), r.ref))
    return tuple(out)


def _natural(item_id: str) -> tuple[str, int]:
    head, _, number = item_id.rpartition("-")
    return (head, int(number)) if number.isdigit() else (item_id, 0)
