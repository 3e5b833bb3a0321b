"""Governance proven from git (issue 9), through the command line in real repositories.

Each case the issue lists is refused when recording, or flagged by `check`,
`review`, `summary` and `history`, with the exact message.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_record import A1, cli

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
