"""Recording commands through the CLI, in a real git repository with fixed dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE, CLOSED_ACTION

runner = CliRunner()
A1 = f"{BASE}/actions/MED-001.yaml"
A2 = f"{BASE}/actions/MED-002.yaml"


def cli(repo: Path, *args: str, on: str = "2026-10-20"):
    """Run cqctrack in `repo` as if on day `on` (git dates and --as-of agree)."""
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def last_commit(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%an <%ae>%n%s%n%b").strip()


def add_evidence_file(repo: Path, name: str = "evidence/competency.md") -> str:
    (repo / name).write_text("Competency check record\n")
    commit_all(repo, "Add evidence file", "2026-10-01")
    return name


# --- evidence ------------------------------------------------------------------------


def test_evidence_add_appends_an_entry_and_commits_with_trailers(git_repo: Path) -> None:
    ref = add_evidence_file(git_repo)
    result = cli(
        git_repo,
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "competency-assessment",
        "--ref",
        ref,
        "--summary",
        "Observed practice; competent",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / A1).read_text()
    assert text == ACTION + (
        "evidence:\n"
        "  - id: E1\n"
        "    satisfies: [R1]\n"
        "    kind: competency-assessment\n"
        "    file: evidence/competency.md\n"
        "    date: 2026-10-20\n"
        "    added_by: mpatel\n"
        "    summary: Observed practice; competent\n"
    )
    assert last_commit(git_repo) == (
        "Meera Patel <meera@example.org>\n"
        "MED-001: add evidence E1 (competency-assessment) for R1\n"
        "Action: MED-001\nEvent: evidence-added\nEvidence: E1\nRecorded-By: mpatel\nCqctrack-Version: 0.1.0"
    )
    assert git(git_repo, "status", "--porcelain") == ""


def test_evidence_can_name_an_external_document(git_repo: Path) -> None:
    result = cli(
        git_repo,
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "practice-observation",
        "--ref",
        "QMS-OBS-0042",
        "--summary",
        "Observed",
    )
    assert result.exit_code == 0, result.output
    assert "    document: QMS-OBS-0042\n" in (git_repo / A1).read_text()


def test_evidence_for_a_missing_file_is_refused_and_nothing_is_written(git_repo: Path) -> None:
    before = (git_repo / A1).read_bytes()
    result = cli(
        git_repo,
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "competency-assessment",
        "--ref",
        "evidence/nope.pdf",
        "--summary",
        "x",
    )
    assert result.exit_code == 2, result.output
    assert result.output == (
        "error: --ref evidence/nope.pdf: the file does not exist\n"
        "  hint: give the path of the file (pass --copy for one outside the repository), "
        "or pass --document for an id held elsewhere\n"
    )
    assert (git_repo / A1).read_bytes() == before


def test_evidence_of_a_kind_no_requirement_accepts_is_refused(git_repo: Path) -> None:
    result = cli(
        git_repo,
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "rota",
        "--ref",
        "ROTA-1",
        "--summary",
        "x",
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: no evidence requirement of MED-001 accepts rota evidence\n"
        "  - R1 needs competency-assessment or any observation evidence\n"
        "  hint: choose a kind a requirement accepts\n"
    )


# --- extend ------------------------------------------------------------------------


def test_extend_logs_the_extension_and_moves_the_due_date_in_one_commit(git_repo: Path) -> None:
    result = cli(
        git_repo,
        "extend",
        "MED-001",
        "--to",
        "2026-11-14",
        "--reason",
        "Trainer on leave",
        "--approved-by",
        "mpatel",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / A1).read_text()
    assert "due: 2026-11-14\n" in text
    assert text.endswith(
        "extensions:\n"
        "  - from: 2026-10-31\n"
        "    to: 2026-11-14\n"
        "    reason: Trainer on leave\n"
        "    approved_by: mpatel\n"
        "    date: 2026-10-20\n"
    )
    diff = git(git_repo, "show", "--format=", "--stat", "HEAD")
    assert f"{A1} | 8 +++++++-" in diff


def test_extend_refuses_a_date_that_is_not_later_and_self_approval(git_repo: Path) -> None:
    before = (git_repo / A1).read_bytes()
    result = cli(
        git_repo,
        "extend",
        "MED-001",
        "--to",
        "2026-10-31",
        "--reason",
        "x",
        "--approved-by",
        "tokafor",
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: MED-001 was not extended\n"
        "  - the new due date 2026-10-31 is not later than the current one (2026-10-31)\n"
        "  - tokafor owns the action and cannot approve its own extension\n"
        "  - tokafor is a medicines-lead, who may not approve extensions\n"
        "  - the extension approved on 20 Oct 2026 cannot be proven: tokafor has no e-mail in "
        "the people register (policy signoff.proof: author)\n"
    )
    assert (git_repo / A1).read_bytes() == before


# --- close -------------------------------------------------------------------------


def test_close_refuses_with_one_line_per_unmet_condition_and_leaves_the_file(
    git_repo: Path,
) -> None:
    before = (git_repo / A1).read_bytes()
    head = git(git_repo, "rev-parse", "HEAD")
    result = cli(git_repo, "close", "MED-001", "--verified-by", "tokafor", "--outcome", "Done")
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: MED-001 cannot be closed:\n"
        "  - evidence requirement R1 (Observed competency assessment for each staff member with repeat errors) has no evidence\n"
        "  - the verifier (tokafor) is the action's owner; closure needs independent verification\n"
        "  - the verifier (tokafor) is a medicines-lead, which may not verify closures\n"
        "  - the outcome statement 'Done' has 1 word; policy closure.outcome_min_words asks for 8\n"
        "  - the closure cannot be proven: tokafor has no e-mail in the people register "
        "(policy signoff.proof: author)\n"
        "  hint: nothing was written; close it once every condition above is met\n"
    )
    assert (git_repo / A1).read_bytes() == before
    assert git(git_repo, "rev-parse", "HEAD") == head


def test_close_succeeds_once_evidence_and_an_independent_verifier_are_there(git_repo: Path) -> None:
    ref = add_evidence_file(git_repo)
    assert (
        cli(
            git_repo,
            "evidence",
            "add",
            "MED-001",
            "--kind",
            "competency-assessment",
            "--ref",
            ref,
            "--summary",
            "Competent",
            "--by",
            "tokafor",
        ).exit_code
        == 0
    )
    result = cli(
        git_repo,
        "close",
        "MED-001",
        "--verified-by",
        "mpatel",
        "--outcome",
        "No repeat errors by the three staff in the October audit",
        on="2026-10-25",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / A1).read_text()
    assert "status: closed\n" in text
    assert text.endswith(
        "closure:\n  date: 2026-10-25\n  verified_by: mpatel\n"
        "  outcome: No repeat errors by the three staff in the October audit\n"
    )
    assert "Event: closed\nVerified-By: mpatel" in last_commit(git_repo)


def test_a_closed_action_refuses_new_evidence_until_reopened(git_repo: Path) -> None:
    result = cli(
        git_repo,
        "evidence",
        "add",
        "MED-002",
        "--kind",
        "audit",
        "--ref",
        "AUD-9",
        "--summary",
        "x",
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: MED-002 is closed, so you cannot add evidence\n"
        "  hint: reopen it first with `cqctrack reopen MED-002 --reason TEXT`\n"
    )


def test_reopen_keeps_the_undone_closure_in_the_reopenings_log(git_repo: Path) -> None:
    result = cli(
        git_repo,
        "reopen",
        "MED-002",
        "--reason",
        "Repeat omission in November audit",
        on="2026-11-05",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / A2).read_text()
    assert "status: in-progress\n" in text
    # Closed 25 Oct to 5 Nov: those 11 days do not count, so the due date moves on by them.
    assert "due: 2026-11-11\n" in text
    assert result.output.endswith(
        "note: MED-002 is due 11 Nov 2026 (was 31 Oct 2026, moved on by the 11 days it was closed)\n"
    )
    assert text.endswith(
        "reopenings:\n"
        "  - date: 2026-11-05\n"
        "    by: mpatel\n"
        "    reason: Repeat omission in November audit\n"
        "    due: 2026-11-11\n"
        "    closure:\n"
        "      date: 2026-10-25\n"
        "      verified_by: mpatel\n"
        "      outcome: Re-audit at 96% complete and supervision done for both staff.\n"
    )


# --- oversight, update, cancel -----------------------------------------------------


def test_oversight_records_a_weekly_review_by_default_for_a_registered_manager(
    git_repo: Path,
) -> None:
    result = cli(
        git_repo,
        "oversight",
        "MED-001",
        "--decision",
        "challenge",
        "--note",
        "Only one of three staff checked",
    )
    assert result.exit_code == 0, result.output
    assert (
        (git_repo / A1)
        .read_text()
        .endswith(
            "reviews:\n  - date: 2026-10-20\n    by: mpatel\n    level: weekly\n    decision: challenge\n    note: Only one of three staff checked\n"
        )
    )


def test_approving_closure_without_evidence_is_refused(git_repo: Path) -> None:
    result = cli(git_repo, "oversight", "MED-001", "--decision", "approve-closure", "--note", "ok")
    assert result.exit_code == 1, result.output
    assert result.output.startswith(
        "error: closure of MED-001 cannot be approved: evidence requirements R1 have no usable evidence\n"
    )


def test_update_reassigns_and_notes_progress(git_repo: Path) -> None:
    result = cli(
        git_repo,
        "update",
        "MED-001",
        "--owner",
        "mpatel",
        "--note",
        "Taking this over while TO is on leave",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / A1).read_text()
    assert "owner: mpatel\n" in text
    assert (
        "progress:\n  - date: 2026-10-20\n    by: mpatel\n    note: Taking this over while TO is on leave\n"
        in text
    )
    assert "Event: reassigned" in last_commit(git_repo)


def test_update_refuses_awaiting_verification_without_evidence(git_repo: Path) -> None:
    result = cli(git_repo, "update", "MED-001", "--status", "awaiting-verification")
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: MED-001 has no evidence yet, so it cannot await verification\n"
        "  hint: record evidence first with `cqctrack evidence add MED-001`\n"
    )


def test_cancel_records_who_approved_it(git_repo: Path) -> None:
    result = cli(
        git_repo,
        "cancel",
        "MED-001",
        "--reason",
        "Superseded by MED-003",
        "--approved-by",
        "mpatel",
    )
    assert result.exit_code == 0, result.output
    text = (git_repo / A1).read_text()
    assert "status: cancelled\n" in text
    assert text.endswith(
        "cancellation:\n  date: 2026-10-20\n  approved_by: mpatel\n  reason: Superseded by MED-003\n"
    )


# --- measures and new files --------------------------------------------------------


def test_measure_record_appends_a_reading_and_refuses_a_repeat_period(git_repo: Path) -> None:
    ok = cli(
        git_repo,
        "measure",
        "record",
        "MED-M1",
        "--period",
        "2026-10",
        "--value",
        "97.5",
        "--ref",
        "QMS-AUD-2026-10",
        on="2026-11-03",
    )
    assert ok.exit_code == 0, ok.output
    assert (
        "  - period: 2026-10\n    value: 97.5\n    document: QMS-AUD-2026-10\n    recorded: 2026-11-03\n    recorded_by: mpatel\n"
        in (git_repo / f"{BASE}/measures/MED-M1.yaml").read_text()
    )
    again = cli(
        git_repo,
        "measure",
        "record",
        "MED-M1",
        "--period",
        "2026-10",
        "--value",
        "90",
        "--ref",
        "X",
        on="2026-11-03",
    )
    assert again.exit_code == 1, again.output
    assert (
        again.output
        == "error: the reading was not recorded\n  - MED-M1 already has a reading for 2026-10; "
        "correct it with `cqctrack correct MED-M1 reading 2026-10 --value V --reason TEXT`\n"
    )


def test_new_action_gets_the_next_id_a_schema_modeline_and_the_concerns_statements(
    git_repo: Path,
) -> None:
    result = cli(
        git_repo,
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "Spot checks of MAR charts",
        "--owner",
        "tokafor",
        "--due",
        "2026-11-30",
        "--risk",
        "medium",
        "--requires",
        "Spot check records=spot-check",
        "--outcome",
        "Gaps found and fixed within a day",
    )
    assert result.exit_code == 0, result.output
    assert (git_repo / f"{BASE}/actions/MED-003.yaml").read_text() == (
        "# yaml-language-server: $schema=../../../schemas/action.schema.json\n"
        "id: MED-003\n"
        "title: Spot checks of MAR charts\n"
        "concern: MED-C1\n"
        "statements: [S8]\n"
        "regulations: [12]\n"
        "owner: tokafor\n"
        "risk: medium\n"
        "created: 2026-10-20\n"
        "created_by: mpatel\n"
        "due: 2026-11-30\n"
        "status: open\n"
        "evidence_required:\n"
        "  - id: R1\n"
        "    description: Spot check records\n"
        "    kinds: [spot-check]\n"
        "expected_outcome: Gaps found and fixed within a day\n"
    )
    check = runner.invoke(app, ["--repo", str(git_repo), "check", "--as-of", "2026-11-01"])
    assert check.exit_code == 0, check.output


def test_new_action_without_a_required_option_says_which_when_not_on_a_terminal(
    git_repo: Path,
) -> None:
    result = cli(
        git_repo,
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "x",
        "--owner",
        "tokafor",
        "--due",
        "2026-11-30",
        "--risk",
        "low",
        "--outcome",
        "y",
    )
    assert result.exit_code == 2, result.output
    assert (
        result.output
        == "error: missing --requires\n  hint: give --requires (evidence requirement (description=kind))\n"
    )


# --- safety --------------------------------------------------------------------------


def test_hand_comments_key_order_and_quotes_survive_an_edit(git_repo: Path) -> None:
    original = ACTION.replace(
        "risk: high\n", "risk: high   # raised after the August audit\n"
    ).replace(
        "title: Competency checks for staff with repeated MAR errors",
        "title: 'Competency checks: repeat MAR errors'",
    )
    (git_repo / A1).write_text("# Medicines follow-up\n" + original)
    commit_all(git_repo, "hand edit", "2026-10-02")
    assert (
        cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "Fine").exit_code
        == 0
    )
    text = (git_repo / A1).read_text()
    assert text.startswith("# Medicines follow-up\n" + original)


def test_a_file_that_changes_underneath_is_not_clobbered(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqctrack.write import document as writer

    real_write = writer.write

    def meddling_write(doc, data):
        doc.path.write_text(doc.path.read_text() + "# edited elsewhere\n")
        return real_write(doc, data)

    monkeypatch.setattr(writer, "write", meddling_write)
    result = cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "Fine")
    assert result.exit_code == 3, result.output
    assert (
        "the file changed on disk while cqctrack was working on it; nothing was written"
        in result.output
    )
    assert (git_repo / A1).read_text().endswith("# edited elsewhere\n")


def test_a_failed_write_leaves_the_original_bytes(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (git_repo / A1).read_bytes()

    def failing_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    result = cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "Fine")
    assert result.exit_code != 0
    assert (git_repo / A1).read_bytes() == before
    leftovers = [p.name for p in (git_repo / BASE / "actions").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_an_edit_that_would_make_the_file_invalid_is_never_written(git_repo: Path) -> None:
    bad = CLOSED_ACTION.replace("status: closed", "status: in-progress").replace(
        "closure:\n  date: 2026-10-25\n  verified_by: mpatel\n  outcome: Re-audit at 96% complete and supervision done for both staff.\n",
        "",
    )
    (git_repo / A2).write_text(bad.replace("owner: tokafor", "owner: Tunde"))
    before = (git_repo / A2).read_bytes()
    result = cli(git_repo, "oversight", "MED-002", "--decision", "on-track", "--note", "x")
    assert result.exit_code == 3, result.output
    assert (git_repo / A2).read_bytes() == before


def test_another_cqctrack_holding_the_files_lock_blocks_a_write_after_a_short_wait(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqctrack.write import locks

    monkeypatch.setattr(locks, "WAIT_SECONDS", 0.3)
    lock = locks.folder(git_repo) / locks._name(locks.file_key(A1))
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [
            "python",
            "-c",
            "import sys,fcntl,time; f=open(sys.argv[1],'a+b'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "x")
        assert result.exit_code == 3, result.output
        assert f"error: another cqctrack is writing {A1}; try again" in result.output
        # a recording on another action is not held up
        other = cli(
            git_repo,
            "oversight",
            "MED-002",
            "--decision",
            "on-track",
            "--note",
            "y",
            on="2026-11-02",
        )
        assert other.exit_code == 0, other.output
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_only_the_changed_file_is_committed_and_other_staged_work_stays_staged(
    git_repo: Path,
) -> None:
    (git_repo / "evidence" / "draft.md").write_text("draft\n")
    git(git_repo, "add", "evidence/draft.md")
    assert (
        cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "x").exit_code
        == 0
    )
    assert git(git_repo, "show", "--format=", "--name-only", "HEAD").split() == [A1]
    assert git(git_repo, "status", "--porcelain").strip() == "A  evidence/draft.md"


def test_no_commit_writes_the_file_and_leaves_it_uncommitted(git_repo: Path) -> None:
    result = cli(
        git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "x", "--no-commit"
    )
    assert result.exit_code == 0, result.output
    assert "not committed (--no-commit)" in result.output
    assert git(git_repo, "status", "--porcelain").strip() == f"M {A1}"


# --- clear errors --------------------------------------------------------------------


def test_not_a_git_repository(tmp_path: Path, isolated_git) -> None:
    from tests.helpers import minimal_repo

    root = minimal_repo(tmp_path / "plain")
    result = cli(root, "oversight", "MED-001", "--decision", "on-track", "--note", "x")
    assert result.exit_code == 3, result.output
    assert f"error: {root} is not in a git repository" in result.output


def test_no_git_identity(git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("EMAIL", "")
    result = cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "x")
    assert result.exit_code == 3, result.output
    assert (
        "error: no git identity is configured, so the change cannot be attributed to you"
        in result.output
    )


def test_a_merge_in_progress_is_refused(git_repo: Path) -> None:
    (git_repo / ".git" / "MERGE_HEAD").write_text(git(git_repo, "rev-parse", "HEAD"))
    result = cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "x")
    assert result.exit_code == 3, result.output
    assert result.output == (
        "error: a merge is in progress in this repository\n"
        "  hint: finish or abort it first (see `git status`), or pass --no-commit\n"
    )


def test_unknown_action_and_unknown_person(git_repo: Path) -> None:
    unknown = cli(git_repo, "close", "MED-099", "--verified-by", "mpatel", "--outcome", "x")
    assert unknown.exit_code == 3, unknown.output
    assert unknown.output.startswith("error: there is no action MED-099\n")
    person = cli(
        git_repo,
        "extend",
        "MED-001",
        "--to",
        "2026-12-01",
        "--reason",
        "x",
        "--approved-by",
        "nobody",
    )
    assert person.exit_code == 3, person.output
    assert (
        person.output
        == "error: --approved-by nobody: not in the people register\n  hint: people: mpatel, tokafor, jreed\n"
    )
