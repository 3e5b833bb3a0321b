"""Oversight above the action, and whole meetings: at a terminal (driven through a pty) or from a file."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE

runner = CliRunner()
A1 = f"{BASE}/actions/MED-001.yaml"
A3 = f"{BASE}/actions/MED-003.yaml"
C1 = f"{BASE}/concerns/MED-C1.yaml"
T = f"{BASE}/tracker.yaml"


def cli(repo: Path, *args: str, on: str = "2026-10-20"):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def changed(repo: Path) -> list[str]:
    return sorted(git(repo, "show", "--format=", "--name-only", "HEAD").split())


def rows(repo: Path, on: str) -> dict[str, dict]:
    out = cli(repo, "review", "--all", "--format", "json", on=on).stdout
    return {r["id"]: r for r in json.loads(out)}


def test_a_monthly_concern_review_is_provider_scrutiny_of_its_actions(git_repo: Path):
    before = rows(git_repo, "2026-10-20")["MED-001"]
    assert "no-provider-review" in [f["code"] for f in before["findings"]]
    result = cli(
        git_repo,
        "oversight",
        "MED-C1",
        "--decision",
        "challenge",
        "--level",
        "monthly",
        "--by",
        "jreed",
        "--note",
        "Repeat errors are not reducing; competency checks first",
    )
    assert result.exit_code == 0, result.output
    assert changed(git_repo) == [C1]
    assert (
        (git_repo / C1)
        .read_text()
        .endswith(
            "reviews:\n  - date: 2026-10-20\n    by: jreed\n    level: monthly\n    decision: challenge\n"
            "    note: Repeat errors are not reducing; competency checks first\n"
        )
    )
    after = rows(git_repo, "2026-10-20")["MED-001"]
    assert "no-provider-review" not in [f["code"] for f in after["findings"]]
    assert cli(git_repo, "check", on="2026-11-01").exit_code == 0


def test_a_tracker_review_takes_scope_decisions_only(git_repo: Path):
    refused = cli(
        git_repo, "oversight", "riverside", "--decision", "approve-closure", "--note", "x"
    )
    assert refused.exit_code == 2, refused.output
    assert refused.output.startswith(
        "error: approve-closure is a decision on an action's closure, not on a tracker (riverside)\n"
    )
    ok = cli(
        git_repo,
        "oversight",
        "riverside",
        "--decision",
        "on-track",
        "--level",
        "monthly",
        "--by",
        "jreed",
        "--note",
        "Monthly trends reviewed: omissions down to 4%",
    )
    assert ok.exit_code == 0, ok.output
    assert changed(git_repo) == [T]


PLAN = """\
date: 2026-10-19
level: weekly
chair: mpatel
attendees: [mpatel, tokafor]
note: Weekly medicines management review
decisions:
  - id: MED-001
    decision: challenge
    note: Only one of three staff observed so far
  - id: med-c1
    decision: on-track
    note: Audit actions in hand
