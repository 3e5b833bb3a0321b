"""The whole register for `cqctrack export`: every action, open, closed and cancelled, with the
judgements the weekly review shows.

Each action is read through the review's own path (`read/review.load`, the same
git facts, `rules/drift.assess`, `rules/closure`), so the BRAG rating, its
reasons, the escalation, extensions (logged and not) and the evidence progress
("1 of 3 requirements met") in a spreadsheet are exactly what `review` says.
Cancelled actions are listed but not rated, as in the review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cqctrack.errors import InvalidInput, InvalidRepository
from cqctrack.findings import Brag, Severity
from cqctrack.format.vocab import Status
from cqctrack.read import review
from cqctrack.rules import closure, drift
from cqctrack.wording import count


@dataclass(frozen=True)
class Filters:
    """What to export; every filter given must match (all actions when none is)."""

    trackers: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    key_questions: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    brags: tuple[Brag, ...] = ()

    def words(self) -> list[str]:
        out = [f"tracker {t}" for t in self.trackers]
        out += [f"owner {o}" for o in self.owners]
        out += [f"statement {s}" for s in self.statements]
        out += [f"key question {k}" for k in self.key_questions]
        out += [f"status {s.value}" for s in self.statuses]
        out += [f"BRAG {b.label}" for b in self.brags]
        return out


@dataclass(frozen=True, slots=True)
class Entry:
    """One action in the register: the review's row for it, and what the register adds."""

    row: review.Row
    concern_title: str
    met: int  # evidence requirements with usable evidence
    required: int
    rated: bool  # cancelled actions are not rated

    @property
    def brag(self) -> Brag | None:
        return self.row.assessment.brag if self.rated else None


def entries(
    ctx: review.Workspace, filters: Filters, progress: Callable[[int, int], None] | None = None
) -> list[Entry]:
    """Every action matching `filters`, by tracker and then id."""
    review.check_query(
        ctx,
        review.Query(
            trackers=filters.trackers,
            owners=filters.owners,
            statements=filters.statements,
            key_questions=filters.key_questions,
        ),
    )
    snap = ctx.snap
    broken = sorted({f.path for f in snap.findings if f.severity is Severity.ERROR and f.path})
    if broken:
        # A register handed to a commissioner must not quietly lack the actions in files
        # that cannot be read: refuse, and say which.
        raise InvalidRepository(
            f"{count(len(broken), 'file')} cannot be read, so the register would be incomplete",
            details=broken[:10]
            + ([f"... and {len(broken) - 10} more"] if len(broken) > 10 else []),
            hint="run `cqctrack check` to see why, fix them, then export again",
        )
    chosen = []
    for action_id in snap.actions:
        action = snap.actions[action_id]
        if filters.trackers and snap.tracker_of(action.id) not in filters.trackers:
            continue
        if filters.owners and action.owner not in filters.owners:
            continue
        if filters.statuses and action.status not in filters.statuses:
            continue
        if filters.statements and not review.cites(ctx, action, filters.statements):
            continue
        if filters.key_questions and not set(filters.key_questions) & set(
            ctx.key_questions(action)
        ):
            continue
        chosen.append(action)
    ctx.history.prefetch(a.id for a in chosen)
    out = []
    for done, action in enumerate(chosen, start=1):
        if progress is not None:
            progress(done, len(chosen))
        verdict = drift.assess(ctx.facts(action), ctx.policy, ctx.today)
        rated = action.status is not Status.CANCELLED
        if filters.brags and (not rated or verdict.brag not in filters.brags):
            continue
        met, required = closure.requirements_met(action, ctx.catalogue, ctx.file_check)
        concern = snap.concerns.get(action.concern)
        out.append(
            Entry(
                review.build_row(ctx, action, verdict),
                concern.title if concern is not None else "",
                met,
                required,
                rated,
            )
        )
    out.sort(key=lambda e: (e.row.tracker, review.natural_id(e.row.action.id)))
    return out


def parse_brag(text: str) -> Brag:
    try:
        return Brag(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"--brag {text}: not a BRAG rating", hint="one of: red, amber, green, blue"
        ) from None
