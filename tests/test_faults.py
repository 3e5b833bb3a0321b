"""Faults and races with real processes, bounded in time: kill -9 mid-write, concurrent
recordings, a read-only checkout, a full disk, a file that cannot be replaced.

Rounds: KILL_ROUNDS and CONCURRENT_ROUNDS below, or more with CQCTRACK_STRESS_ROUNDS=N
in the environment (the lead's longer runs); each process has a timeout.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from cqctrack.format import dialect, models
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE

STRESS = int(os.environ.get("CQCTRACK_STRESS_ROUNDS", "0"))
KILL_ROUNDS = STRESS or 5
CONCURRENT_ROUNDS = STRESS or 1
CQCTRACK = str(Path(sys.executable).with_name("cqctrack"))
A1 = f"{BASE}/actions/MED-001.yaml"
runner = CliRunner()


def oversight(root: Path, action: str, note: str) -> list[str]:
    return [
        CQCTRACK, "--repo", str(root), "oversight", action, "--decision", "on-track",
        "--note", note, "--by", "mpatel", "--as-of", "2026-10-20",
    ]  # fmt: skip


def reviews(root: Path, action: str) -> int:
    data = dialect.parse((root / f"{BASE}/actions/{action}.yaml").read_bytes())
    return len(data.get("reviews", []))


@pytest.fixture
def many(git_repo: Path) -> Path:
    """The minimal repository with actions MED-003 to MED-008 besides MED-001."""
    for n in range(3, 9):
        (git_repo / f"{BASE}/actions/MED-{n:03d}.yaml").write_text(
            ACTION.replace("MED-001", f"MED-{n:03d}")
        )
    commit_all(git_repo, "more actions", "2026-09-02")
    return git_repo


def test_concurrent_recordings_on_different_and_same_actions_all_land(many: Path) -> None:
    targets = [
        "MED-001",
        "MED-003",
        "MED-004",
        "MED-005",
        "MED-006",
        "MED-007",
        "MED-001",
        "MED-008",
    ]
    before = int(git(many, "rev-list", "--count", "HEAD"))
    for round_ in range(CONCURRENT_ROUNDS):
        procs = [
            subprocess.Popen(
                oversight(many, action, f"round {round_} process {i}"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i, action in enumerate(targets)
        ]
        outcomes = [(p.wait(timeout=120), p.communicate()) for p in procs]
        for code, (out, err) in outcomes:
            assert code == 0, out + err  # none refused: per-file locks and a short wait
    after = int(git(many, "rev-list", "--count", "HEAD"))
    assert after - before == len(targets) * CONCURRENT_ROUNDS  # no lost commit
    assert reviews(many, "MED-001") == 2 * CONCURRENT_ROUNDS  # no lost update
    assert reviews(many, "MED-005") == CONCURRENT_ROUNDS
    assert git(many, "status", "--porcelain") == ""
    check = runner.invoke(app, ["--repo", str(many), "check", "--as-of", "2026-11-23"])
    assert check.exit_code == 0, check.output


def test_kill_9_at_any_moment_loses_nothing_and_the_next_command_says_what_is_left(
    git_repo: Path,
) -> None:
    rng = random.Random(12)
    outcomes = {"committed": 0, "killed-before-writing": 0, "written-not-committed": 0}
    for round_ in range(KILL_ROUNDS):
        head_before = git(git_repo, "rev-parse", "HEAD").strip()
        proc = subprocess.Popen(oversight(git_repo, "MED-001", f"round {round_}"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(rng.uniform(0.15, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # The file is always whole: the old version or the new, never a part.
        data = (git_repo / A1).read_bytes()
        models.Action.model_validate(dialect.parse(data))
        if git(git_repo, "rev-parse", "HEAD").strip() != head_before:
            outcomes["committed"] += 1
        elif data != git(git_repo, "show", f"HEAD:{A1}").encode():
            outcomes["written-not-committed"] += 1
        else:
            outcomes["killed-before-writing"] += 1
        nxt = subprocess.run(oversight(git_repo, "MED-001", f"after {round_}"),
                             capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        assert "another cqctrack is writing" not in nxt.stderr  # no stale lock
        assert "Traceback" not in nxt.stderr
        if nxt.returncode != 0:
            assert "stopped before committing it" in nxt.stderr, nxt.stderr
            assert "cqctrack recover --commit" in nxt.stderr
            done = subprocess.run([CQCTRACK, "--repo", str(git_repo), "recover", "--commit"],
                                  capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
            assert done.returncode == 0 and "committed " in done.stdout, done.stderr
            assert "Recovered:" in git(git_repo, "log", "-1", "--format=%b")
        leftovers = [
            p.name for p in (git_repo / BASE / "actions").iterdir() if p.name.startswith(".")
        ]
        assert leftovers == []  # orphan temporary files removed
        assert git(git_repo, "status", "--porcelain") == ""
    check = runner.invoke(app, ["--repo", str(git_repo), "check", "--as-of", "2026-11-23"])
    assert check.exit_code == 0, check.output
    print(f"kill -9 rounds: {outcomes}")


def test_a_write_left_uncommitted_is_named_and_never_swept_into_the_next_commit(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqctrack.git import commit as git_commit

    def killed(*args, **kwargs):  # what kill -9 between writing and committing leaves
        raise KeyboardInterrupt

    monkeypatch.setattr(git_commit, "commit", killed)
    cli = [
        "--repo",
        str(git_repo),
        "oversight",
        "MED-001",
        "--decision",
        "on-track",
        "--by",
        "mpatel",
    ]
    first = runner.invoke(app, [*cli, "--note", "first", "--as-of", "2026-10-20"])
    assert first.exit_code == 130
    monkeypatch.undo()
    second = runner.invoke(app, [*cli, "--note", "second", "--as-of", "2026-10-20"])
    assert second.exit_code == 3, second.output
    assert (
        f'{A1}: error: an earlier cqctrack command ("MED-001: weekly oversight, on-track '
        '(mpatel)") wrote this file but stopped before committing it, so nothing was changed'
    ) in second.output
    listed = runner.invoke(app, ["--repo", str(git_repo), "recover"])
    assert (
        f'{A1}: written by "MED-001: weekly oversight, on-track (mpatel)" but not committed'
        in listed.output
    )
    discarded = runner.invoke(app, ["--repo", str(git_repo), "recover", "--discard"])
    assert discarded.exit_code == 0 and f"discarded {A1}" in discarded.output
    assert git(git_repo, "status", "--porcelain") == ""
    third = runner.invoke(app, [*cli, "--note", "third", "--as-of", "2026-10-20"])
    assert third.exit_code == 0, third.output
    assert [r["note"] for r in dialect.parse((git_repo / A1).read_bytes())["reviews"]] == ["third"]


def test_a_hand_edit_in_progress_is_not_committed_under_an_event(git_repo: Path) -> None:
    (git_repo / A1).write_text((git_repo / A1).read_text() + "# draft note\n")
    cli = [
        "--repo",
        str(git_repo),
        "oversight",
        "MED-001",
        "--decision",
        "on-track",
        "--by",
        "mpatel",
    ]
    result = runner.invoke(app, [*cli, "--note", "x", "--as-of", "2026-10-20"])
    assert result.exit_code == 3
    assert "the file has changes that are not committed, so nothing was changed" in result.output
    ok = runner.invoke(app, [*cli, "--note", "x", "--as-of", "2026-10-20", "--no-commit"])
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(
    ("where", "err", "said"),
    [
        ("mkstemp", errno.EROFS, "the file system is read-only"),
        ("write", errno.ENOSPC, "the disk is full"),
        ("replace", errno.EPERM, "the operation is not permitted"),
        ("replace", errno.EACCES, "permission denied"),
        ("locks", errno.EROFS, "the file system is read-only"),
    ],
)
def test_faults_of_the_machine_say_plainly_that_nothing_was_changed(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, where: str, err: int, said: str
) -> None:
    """Root ignores permissions, so the faults are injected where the OS would raise them."""
    import tempfile

    before = (git_repo / A1).read_bytes()

    def fail(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    if where == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", fail)
    elif where == "write":
        monkeypatch.setattr(os, "fsync", fail)
    elif where == "replace":
        monkeypatch.setattr(Path, "replace", fail)
    else:
        monkeypatch.setattr(Path, "mkdir", fail)  # the lock folder cannot be made
    result = runner.invoke(
        app,
        ["--repo", str(git_repo), "oversight", "MED-001", "--decision", "on-track", "--note", "x",
         "--by", "mpatel", "--as-of", "2026-10-20"],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    assert said in result.output and "nothing was changed" in result.output
    assert "internal error" not in result.output
    assert (git_repo / A1).read_bytes() == before
    assert [p for p in (git_repo / BASE / "actions").iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only folders regardless")
def test_a_really_read_only_checkout(git_repo: Path) -> None:  # pragma: no cover - non-root CI
    for folder in (git_repo / BASE / "actions", git_repo / ".git"):
        folder.chmod(0o555)
    try:
        result = runner.invoke(
            app,
            ["--repo", str(git_repo), "oversight", "MED-001", "--decision", "on-track",
             "--note", "x", "--by", "mpatel"],
        )  # fmt: skip
        assert result.exit_code == 3 and "nothing was changed" in result.output
    finally:
        for folder in (git_repo / BASE / "actions", git_repo / ".git"):
            folder.chmod(0o755)