"""


def test_a_meeting_from_a_file_is_one_commit_with_a_minute_and_each_decision(
    git_repo: Path, tmp_path: Path
):
    plan = tmp_path / "meeting.yaml"
    plan.write_text(PLAN)
    result = cli(git_repo, "meeting", "--from", str(plan))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "riverside: weekly meeting 2026-10-19, 2 decisions (chair mpatel)\n"
    )
    assert changed(git_repo) == sorted([A1, C1, T])
    assert (
        (git_repo / A1)
        .read_text()
        .endswith(
            "reviews:\n  - date: 2026-10-19\n    by: mpatel\n    level: weekly\n    decision: challenge\n"
            "    note: Only one of three staff observed so far\n"
        )
    )
    assert (
        (git_repo / T)
        .read_text()
        .endswith(
            "meetings:\n  - date: 2026-10-19\n    level: weekly\n    chair: mpatel\n"
            "    attendees: [mpatel, tokafor]\n    reviewed: [MED-001, MED-C1]\n"
            "    note: Weekly medicines management review\n"
        )
    )
    assert "Event: meeting\nDecisions: 2" in git(git_repo, "log", "-1", "--format=%b")
    assert cli(git_repo, "check", on="2026-11-01").exit_code == 0
    again = cli(git_repo, "meeting", "--from", str(plan))
    assert again.exit_code == 1
    assert "a weekly meeting on 19 Oct 2026 is already recorded for riverside" in again.output


def test_a_meeting_with_any_refused_decision_records_nothing_and_says_every_reason(
    git_repo: Path, tmp_path: Path
):
    plan = tmp_path / "meeting.yaml"
    plan.write_text(
        PLAN.replace("decision: challenge", "decision: approve-closure")
        + "  - id: MED-002\n    decision: reject-closure\n    note: x\n"
        + "  - id: MED-009\n    decision: on-track\n    note: x\n"
    )
    head = git(git_repo, "rev-parse", "HEAD")
    result = cli(git_repo, "meeting", "--from", str(plan))
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: the meeting was not recorded; nothing was written\n"
        "  - MED-001: closure cannot be approved; requirements R1 have no usable evidence\n"
        "  - MED-002 is closed, so a reject-closure cannot be recorded\n"
        "  - there is no action or concern MED-009\n"
    )
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "status", "--porcelain") == ""


def test_off_a_terminal_the_meeting_needs_a_file(git_repo: Path):
    result = cli(git_repo, "meeting")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(
        "error: cqctrack meeting asks for each decision on a terminal\n"
    )


# --- at a terminal, for real ------------------------------------------------------------


class Terminal:
    """A cqctrack process on a pseudo-terminal: read what it prints, type answers."""

    def __init__(self, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = dict(
            os.environ,
            GIT_AUTHOR_DATE="2026-10-20T10:00:00+00:00",
            GIT_COMMITTER_DATE="2026-10-20T10:00:00+00:00",
            COLUMNS="120",
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cqctrack", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r}; saw:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:  # the process ended and closed the terminal
                    chunk = ""
                if not chunk and self.proc.poll() is not None:
                    assert text in self.seen, f"ended without {text!r}; saw:\n{self.seen}"
                self.seen += chunk.replace("\r\n", "\n")
        return self.seen

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def finish(self) -> int:
        try:
            while True:
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            pass
        code = self.proc.wait(timeout=20)
        os.close(self.master)
        return code


def two_open_actions(repo: Path) -> None:
    (repo / A3).write_text(
        ACTION.replace("MED-001", "MED-003").replace(
            "title: Competency checks for staff with repeated MAR errors",
            "title: Weekly MAR spot checks",
        )
    )
    commit_all(repo, "Add MED-003", "2026-09-01")


def test_at_a_terminal_the_meeting_walks_the_review_list_and_commits_once(git_repo: Path):
    two_open_actions(git_repo)
    term = Terminal(
        "--repo",
        str(git_repo),
        "meeting",
        "--tracker",
        "riverside",
        "--attendee",
        "tokafor",
        "--as-of",
        "2026-10-20",
    )
    term.expect("Meeting of 20 Oct 2026 (riverside): 2 actions to review.")
    term.expect("[1/2] MED-001  Red  Competency checks for staff with repeated MAR errors")
    term.expect("Decision [o]n-track")
    term.type("z")
    term.expect("type one of o, c, e, a, r, s, q or x")
    term.type("c")
    term.expect("Note:")
    term.type("Only one of three staff observed so far")
    term.expect("[2/2] MED-003  Red  Weekly MAR spot checks")
    term.type("s")  # skipped: no decision on MED-003
    term.expect("1 decided, 1 not decided.")
    term.expect("Record 1 decision? [Y/n]")
    term.type("")
    assert term.finish() == 0, term.seen
    assert "riverside: weekly meeting 2026-10-20, 1 decision (chair mpatel)" in term.seen
    assert changed(git_repo) == sorted([A1, T])
    assert (
        "decision: challenge\n    note: Only one of three staff observed so far\n"
        in (git_repo / A1).read_text()
    )
    assert "reviews:" not in (git_repo / A3).read_text()
    assert "    reviewed: [MED-001]\n" in (git_repo / T).read_text()


def test_at_a_terminal_x_abandons_the_meeting_and_nothing_is_written(git_repo: Path):
    two_open_actions(git_repo)
    head = git(git_repo, "rev-parse", "HEAD")
    term = Terminal("--repo", str(git_repo), "meeting", "--as-of", "2026-10-20")
    term.expect("[1/2] MED-001")
    term.type("o")
    term.expect("Note:")
    term.type("Fine")
    term.expect("[2/2] MED-003")
    term.type("x")
    term.expect("Abandoned: nothing was recorded.")
    assert term.finish() == 1
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "status", "--porcelain") == ""


def test_at_a_terminal_q_finishes_early_and_records_what_was_decided(git_repo: Path):
    two_open_actions(git_repo)
    term = Terminal("--repo", str(git_repo), "meeting", "--as-of", "2026-10-20")
    term.expect("[1/2] MED-001")
    term.type("e")
    term.expect("Note:")
    term.type("")  # a note is required: asked again
    term.expect("Note:")
    term.type("Third month overdue; provider to step in")
    term.expect("[2/2] MED-003")
    term.type("q")
    term.expect("Record 1 decision? [Y/n]")
    term.type("y")
    assert term.finish() == 0, term.seen
    assert "decision: escalate\n" in (git_repo / A1).read_text()
