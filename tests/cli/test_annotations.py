"""Annotations and code quality reports for CI hosts: paths as the host names files.

With the trackers in a subfolder of a larger repository (`--repo quality`), a path
relative to the tracker folder attaches to nothing in GitHub or GitLab (issue 13).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.cli.test_governance import GOVERNED, MEERA, OUTCOME
from tests.cli.test_record import A1
from tests.conftest import commit_all, git
from tests.helpers import minimal_repo

runner = CliRunner()


@pytest.fixture
def monorepo(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    """A git repository whose trackers live in `quality/`, beside other work."""
    top = tmp_path / "estates"
    minimal_repo(top / "quality", **{"cqctrack.yaml": GOVERNED})
    (top / "quality" / "evidence" / "competency.md").write_text("Competency check record\n")
    (top / "README.md").write_text("Estates and quality\n")
    git(top, "init", "-q")
    commit_all(top, "Start", "2026-09-01")
    git(top, "checkout", "-q", "-b", "close-med-001")
    path = top / "quality" / A1
    path.write_text(
        path.read_text().replace("status: in-progress", "status: closed")
        + f"closure:\n  date: 2026-10-22\n  verified_by: mpatel\n  outcome: {OUTCOME}\n"
    )
    commit_all(top, "Close MED-001", "2026-10-22", author=MEERA)
    return top


def check(top: Path, *args: str, env: dict[str, str] | None = None):
    return runner.invoke(
        app,
        [
            "--repo",
            str(top / "quality"),
            "check",
            "--as-of",
            "2026-11-23",
            "--since",
            "main",
            *args,
        ],
        env=env,
    )


ANNOTATION = (
    "::error file={path},line=12,col=5,title=cqctrack closure-missing-evidence::evidence "
    "requirement R1 (Observed competency assessment for each staff member with repeat "
    "errors) has no evidence%0Arecord it with `cqctrack evidence add MED-001 --satisfies R1 "
    "--kind competency-assessment --ref FILE_OR_DOCUMENT --summary TEXT`; a closure "
    "recorded since main"
)


def test_annotations_in_a_monorepo_name_files_from_the_top_of_the_repository(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    result = check(monorepo, "--format", "github")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        ANNOTATION.format(path=f"quality/{A1}"),
        "Checked 6 files: 1 error and 0 warnings in 1 file.",
    ]


def test_annotations_follow_github_workspace_when_the_checkout_is_below_it(
    monorepo: Path,
) -> None:
    # actions/checkout with `path: estates` puts the repository below the workspace.
    workspace = str(monorepo.parent)
    result = check(monorepo, "--format", "github", env={"GITHUB_WORKSPACE": workspace})
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == ANNOTATION.format(path=f"estates/quality/{A1}")
    # A workspace the trackers are not inside is no guide: the git top level is.
    elsewhere = str(monorepo.parent / "other")
    result = check(monorepo, "--format", "github", env={"GITHUB_WORKSPACE": elsewhere})
    assert result.output.splitlines()[0] == ANNOTATION.format(path=f"quality/{A1}")


def test_the_gitlab_code_quality_report_names_files_from_the_top_too(monorepo: Path) -> None:
    result = check(monorepo, "--format", "gitlab")
    assert result.exit_code == 1, result.output
    issues = json.loads(result.stdout)
    assert len(issues) == 1
    issue = issues[0]
    assert issue["check_name"] == "cqctrack closure-missing-evidence"
    assert issue["severity"] == "major"
    assert issue["location"] == {"path": f"quality/{A1}", "lines": {"begin": 12}}
    assert issue["description"].startswith(
        "evidence requirement R1 (Observed competency assessment for each staff member with "
        "repeat errors) has no evidence (hint: record it with `cqctrack evidence add MED-001"
    )
    assert len(issue["fingerprint"]) == 64
    # The fingerprint stays when lines move above the problem (GitLab compares them between
    # the target branch and the merge request).
    path = monorepo / "quality" / A1
    path.write_text("# MAR competency checks\n" + path.read_text())
    commit_all(monorepo, "A comment", "2026-10-23", author=MEERA)
    again = json.loads(check(monorepo, "--format", "gitlab").stdout)
    assert again[0]["location"]["lines"]["begin"] == 13
    assert again[0]["fingerprint"] == issue["fingerprint"]


def test_a_clean_gitlab_report_is_an_empty_list(monorepo: Path) -> None:
    git(monorepo, "checkout", "-q", "main")
    result = check(monorepo, "--format", "gitlab")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
