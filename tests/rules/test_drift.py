"""The BRAG and escalation rules, table-driven, judged as at a fixed Monday."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cqctrack.findings import Brag, Escalation
from cqctrack.format.history import ActionHistory, DueMove, Logged
from cqctrack.format.policy import DEFAULT_POLICY, Policy
from cqctrack.format.records import Action, Person
from cqctrack.read import summary
from cqctrack.rules import drift
from tests.helpers import action_record, policy_record

TODAY = date(2026, 11, 23)
NAMES = {"mpatel": "Meera Patel", "jreed": "Jo Reed"}
PEOPLE = {
    "mpatel": Person("Meera Patel", "registered-manager", (), ()),
    "jreed": Person("Jo Reed", "nominated-individual", (), ()),
    "tokafor": Person("Tunde Okafor", "medicines-lead", (), ()),
    "tadeyemi": Person("Tunde Adeyemi", "training-lead", (), ()),
    "sb": Person("Sarah Brennan", "quality-lead", (), ()),
}

# On track: due in five weeks, reviewed last Friday and at provider scrutiny this month.
BASE = {
    "id": "MED-001",
    "title": "Competency checks for staff with repeated MAR errors",
    "concern": "MED-C1",
    "statements": ["S8"],
    "owner": "tokafor",
    "risk": "medium",
    "created": "2026-09-01",
    "due": "2026-12-31",
    "status": "in-progress",
    "evidence_required": [{"id": "R1", "description": "Competency record", "kinds": ["audit"]}],
    "expected_outcome": "No repeat omissions.",
    "reviews": [
        {
            "date": "2026-11-02",
            "by": "jreed",
            "level": "monthly",
            "decision": "on-track",
            "note": ".",
        },
        {
            "date": "2026-11-20",
            "by": "mpatel",
            "level": "weekly",
            "decision": "on-track",
            "note": ".",
        },
    ],
}
EVIDENCE = {
    "id": "E1",
    "satisfies": ["R1"],
    "kind": "audit",
    "document": "AUD-1",
    "date": "2026-11-18",
    "added_by": "tokafor",
    "summary": "Audit.",
}
CLOSURE = {"date": "2026-11-19", "verified_by": "mpatel", "outcome": "Done."}
IMPORTED = {"file": "plan.xlsx", "sheet": "Must do", "row": 6, "date": "2026-11-10", "by": "mpatel"}


def review(day: str, decision: str = "on-track", level: str = "weekly", by: str | None = None):
    # Provider scrutiny is the nominated individual's; the weekly review the manager's.
    by = by or ("jreed" if level == "monthly" else "mpatel")
    return {"date": day, "by": by, "level": level, "decision": decision, "note": "."}


def extension(start: str, end: str, on: str):
    return {
        "from": start,
        "to": end,
        "reason": "Staff sickness.",
        "approved_by": "mpatel",
        "date": on,
    }


def action(**changes) -> Action:
    return action_record(BASE | changes)


def judge(
    act: Action, unlogged: int = 0, unmet: tuple[str, ...] = (), policy: Policy | None = None
):
    facts = drift.Facts(act, unlogged=unlogged, unmet=unmet, names=NAMES, people=PEOPLE)
    return drift.assess(facts, policy or DEFAULT_POLICY, TODAY)


CASES = [
    # (id, changes, unlogged, unmet, brag, escalation, reasons)
    ("on-track-is-green", {}, 0, (), Brag.GREEN, None, []),
    (
        "overdue-within-grace-is-red-for-the-manager",
        {"due": "2026-11-13"},
        0,
        (),
        Brag.RED,
        Escalation.MANAGER,
        ["overdue by 10 days"],
    ),
    (
        "overdue-by-exactly-the-grace-period-stays-with-the-manager",
        {"due": "2026-11-09"},
        0,
        (),
        Brag.RED,
        Escalation.MANAGER,
        ["overdue by 14 days"],
    ),
    (
        "overdue-beyond-grace-goes-to-provider-level",
        {"due": "2026-11-08"},
        0,
        (),
        Brag.RED,
        Escalation.PROVIDER,
        ["overdue by 15 days, beyond the 14-day grace period"],
    ),
    (
        "one-day-overdue-is-singular",
        {"due": "2026-11-22"},
        0,
        (),
        Brag.RED,
        Escalation.MANAGER,
        ["overdue by 1 day"],
    ),
    (
        "due-today-is-amber",
        {"due": "2026-11-23"},
        0,
        (),
        Brag.AMBER,
        None,
        ["due today (23 Nov 2026)"],
    ),
    (
        "due-at-the-edge-of-due-soon-is-amber",
        {"due": "2026-12-07"},
        0,
        (),
        Brag.AMBER,
        None,
        ["due in 14 days (7 Dec 2026)"],
    ),
    ("due-a-day-beyond-due-soon-is-green", {"due": "2026-12-08"}, 0, (), Brag.GREEN, None, []),
    (
        "one-logged-extension-is-amber-without-escalation",
        {"extensions": [extension("2026-12-01", "2026-12-31", "2026-11-10")]},
        0,
        (),
        Brag.AMBER,
        None,
        ["extended once (logged)"],
    ),
    (
        "one-unlogged-due-date-move-goes-to-the-manager",
        {},
        1,
        (),
        Brag.AMBER,
        Escalation.MANAGER,
        ["extended once (due-date move not logged)"],
    ),
    (
        "extended-at-the-threshold-is-red-at-provider-level",
        {
            "extensions": [
                extension("2026-11-01", "2026-12-01", "2026-10-20"),
                extension("2026-12-01", "2026-12-31", "2026-11-10"),
            ]
        },
        0,
        (),
        Brag.RED,
        Escalation.PROVIDER,
        ["extended twice (2 logged; policy: 2)"],
    ),
    (
        "logged-and-unlogged-extensions-add-up",
        {
            "extensions": [
                extension("2026-10-01", "2026-11-01", "2026-09-20"),
                extension("2026-11-01", "2026-12-01", "2026-10-20"),
            ]
        },
        1,
        (),
        Brag.RED,
        Escalation.PROVIDER,
        ["extended 3 times (2 logged, 1 due-date move not logged; policy: 2)"],
    ),
    (
        "high-risk-not-reviewed-within-policy-is-red",
        {"risk": "high", "reviews": [review("2026-11-07"), review("2026-11-02", level="monthly")]},
        0,
        (),
        Brag.RED,
        Escalation.MANAGER,
        ["high-risk action not reviewed for 16 days (policy: 7)"],
    ),
    (
        "high-risk-reviewed-a-week-ago-is-on-time",
        {"risk": "high", "reviews": [review("2026-11-16"), review("2026-11-02", level="monthly")]},
        0,
        (),
        Brag.GREEN,
        None,
        [],
    ),
    (
        "no-review-within-the-weekly-cadence-is-amber",
        {"reviews": [review("2026-11-12"), review("2026-11-02", level="monthly")]},
        0,
        (),
        Brag.AMBER,
        Escalation.MANAGER,
        ["not reviewed for 11 days (policy: every 7 days)"],
    ),
    (
        "never-reviewed-counts-from-creation",
        {"created": "2026-11-10", "reviews": []},
        0,
        (),
        Brag.AMBER,
        Escalation.MANAGER,
        ["not reviewed since it was created 13 days ago (policy: every 7 days)"],
    ),
    (
        "missed-provider-scrutiny-goes-to-provider-level",
        {"reviews": [review("2026-10-15", level="monthly"), review("2026-11-20")]},
        0,
        (),
        Brag.AMBER,
        Escalation.PROVIDER,
        ["no provider-level review for 39 days (policy: every 31 days)"],
    ),
    (
        "rejected-closure-goes-to-provider-level",
        {
            "status": "awaiting-verification",
            "evidence": [EVIDENCE],
            "reviews": [
                review("2026-11-02", level="monthly"),
                review("2026-11-20", "reject-closure"),
            ],
        },
        0,
        (),
        Brag.AMBER,
        Escalation.PROVIDER,
        ["closure evidence rejected at the review on 20 Nov 2026 by Meera Patel"],
    ),
    (
        "a-later-approval-supersedes-a-rejection",
        {
            "status": "awaiting-verification",
            "evidence": [EVIDENCE],
            "reviews": [
                review("2026-11-02", level="monthly"),
                review("2026-11-13", "reject-closure"),
                review("2026-11-20", "approve-closure"),
            ],
        },
        0,
        (),
        Brag.GREEN,
        None,
        [],
    ),
    (
        "escalated-at-the-last-review-goes-to-provider-level",
        {"reviews": [review("2026-11-02", level="monthly"), review("2026-11-20", "escalate")]},
        0,
        (),
        Brag.AMBER,
        Escalation.PROVIDER,
        ["escalated at the review on 20 Nov 2026 by Meera Patel"],
    ),
    (
        "challenged-at-the-last-review-is-amber",
        {"reviews": [review("2026-11-02", level="monthly"), review("2026-11-20", "challenge")]},
        0,
        (),
        Brag.AMBER,
        None,
        ["challenged at the review on 20 Nov 2026 by Meera Patel"],
    ),
    (
        "awaiting-verification-without-meeting-requirements-is-weak",
        {"status": "awaiting-verification", "evidence": [EVIDENCE]},
        0,
        ("R1",),
        Brag.AMBER,
        Escalation.MANAGER,
        ["awaiting verification, but evidence does not meet requirement R1"],
    ),
    (
        "awaiting-verification-too-long",
        {"status": "awaiting-verification", "evidence": [EVIDENCE | {"date": "2026-11-10"}]},
        0,
        (),
        Brag.AMBER,
        Escalation.MANAGER,
        [
            "awaiting verification for 13 days since the last evidence "
            "(10 Nov 2026; policy: verify within 7 days)"
        ],
    ),
    (
        "closed-with-evidence-meeting-requirements-is-blue",
        {"status": "closed", "evidence": [EVIDENCE], "closure": CLOSURE, "due": "2026-11-01"},
        0,
        (),
        Brag.BLUE,
        None,
        [],
    ),
    (
        "closed-without-evidence-meeting-requirements-is-amber",
        {"status": "closed", "closure": CLOSURE},
        0,
        ("R1",),
        Brag.AMBER,
        Escalation.MANAGER,
        ["closed, but evidence does not meet requirement R1"],
    ),
    (
        "closed-by-an-imported-closure-is-amber-until-confirmed",
        {
            "status": "closed",
            "evidence": [EVIDENCE],
            "closure": {**CLOSURE, "imported": True},
            "imported": IMPORTED,
        },
        0,
        (),
        Brag.AMBER,
        Escalation.MANAGER,
        [
            "closed in the imported plan (plan.xlsx, sheet Must do, row 6); the closure is not "
            "yet confirmed in cqctrack"
        ],
    ),
    (
        "an-imported-closure-confirmed-since-the-import-is-blue",
        {
            "status": "closed",
            "evidence": [EVIDENCE],
            "closure": {**CLOSURE, "imported": True},
            "imported": IMPORTED,
            "reviews": [review("2026-11-20", "approve-closure", "weekly", "mpatel")],
        },
        0,
        (),
        Brag.BLUE,
        None,
        [],
    ),
    (
        "an-approval-by-the-owner-or-before-the-import-confirms-nothing",
        {
            "status": "closed",
            "evidence": [EVIDENCE],
            "closure": {**CLOSURE, "imported": True},
            "imported": IMPORTED,
            "reviews": [
                review("2026-11-02", "approve-closure", "weekly", "mpatel"),
                review("2026-11-21", "approve-closure", "weekly", "tokafor"),
            ],
        },
        0,
        (),
        Brag.AMBER,
        Escalation.MANAGER,
        [
            "closed in the imported plan (plan.xlsx, sheet Must do, row 6); the closure is not "
            "yet confirmed in cqctrack"
        ],
    ),
    (
        "reopened-is-amber",
        {"reopenings": [{"date": "2026-11-04", "by": "mpatel", "reason": "Audit gaps again."}]},
        0,
        (),
        Brag.AMBER,
        None,
        ["reopened on 4 Nov 2026 by Meera Patel"],
    ),
    (
        "every-reason-is-given-and-the-highest-escalation-wins",
        {
            "due": "2026-11-01",
            "risk": "high",
            "reviews": [review("2026-11-02", "challenge", "monthly", "jreed")],
        },
        1,
        (),
        Brag.RED,
        Escalation.PROVIDER,
        [
            "overdue by 22 days, beyond the 14-day grace period",
            "extended once (due-date move not logged)",
            "high-risk action not reviewed for 21 days (policy: 7)",
            "challenged at the review on 2 Nov 2026 by Jo Reed",
        ],
    ),
]


@pytest.mark.parametrize(
    ("changes", "unlogged", "unmet", "brag", "escalation", "reasons"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rating_escalation_and_reasons(changes, unlogged, unmet, brag, escalation, reasons):
    verdict = judge(action(**changes), unlogged, unmet)
    assert (verdict.brag, verdict.escalation, verdict.reasons) == (brag, escalation, reasons)


def test_policy_in_cqctrack_yaml_drives_the_thresholds():
    policy = policy_record(
        {"drift": {"escalation_grace_days": 5, "extension_threshold": 3, "due_soon_days": 0}}
    )
    late = judge(action(due="2026-11-17"), policy=policy)
    assert (late.escalation, late.reasons) == (
        Escalation.PROVIDER,
        ["overdue by 6 days, beyond the 5-day grace period"],
    )
    twice = judge(
        action(
            extensions=[
                extension("2026-11-01", "2026-12-01", "2026-10-20"),
                extension("2026-12-01", "2026-12-31", "2026-11-10"),
            ]
        ),
        policy=policy,
    )
    assert (twice.brag, twice.reasons) == (Brag.AMBER, ["extended twice (2 logged)"])
    assert judge(action(due="2026-11-24"), policy=policy).brag is Brag.GREEN


def test_escalation_reasons_are_those_of_the_chosen_level():
    verdict = judge(action(due="2026-11-01", reviews=[review("2026-11-12")]))
    assert verdict.escalation is Escalation.PROVIDER
    assert verdict.escalation_reasons == [
        "overdue by 22 days, beyond the 14-day grace period",
        "no provider-level review since it was created 83 days ago (policy: every 31 days)",
    ]


# --- facts from git and the file -------------------------------------------------------


def move(old: str, new: str, on: str, logged: Logged = Logged.NEVER) -> DueMove:
    when = datetime.fromisoformat(f"{on}T09:00:00+00:00")
    return DueMove(
        date.fromisoformat(old), date.fromisoformat(new), "abc", when, "A", "a@b", logged
    )


UNLOGGED_CASES = [
    ("no-moves-no-log", {}, (), 0),
    (
        "a-move-git-saw-logged-in-the-same-commit",
        {},
        (move("2026-12-01", "2026-12-31", "2026-11-10", Logged.SAME_COMMIT),),
        0,
    ),
    ("a-move-nobody-logged", {}, (move("2026-12-01", "2026-12-31", "2026-11-10"),), 1),
    (
        "a-move-logged-in-a-later-commit-counts-as-logged",
        {"extensions": [extension("2026-12-01", "2026-12-31", "2026-11-11")]},
        (move("2026-12-01", "2026-12-31", "2026-11-10", Logged.LATER),),
        0,
    ),
    (
        "bringing-a-due-date-forward-is-not-an-extension",
        {},
        (move("2027-01-31", "2026-12-31", "2026-11-10"),),
        0,
    ),
    (
        "outside-git-a-due-date-past-the-last-extension-shows-one",
        {"extensions": [extension("2026-11-01", "2026-12-01", "2026-10-20")]},
        (),
        1,
    ),
]


@pytest.mark.parametrize(
    ("changes", "moves", "unlogged"),
    [case[1:] for case in UNLOGGED_CASES],
    ids=[case[0] for case in UNLOGGED_CASES],
)
def test_unlogged_extensions_combine_git_and_the_extension_log(changes, moves, unlogged):
    facts = drift.facts_for(
        action(**changes), ActionHistory(due_moves=moves), DEFAULT_POLICY, people=PEOPLE
    )
    assert facts.unlogged == unlogged


# --- looking back a week ----------------------------------------------------------------

WEEK_AGO = date(2026, 11, 16)

TREND_CASES = [
    ("overdue-then-and-now", {"due": "2026-11-10"}, (), True),
    ("not-yet-due-then", {"due": "2026-11-20"}, (), False),
    ("created-after-that-day", {"created": "2026-11-18", "due": "2026-11-19"}, (), False),
    (
        "closed-since-was-open-then",
        {"due": "2026-11-10", "status": "closed", "closure": CLOSURE, "evidence": [EVIDENCE]},
        (),
        True,
    ),
    (
        "closed-before-that-day",
        {"due": "2026-11-10", "status": "closed", "closure": CLOSURE | {"date": "2026-11-12"}},
        (),
        False,
    ),
    (
        "extended-since-by-a-logged-extension",
        {"due": "2026-12-31", "extensions": [extension("2026-11-10", "2026-12-31", "2026-11-18")]},
        (),
        True,
    ),
    (
        "extended-since-by-an-unlogged-move-git-saw",
        {"due": "2026-12-31"},
        (move("2026-11-10", "2026-12-31", "2026-11-18"),),
        True,
    ),
    (
        "extended-before-that-day",
        {"due": "2026-12-31"},
        (move("2026-11-10", "2026-12-31", "2026-11-14"),),
        False,
    ),
    (
        "closed-then-but-reopened-since",
        {
            "due": "2026-11-10",
            "reopenings": [
                {
                    "date": "2026-11-20",
                    "by": "mpatel",
                    "reason": "Gaps.",
                    "closure": CLOSURE | {"date": "2026-11-12"},
                }
            ],
        },
        (),
        False,
    ),
]


@pytest.mark.parametrize(
    ("changes", "moves", "overdue_then"),
    [case[1:] for case in TREND_CASES],
    ids=[case[0] for case in TREND_CASES],
)
def test_overdue_a_week_ago_is_rebuilt_from_dates(changes, moves, overdue_then):
    facts = drift.Facts(action(**changes), due_moves=moves, people=PEOPLE)
    assert summary.overdue_on(facts, WEEK_AGO) is overdue_then


# --- which reviews count, and where escalation goes (rules/oversight.py) ----------------

MONTHLY = review("2026-11-02", level="monthly")


def test_a_training_leads_ad_hoc_entry_does_not_reset_the_weekly_clock():
    reviews = [review("2026-11-12"), MONTHLY, review("2026-11-20", level="ad-hoc", by="tadeyemi")]
    verdict = judge(action(reviews=reviews))
    assert (verdict.brag, verdict.reasons) == (
        Brag.AMBER,
        [
            "not reviewed for 11 days; the review of 20 Nov 2026 by tadeyemi does not count "
            "(a training-lead may not record management review) (policy: every 7 days)"
        ],
    )


def test_the_owners_own_monthly_review_is_not_provider_scrutiny():
    owned = action(
        owner="jreed",
        reviews=[review("2026-10-01", level="monthly", by="jreed"), review("2026-11-20")],
    )
    verdict = judge(owned)
    assert verdict.reasons == [
        "no provider-level review since it was created 83 days ago; the review of 1 Oct 2026 "
        "by Jo Reed does not count (recorded by the action's owner) (policy: every 31 days)"
    ]


def test_a_review_committed_beyond_the_backdating_window_does_not_reset_the_clock():
    reviews = [review("2026-11-05"), MONTHLY, review("2026-11-19")]
    lagged = drift.Facts(action(reviews=reviews), names=NAMES, people=PEOPLE, review_lags={2: 8})
    verdict = drift.assess(lagged, DEFAULT_POLICY, TODAY)
    assert verdict.reasons == [
        "not reviewed for 18 days; the review of 19 Nov 2026 by Meera Patel does not count "
        "(it was recorded 8 days after the date it carries (policy audit.backdating_days: 7)) "
        "(policy: every 7 days)"
    ]
    within = drift.Facts(action(reviews=reviews), names=NAMES, people=PEOPLE, review_lags={2: 7})
    assert drift.assess(within, DEFAULT_POLICY, TODAY).brag is Brag.GREEN


LEADERS = drift.Leaders("mpatel", ("jreed", "hwhitfield"))


def routed(owner: str, due: str = "2026-11-13", causers: frozenset[str] = frozenset()):
    reviews = [review("2026-11-20", by="jreed"), review("2026-11-02", "on-track", "monthly", "sb")]
    facts = drift.Facts(
        action(owner=owner, due=due, reviews=reviews),
        names=NAMES | {"hwhitfield": "Helen Whitfield"},
        people=PEOPLE,
        leaders=LEADERS,
        causers=causers,
    )
    return drift.assess(facts, DEFAULT_POLICY, TODAY)


def test_escalation_goes_to_the_registered_manager_of_someone_elses_action():
    verdict = routed("tokafor")
    assert (verdict.escalation, verdict.route, verdict.route_note) == (
        Escalation.MANAGER,
        ("mpatel",),
        None,
    )


def test_the_registered_managers_own_action_escalates_to_provider_level():
    verdict = routed("mpatel")
    assert (verdict.escalation, verdict.route, verdict.route_note) == (
        Escalation.PROVIDER,
        ("jreed", "hwhitfield"),
        "the registered manager, Meera Patel, owns the action",
    )
    assert verdict.escalation_reasons == ["overdue by 10 days"]


def test_a_lapse_the_registered_manager_caused_escalates_to_provider_level():
    verdict = routed("tokafor", causers=frozenset({"mpatel"}))
    assert verdict.route == ("jreed", "hwhitfield")
    assert verdict.route_note == "the registered manager, Meera Patel, caused the lapse"


def test_provider_level_leaves_out_the_nominated_individual_who_owns_the_action():
    verdict = routed("jreed", due="2026-11-01")
    assert (verdict.escalation, verdict.route) == (Escalation.PROVIDER, ("hwhitfield",))
    assert verdict.route_note == "Jo Reed owns the action or caused the lapse"
