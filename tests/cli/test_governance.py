"""Governance proven from git (issue 9), through the command line in real repositories.

Each case the issue lists is refused when recording, or flagged by `check`,
`review`, `summary` and `history`, with the exact message.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.cli.test_record import A1, cli

runner = CliRunner()

# --- the right people at each level ---------------------------------------------------


def test_an_owner_recording_provider_scrutiny_of_their_own_action_is_refused(
    git_repo: Path,
) -> None:
    before = (git_repo / A1).read_bytes()
    result = cli(
        git_repo,
        "oversight",
        "MED-001",
        "--decision",
        "on-track",
        "--level",
        "monthly",
        "--by",
        "tokafor",
        "--note",
        "All fine",
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: the monthly oversight of MED-001 was not recorded\n"
        "  - tokafor owns the action and cannot record oversight of it\n"
        "  - tokafor is a medicines-lead, who may not record monthly provider scrutiny\n"
    )
    assert (git_repo / A1).read_bytes() == before


def test_a_registered_manager_may_not_record_monthly_provider_scrutiny(git_repo: Path) -> None:
    result = cli(
        git_repo, "oversight", "MED-001", "--decision", "on-track", "--level", "monthly",
        "--note", "Trend reviewed",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: the monthly oversight of MED-001 was not recorded\n"
        "  - mpatel is a registered-manager, who may not record monthly provider scrutiny\n"
    )


def test_without_a_level_the_nominated_individual_records_provider_scrutiny(
    git_repo: Path,
) -> None:
    result = cli(
        git_repo, "oversight", "MED-001", "--decision", "challenge", "--by", "jreed",
        "--note", "Why only one of three?",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "    by: jreed\n    level: monthly\n" in (git_repo / A1).read_text()


# --- honest dates -----------------------------------------------------------------------


def test_a_reading_for_a_month_that_has_not_ended_is_refused(git_repo: Path) -> None:
    for period, ends in (("2026-12", "31 Dec 2026"), ("2027-01", "31 Jan 2027")):
        result = cli(
            git_repo, "measure", "record", "MED-M1", "--period", period, "--value", "97",
            "--evidence", "QMS-AUD-X", on="2026-12-01",
        )  # fmt: skip
        assert result.exit_code == 1, result.output
        label = "Dec 2026" if period == "2026-12" else "Jan 2027"
        assert result.output == (
            "error: the reading was not recorded\n"
            f"  - the reading for {label} was recorded on 1 Dec 2026, before the period "
            f"ended ({ends})\n"
        )
    ok = cli(
        git_repo, "measure", "record", "MED-M1", "--period", "2026-11", "--value", "97",
        "--evidence", "QMS-AUD-2026-11", on="2026-12-01",
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output


def test_check_reports_a_reading_recorded_before_its_period_ended(git_repo: Path) -> None:
    measure = git_repo / "trackers/riverside/measures/MED-M1.yaml"
    measure.write_text(
        measure.read_text() + "  - period: 2026-12\n    value: 99\n    document: QMS-AUD-2026-12\n"
        "    recorded: 2026-12-01\n"
    )
    result = runner.invoke(
        app, ["--repo", str(git_repo), "check", "--as-of", "2027-01-05", "--select", "consistency"]
    )
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:2] == [
        "trackers/riverside/measures/MED-M1.yaml:13:5: error: the reading for Dec 2026 was "
        "recorded on 1 Dec 2026, before the period ended (31 Dec 2026) "
        "[consistency-period-not-ended]",
        "    hint: a period's reading is recorded after it ends; remove it and record it again then",
    ]
