"""`.pre-commit-hooks.yaml` through the real pre-commit: a commit closing an action without
evidence is refused (issue 13).

pre-commit installs hooks from a git repository: the test commits this checkout's files
(as they are now, uncommitted edits included) to a scratch repository, points a
tracker repository's `.pre-commit-config.yaml` at it, and lets pre-commit build its own
environment (`language: python`: it pip-installs cqctrack and its dependencies from the
package index). That is the slow part, so this is the one test of it (marked heavy).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import PROJECT, commit_all, git
from tests.helpers import a_providers_first_commands, index_reachable

pytestmark = pytest.mark.heavy

CQCTRACK = Path(sys.executable).parent / "cqctrack"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def source_snapshot(target: Path) -> str:
    """This checkout's files, committed to a new repository at `target`; the commit id."""
    listed = git(PROJECT, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for rel in filter(None, listed):
        source = PROJECT / rel
        if source.is_file() and not rel.startswith(("tests/", "bench/", "trackers/")):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    git(target, "init", "-q")
    commit_all(target, "cqctrack as tested", "2026-11-01")
    return git(target, "rev-parse", "HEAD").strip()


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_pre_commit_refuses_a_commit_closing_an_action_without_evidence(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    if not index_reachable():
        pytest.skip("no package index reachable: pre-commit could not install cqctrack's deps")
    hook_repo = tmp_path / "cqctrack-src"
    hook_repo.mkdir()
    rev = source_snapshot(hook_repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or "CONFIG" in k}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["PATH"] = f"{CQCTRACK.parent}{os.pathsep}{env['PATH']}"
    root = tmp_path / "riverside"
    today = date.today()

    def cqc(*args: str) -> None:
        done = run([str(CQCTRACK), *args], tmp_path if args[0] == "init" else root, env)
        assert done.returncode == 0, done.stdout + done.stderr

    a_providers_first_commands(cqc, str(root))
    cqc("new", "action", "--concern", "MED-C1", "--title", "Competency checks", "--owner",
        "tokafor", "--due", (today + timedelta(days=30)).isoformat(), "--risk", "high",
        "--requires", "Observed competency check=competency-assessment", "--outcome",
        "No repeat omissions by the same staff member for three months")  # fmt: skip
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: cqctrack-check\n"
    )
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-qm", "Check every commit with cqctrack's own hook")
    installed = run([str(PRE_COMMIT), "install"], root, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    action = root / "trackers" / "riverside-homecare" / "actions" / "MED-001.yaml"
    before = action.read_text()
    action.write_text(
        before.replace("status: open", "status: closed")
        + f"closure:\n  date: {today.isoformat()}\n  verified_by: mpatel\n"
        "  outcome: Competency observed for every care worker and no repeat omissions since.\n"
    )
    git(root, "add", "-A")
    head = git(root, "rev-parse", "HEAD")
    refused = run(["git", "commit", "-m", "Close MED-001"], root, env)
    output = refused.stdout + refused.stderr
    print(output)  # the run, for the record (pytest -s shows it)
    assert refused.returncode == 1, output
    assert "cqctrack check" in output and "Failed" in output
    assert (
        "trackers/riverside-homecare/actions/MED-001.yaml:14:5: error: evidence requirement R1 "
        "(Observed competency check) has no evidence [closure-missing-evidence]"
    ) in output
    assert git(root, "rev-parse", "HEAD") == head  # nothing was committed

    # A commit that leaves the files clean goes through the same hook.
    action.write_text(before.replace("status: open", "status: in-progress"))
    git(root, "add", "-A")
    allowed = run(["git", "commit", "-m", "MED-001 under way"], root, env)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "cqctrack check" in allowed.stderr and "Passed" in allowed.stderr
