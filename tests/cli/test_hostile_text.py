"""Terminal injection and identities (issue 12, classes 5 and 12): text anyone can push
never reaches a terminal, spreadsheet or page raw, and ids and paths mean one file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE

runner = CliRunner()
A1 = f"{BASE}/actions/MED-001.yaml"
# Clear screen, set the window title, an OSC 8 hyperlink, an 8-bit CSI, a bidi override.
HOSTILE = "\\e[2J\\e]0;pwned\\a\\e]8;;https://evil.example/\\aclick\\e]8;;\\a \\x9b31m \\u202eevil"
RAW = ("\x1b", "\x9b", "\u202e", "\x07")


@pytest.fixture
def hostile(git_repo: Path) -> Path:
    (git_repo / A1).write_text(
        ACTION.replace(
            "title: Competency checks for staff with repeated MAR errors", f'title: "{HOSTILE}"'
        )
    )
    commit_all(git_repo, "hostile title", "2026-10-01", author="Eve\x1b]0;x\x07 <eve@example.org>")
    return git_repo


COMMANDS = [
    ["review", "--all"],
    ["review", "--all", "--format", "json"],
    ["review", "--all", "--format", "csv"],
    ["review", "--all", "--format", "markdown"],
    ["summary"],
    ["check"],
    ["check", "--format", "json"],
    ["check", "--format", "github"],
    ["history", "MED-001"],
    ["history", "MED-001", "--format", "json"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_no_control_or_bidi_character_reaches_the_output_raw(hostile: Path, args) -> None:
    result = runner.invoke(app, ["--repo", str(hostile), *args, "--as-of", "2026-11-23"])
    assert "Traceback" not in result.output
    for char in RAW:
        assert char not in result.output, (char, result.output)


def test_the_text_shows_the_escapes_so_a_reader_sees_something_is_wrong(hostile: Path) -> None:
    plain = runner.invoke(app, ["--repo", str(hostile), "review", "--all", "--as-of", "2026-11-23"])
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in plain.output and "\\u202eevil" in plain.output
    rows = json.loads(
        runner.invoke(
            app,
            [
                "--repo",
                str(hostile),
                "review",
                "--all",
                "--format",
                "json",
                "--as-of",
                "2026-11-23",
            ],
        ).stdout
    )
    title = next(r["title"] for r in rows if r["id"] == "MED-001")
    assert title.startswith("\x1b[2J\x1b]0;pwned\x07")  # JSON keeps the data exact, escaped
    history = runner.invoke(app, ["--repo", str(hostile), "history", "MED-001"])
    assert "Eve\\x1b]0;x " in history.output  # git keeps the ESC (it trims the BEL)


def test_markdown_never_makes_a_link_and_csv_never_a_formula(git_repo: Path) -> None:
    (git_repo / A1).write_text(
        ACTION.replace(
            "title: Competency checks for staff with repeated MAR errors",
            "title: '=HYPERLINK(\"https://evil.example\") [click](https://evil.example) <img src=x>'",
        )
    )
    commit_all(git_repo, "t", "2026-10-01")
    md = runner.invoke(app, ["--repo", str(git_repo), "review", "--all", "--format", "markdown"])
    assert "\\[click\\](https://evil.example) \\<img src=x\\>" in md.output
    csv_out = runner.invoke(app, ["--repo", str(git_repo), "review", "--all", "--format", "csv"])
    assert ",'=HYPERLINK(" in csv_out.output.replace('"', "")


def test_check_reports_hidden_characters_in_text_fields(hostile: Path) -> None:
    result = runner.invoke(app, ["--repo", str(hostile), "check", "--as-of", "2026-11-23"])
    assert result.exit_code == 1
    assert (
        f"{A1}:2:1: error: title contains hidden control characters (\\x1b, \\x07, \\x9b, "
        "\\u202e) [text-hidden-character]"
    ) in result.output


# --- class 12: identities and paths ----------------------------------------------------


@pytest.mark.parametrize(
    "spec", ["MED-003/../MED-001", "../MED-001", "MED-*", "trackers/x", "../cqctrack.yaml"]
)
def test_history_takes_an_id_or_a_yaml_file_never_a_pattern_or_a_way_out(
    git_repo: Path, spec: str
) -> None:
    result = runner.invoke(app, ["--repo", str(git_repo), "history", spec])
    assert result.exit_code == 2, result.output
    assert f"error: {spec} is not an id or a file" in result.output


def test_a_duplicate_id_across_trackers_is_refused_by_update_and_history(git_repo: Path) -> None:
    second = git_repo / "trackers/second"
    (second / "actions").mkdir(parents=True)
    (second / "tracker.yaml").write_text(
        (git_repo / f"{BASE}/tracker.yaml").read_text().replace("MED", "STF")
    )
    (second / "actions/MED-001.yaml").write_text(ACTION)
    commit_all(git_repo, "copy", "2026-10-01")
    update = runner.invoke(
        app, ["--repo", str(git_repo), "update", "MED-001", "--note", "x", "--by", "mpatel"]
    )
    assert update.exit_code == 3, update.output
    assert "action id MED-001 is used by 2 files, so cqctrack cannot tell which one you mean" in (
        update.output
    )
    history = runner.invoke(app, ["--repo", str(git_repo), "history", "MED-001"])
    assert history.exit_code == 3, history.output
    assert "action id MED-001 is used by 2 files" in history.output
    assert git(git_repo, "status", "--porcelain") == ""


def test_a_stray_file_under_trackers_is_reported(repo: Path) -> None:
    (repo / "trackers/MED-009.yaml").write_text("id: MED-009\n")
    result = runner.invoke(app, ["--repo", str(repo), "check"])
    assert (
        "trackers/MED-009.yaml:1:1: warning: a YAML file where cqctrack reads none, so it is not "
        "checked [layout-stray-file]"
    ) in result.output


def test_a_tracker_folder_linked_outside_the_repository_is_not_read(repo: Path, tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "actions").mkdir(parents=True)
    (elsewhere / "tracker.yaml").write_text((repo / f"{BASE}/tracker.yaml").read_text())
    (elsewhere / "actions/MED-050.yaml").write_text(ACTION.replace("MED-001", "MED-050"))
    (repo / "trackers/linked").symlink_to(elsewhere)
    result = runner.invoke(app, ["--repo", str(repo), "check"])
    assert "trackers/linked: error: a symbolic link to somewhere outside the repository" in (
        result.output
    )
    assert "MED-050" not in runner.invoke(app, ["--repo", str(repo), "review", "--all"]).output


def test_an_orphan_temporary_file_is_removed_by_the_next_recording(git_repo: Path) -> None:
    orphan = git_repo / f"{BASE}/actions/.MED-001.yaml.k1ll3d.tmp"
    orphan.write_text("half a file")
    result = runner.invoke(
        app,
        ["--repo", str(git_repo), "oversight", "MED-002", "--decision", "on-track", "--note", "x",
         "--by", "mpatel", "--as-of", "2026-10-20"],
    )  # fmt: skip
    assert not orphan.exists()
    assert (
        f"note: removed {BASE}/actions/.MED-001.yaml.k1ll3d.tmp, a temporary file left by an "
        "interrupted cqctrack"
    ) in result.output
    assert (git_repo / A1).exists()
