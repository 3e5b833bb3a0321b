"""Options agree across commands, and every `--help` example pastes into a shell as shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cqctrack.cli import app

runner = CliRunner()
ROOT = get_command(app)
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()

# Commands that only read (or scaffold a repository, or print reference data).
READING = {
    "check",
    "review",
    "summary",
    "history",
    "show",
    "frameworks",
    "schemas export",
    "init",
    "people list",
    "export",  # writes a spreadsheet, never a tracker file
    "report verify",  # `report` writes a meeting pack, never a tracker file
}


def commands(group: Any = ROOT, prefix: str = "") -> dict[str, Any]:
    found = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):
            found |= commands(command, path + " ")
        else:
            found[path] = command
    return found


# Repairs git or a stopped command asks for: they settle files and record no event.
REPAIRS = {
    "merge-driver",
    "resolve",
    "recover",
    "people codeowners",
}  # CODEOWNERS from the register

ALL = commands()
RECORDING = sorted(name for name in ALL if name not in READING | REPAIRS)


def test_the_recording_commands_are_the_ones_expected() -> None:
    assert (
        sorted(
            [
                "cancel",
                "close",
                "correct",
                "evidence add",
                "extend",
                "import",
                "measure record",
                "meeting",
                "new action",
                "new concern",
                "new measure",
                "new tracker",
                "oversight",
                "people add",
                "people leave",
                "people update",
                "reopen",
                "requirement add",
                "requirement change",
                "requirement remove",
                "update",
                "withdraw",
            ]
        )
        == RECORDING
    )


@pytest.mark.parametrize("name", RECORDING)
def test_every_recording_command_takes_by_date_and_no_commit(name: str) -> None:
    options = {opt for param in ALL[name].params for opt in getattr(param, "opts", [])}
    assert {"--by", "--date", "--no-commit", "--as-of"} <= options, name


@pytest.mark.parametrize(
    "name", sorted(n for n in ALL if "--ref" in {o for p in ALL[n].params for o in p.opts})
)
def test_one_name_for_a_file_or_document_reference(name: str) -> None:
    options = {opt for param in ALL[name].params for opt in param.opts}
    assert "--evidence" not in options
    assert "--document" in options and "--copy" in options


def help_examples(name: str) -> list[str]:
    result = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    examples, current = [], ""
    for line in lines:
        text = line.strip()
        if current:
            current += " " + text.rstrip("\\").strip()
            if not text.endswith("\\"):
                examples.append(current)
                current = ""
        elif text.startswith("cqctrack "):
            if text.endswith("\\"):
                current = text.rstrip("\\").strip()
            else:
                examples.append(text)
    return examples


def _rest(ctx: Any) -> list[str]:
    # What a group left for its subcommand (click keeps the command name apart).
    return list(getattr(ctx, "_protected_args", [])) + list(ctx.args)


def parse(argv: list[str]) -> None:
    """Parse a command line with the real parser, down to its command, without running it."""
    ctx = ROOT.make_context("cqctrack", list(argv))
    group, args = ROOT, _rest(ctx)
    while True:
        name, command, rest = group.resolve_command(ctx, args)
        sub = command.make_context(name, rest, parent=ctx)
        if not hasattr(command, "commands"):
            return
        group, ctx, args = command, sub, _rest(sub)


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_help_example_goes_through_the_real_parser(name: str) -> None:
    examples = help_examples(name)
    if name not in ("schemas export",):
        assert examples, f"`cqctrack {name} --help` has no example"
    for example in examples:
        argv = shlex.split(example, comments=True)
        assert argv[0] == "cqctrack"
        assert argv[1 : 1 + len(name.split())] == name.split(), example
        parse(argv[1:])


def test_examples_are_not_rewrapped_mid_line() -> None:
    # Click re-wraps paragraphs; a wrapped example no longer pastes into a shell.
    for name in ("new action", "new concern", "new measure", "evidence add"):
        text = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "100"}).output
        continued = [line for line in text.splitlines() if line.rstrip().endswith("\\")]
        assert continued, name
        block = text[text.index("Example") :]
        for line in block.splitlines()[1:]:
            if line.strip() and not line.strip().startswith(("cqctrack", "--")):
                break
            assert not line.strip() or line.startswith("    "), (name, line)


def test_the_readme_quick_start_goes_through_the_real_parser() -> None:
    block = re.search(r"## A new provider's first commands\n\n```sh\n(.*?)```", README, re.S)
    assert block is not None
    text = block.group(1).replace("\\\n", " ")
    for line in text.splitlines():
        command = line.split("#", 1)[0].strip()
        if command.startswith("cqctrack "):
            parse(shlex.split(command)[1:])


def test_every_missing_required_option_is_named_at_once(git_repo: Path) -> None:
    result = runner.invoke(app, ["--repo", str(git_repo), "evidence", "add", "MED-001"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: missing --kind, --ref and --summary\n")
    new = runner.invoke(app, ["--repo", str(git_repo), "new", "action", "--concern", "MED-C1"])
    assert new.exit_code == 2, new.output
    assert new.output.startswith(
        "error: missing --title, --owner, --due, --risk, --outcome and --requires\n"
    )
    measure = runner.invoke(app, ["--repo", str(git_repo), "measure", "record", "MED-M1"])
    assert measure.output.startswith("error: missing --period, --value and --ref\n")


def test_update_offers_only_the_statuses_it_accepts() -> None:
    text = runner.invoke(app, ["update", "--help"], env={"COLUMNS": "200"}).output
    assert "--status <open|in-progress|awaiting-verification>" in text
    refused = runner.invoke(app, ["update", "MED-001", "--status", "closed"])
    assert refused.exit_code == 2
    assert "'closed' is not one of 'open', 'in-progress', 'awaiting-verification'" in refused.output


def test_the_command_table_names_what_each_module_registers() -> None:
    # A process builds only the command it runs (cli.build): the table that says which
    # module holds each command must be exactly what the modules register.
    from cqctrack import cli

    assert sorted(ROOT.commands) == sorted(cli.COMMANDS)  # type: ignore[attr-defined]
    for word, module in cli.COMMANDS.items():
        alone = get_command(cli.build(word))
        names = set(alone.commands)  # type: ignore[attr-defined]
        assert word in names
        assert {cli.COMMANDS[name] for name in names} == {module}


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["review", "--overdue"], "review"),
        (["--repo", "review", "check"], "check"),  # a repository folder called review
        (["-C", "x", "--no-cache", "history", "MED-001"], "history"),
        (["--debug", "--", "show", "MED-001"], "show"),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_word_is_found_past_the_root_options(args: list[str], word: str | None) -> None:
    from cqctrack.cli import command_word

    assert command_word(args) == word


def test_a_mistyped_command_still_lists_every_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "cqctrack", "revew"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "No such command 'revew'" in done.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "cqctrack", "--help"], capture_output=True, text=True, check=False
    )
    for word in ("check", "review", "report", "export", "people"):
        assert re.search(rf"^\s*│?\s*{word}\b", listing.stdout, re.M), word
