"""tools/demo_repo.py: a demo repository whose git history replays the example trackers."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from typer.testing import CliRunner

from cqctrack.cli import app

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE_ACTIONS = sorted(p.stem for p in PROJECT.glob("trackers/*/actions/*.yaml"))
LAST_EVENT = date(2026, 11, 20)
UNLOGGED_MOVE = "! due date moved 4 Sep 2026 → 11 Sep 2026 without a logged extension"

runner = CliRunner()


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_repo", PROJECT / "tools" / "demo_repo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


demo_repo = _tool()


def git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, built once, with `cqctrack check` run on the tree as at every day."""
    target = tmp_path_factory.mktemp("demo") / "repo"
    demo_repo.build(target, PROJECT, verify="daily", log=lambda _: None)
    return target


def commits(root: Path) -> list[dict[str, str]]:
    fields = ["sha", "author_date", "committer_date", "name", "email", "committer", "body"]
    text = git(root, "log", "--reverse", "--format=%H%x1f%aI%x1f%cI%x1f%an%x1f%ae%x1f%ce%x1f%B%x1e")
    return [
        dict(zip(fields, r.strip().split("\x1f"), strict=True)) for r in text.split("\x1e")[:-1]
    ]


def history(root: Path, action_id: str) -> str:
    result = runner.invoke(app, ["--repo", str(root), "history", action_id])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_last_commit_holds_the_example_files_byte_for_byte(demo: Path) -> None:
    assert git(demo, "status", "--porcelain", "--untracked-files=all") == ""
    tracked = set(git(demo, "ls-files").splitlines())
    examples = {
        p.relative_to(PROJECT).as_posix()
        for folder in ("trackers", "evidence", "schemas")
        for p in (PROJECT / folder).rglob("*")
        if p.is_file()
    } | {"cqctrack.yaml"}
    assert tracked == examples
    for rel in sorted(examples):
        expected = (PROJECT / rel).read_bytes()
        if rel == "cqctrack.yaml":  # the demo's history is judged in full
            expected = demo_repo.demo_config(expected)
            assert (
                b"imported_until" not in expected
                and b"imported_until" in (PROJECT / rel).read_bytes()
            )
        assert (demo / rel).read_bytes() == expected, rel


def test_rebuilding_replaces_the_demo_with_the_same_commits(tmp_path: Path) -> None:
    # One service's examples keep this quick; the lapse (STF-003) is among them.
    source = tmp_path / "examples"
    source.mkdir()
    for rel in ("cqctrack.yaml", "schemas", "trackers/oakfield-house", "evidence/oakfield-house"):
        if (PROJECT / rel).is_dir():
            shutil.copytree(PROJECT / rel, source / rel)
        else:
            shutil.copy2(PROJECT / rel, source / rel)
    target = tmp_path / "demo"
    demo_repo.build(target, source, log=lambda _: None)
    first = git(target, "rev-parse", "HEAD").strip()
    (target / "scratch.txt").write_text("left over from trying commands\n")
    demo_repo.build(target, source, log=lambda _: None)
    assert git(target, "rev-parse", "HEAD").strip() == first
    assert not (target / "scratch.txt").exists()
    assert "Update STF-003 due date" in git(target, "log", "--format=%s")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "examples"]  # no temp left


def test_a_folder_the_tool_did_not_build_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(demo_repo.BuildError, match="not built by this script"):
        demo_repo.build(tmp_path, PROJECT, log=lambda _: None)
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def _expected_commit_count() -> int:
    """One initial commit, one per event in the example files, and the hand edit."""
    count = 1 + 1  # the initial commit; the scripted hand edit of STF-003
    for path in PROJECT.glob("trackers/*/*/*.yaml"):
        data = yaml.safe_load(path.read_text())
        count += 1  # created
        count += len(data.get("readings") or [])
        for log in ("progress", "evidence", "extensions", "reviews"):
            count += len(data.get(log) or [])
        count += 2 * len(data.get("reopenings") or [])  # the closure undone, the reopening
        count += ("closure" in data) + ("cancellation" in data)
    return count


