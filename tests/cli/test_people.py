"""`cqctrack people`: the register edited round-trip, one commit each, leavers kept."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import git
from tests.helpers import BASE, CONFIG

runner = CliRunner()
A1 = f"{BASE}/actions/MED-001.yaml"


def cli(repo: Path, *args: str, on: str = "2026-11-03"):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def changed(repo: Path) -> list[str]:
    return sorted(git(repo, "show", "--format=", "--name-only", "HEAD").split())


def test_people_add_appends_to_the_register_keeping_comments_and_commits_it(git_repo: Path):
    config = git_repo / "cqctrack.yaml"
    config.write_text("# Our register\n" + CONFIG.replace("people:\n", "people:  # everyone\n"))
    git(git_repo, "commit", "-qam", "comments")
    result = cli(
        git_repo,
        "people",
        "add",
        "lnowak",
        "--name",
        "Lena Nowak",
        "--role",
        "care-coordinator",
        "--email",
        "lena@example.org",
    )
    assert result.exit_code == 0, result.output
    assert config.read_text() == (
        "# Our register\n"
        + CONFIG.replace("people:\n", "people:  # everyone\n")
        + "  lnowak:\n    name: Lena Nowak\n    role: care-coordinator\n    emails: [lena@example.org]\n"
    )
    assert changed(git_repo) == ["cqctrack.yaml"]
    assert "Person: lnowak\nEvent: person-added\nRecorded-By: mpatel" in git(
        git_repo, "log", "-1", "--format=%b"
    )
    listed = json.loads(cli(git_repo, "people", "list", "--format", "json").output)
    assert listed[-1] == {
        "id": "lnowak",
        "name": "Lena Nowak",
        "role": "care-coordinator",
        "emails": ["lena@example.org"],
        "left": None,
        "open_actions": [],
    }


def test_an_address_already_listed_for_someone_else_is_refused_with_checks_code(git_repo: Path):
    result = cli(
        git_repo,
        "people",
        "add",
        "mp2",
        "--name",
        "M P",
        "--role",
        "care-worker",
        "--email",
        "meera@example.org",
    )
    assert result.exit_code == 1, result.output
    assert (
        "meera@example.org is listed for both mpatel and mp2 [consistency-duplicate-email]"
        in result.output
    )
    assert git(git_repo, "status", "--porcelain") == ""


def test_a_role_change_that_would_unverify_a_closed_action_is_refused(git_repo: Path):
    result = cli(git_repo, "people", "update", "mpatel", "--role", "care-worker")
    assert result.exit_code == 1, result.output
    assert (
        f"  - {BASE}/actions/MED-002.yaml:36: the verifier (mpatel) is a care-worker, which may "
        "not verify closures [closure-verifier-role]\n" in result.output
    )
    renamed = cli(git_repo, "people", "update", "mpatel", "--name", "Meera Patel-Shah")
    assert renamed.exit_code == 0, renamed.output
    assert "    name: Meera Patel-Shah\n" in (git_repo / "cqctrack.yaml").read_text()


def test_a_leaver_keeps_their_history_cannot_be_given_work_and_their_actions_show(git_repo: Path):
    left = cli(git_repo, "people", "leave", "tokafor", "--date", "2026-11-02")
    assert left.exit_code == 0, left.output
    assert (
        "note: Tunde Okafor still owns 1 open action (MED-001); they show in `cqctrack review`"
        in left.output
    )
    assert "    left: 2026-11-02\n" in (git_repo / "cqctrack.yaml").read_text()
    assert changed(git_repo) == ["cqctrack.yaml"]
    # New work cannot go to them ...
    owner = cli(git_repo, "update", "MED-002", "--owner", "tokafor")
    assert owner.exit_code == 1
    given = cli(git_repo, "update", "MED-001", "--owner", "tokafor", "--note", "x")
    assert given.exit_code == 1, given.output
    assert given.output.startswith(
        "error: --owner tokafor: Tunde Okafor left on 2 Nov 2026, so cannot be given new work "
        "or act for the service\n"
    )
    acting = cli(
        git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "x", "--by", "tokafor"
    )
    assert acting.exit_code == 1, acting.output
    # ... their open action is Red in the review, for the registered manager ...
    review = cli(git_repo, "review", "--format", "json")
    row = next(r for r in json.loads(review.output) if r["id"] == "MED-001")
    assert row["brag"] == "red"
    assert row["findings"][0] == {
        "code": "owner-left",
        "brag": "red",
        "reason": "its owner Tunde Okafor left on 2 Nov 2026; reassign it",
        "escalation": "registered-manager",
    }
    # ... and their history stays: check is clean, the closed action they owned is untouched.
    assert cli(git_repo, "check").exit_code == 0
    assert "tokafor" in (git_repo / f"{BASE}/actions/MED-002.yaml").read_text()
    listed = cli(git_repo, "people", "list")
    assert "tokafor  Tunde Okafor  medicines-lead" in listed.output
    assert "left 2 Nov 2026" in listed.output
    assert "tokafor" not in cli(git_repo, "people", "list", "--current").output


def test_leave_can_reassign_open_actions_in_the_same_commit(git_repo: Path):
    result = cli(git_repo, "people", "leave", "tokafor", "--reassign-to", "mpatel")
    assert result.exit_code == 0, result.output
    assert changed(git_repo) == sorted(["cqctrack.yaml", A1])
    text = (git_repo / A1).read_text()
    assert "owner: mpatel\n" in text
    assert text.endswith(
        "progress:\n  - date: 2026-11-03\n    by: mpatel\n"
        "    note: Reassigned from tokafor, who left on 3 Nov 2026.\n"
    )
    assert cli(git_repo, "check").exit_code == 0


def test_a_leaving_date_before_things_they_did_is_refused_and_check_reports_it(git_repo: Path):
    refused = cli(git_repo, "people", "leave", "tokafor", "--date", "2026-10-01")
    assert refused.exit_code == 1, refused.output
    assert (
        f"  - {BASE}/actions/MED-002.yaml:25: evidence[1] is dated 2026-10-20, but Tunde Okafor "
        "(tokafor) left on 1 Oct 2026 [consistency-person-left]\n" in refused.output
    )
    config = git_repo / "cqctrack.yaml"
    config.write_text(
        config.read_text().replace(
            "role: medicines-lead\n", "role: medicines-lead\n    left: 2026-10-01\n"
        )
    )
    result = cli(git_repo, "check")
    assert result.exit_code == 1, result.output
    assert (
        "error: evidence[1] is dated 2026-10-20, but Tunde Okafor (tokafor) left on 1 Oct 2026 "
        "[consistency-person-left]" in result.output
    )
