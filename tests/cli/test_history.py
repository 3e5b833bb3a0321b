"""`cqctrack history`: the audit trail from git, for cqctrack commits and hand edits alike."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.cli.test_record import A1, A2, cli
from tests.conftest import commit_all

runner = CliRunner()


def history(repo: Path, *args: str):
    return runner.invoke(app, ["--repo", str(repo), "history", *args])


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_history_mixes_cqctrack_commits_and_hand_edits_field_by_field(git_repo: Path) -> None:
    assert (
        cli(
            git_repo,
            "extend",
            "MED-001",
            "--to",
            "2026-11-14",
            "--reason",
            "Trainer on leave",
            "--approved-by",
            "mpatel",
            on="2026-10-14",
        ).exit_code
        == 0
    )
    edit(git_repo, A1, "owner: tokafor", "owner: jreed")
    commit_all(git_repo, "Reassign", "2026-10-16")
    edit(git_repo, A1, "due: 2026-11-14", "due: 2026-11-30")
    commit_all(git_repo, "Move due date", "2026-10-18", author="Sam Jones <sam@example.org>")
    assert (
        cli(
            git_repo,
            "oversight",
            "MED-001",
            "--decision",
            "challenge",
            "--note",
            "Why moved?",
            on="2026-10-20",
        ).exit_code
        == 0
    )

    result = history(git_repo, "MED-001")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "MED-001  Competency checks for staff with repeated MAR errors",
        "trackers/riverside/actions/MED-001.yaml",
        "",
        " 1 Sep 2026  "
        + result.output.splitlines()[3][13:21]
        + "  Meera Patel  created: owner tokafor, due 31 Oct 2026, status in-progress, 1 evidence requirement  [hand edit]",
        "14 Oct 2026  "
        + result.output.splitlines()[4][13:21]
        + "  Meera Patel  due moved 31 Oct 2026 → 14 Nov 2026 (extension logged: Trainer on leave; approved by mpatel)",
        "16 Oct 2026  "
        + result.output.splitlines()[5][13:21]
        + "  Meera Patel  owner changed tokafor → jreed  [hand edit]",
        "18 Oct 2026  "
        + result.output.splitlines()[6][13:21]
        + "  Sam Jones    due moved 14 Nov 2026 → 30 Nov 2026 without a logged extension  [hand edit]",
        "                                    ! due date moved 14 Nov 2026 → 30 Nov 2026 without a logged extension",
        "20 Oct 2026  "
        + result.output.splitlines()[8][13:21]
        + "  Meera Patel  weekly oversight by mpatel: challenge (Why moved?)",
        "",
        "1 thing for a reviewer to look at (marked !).",
    ]


def test_history_flags_evidence_removed_after_closure_and_a_closure_by_someone_else(
    git_repo: Path,
) -> None:
    edit(
        git_repo,
        A2,
        "  - id: E2\n    satisfies: [R2]\n    kind: supervision-record\n    document: HR-SUP-0042\n    date: 2026-10-21\n    added_by: tokafor\n    summary: Supervision completed for both staff.\n",
        "",
    )
    commit_all(git_repo, "Tidy", "2026-10-28", author="Sam Jones <sam@example.org>")
    result = history(git_repo, "MED-002", "--format", "json")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["events"]
    assert [e["event"] for e in events] == ["created", "evidence-removed"]
    assert events[1]["flags"] == ["evidence E2 was removed after closure"]
    assert events[1]["author"] == "Sam Jones"
    assert events[1]["via"] == "hand edit"


def test_history_flags_a_closure_committed_by_someone_other_than_the_verifier(
    git_repo: Path,
) -> None:
    (git_repo / "evidence" / "c.md").write_text("x\n")
    commit_all(git_repo, "file", "2026-10-02")
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
            "ok",
            "--by",
            "tokafor",
            on="2026-10-22",
        ).exit_code
        == 0
    )
    edit(git_repo, A1, "status: in-progress", "status: closed")
    (git_repo / A1).write_text(
        (git_repo / A1).read_text()
        + "closure:\n  date: 2026-10-23\n  verified_by: mpatel\n  outcome: Done\n"
    )
    commit_all(git_repo, "Close", "2026-10-23", author="Tunde Okafor <tunde@example.org>")
    result = history(git_repo, "MED-001", "--format", "json")
    closed = [e for e in json.loads(result.stdout)["events"] if e["event"] == "closed"]
    assert closed[0]["flags"] == [
        "the closure was committed by Tunde Okafor <tunde@example.org>, not by the verifier, "
        "mpatel (policy signoff.proof: author)"
    ]


def test_history_flags_back_dated_entries(git_repo: Path) -> None:
    assert (
        cli(
            git_repo,
            "oversight",
            "MED-001",
            "--decision",
            "on-track",
            "--note",
            "late",
            "--date",
            "2026-09-10",
            on="2026-10-20",
        ).exit_code
        == 0
    )
    result = history(git_repo, "MED-001", "--format", "json")
    review = json.loads(result.stdout)["events"][-1]
    assert review["flags"] == [
        "a review dated 10 Sep 2026 was committed 40 days later (20 Oct 2026)"
    ]


def test_history_shows_uncommitted_changes_in_the_working_copy(git_repo: Path) -> None:
    edit(git_repo, A1, "risk: high", "risk: medium")
    result = history(git_repo, "MED-001")
    assert result.exit_code == 0, result.output
    assert (
        "uncommitted  --------  (working copy)  risk changed high → medium  [uncommitted]"
        in result.output
    )


def test_history_of_an_unknown_action(git_repo: Path) -> None:
    result = history(git_repo, "MED-404")
    assert result.exit_code == 3, result.output
    assert result.output.startswith(
        "error: there is no action MED-404 in this repository's history\n"
    )


def test_history_flags_a_back_dated_cancellation(git_repo: Path) -> None:
    assert (
        cli(
            git_repo,
            "cancel",
            "MED-001",
            "--reason",
            "Superseded",
            "--approved-by",
            "mpatel",
            "--date",
            "2026-09-20",
            on="2026-11-20",
        ).exit_code
        == 0
    )
    events = json.loads(history(git_repo, "MED-001", "--format", "json").stdout)["events"]
    cancelled = [e for e in events if e["event"] == "cancelled"]
    assert cancelled[0]["flags"] == [
        "the cancellation dated 20 Sep 2026 was committed 61 days later (20 Nov 2026)"
    ]


def test_extension_reasons_are_quoted_without_a_doubled_full_stop(git_repo: Path) -> None:
    assert (
        cli(
            git_repo,
            "extend",
            "MED-001",
            "--to",
            "2026-11-14",
            "--reason",
            "Trainer on leave.",
            "--approved-by",
            "mpatel",
            on="2026-10-14",
        ).exit_code
        == 0
    )
    assert (
        "(extension logged: Trainer on leave; approved by mpatel)"
        in history(git_repo, "MED-001").output
    )
