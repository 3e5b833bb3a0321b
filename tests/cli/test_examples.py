"""The bundled example trackers: clean under `check`, and caught when a closure is unsupported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app

runner = CliRunner()
PROJECT = Path(__file__).resolve().parents[2]
MED_001 = "trackers/riverside-homecare/actions/MED-001.yaml"


def copy_examples(target: Path) -> Path:
    shutil.copy(PROJECT / "cqctrack.yaml", target / "cqctrack.yaml")
    shutil.copytree(PROJECT / "trackers", target / "trackers")
    shutil.copytree(PROJECT / "evidence", target / "evidence")
    return target


def test_the_example_trackers_pass_check_strictly() -> None:
    result = runner.invoke(
        app, ["--repo", str(PROJECT), "check", "--strict", "--as-of", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Checked \d+ files: no problems found\.\n", result.output)


def test_a_closed_example_action_stripped_of_its_evidence_fails_naming_file_and_requirement(
    tmp_path: Path,
) -> None:
    root = copy_examples(tmp_path)
    path = root / MED_001
    text = path.read_text()
    start, end = (
        text.index("\nevidence:\n"),
        text.index("\nextensions:\n") if "\nextensions:\n" in text else text.index("\nreviews:\n"),
    )
    path.write_text(text[:start] + text[end:])
    result = runner.invoke(app, ["--repo", str(root), "check", "--as-of", "2026-11-23"])
    assert result.exit_code == 1, result.output
    missing = [line for line in result.output.splitlines() if "[closure-missing-evidence]" in line]
    assert missing, result.output
    assert all(line.startswith(f"{MED_001}:") for line in missing)
    assert any(
        "evidence requirement R1 (" in line
        and line.endswith("has no evidence [closure-missing-evidence]")
        for line in missing
    )


def test_the_example_trackers_history_counts_as_recorded_not_proven() -> None:
    # The project's cqctrack.yaml states where its imported history ends (its trackers
    # were written up by developers, not recorded as they happened): its sign-offs show
    # as recorded, and nothing is flagged.
    result = runner.invoke(app, ["--repo", str(PROJECT), "history", "MED-001"])
    assert result.exit_code == 0, result.output
    assert (
        "· the closure is recorded, not proven: it was committed in history that predates "
        "the governance record (signoff.imported_until: 2026-12-01)"
    ) in result.output
    assert result.output.rstrip().endswith("Nothing flagged for review.")
