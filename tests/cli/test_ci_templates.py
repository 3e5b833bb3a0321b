"""The CI files `cqctrack init` writes run, here, the commands they hold (issue 13).

A repository made by `init` gets a pull request branch that closes an action without
evidence; each `run:` step of the GitHub workflow and each line of the GitLab job's
script is run as written, with the variables the host would set, through the
installed `cqctrack` (only the step installing cqctrack is left out).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from cqctrack.write import ci
from tests.conftest import git

CQCTRACK = Path(sys.executable).parent / "cqctrack"
TODAY = date.today()


# The pack's default period is the last complete month: the trackers are set up before it.
SET_UP = TODAY - timedelta(days=40)


def git_env(folder: Path) -> dict[str, str]:
    """Git with a fixed identity and no user or system configuration (as isolated_git)."""
    config = folder / "gitconfig"
    config.write_text(
        "[user]\n\tname = Meera Patel\n\temail = meera@example.org\n"
        "[init]\n\tdefaultBranch = main\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def cqc_as(root: Path, *args: str, base: dict[str, str]) -> str:
    """Run the installed cqctrack as on the day the trackers were set up."""
    stamp = f"{SET_UP.isoformat()}T10:00:00+00:00"
    env = {**base, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    dated = [*args, "--as-of", SET_UP.isoformat()] if args[0] != "init" else [*args]
    done = subprocess.run(
        [str(CQCTRACK), *dated], cwd=root, capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository from init, and a branch that closes MED-001 with no evidence (made once:
    each test works on a copy)."""
    tmp_path = tmp_path_factory.mktemp("ci")
    base = git_env(tmp_path)

    def cqc(where: Path, *args: str) -> str:
        return cqc_as(where, *args, base=base)

    root = tmp_path / "riverside"
    cqc(tmp_path, "init", str(root), "--provider", "Riverside Care Ltd", "--manager", "mpatel",
        "--name", "Meera Patel", "--email", "meera@example.org")  # fmt: skip
    cqc(root, "people", "add", "jreed", "--name", "Jo Reed", "--role", "nominated-individual",
        "--email", "jo@example.org")  # fmt: skip
    cqc(root, "people", "add", "tokafor", "--name", "Tunde Okafor", "--role", "training-lead",
        "--email", "tunde@example.org")  # fmt: skip
    cqc(root, "new", "tracker", "riverside-homecare", "--name", "Riverside Homecare",
        "--service-type", "homecare", "--prefix", "MED", "--registered-manager", "mpatel",
        "--nominated-individual", "jreed")  # fmt: skip
    cqc(root, "new", "concern", "--tracker", "riverside-homecare", "--title",
        "Gaps in MAR records", "--source", "internal-audit", "--statement", "S8",
        "--regulation", "12", "--risk", "high", "--summary", "Missing signatures on MARs")  # fmt: skip
    cqc(root, "new", "action", "--concern", "MED-C1", "--title", "Competency checks",
        "--owner", "tokafor", "--due", (TODAY + timedelta(days=30)).isoformat(), "--risk", "high",
        "--requires", "Observed competency check=competency-assessment", "--outcome",
        "No repeat omissions by the same staff member for three months")  # fmt: skip

    def git(where: Path, *args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, text=True, env=base, check=True
        )
        return done.stdout

    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")  # as a full-depth checkout has
    git(root, "checkout", "-q", "-b", "close-med-001")
    action = root / "trackers" / "riverside-homecare" / "actions" / "MED-001.yaml"
    text = action.read_text().replace("status: open", "status: closed")
    assert text != action.read_text()
    action.write_text(
        text + f"closure:\n  date: {TODAY.isoformat()}\n  verified_by: mpatel\n"
        "  outcome: Competency observed for every care worker and no repeat omissions since.\n"
    )
    git(root, "commit", "-qam", "Close MED-001")
    return root


@pytest.fixture
def pull_request(made: Path, tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    for key in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):  # the pull request: today
        os.environ.pop(key, None)
    return Path(shutil.copytree(made, tmp_path / "riverside", symlinks=True))


