"""`cqctrack check` through the command line: exit codes, formats and plain errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.helpers import BASE, CLOSED_ACTION, minimal_repo

runner = CliRunner()
A2 = f"{BASE}/actions/MED-002.yaml"


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_clean_repository_exits_0(repo: Path) -> None:
    result = run("--repo", str(repo), "check", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 6 files: no problems found.\n"


def test_problems_exit_1_with_compiler_style_lines_and_counts(tmp_path: Path) -> None:
    root = minimal_repo(
        tmp_path, **{A2: CLOSED_ACTION.replace("verified_by: mpatel", "verified_by: tokafor")}
    )
    result = run("--repo", str(root), "check", "--as-of", "2026-11-23")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"{A2}:36:3: error: the verifier (tokafor) is the action's owner; closure needs independent "
        "verification [closure-verifier-is-owner]",
        "    hint: ask a manager who did not own the action to verify it",
        f"{A2}:36:3: error: the verifier (tokafor) is a medicines-lead, which may not verify closures "
        "[closure-verifier-role]",
        "    hint: roles that may verify: registered-manager, deputy-manager, quality-lead, "
        "nominated-individual, provider-representative (policy closure.verifier_roles)",
        "",
        "Checked 6 files: 2 errors and 0 warnings in 1 file.",
        # Counted as what they are, not as "closure without evidence" (issue 11).
        "  closure verification  2",
    ]


def test_json_output_is_only_json(tmp_path: Path) -> None:
    root = minimal_repo(
        tmp_path, **{A2: CLOSED_ACTION.replace("verified_by: mpatel", "verified_by: zz")}
    )
    result = run("--repo", str(root), "check", "--format", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert payload["errors"] == 1
    assert payload["problems"][0] | {"hint": None} == {
        "path": A2,
        "line": 36,
        "column": 3,
        "severity": "error",
        "code": "closure-unknown-verifier",
        "category": "closure",
        "message": "verifier 'zz' is not in the people register",
        "hint": None,
    }


def test_github_format_annotates_the_file_and_line(tmp_path: Path) -> None:
    root = minimal_repo(
        tmp_path, **{A2: CLOSED_ACTION.replace("verified_by: mpatel", "verified_by: zz")}
    )
    result = run("--repo", str(root), "check", "--format", "github")
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(
        f"::error file={A2},line=36,col=3,title=cqctrack closure-unknown-verifier::"
    )
    assert "%0Aadd them to `people` in cqctrack.yaml" in first


def test_warnings_alone_pass_unless_strict(tmp_path: Path) -> None:
    root = minimal_repo(tmp_path, **{f"{BASE}/notes.yaml": "a: 1\n"})
    assert run("--repo", str(root), "check").exit_code == 0
    assert run("--repo", str(root), "check", "--strict").exit_code == 1


def test_outside_a_tracker_repository_says_so_without_a_traceback(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert (
        f"error: no cqctrack.yaml in {tmp_path.resolve()} or any folder above it" in result.output
    )
    assert "hint: run the command inside a tracker repository" in result.output


def test_a_bad_as_of_date_is_a_usage_error(repo: Path) -> None:
    result = runner.invoke(app, ["--repo", str(repo), "check", "--as-of", "23/11/2026"])
    assert result.exit_code == 2, result.output
    assert "error: --as-of 23/11/2026: not a date" in result.output


def test_the_check_is_run_from_any_folder_inside_the_repository(repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo / BASE / "actions")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_command_has_help_with_an_example() -> None:
    from typer.main import get_command

    names = list(_commands(get_command(app)))
    assert ("check",) in names
    for name in names:
        result = runner.invoke(app, [*name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Example" in result.output, f"`cqctrack {' '.join(name)} --help` has no example"


def test_version() -> None:
    from cqctrack import __version__

    result = run("--version")
    assert result.output == f"cqctrack {__version__}\n"


# --- picking rules ---------------------------------------------------------------------


def owner_verified(tmp_path: Path) -> Path:
    return minimal_repo(
        tmp_path, **{A2: CLOSED_ACTION.replace("verified_by: mpatel", "verified_by: tokafor")}
    )


def codes_of(result) -> list[str]:
    return [p["code"] for p in json.loads(result.stdout)["problems"]]


def test_list_rules_names_every_rule_and_code() -> None:
    from cqctrack.rules.checks import CHECKS

    result = run("check", "--list-rules")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CODE", "RULE", "MEANING"]
    for rule in CHECKS:
        for code in rule.codes:
            assert any(line.split()[:2] == [code, rule.name] for line in lines[1:] if line), code
    assert any(line.startswith("yaml-syntax ") and "(reading files)" in line for line in lines)


def test_select_reports_only_the_codes_named(tmp_path: Path) -> None:
    root = owner_verified(tmp_path)
    args = ("--repo", str(root), "check", "--format", "json", "--as-of", "2026-11-23")
    assert codes_of(run(*args)) == ["closure-verifier-is-owner", "closure-verifier-role"]
    picked = run(*args, "--select", "closure-verifier-role")
    assert picked.exit_code == 1
    assert codes_of(picked) == ["closure-verifier-role"]
    assert codes_of(run(*args, "--select", "closure")) == [
        "closure-verifier-is-owner",
        "closure-verifier-role",
    ]


def test_ignore_silences_a_code_and_the_exit_follows(tmp_path: Path) -> None:
    root = owner_verified(tmp_path)
    args = ("--repo", str(root), "check", "--as-of", "2026-11-23")
    result = run(*args, "--ignore", "closure-verifier-is-owner,closure-verifier-role")
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 6 files: no problems found.\n"


def test_an_unknown_code_is_a_usage_error_with_a_suggestion(repo: Path) -> None:
    result = runner.invoke(app, ["--repo", str(repo), "check", "--select", "closure-verifer-role"])
    assert result.exit_code == 2, result.output
    assert "--select closure-verifer-role: no finding has that code" in result.output
    assert "did you mean closure-verifier-role?" in result.output


def test_stale_schemas_are_a_warning_with_the_command_that_refreshes_them(repo: Path) -> None:
    from cqctrack import __version__
    from cqctrack.format import schema

    schema.write(repo / "schemas")
    assert run("--repo", str(repo), "check", "--as-of", "2026-11-23").exit_code == 0
    action = repo / "schemas" / "action.schema.json"
    data = json.loads(action.read_text())
    # An upgrade that changes no rule asks for nothing: only the version comment differs.
    data["$comment"] = "Generated by cqctrack 0.0.1 from its models; do not edit by hand."
    action.write_text(json.dumps(data))
    result = run("--repo", str(repo), "check", "--as-of", "2026-11-23")
    assert result.output == "Checked 6 files: no problems found.\n"
    data["required"] = ["id"]  # an older version's rules (replayed results see the edit)
    action.write_text(json.dumps(data))
    (repo / "schemas" / "measure.schema.json").unlink()
    result = run("--repo", str(repo), "check", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output  # a warning: --strict fails on it
    assert result.output.splitlines()[:5] == [
        "schemas/action.schema.json: warning: schemas/action.schema.json differs from what "
        f"cqctrack {__version__} exports, so editors judge files by other rules than `check` "
        "[layout-stale-schema]",
        "    hint: run `cqctrack schemas export` to refresh schemas/, and commit the result",
        "",
        "schemas/measure.schema.json: warning: schemas/measure.schema.json is missing, so "
        "editors do not check those files [layout-stale-schema]",
        "    hint: run `cqctrack schemas export` to refresh schemas/, and commit the result",
    ]
    assert run("--repo", str(repo), "check", "--strict").exit_code == 1
    assert run("--repo", str(repo), "schemas", "export").exit_code == 0
    result = run("--repo", str(repo), "check", "--as-of", "2026-11-23")
    assert result.output == "Checked 6 files: no problems found.\n"


def test_a_repository_without_schemas_is_not_asked_for_them(repo: Path) -> None:
    assert not (repo / "schemas").exists()
    result = run("--repo", str(repo), "check", "--as-of", "2026-11-23")
    assert result.output == "Checked 6 files: no problems found.\n"
