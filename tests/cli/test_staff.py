"""Pseudonymous staff references, and repeats by staff member in the concern view and summary."""

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


def new_action(repo: Path, title: str, *refs: str):
    args = [
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        title,
        "--owner",
        "tokafor",
        "--due",
        "2026-11-30",
        "--risk",
        "medium",
        "--requires",
        "Observed competency check=competency-assessment",
        "--outcome",
        "No repeat omission in the next audit",
    ]
    for ref in refs:
        args += ["--staff-ref", ref]
    return cli(repo, *args)


def test_repeats_by_staff_reference_show_in_the_concern_view_and_the_summary(git_repo: Path):
    for title, refs in (
        ("Missing signature, 3 Oct round", ("CW-014",)),
        ("Refusal not recorded, 9 Oct", ("CW-014", "CW-022")),
        ("Late MAR return, October", ("CW-022",)),
        ("Missing signature, 20 Oct", ("CW-014",)),
    ):
        assert new_action(git_repo, title, *refs).exit_code == 0
    assert (
        "staff_refs: [CW-014, CW-022]\n"
        in (git_repo / BASE / "actions" / "MED-004.yaml").read_text()
    )
    checked = cli(
        git_repo,
        "evidence",
        "add",
        "MED-003",
        "--kind",
        "competency-assessment",
        "--ref",
        "HR-COMP-0107",
        "--summary",
        "Observed round; competent",
        "--staff-ref",
        "CW-014",
        "--by",
        "tokafor",
    )
    assert checked.exit_code == 0, checked.output
    text = cli(git_repo, "review", "--concerns").output
    assert (
        "        repeat by staff: CW-014 on 3 actions (MED-003, MED-004, MED-006), "
        "competency checked (MED-003 E1)\n"
        "        repeat by staff: CW-022 on 2 actions (MED-004, MED-005), no competency check recorded\n"
    ) in text
    concern = json.loads(cli(git_repo, "review", "--concerns", "--format", "json").output)[0]
    assert concern["staff_repeats"] == [
        {
            "ref": "CW-014",
            "actions": ["MED-003", "MED-004", "MED-006"],
            "competency_checks": ["MED-003 E1"],
        },
        {"ref": "CW-022", "actions": ["MED-004", "MED-005"], "competency_checks": []},
    ]
    summary = cli(git_repo, "summary").output
    assert (
        "Staff repeats  2 staff references on several actions: CW-014 (3, riverside), "
        "CW-022 (2, riverside); 1 with no competency check recorded\n" in summary
    )
    data = json.loads(cli(git_repo, "summary", "--format", "json").output)
    assert [r["ref"] for r in data["staff_repeats"]] == ["CW-014", "CW-022"]


def test_a_name_as_a_staff_reference_is_refused_with_checks_code(git_repo: Path):
    result = new_action(git_repo, "Missing signature", "Jane Doe")
    assert result.exit_code == 1, result.output
    assert (
        "staff reference 'Jane Doe' does not look like a pseudonymous reference [privacy-staff-ref]"
        in result.output
    )


def test_update_adds_a_staff_reference(git_repo: Path):
    result = cli(git_repo, "update", "MED-001", "--staff-ref", "CW-031")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("MED-001: staff CW-031\n")
    assert "staff_refs: [CW-031]\n" in (git_repo / BASE / "actions" / "MED-001.yaml").read_text()