def shell(root: Path, line: str, **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{CQCTRACK.parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["sh", "-ec", line],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path, **env},
        check=False,
    )


def test_the_github_workflow_annotates_the_pull_request_and_builds_the_pack(
    pull_request: Path,
) -> None:
    workflow = yaml.safe_load((pull_request / ci.GITHUB_WORKFLOW).read_text())
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    runs = {step.get("name"): step["run"] for step in steps if "run" in step}
    assert runs.pop("Install cqctrack").startswith("python -m pip install")
    env = {"GITHUB_BASE_REF": "main", "GITHUB_WORKSPACE": str(pull_request)}
    checked = shell(pull_request, runs["Check the trackers"], **env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=trackers/riverside-homecare/actions/MED-001.yaml,line="
    )
    assert "title=cqctrack closure-missing-evidence::evidence requirement R1" in lines[0]
    assert lines[0].endswith("a closure recorded since origin/main")
    packed = shell(pull_request, runs["Build the meeting pack"], **env)
    assert packed.returncode == 0, packed.stdout + packed.stderr
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload"))
    assert (pull_request / upload["with"]["path"]).read_bytes().startswith(b"%PDF-")
    # On a push there is no base: the whole tree is checked, and it still fails.
    pushed = shell(pull_request, runs["Check the trackers"], GITHUB_WORKSPACE=str(pull_request))
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr
    assert "since" not in pushed.stdout


def test_the_gitlab_job_reports_code_quality_and_keeps_the_pack(pull_request: Path) -> None:
    job = yaml.safe_load((pull_request / ci.GITLAB_CI).read_text())["cqctrack"]
    assert job["variables"] == {"GIT_DEPTH": "0"}
    script = job["script"]
    assert script[0].startswith("python -m pip install")
    base = git(pull_request, "rev-parse", "main").strip()
    results = [
        shell(pull_request, line, CI_MERGE_REQUEST_DIFF_BASE_SHA=base) for line in script[1:]
    ]
    assert [r.returncode for r in results] == [0, 1], [r.stderr for r in results]
    report = pull_request / job["artifacts"]["reports"]["codequality"]
    issues = [i for i in json.loads(report.read_text()) if i["severity"] == "major"]
    assert [i["check_name"] for i in issues] == ["cqctrack closure-missing-evidence"]
    assert issues[0]["location"]["path"] == "trackers/riverside-homecare/actions/MED-001.yaml"
    assert issues[0]["description"].endswith(f"a closure recorded since {base})")
    for path in job["artifacts"]["paths"]:
        assert (pull_request / path).is_file(), path


def test_the_pre_commit_config_runs_check_on_tracker_files(pull_request: Path) -> None:
    config = yaml.safe_load((pull_request / ci.PRE_COMMIT_CONFIG).read_text())
    (hook,) = config["repos"][0]["hooks"]
    assert hook["entry"] == "cqctrack check"
    assert hook["pass_filenames"] is False
    import re

    files = re.compile(hook["files"])
    assert files.search("trackers/riverside-homecare/actions/MED-001.yaml")
    assert files.search("cqctrack.yaml")
    assert not files.search("README.md")
    refused = shell(pull_request, hook["entry"])
    assert refused.returncode == 1
    assert "[closure-missing-evidence]" in refused.stdout


def test_the_ci_cache_steps_keep_the_folder_cqctrack_caches_in(pull_request: Path) -> None:
    # A CI job that restores this folder, with CQCTRACK_CACHE_KEY set, parses no unchanged
    # file again (cache.FileCache); a wrong path would silently cache nothing.
    from cqctrack import cache

    workflow = yaml.safe_load((pull_request / ci.GITHUB_WORKFLOW).read_text())
    job = workflow["jobs"]["check"]
    assert job["env"] == {"CQCTRACK_CACHE_KEY": "${{ secrets.CQCTRACK_CACHE_KEY }}"}
    step = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/cache"))
    where = cache.folder(pull_request).relative_to(pull_request).as_posix()
    assert step["with"]["path"] == where
    gitlab = yaml.safe_load((pull_request / ci.GITLAB_CI).read_text())["cqctrack"]
    assert gitlab["cache"]["paths"] == [where]
