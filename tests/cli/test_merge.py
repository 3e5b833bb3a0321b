"""Merges with real git branches: the driver, `resolve`, and `check` on a conflicted file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from cqctrack.format import dialect
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE

runner = CliRunner()
A1 = f"{BASE}/actions/MED-001.yaml"
CQCTRACK = str(Path(sys.executable).with_name("cqctrack"))


def evidence(n: int, who: str, day: str) -> str:
    return (
        f"  - id: E{n}\n    satisfies: [R1]\n    kind: competency-assessment\n    document: OBS-{who}\n"
        f"    date: {day}\n    added_by: {who}\n    summary: Observed by {who}.\n"
    )


def review(who: str, day: str, note: str) -> str:
    return (
        f"  - date: {day}\n    by: {who}\n    level: weekly\n    decision: on-track\n"
        f"    note: {note}\n"
    )


@pytest.fixture
def branches(git_repo: Path):
    """main and 'other' each change MED-001 from one base: returns a function to set them up."""

    def make(ours: str, theirs: str) -> Path:
        git(git_repo, "checkout", "-q", "-b", "other")
        (git_repo / A1).write_text(theirs)
        commit_all(git_repo, "theirs", "2026-10-03", author="Jo Reed <jo@example.org>")
        git(git_repo, "checkout", "-q", "main")
        (git_repo / A1).write_text(ours)
        commit_all(git_repo, "ours", "2026-10-04")
        return git_repo

    return make


def git_merge(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), "merge", "-q", "--no-edit", "other"],
        capture_output=True,
        text=True,
        check=False,
    )


def install(root: Path) -> None:
    result = runner.invoke(app, ["--repo", str(root), "merge-driver", "--install"])
    assert result.exit_code == 0, result.output
    # In the test the driver is this virtual environment's cqctrack.
    git(root, "config", "merge.cqctrack.driver", f"{CQCTRACK} merge-driver %O %A %B %P")
    commit_all(root, "register the merge driver", "2026-10-02")


BOTH_EVIDENCE = (
    ACTION + "evidence:\n" + evidence(1, "tokafor", "2026-10-01"),
    ACTION + "evidence:\n" + evidence(1, "jreed", "2026-10-02"),
)
BOTH_REVIEWS = (
    ACTION + "reviews:\n" + review("mpatel", "2026-10-03", "Weekly check."),
    ACTION + "reviews:\n" + review("jreed", "2026-10-02", "Monthly look."),
)


def test_without_the_driver_two_appended_entries_conflict_and_check_says_so(branches) -> None:
    root = branches(*BOTH_EVIDENCE)
    assert git_merge(root).returncode != 0
    result = runner.invoke(app, ["--repo", str(root), "check", "--as-of", "2026-11-23"])
    assert result.exit_code == 1, result.output
    assert (
        f"{A1}:20:1: error: the file holds an unresolved merge conflict (git's <<<<<<< markers) "
        "[file-merge-conflict]"
    ) in result.output
    assert "run `cqctrack resolve`" in result.output
    review_run = runner.invoke(app, ["--repo", str(root), "review", "--as-of", "2026-11-23"])
    assert review_run.exit_code == 3  # the conflicted action is not quietly left out


@pytest.mark.parametrize("case", [BOTH_EVIDENCE, BOTH_REVIEWS], ids=["evidence", "reviews"])
def test_resolve_merges_both_sides_entries_and_renumbers_a_clashing_id(branches, case) -> None:
    root = branches(*case)
    assert git_merge(root).returncode != 0
    result = runner.invoke(app, ["--repo", str(root), "resolve"])
    assert result.exit_code == 0, result.output
    data = dialect.parse((root / A1).read_bytes())
    log = "evidence" if "evidence" in data else "reviews"
    assert len(data[log]) == 2
    if log == "evidence":
        assert [e["id"] for e in data["evidence"]] == ["E1", "E2"]
        assert [e["added_by"] for e in data["evidence"]] == ["tokafor", "jreed"]
        assert "renumbered evidence E1 -> E2" in result.output
    assert git(root, "diff", "--name-only", "--diff-filter=U") == ""
    git(root, "commit", "-q", "--no-edit")
    check = runner.invoke(app, ["--repo", str(root), "check", "--as-of", "2026-11-23"])
    assert check.exit_code == 0, check.output


def test_driver_merge_end_to_end(git_repo: Path) -> None:
    install(git_repo)
    git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / A1).write_text(BOTH_EVIDENCE[1])
    commit_all(git_repo, "theirs", "2026-10-03")
    git(git_repo, "checkout", "-q", "main")
    (git_repo / A1).write_text(BOTH_EVIDENCE[0])
    commit_all(git_repo, "ours", "2026-10-04")
    merged = git_merge(git_repo)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    data = dialect.parse((git_repo / A1).read_bytes())
    assert [(e["id"], e["added_by"]) for e in data["evidence"]] == [
        ("E1", "tokafor"),
        ("E2", "jreed"),
    ]
    assert (git_repo / ".gitattributes").read_text().endswith("trackers/**/*.yaml merge=cqctrack\n")


def test_two_people_changing_the_same_value_is_still_a_conflict_marked_on_that_key(
    git_repo: Path,
) -> None:
    install(git_repo)
    git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / A1).write_text(
        ACTION.replace("due: 2026-10-31", "due: 2026-11-30")
        + "evidence:\n"
        + evidence(1, "jreed", "2026-10-02")
    )
    commit_all(git_repo, "theirs", "2026-10-03")
    git(git_repo, "checkout", "-q", "main")
    (git_repo / A1).write_text(ACTION.replace("due: 2026-10-31", "due: 2026-11-14"))
    commit_all(git_repo, "ours", "2026-10-04")
    assert git_merge(git_repo).returncode != 0
    text = (git_repo / A1).read_text()
    assert "<<<<<<< ours\ndue: 2026-11-14\n=======\ndue: 2026-11-30\n>>>>>>> theirs\n" in text
    assert "    added_by: jreed\n" in text  # their evidence is merged in all the same
    check = runner.invoke(app, ["--repo", str(git_repo), "check", "--as-of", "2026-11-23"])
    assert "[file-merge-conflict]" in check.output and f"{A1}:9:1" in check.output


def test_two_branches_creating_the_same_next_id_keep_both_after_resolve(git_repo: Path) -> None:
    new = ACTION.replace("MED-001", "MED-003")
    git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / f"{BASE}/actions/MED-003.yaml").write_text(
        new.replace("Competency checks for staff with repeated MAR errors", "Theirs, spot checks")
    )
    commit_all(git_repo, "theirs", "2026-10-03")
    git(git_repo, "checkout", "-q", "main")
    (git_repo / f"{BASE}/actions/MED-003.yaml").write_text(
        new.replace("Competency checks for staff with repeated MAR errors", "Ours, retraining")
    )
    commit_all(git_repo, "ours", "2026-10-04")
    assert git_merge(git_repo).returncode != 0
    result = runner.invoke(app, ["--repo", str(git_repo), "resolve"])
    assert result.exit_code == 0, result.output
    assert (
        f"resolved {BASE}/actions/MED-003.yaml: both sides created it; theirs is now "
        f"{BASE}/actions/MED-004.yaml"
    ) in result.output
    ours = dialect.parse((git_repo / f"{BASE}/actions/MED-003.yaml").read_bytes())
    theirs = dialect.parse((git_repo / f"{BASE}/actions/MED-004.yaml").read_bytes())
    assert (ours["id"], ours["title"]) == ("MED-003", "Ours, retraining")
    assert (theirs["id"], theirs["title"]) == ("MED-004", "Theirs, spot checks")
    git(git_repo, "commit", "-q", "--no-edit")
    check = runner.invoke(app, ["--repo", str(git_repo), "check", "--as-of", "2026-11-23"])
    assert check.exit_code == 0, check.output


def test_resolve_with_nothing_conflicted_says_so(git_repo: Path) -> None:
    result = runner.invoke(app, ["--repo", str(git_repo), "resolve"])
    assert result.exit_code == 0
    assert result.output == "No tracker files are in conflict.\n"


def test_a_concern_both_branches_created_is_renumbered_with_their_new_action(
    git_repo: Path,
) -> None:
    from tests.helpers import CONCERN

    c2 = f"{BASE}/concerns/MED-C2.yaml"
    git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / c2).write_text(
        CONCERN.replace("MED-C1", "MED-C2").replace("Gaps in", "Theirs, gaps in")
    )
    (git_repo / f"{BASE}/actions/MED-003.yaml").write_text(
        ACTION.replace("MED-001", "MED-003").replace("concern: MED-C1", "concern: MED-C2")
    )
    commit_all(git_repo, "theirs", "2026-10-03")
    git(git_repo, "checkout", "-q", "main")
    (git_repo / c2).write_text(
        CONCERN.replace("MED-C1", "MED-C2").replace("Gaps in", "Ours, gaps in")
    )
    commit_all(git_repo, "ours", "2026-10-04")
    assert git_merge(git_repo).returncode != 0
    result = runner.invoke(app, ["--repo", str(git_repo), "resolve"])
    assert result.exit_code == 0, result.output
    assert f"theirs is now {BASE}/concerns/MED-C3.yaml" in result.output
    assert f"{BASE}/actions/MED-003.yaml: now refers to MED-C3 (renumbered)" in result.output
    action = dialect.parse((git_repo / f"{BASE}/actions/MED-003.yaml").read_bytes())
    assert action["concern"] == "MED-C3"
    theirs = dialect.parse((git_repo / f"{BASE}/concerns/MED-C3.yaml").read_bytes())
    assert theirs["title"].startswith("Theirs")
