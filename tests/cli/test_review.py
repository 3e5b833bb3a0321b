"""`cqctrack review` and `cqctrack summary` through the command line, as at Monday 23 Nov 2026."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import commit_all
from tests.helpers import ACTION, BASE, CLOSED_ACTION, CONCERN, CONFIG, MEASURE, TRACKER, write_tree

runner = CliRunner()
AS_OF = "2026-11-23"
MAPLE = "trackers/maple-court"

PEOPLE = CONFIG + (
    "  rhughes:\n    name: Rachel Hughes\n    role: registered-manager\n"
    "  cevans:\n    name: Chloe Evans\n    role: key-worker\n"
    "  hwhitfield:\n    name: Helen Whitfield\n    role: provider-representative\n"
)
MAPLE_TRACKER = """\
name: Maple Court
service_type: supported-living
id_prefix: CP
registered_manager: rhughes
nominated_individual: jreed
provider_representative: hwhitfield
"""
MAPLE_CONCERN = """\
id: CP-C1
title: Care plans not updated after changes
source: inspection-feedback
raised: 2026-07-20
summary: Care plans were not updated after changes in behaviour or health.
statements: [E1]
risk: high
"""
REVIEWED = [
    {
        "date": "2026-11-02",
        "by": "jreed",
        "level": "monthly",
        "decision": "on-track",
        "note": "Fine.",
    },
    {
        "date": "2026-11-20",
        "by": "mpatel",
        "level": "weekly",
        "decision": "on-track",
        "note": "Fine.",
    },
]


def action(item_id: str, title: str, **fields) -> str:
    """An action file: on track unless `fields` say otherwise."""
    data = {
        "id": item_id,
        "title": title,
        "concern": "MED-C1" if item_id.startswith("MED") else "CP-C1",
        "statements": ["S8"],
        "owner": "tokafor",
        "risk": "medium",
        "created": "2026-09-01",
        "due": "2027-01-29",
        "status": "in-progress",
        "evidence_required": [
            {"id": "R1", "description": "Audit showing the change", "kinds": ["audit"]}
        ],
        "expected_outcome": "Practice has changed.",
        "reviews": REVIEWED,
    }
    return yaml.safe_dump(data | fields, sort_keys=False)


def extension(start: str, end: str, on: str) -> dict[str, str]:
    return {"from": start, "to": end, "reason": "Sickness.", "approved_by": "mpatel", "date": on}


FILES = {
    "cqctrack.yaml": PEOPLE,
    f"{BASE}/tracker.yaml": TRACKER,
    f"{BASE}/concerns/MED-C1.yaml": CONCERN,
    f"{BASE}/measures/MED-M1.yaml": MEASURE,
    f"{BASE}/actions/MED-001.yaml": action("MED-001", "Competency checks", due="2026-11-13"),
    f"{BASE}/actions/MED-002.yaml": CLOSED_ACTION,
    f"{BASE}/actions/MED-003.yaml": action(
        "MED-003", "Refusal recording guide", due="2026-11-30", statements=["WL5"]
    ),
    f"{BASE}/actions/MED-004.yaml": action("MED-004", "Weekly MAR checks"),
    f"{MAPLE}/tracker.yaml": MAPLE_TRACKER,
    f"{MAPLE}/concerns/CP-C1.yaml": MAPLE_CONCERN,
    f"{MAPLE}/actions/CP-001.yaml": action(
        "CP-001",
        "Update SU-0137's PBS plan",
        owner="cevans",
        statements=["E1"],
        reviews=[REVIEWED[0], {**REVIEWED[1], "date": "2026-11-05"}],
    ),
    f"{MAPLE}/actions/CP-002.yaml": action(
        "CP-002",
        "Handover checks",
        owner="cevans",
        statements=["E1"],
        status="awaiting-verification",
        due="2026-12-18",
        evidence=[
            {
                "id": "E1",
                "satisfies": ["R1"],
                "kind": "team-meeting-minutes",
                "document": "MIN-11",
                "date": "2026-11-19",
                "added_by": "cevans",
                "summary": "Minutes of the handover briefing.",
            }
        ],
    ),
    f"{MAPLE}/actions/CP-003.yaml": action(
        "CP-003",
        "Communication guidance",
        owner="cevans",
        statements=["E1"],
        due="2027-01-15",
        extensions=[
            extension("2026-10-30", "2026-11-27", "2026-10-28"),
            extension("2026-11-27", "2027-01-15", "2026-11-20"),
        ],
    ),
    "evidence/audit.md": "October re-audit summary\n",
}


@pytest.fixture
def trackers(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", FILES)


def run(root: Path, *args: str):
    return runner.invoke(
        app, ["--repo", str(root), *args, "--as-of", AS_OF], catch_exceptions=False
    )


def ids(result) -> list[str]:
    return [row["id"] for row in json.loads(result.stdout)]


def review_ids(root: Path, *args: str) -> list[str]:
    result = run(root, "review", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return ids(result)


# --- the default view --------------------------------------------------------------------


def test_review_lists_actions_needing_attention_most_urgent_first(trackers: Path):
    result = run(trackers, "review")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Actions needing attention as at 23 Nov 2026",
        "",
        "ID       BRAG   Due          Overdue  Extended  Last review  Owner         Escalate  Tracker      Title",
        "CP-003   Red    15 Jan 2027  -        2         20 Nov 2026  Chloe Evans   provider  maple-court  Communication guidance",
        "         why: extended twice (2 logged; policy: 2)",
        "         escalate to provider level: Jo Reed (nominated individual), Helen Whitfield (provider representative)",
        "MED-001  Red    13 Nov 2026  10 days  0         20 Nov 2026  Tunde Okafor  manager   riverside    Competency checks",
        "         why: overdue by 10 days",
        "         escalate to the registered manager, Meera Patel",
        "CP-002   Amber  18 Dec 2026  -        0         20 Nov 2026  Chloe Evans   manager   maple-court  Handover checks",
        "         why: awaiting verification, but evidence does not meet requirement R1",
        "         escalate to the registered manager, Rachel Hughes",
        "CP-001   Amber  29 Jan 2027  -        0         5 Nov 2026   Chloe Evans   manager   maple-court  Update SU-0137's PBS plan",
        "         why: not reviewed for 18 days (policy: every 7 days)",
        "         escalate to the registered manager, Rachel Hughes",
        "MED-003  Amber  30 Nov 2026  -        0         20 Nov 2026  Tunde Okafor  -         riverside    Refusal recording guide",
        "         why: due in 7 days (30 Nov 2026)",
        "",
        "5 actions: 2 red, 3 amber; escalations: 1 to provider level, 3 to registered managers.",
    ]
    assert result.stderr == ""


def test_all_lists_every_open_and_closed_action(trackers: Path):
    assert review_ids(trackers, "--all") == [
        "CP-003",
        "MED-001",
        "CP-002",
        "CP-001",
        "MED-003",
        "MED-004",
        "MED-002",
    ]


def test_status_closed_lists_closed_actions(trackers: Path):
    assert review_ids(trackers, "--status", "closed") == ["MED-002"]
    result = run(trackers, "review", "--status", "closed")
    assert result.stdout.startswith("Actions as at 23 Nov 2026: status closed\n"), result.output
    assert "MED-002  Blue" in result.stdout
    assert review_ids(trackers, "--status", "closed", "--status", "awaiting-verification") == [
        "CP-002",
        "MED-002",
    ]


def test_statement_ids_are_taken_in_lower_case_as_new_takes_them(trackers: Path):
    assert review_ids(trackers, "--all", "--statement", "s8") == review_ids(
        trackers, "--all", "--statement", "S8"
    )
    assert review_ids(trackers, "--all", "--statement", "s8")


def test_nothing_needing_attention_says_so_plainly(tmp_path: Path):
    root = write_tree(tmp_path, {k: v for k, v in FILES.items() if "/actions/" not in k})
    result = run(root, "review")
    assert result.exit_code == 0, result.output
    assert result.stdout == "No actions need attention as at 23 Nov 2026.\n"


# --- each filter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--overdue"], ["MED-001"]),
        (["--due-within", "7"], ["MED-001", "MED-003"]),
        (["--due-within", "30"], ["MED-001", "CP-002", "MED-003"]),
        (["--unreviewed"], ["CP-001"]),
        (["--extended"], ["CP-003"]),
        (["--weak"], ["CP-002"]),
        (["--tracker", "maple-court"], ["CP-003", "CP-002", "CP-001"]),
        (
            ["--tracker", "maple-court", "--tracker", "riverside"],
            ["CP-003", "MED-001", "CP-002", "CP-001", "MED-003"],
        ),
        (["--owner", "tokafor"], ["MED-001", "MED-003"]),
        (["--statement", "WL5"], ["MED-003"]),
        (["--statement", "saf-quality-statements:S8", "--all"], ["MED-001", "MED-004", "MED-002"]),
        (["--key-question", "effective"], ["CP-003", "CP-002", "CP-001"]),
        (["--key-question", "Well-led"], ["MED-003"]),
        (["--key-question", "well led", "--key-question", "safe"], ["MED-001", "MED-003"]),
        (["--overdue", "--tracker", "riverside"], ["MED-001"]),
        (["--due-within", "30", "--owner", "cevans"], ["CP-002"]),
    ],
    ids=[
        "overdue",
        "due-within-7-includes-overdue",
        "due-within-30",
        "unreviewed",
        "extended",
        "weak",
        "tracker",
        "two-trackers",
        "owner",
        "statement",
        "statement-with-its-framework",
        "key-question",
        "key-question-by-name",
        "two-key-questions",
        "filters-combine",
        "attention-and-scope-filters-combine",
    ],
)
def test_filter(trackers: Path, args: list[str], expected: list[str]):
    assert review_ids(trackers, *args) == expected


def test_filters_that_match_nothing_say_which_filters(trackers: Path):
    result = run(trackers, "review", "--overdue", "--tracker", "maple-court")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("No actions match (overdue, tracker maple-court) as at 23 Nov 2026.\n")


def test_as_of_moves_the_day_judged(trackers: Path):
    result = runner.invoke(
        app,
        ["--repo", str(trackers), "review", "--overdue", "--as-of", "2026-12-01", "-f", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert ids(result) == ["MED-001", "MED-003"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--tracker", "oakfield"], 3, "error: --tracker oakfield: there is no such tracker"),
        (
            ["--owner", "nobody"],
            3,
            "error: --owner nobody: no one with that id is in the people register",
        ),
        (["--statement", "S99"], 2, "error: --statement S99: not a quality statement or KLOE id"),
        (["--key-question", "kind"], 2, "error: --key-question kind: not a CQC key question"),
        (["--due-within", "-1"], 2, "Invalid value for '--due-within'"),
        (["--concerns", "--overdue"], 2, "error: --concerns lists concerns; it takes only"),
    ],
    ids=[
        "unknown-tracker",
        "unknown-owner",
        "unknown-statement",
        "unknown-key-question",
        "negative-days",
        "concerns-with-action-filter",
    ],
)
def test_filters_naming_nothing_are_refused(trackers: Path, args, code, message):
    result = runner.invoke(app, ["--repo", str(trackers), "review", *args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


# --- formats ---------------------------------------------------------------------------------


def test_json_is_a_documented_list_of_objects_and_nothing_else(trackers: Path):
    result = run(trackers, "review", "--overdue", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row == {
        "id": "MED-001",
        "unreadable": False,
        "tracker": "riverside",
        "tracker_name": "Riverside Homecare",
        "title": "Competency checks",
        "concern": "MED-C1",
        "owner": "tokafor",
        "owner_name": "Tunde Okafor",
        "status": "in-progress",
        "risk": "medium",
        "created": "2026-09-01",
        "due": "2026-11-13",
        "days_overdue": 10,
        "extensions": {"logged": 0, "unlogged": 0, "total": 0},
        "last_review": {
            "date": "2026-11-20",
            "by": "mpatel",
            "level": "weekly",
            "decision": "on-track",
        },
        "last_changed": None,
        "statements": ["S8"],
        "key_questions": ["safe"],
        "brag": "red",
        "reasons": ["overdue by 10 days"],
        "findings": [
            {
                "code": "overdue",
                "brag": "red",
                "reason": "overdue by 10 days",
                "escalation": "registered-manager",
            }
        ],
        "escalation": {
            "level": "registered-manager",
            "to": [{"id": "mpatel", "name": "Meera Patel", "role": "registered manager"}],
            "reasons": ["overdue by 10 days"],
            "note": None,
        },
    }


def test_empty_json_is_an_empty_list(trackers: Path):
    result = run(trackers, "review", "--overdue", "--tracker", "maple-court", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_csv_has_a_header_and_one_row_per_action(trackers: Path):
    result = run(trackers, "review", "--due-within", "7", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["due"], r["brag"], r["escalation"], r["reasons"]) for r in rows] == [
        ("MED-001", "2026-11-13", "red", "registered-manager", "overdue by 10 days"),
        ("MED-003", "2026-11-30", "amber", "", "due in 7 days (30 Nov 2026)"),
    ]


def test_markdown_is_a_table_with_readable_dates(trackers: Path):
    result = run(trackers, "review", "--overdue", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "## Actions as at 23 Nov 2026: overdue",
        "",
        "| ID | BRAG | Action | Tracker | Owner | Due | Overdue | Extended | Last review | Escalate to | Why |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        "| MED-001 | Red | Competency checks | Riverside Homecare | Tunde Okafor | 13 Nov 2026 | 10 days | 0 "
        "| 20 Nov 2026 | the registered manager, Meera Patel | overdue by 10 days |",
        "",
        "1 action: 1 red; escalations: 1 to a registered manager.",
    ]


def _force_rich(monkeypatch):
    from cqctrack.cli import review as command

    monkeypatch.setattr(command, "_rich_fits", lambda rows: True)
    monkeypatch.setenv("FORCE_COLOR", "1")


def test_a_terminal_gets_a_coloured_rich_table(trackers: Path, monkeypatch):
    _force_rich(monkeypatch)
    monkeypatch.delenv("NO_COLOR")
    result = run(trackers, "review", "--overdue")
    assert result.exit_code == 0, result.output
    assert "\x1b[1;31mRed" in result.stdout
    assert "Competency checks" in result.stdout


def test_no_color_turns_the_colour_off(trackers: Path, monkeypatch):
    _force_rich(monkeypatch)
    result = run(trackers, "review", "--overdue")
    assert result.exit_code == 0, result.output
    assert "\x1b[31" not in result.stdout and "\x1b[1;31" not in result.stdout
    assert "Competency checks" in result.stdout


# --- partial repositories and git ---------------------------------------------------------


def test_an_unreadable_file_is_a_red_row_and_the_review_fails_loudly(tmp_path: Path):
    broken = {f"{BASE}/actions/MED-004.yaml": "id: MED-004\ntitle: [unclosed\n"}
    root = write_tree(tmp_path, FILES | broken)
    result = run(root, "review", "--overdue")
    assert result.exit_code == 3, result.output
    why = (
        "cannot be read (line 3: did not find expected ',' or ']' (while parsing a flow sequence))"
    )
    assert result.stderr == (
        "error: 1 tracker file cannot be read, so this is not the whole tracker "
        "(shown as Red rows):\n"
        f"  {BASE}/actions/MED-004.yaml: {why}\n"
        "  hint: run `cqctrack check` for details, fix the files and run it again\n"
    )
    lines = result.stdout.splitlines()
    assert lines[3].split() == [
        "MED-004",
        "Red",
        "-",
        "-",
        "-",
        "-",
        "-",
        "-",
        "riverside",
        "(cannot",
        "be",
        "read)",
    ]
    assert lines[4].strip() == f"why: {BASE}/actions/MED-004.yaml {why}"
    assert "MED-001" in result.stdout
    assert "1 action: 1 red; 1 file that cannot be read (red)" in result.stdout
    rows = json.loads(run(root, "review", "--overdue", "--format", "json").stdout)
    assert rows[0]["id"] == "MED-004" and rows[0]["unreadable"] is True
    assert rows[0]["brag"] == "red" and rows[0]["path"] == f"{BASE}/actions/MED-004.yaml"
    assert rows[1]["id"] == "MED-001" and rows[1]["unreadable"] is False
    summary = run(root, "summary")
    assert summary.exit_code == 3 and "cannot be read" in summary.stderr


def test_a_broken_config_stops_the_review_and_summary_rather_than_using_defaults(tmp_path: Path):
    root = write_tree(tmp_path, FILES | {"cqctrack.yaml": "version: 1\nprovider: [oops\n"})
    for command in ("review", "summary"):
        result = run(root, command)
        assert result.exit_code == 3, result.output
        assert result.stdout == ""
        assert result.stderr.startswith(
            "cqctrack.yaml:3: error: cqctrack.yaml cannot be read, so the people register and "
            "the policy the review judges by are unknown; nothing is reported\n"
        )


def test_stale_outside_git_notes_it_cannot_tell(trackers: Path):
    result = run(trackers, "review", "--stale", "30")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"note: {trackers} is not in a git repository, so --stale cannot tell when actions "
        "last changed; none are listed\n"
    )
    assert result.stdout == "No actions match (no change for 30 days) as at 23 Nov 2026.\n"


def test_outside_git_other_views_say_nothing_about_git(trackers: Path):
    result = run(trackers, "review", "--overdue")
    assert result.stderr == ""


def test_stale_lists_open_actions_with_no_commit_for_that_long(git_repo: Path):
    write_tree(git_repo, {f"{BASE}/actions/MED-003.yaml": action("MED-003", "Refusal guide")})
    commit_all(git_repo, "Add MED-003", "2026-11-20")
    assert review_ids(git_repo, "--stale", "60") == ["MED-001"]
    assert review_ids(git_repo, "--stale", "3") == ["MED-001", "MED-003"]
    assert review_ids(git_repo, "--stale", "4") == ["MED-001"]


def test_due_date_moves_in_git_without_a_logged_extension_count(git_repo: Path):
    path = git_repo / BASE / "actions" / "MED-001.yaml"
    path.write_text(ACTION.replace("due: 2026-10-31", "due: 2026-11-30"))
    commit_all(git_repo, "Move MED-001", "2026-10-28")
    path.write_text(ACTION.replace("due: 2026-10-31", "due: 2026-12-20"))
    commit_all(git_repo, "Move MED-001 again", "2026-11-20")
    result = run(git_repo, "review", "--extended", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["id"], row["extensions"], row["last_changed"]) == (
        "MED-001",
        {"logged": 0, "unlogged": 2, "total": 2},
        "2026-11-20",
    )
    assert row["reasons"][0] == "extended twice (2 due-date moves not logged; policy: 2)"
    plain = run(git_repo, "review", "--extended")
    assert "2 (2 unlogged)" in plain.stdout


# --- concerns ----------------------------------------------------------------------------------


def test_concerns_show_actions_and_whether_each_target_is_met_and_sustained(trackers: Path):
    result = run(trackers, "review", "--concerns")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Concerns as at 23 Nov 2026: 2, 0 resolved",
        "",
        "CP-C1   Not resolved: Care plans not updated after changes (maple-court, high risk)",
        "        actions: 3 of 3 open",
        "        no measurable target, so improvement cannot be shown",
        "",
        "MED-C1  Not resolved: Gaps in medicines records (riverside, high risk)",
        "        actions: 3 of 4 open",
        "        MED-M1 Complete medicines records: met in Sep 2026 (96%, target at least 95%) but "
        "not yet sustained: 1 of 3 consecutive months; no reading since Sep 2026",
        "               readings: Sep 2026 96%",
        "",
        "A concern is resolved when all its actions are closed or cancelled and every measure is "
        "met and sustained.",
    ]


def test_concerns_as_json(trackers: Path):
    result = run(trackers, "review", "--concerns", "--key-question", "effective", "-f", "json")
    assert result.exit_code == 0, result.output
    (concern,) = json.loads(result.stdout)
    assert (concern["id"], concern["resolved"], concern["actions"], concern["measures"]) == (
        "CP-C1",
        False,
        {"open": 3, "closed": 0, "cancelled": 0, "total": 3},
        [],
    )
    assert concern["reasons"] == [
        "3 of 3 actions still open",
        "no measurable target, so improvement cannot be shown",
    ]


# --- summary -------------------------------------------------------------------------------------


def test_summary_is_one_screen_of_counts(trackers: Path):
    result = run(trackers, "summary")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Test Care Ltd: improvement actions as at 23 Nov 2026",
        "",
        "Open actions   6 (1 closed, 0 cancelled)",
        "BRAG           Red 2   Amber 3   Green 1   Blue 1",
        "Overdue        1, the same as a week earlier (16 Nov 2026)",
        "Escalations    1 to provider level, 3 to registered managers",
        "Concerns       2, none resolved (details: `cqctrack review --concerns`)",
        "Staff repeats  none",
        "History flags  none",
        "",
        "By tracker          Open  Red  Amber  Green  Blue  Overdue  A week ago  To provider  To manager",
        "Maple Court            3    1      2      0     0        0           0            1           2",
        "Riverside Homecare     3    1      1      1     1        1           1            0           1",
        "All trackers           6    2      3      1     1        1           1            1           3",
        "",
        "By key question  Open  Red  Amber  Green  Blue  Overdue  A week ago  To provider  To manager",
        "Safe                2    1      0      1     1        1           1            0           1",
        "Effective           3    1      2      0     0        0           0            1           2",
        "Caring              0    0      0      0     0        0           0            0           0",
        "Responsive          0    0      0      0     0        0           0            0           0",
        "Well-led            1    0      1      0     1        0           0            0           0",
        "",
        "Blue: closed with evidence meeting every requirement. An action citing statements",
        "under two key questions counts under both. A concern is resolved when its actions",
        "are all closed and every measure is met and sustained.",
    ]


def test_summary_trend_rebuilds_last_week_from_git_due_date_moves(git_repo: Path):
    path = git_repo / BASE / "actions" / "MED-001.yaml"
    path.write_text(ACTION.replace("due: 2026-10-31", "due: 2026-11-10"))
    commit_all(git_repo, "Bring MED-001 forward", "2026-10-01")
    path.write_text(ACTION.replace("due: 2026-10-31", "due: 2026-12-20"))
    commit_all(git_repo, "Move MED-001 without logging it", "2026-11-20")
    result = run(git_repo, "summary", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["overdue_trend"] == {"now": 0, "week_ago": 1, "change": -1}
    assert payload["week_ago"] == "2026-11-16"
    assert payload["totals"]["brag"] == {"red": 1, "amber": 0, "green": 0, "blue": 1}


def test_summary_csv_has_a_row_per_group(trackers: Path):
    result = run(trackers, "summary", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["group"], r["key"], r["open"], r["overdue"]) for r in rows][:3] == [
        ("total", "all", "6", "1"),
        ("tracker", "maple-court", "3", "0"),
        ("tracker", "riverside", "3", "1"),
    ]


def test_weak_also_lists_closed_actions_whose_evidence_file_is_missing(tmp_path: Path):
    root = write_tree(tmp_path, {k: v for k, v in FILES.items() if k != "evidence/audit.md"})
    result = run(root, "review", "--weak", "--format", "json")
    assert result.exit_code == 0, result.output
    weak = {row["id"]: row["reasons"] for row in json.loads(result.stdout)}
    assert weak == {
        "MED-002": ["closed, but evidence does not meet requirement R1"],
        "CP-002": ["awaiting verification, but evidence does not meet requirement R1"],
    }
    assert "MED-002" not in review_ids(root)


def test_summary_and_concerns_as_markdown(trackers: Path):
    summary = run(trackers, "summary", "--format", "markdown")
    assert summary.exit_code == 0, summary.output
    assert summary.stdout.splitlines()[:4] == [
        "## Test Care Ltd: improvement actions as at 23 Nov 2026",
        "",
        "- **Open actions**: 6 (1 closed, 0 cancelled)",
        "- **BRAG**: Red 2   Amber 3   Green 1   Blue 1",
    ]
    assert "| **All trackers** | 6 | 2 | 3 | 1 | 1 | 1 | 1 | 1 | 3 |" in summary.stdout
    concerns = run(trackers, "review", "--concerns", "--format", "markdown")
    assert concerns.exit_code == 0, concerns.output
    assert (
        "| CP-C1 | Care plans not updated after changes | maple-court | Not resolved | 3 of 3 open | - | no measurable target |"
        in concerns.stdout
    )


def test_concerns_as_csv_have_a_row_per_measure(trackers: Path):
    result = run(trackers, "review", "--concerns", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["concern"], r["measure"], r["met"], r["sustained"], r["run"]) for r in rows] == [
        ("CP-C1", "", "", "", ""),
        ("MED-C1", "MED-M1", "True", "False", "1"),
    ]
