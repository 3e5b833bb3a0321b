"""Concerns and measures: is each improvement target met, and has it been sustained?

Completion of actions is not improvement: a concern counts as resolved only when
every one of its actions is closed or cancelled *and* every measure of it is met
in its latest period and sustained there for its `sustain` window of consecutive
periods. Consecutive means no period missing: monthly readings for 2026-09,
2026-10 and 2026-11 are three in a row; 2026-09, 2026-11 and 2026-12 are not, so
a missing audit restarts the count. A concern with no measure cannot be resolved,
because nothing shows the outcome.

Readings for periods that had not ended by the date being judged are left out
(`--as-of`): a month is measured once it is over, so a reading for November counts
from 1 December, and a reading entered early for the month still running is not
evidence that the target was met (`cqctrack check` reports it, see
`period_ended`). So are readings whose period is not of the measure's kind
(`cqctrack check` reports those too). Where a period has two readings the later one in the file counts. Pure
functions: the snapshot and `today` are passed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cqctrack.format.catalogue import Catalogue
from cqctrack.format.records import Action, Concern, Measure, Reading
from cqctrack.format.snapshot import Lazy, Snapshot
from cqctrack.format.vocab import PERIOD_PATTERNS, Direction, Period, Status
from cqctrack.rules import staff
from cqctrack.wording import date_text, month_text

_PERIOD_NOUN = {Period.WEEKLY: "week", Period.MONTHLY: "month", Period.QUARTERLY: "quarter"}


# --- periods -------------------------------------------------------------------------


def period_index(period: Period, text: str) -> int | None:
    """A number for each period such that consecutive periods differ by one."""
    if not PERIOD_PATTERNS[period].match(text):
        return None
    year = int(text[:4])
    if period is Period.MONTHLY:
        return year * 12 + int(text[5:7]) - 1
    if period is Period.QUARTERLY:
        return year * 4 + int(text[6]) - 1
    try:  # ISO weeks: 2026-W53 does not exist, 2020-W53 does
        return date.fromisocalendar(year, int(text[6:8]), 1).toordinal() // 7
    except ValueError:
        return None


def period_of(period: Period, day: date) -> str:
    """The period `day` falls in, e.g. 2026-11, 2026-W48 or 2026-Q4."""
    if period is Period.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if period is Period.QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def period_label(period: Period, text: str) -> str:
    """Readable period names: Nov 2026, Q4 2026, 2026-W48."""
    if period is Period.MONTHLY and PERIOD_PATTERNS[period].match(text):
        return month_text(int(text[:4]), int(text[5:7]))
    if period is Period.QUARTERLY and PERIOD_PATTERNS[period].match(text):
        return f"{text[5:]} {text[:4]}"
    return text


# --- measures ------------------------------------------------------------------------


def meets_target(measure: Measure, value: float) -> bool:
    if measure.direction is Direction.AT_LEAST:
        return value >= measure.target
    return value <= measure.target


def value_text(measure: Measure, value: float) -> str:
    if measure.unit == "percent":
        return f"{value:g}%"
    if measure.unit in ("days", "hours"):
        unit = measure.unit if value != 1 else measure.unit[:-1]
        return f"{value:g} {unit}"
    return f"{value:g}"


def threshold_text(measure: Measure) -> str:
    """e.g. 'at least 95%'."""
    direction = "at least" if measure.direction is Direction.AT_LEAST else "at most"
    return f"{direction} {value_text(measure, measure.target)}"


def target_text(measure: Measure) -> str:
    """e.g. 'at least 95% for 3 consecutive months'."""
    if measure.sustain == 1:
        return threshold_text(measure)
    noun = _PERIOD_NOUN[measure.period]
    return f"{threshold_text(measure)} for {measure.sustain} consecutive {noun}s"


@dataclass(frozen=True, slots=True)
class MeasureStatus:
    measure: Measure
    readings: tuple[Reading, ...]  # usable readings, oldest period first
    met: bool  # the latest reading meets the target
    run: int  # consecutive periods met, ending with the latest reading
    reason: str

    @property
    def sustained(self) -> bool:
        return self.met and self.run >= self.measure.sustain

    @property
    def latest(self) -> Reading | None:
        return self.readings[-1] if self.readings else None


def period_end(period: Period, text: str) -> date | None:
    """The last day of a period (2026-11 -> 30 Nov 2026), or None if it is not one."""
    index = period_index(period, text)
    if index is None:
        return None
    if period is Period.WEEKLY:
        return date.fromordinal(index * 7 + 7)
    months = 1 if period is Period.MONTHLY else 3
    year, month = divmod((index + 1) * months, 12)  # where the next period starts
    return date(year, month + 1, 1) - timedelta(days=1)


def period_ended(period: Period, text: str, day: date) -> bool:
    """Had the period ended by the end of `day`? (2026-11 has on 30 Nov 2026, not before.)"""
    end = period_end(period, text)
    return end is not None and end <= day


def premature(measure: Measure, reading: Reading, recorded: date) -> str | None:
    """Why `reading` was recorded before its period ended (on `recorded`), or None.

    A period is over at the end of its last day, so November's reading can be
    recorded from 1 December. Used by `measure record` (which refuses), `check`
    and `history`.
    """
    return premature_period(measure.period, reading.period, recorded)


def premature_period(period: Period, text: str, recorded: date) -> str | None:
    end = period_end(period, text)
    if end is None or end < recorded:
        return None
    return (
        f"the reading for {period_label(period, text)} was recorded on "
        f"{date_text(recorded)}, before the period ended ({date_text(end)})"
    )


def usable_readings(measure: Measure, today: date) -> list[tuple[int, Reading]]:
    """Readings with a valid period that ended before `today`'s began, one per period, in
    period order."""
    now = period_index(measure.period, period_of(measure.period, today))
    by_period: dict[int, Reading] = {}
    for reading in measure.current_readings:
        index = period_index(measure.period, reading.period)
        if index is not None and now is not None and index < now:
            by_period[index] = reading  # a later duplicate replaces an earlier one
    return sorted(by_period.items(), key=lambda item: item[0])


def assess_measure(measure: Measure, today: date) -> MeasureStatus:
    indexed = usable_readings(measure, today)
    readings = tuple(r for _, r in indexed)
    target = target_text(measure)
    if not indexed:
        return MeasureStatus(measure, readings, False, 0, f"no readings yet (target: {target})")
    run, gap = _run(measure, indexed)
    latest = readings[-1]
    when = period_label(measure.period, latest.period)
    value = value_text(measure, latest.value)
    if run == 0:
        reason = f"not met: {value} in {when} (target: {target})"
    elif run >= measure.sustain:
        first = period_label(measure.period, readings[-measure.sustain].period)
        span = "" if measure.sustain == 1 else f" ({first} to {when})"
        reason = f"met and sustained: {value} in {when}, {target}{span}"
    else:
        reason = (
            f"met in {when} ({value}, target {threshold_text(measure)}) but not yet "
            f"sustained: {run} of {measure.sustain} consecutive {_PERIOD_NOUN[measure.period]}s"
        )
        if gap is not None:
            reason += (
                f"; no reading for {period_label(measure.period, gap)}, so the count restarted"
            )
    # A measure whose readings stopped is not evidence of the present: say so.
    now = period_index(measure.period, period_of(measure.period, today))
    if now is not None and indexed[-1][0] < now - 1:
        reason += f"; no reading since {when}"
    return MeasureStatus(measure, readings, run > 0, run, reason)


def _run(measure: Measure, indexed: list[tuple[int, Reading]]) -> tuple[int, str | None]:
    """Consecutive met periods ending at the latest reading, and the missing period that
    broke the run (None when the run was broken by a miss, or reaches the first reading)."""
    run = 0
    previous: int | None = None
    for index, reading in reversed(indexed):
        if previous is not None and index != previous - 1:
            missing = _period_text(measure.period, previous - 1)
            return run, missing if run < measure.sustain else None
        if not meets_target(measure, reading.value):
            return run, None
        run += 1
        previous = index
    return run, None


def _period_text(period: Period, index: int) -> str:
    if period is Period.MONTHLY:
        return f"{index // 12}-{index % 12 + 1:02d}"
    if period is Period.QUARTERLY:
        return f"{index // 4}-Q{index % 4 + 1}"
    year, week, _ = date.fromordinal(index * 7 + 1).isocalendar()
    return f"{year}-W{week:02d}"


# --- concerns ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConcernStatus:
    concern: Concern
    tracker: str
    actions_open: int
    actions_closed: int
    actions_cancelled: int
    measures: tuple[MeasureStatus, ...]
    reasons: tuple[str, ...]  # why it is not resolved; empty when it is
    staff: tuple[staff.Repeat, ...] = ()  # staff references on several of its actions

    @property
    def resolved(self) -> bool:
        return not self.reasons

    @property
    def actions_total(self) -> int:
        return self.actions_open + self.actions_closed + self.actions_cancelled


def assess_concerns(
    snap: Snapshot, today: date, catalogue: Catalogue | None = None
) -> list[ConcernStatus]:
    """Every concern in the snapshot with its actions' and measures' status, and (given the
    catalogue, which says which evidence is a competency check) its repeats by staff member."""
    return list(each_concern(snap, today, catalogue))


def each_concern(
    snap: Snapshot, today: date, catalogue: Catalogue | None = None
) -> Iterator[ConcernStatus]:
    """`assess_concerns` one concern at a time, in the snapshot's order. Without the
    catalogue no record is kept: a summary of 100,000 actions counts the concerns without
    holding every action, concern and measure at once."""
    keep = catalogue is not None  # the repeats by staff member need the actions afterwards

    def record(items: Lazy, key: str) -> Any:
        return items[key] if keep else items.peek(key)

    counts: dict[str, list[int]] = {cid: [0, 0, 0] for cid in snap.concerns}
    grouped: dict[str, list[Action]] = {cid: [] for cid in snap.concerns}
    by_tracker: dict[str, list[Action]] = {}
    for item_id in snap.actions:
        action = record(snap.actions, item_id)
        if keep:
            by_tracker.setdefault(snap.tracker_of(action.id), []).append(action)
        if action.concern in counts:
            if keep:
                grouped[action.concern].append(action)
            column = (
                1
                if action.status is Status.CLOSED
                else 2
                if action.status is Status.CANCELLED
                else 0
            )
            counts[action.concern][column] += 1
    measured: dict[str, list[str]] = {cid: [] for cid in snap.concerns}
    for measure_id in snap.measures:
        measure = record(snap.measures, measure_id)
        if measure.concern in measured:
            measured[measure.concern].append(measure_id)
    checks = {
        slug: staff.checks_by_staff(actions, catalogue)
        for slug, actions in by_tracker.items()
        if catalogue is not None
    }
    threshold = snap.policy.drift.staff_repeat_threshold
    for cid in snap.concerns:
        concern = record(snap.concerns, cid)
        open_, closed, cancelled = counts[cid]
        statuses = tuple(assess_measure(record(snap.measures, m), today) for m in measured[cid])
        slug = snap.tracker_of(cid)
        repeats = (
            staff.repeats(grouped[cid], threshold, checks.get(slug, {}))
            if catalogue is not None
            else ()
        )
        yield ConcernStatus(
            concern,
            slug,
            open_,
            closed,
            cancelled,
            statuses,
            tuple(_unresolved(open_, open_ + closed + cancelled, statuses)),
            repeats,
        )


def _unresolved(open_: int, total: int, measures: tuple[MeasureStatus, ...]) -> list[str]:
    reasons = []
    if open_:
        reasons.append(f"{open_} of {total} action{'s' if total != 1 else ''} still open")
    if not measures:
        reasons.append("no measurable target, so improvement cannot be shown")
    reasons += [f"{m.measure.id} {m.reason}" for m in measures if not m.sustained]
    return reasons