def test_one_commit_per_event_each_on_its_day_by_the_person_who_did_it(demo: Path) -> None:
    log = commits(demo)
    status_only = [c for c in log if re.match(r"^\S+: status \S+ -> \S+\n", c["body"])]
    assert len(log) == _expected_commit_count() + len(status_only)
    assert 200 <= len(log) <= 320
    config = yaml.safe_load((PROJECT / "cqctrack.yaml").read_text())
    register = {p["name"]: p["emails"][0] for p in config["people"].values()}
    when = [datetime.fromisoformat(c["author_date"]) for c in log]
    assert when == sorted(when)
    assert when[0].date() < date(2026, 7, 1) and when[-1].date() == LAST_EVENT
    for commit, stamp in zip(log, when, strict=True):
        assert stamp.date() <= LAST_EVENT
        assert time(9) <= stamp.time() < time(17), commit
        assert commit["committer_date"] == commit["author_date"]
        assert register[commit["name"]] == commit["email"] == commit["committer"]
    hand_edits = [c for c in log if "Cqctrack-Version:" not in c["body"]]
    assert [c["body"].strip() for c in hand_edits] == ["Update STF-003 due date"]
    assert hand_edits[0]["name"] == "Nadia Singh"


def test_commit_messages_follow_cqctrack_s_own(demo: Path) -> None:
    bodies = [c["body"] for c in commits(demo)]
    assert (
        "MED-003: extend due date 2026-09-30 -> 2026-11-27\n\n"
        "Action: MED-003\nEvent: extended\nExtension: 1\nCqctrack-Version: "
    ) in "\n".join(bodies)
    assert any(b.startswith("MED-003: reopen (mpatel)\n\nAction: MED-003\n") for b in bodies)
    assert any(
        b.startswith("MED-M1: record 2026-10 reading 95.1\n\nMeasure: MED-M1\n") for b in bodies
    )


