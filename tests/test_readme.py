"""The README's file-format examples and command table stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cqctrack.cli import app
from cqctrack.format import dialect
from cqctrack.format.models import Action, Concern, Config, Measure, Tracker

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
MODELS = {
    "cqctrack.yaml": Config,
    "trackers/<slug>/tracker.yaml": Tracker,
    "concerns/MED-C1.yaml": Concern,
    "measures/MED-M1.yaml": Measure,
    "actions/MED-001.yaml": Action,
}


def example(heading: str) -> str:
    match = re.search(rf"### `{re.escape(heading)}`[^\n]*\n+```yaml\n(.*?)```", README, re.S)
    assert match, f"no yaml example under ### `{heading}`"
    return match.group(1)


@pytest.mark.parametrize("heading", list(MODELS))
def test_each_annotated_example_in_the_readme_is_a_valid_file(heading: str) -> None:
    MODELS[heading].model_validate(dialect.parse(example(heading).encode()))


def test_every_command_in_the_readme_table_exists_and_every_command_is_in_the_table() -> None:
    from typer.main import get_command

    listed = set(re.findall(r"^\| `cqctrack ([a-z][a-z-]*)", README, re.M))
    actual = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert listed == actual
