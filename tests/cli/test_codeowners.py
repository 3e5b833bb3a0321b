"""CODEOWNERS kept from the people register by init, new tracker and the people commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import git

runner = CliRunner()

HEADER = """\
# BEGIN cqctrack: kept from the people register; edit outside this block
# Written by cqctrack init, new tracker and the people commands (or `cqctrack people
# codeowners`); `cqctrack check` says when it is out of date. The host enforces it only
# with branch protection that requires a code owner's review (see cqctrack's README).

"""


def cli(root: Path, *args: str, on: str = "2026-11-03"):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(root), *args, "--as-of", on], env=env)


def init(root: Path) -> Path:
    result = runner.invoke(
        app,
        [
            "init",
            str(root),
            "--provider",
            "Riverside Care Ltd",
            "--manager",
            "mpatel",
            "--name",
            "Meera Patel",
            "--email",
            "meera@example.org",
        ],
    )
    assert result.exit_code == 0, result.output
    return root


def ok(result) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output


def in_last_commit(root: Path) -> list[str]:
    return sorted(git(root, "show", "--format=", "--name-only", "HEAD").split())


@pytest.fixture
def tracked(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    """A repository from init with a nominated individual and one tracker."""
    root = init(tmp_path / "trackers")
    ok(cli(root, "people", "add", "jreed", "--name", "Jo Reed", "--role", "nominated-individual"
           , "--email", "jo.reed@example.org"))  # fmt: skip
    ok(cli(root, "people", "add", "lnowak", "--name", "Lena Nowak", "--role", "deputy-manager",
           "--email", "lena@example.org"))  # fmt: skip
    ok(cli(root, "new", "tracker", "riverside-homecare", "--name", "Riverside Homecare",
           "--service-type", "homecare", "--prefix", "MED", "--registered-manager", "mpatel",
           "--nominated-individual", "jreed"))  # fmt: skip
    return root


def test_init_writes_codeowners_giving_the_policy_to_the_registered_manager_until_an_ni(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = init(tmp_path / "trackers")
    assert (root / "CODEOWNERS").read_text() == HEADER + (
        "# The policy and the people register: the nominated individual (none with\n"
        "# an e-mail in the register yet, so the registered managers).\n"
        "/cqctrack.yaml meera@example.org\n"
        "/CODEOWNERS meera@example.org\n"
        "# END cqctrack\n"
    )
    assert "CODEOWNERS" in git(root, "ls-files").split()


def test_people_and_new_tracker_keep_codeowners_in_the_same_commit(tracked: Path) -> None:
    assert (tracked / "CODEOWNERS").read_text() == HEADER + (
        "# The policy and the people register: the nominated individual.\n"
        "/cqctrack.yaml jo.reed@example.org\n"
        "/CODEOWNERS jo.reed@example.org\n"
        "\n"
        "# Riverside Homecare: its registered manager.\n"
        "/trackers/riverside-homecare/ meera@example.org\n"
        "/evidence/riverside-homecare/ meera@example.org\n"
        "# END cqctrack\n"
    )
    assert in_last_commit(tracked) == ["CODEOWNERS", "trackers/riverside-homecare/tracker.yaml"]
    # Someone whose role owns nothing changes nothing: the commit holds the register alone.
    ok(cli(tracked, "people", "update", "lnowak", "--email", "lena.nowak@example.org"))
    assert in_last_commit(tracked) == ["cqctrack.yaml"]
    assert cli(tracked, "check").output == "Checked 2 files: no problems found.\n"


def test_a_registered_manager_who_leaves_hands_the_tracker_to_its_nominated_individual(
    tracked: Path,
) -> None:
    ok(cli(tracked, "people", "leave", "mpatel", "--date", "2026-11-03"))
    text = (tracked / "CODEOWNERS").read_text()
    assert (
        "# Riverside Homecare: its registered manager (mpatel) has left or has no e-mail,\n"
        "# so its nominated individual.\n"
        "/trackers/riverside-homecare/ jo.reed@example.org\n"
        "/evidence/riverside-homecare/ jo.reed@example.org\n"
    ) in text
    assert in_last_commit(tracked) == ["CODEOWNERS", "cqctrack.yaml"]


def test_check_says_when_codeowners_is_out_of_date_and_people_codeowners_mends_it(
    tracked: Path,
) -> None:
    owners = tracked / "CODEOWNERS"
    # Lines of the user's own, outside the block, are kept and never judged.
    owners.write_text("# our own\n/.github/ jo.reed@example.org\n\n" + owners.read_text())
    tracker = tracked / "trackers" / "riverside-homecare" / "tracker.yaml"
    tracker.write_text(
        tracker.read_text().replace("registered_manager: mpatel", "registered_manager: lnowak")
    )
    git(tracked, "commit", "-qam", "Lena manages Riverside now")
    result = cli(tracked, "check")
    assert result.exit_code == 0, result.output  # a warning
    assert result.output.splitlines()[:2] == [
        "CODEOWNERS:4: warning: CODEOWNERS does not name the people the register and trackers "
        "give, so the git host asks the wrong people to approve changes "
        "[layout-stale-codeowners]",
        "    hint: run `cqctrack people codeowners` to rewrite cqctrack's block (lines outside "
        "it are kept), and commit it",
    ]
    ok(cli(tracked, "people", "codeowners"))
    text = owners.read_text()
    assert text.startswith("# our own\n/.github/ jo.reed@example.org\n\n# BEGIN cqctrack")
    assert "/trackers/riverside-homecare/ lena@example.org\n" in text
    assert in_last_commit(tracked) == ["CODEOWNERS"]
    assert cli(tracked, "check").output == "Checked 2 files: no problems found.\n"
    again = cli(tracked, "people", "codeowners")
    assert again.exit_code == 1, again.output
    assert "error: CODEOWNERS is already up to date; nothing was written" in again.output


def test_a_repository_without_codeowners_is_left_without(tracked: Path) -> None:
    git(tracked, "rm", "-q", "CODEOWNERS")
    git(tracked, "commit", "-qm", "We do not use code owners")
    ok(cli(tracked, "people", "add", "dokafor", "--name", "Dee Okafor", "--role",
           "nominated-individual", "--email", "dee@example.org"))  # fmt: skip
    assert not (tracked / "CODEOWNERS").exists()
    assert cli(tracked, "check").output == "Checked 2 files: no problems found.\n"


def test_in_a_monorepo_the_paths_start_at_the_top_of_the_repository(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    top = tmp_path / "estates"
    top.mkdir()
    git(top, "init", "-q")
    root = init(top / "quality")
    text = (root / "CODEOWNERS").read_text()
    assert "/quality/cqctrack.yaml meera@example.org\n" in text
    workflow = (root / ".github" / "workflows" / "cqctrack.yml").read_text()
    assert "run: cqctrack --repo quality check --format github" in workflow
