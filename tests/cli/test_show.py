"""`cqctrack show ID`: one record in full, read with the same rules as review, check and history."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.helpers import BASE

runner = CliRunner()


def cli(repo: Path, *args: str, on: str = "2026-11-03"):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def test_show_a_closed_action_says_how_its_closure_was_proven(git_repo: Path):
    result = cli(git_repo, "show", "MED-002")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(
        "MED-002  Re-audit MAR charts after supervision\n"
        f"{BASE}/actions/MED-002.yaml\n\n"
        "  Status                closed, Blue\n"
    )
    assert "  R1  Re-audit showing at least 95% complete records (audit): met by E1\n" in out
    assert "      evidence/audit.md (file present)\n" in out
    assert "      document HR-SUP-0042\n" in out
    assert "  25 Oct 2026, verified by Meera Patel (mpatel), registered-manager\n" in out
    assert "  closure rule met: every requirement has usable evidence" in out
    assert (
        "  recorded in commit " in out
        and "by Meera Patel <meera@example.org> on 1 Sep 2026 (a hand edit; the file was first committed already closed)\n"
        in out
    )
    assert out.endswith("`cqctrack check` reports nothing in this file.\n")


def test_show_marks_missing_files_withdrawn_entries_and_the_files_problems(git_repo: Path):
    (git_repo / "evidence" / "audit.md").unlink()
    result = cli(git_repo, "show", "MED-002")
    assert "      evidence/audit.md (file does not exist)\n" in result.output
    assert (
        "  R1  Re-audit showing at least 95% complete records (audit): NOT MET\n" in result.output
    )
    assert (
        "  ! evidence E1 refers to evidence/audit.md, which does not exist [closure-evidence-file]\n"
        in result.output
    )
    assert "  ! error:" in result.output and "[closure-missing-evidence]" in result.output


def test_show_json_is_one_documented_object(git_repo: Path):
    assert (
        cli(
            git_repo,
            "evidence",
            "add",
            "MED-001",
            "--kind",
            "practice-observation",
            "--ref",
            "QMS-OBS-1",
            "--summary",
            "Observed one round",
            "--by",
            "tokafor",
            "--date",
            "2026-10-02",
        ).exit_code
        == 0
    )
    assert (
        cli(git_repo, "withdraw", "MED-001", "evidence", "E1", "--reason", "Wrong action").exit_code
        == 0
    )
    data = json.loads(cli(git_repo, "show", "MED-001", "--format", "json").output)
    assert data["kind"] == "action" and data["id"] == "MED-001"
    assert data["path"] == f"{BASE}/actions/MED-001.yaml"
    assert data["fields"]["owner"] == "tokafor"
    assert data["logs"]["evidence"][0]["state"] == "withdrawn"
    assert data["logs"]["evidence"][0]["note"] == "withdrawn on 3 Nov 2026 by mpatel: Wrong action"
    assert data["requirements"] == [
        {
            "id": "R1",
            "description": "Observed competency assessment for each staff member with repeat errors",
            "kinds": ["competency-assessment", "observation"],
            "met_by": [],
        }
    ]
    assert data["brag"] == "red"
    assert data["findings"][0]["code"] == "overdue"
    assert data["closure"] is None
    assert data["problems"] == []


def test_show_a_concern_a_measure_and_a_tracker(git_repo: Path):
    concern = cli(git_repo, "show", "med-c1")
    assert concern.exit_code == 0, concern.output
    assert (
        "  MED-001   Red    in-progress            Competency checks for staff with repeated MAR errors\n"
        in concern.output
    )
    assert "  MED-M1 Complete medicines records: " in concern.output
    measure = cli(git_repo, "show", "MED-M1")
    assert (
        "  Target                at least 95% for 3 consecutive months (monthly readings)\n"
        in measure.output
    )
    assert "  1. 2026-09  96  document QMS-AUD-2026-09\n" in measure.output
    tracker = cli(git_repo, "show", "riverside")
    assert "  Registered manager    Meera Patel (mpatel)\n" in tracker.output
    assert "Meetings\n  none yet\n" in tracker.output


def test_show_an_unknown_id(git_repo: Path):
    result = cli(git_repo, "show", "MED-099")
    assert result.exit_code == 3
    assert result.output.startswith(
        "error: there is no action, concern, measure or tracker MED-099\n"
    )
