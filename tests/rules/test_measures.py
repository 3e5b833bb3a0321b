"""Measures met and sustained over consecutive periods, and when a concern counts as resolved."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from cqctrack import cache
from cqctrack.format.records import Measure
from cqctrack.format.vocab import Period
from cqctrack.rules import measures
from cqctrack.store.load import load
from tests.helpers import BASE, CLOSED_ACTION, MEASURE, measure_record, minimal_repo

# A month is measured once it is over: on 1 December, November's readings count.
TODAY = date(2026, 12, 1)


def measure(readings: list[tuple[str, float]], **changes) -> Measure:
    data = {
        "id": "MED-M1",
        "concern": "MED-C1",
        "title": "Complete medicines records",
        "unit": "percent",
        "direction": "at-least",
        "target": 95,
        "sustain": 3,
        "period": "monthly",
        "readings": [{"period": p, "value": v, "document": f"AUD-{p}"} for p, v in readings],
    }
    return measure_record(data | changes)


CASES = [
    # (id, readings, changes, met, sustained, run, reason)
    (
        "no-readings",
        [],
        {},
        False,
        False,
        0,
        "no readings yet (target: at least 95% for 3 consecutive months)",
    ),
    (
        "latest-below-target",
        [("2026-09", 96), ("2026-10", 97), ("2026-11", 93)],
        {},
        False,
        False,
        0,
        "not met: 93% in Nov 2026 (target: at least 95% for 3 consecutive months)",
    ),
    (
        "three-consecutive-months-at-target",
        [("2026-08", 90), ("2026-09", 95), ("2026-10", 96.5), ("2026-11", 97)],
        {},
        True,
        True,
        3,
        "met and sustained: 97% in Nov 2026, at least 95% for 3 consecutive months "
        "(Sep 2026 to Nov 2026)",
    ),
    (
        "met-but-not-yet-for-long-enough",
        [("2026-09", 91.2), ("2026-10", 95.1), ("2026-11", 96.7)],
        {},
        True,
        False,
        2,
        "met in Nov 2026 (96.7%, target at least 95%) but not yet sustained: "
        "2 of 3 consecutive months",
    ),
    (
        "a-missing-month-restarts-the-count",
        [("2026-08", 96), ("2026-09", 97), ("2026-11", 98)],
        {},
        True,
        False,
        1,
        "met in Nov 2026 (98%, target at least 95%) but not yet sustained: "
        "1 of 3 consecutive months; no reading for Oct 2026, so the count restarted",
    ),
    (
        "at-most-targets-count-down",
        [("2026-09", 14), ("2026-10", 12), ("2026-11", 15)],
        {"target": 15, "direction": "at-most"},
        True,
        True,
        3,
        "met and sustained: 15% in Nov 2026, at most 15% for 3 consecutive months "
        "(Sep 2026 to Nov 2026)",
    ),
    (
        "readings-after-the-date-judged-are-left-out",
        [("2026-10", 96), ("2026-11", 97), ("2026-12", 80)],
        {"sustain": 2},
        True,
        True,
        2,
        "met and sustained: 97% in Nov 2026, at least 95% for 2 consecutive months "
        "(Oct 2026 to Nov 2026)",
    ),
    (
        "a-later-reading-for-the-same-period-replaces-the-first",
        [("2026-10", 96), ("2026-11", 90), ("2026-11", 97)],
        {"sustain": 2},
        True,
        True,
        2,
        "met and sustained: 97% in Nov 2026, at least 95% for 2 consecutive months "
        "(Oct 2026 to Nov 2026)",
    ),
    (
        "readings-that-stopped-are-flagged",
        [("2026-06", 96), ("2026-07", 97), ("2026-08", 98)],
        {},
        True,
        True,
        3,
        "met and sustained: 98% in Aug 2026, at least 95% for 3 consecutive months "
        "(Jun 2026 to Aug 2026); no reading since Aug 2026",
    ),
    (
        "a-one-period-target-needs-no-run",
        [("2026-11", 4)],
        {"unit": "days", "direction": "at-most", "target": 5, "sustain": 1},
        True,
        True,
        1,
        "met and sustained: 4 days in Nov 2026, at most 5 days",
    ),
    (
        "consecutive-quarters-across-a-year-end",
        [("2025-Q3", 0), ("2025-Q4", 1), ("2026-Q1", 1), ("2026-Q2", 0), ("2026-Q3", 0)],
        {"unit": "count", "direction": "at-most", "target": 1, "period": "quarterly"},
        True,
        True,
        5,
        "met and sustained: 0 in Q3 2026, at most 1 for 3 consecutive quarters "
        "(Q1 2026 to Q3 2026)",
    ),
    (
        "a-reading-for-the-period-still-running-is-left-out",
        [("2026-09", 96), ("2026-10", 97), ("2026-11", 93), ("2026-12", 99)],
        {},
        False,
        False,
        0,
        "not met: 93% in Nov 2026 (target: at least 95% for 3 consecutive months)",
    ),
    (
        "consecutive-iso-weeks-across-a-year-end",
        [("2025-W52", 96), ("2026-W01", 97), ("2026-W02", 98)],
        {"period": "weekly"},
        True,
        True,
        3,
        "met and sustained: 98% in 2026-W02, at least 95% for 3 consecutive weeks "
        "(2025-W52 to 2026-W02); no reading since 2026-W02",
    ),
]


@pytest.mark.parametrize(
    ("readings", "changes", "met", "sustained", "run", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_measure_met_and_sustained(readings, changes, met, sustained, run, reason):
    status = measures.assess_measure(measure(readings, **changes), TODAY)
    assert (status.met, status.sustained, status.run, status.reason) == (
        met,
        sustained,
        run,
        reason,
    )


@pytest.mark.parametrize(
    ("period", "first", "second"),
    [
        (Period.MONTHLY, "2026-12", "2027-01"),
        (Period.QUARTERLY, "2026-Q4", "2027-Q1"),
        (Period.WEEKLY, "2026-W53", "2027-W01"),  # 2026 has 53 ISO weeks
    ],
    ids=["months", "quarters", "iso-weeks"],
)
def test_consecutive_periods_are_one_apart(period, first, second):
    assert measures.period_index(period, second) - measures.period_index(period, first) == 1


def test_a_week_that_does_not_exist_is_not_a_period():
    assert measures.period_index(Period.WEEKLY, "2027-W53") is None


@pytest.mark.parametrize(
    ("period", "text", "last_day"),
    [
        (Period.MONTHLY, "2026-11", date(2026, 11, 30)),
        (Period.MONTHLY, "2028-02", date(2028, 2, 29)),
        (Period.MONTHLY, "2026-12", date(2026, 12, 31)),
        (Period.QUARTERLY, "2026-Q4", date(2026, 12, 31)),
        (Period.QUARTERLY, "2027-Q1", date(2027, 3, 31)),
        (Period.WEEKLY, "2026-W48", date(2026, 11, 29)),
        (Period.WEEKLY, "2026-W53", date(2027, 1, 3)),
    ],
)
def test_a_period_ends_on_its_last_day(period, text, last_day):
    assert measures.period_end(period, text) == last_day
    assert measures.period_ended(period, text, last_day)
    assert not measures.period_ended(period, text, last_day - timedelta(days=1))


# --- concerns ----------------------------------------------------------------------------

A1 = f"{BASE}/actions/MED-001.yaml"
M1 = f"{BASE}/measures/MED-M1.yaml"
SUSTAINED = MEASURE + (
    "  - period: 2026-10\n    value: 97\n    document: QMS-AUD-2026-10\n"
    "  - period: 2026-11\n    value: 98\n    document: QMS-AUD-2026-11\n"
)


def concern_status(tmp_path: Path, **files: str | None) -> measures.ConcernStatus:
    root = minimal_repo(tmp_path, **files)
    snap = load(root, cache.Caches(root))
    (status,) = measures.assess_concerns(snap, TODAY)
    return status


def test_concern_resolved_when_actions_closed_and_targets_sustained(tmp_path: Path):
    status = concern_status(tmp_path, **{A1: None, M1: SUSTAINED})
    assert (status.resolved, status.reasons) == (True, ())
    assert (status.actions_open, status.actions_closed) == (0, 1)


def test_concern_with_every_action_closed_is_not_resolved_while_its_target_is_unmet(
    tmp_path: Path,
):
    status = concern_status(tmp_path, **{A1: None})
    assert status.resolved is False
    assert status.reasons == (
        "MED-M1 met in Sep 2026 (96%, target at least 95%) but not yet sustained: "
        "1 of 3 consecutive months; no reading since Sep 2026",
    )


def test_concern_with_an_open_action_is_not_resolved_even_with_targets_sustained(
    tmp_path: Path,
):
    status = concern_status(tmp_path, **{M1: SUSTAINED})
    assert status.reasons == ("1 of 2 actions still open",)


def test_concern_without_a_measure_cannot_be_resolved(tmp_path: Path):
    status = concern_status(tmp_path, **{A1: None, M1: None})
    assert status.reasons == ("no measurable target, so improvement cannot be shown",)


def test_cancelled_actions_do_not_hold_a_concern_open(tmp_path: Path):
    cancelled = CLOSED_ACTION.split("closure:")[0].replace("status: closed", "status: cancelled")
    cancelled += "cancellation:\n  date: 2026-10-01\n  approved_by: mpatel\n  reason: Superseded.\n"
    status = concern_status(
        tmp_path, **{A1: cancelled.replace("MED-002", "MED-001"), M1: SUSTAINED}
    )
    assert (status.resolved, status.actions_cancelled) == (True, 1)