def test_check_passes_on_the_built_repository(demo: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cqctrack", "--repo", str(demo), "check", "--as-of", "2026-11-23"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_history_flags_the_scripted_unlogged_due_date_move(demo: Path) -> None:
    out = history(demo, "STF-003")
    lines = out.splitlines()
    moved = next(
        i for i, line in enumerate(lines) if "without a logged extension  [hand edit]" in line
    )
    assert "Nadia Singh" in lines[moved] and " 3 Sep 2026" in lines[moved]
    assert lines[moved + 1].strip() == UNLOGGED_MOVE.strip()
    assert "1 thing for a reviewer to look at" in out


def test_no_action_history_shows_back_dating_or_any_other_flag(demo: Path) -> None:
    assert len(EXAMPLE_ACTIONS) == 21
    for action_id in EXAMPLE_ACTIONS:
        out = history(demo, action_id)
        assert "was committed" not in out, (action_id, out)  # the back-dating flag
        flags = [line.strip() for line in out.splitlines() if line.strip().startswith("! ")]
        assert flags == ([UNLOGGED_MOVE] if action_id == "STF-003" else []), (action_id, out)


def test_statuses_and_due_dates_are_derived_from_the_logs(demo: Path) -> None:
    out = history(demo, "MED-002")
    for change in (
        "status changed open → in-progress",
        "status changed in-progress → awaiting-verification",
        "status changed awaiting-verification → in-progress",
        "status changed in-progress → closed",
        "created: owner tadeyemi, due 30 Oct 2026",
        "due moved 30 Oct 2026 → 20 Nov 2026 (extension logged",
    ):
        assert change in out, change
    out = history(demo, "MED-003")
    assert out.index("closed: verified by mpatel") < out.index("reopened by mpatel")
    assert "status changed closed → in-progress" in out


# --- the tracker at any date (`--at`) --------------------------------------------------------


def test_review_at_a_date_reproduces_what_the_files_said_that_day(demo: Path) -> None:
    import json

    sha = git(demo, "rev-list", "-1", "--first-parent", "--before=2026-09-01 23:59:59", "HEAD")
    sha = sha.strip()
    result = runner.invoke(
        app, ["--repo", str(demo), "review", "--at", "2026-09-01", "--all", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"note: the tracker as committed at 2026-09-01 ({sha[:8]}), judged as at 1 Sep 2026\n"
    )
    rows = json.loads(result.stdout)
    committed = {
        Path(p).stem: p
        for p in git(demo, "ls-tree", "-r", "--name-only", sha, "--", "trackers").split()
        if "/actions/" in p
    }
    open_then = []
    for action_id, path in sorted(committed.items()):
        then = yaml.safe_load(git(demo, "show", f"{sha}:{path}"))
        if then["status"] != "cancelled":
            open_then.append(action_id)
    assert sorted(row["id"] for row in rows) == open_then  # every open or closed action then
    for row in rows:
        then = yaml.safe_load(git(demo, "show", f"{sha}:{committed[row['id']]}"))
        assert (row["due"], row["status"], row["owner"]) == (
            str(then["due"]),
            then["status"],
            then["owner"],
        ), row["id"]
        reviews = then.get("reviews") or []
        assert row["last_review"] == (
            None
            if not reviews
            else {
                "date": str(max(reviews, key=lambda r: str(r["date"]))["date"]),
                "by": max(reviews, key=lambda r: str(r["date"]))["by"],
                "level": max(reviews, key=lambda r: str(r["date"]))["level"],
                "decision": max(reviews, key=lambda r: str(r["date"]))["decision"],
            }
        ), row["id"]
    # The working tree is never touched: nothing is checked out.
    assert git(demo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(demo, "rev-parse", "HEAD") != sha


def test_the_unlogged_move_shows_at_the_day_after_it_and_not_the_day_before(demo: Path) -> None:
    def stf_003(day: str) -> str:
        result = runner.invoke(
            app,
            ["--repo", str(demo), "review", "--at", day, "--all", "--tracker", "oakfield-house"],
        )
        assert result.exit_code == 0, result.output
        return next(line for line in result.stdout.splitlines() if line.startswith("STF-003"))

    assert " 4 Sep 2026 " in stf_003("2026-09-02")  # as created
    after = stf_003("2026-09-04")
    assert " 11 Sep 2026 " in after and "1 (1 unlogged)" in after


def test_check_and_history_at_a_commit(demo: Path) -> None:
    sha = git(demo, "rev-list", "-1", "--first-parent", "--before=2026-09-05 23:59:59", "HEAD")
    check = runner.invoke(app, ["--repo", str(demo), "check", "--at", sha.strip()[:12]])
    assert check.exit_code == 0, check.output
    assert check.stdout.splitlines()[0] == (
        "trackers/oakfield-house/actions/STF-003.yaml:11:1: warning: due date moved 4 Sep 2026 "
        "→ 11 Sep 2026 without a logged extension [drift-unlogged-extension]"
    )
    assert check.stdout.splitlines()[-2:] == [
        "Checked 34 files: 0 errors and 1 warning in 1 file.",
        "  drift  1",
    ]
    history = runner.invoke(app, ["--repo", str(demo), "history", "STF-003", "--at", "2026-09-05"])
    assert history.exit_code == 0, history.output
    assert "extend due date" not in history.stdout and "11 Sep 2026" in history.stdout
    assert "9 Oct 2026" not in history.stdout  # the first logged extension came later


def test_as_of_warns_when_the_files_hold_entries_dated_after_it(demo: Path) -> None:
    result = runner.invoke(app, ["--repo", str(demo), "review", "--as-of", "2026-09-01"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: the files hold entries dated after 1 Sep 2026 (the latest 20 Nov 2026): "
        "--as-of judges today's files as at that date; to see the tracker as it was then, "
        "use --at 2026-09-01\n"
    )


def test_at_something_that_is_not_there(demo: Path) -> None:
    early = runner.invoke(app, ["--repo", str(demo), "review", "--at", "2020-01-01"])
    assert early.exit_code == 2, early.output
    assert early.output == (
        "error: --at 2020-01-01: nothing was committed on this branch by the end of that day\n"
        "  hint: give a later date, or a commit (`git log --reverse` lists the first)\n"
    )
    wrong = runner.invoke(app, ["--repo", str(demo), "summary", "--at", "no-such-branch"])
    assert wrong.exit_code == 2, wrong.output
    assert wrong.output.startswith(
        "error: --at no-such-branch: not a date (YYYY-MM-DD) nor a commit git knows\n"
    )
