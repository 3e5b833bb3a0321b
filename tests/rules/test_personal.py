"""The personal-data scan, measured on a labelled set, and run over files by `check`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from cqctrack.rules import personal
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE

LABELLED = Path(__file__).resolve().parents[1] / "corpus" / "privacy" / "labelled.tsv"
DOMAINS = ("example.org",)
NAMES = ("Edith Crabtree",)
runner = CliRunner()


def labelled() -> list[tuple[str, str]]:
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, _, text = line.partition("\t")
            rows.append((label, text))
    return rows


def figures() -> dict[str, float]:
    """Precision and recall over the labelled set: a line counts by the first code found."""
    tp = fp = fn = 0
    per = Counter[str]()
    for label, text in labelled():
        found = {m.code for m in personal.scan(text, DOMAINS, NAMES)}
        if label == "none":
            fp += bool(found)
            per["false positive"] += bool(found)
        elif label in found:
            tp += 1
            fp += len(found - {label})
        else:
            fn += 1
            fp += len(found)
    return {
        "cases": len(labelled()),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def test_the_scan_is_precise_and_finds_nearly_everything_on_the_labelled_set() -> None:
    result = figures()
    print(json.dumps(result))
    assert result["cases"] >= 60
    assert result["precision"] >= 0.9, result
    assert result["recall"] >= 0.85, result


# Written in to show the scan's edges, and not found (counted in the recall above).
KNOWN_MISSES = {"NHS: 999 0000 018 (typed with odd spacing)"}


def test_every_positive_line_is_found_with_its_own_code() -> None:
    missed = [
        (label, text)
        for label, text in labelled()
        if label != "none" and label not in {m.code for m in personal.scan(text, DOMAINS, NAMES)}
    ]
    wrong = [
        (text, [m.code for m in personal.scan(text, DOMAINS, NAMES)])
        for label, text in labelled()
        if label == "none" and personal.scan(text, DOMAINS, NAMES)
    ]
    assert {text for _, text in missed} == KNOWN_MISSES and wrong == []


def test_no_false_positives_on_the_example_trackers(project: Path) -> None:
    result = runner.invoke(
        app, ["--repo", str(project), "check", "--as-of", "2026-11-23", "--select", "privacy"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 41 files: no problems found.\n"


def test_details_deep_in_a_record_are_named_by_their_field_path(git_repo: Path) -> None:
    # A requirement's description (in a list of mappings) and an extension's reason (beside
    # its `from`); its approved_by is an id, never scanned as text.
    action = ACTION.replace(
        "    description: Observed competency assessment for each staff member with repeat errors",
        "    description: Observed assessment, as Mrs Jones asked",
    ) + (
        "extensions:\n  - from: 2026-10-31\n    to: 2026-11-30\n    date: 2026-10-20\n"
        "    approved_by: tokafor\n    reason: Family on 07700 900123 asked for more time.\n"
    )
    (git_repo / f"{BASE}/actions/MED-001.yaml").write_text(action)
    commit_all(git_repo, "details", "2026-10-21")
    result = runner.invoke(
        app, ["--repo", str(git_repo), "check", "--as-of", "2026-11-23", "--select", "privacy"]
    )
    lines = [line for line in result.output.splitlines() if "privacy-" in line]
    assert lines == [
        f"{BASE}/actions/MED-001.yaml:13:5: error: evidence_required[1].description holds what "
        "looks like a person's title and name (Mr* *****) [privacy-title-name]",
        f"{BASE}/actions/MED-001.yaml:21:5: warning: extensions[1].reason holds what looks like "
        "a phone number (077** ******) [privacy-phone-number]",
    ], result.output


def test_check_names_file_line_and_column_in_text_and_evidence_files(
    git_repo: Path,
) -> None:
    action = ACTION.replace(
        "expected_outcome:", "detail: Family asked for calls on 07700 900123.\nexpected_outcome:"
    )
    (git_repo / f"{BASE}/actions/MED-001.yaml").write_text(
        action + "evidence:\n  - id: E1\n    satisfies: [R1]\n    kind: observation\n"
        "    file: evidence/obs.md\n    date: 2026-10-01\n    added_by: tokafor\n"
        "    summary: Observed.\n"
    )
    (git_repo / "evidence/obs.md").write_text("Observation notes\n\nResident DOB: 03/04/1941\n")
    names = git_repo / ".git" / "info" / "cqctrack-deny-names"
    names.parent.mkdir(exist_ok=True)
    names.write_text("# people who use our services\nEdith Crabtree\n")
    (git_repo / "evidence/audit.md").write_text("Mrs Edith Crabtree's MAR was complete.\n")
    commit_all(git_repo, "notes", "2026-10-02")
    result = runner.invoke(
        app, ["--repo", str(git_repo), "check", "--as-of", "2026-11-23", "--select", "privacy"]
    )
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "privacy-" in line]
    assert lines == [
        "evidence/audit.md:1:5: error: this evidence file holds what looks like a name on the "
        "local deny-list (Edi** ********) [privacy-name]",
        "evidence/obs.md:3:15: error: this evidence file holds what looks like a date of birth "
        "(03/**/****) [privacy-date-of-birth]",
        f"{BASE}/actions/MED-001.yaml:15:1: warning: detail holds what looks like a phone number "
        "(077** ******) [privacy-phone-number]",
    ]
    assert "pseudonymous reference (e.g. SU-0412)" in result.output
    assert "Edith" not in git(git_repo, "ls-files")  # the deny-list is never committed
    # An edit to an evidence file is seen, even with the check cached.
    (git_repo / "evidence/obs.md").write_text("Observation notes\n")
    again = runner.invoke(
        app, ["--repo", str(git_repo), "check", "--as-of", "2026-11-23", "--select", "privacy"]
    )
    assert "obs.md" not in again.output
