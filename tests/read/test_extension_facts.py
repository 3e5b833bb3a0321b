"""One fact, one judgement: was a due-date move logged? history, review, summary and check agree.

Each case builds a real git history for MED-001 (due 2026-10-31 in the minimal
repository), then asks all four commands. The fact comes from git/facts.py and
the judgement from rules/extensions.py; a command that read a copy of either
would disagree somewhere in this table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.cli.test_record import A1, cli
from tests.conftest import commit_all

runner = CliRunner()
AS_OF = "2026-11-02"
UNLOGGED = "drift-unlogged-extension"


def extension(start: str, end: str, on: str) -> str:
    return (
        f"  - from: {start}\n    to: {end}\n    reason: Trainer on leave\n"
        f"    approved_by: mpatel\n    date: {on}\n"
    )


def set_due(repo: Path, due: str) -> None:
    path = repo / A1
    lines = [f"due: {due}" if ln.startswith("due:") else ln for ln in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")


def add_extension(repo: Path, start: str, end: str, on: str) -> None:
    path = repo / A1
    text = path.read_text()
    if "extensions:\n" not in text:
        text += "extensions:\n"
    path.write_text(text + extension(start, end, on))


def move_then_log(repo: Path) -> None:
    set_due(repo, "2026-11-30")
    commit_all(repo, "Move due date", "2026-10-20", author="Sam Jones <sam@example.org>")
    add_extension(repo, "2026-10-31", "2026-11-30", "2026-10-21")
    commit_all(repo, "Log the extension", "2026-10-21")


def log_then_move(repo: Path) -> None:
    add_extension(repo, "2026-10-31", "2026-11-30", "2026-10-20")
    commit_all(repo, "Log the extension", "2026-10-20")
    set_due(repo, "2026-11-30")
    commit_all(repo, "Move due date", "2026-10-21")


def log_without_move(repo: Path) -> None:
    add_extension(repo, "2026-10-31", "2026-11-30", "2026-10-20")
    commit_all(repo, "Log an extension but leave the due date", "2026-10-20")


def move_back(repo: Path) -> None:
    set_due(repo, "2026-11-30")
    commit_all(repo, "Move due date", "2026-10-20", author="Sam Jones <sam@example.org>")
    set_due(repo, "2026-10-31")
    commit_all(repo, "Put it back", "2026-10-22")


def two_moves_one_log(repo: Path) -> None:
    set_due(repo, "2026-11-15")
    commit_all(repo, "Move due date", "2026-10-18", author="Sam Jones <sam@example.org>")
    set_due(repo, "2026-11-30")
    add_extension(repo, "2026-11-15", "2026-11-30", "2026-10-25")
    commit_all(repo, "Extend properly", "2026-10-25")


def cqctrack_then_hand_edit(repo: Path) -> None:
    extended = cli(
        repo,
        "extend",
        "MED-001",
        "--to",
        "2026-11-15",
        "--reason",
        "Trainer on leave",
        "--approved-by",
        "mpatel",
        on="2026-10-14",
    )
    assert extended.exit_code == 0, extended.output
    set_due(repo, "2026-11-30")
    commit_all(repo, "Move due date", "2026-10-18", author="Sam Jones <sam@example.org>")


def uncommitted_move(repo: Path) -> None:
    set_due(repo, "2026-11-30")


def same_commit_policy(history: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(repo: Path) -> None:
        config = repo / "cqctrack.yaml"
        config.write_text(
            config.read_text().replace(
                "policy:\n", "policy:\n  audit:\n    extension_logging: same-commit\n"
            )
        )
        commit_all(repo, "Strict extension logging", "2026-10-01")
        history(repo)

    return build


CASES = [
    ("move-then-log", move_then_log, 0, 1),
    ("log-then-move", log_then_move, 0, 1),
    ("log-without-move", log_without_move, 0, 1),
    ("move-back", move_back, 1, 0),
    ("two-moves-one-log", two_moves_one_log, 1, 1),
    ("cqctrack-then-hand-edit", cqctrack_then_hand_edit, 1, 1),
    ("uncommitted-move", uncommitted_move, 1, 0),
    ("move-then-log-under-same-commit-policy", same_commit_policy(move_then_log), 1, 1),
    ("log-then-move-under-same-commit-policy", same_commit_policy(log_then_move), 1, 1),
]


def run(repo: Path, *args: str) -> object:
    result = runner.invoke(app, ["--repo", str(repo), *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def unlogged_by_command(repo: Path) -> dict[str, int]:
    history = run(repo, "history", "MED-001", "--format", "json")
    flagged = [f for e in history["events"] for f in e["findings"] if f["code"] == UNLOGGED]
    review = run(repo, "review", "--all", "--format", "json", "--as-of", AS_OF)
    (row,) = [r for r in review if r["id"] == "MED-001"]
    summary = run(repo, "summary", "--format", "json", "--as-of", AS_OF)
    check = run(repo, "check", "--format", "json", "--as-of", AS_OF)
    found = [p for p in check["problems"] if p["code"] == UNLOGGED and p["path"] == A1]
    return {
        "history": len(flagged),
        "review": row["extensions"]["unlogged"],
        "summary": summary["totals"]["extensions"]["unlogged"],
        "check": len(found),
    }


@pytest.mark.parametrize(
    ("build", "unlogged", "logged"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_history_review_summary_and_check_agree_on_unlogged_moves(
    git_repo: Path, build: Callable[[Path], None], unlogged: int, logged: int
) -> None:
    build(git_repo)
    counts = unlogged_by_command(git_repo)
    assert counts == dict.fromkeys(("history", "review", "summary", "check"), unlogged)
    review = run(git_repo, "review", "--all", "--format", "json", "--as-of", AS_OF)
    (row,) = [r for r in review if r["id"] == "MED-001"]
    assert row["extensions"]["logged"] == logged


def test_history_says_when_a_later_entry_logged_the_move(git_repo: Path) -> None:
    move_then_log(git_repo)
    history = run(git_repo, "history", "MED-001", "--format", "json")
    (moved,) = [e for e in history["events"] if e["event"] == "due-moved"]
    assert moved["flags"] == []
    assert moved["text"].startswith("due moved 31 Oct 2026 → 30 Nov 2026 (extension logged later")
    assert "on 21 Oct 2026)" in moved["text"]


def test_check_points_at_the_due_line_and_the_commit_that_moved_it(git_repo: Path) -> None:
    move_back(git_repo)
    check = run(git_repo, "check", "--format", "json", "--as-of", AS_OF)
    (found,) = [p for p in check["problems"] if p["code"] == UNLOGGED]
    assert found["path"] == A1
    assert found["line"] == 9  # the `due:` line
    assert found["severity"] == "warning"
    assert found["message"] == (
        "due date moved 31 Oct 2026 → 30 Nov 2026 without a logged extension"
    )
    assert found["hint"].startswith("moved in commit ")
    assert "by Sam Jones on 20 Oct 2026" in found["hint"]
