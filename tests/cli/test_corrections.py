"""Corrections are entries too: the original stays in the file and in history."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE

runner = CliRunner()
A1 = f"{BASE}/actions/MED-001.yaml"
M1 = f"{BASE}/measures/MED-M1.yaml"


def cli(repo: Path, *args: str, on: str = "2026-10-25"):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def add_evidence(repo: Path, when: str, *extra: str):
    return cli(
        repo,
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "competency-assessment",
        "--ref",
        "HR-COMP-0042",
        "--summary",
        "Observed rounds; all three competent",
        "--date",
        when,
        "--by",
        "tokafor",
        *extra,
    )


CLOSE = (
    "close",
    "MED-001",
    "--verified-by",
    "mpatel",
    "--outcome",
    "All three care workers observed as competent on live rounds",
    "--date",
    "2026-10-20",
)


def test_a_wrongly_dated_evidence_entry_is_corrected_and_no_longer_blocks_closure(git_repo: Path):
    assert add_evidence(git_repo, "2026-10-24").exit_code == 0  # really 4 October
    blocked = cli(git_repo, *CLOSE)
    assert blocked.exit_code == 1, blocked.output
    assert "closure date 2026-10-20 is before evidence E1 (2026-10-24)" in blocked.output
    fixed = cli(
        git_repo,
        "correct",
        "MED-001",
        "evidence",
        "E1",
        "--date",
        "2026-10-04",
        "--reason",
        "Typed 24 for 4 October",
    )
    assert fixed.exit_code == 0, fixed.output
    assert fixed.output.startswith("MED-001: correct E1 (date) as E2\n")
    text = (git_repo / A1).read_text()
    # The original stays, the replacement and the correction are appended.
    assert "  - id: E1\n" in text and "    date: 2026-10-24\n" in text
    assert text.endswith(
        "  - id: E2\n    satisfies: [R1]\n    kind: competency-assessment\n"
        "    document: HR-COMP-0042\n    date: 2026-10-04\n    added_by: tokafor\n"
        "    summary: Observed rounds; all three competent\n"
        "corrections:\n  - date: 2026-10-25\n    by: mpatel\n    entry: E1\n    change: replaced\n"
        "    replacement: E2\n    reason: Typed 24 for 4 October\n"
    )
    closed = cli(git_repo, *CLOSE)
    assert closed.exit_code == 0, closed.output
    assert cli(git_repo, "check").exit_code == 0
    history = runner.invoke(app, ["--repo", str(git_repo), "history", "MED-001"])
    assert (
        "evidence E1 corrected as E2 by mpatel (date 2026-10-24 → 2026-10-04): Typed 24 for 4 October"
        in history.output
    )
    assert "evidence E2 added" not in history.output


def test_an_exact_duplicate_evidence_entry_is_refused(git_repo: Path):
    assert add_evidence(git_repo, "2026-10-04").exit_code == 0
    again = add_evidence(git_repo, "2026-10-04")
    assert again.exit_code == 1, again.output
    assert again.output == (
        "error: MED-001: evidence E1 already records this (competency-assessment, document "
        "HR-COMP-0042, 2026-10-04, for R1) [consistency-duplicate-evidence]\n"
        "  hint: nothing was written; if E1 is wrong, correct it with `cqctrack correct MED-001 "
        "evidence E1`\n"
    )
    assert (git_repo / A1).read_text().count("  - id: E") == 1


def test_a_withdrawn_entry_stays_in_the_file_but_no_longer_counts(git_repo: Path):
    assert add_evidence(git_repo, "2026-10-04").exit_code == 0
    withdrawn = cli(
        git_repo,
        "withdraw",
        "MED-001",
        "evidence",
        "E1",
        "--reason",
        "Recorded on the wrong action",
    )
    assert withdrawn.exit_code == 0, withdrawn.output
    assert "  - id: E1\n" in (git_repo / A1).read_text()
    refused = cli(git_repo, *CLOSE)
    assert refused.exit_code == 1
    assert (
        "evidence requirement R1 (Observed competency assessment for each staff member with repeat errors) has no evidence"
        in refused.output
    )
    twice = cli(git_repo, "withdraw", "MED-001", "evidence", "E1", "--reason", "again")
    assert twice.exit_code == 1, twice.output
    assert twice.output == "error: MED-001: evidence E1 was already withdrawn or replaced\n"
    history = runner.invoke(app, ["--repo", str(git_repo), "history", "MED-001"])
    assert "evidence E1 withdrawn by mpatel: Recorded on the wrong action" in history.output


def test_a_wrong_reading_is_corrected_and_the_concern_view_uses_the_correction(git_repo: Path):
    result = cli(
        git_repo,
        "correct",
        "MED-M1",
        "reading",
        "2026-09",
        "--value",
        "93",
        "--reason",
        "Two MARs double-counted",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / M1).read_text()
    assert "    value: 96\n" in text and "    value: 93\n" in text
    assert "    entry: readings[1]\n    change: replaced\n    replacement: readings[2]\n" in text
    assert cli(git_repo, "check").exit_code == 0  # not a duplicate reading
    concerns = json.loads(cli(git_repo, "review", "--concerns", "--format", "json").output)
    assert concerns[0]["measures"][0]["readings"] == [{"period": "2026-09", "value": 93.0}]


def test_a_name_in_person_ref_is_amended_in_place_and_never_repeated(git_repo: Path):
    (git_repo / A1).write_text(
        ACTION.replace("risk: high\n", "risk: high\nperson_ref: John Smith\n")
    )
    commit_all(git_repo, "hand edit", "2026-10-02")
    assert cli(git_repo, "check").exit_code == 1
    result = cli(
        git_repo,
        "correct",
        "MED-001",
        "person-ref",
        "--value",
        "SU-0412",
        "--reason",
        "A name was entered instead of the reference",
    )
    assert result.exit_code == 0, result.output
    assert (
        "note: the previous person_ref is no longer in the file, but earlier commits still hold it"
        in result.output
    )
    text = (git_repo / A1).read_text()
    assert "John Smith" not in text and "person_ref: SU-0412\n" in text
    assert "    entry: person_ref\n    change: amended\n" in text
    assert "John Smith" not in git(git_repo, "log", "-1", "--format=%B")
    assert cli(git_repo, "check").exit_code == 0
    history = runner.invoke(app, ["--repo", str(git_repo), "history", "MED-001"])
    assert (
        "person ref corrected by mpatel: A name was entered instead of the reference"
        in history.output
    )
    assert "John Smith" not in history.output.split("hand edit")[-1]


def test_a_review_recorded_with_the_wrong_decision_is_corrected(git_repo: Path):
    assert (
        cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "Fine").exit_code
        == 0
    )
    fixed = cli(
        git_repo,
        "correct",
        "MED-001",
        "review",
        "1",
        "--decision",
        "challenge",
        "--reason",
        "Recorded as on-track in error",
    )
    assert fixed.exit_code == 0, fixed.output
    row = next(
        r
        for r in json.loads(cli(git_repo, "review", "--all", "--format", "json").output)
        if r["id"] == "MED-001"
    )
    assert row["last_review"]["decision"] == "challenge"
    assert "challenged-at-review" in [f["code"] for f in row["findings"]]
    wrong = cli(git_repo, "correct", "MED-001", "review", "1", "--value", "3", "--reason", "x")
    assert wrong.exit_code == 1 or wrong.exit_code == 2, wrong.output


def test_evidence_requirements_change_only_with_an_approver_and_a_reason(git_repo: Path):
    missing = cli(git_repo, "requirement", "change", "MED-001", "R1", "--kinds", "observation")
    assert missing.exit_code == 2, missing.output
    assert missing.output.startswith("error: missing --approved-by and --reason\n")
    owner = cli(
        git_repo,
        "requirement",
        "change",
        "MED-001",
        "R1",
        "--kinds",
        "observation",
        "--approved-by",
        "tokafor",
        "--reason",
        "x",
    )
    assert owner.exit_code == 1, owner.output
    assert owner.output.startswith("error: tokafor owns MED-001 and cannot approve changes")
    ok = cli(
        git_repo,
        "requirement",
        "change",
        "MED-001",
        "R1",
        "--kinds",
        "observation",
        "--approved-by",
        "mpatel",
        "--reason",
        "Any observed practice will do",
    )
    assert ok.exit_code == 0, ok.output
    text = (git_repo / A1).read_text()
    assert "    kinds: [observation]\n" in text
    assert text.endswith(
        "requirement_changes:\n  - date: 2026-10-25\n    by: mpatel\n    approved_by: mpatel\n"
        "    requirement: R1\n    change: changed\n    was:\n      id: R1\n"
        "      description: Observed competency assessment for each staff member with repeat errors\n"
        "      kinds: [competency-assessment, observation]\n    reason: Any observed practice will do\n"
    )
    history = runner.invoke(app, ["--repo", str(git_repo), "history", "MED-001"])
    assert (
        "evidence requirement R1 changed, approved by mpatel: Any observed practice will do"
        in history.output
    )
    assert "Nothing flagged for review." in history.output
    added = cli(
        git_repo,
        "requirement",
        "add",
        "MED-001",
        "--description",
        "Spot checks after each round",
        "--kinds",
        "spot-check",
        "--approved-by",
        "jreed",
        "--reason",
        "Provider challenge",
    )
    assert added.exit_code == 0, added.output
    assert (
        "  - id: R2\n    description: Spot checks after each round\n    kinds: [spot-check]\n"
        in (git_repo / A1).read_text()
    )


def test_an_unlogged_due_date_move_is_logged_after_the_fact_with_an_approver(git_repo: Path):
    (git_repo / A1).write_text(ACTION.replace("due: 2026-10-31", "due: 2026-11-14"))
    commit_all(
        git_repo, "Update MED-001 due date", "2026-10-10", author="Tunde Okafor <t@example.org>"
    )
    before = cli(git_repo, "check")
    assert "[drift-unlogged-extension]" in before.output
    logged = cli(
        git_repo,
        "extend",
        "MED-001",
        "--after-the-fact",
        "--approved-by",
        "mpatel",
        "--reason",
        "Trainer on leave; agreed at the weekly review",
    )
    assert logged.exit_code == 0, logged.output
    assert logged.output.startswith(
        "MED-001: log the due-date move 2026-10-31 -> 2026-11-14 after the fact, approved by mpatel\n"
    )
    text = (git_repo / A1).read_text()
    assert "due: 2026-11-14\n" in text
    assert text.endswith(
        "extensions:\n  - from: 2026-10-31\n    to: 2026-11-14\n"
        "    reason: Trainer on leave; agreed at the weekly review\n    approved_by: mpatel\n"
        "    date: 2026-10-25\n"
    )
    after = cli(git_repo, "check")
    assert "[drift-unlogged-extension]" not in after.output
    row = next(
        r
        for r in json.loads(cli(git_repo, "review", "--all", "--format", "json").output)
        if r["id"] == "MED-001"
    )
    assert row["extensions"] == {"logged": 1, "unlogged": 0, "total": 1}
    history = runner.invoke(app, ["--repo", str(git_repo), "history", "MED-001"])
    assert "due moved 31 Oct 2026 → 14 Nov 2026 (extension logged later" in history.output
    none_left = cli(
        git_repo,
        "extend",
        "MED-001",
        "--after-the-fact",
        "--approved-by",
        "mpatel",
        "--reason",
        "x",
    )
    assert none_left.exit_code == 1
    assert "git shows no unlogged due-date move of MED-001" in none_left.output
