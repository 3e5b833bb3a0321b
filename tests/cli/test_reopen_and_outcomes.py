"""Reopening (time closed does not count) and outcome statements with substance."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import commit_all
from tests.helpers import BASE, CLOSED_ACTION

runner = CliRunner()
A2 = f"{BASE}/actions/MED-002.yaml"


def cli(repo: Path, *args: str, on: str = "2026-11-20"):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def row(repo: Path, action: str, on: str) -> dict:
    rows = json.loads(cli(repo, "review", "--all", "--format", "json", on=on).output)
    return next(r for r in rows if r["id"] == action)


def reviewed_closed_action(repo: Path) -> None:
    """MED-002 reviewed on 20 Oct, closed 25 Oct: due 31 Oct."""
    (repo / A2).write_text(
        CLOSED_ACTION.replace(
            "closure:\n",
            "reviews:\n  - date: 2026-10-20\n    by: mpatel\n    level: weekly\n"
            "    decision: on-track\n    note: Re-audit booked.\n"
            "  - date: 2026-10-20\n    by: jreed\n    level: monthly\n"
            "    decision: on-track\n    note: Provider view, on track.\n"
            "closure:\n",
        )
    )
    commit_all(repo, "reviewed and closed", "2026-10-25")


def test_reopen_with_due_sets_it_and_the_move_is_not_an_unlogged_extension(git_repo: Path):
    reviewed_closed_action(git_repo)
    result = cli(
        git_repo,
        "reopen",
        "MED-002",
        "--reason",
        "Repeat omission in November audit",
        "--due",
        "2026-12-18",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / A2).read_text()
    assert "due: 2026-12-18\n" in text
    assert "    due: 2026-12-18\n    closure:\n" in text
    checked = cli(git_repo, "check")
    assert "[drift-unlogged-extension]" not in checked.output, checked.output
    found = row(git_repo, "MED-002", "2026-11-20")
    assert found["extensions"] == {"logged": 0, "unlogged": 0, "total": 0}
    history = runner.invoke(app, ["--repo", str(git_repo), "history", "MED-002"])
    assert (
        "due moved 31 Oct 2026 → 18 Dec 2026 on reopening, by mpatel (not an extension)"
        in history.output
    )
    assert "without a logged extension" not in history.output


def test_time_spent_closed_counts_towards_neither_overdue_nor_unreviewed(git_repo: Path):
    reviewed_closed_action(git_repo)
    # Closed 25 Oct, reopened 20 Nov: 26 days closed.
    assert cli(git_repo, "reopen", "MED-002", "--reason", "Repeat omission").exit_code == 0
    assert "due: 2026-11-26\n" in (git_repo / A2).read_text()  # 31 Oct + 26 days
    found = row(git_repo, "MED-002", "2026-11-20")
    codes = [f["code"] for f in found["findings"]]
    # Reviewed 20 Oct, closed 25 Oct to 20 Nov: 5 days open without a review, not 31.
    assert "unreviewed" not in codes and "no-provider-review" not in codes, found
    assert "overdue" not in codes
    later = row(git_repo, "MED-002", "2026-11-24")
    unreviewed = next(f for f in later["findings"] if f["code"] == "unreviewed")
    assert unreviewed["reason"] == (
        "not reviewed for 9 days open (not counting 26 days closed) (policy: every 7 days)"
    )


def test_close_refuses_an_outcome_of_too_few_words_quoting_what_was_agreed(git_repo: Path):
    (git_repo / "evidence" / "c.md").write_text("Competency check\n")
    assert (
        cli(
            git_repo,
            "evidence",
            "add",
            "MED-001",
            "--kind",
            "competency-assessment",
            "--ref",
            "evidence/c.md",
            "--summary",
            "Observed",
            "--by",
            "tokafor",
        ).exit_code
        == 0
    )
    result = cli(git_repo, "close", "MED-001", "--verified-by", "mpatel", "--outcome", "done")
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: MED-001 cannot be closed:\n"
        "  - the outcome statement 'done' has 1 word; policy closure.outcome_min_words asks for 8\n"
        "  hint: nothing was written; close it once every condition above is met\n"
    )
    # check gives the hint quoting the requirement, for a closure written by hand.
    text = (git_repo / f"{BASE}/actions/MED-001.yaml").read_text()
    (git_repo / f"{BASE}/actions/MED-001.yaml").write_text(
        text.replace("status: in-progress", "status: closed")
        + "closure:\n  date: 2026-11-20\n  verified_by: mpatel\n  outcome: Completed as agreed.\n"
    )
    checked = cli(git_repo, "check")
    assert checked.exit_code == 0  # a warning: closures recorded before the policy stay valid
    assert (
        "warning: the outcome statement 'Completed as agreed.' has 3 words; policy "
        "closure.outcome_min_words asks for 8 [closure-outcome-too-short]\n"
        "    hint: say what changed in practice and how it was checked against what was agreed "
        "(R1: Observed competency assessment for each staff member with repeat errors) and the "
        "expected outcome (No repeat omissions by the same staff member for three months.)"
    ) in checked.output
    assert cli(git_repo, "check", "--strict").exit_code == 1
    commit_all(git_repo, "Close by hand", "2026-11-20")
    words = cli(
        git_repo,
        "close",
        "MED-001",
        "--verified-by",
        "mpatel",
        "--outcome",
        "Re-audit of 40 MARs: no omissions by the three staff",
    )
    assert words.exit_code == 1, words.output  # already closed by hand above
    assert "outcome statement" not in words.output  # ten words: counted, not characters
